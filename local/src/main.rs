//! `natives-local`: serve every route locally, invoke one function, or run an operator
//! command on the local data.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use natives_functions::{FUNCTIONS, Function};
use natives_local::stack::{Stack, StackOptions, attach};
use natives_local::{BoxError, data_dir, examples, invoke};
use natives_shared::clock::SystemClock;
use natives_shared::domain::{Email, Role};
use natives_shared::store::Failure;

#[derive(Parser)]
#[command(name = "natives-local", about = "The Natives.Chat local stack")]
struct Cli {
    /// Where DynamoDB, S3 and the signing keys keep their data.
    #[arg(long, global = true, default_value = ".local")]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve every route on loopback (the default).
    Serve {
        #[arg(long, default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
        /// Inject faults between the functions and DynamoDB and S3 at this rate (0 to
        /// 1): throttling, 5xx, late answers, resets, lost answers of applied writes.
        #[arg(long, value_name = "RATE", value_parser = fault_rate)]
        inject_faults: Option<f64>,
    },
    /// Run one function once with an API Gateway event file and print its response.
    /// `REPLACE_WITH_*` placeholders in the event are filled with fresh local data
    /// (accounts, tokens, purchases), so the files in `events/` run as they are.
    Invoke {
        function: String,
        /// Default: `events/<function>.json`.
        #[arg(long)]
        event: Option<PathBuf>,
    },
    /// Print a function's example event with its placeholders filled (fresh local data).
    ExampleEvent { function: String },
    /// Operator commands on accounts.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// The e-mails the platform has queued (locally they go to the log, not out).
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Every e-mail in the outbox, oldest first, with its state.
    List,
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// Replace an account's roles, e.g. `set-roles ada@example.com user,admin`.
    SetRoles { email: String, roles: String },
    /// Appoint a stack's first admin: once per table, audited. With `--aws`, on the
    /// deployed table (your AWS credentials and region, as the AWS CLI finds them);
    /// without, on the local data. Later admins are appointed by admins.
    FirstAdmin {
        /// The registered account to make an admin.
        email: String,
        /// Who runs this (a person), for the audit entry.
        #[arg(long)]
        operator: String,
        /// Why, for the audit entry.
        #[arg(long)]
        reason: String,
        /// On the deployed stack's table instead of the local data.
        #[arg(long)]
        aws: bool,
        /// The deployed table's name (the stack's `TableName` output).
        #[arg(long, default_value = "natives")]
        table: String,
    },
}

fn main() -> Result<(), BoxError> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,aws=warn,dynoxide=warn")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve {
            addr: "127.0.0.1:3000".parse()?,
            inject_faults: None,
        }) {
            Command::Serve {
                addr,
                inject_faults,
            } => serve(addr, cli.data_dir, inject_faults).await,
            Command::Invoke { function, event } => {
                let function = function_named(&function)?;
                let (app, _running) = attach(&cli.data_dir).await?;
                let event = filled_event(&app, &cli.data_dir, function, event).await?;
                let response = invoke::invoke(&app, function, &event.to_string()).await?;
                println!("{}", serde_json::to_string_pretty(&response)?);
                Ok(())
            }
            Command::ExampleEvent { function } => {
                let function = function_named(&function)?;
                let (app, _running) = attach(&cli.data_dir).await?;
                let event = filled_event(&app, &cli.data_dir, function, None).await?;
                println!("{}", serde_json::to_string_pretty(&event)?);
                Ok(())
            }
            Command::Accounts {
                command: AccountsCommand::SetRoles { email, roles },
            } => set_roles(&cli.data_dir, &email, &roles).await,
            Command::Outbox {
                command: OutboxCommand::List,
            } => list_outbox(&cli.data_dir).await,
            Command::Accounts {
                command:
                    AccountsCommand::FirstAdmin {
                        email,
                        operator,
                        reason,
                        aws,
                        table,
                    },
            } => {
                let (store, _running) = if aws {
                    let sdk = natives_shared::aws::load_sdk_config().await;
                    (natives_shared::store::Store::connect(&sdk, &table), None)
                } else {
                    let (app, running) = attach(&cli.data_dir).await?;
                    (app.store, Some(running))
                };
                first_admin(&store, &email, &operator, &reason).await
            }
        }
    })
}

fn function_named(name: &str) -> Result<Function, BoxError> {
    Function::from_name(name).ok_or_else(|| {
        let names: Vec<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        format!("unknown function {name:?}; functions: {}", names.join(", ")).into()
    })
}

/// The event in `path` (default `events/<function>.json`), placeholders filled for the
/// caller the function's row asks for.
async fn filled_event(
    app: &natives_functions::App,
    data: &std::path::Path,
    function: Function,
    path: Option<PathBuf>,
) -> Result<serde_json::Value, BoxError> {
    let spec = function.spec();
    let path = path.unwrap_or_else(|| PathBuf::from(format!("events/{}.json", spec.name)));
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let keys = data_dir::signing_keys(data)?;
    examples::fill(app, &keys, &text, examples::Who::for_access(spec.access)).await
}

fn fault_rate(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err("a rate from 0 to 1, e.g. 0.2".into()),
    }
}

async fn serve(addr: SocketAddr, data: PathBuf, fault_rate: Option<f64>) -> Result<(), BoxError> {
    let stack = Stack::start(StackOptions {
        addr,
        data_dir: data.clone(),
        clock: Arc::new(SystemClock),
        configure: None,
        fault_rate,
        poll_stream: true,
    })
    .await?;
    if let Some(rate) = fault_rate {
        eprintln!(
            "injecting faults into {:.0}% of DynamoDB and S3 requests",
            rate * 100.0
        );
    }
    data_dir::write_endpoints(&data, &stack.endpoints)?;
    eprintln!(
        "Natives.Chat local stack on {} ({} routes; data in {}; DynamoDB {}, S3 {})",
        stack.endpoints.api,
        FUNCTIONS.iter().filter(|f| f.route().is_some()).count(),
        data.display(),
        stack.endpoints.dynamodb,
        stack.endpoints.s3
    );
    shutdown_signal().await;
    if fault_rate.is_some() {
        eprintln!("faults: {}", stack.faults.summary());
    }
    eprintln!("stopping");
    data_dir::remove_endpoints(&data);
    stack.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

async fn set_roles(data: &std::path::Path, email: &str, roles: &str) -> Result<(), BoxError> {
    let email = Email::parse(email).map_err(|e| format!("e-mail: {e}"))?;
    let mut parsed = roles
        .split(',')
        .map(Role::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if !parsed.contains(&Role::User) {
        parsed.insert(0, Role::User); // every registered account is a user
    }
    parsed.dedup();
    let (app, _running) = attach(data).await?;
    let account_id = app
        .store
        .account_id_for_email(&email)
        .await?
        .ok_or_else(|| format!("no account with e-mail {}", email.as_ref()))?;
    // Audited as the local operator's change, like an admin's through the API.
    if let Err(failure) = app
        .store
        .set_roles_by_operator(&account_id, &parsed, app.now())
        .await
    {
        return Err(match failure {
            Failure::Refused(_) => format!("no account with e-mail {}", email.as_ref()).into(),
            Failure::Store(error) => error.into(),
        });
    }
    let names: Vec<_> = parsed.iter().map(|r| r.as_str()).collect();
    println!(
        "{} ({account_id}) now has roles: {}",
        email.as_ref(),
        names.join(",")
    );
    Ok(())
}

async fn list_outbox(data: &std::path::Path) -> Result<(), BoxError> {
    let (app, _running) = attach(data).await?;
    let emails = app.store.outbox().await?;
    if emails.is_empty() {
        println!("The outbox is empty.");
    }
    for email in emails {
        let to = match app.store.get_account(&email.account_id).await? {
            Some(account) => account.email.to_string(),
            None => "(no such account)".into(),
        };
        let state = serde_json::to_value(email.status)?;
        let kind = serde_json::to_value(email.kind)?;
        println!(
            "{}  {:<8} {:<14} to {} <{}>: {}",
            email.created_at,
            state.as_str().unwrap_or_default(),
            kind.as_str().unwrap_or_default(),
            email.account_id,
            to,
            email.subject
        );
        match (&email.sent_at, &email.skipped_reason) {
            (_, Some(reason)) => println!("    skipped: {reason}"),
            (Some(at), None) => println!(
                "    sent {at} ({})",
                email.provider_message_id.as_deref().unwrap_or_default()
            ),
            (None, None) => {}
        }
        for line in email.body.lines() {
            println!("    | {line}");
        }
    }
    Ok(())
}

/// The one-off that makes a new stack's first admin, with its audit entry.
async fn first_admin(
    store: &natives_shared::store::Store,
    email: &str,
    operator: &str,
    reason: &str,
) -> Result<(), BoxError> {
    use natives_shared::store::FirstAdminOutcome;

    let email = Email::parse(email).map_err(|e| format!("e-mail: {e}"))?;
    let (operator, reason) = (operator.trim(), reason.trim());
    if operator.is_empty() || reason.is_empty() {
        return Err("--operator and --reason must say who and why (they are audited)".into());
    }
    let account_id = store.account_id_for_email(&email).await?.ok_or_else(|| {
        format!(
            "no account with e-mail {}: register it first",
            email.as_ref()
        )
    })?;
    let now = time::OffsetDateTime::now_utc();
    match store
        .appoint_first_admin(&account_id, operator, reason, now)
        .await?
    {
        FirstAdminOutcome::Appointed { audit_entry_id } => {
            println!(
                "{} ({account_id}) is the first admin (audit entry {audit_entry_id}); log in again to use it",
                email.as_ref(),
            );
            Ok(())
        }
        FirstAdminOutcome::AlreadyAppointed { account_id, at } => Err(format!(
            "this table's first admin was appointed at {at} ({account_id}); admins appoint the others"
        )
        .into()),
        FirstAdminOutcome::NotAppointable => {
            Err(format!("{} is an admin already", email.as_ref()).into())
        }
    }
}

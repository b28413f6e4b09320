//! `natives-local`: serve every route locally, invoke one function, or run an operator
//! command on the local data.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use natives_functions::{FUNCTIONS, Function};
use natives_local::data_dir::{self, Held};
use natives_local::faults::FaultPlan;
use natives_local::services::{Services, endpoint_argument};
use natives_local::stack::{Stack, StackOptions, StartError, attach};
use natives_local::{BoxError, TABLE_NAME, examples, invoke};
use natives_shared::clock::SystemClock;
use natives_shared::domain::{
    Email, LocalPromotionCode, PromotionCodeText, Role, Timestamp, parse_percent_off,
};
use natives_shared::store::Failure;

#[derive(Parser)]
#[command(name = "natives-local", about = "The Natives.Chat local stack")]
struct Cli {
    /// Where DynamoDB, S3 and the signing keys keep their data.
    #[arg(long, global = true, default_value = ".local")]
    data_dir: PathBuf,
    /// Use the DynamoDB at this URL instead of the embedded one: DynamoDB Local or moto's
    /// server on this machine (signed with fixed local credentials), or AWS, e.g.
    /// https://dynamodb.eu-central-1.amazonaws.com (the default credential chain).
    #[arg(long, global = true, value_name = "URL", value_parser = endpoint_argument)]
    dynamodb_endpoint: Option<String>,
    /// The DynamoDB table (made, with its index, stream and TTL, where it is missing).
    #[arg(long, global = true, value_name = "NAME", default_value = TABLE_NAME, value_parser = table_name)]
    table: String,
    /// Use the S3 at this URL instead of the embedded one (an emulator on this machine).
    #[arg(long, global = true, value_name = "URL", value_parser = endpoint_argument)]
    s3_endpoint: Option<String>,
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
        /// 1): throttling, 5xx, late answers, resets, lost answers of applied writes,
        /// transaction conflicts. Services on this machine only.
        #[arg(long, value_name = "RATE", value_parser = fault_rate)]
        inject_faults: Option<f64>,
        /// Play an index that lags, as AWS's do: a query on an index does not see the
        /// items written in the last MS milliseconds.
        #[arg(long, value_name = "MS")]
        index_lag: Option<u64>,
    },
    /// Run one function once with an API Gateway event file and print its response.
    /// `REPLACE_WITH_*` placeholders in the event are filled with fresh local data
    /// (accounts, tokens, purchases), so the files in `events/` run as they are.
    Invoke {
        function: String,
        /// Default: the repository's `events/<function>.json`. Make one to edit with
        /// `natives-local example-event <function> > my-event.json`.
        #[arg(long)]
        event: Option<PathBuf>,
    },
    /// Print a function's example event with its placeholders filled (fresh local data).
    ExampleEvent {
        function: String,
        /// A JPEG to stage as the photo upload instead of the built-in example photo
        /// (the bench measures set-photo on a 12-megapixel one).
        #[arg(long, value_name = "FILE")]
        photo: Option<PathBuf>,
        /// A recording (.ogg, .webm, .mp3, .m4a) to stage and post in place of the
        /// event's text (post-message as a voice message; the bench measures it on 1 MiB).
        #[arg(long, value_name = "FILE")]
        voice: Option<PathBuf>,
    },
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
    /// The local stack's promotion codes (with a Stripe key, Stripe's own are used).
    PromotionCodes {
        #[command(subcommand)]
        command: PromotionCodesCommand,
    },
}

#[derive(Subcommand)]
enum PromotionCodesCommand {
    /// Add a code customers type at checkout, e.g. `add SPRING10 --percent-off 10`.
    Add {
        code: String,
        /// The discount, 1 to 100 percent of the tariff's price.
        #[arg(long)]
        percent_off: i64,
        /// When it stops being accepted (RFC 3339, e.g. 2026-12-31T23:59:59Z).
        #[arg(long)]
        expires: Option<String>,
        /// How many paid purchases may use it.
        #[arg(long)]
        max_redemptions: Option<i64>,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Every e-mail in the outbox, oldest first, with its state.
    List {
        /// One JSON object a line: `id, kind, to, subject, text, status, created_at`.
        #[arg(long)]
        json: bool,
    },
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
        /// On the deployed stack's table (`--table`, the stack's `TableName` output)
        /// instead of the local data.
        #[arg(long)]
        aws: bool,
    },
}

/// Why a command failed, in one sentence that says what was wrong and what to do.
enum CliError {
    /// The command line names what cannot be used (exit status 2, as for clap's own).
    Usage(String),
    /// The command could not do its work (exit status 1).
    Failed(String),
}

impl CliError {
    fn status(&self) -> u8 {
        match self {
            Self::Usage(_) => 2,
            Self::Failed(_) => 1,
        }
    }
}

impl<E: Into<BoxError>> From<E> for CliError {
    fn from(error: E) -> Self {
        // The error and its causes, on one line (an SDK error's own text is its kind).
        let error: BoxError = error.into();
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            let text = cause.to_string();
            if !message.contains(&text) {
                message = format!("{message}: {text}");
            }
            source = cause.source();
        }
        Self::Failed(message.replace('\n', " "))
    }
}

type CliResult = Result<(), CliError>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .with_writer(std::io::stderr)
        .init();
    let result = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(error) => Err(CliError::Failed(format!("cannot start a runtime: {error}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let (CliError::Usage(message) | CliError::Failed(message)) = &error;
            eprintln!("error: {message}");
            ExitCode::from(error.status())
        }
    }
}

/// `RUST_LOG`, default `info`. The embedded DynamoDB logs every error answer at WARN,
/// the conditional refusals that are the store's ordinary answers among them (a taken
/// e-mail, a catalogue already seeded, too few credits): only its errors are shown,
/// unless `RUST_LOG` names `dynoxide` itself. A DynamoDB failure that matters reaches
/// the log as the function's own 5xx.
fn log_filter() -> tracing_subscriber::EnvFilter {
    use tracing_subscriber::EnvFilter;
    let configured = std::env::var("RUST_LOG")
        .ok()
        .filter(|value| !value.trim().is_empty());
    let mut filter = configured
        .as_deref()
        .and_then(|value| EnvFilter::try_new(value).ok())
        .unwrap_or_else(|| EnvFilter::new("info,aws=warn"));
    if !configured.is_some_and(|value| value.contains("dynoxide")) {
        filter = filter.add_directive("dynoxide::server=error".parse().expect("a directive"));
    }
    filter
}

async fn run(cli: Cli) -> CliResult {
    let data = cli.data_dir;
    let services = Services {
        dynamodb_endpoint: cli.dynamodb_endpoint,
        table: cli.table,
        s3_endpoint: cli.s3_endpoint,
    };
    match cli.command.unwrap_or(Command::Serve {
        addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
        inject_faults: None,
        index_lag: None,
    }) {
        Command::Serve {
            addr,
            inject_faults,
            index_lag,
        } => {
            let faults = (inject_faults.is_some() || index_lag.is_some()).then(|| FaultPlan {
                index_lag: index_lag.map(std::time::Duration::from_millis),
                ..FaultPlan::at_rate(inject_faults.unwrap_or(0.0))
            });
            if faults.is_some() && !services.all_on_this_machine() {
                return Err(CliError::Usage(
                    "--inject-faults and --index-lag stand in front of services on this machine only: leave them out, or use an emulator".into(),
                ));
            }
            serve(addr, data, faults, services).await
        }
        Command::Invoke { function, event } => {
            let function = function_named(&function)?;
            let event = read_event(function, event.as_deref())?;
            let (app, _attached) =
                attach(&local_data(&data, &services)?, "invoke", &services).await?;
            let event = fill(&app, &data, function, &event).await?;
            let response = invoke::invoke(&app, function, &event.to_string()).await?;
            println!("{}", serde_json::to_string_pretty(&response)?);
            Ok(())
        }
        Command::ExampleEvent {
            function,
            photo,
            voice,
        } => {
            let function = function_named(&function)?;
            let mut event = read_event(function, None)?;
            let photo = match photo {
                Some(path) => read_media("photo", &path)?,
                None => examples::EXAMPLE_PHOTO.to_vec(),
            };
            let (recording_type, recording) = match &voice {
                Some(path) => {
                    event = examples::as_voice_post(&event).map_err(|error| {
                        CliError::Usage(format!("--voice with {}: {error}", function.name()))
                    })?;
                    (recording_type(path)?, read_media("recording", path)?)
                }
                None => ("audio/ogg", examples::EXAMPLE_RECORDING.to_vec()),
            };
            let staged = examples::Staged {
                photo: &photo,
                recording: (recording_type, &recording),
            };
            let (app, _attached) =
                attach(&local_data(&data, &services)?, "example-event", &services).await?;
            let keys = data_dir::signing_keys(&data)?;
            let who = examples::Who::for_access(function.spec().access);
            let event = examples::fill_with(&app, &keys, &event, who, &staged).await?;
            println!("{}", serde_json::to_string_pretty(&event)?);
            Ok(())
        }
        Command::Accounts {
            command: AccountsCommand::SetRoles { email, roles },
        } => set_roles(&data, &services, &email, &roles).await,
        Command::Outbox {
            command: OutboxCommand::List { json },
        } => list_outbox(&data, &services, json).await,
        Command::PromotionCodes {
            command:
                PromotionCodesCommand::Add {
                    code,
                    percent_off,
                    expires,
                    max_redemptions,
                },
        } => {
            add_promotion_code(
                &data,
                &services,
                &code,
                percent_off,
                expires.as_deref(),
                max_redemptions,
            )
            .await
        }
        Command::Accounts {
            command:
                AccountsCommand::FirstAdmin {
                    email,
                    operator,
                    reason,
                    aws,
                },
        } => {
            let (store, _attached) = if aws {
                let sdk = natives_shared::aws::load_sdk_config().await;
                (
                    natives_shared::store::Store::connect(&sdk, &services.table),
                    None,
                )
            } else {
                let (app, attached) = attach(
                    &local_data(&data, &services)?,
                    "accounts first-admin",
                    &services,
                )
                .await?;
                (app.store, Some(attached))
            };
            first_admin(&store, &email, &operator, &reason).await
        }
    }
}

/// The data folder an operator command works on: one `serve` has made (a command does
/// not make one by itself, so a mistyped `--data-dir` is said, not quietly filled).
fn local_data(data: &Path, services: &Services) -> Result<PathBuf, CliError> {
    if data_dir::is_data_folder(data) {
        return Ok(data.to_owned());
    }
    let mut serve = format!("natives-local serve --data-dir {}", data.display());
    if let Some(endpoint) = &services.dynamodb_endpoint {
        serve.push_str(&format!(" --dynamodb-endpoint {endpoint}"));
    }
    Err(CliError::Usage(format!(
        "{} holds no local stack data: start the stack on it first (`{serve}`), or pass the --data-dir your stack uses",
        data.display()
    )))
}

fn function_named(name: &str) -> Result<Function, CliError> {
    Function::from_name(name).ok_or_else(|| {
        let names: Vec<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        CliError::Usage(format!(
            "there is no function {name:?}: name one of {}",
            names.join(", ")
        ))
    })
}

/// The text of the event in `path`, or of the function's example event.
fn read_media(what: &str, path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|error| {
        CliError::Usage(format!(
            "cannot read the {what} {} ({error})",
            path.display()
        ))
    })
}

/// The content type a client declares for a recording, from its file name.
fn recording_type(path: &Path) -> Result<&'static str, CliError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("ogg" | "opus") => Ok("audio/ogg"),
        Some("webm") => Ok("audio/webm"),
        Some("mp3") => Ok("audio/mpeg"),
        Some("m4a" | "mp4") => Ok("audio/mp4"),
        _ => Err(CliError::Usage(format!(
            "{}: a recording is .ogg, .webm, .mp3 or .m4a",
            path.display()
        ))),
    }
}

fn read_event(function: Function, path: Option<&Path>) -> Result<String, CliError> {
    let name = function.name();
    match path {
        None => examples::event_file(function.spec()).map_err(|error| {
            CliError::Failed(format!(
                "the example event of {name} cannot be read ({error}): it is part of the repository this binary was built from"
            ))
        }),
        Some(path) => std::fs::read_to_string(path).map_err(|error| {
            CliError::Usage(format!(
                "cannot read the event file {} ({error}): make one with `natives-local example-event {name} > {0}`, or leave out --event to run the example event",
                path.display()
            ))
        }),
    }
}

/// `event` with its placeholders filled for the caller the function's row asks for.
async fn fill(
    app: &natives_functions::App,
    data: &Path,
    function: Function,
    event: &str,
) -> Result<serde_json::Value, BoxError> {
    let keys = data_dir::signing_keys(data)?;
    examples::fill(
        app,
        &keys,
        event,
        examples::Who::for_access(function.spec().access),
    )
    .await
}

/// DynamoDB's rule for table names: 3 to 255 of `a-z A-Z 0-9 _ - .`.
fn table_name(raw: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if (3..=255).contains(&raw.len()) && raw.chars().all(allowed) {
        Ok(raw.to_owned())
    } else {
        Err("3 to 255 letters, digits, '_', '-' or '.' (DynamoDB's rule)".into())
    }
}

fn fault_rate(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err("a rate from 0 to 1, e.g. 0.2".into()),
    }
}

/// How long `serve` waits for a data folder held by an operator command (which ends
/// by itself), before it says so.
const COMMAND_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

async fn serve(
    addr: SocketAddr,
    data: PathBuf,
    faults: Option<FaultPlan>,
    services: Services,
) -> CliResult {
    let waited = std::time::Instant::now();
    let stack = loop {
        let started = Stack::start(StackOptions {
            addr,
            data_dir: data.clone(),
            clock: Arc::new(SystemClock),
            configure: None,
            faults,
            services: services.clone(),
            poll_stream: true,
        })
        .await;
        match started {
            Ok(stack) => break stack,
            Err(StartError::FolderInUse { held, .. })
                if !held_by_serve(&held) && waited.elapsed() < COMMAND_WAIT =>
            {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(StartError::FolderInUse { folder, held }) => {
                return Err(CliError::Usage(format!(
                    "the data folder {} is in use by {held}: stop that one first, or pass another --data-dir",
                    folder.display()
                )));
            }
            Err(StartError::Listen { addr, source }) => {
                let why = match source.kind() {
                    std::io::ErrorKind::AddrInUse => {
                        "another program (another stack?) listens there".to_owned()
                    }
                    std::io::ErrorKind::AddrNotAvailable => "it is not this machine's".to_owned(),
                    _ => source.to_string(),
                };
                return Err(CliError::Usage(format!(
                    "cannot listen on {addr}, {why}: stop that program, or pass --addr with a free address such as 127.0.0.1:{}",
                    addr.port().wrapping_add(1).max(1024)
                )));
            }
            Err(StartError::Other(error)) => return Err(error.into()),
        }
    };
    if let Some(plan) = faults {
        eprintln!(
            "injecting faults into {:.0}% of DynamoDB and S3 requests{}",
            plan.rate * 100.0,
            plan.index_lag.map_or_else(String::new, |lag| format!(
                "; index queries miss what was written in the last {} ms",
                lag.as_millis()
            ))
        );
    }
    data_dir::write_endpoints(&data, &stack.endpoints)?;
    eprintln!(
        "Natives.Chat local stack on {} ({} routes; data in {}; DynamoDB {} table {}, S3 {})",
        stack.endpoints.api,
        FUNCTIONS.iter().filter(|f| f.route().is_some()).count(),
        data.display(),
        stack.endpoints.dynamodb,
        stack.endpoints.table,
        stack.endpoints.s3
    );
    shutdown_signal().await;
    if faults.is_some() {
        eprintln!("faults: {}", stack.faults.summary());
    }
    eprintln!("stopping");
    data_dir::remove_endpoints(&data);
    stack.stop().await;
    Ok(())
}

fn held_by_serve(held: &Held) -> bool {
    held.holder.as_ref().is_none_or(|holder| holder.is_serve())
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

fn email_argument(raw: &str) -> Result<Email, CliError> {
    Email::parse(raw)
        .map_err(|error| CliError::Usage(format!("{raw:?} is not an e-mail address: {error}")))
}

fn no_account(email: &Email, data: &Path) -> CliError {
    CliError::Usage(format!(
        "no account has the e-mail {} in the data folder {}: register it first (POST /v1/accounts), or pass the --data-dir of the stack it was registered on",
        email.as_ref(),
        data.display()
    ))
}

fn role_names(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| role.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn set_roles(data: &Path, services: &Services, email: &str, roles: &str) -> CliResult {
    let email = email_argument(email)?;
    let mut parsed = roles
        .split(',')
        .map(Role::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| {
            CliError::Usage(format!(
                "{error}; give them comma-separated, e.g. user,moderator"
            ))
        })?;
    if !parsed.contains(&Role::User) {
        parsed.insert(0, Role::User); // every registered account is a user
    }
    parsed.dedup();
    let (app, _attached) =
        attach(&local_data(data, services)?, "accounts set-roles", services).await?;
    let Some(account_id) = app.store.account_id_for_email(&email).await? else {
        return Err(no_account(&email, data));
    };
    let before = app.store.get_account(&account_id).await?;
    // Audited as the local operator's change, like an admin's through the API.
    if let Err(failure) = app
        .store
        .set_roles_by_operator(&account_id, &parsed, app.now())
        .await
    {
        return Err(match failure {
            Failure::Refused(_) => no_account(&email, data),
            Failure::Store(error) => error.into(),
        });
    }
    // What the account holds now, read back: the effect, not the request.
    let Some(after) = app.store.get_account(&account_id).await? else {
        return Err(no_account(&email, data));
    };
    println!(
        "{} ({account_id}) now has the roles {} (before: {}); they apply from its next request.",
        email.as_ref(),
        role_names(&after.roles),
        before.map_or_else(|| "none".to_owned(), |account| role_names(&account.roles)),
    );
    Ok(())
}

async fn add_promotion_code(
    data: &Path,
    services: &Services,
    code: &str,
    percent_off: i64,
    expires: Option<&str>,
    max_redemptions: Option<i64>,
) -> CliResult {
    let usage = |what: &str, error: String| CliError::Usage(format!("{what} {error}"));
    let code = PromotionCodeText::parse(code).map_err(|e| usage("the code", e))?;
    let percent_off = parse_percent_off(percent_off).map_err(|e| usage("--percent-off", e))?;
    let expires_at = expires
        .map(Timestamp::parse)
        .transpose()
        .map_err(|e| usage("--expires", e))?;
    if max_redemptions.is_some_and(|max| max < 1) {
        return Err(usage("--max-redemptions", "must be at least 1".into()));
    }
    let (app, _attached) = attach(
        &local_data(data, services)?,
        "promotion-codes add",
        services,
    )
    .await?;
    let added = app
        .store
        .add_promotion_code(&LocalPromotionCode {
            code: code.clone(),
            percent_off,
            expires_at,
            max_redemptions,
            times_redeemed: 0,
            created_at: Timestamp::at(app.now()),
        })
        .await?;
    if !added {
        return Err(CliError::Usage(format!(
            "the promotion code {code} exists already: choose another"
        )));
    }
    println!("Added promotion code {code}: {percent_off}% off.");
    Ok(())
}

async fn list_outbox(data: &Path, services: &Services, json: bool) -> CliResult {
    let (app, _attached) = attach(&local_data(data, services)?, "outbox list", services).await?;
    let rows = natives_local::outbox::rows(&app.store).await?;
    if json {
        for row in &rows {
            println!("{}", serde_json::to_string(row)?);
        }
        return Ok(());
    }
    if rows.is_empty() {
        println!("The outbox is empty.");
    }
    for row in rows {
        let email = row.email;
        let to = row.to.unwrap_or_else(|| "(no such account)".into());
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
) -> CliResult {
    use natives_shared::store::FirstAdminOutcome;

    let email = email_argument(email)?;
    let (operator, reason) = (operator.trim(), reason.trim());
    if operator.is_empty() || reason.is_empty() {
        return Err(CliError::Usage(
            "--operator and --reason must say who runs this and why (they are audited)".into(),
        ));
    }
    let account_id = store
        .account_id_for_email(&email)
        .await?
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no account has the e-mail {}: register it first (POST /v1/accounts), then run this again",
                email.as_ref()
            ))
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
        FirstAdminOutcome::AlreadyAppointed { account_id, at } => Err(CliError::Failed(format!(
            "this table's first admin was appointed at {at} ({account_id}): ask an admin to appoint others (PUT /v1/admin/accounts/{{account_id}}/roles)"
        ))),
        FirstAdminOutcome::NotAppointable => Err(CliError::Failed(format!(
            "{} is an admin already: nothing to do",
            email.as_ref()
        ))),
    }
}

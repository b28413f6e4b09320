//! Cold-start benchmark: a small Lambda Runtime API emulator (the public runtime protocol)
//! that starts each function binary many times against a running local stack and measures
//!   (a) init: spawn → the process's first `GET …/invocation/next`,
//!   (b) the first invocation: event handed out → its response posted,
//!   (c) a warm invocation: a second event → its response.
//! Penalty = a + b − c (for the hello-world floor: a + b).
//!
//! A counting proxy sits in front of the embedded DynamoDB, so each invocation's time
//! waiting on DynamoDB is known and the handler's own time is the rest.
//!
//! Usage (from bench/, a local stack serving with `--data-dir DIR`):
//!   target/release/coldstart --data-dir DIR [--runs 20] [--warm 100] [--repo ..]
//!                            [--bin-dir ../target/release] [--env K=V]… [function…]
//! Without function names: every function with an event in events/ and a binary.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::Command;
use tokio::sync::mpsc;

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T, E = Error> = std::result::Result<T, E>;

const FLOOR: &str = "hello";
const PASSWORD: &str = "correct horse battery";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::parse()?;
    let endpoints: Value = read_json(&args.data_dir.join("endpoints.json"))?;
    let keys: Value = read_json(&args.data_dir.join("jwt-ed25519.json"))?;
    let api = host_port(&endpoints["api"])?;
    let dynamodb = host_port(&endpoints["dynamodb"])?;
    let webhook_secret = std::fs::read_to_string(args.data_dir.join("stripe-webhook-secret"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();

    let meter = Arc::new(DdbMeter::default());
    let proxy = start_dynamodb_proxy(dynamodb, meter.clone()).await?;
    let env = FunctionEnv {
        dynamodb: format!("http://{proxy}"),
        s3: endpoints["s3"].as_str().unwrap_or_default().to_owned(),
        public_key: keys["public_base64url"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        private_key: keys["private_pkcs8_base64"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        extra: args.env.clone(),
        extra_for: {
            let mut extra = args.env_for.clone();
            // create-checkout only builds a URL with the local checkout provider (no Stripe
            // call); stripe-webhook verifies signatures with the stack's secret.
            extra.push((
                vec!["create-checkout".into()],
                "LOCAL_CHECKOUT_BASE_URL".into(),
                format!("http://{api}"),
            ));
            extra.push((
                vec!["stripe-webhook".into()],
                "STRIPE_WEBHOOK_SECRET".into(),
                webhook_secret.clone(),
            ));
            extra
        },
    };
    let prep = Prep::new(api, &args, webhook_secret);

    let mut functions = vec![(FLOOR.to_owned(), args.hello.clone())];
    for name in &args.functions {
        functions.push((name.clone(), args.bin_dir.join(name)));
    }
    let log_dir = PathBuf::from("target/coldstart-logs");
    std::fs::create_dir_all(&log_dir)?;

    // Cold starts, round-robin over the functions so background noise spreads evenly.
    let mut cold: HashMap<String, Vec<Start>> = HashMap::new();
    for round in 0..args.runs {
        eprint!("\rcold-start round {}/{}", round + 1, args.runs);
        for (name, binary) in &functions {
            let start = start_once(name, binary, &env, &prep, &meter, 1, &log_dir).await?;
            cold.entry(name.clone()).or_default().push(start);
        }
    }
    eprintln!();
    // One more start per function, kept warm for `--warm` invocations: warm latency,
    // handler time without DynamoDB, peak RSS.
    let mut warm: HashMap<String, Start> = HashMap::new();
    for (name, binary) in &functions {
        eprintln!("warm run: {name} × {}", args.warm);
        let start = start_once(name, binary, &env, &prep, &meter, args.warm, &log_dir).await?;
        warm.insert(name.clone(), start);
    }

    print_report(&args, &functions, &cold, &warm);
    Ok(())
}

// ---------------------------------------------------------------- one process start

struct Invocation {
    id: String,
    event: String,
}

/// What the emulator saw of one invocation.
struct Outcome {
    id: String,
    ok: bool,
    status: u16,
    handed_out: Instant,
    posted: Instant,
}

/// The measurements of one process start.
struct Start {
    init: Duration,
    /// Per invocation: (duration, DynamoDB wait, status); the first is the cold one.
    invocations: Vec<(Duration, Duration, u16)>,
    /// Per warm invocation: the function process's on-CPU time (all its threads).
    warm_cpu: Vec<Duration>,
    peak_rss_kib: Option<u64>,
}

struct FunctionEnv {
    dynamodb: String,
    s3: String,
    public_key: String,
    private_key: String,
    extra: Vec<(String, String)>,
    /// Per function (`--env-for`, and what a function needs locally: the checkout
    /// provider's base URL for create-checkout, the webhook secret for stripe-webhook).
    extra_for: Vec<(Vec<String>, String, String)>,
}

async fn start_once(
    name: &str,
    binary: &Path,
    env: &FunctionEnv,
    prep: &Prep,
    meter: &DdbMeter,
    warm_invocations: usize,
    log_dir: &Path,
) -> Result<Start> {
    let (events, events_rx) = mpsc::channel::<Invocation>(1);
    let (outcomes_tx, mut outcomes) = mpsc::unbounded_channel::<Outcome>();
    let emulator = Arc::new(Emulator {
        events: tokio::sync::Mutex::new(events_rx),
        outcomes: outcomes_tx,
        first_next: Mutex::new(None),
        handed_out: Mutex::new(HashMap::new()),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let runtime_api = listener.local_addr()?;
    let server = tokio::spawn(emulator.clone().serve(listener));

    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_dir.join(format!("{name}.log")))?;
    let mut command = Command::new(binary);
    command
        .env_clear()
        .envs(lambda_env(name, runtime_api, env))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .kill_on_drop(true);

    // The first event waits in the queue, so `next` answers at once.
    events
        .send(Invocation {
            id: "1".into(),
            event: prep.event(name).await?,
        })
        .await?;
    meter.reset();
    let spawned = Instant::now();
    let mut child = command.spawn()?;
    let pid = child.id().ok_or("no pid")?;

    let mut invocations = Vec::new();
    let mut warm_cpu = Vec::new();
    let init = async {
        let first = expect(&mut outcomes, "1").await?;
        let init = emulator
            .first_next
            .lock()
            .unwrap()
            .ok_or("no next request")?
            - spawned;
        invocations.push((first.posted - first.handed_out, meter.take(), first.status));
        for i in 0..warm_invocations {
            let id = (i + 2).to_string();
            let event = prep.event(name).await?;
            meter.reset();
            let cpu_before = process_cpu(pid);
            events
                .send(Invocation {
                    id: id.clone(),
                    event,
                })
                .await?;
            let outcome = expect(&mut outcomes, &id).await?;
            if let (Some(before), Some(after)) = (cpu_before, process_cpu(pid)) {
                warm_cpu.push(after.saturating_sub(before));
            }
            invocations.push((
                outcome.posted - outcome.handed_out,
                meter.take(),
                outcome.status,
            ));
        }
        Ok::<_, Error>(init)
    }
    .await;
    let peak_rss_kib = peak_rss_kib(pid);
    let _ = child.kill().await;
    drop(events); // a `next` still waiting for an event now ends
    server.abort();
    let init =
        init.map_err(|e| format!("{name}: {e} (see bench/target/coldstart-logs/{name}.log)"))?;
    Ok(Start {
        init,
        invocations,
        warm_cpu,
        peak_rss_kib,
    })
}

async fn expect(outcomes: &mut mpsc::UnboundedReceiver<Outcome>, id: &str) -> Result<Outcome> {
    let outcome = tokio::time::timeout(Duration::from_secs(30), outcomes.recv())
        .await
        .map_err(|_| format!("no response to invocation {id} within 30 s"))?
        .ok_or("emulator stopped")?;
    if outcome.id != id || !outcome.ok {
        return Err(format!(
            "invocation {} ended in an error ({id} expected)",
            outcome.id
        )
        .into());
    }
    Ok(outcome)
}

/// The environment a `provided.al2023` Lambda sandbox gives the bootstrap.
fn lambda_env(name: &str, runtime_api: SocketAddr, env: &FunctionEnv) -> Vec<(String, String)> {
    let extra_for_this = || {
        env.extra_for
            .iter()
            .filter(|(names, _, _)| names.iter().any(|n| n == name))
            .map(|(_, k, v)| (k.clone(), v.clone()))
    };
    // The private key in the environment, unless the function is told to read it from
    // SSM (`--env-for login JWT_PRIVATE_KEY_PARAMETER=…`, as deployed).
    let key_from_ssm = env
        .extra
        .iter()
        .cloned()
        .chain(extra_for_this())
        .any(|(k, _)| k == "JWT_PRIVATE_KEY_PARAMETER");
    [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_string()),
        ("AWS_LAMBDA_FUNCTION_NAME", name.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".into()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "1".into()),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/10/[1]bench".into()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}")),
        ("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "natives-local".into()),
        ("AWS_SECRET_ACCESS_KEY", "natives-local-secret".into()),
        ("AWS_ENDPOINT_URL_DYNAMODB", env.dynamodb.clone()),
        ("AWS_ENDPOINT_URL_S3", env.s3.clone()),
        ("TABLE_NAME", "natives".into()),
        ("JWT_PUBLIC_KEY", env.public_key.clone()),
        ("TZ", ":UTC".into()),
        ("PATH", "/usr/local/bin:/usr/bin:/bin".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    // As in infra/template.yaml: only the functions that issue tokens hold the private
    // key, and the two that hash passwords have malloc's mmap threshold fixed.
    .chain(
        (["login", "refresh-session"].contains(&name) && !key_from_ssm)
            .then(|| ("JWT_PRIVATE_KEY".to_owned(), env.private_key.clone())),
    )
    .chain(
        ["login", "register"]
            .contains(&name)
            .then(|| ("MALLOC_MMAP_THRESHOLD_".to_owned(), "131072".to_owned())),
    )
    .chain(env.extra.iter().cloned())
    .chain(extra_for_this())
    .collect()
}

/// Time the process's threads have spent on a CPU (`/proc/<pid>/task/*/schedstat`, ns):
/// unlike wall time, it excludes waiting on DynamoDB and every scheduler wake-up.
fn process_cpu(pid: u32) -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---------------------------------------------------------------- the Runtime API emulator

struct Emulator {
    events: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    outcomes: mpsc::UnboundedSender<Outcome>,
    first_next: Mutex<Option<Instant>>,
    handed_out: Mutex<HashMap<String, Instant>>,
}

impl Emulator {
    async fn serve(self: Arc<Self>, listener: TcpListener) {
        while let Ok((socket, _)) = listener.accept().await {
            let emulator = self.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| emulator.clone().handle(request));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    }

    async fn handle(self: Arc<Self>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>> {
        let arrived = Instant::now();
        let path = request.uri().path().to_owned();
        let method = request.method().clone();
        let Some(rest) = path.strip_prefix("/2018-06-01/runtime/") else {
            return reply(StatusCode::NOT_FOUND, "");
        };
        if method == Method::GET && rest == "invocation/next" {
            self.first_next.lock().unwrap().get_or_insert(arrived);
            let Some(invocation) = self.events.lock().await.recv().await else {
                return reply(StatusCode::GONE, ""); // the run is over
            };
            let deadline = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() + 30_000;
            let response = Response::builder()
                .header("content-type", "application/json")
                .header("lambda-runtime-aws-request-id", &invocation.id)
                .header("lambda-runtime-deadline-ms", deadline.to_string())
                .header(
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:bench",
                )
                .header(
                    "lambda-runtime-trace-id",
                    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
                )
                .body(Full::new(Bytes::from(invocation.event)))?;
            self.handed_out
                .lock()
                .unwrap()
                .insert(invocation.id, Instant::now());
            return Ok(response);
        }
        if method != Method::POST {
            return reply(StatusCode::METHOD_NOT_ALLOWED, "");
        }
        let body = request.into_body().collect().await?.to_bytes();
        let posted = Instant::now();
        let (id, ok) = match rest.strip_prefix("invocation/") {
            Some(tail) if tail.ends_with("/response") => (tail.trim_end_matches("/response"), true),
            Some(tail) if tail.ends_with("/error") => (tail.trim_end_matches("/error"), false),
            _ if rest == "init/error" => ("init", false),
            _ => return reply(StatusCode::NOT_FOUND, ""),
        };
        if !ok {
            eprintln!("\n{rest}: {}", String::from_utf8_lossy(&body));
        }
        let status = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v["statusCode"].as_u64())
            .unwrap_or(0) as u16;
        let handed_out = self
            .handed_out
            .lock()
            .unwrap()
            .get(id)
            .copied()
            .unwrap_or(posted);
        let _ = self.outcomes.send(Outcome {
            id: id.to_owned(),
            ok,
            status,
            handed_out,
            posted,
        });
        reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
    }
}

fn reply(status: StatusCode, body: &'static str) -> Result<Response<Full<Bytes>>> {
    Ok(Response::builder()
        .status(status)
        .body(Full::new(Bytes::from(body)))?)
}

// ---------------------------------------------------------------- DynamoDB wait meter

/// Total time requests spent in the proxy in front of the embedded DynamoDB.
#[derive(Default)]
struct DdbMeter {
    nanos: AtomicU64,
    requests: AtomicU64,
}

impl DdbMeter {
    fn reset(&self) {
        self.nanos.store(0, Ordering::SeqCst);
        self.requests.store(0, Ordering::SeqCst);
    }
    fn take(&self) -> Duration {
        Duration::from_nanos(self.nanos.swap(0, Ordering::SeqCst))
    }
}

/// Forwards every connection to the embedded DynamoDB over its own upstream connection,
/// timing each request from its arrival to the end of the upstream answer.
async fn start_dynamodb_proxy(upstream: SocketAddr, meter: Arc<DdbMeter>) -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let meter = meter.clone();
            tokio::spawn(async move {
                let Ok(sender) = connect(upstream).await else {
                    return;
                };
                let sender = Arc::new(tokio::sync::Mutex::new(sender));
                let service = service_fn(move |request: Request<Incoming>| {
                    let (sender, meter) = (sender.clone(), meter.clone());
                    async move {
                        let started = Instant::now();
                        let (mut parts, body) = request.into_parts();
                        let body = body.collect().await?.to_bytes();
                        parts.headers.remove("transfer-encoding");
                        let upstream_request = Request::from_parts(parts, Full::new(body));
                        let response = sender.lock().await.send_request(upstream_request).await?;
                        let (mut parts, body) = response.into_parts();
                        let body = body.collect().await?.to_bytes();
                        parts.headers.remove("transfer-encoding");
                        let elapsed = started.elapsed().as_nanos() as u64;
                        meter.nanos.fetch_add(elapsed, Ordering::SeqCst);
                        meter.requests.fetch_add(1, Ordering::SeqCst);
                        Ok::<_, hyper::Error>(Response::from_parts(parts, Full::new(body)))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    Ok(address)
}

async fn connect(address: SocketAddr) -> Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

// ---------------------------------------------------------------- events with real tokens

/// Makes each invocation's event from `events/<function>.json`: placeholders become real
/// tokens minted through the local stack's API, just before the event is handed out
/// (so a revoke-all or a block from the previous invocation cannot spoil it).
struct Prep {
    api: SocketAddr,
    events_dir: PathBuf,
    /// `shared/fixtures/checkout_session.json`: the Checkout Session a webhook event wraps.
    checkout_fixture: PathBuf,
    data_dir: PathBuf,
    local_bin: PathBuf,
    webhook_secret: String,
    tag: String,
    counter: AtomicU64,
    /// E-mail → account id, for every account registered here.
    registered: tokio::sync::Mutex<HashMap<String, String>>,
    admin: tokio::sync::Mutex<Option<String>>,
    /// Accounts that bought credits here (get-balance lists a ledger, not an empty one).
    funded: tokio::sync::Mutex<std::collections::HashSet<String>>,
}

/// The account id the example events carry in grant-credits' path.
const EXAMPLE_ACCOUNT_ID: &str = "01JEXAMPLEACCOUNT0000000000";

impl Prep {
    fn new(api: SocketAddr, args: &Args, webhook_secret: String) -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Self {
            api,
            events_dir: args.repo.join("events"),
            checkout_fixture: args.repo.join("shared/fixtures/checkout_session.json"),
            data_dir: args.data_dir.clone(),
            local_bin: args.local_bin.clone(),
            webhook_secret,
            tag: format!("{}-{}", std::process::id(), now.as_secs()),
            counter: AtomicU64::new(0),
            registered: Default::default(),
            admin: Default::default(),
            funded: Default::default(),
        }
    }

    async fn event(&self, function: &str) -> Result<String> {
        if function == FLOOR {
            return Ok(std::fs::read_to_string(
                self.events_dir.join("get-me.json"),
            )?);
        }
        let mut event: Value = read_json(&self.events_dir.join(format!("{function}.json")))?;
        match function {
            // A new address per invocation: the measured path is a successful registration.
            "register" => set_body_field(&mut event, "email", &self.unique_email())?,
            "login" => set_body_field(&mut event, "email", &self.account(function).await?)?,
            // A paid checkout session created through the local stack just now, signed
            // with the stack's webhook secret: the measured path is the credit.
            "stripe-webhook" => {
                let body = self.paid_checkout_event(function).await?;
                let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
                event["headers"]["stripe-signature"] =
                    Value::from(sign_stripe(&self.webhook_secret, now, &body));
                event["body"] = Value::from(body);
            }
            _ => {}
        }
        let mut text = event.to_string();
        if text.contains("REPLACE_WITH_") {
            let email = match function {
                // A blocked account cannot log in again: block-me gets a new account each time.
                "block-me" => self.new_account().await?,
                // Admin routes: an account with the admin role.
                "put-tariff" | "grant-credits" => self.admin().await?,
                _ => self.account(function).await?,
            };
            let tokens = self.login(&email).await?;
            let bearer = tokens["access_token"].as_str().unwrap_or_default();
            if function == "get-balance" {
                self.buy_credits_once(&email, bearer).await?;
            }
            text = text
                .replace(
                    "REPLACE_WITH_ACCESS_TOKEN",
                    tokens["access_token"].as_str().unwrap_or(""),
                )
                .replace(
                    "REPLACE_WITH_REFRESH_TOKEN",
                    tokens["refresh_token"].as_str().unwrap_or(""),
                );
        }
        if function == "grant-credits" {
            // The grant goes to a real (non-admin) account: rawPath, path, pathParameters.
            let email = self.account(function).await?;
            let id = self.registered.lock().await[&email].clone();
            text = text.replace(EXAMPLE_ACCOUNT_ID, &id);
        }
        Ok(text)
    }

    /// POST /v1/checkout for the starter tariff: the answer (session id and checkout URL).
    async fn open_checkout(&self, bearer: &str) -> Result<Value> {
        let (status, answer) = self
            .request(
                Method::POST,
                "/v1/checkout",
                json!({ "tariff_id": "starter" }).to_string(),
                Some(bearer),
            )
            .await?;
        if status != StatusCode::CREATED || !answer["checkout_url"].is_string() {
            return Err(format!("POST /v1/checkout: {status} {answer}").into());
        }
        Ok(answer)
    }

    /// Buys the starter tariff through the stack's local checkout page, once per account.
    async fn buy_credits_once(&self, email: &str, bearer: &str) -> Result<()> {
        if !self.funded.lock().await.insert(email.to_owned()) {
            return Ok(());
        }
        let answer = self.open_checkout(bearer).await?;
        let url = answer["checkout_url"].as_str().unwrap_or_default();
        let path = url
            .split_once("/local/")
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        let (status, _) = self
            .request(
                Method::POST,
                &format!("/local/{path}/pay"),
                String::new(),
                None,
            )
            .await?;
        if !status.is_success() {
            return Err(format!("paying {url}: {status}").into());
        }
        Ok(())
    }

    /// POST /v1/checkout as the function's account, then the `checkout.session.completed`
    /// event Stripe would send for it once paid (as `local/src/checkout_page.rs` builds it).
    async fn paid_checkout_event(&self, function: &str) -> Result<String> {
        let email = self.account(function).await?;
        let account_id = self.registered.lock().await[&email].clone();
        let tokens = self.login(&email).await?;
        let bearer = tokens["access_token"].as_str().unwrap_or_default();
        let answer = self.open_checkout(bearer).await?;
        let session_id = answer["checkout_session_id"].as_str().unwrap_or_default();
        let mut session = read_json(&self.checkout_fixture)?;
        session["id"] = json!(session_id);
        session["client_reference_id"] = json!(account_id);
        session["metadata"] = json!({ "account_id": account_id, "credits": "100" });
        session["amount_total"] = json!(990);
        session["amount_subtotal"] = json!(990);
        session["currency"] = json!("eur");
        session["payment_status"] = json!("paid");
        session["status"] = json!("complete");
        session["url"] = Value::Null;
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let created = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
        Ok(json!({
            "id": format!("evt_bench_{}_{n}", self.tag),
            "object": "event",
            "api_version": "2025-03-31.basil",
            "created": created,
            "data": { "object": session },
            "livemode": false,
            "pending_webhooks": 1,
            "request": { "id": null, "idempotency_key": null },
            "type": "checkout.session.completed",
        })
        .to_string())
    }

    fn unique_email(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        format!("bench-{}-{n}@example.com", self.tag)
    }

    /// One account per function, registered on first use.
    async fn account(&self, function: &str) -> Result<String> {
        let email = format!("bench-{}-{function}@example.com", self.tag);
        let mut registered = self.registered.lock().await;
        if !registered.contains_key(&email) {
            let id = self.register(&email).await?;
            registered.insert(email.clone(), id);
        }
        Ok(email)
    }

    /// One admin account: registered, then given the admin role with
    /// `natives-local accounts set-roles` on the running stack's data directory.
    async fn admin(&self) -> Result<String> {
        let mut admin = self.admin.lock().await;
        if let Some(email) = admin.as_ref() {
            return Ok(email.clone());
        }
        let email = format!("bench-{}-admin@example.com", self.tag);
        self.register(&email).await?;
        let output = Command::new(&self.local_bin)
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(["accounts", "set-roles", &email, "user,admin"])
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|e| format!("{}: {e}", self.local_bin.display()))?;
        if !output.status.success() {
            return Err(format!(
                "set-roles {email}: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        *admin = Some(email.clone());
        Ok(email)
    }

    async fn new_account(&self) -> Result<String> {
        let email = self.unique_email();
        self.register(&email).await?;
        Ok(email)
    }

    /// Registers `email`; returns the new account's id.
    async fn register(&self, email: &str) -> Result<String> {
        let mut event: Value = read_json(&self.events_dir.join("register.json"))?;
        set_body_field(&mut event, "email", email)?;
        let body = event["body"].as_str().unwrap_or_default().to_owned();
        let (status, answer) = self
            .request(Method::POST, "/v1/accounts", body, None)
            .await?;
        if status != StatusCode::CREATED {
            return Err(format!("register {email}: {status} {answer}").into());
        }
        let id = answer["id"]
            .as_str()
            .or_else(|| answer["account"]["id"].as_str())
            .ok_or_else(|| format!("register {email}: no id in {answer}"))?;
        Ok(id.to_owned())
    }

    async fn login(&self, email: &str) -> Result<Value> {
        let body = json!({ "email": email, "password": PASSWORD }).to_string();
        let (status, answer) = self
            .request(Method::POST, "/v1/sessions", body, None)
            .await?;
        if !status.is_success() {
            return Err(format!("login {email}: {status} {answer}").into());
        }
        Ok(answer)
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        body: String,
        bearer: Option<&str>,
    ) -> Result<(StatusCode, Value)> {
        let mut sender = connect(self.api).await?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.api.to_string())
            .header("content-type", "application/json");
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = sender
            .send_request(request.body(Full::new(Bytes::from(body)))?)
            .await?;
        let status = response.status();
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }
}

/// Stripe's `Stripe-Signature` header: `t=<unix time>,v1=<hex HMAC-SHA256(secret, "t.body")>`.
fn sign_stripe(secret: &str, timestamp: u64, body: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    let tag = mac.finalize().into_bytes();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

fn set_body_field(event: &mut Value, field: &str, value: &str) -> Result<()> {
    let mut body: Value = serde_json::from_str(event["body"].as_str().ok_or("event has no body")?)?;
    body[field] = Value::from(value);
    event["body"] = Value::from(body.to_string());
    Ok(())
}

// ---------------------------------------------------------------- report

fn print_report(
    args: &Args,
    functions: &[(String, PathBuf)],
    cold: &HashMap<String, Vec<Start>>,
    warm: &HashMap<String, Start>,
) {
    let penalty = |name: &str, s: &Start| {
        let (first, _, _) = s.invocations[0];
        let warm = if name == FLOOR {
            Duration::ZERO
        } else {
            s.invocations[1].0
        };
        (s.init + first).saturating_sub(warm)
    };
    let floor: Vec<Duration> = cold[FLOOR].iter().map(|s| penalty(FLOOR, s)).collect();
    let floor_median = percentile(&floor, 0.5);

    println!("\n### Cold start ({} starts per function; ms)\n", args.runs);
    println!(
        "| function | init p50 | init p95 | 1st inv p50 | 1st inv p95 | warm inv p50 | warm inv p95 | penalty p50 | penalty p95 | ratio to floor (p50) | status 1st/warm |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (name, _) in functions {
        let starts = &cold[name];
        let init: Vec<_> = starts.iter().map(|s| s.init).collect();
        let first: Vec<_> = starts.iter().map(|s| s.invocations[0].0).collect();
        let warm_inv: Vec<_> = starts.iter().map(|s| s.invocations[1].0).collect();
        let penalties: Vec<_> = starts.iter().map(|s| penalty(name, s)).collect();
        let p50 = percentile(&penalties, 0.5);
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {}/{} |",
            ms(percentile(&init, 0.5)),
            ms(percentile(&init, 0.95)),
            ms(percentile(&first, 0.5)),
            ms(percentile(&first, 0.95)),
            ms(percentile(&warm_inv, 0.5)),
            ms(percentile(&warm_inv, 0.95)),
            ms(p50),
            ms(percentile(&penalties, 0.95)),
            p50.as_secs_f64() / floor_median.as_secs_f64(),
            starts[0].invocations[0].2,
            starts[0].invocations[1].2,
        );
    }

    println!(
        "\n### Warm invocations ({} per function, one process; ms) and peak RSS\n",
        args.warm
    );
    println!(
        "| function | warm p50 | warm p99 | DynamoDB wait p50 | handler excl. DynamoDB p50 | handler excl. DynamoDB p99 | on-CPU p50 | on-CPU p99 | statuses | VmHWM after |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
    for (name, _) in functions {
        let run = &warm[name];
        let invocations = &run.invocations[1..]; // the warm ones
        let total: Vec<_> = invocations.iter().map(|i| i.0).collect();
        let ddb: Vec<_> = invocations.iter().map(|i| i.1).collect();
        let own: Vec<_> = invocations
            .iter()
            .map(|i| i.0.saturating_sub(i.1))
            .collect();
        let mut statuses: Vec<u16> = invocations.iter().map(|i| i.2).collect();
        statuses.sort();
        statuses.dedup();
        let cpu = |p| {
            if run.warm_cpu.is_empty() {
                "?".to_owned()
            } else {
                ms(percentile(&run.warm_cpu, p))
            }
        };
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {statuses:?} | {} |",
            ms(percentile(&total, 0.5)),
            ms(percentile(&total, 0.99)),
            ms(percentile(&ddb, 0.5)),
            ms(percentile(&own, 0.5)),
            ms(percentile(&own, 0.99)),
            cpu(0.5),
            cpu(0.99),
            run.peak_rss_kib
                .map_or("?".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
        );
    }
}

/// Nearest-rank percentile.
fn percentile(values: &[Duration], p: f64) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

// ---------------------------------------------------------------- arguments

struct Args {
    data_dir: PathBuf,
    repo: PathBuf,
    hello: PathBuf,
    bin_dir: PathBuf,
    runs: usize,
    warm: usize,
    functions: Vec<String>,
    /// Extra environment for the function processes (`--env K=V`, repeatable).
    env: Vec<(String, String)>,
    /// Extra environment for some functions only (`--env-for f1,f2 K=V`, repeatable).
    env_for: Vec<(Vec<String>, String, String)>,
    /// The local stack's binary, for `accounts set-roles` (the admin of put-tariff and
    /// grant-credits).
    local_bin: PathBuf,
}

impl Args {
    fn parse() -> Result<Self> {
        let mut args = Args {
            data_dir: PathBuf::new(),
            repo: PathBuf::from(".."),
            hello: PathBuf::from("target/release/hello"),
            bin_dir: PathBuf::new(),
            runs: 20,
            warm: 100,
            functions: Vec::new(),
            env: Vec::new(),
            env_for: Vec::new(),
            local_bin: PathBuf::new(),
        };
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            let mut value = || it.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--data-dir" => args.data_dir = value()?.into(),
                "--repo" => args.repo = value()?.into(),
                "--hello" => args.hello = value()?.into(),
                "--bin-dir" => args.bin_dir = value()?.into(),
                "--runs" => args.runs = value()?.parse()?,
                "--warm" => args.warm = value()?.parse()?,
                "--env" => {
                    let pair = value()?;
                    let (k, v) = pair.split_once('=').ok_or("--env wants K=V")?;
                    args.env.push((k.to_owned(), v.to_owned()));
                }
                "--env-for" => {
                    let names = value()?.split(',').map(str::to_owned).collect();
                    let pair = value()?;
                    let (k, v) = pair.split_once('=').ok_or("--env-for wants f1,f2 K=V")?;
                    args.env_for.push((names, k.to_owned(), v.to_owned()));
                }
                "--local-bin" => args.local_bin = value()?.into(),
                _ if arg.starts_with("--") => return Err(format!("unknown flag {arg}").into()),
                _ => args.functions.push(arg),
            }
        }
        if args.data_dir.as_os_str().is_empty() {
            return Err(
                "usage: coldstart --data-dir <local stack data dir> [--runs N] [--warm N] \
                        [--repo ..] [--bin-dir <repo>/target/release] [--env K=V]… \
                        [--env-for f1,f2 K=V]… [--local-bin <repo>/target/release/natives-local] \
                        [function…]"
                    .into(),
            );
        }
        if args.bin_dir.as_os_str().is_empty() {
            args.bin_dir = args.repo.join("target/release");
        }
        if args.local_bin.as_os_str().is_empty() {
            args.local_bin = args.repo.join("target/release/natives-local");
        }
        if args.functions.is_empty() {
            // Every function that has an event and a release binary.
            let mut names: Vec<String> = std::fs::read_dir(args.repo.join("events"))?
                .filter_map(|e| {
                    e.ok()?
                        .file_name()
                        .into_string()
                        .ok()?
                        .strip_suffix(".json")
                        .map(str::to_owned)
                })
                .filter(|n| args.bin_dir.join(n).is_file())
                .collect();
            names.sort();
            args.functions = names;
        }
        Ok(args)
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}

fn host_port(url: &Value) -> Result<SocketAddr> {
    let url = url.as_str().ok_or("endpoint missing")?;
    Ok(url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()?)
}

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
//! Each function runs as Lambda would run it: its binary in `--bin-dir` (the binary its
//! template entry deploys, `BuildProperties: Binary:`; or a per-function binary of its
//! name, or the one binary `natives-functions` of older builds),
//! `_HANDLER` and the environment from its entry in `infra/template.yaml`, and each event
//! from `natives-local example-event <function>` (its `events/` file, filled with fresh
//! local data). A new function needs nothing here.
//!
//! `--tls` (or a label ending in `+https`) also runs each function against the embedded
//! DynamoDB behind TLS, as on AWS, where every sandbox's first DynamoDB request opens an
//! HTTPS connection: a TLS front with a test CA (RSA-2048 root → intermediate → leaf, the
//! shape of DynamoDB's chain) proxies to the same counting proxy over plain HTTP, and the
//! function trusts the test root through `BENCH_EXTRA_ROOT_CERT_FILE`, read only when set
//! (shared/src/aws.rs; deployed functions trust the AWS roots alone).
//!
//! Usage (from bench/, a local stack serving with `--data-dir DIR`):
//!   target/release/coldstart --data-dir DIR [--runs 20] [--warm 100] [--repo ..]
//!                            [--bin-dir ../target/release] [--env K=V]… [--smoke] [--tls]
//!                            [function[+https]…]
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
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::process::Command;
use tokio::sync::mpsc;
use tokio_rustls::rustls;

#[path = "../stats.rs"]
mod stats;
use stats::percentile;
#[path = "../test_ca.rs"]
mod test_ca;

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T, E = Error> = std::result::Result<T, E>;

const FLOOR: &str = "hello";

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

    let mut functions = vec![(FLOOR.to_owned(), args.hello.clone())];
    for arg in &args.functions {
        let label = arg.split_once('=').map_or(arg.as_str(), |(label, _)| label);
        functions.push((label.to_owned(), args.binary_of(arg)?));
    }
    if args.tls {
        // Each function over HTTP and over HTTPS, side by side in the round-robin.
        functions = functions
            .into_iter()
            .flat_map(|(label, binary)| {
                let https = format!("{label}{HTTPS}");
                [(label, binary.clone()), (https, binary)]
            })
            .collect();
    }
    let log_dir = PathBuf::from("target/coldstart-logs");
    std::fs::create_dir_all(&log_dir)?;

    let meter = Arc::new(DdbMeter::default());
    let proxy = start_dynamodb_proxy(dynamodb, meter.clone(), None).await?;
    let tls = if functions.iter().any(|(label, _)| is_https(label)) {
        Some(TlsFront::start(dynamodb, meter.clone(), Path::new("target")).await?)
    } else {
        None
    };
    let mut env = FunctionEnv {
        dynamodb: format!("http://{proxy}"),
        tls: tls.as_ref().map(|front| {
            (
                format!("https://{}", front.address),
                front.root_pem.display().to_string(),
            )
        }),
        s3: endpoints["s3"].as_str().unwrap_or_default().to_owned(),
        public_key: keys["public_base64url"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        private_key: keys["private_pkcs8_base64"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        webhook_secret,
        // create-checkout opens the local checkout page (no Stripe call), send-outbox
        // writes its e-mails to its log as the local stack does (no SES here; `--env-for
        // send-outbox EMAIL_DELIVERY=ses` with an SES endpoint restores the template's),
        // destroy-recording finds the local archive unversioned, and the live functions
        // reach the local Management API.
        extra: [
            (
                "LOCAL_CHECKOUT_BASE_URL".to_owned(),
                format!("http://{api}"),
            ),
            ("EMAIL_DELIVERY".to_owned(), "log".to_owned()),
            // The local S3 keeps no versions (no Object Lock): the archive is told so, as
            // the local stack tells it.
            ("ARCHIVE_VERSIONED".to_owned(), "false".to_owned()),
            // The live functions push to the local stack's Management API (its own port).
            (
                "AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI".to_owned(),
                format!("http://{api}"),
            ),
        ]
        .into_iter()
        .chain(args.env.clone())
        .collect(),
        extra_for: args.env_for.clone(),
        template: None,
    };
    env.template = Some(Template::read(&args.repo, &env)?);
    let prep = Prep::new(&args);

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
    // Under --tls the warm run is over HTTP only (one connection is open by then either way).
    let mut warm: HashMap<String, Start> = HashMap::new();
    for (name, binary) in functions.iter().filter(|(l, _)| !(args.tls && is_https(l))) {
        eprintln!("warm run: {name} × {}", args.warm);
        let start = start_once(name, binary, &env, &prep, &meter, args.warm, &log_dir).await?;
        warm.insert(name.clone(), start);
    }

    print_report(&args, &functions, &cold, &warm);
    if args.smoke {
        return smoke_report(&args, &functions, &cold);
    }
    Ok(())
}

/// `--smoke`: every function's first and warm invocation got its route's success status
/// (`docs/openapi.yaml`); for a function that is not a route, an answer.
fn smoke_report(
    args: &Args,
    functions: &[(String, PathBuf)],
    cold: &HashMap<String, Vec<Start>>,
) -> Result<()> {
    let by_route = expected_statuses(&args.repo)?;
    let mut failures = Vec::new();
    println!("\n### Smoke test: each function's example event, cold and warm\n");
    println!("| function | binary | expected | first | warm | ok |");
    println!("|---|---|---:|---:|---:|---|");
    for (name, binary) in functions.iter().filter(|(n, _)| function_of(n) != FLOOR) {
        let event: Value =
            read_json(&args.repo.join(format!("events/{}.json", function_of(name))))?;
        let expected = event["routeKey"]
            .as_str()
            .and_then(|route| by_route.get(route).copied());
        let start = &cold[name][0];
        let (first, warm) = (start.invocations[0].2, start.invocations[1].2);
        let ok = match expected {
            Some(status) => first == status && warm == status,
            None => true, // not a route: the invocation answered without an error
        };
        if !ok {
            failures.push(name.clone());
        }
        println!(
            "| {name} | {} | {} | {first} | {warm} | {} |",
            binary.file_name().unwrap_or_default().to_string_lossy(),
            expected.map_or("answer".into(), |s| s.to_string()),
            if ok { "yes" } else { "NO" }
        );
    }
    if failures.is_empty() {
        println!("\nsmoke: {} passed, 0 failed", functions.len() - 1);
        Ok(())
    } else {
        Err(format!("smoke: wrong status from {}", failures.join(", ")).into())
    }
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
    /// The process's on-CPU time from its start to its first response (init and the
    /// first invocation; it is idle in between).
    cold_cpu: Option<Duration>,
    peak_rss_kib: Option<u64>,
}

struct FunctionEnv {
    dynamodb: String,
    /// For labels ending in `+https`: the TLS front's URL and the test root's PEM file.
    tls: Option<(String, String)>,
    s3: String,
    public_key: String,
    private_key: String,
    webhook_secret: String,
    /// For every function (`--env`, and the local checkout page's base URL).
    extra: Vec<(String, String)>,
    /// Per function (`--env-for`).
    extra_for: Vec<(Vec<String>, String, String)>,
    /// What the template gives each function.
    template: Option<Template>,
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
            event: prep.event(function_of(name)).await?,
        })
        .await?;
    meter.reset();
    let spawned = Instant::now();
    let mut child = command.spawn()?;
    let pid = child.id().ok_or("no pid")?;

    let mut invocations = Vec::new();
    let mut warm_cpu = Vec::new();
    let mut cold_cpu = None;
    let init = async {
        let first = expect(&mut outcomes, "1").await?;
        cold_cpu = process_cpu(pid);
        let init = emulator
            .first_next
            .lock()
            .unwrap()
            .ok_or("no next request")?
            - spawned;
        invocations.push((first.posted - first.handed_out, meter.take(), first.status));
        for i in 0..warm_invocations {
            let id = (i + 2).to_string();
            let event = prep.event(function_of(name)).await?;
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
        cold_cpu,
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

/// The environment a `provided.al2023` Lambda sandbox gives the bootstrap: the runtime's
/// variables, `_HANDLER` (the function's `Handler:`, which selects its row in the one
/// binary), and the environment `infra/template.yaml` gives the function.
/// A label ending in `+https` reaches DynamoDB through the TLS front and trusts its test
/// root (`BENCH_EXTRA_ROOT_CERT_FILE`); every other one over plain HTTP.
fn lambda_env(label: &str, runtime_api: SocketAddr, env: &FunctionEnv) -> Vec<(String, String)> {
    let name = function_of(label);
    let (dynamodb, bench_root) = match (&env.tls, is_https(label)) {
        (Some((url, root)), true) => (
            url.clone(),
            Some(("BENCH_EXTRA_ROOT_CERT_FILE".to_owned(), root.clone())),
        ),
        _ => (env.dynamodb.clone(), None),
    };
    let extra_for_this = || {
        env.extra_for
            .iter()
            .filter(|(names, _, _)| names.iter().any(|n| n == name))
            .map(|(_, k, v)| (k.clone(), v.clone()))
    };
    let given: Vec<String> = env
        .extra
        .iter()
        .cloned()
        .chain(extra_for_this())
        .map(|(k, _)| k)
        .collect();
    let template = env.template.as_ref();
    let handler = template.map_or_else(|| "bootstrap".into(), |t| t.handler(name));
    let memory = template.map_or_else(|| "128".into(), |t| t.memory(name));
    [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_string()),
        ("_HANDLER", handler),
        ("AWS_LAMBDA_FUNCTION_NAME", name.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory),
        ("AWS_LAMBDA_FUNCTION_VERSION", "1".into()),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/10/[1]bench".into()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}")),
        ("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "natives-local".into()),
        ("AWS_SECRET_ACCESS_KEY", "natives-local-secret".into()),
        ("AWS_ENDPOINT_URL_DYNAMODB", dynamodb),
        ("AWS_ENDPOINT_URL_S3", env.s3.clone()),
        ("TZ", ":UTC".into()),
        ("PATH", "/usr/local/bin:/usr/bin:/bin".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .chain(
        template
            .map(|t| t.environment(name))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| secret_in_plain(env, &given, k, v)),
    )
    .chain(bench_root)
    .chain(env.extra.iter().cloned())
    .chain(extra_for_this())
    .collect()
}

/// The template names secrets by SSM parameter (`X_PARAMETER`); the bench gives the local
/// value as `X` instead, unless the run passes `X_PARAMETER` itself (`--env-for login
/// JWT_PRIVATE_KEY_PARAMETER=…`, to measure the SSM read as deployed). A secret with no
/// local value (the Stripe key: the local checkout page stands in) is left out.
fn secret_in_plain(
    env: &FunctionEnv,
    given: &[String],
    variable: String,
    value: String,
) -> Option<(String, String)> {
    let Some(secret) = variable.strip_suffix("_PARAMETER") else {
        return Some((variable, value));
    };
    if given.contains(&variable) {
        return None;
    }
    let local = match secret {
        "JWT_PRIVATE_KEY" => env.private_key.clone(),
        "STRIPE_WEBHOOK_SECRET" => env.webhook_secret.clone(),
        _ => return None,
    };
    Some((secret.to_owned(), local))
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
/// With `tls`, the proxy terminates TLS first (the handshake is not in the meter: it is
/// the function's own cost, like its CPU).
async fn start_dynamodb_proxy(
    upstream: SocketAddr,
    meter: Arc<DdbMeter>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let meter = meter.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let _ = socket.set_nodelay(true);
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
                let http = hyper::server::conn::http1::Builder::new();
                let _ = match tls {
                    Some(acceptor) => match acceptor.accept(socket).await {
                        Ok(stream) => http.serve_connection(TokioIo::new(stream), service).await,
                        Err(_) => return, // the function refused the certificate
                    },
                    None => http.serve_connection(TokioIo::new(socket), service).await,
                };
            });
        }
    });
    Ok(address)
}

/// The embedded DynamoDB behind TLS (`test_ca.rs`: a chain of the shape of DynamoDB's, for
/// `127.0.0.1`), in front of the counting proxy.
struct TlsFront {
    address: SocketAddr,
    /// The test root, for `BENCH_EXTRA_ROOT_CERT_FILE`.
    root_pem: PathBuf,
}

impl TlsFront {
    async fn start(upstream: SocketAddr, meter: Arc<DdbMeter>, dir: &Path) -> Result<Self> {
        let ca = test_ca::test_ca()?;
        let root_pem = std::path::absolute(dir.join("coldstart-bench-root.pem"))?;
        std::fs::write(&root_pem, &ca.root_pem)?;
        let acceptor = tokio_rustls::TlsAcceptor::from(ca.server.clone());
        let address = start_dynamodb_proxy(upstream, meter, Some(acceptor)).await?;

        // One handshake now, verified against the root alone: the chain is right, and the
        // server's own first handshake (its generator's seeding) is not in a measurement.
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.root_der.clone())?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let stream = TcpStream::connect(address).await?;
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1")?;
        tokio_rustls::TlsConnector::from(Arc::new(client))
            .connect(name, stream)
            .await
            .map_err(|e| format!("the bench's own TLS front refused its test root: {e}"))?;
        Ok(Self { address, root_pem })
    }
}

async fn connect(address: SocketAddr) -> Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

// ---------------------------------------------------------------- events and environment

/// Makes each invocation's event: `natives-local example-event <function>` on the running
/// stack's data prints `events/<function>.json` with its placeholders filled from fresh
/// local data (a new account with the role the function's row asks for, its tokens, a
/// pending purchase, a Stripe signature…), just before the event is handed out, so a
/// revoke-all or a block from the previous invocation cannot spoil it. A new function
/// needs nothing here.
struct Prep {
    repo: PathBuf,
    data_dir: PathBuf,
    local_bin: PathBuf,
    /// `--photo`: the JPEG set-photo's event stages instead of the small example.
    photo: Option<PathBuf>,
    /// `--voice`: the recording post-message's event posts instead of its text.
    voice: Option<PathBuf>,
}

impl Prep {
    fn new(args: &Args) -> Self {
        Self {
            repo: args.repo.clone(),
            data_dir: args.data_dir.clone(),
            local_bin: args.local_bin.clone(),
            photo: args.photo.clone(),
            voice: args.voice.clone(),
        }
    }

    async fn event(&self, function: &str) -> Result<String> {
        if function == FLOOR {
            return Ok(std::fs::read_to_string(
                self.repo.join("events/get-me.json"),
            )?);
        }
        let mut command = Command::new(&self.local_bin);
        command
            .current_dir(&self.repo)
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(["example-event", function]);
        if let Some(photo) = &self.photo {
            command.arg("--photo").arg(photo);
        }
        if let Some(voice) = self.voice.as_ref().filter(|_| function == VOICE_POST) {
            command.arg("--voice").arg(voice);
        }
        let output = command
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|e| format!("{}: {e}", self.local_bin.display()))?;
        if !output.status.success() {
            return Err(format!(
                "example-event {function}: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let event: Value = serde_json::from_slice(&output.stdout)?;
        Ok(event.to_string())
    }
}

/// What `infra/template.yaml` gives each function: the Globals' environment and the
/// function's own, its `Handler:` and its memory, with the parameters resolved to what
/// the local stack uses (its keys and webhook secret; the parameters' defaults else).
struct Template {
    globals: Value,
    functions: HashMap<String, Value>,
    parameters: HashMap<String, String>,
}

impl Template {
    fn read(repo: &Path, env: &FunctionEnv) -> Result<Self> {
        let template = read_yaml(&repo.join("infra/template.yaml"))?;
        let mut parameters: HashMap<String, String> = template["Parameters"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(name, p)| Some((name.clone(), p["Default"].as_str()?.to_owned())))
            .collect();
        for (name, value) in [
            ("Table", "natives".to_owned()),
            ("TableName", "natives".to_owned()),
            ("JwtPublicKeys", env.public_key.clone()),
            ("JwtPrivateKey", env.private_key.clone()),
            ("StripeWebhookSecret", env.webhook_secret.clone()),
            // No Stripe key: create-checkout uses the local checkout page
            // (LOCAL_CHECKOUT_BASE_URL, given to every function).
            ("StripeSecretKey", String::new()),
        ] {
            parameters.insert(name.to_owned(), value);
        }
        let functions = template["Resources"]
            .as_object()
            .ok_or("the template has no Resources")?
            .values()
            .filter(|r| r["Type"] == "AWS::Serverless::Function")
            .filter_map(|r| {
                let properties = &r["Properties"];
                let name = properties["Handler"]
                    .as_str()
                    .filter(|h| *h != "bootstrap")
                    .or_else(|| r["Metadata"]["BuildProperties"]["Binary"].as_str())?;
                Some((name.to_owned(), properties.clone()))
            })
            .collect();
        Ok(Self {
            globals: template["Globals"]["Function"].clone(),
            functions,
            parameters,
        })
    }

    fn resolve(&self, value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Object(o) => o
                .get("Ref")
                .and_then(Value::as_str)
                .and_then(|name| self.parameters.get(name).cloned()),
            _ => None,
        }
    }

    /// The function's environment variables as Lambda would set them.
    fn environment(&self, function: &str) -> Vec<(String, String)> {
        let own = self.functions.get(function).cloned().unwrap_or(Value::Null);
        [&self.globals, &own]
            .into_iter()
            .filter_map(|scope| scope["Environment"]["Variables"].as_object())
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), self.resolve(v)?)))
            .collect()
    }

    fn handler(&self, function: &str) -> String {
        self.functions
            .get(function)
            .and_then(|f| f["Handler"].as_str())
            .unwrap_or("bootstrap")
            .to_owned()
    }

    fn memory(&self, function: &str) -> String {
        let own = self.functions.get(function).cloned().unwrap_or(Value::Null);
        self.resolve(&own["MemorySize"])
            .or_else(|| self.resolve(&self.globals["MemorySize"]))
            .unwrap_or_else(|| "128".into())
    }
}

/// The status each function's example event should get: the 2xx of its operation in
/// `docs/openapi.yaml` (for a function that is not a route: none, an answer suffices).
fn expected_statuses(repo: &Path) -> Result<HashMap<String, u16>> {
    let openapi = read_yaml(&repo.join("docs/openapi.yaml"))?;
    let mut by_route = HashMap::new();
    for (path, operations) in openapi["paths"].as_object().into_iter().flatten() {
        for (method, operation) in operations.as_object().into_iter().flatten() {
            let success = operation["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(status, _)| status.parse::<u16>().ok())
                .find(|status| (200..300).contains(status));
            if let Some(status) = success {
                by_route.insert(format!("{} {path}", method.to_uppercase()), status);
            }
        }
    }
    Ok(by_route)
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
        let warm = if function_of(name) == FLOOR {
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

    print_https_side_by_side(functions, cold, penalty);

    println!(
        "\n### Warm invocations ({} per function, one process; ms) and peak RSS\n",
        args.warm
    );
    println!(
        "| function | warm p50 | warm p99 | DynamoDB wait p50 | handler excl. DynamoDB p50 | handler excl. DynamoDB p99 | on-CPU p50 | on-CPU p99 | statuses | VmHWM after |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
    for (name, _) in functions {
        let Some(run) = warm.get(name) else {
            continue;
        };
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

/// Each function's cold start over HTTP beside the same over HTTPS (labels `x` and
/// `x+https` of one run): medians, their difference, and the process's CPU time from its
/// start to its first response (init + first invocation), which load disturbs less.
fn print_https_side_by_side(
    functions: &[(String, PathBuf)],
    cold: &HashMap<String, Vec<Start>>,
    penalty: impl Fn(&str, &Start) -> Duration,
) {
    let pairs: Vec<(&str, String)> = functions
        .iter()
        .filter(|(label, _)| !is_https(label))
        .map(|(label, _)| (label.as_str(), format!("{label}{HTTPS}")))
        .filter(|(_, https)| cold.contains_key(https))
        .collect();
    if pairs.is_empty() {
        return;
    }
    let p50 = |label: &str, f: &dyn Fn(&Start) -> Option<Duration>| {
        let values: Vec<Duration> = cold[label].iter().filter_map(f).collect();
        (!values.is_empty()).then(|| percentile(&values, 0.5))
    };
    let show = |d: Option<Duration>| d.map_or("?".to_owned(), ms);
    let delta = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
        (Some(a), Some(b)) => format!("{:+.2}", (b.as_secs_f64() - a.as_secs_f64()) * 1000.0),
        _ => "?".to_owned(),
    };
    println!("\n### HTTP and HTTPS side by side (p50 of the starts above; ms)\n");
    println!(
        "| function | init HTTP | init HTTPS | 1st inv HTTP | 1st inv HTTPS | Δ 1st inv | penalty HTTP | penalty HTTPS | Δ penalty | CPU to 1st response HTTP | CPU HTTPS | Δ CPU |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (http, https) in &pairs {
        let init = |l: &str| p50(l, &|s: &Start| Some(s.init));
        let first = |l: &str| p50(l, &|s: &Start| Some(s.invocations[0].0));
        let pen = |l: &str| p50(l, &|s: &Start| Some(penalty(l, s)));
        let cpu = |l: &str| p50(l, &|s: &Start| s.cold_cpu);
        println!(
            "| {http} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            show(init(http)),
            show(init(https)),
            show(first(http)),
            show(first(https)),
            delta(first(http), first(https)),
            show(pen(http)),
            show(pen(https)),
            delta(pen(http), pen(https)),
            show(cpu(http)),
            show(cpu(https)),
            delta(cpu(http), cpu(https)),
        );
    }
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
    /// Each function's deployed binary, from the template.
    deployed: HashMap<String, String>,
    /// The local stack's binary, for `example-event` (a filled event per invocation).
    local_bin: PathBuf,
    /// Check every function's statuses against `docs/openapi.yaml` (non-zero exit if one
    /// differs); with `--runs 1 --warm 1` it is the release build's smoke test.
    smoke: bool,
    /// Every function (and the floor) also over HTTPS (`label+https`), side by side.
    tls: bool,
    /// The JPEG to stage for set-photo's event (`--photo FILE`; default the example's).
    photo: Option<PathBuf>,
    /// The recording post-message's events post as voice (`--voice FILE`; else they post text).
    voice: Option<PathBuf>,
}

/// The function `--voice` applies to: each of its events stages its own copy of the
/// recording (a voice post consumes its upload).
const VOICE_POST: &str = "post-message";

/// The one binary every function deployed before the table named a binary per row (for
/// comparing older builds).
const ONE_BINARY: &str = "natives-functions";

/// Each function's binary as the template deploys it (`BuildProperties: Binary:`), by
/// its `Handler:` (its name).
fn deployed_binaries(repo: &Path) -> Result<HashMap<String, String>> {
    let template = read_yaml(&repo.join("infra/template.yaml"))?;
    Ok(template["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, r)| {
            let handler = r["Properties"]["Handler"].as_str()?;
            let binary = r["Metadata"]["BuildProperties"]["Binary"].as_str()?;
            Some((handler.to_owned(), binary.to_owned()))
        })
        .collect())
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
            deployed: HashMap::new(),
            local_bin: PathBuf::new(),
            smoke: false,
            tls: false,
            photo: None,
            voice: None,
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
                "--smoke" => args.smoke = true,
                "--tls" => args.tls = true,
                "--photo" => args.photo = Some(std::fs::canonicalize(value()?)?),
                "--voice" => args.voice = Some(std::fs::canonicalize(value()?)?),
                _ if arg.starts_with("--") => return Err(format!("unknown flag {arg}").into()),
                _ => args.functions.push(arg),
            }
        }
        if args.data_dir.as_os_str().is_empty() {
            return Err(
                "usage: coldstart --data-dir <local stack data dir> [--runs N] [--warm N] \
                        [--repo ..] [--bin-dir <repo>/target/release] [--env K=V]… \
                        [--env-for f1,f2 K=V]… [--local-bin <repo>/target/debug/natives-local] \
                        [--smoke] [--tls] [--photo FILE.jpg] [--voice FILE.ogg] [function[+https]…]"
                    .into(),
            );
        }
        if args.bin_dir.as_os_str().is_empty() {
            args.bin_dir = args.repo.join("target/release");
        }
        args.deployed = deployed_binaries(&args.repo)?;
        if args.local_bin.as_os_str().is_empty() {
            args.local_bin = args.repo.join("target/debug/natives-local");
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
                .filter(|n| args.binary_of(n).is_ok())
                .collect();
            names.sort();
            args.functions = names;
        }
        Ok(args)
    }
}

/// `get-me@fat=/some/release` runs get-me from that folder, reported as `get-me@fat`,
/// so builds can be compared in one run (round-robin: the same background for each).
fn function_of(label: &str) -> &str {
    label.split(['@', '+']).next().unwrap_or(label)
}

/// `get-me+https` (and every label under `--tls`): DynamoDB through the TLS front.
const HTTPS: &str = "+https";

fn is_https(label: &str) -> bool {
    label.ends_with(HTTPS)
}

impl Args {
    /// The function's binary in `--bin-dir` (or in the folder after its `@`): a binary of
    /// its own name (one binary per function, as before), else the binary the template
    /// deploys it with, else the one binary of older builds.
    fn binary_of(&self, label: &str) -> Result<PathBuf> {
        let function = function_of(label);
        let dir = match label.split_once('@') {
            Some((_, rest)) => PathBuf::from(rest.split_once('=').map_or(rest, |(_, dir)| dir)),
            None => self.bin_dir.clone(),
        };
        let deployed = self.deployed.get(function).map(String::as_str);
        let candidates: Vec<&str> = [Some(function), deployed, Some(ONE_BINARY)]
            .into_iter()
            .flatten()
            .collect();
        candidates
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
            .ok_or_else(|| format!("none of {} in {}", candidates.join(", "), dir.display()).into())
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}

fn read_yaml(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(serde_yaml::from_str(&text)?)
}

fn host_port(url: &Value) -> Result<SocketAddr> {
    let url = url.as_str().ok_or("endpoint missing")?;
    Ok(url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()?)
}

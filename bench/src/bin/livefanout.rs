//! Live fan-out latency through the local stack: N visitors hold a WebSocket to
//! `GET /v1/live` and subscribe to one thread; a user posts a reply; the time from sending
//! the post to the last of the N receiving its `message_posted` frame (and to the first),
//! for N = 1, 100, 1,000 by default. Everything is the stack's own path: the post's
//! transaction, the embedded DynamoDB's stream read by the local pump (every 200 ms), the
//! fan-out function querying the listeners and pushing each frame through the real
//! Management API client to the local `@connections` endpoint, the socket.
//!
//! Usage (from bench/):
//!   target/release/livefanout [--local-bin ../target/release/natives-local]
//!                             [--listeners 1,100,1000] [--posts 10]

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::process::Command;
use tokio::sync::mpsc;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

#[path = "../stats.rs"]
mod stats;
use stats::percentile;

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T, E = Error> = std::result::Result<T, E>;

const PASSWORD: &str = "correct horse battery";
/// How long one post may take to reach everyone before the run is called failed.
const DELIVERY_LIMIT: Duration = Duration::from_secs(30);

struct Args {
    local_bin: PathBuf,
    listeners: Vec<usize>,
    posts: usize,
}

impl Args {
    fn parse() -> Result<Self> {
        let mut args = Args {
            local_bin: [
                "../target/release/natives-local",
                "../target/debug/natives-local",
            ]
            .into_iter()
            .map(PathBuf::from)
            .find(|path| path.exists())
            .unwrap_or_else(|| PathBuf::from("../target/release/natives-local")),
            listeners: vec![1, 100, 1000],
            posts: 10,
        };
        let mut given = std::env::args().skip(1);
        while let Some(flag) = given.next() {
            let value = given.next().ok_or(format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--local-bin" => args.local_bin = PathBuf::from(value),
                "--listeners" => {
                    args.listeners = value
                        .split(',')
                        .map(|n| n.trim().parse())
                        .collect::<Result<_, _>>()?
                }
                "--posts" => args.posts = value.parse()?,
                other => return Err(format!("unknown flag {other}").into()),
            }
        }
        Ok(args)
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse()?;
    let data = tempdir()?;
    let mut server = Command::new(&args.local_bin)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{}: {e}", args.local_bin.display()))?;
    let api = wait_for_api(&data).await?;
    let result = run(&args, &api).await;
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(&data);
    result
}

async fn run(args: &Args, api: &str) -> Result<()> {
    let http = reqwest::Client::new();
    let token = funded_user(&http, api).await?;
    let thread: Value = post(
        &http,
        api,
        "/v1/threads",
        &token,
        &json!({
            "language": "de", "title": "Feierabend", "text": "Wie sagt man das auf Englisch?"
        }),
    )
    .await?;
    let thread_id = thread["id"].as_str().ok_or("no thread id")?.to_owned();
    let live = format!("{}/v1/live", api.replacen("http://", "ws://", 1));

    println!(
        "| listeners | posts | post answered p50 (ms) | first listener p50 (ms) | last listener p50 (ms) | last listener max (ms) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for &n in &args.listeners {
        let (arrivals, tasks) = listen(&live, &thread_id, n).await?;
        let mut arrivals = arrivals;
        let (mut answered, mut first, mut last) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..args.posts {
            let started = Instant::now();
            let message: Value = post(
                &http,
                api,
                &format!("/v1/threads/{thread_id}/messages"),
                &token,
                &json!({ "text": format!("Antwort {n}/{i}") }),
            )
            .await?;
            answered.push(started.elapsed());
            let id = message["id"].as_str().ok_or("no message id")?.to_owned();
            let mut reached = 0;
            let mut first_at = None;
            while reached < n {
                let (got, at) = tokio::time::timeout(DELIVERY_LIMIT, arrivals.recv())
                    .await
                    .map_err(|_| format!("{n} listeners: {reached} got post {i} in time"))?
                    .ok_or("the listeners stopped")?;
                if got == id {
                    reached += 1;
                    first_at.get_or_insert(at);
                    if reached == n {
                        last.push(at - started);
                    }
                }
            }
            first.push(first_at.expect("a first arrival") - started);
        }
        for task in tasks {
            task.abort();
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {n} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            args.posts,
            ms(percentile(&answered, 0.5)),
            ms(percentile(&first, 0.5)),
            ms(percentile(&last, 0.5)),
            ms(*last.iter().max().expect("posts")),
        );
    }
    Ok(())
}

/// `n` visitors subscribed to the thread; each reports the message ids it is pushed.
async fn listen(
    live: &str,
    thread_id: &str,
    n: usize,
) -> Result<(
    mpsc::UnboundedReceiver<(String, Instant)>,
    Vec<tokio::task::JoinHandle<()>>,
)> {
    let (arrived, arrivals) = mpsc::unbounded_channel();
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let (mut socket, _) = connect_async(live).await?;
        socket
            .send(Message::text(
                json!({ "action": "subscribe", "thread_id": thread_id }).to_string(),
            ))
            .await?;
        match socket.next().await {
            Some(Ok(Message::Text(text))) if text.contains("\"subscribed\"") => {}
            other => return Err(format!("not subscribed: {other:?}").into()),
        }
        let arrived = arrived.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(Ok(message)) = socket.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(frame) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                if frame["type"] == "message_posted" {
                    let id = frame["message"]["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    if arrived.send((id, Instant::now())).is_err() {
                        return;
                    }
                }
            }
        }));
    }
    Ok((arrivals, tasks))
}

/// A registered user with the starter tariff bought through the local checkout page.
async fn funded_user(http: &reqwest::Client, api: &str) -> Result<String> {
    let terms: Value = http
        .get(format!("{api}/v1/terms"))
        .send()
        .await?
        .json()
        .await?;
    let email = format!("fanout-{}@example.com", std::process::id());
    let registered = http
        .post(format!("{api}/v1/accounts"))
        .json(&json!({
            "email": email, "password": PASSWORD, "display_name": "Ada",
            "date_of_birth": "1990-12-10", "country": "GB", "native_languages": ["en-GB"],
            "learning_languages": ["de"], "accepted_terms_version": terms["version"],
        }))
        .send()
        .await?;
    if !registered.status().is_success() {
        return Err(format!("register: {}", registered.text().await?).into());
    }
    let session: Value = http
        .post(format!("{api}/v1/sessions"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = session["access_token"]
        .as_str()
        .ok_or("no token")?
        .to_owned();
    let checkout: Value = post(
        http,
        api,
        "/v1/checkout",
        &token,
        &json!({"tariff_id": "starter"}),
    )
    .await?;
    let url = checkout["checkout_url"].as_str().ok_or("no checkout url")?;
    http.post(format!("{url}/pay"))
        .send()
        .await?
        .error_for_status()?;
    Ok(token)
}

async fn post(
    http: &reqwest::Client,
    api: &str,
    path: &str,
    token: &str,
    body: &Value,
) -> Result<Value> {
    let response = http
        .post(format!("{api}{path}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await?;
    let status = response.status();
    let body: Value = response.json().await?;
    if !status.is_success() {
        return Err(format!("POST {path}: {status} {body}").into());
    }
    Ok(body)
}

async fn wait_for_api(data: &std::path::Path) -> Result<String> {
    for _ in 0..600 {
        if let Ok(text) = std::fs::read_to_string(data.join("endpoints.json")) {
            let endpoints: HashMap<String, Value> = serde_json::from_str(&text)?;
            if let Some(api) = endpoints.get("api").and_then(Value::as_str) {
                return Ok(api.to_owned());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("the local stack did not start within a minute".into())
}

fn tempdir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("livefanout-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

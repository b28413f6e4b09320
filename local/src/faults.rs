//! Fault injection: a proxy between the functions and the embedded DynamoDB or S3 that,
//! at a given rate, answers what a real service sometimes answers — throttling, 5xx —
//! or fails the way a network does: an answer so late the SDK gives up (the request is
//! still applied), a connection reset before the request arrives, and a write applied
//! whose answer is lost. Off unless asked for (`serve --inject-faults <rate>`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::BoxError;

/// Which protocol's errors to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    DynamoDb,
    S3,
}

/// What was injected, for the figures of a run.
#[derive(Debug, Default)]
pub struct FaultCounts {
    pub requests: AtomicU64,
    pub throttled: AtomicU64,
    pub server_errors: AtomicU64,
    pub late: AtomicU64,
    pub resets: AtomicU64,
    pub lost_answers: AtomicU64,
}

impl FaultCounts {
    pub fn faults(&self) -> u64 {
        [
            &self.throttled,
            &self.server_errors,
            &self.late,
            &self.resets,
            &self.lost_answers,
        ]
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .sum()
    }

    pub fn summary(&self) -> String {
        let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
        format!(
            "{} requests, {} faults: {} throttled, {} 5xx, {} late, {} reset, {} answers lost",
            n(&self.requests),
            self.faults(),
            n(&self.throttled),
            n(&self.server_errors),
            n(&self.late),
            n(&self.resets),
            n(&self.lost_answers)
        )
    }
}

/// A connection closed without an answer (hyper closes it when the service fails).
#[derive(Debug)]
struct Dropped(&'static str);

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Dropped {}

/// Longer than the SDK's attempt timeout (`natives_shared::aws::timeout_config`).
const LATE_BY: Duration = Duration::from_millis(2200);

#[derive(Debug, Clone, Copy)]
enum Fault {
    Throttle,
    ServerError,
    Late,
    Reset,
    LoseAnswer,
}

struct Proxy {
    target: String,
    service: Service,
    rate: f64,
    client: reqwest::Client,
    counts: Arc<FaultCounts>,
}

/// Starts a proxy for `target` on a loopback port; returns its URL.
pub async fn start(
    target: &str,
    service: Service,
    rate: f64,
    counts: Arc<FaultCounts>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<String, BoxError> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let proxy = Arc::new(Proxy {
        target: target.trim_end_matches('/').to_owned(),
        service,
        rate,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?,
        counts,
    });
    tokio::spawn(async move {
        loop {
            let socket = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((socket, _)) => socket,
                    Err(_) => continue,
                },
                _ = shutdown.changed() => return,
            };
            let proxy = proxy.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let proxy = proxy.clone();
                    async move { proxy.handle(request).await }
                });
                // An `Err` from the service closes the connection without an answer.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    Ok(url)
}

impl Proxy {
    fn draw(&self) -> Option<Fault> {
        let [a, b, c] = natives_shared::random::random_bytes::<3>();
        let roll = f64::from(u16::from_le_bytes([a, b])) / f64::from(u16::MAX);
        if roll >= self.rate {
            return None;
        }
        Some(match c % 5 {
            0 => Fault::Throttle,
            1 => Fault::ServerError,
            2 => Fault::Late,
            3 => Fault::Reset,
            _ => Fault::LoseAnswer,
        })
    }

    async fn handle(
        &self,
        request: hyper::Request<Incoming>,
    ) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
        self.counts.requests.fetch_add(1, Ordering::Relaxed);
        let fault = self.draw();
        let count = |c: &AtomicU64| {
            c.fetch_add(1, Ordering::Relaxed);
        };
        match fault {
            Some(Fault::Throttle) => {
                count(&self.counts.throttled);
                return Ok(self.error(true));
            }
            Some(Fault::ServerError) => {
                count(&self.counts.server_errors);
                return Ok(self.error(false));
            }
            Some(Fault::Reset) => {
                count(&self.counts.resets);
                return Err(Dropped("connection reset"));
            }
            _ => {}
        }
        let (parts, body) = request.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|_| Dropped("the request did not arrive"))?
            .to_bytes();
        if let Some(Fault::Late) = fault {
            count(&self.counts.late);
            // The request arrives (and is applied) after the SDK has stopped waiting.
            tokio::time::sleep(LATE_BY).await;
        }
        let answer = self
            .forward(parts, body)
            .await
            .map_err(|_| Dropped("the service did not answer"))?;
        if let Some(Fault::LoseAnswer) = fault {
            count(&self.counts.lost_answers);
            return Err(Dropped("answer lost"));
        }
        Ok(answer)
    }

    async fn forward(
        &self,
        parts: http::request::Parts,
        body: Bytes,
    ) -> Result<hyper::Response<Full<Bytes>>, BoxError> {
        let path = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let mut request = self
            .client
            .request(parts.method.clone(), format!("{}{path}", self.target))
            .body(body);
        // The signed headers travel as they are, `host` too (SigV4 signs it); the
        // client sets the length of what it sends.
        for (name, value) in &parts.headers {
            if name != http::header::CONTENT_LENGTH && name != http::header::TRANSFER_ENCODING {
                request = request.header(name, value);
            }
        }
        let response = request.send().await?;
        let mut answer = hyper::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            if name != http::header::TRANSFER_ENCODING && name != http::header::CONNECTION {
                answer = answer.header(name, value);
            }
        }
        Ok(answer.body(Full::new(response.bytes().await?))?)
    }

    /// The answer the real service gives when it throttles or fails.
    fn error(&self, throttle: bool) -> hyper::Response<Full<Bytes>> {
        let (status, content_type, body) = match (self.service, throttle) {
            (Service::DynamoDb, true) => (
                400,
                "application/x-amz-json-1.0",
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#,
            ),
            (Service::DynamoDb, false) => (
                500,
                "application/x-amz-json-1.0",
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}"#,
            ),
            (Service::S3, true) => (
                503,
                "application/xml",
                "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
            ),
            (Service::S3, false) => (
                500,
                "application/xml",
                "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>",
            ),
        };
        hyper::Response::builder()
            .status(status)
            .header("content-type", content_type)
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .expect("an error answer is well-formed")
    }
}

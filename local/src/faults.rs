//! Fault injection: a proxy between the functions and DynamoDB or S3 that, at a given
//! rate, answers what a real service sometimes answers — throttling, 5xx, and on AWS's
//! DynamoDB a transaction conflict (another transaction holds the item) — or fails the
//! way a network does: an answer so late the SDK gives up (the request is still
//! applied), a connection reset before the request arrives, and a write applied whose
//! answer is lost. It can also play an index that lags, as AWS's global secondary
//! indexes do: a `Query` on an index does not see the items written through the proxy
//! in the last moments. Off unless asked for (`serve --inject-faults <rate>`,
//! `--index-lag <ms>`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::BoxError;

/// Which protocol's errors to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    DynamoDb,
    S3,
}

/// What the proxies do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultPlan {
    /// The share of requests that meet a fault (0 to 1).
    pub rate: f64,
    /// The faults drawn from, each equally likely among those a request can meet.
    pub kinds: &'static [Fault],
    /// A `Query` on an index omits the items written through the proxy this recently.
    pub index_lag: Option<Duration>,
}

impl FaultPlan {
    /// Every kind of fault at `rate`, no index lag.
    pub fn at_rate(rate: f64) -> Self {
        Self {
            rate,
            kinds: Fault::ALL,
            index_lag: None,
        }
    }
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
    pub conflicts: AtomicU64,
    /// Items an index query did not show because they were written too recently.
    pub hidden_by_lag: AtomicU64,
}

impl FaultCounts {
    pub fn faults(&self) -> u64 {
        [
            &self.throttled,
            &self.server_errors,
            &self.late,
            &self.resets,
            &self.lost_answers,
            &self.conflicts,
        ]
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .sum()
    }

    pub fn summary(&self) -> String {
        let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
        format!(
            "{} requests, {} faults: {} throttled, {} 5xx, {} late, {} reset, {} answers lost, {} transaction conflicts; {} items hidden by index lag",
            n(&self.requests),
            self.faults(),
            n(&self.throttled),
            n(&self.server_errors),
            n(&self.late),
            n(&self.resets),
            n(&self.lost_answers),
            n(&self.conflicts),
            n(&self.hidden_by_lag),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// DynamoDB's `ThrottlingException`, S3's `SlowDown`.
    Throttle,
    /// A 500.
    ServerError,
    /// Applied after the SDK stopped waiting.
    Late,
    /// The connection closes before the request arrives.
    Reset,
    /// Applied, and the connection closes before the answer.
    LoseAnswer,
    /// Another transaction holds the item: a single-item write gets
    /// `TransactionConflictException`, a transaction is cancelled with a
    /// `TransactionConflict` reason. Nothing is applied. DynamoDB only.
    Conflict,
}

impl Fault {
    /// Every kind.
    pub const ALL: &'static [Fault] = &[
        Fault::Throttle,
        Fault::ServerError,
        Fault::Late,
        Fault::Reset,
        Fault::LoseAnswer,
        Fault::Conflict,
    ];
    /// What a network and an overloaded service do, without transaction conflicts.
    pub const NETWORK: &'static [Fault] = &[
        Fault::Throttle,
        Fault::ServerError,
        Fault::Late,
        Fault::Reset,
        Fault::LoseAnswer,
    ];
}

/// The DynamoDB operations a transaction conflict can refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    /// `PutItem`, `UpdateItem`, `DeleteItem`.
    SingleWrite,
    /// `TransactWriteItems`, `TransactGetItems`.
    Transaction,
    /// `Query` on an index.
    IndexQuery,
    Other,
}

impl Operation {
    fn of(service: Service, headers: &http::HeaderMap, body: &[u8]) -> Self {
        if service != Service::DynamoDb {
            return Self::Other;
        }
        let target = headers
            .get("x-amz-target")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("DynamoDB_20120810."));
        match target {
            Some("PutItem" | "UpdateItem" | "DeleteItem") => Self::SingleWrite,
            Some("TransactWriteItems" | "TransactGetItems") => Self::Transaction,
            Some("Query")
                if serde_json::from_slice::<Value>(body)
                    .is_ok_and(|request| request.get("IndexName").is_some()) =>
            {
                Self::IndexQuery
            }
            _ => Self::Other,
        }
    }

    fn writes(&self, headers: &http::HeaderMap) -> bool {
        matches!(self, Self::SingleWrite)
            || headers
                .get("x-amz-target")
                .is_some_and(|target| target == "DynamoDB_20120810.TransactWriteItems")
    }
}

struct Proxy {
    target: String,
    service: Service,
    plan: FaultPlan,
    client: reqwest::Client,
    counts: Arc<FaultCounts>,
    /// When each item (`pk`, `sk`) was last written through this proxy, while index lag
    /// is played.
    written: Mutex<HashMap<(String, String), Instant>>,
}

/// Starts a proxy for `target` on a loopback port; returns its URL.
pub async fn start(
    target: &str,
    service: Service,
    plan: FaultPlan,
    counts: Arc<FaultCounts>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<String, BoxError> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let proxy = Arc::new(Proxy {
        target: target.trim_end_matches('/').to_owned(),
        service,
        plan,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?,
        counts,
        written: Mutex::new(HashMap::new()),
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
    /// The fault this request meets, if any: one of the plan's kinds this operation can
    /// meet, at the plan's rate.
    fn draw(&self, operation: Operation) -> Option<Fault> {
        let [a, b, c] = natives_shared::random::random_bytes::<3>();
        let roll = f64::from(u16::from_le_bytes([a, b])) / f64::from(u16::MAX);
        if roll >= self.plan.rate {
            return None;
        }
        let possible: Vec<Fault> = self
            .plan
            .kinds
            .iter()
            .copied()
            .filter(|kind| {
                *kind != Fault::Conflict
                    || matches!(operation, Operation::SingleWrite | Operation::Transaction)
            })
            .collect();
        (!possible.is_empty()).then(|| possible[usize::from(c) % possible.len()])
    }

    async fn handle(
        &self,
        request: hyper::Request<Incoming>,
    ) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
        self.counts.requests.fetch_add(1, Ordering::Relaxed);
        let (parts, body) = request.into_parts();
        let count = |c: &AtomicU64| {
            c.fetch_add(1, Ordering::Relaxed);
        };
        // A reset comes before the request has arrived; the draw needs its operation.
        let body = body
            .collect()
            .await
            .map_err(|_| Dropped("the request did not arrive"))?
            .to_bytes();
        let operation = Operation::of(self.service, &parts.headers, &body);
        let fault = self.draw(operation);
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
            Some(Fault::Conflict) => {
                count(&self.counts.conflicts);
                return Ok(conflict(operation, &body));
            }
            _ => {}
        }
        if let Some(Fault::Late) = fault {
            count(&self.counts.late);
            // The request arrives (and is applied) after the SDK has stopped waiting.
            tokio::time::sleep(LATE_BY).await;
        }
        let writes = operation.writes(&parts.headers);
        let answer = self
            .forward(parts, body.clone())
            .await
            .map_err(|_| Dropped("the service did not answer"))?;
        let answer = match self.plan.index_lag {
            Some(lag) if answer.status().is_success() => {
                if writes {
                    self.remember_writes(&body);
                }
                if operation == Operation::IndexQuery {
                    self.lagging(answer, lag).await
                } else {
                    answer
                }
            }
            _ => answer,
        };
        if let Some(Fault::LoseAnswer) = fault {
            count(&self.counts.lost_answers);
            return Err(Dropped("answer lost"));
        }
        Ok(answer)
    }

    /// Notes the items a successful write request wrote.
    fn remember_writes(&self, request: &[u8]) {
        let Ok(request) = serde_json::from_slice::<Value>(request) else {
            return;
        };
        let now = Instant::now();
        let mut written = self.written.lock().expect("the written map");
        if let Some(lag) = self.plan.index_lag {
            written.retain(|_, at| now.duration_since(*at) < lag);
        }
        for key in written_keys(&request) {
            written.insert(key, now);
        }
    }

    /// `answer`, a `Query` page of an index, without the items written within `lag`.
    async fn lagging(
        &self,
        answer: hyper::Response<Full<Bytes>>,
        lag: Duration,
    ) -> hyper::Response<Full<Bytes>> {
        let (mut parts, body) = answer.into_parts();
        let bytes = body.collect().await.expect("a full body").to_bytes();
        let Ok(mut page) = serde_json::from_slice::<Value>(&bytes) else {
            return hyper::Response::from_parts(parts, Full::new(bytes));
        };
        let now = Instant::now();
        let recent = |item: &Value| {
            item_key(item).is_some_and(|key| {
                self.written
                    .lock()
                    .expect("the written map")
                    .get(&key)
                    .is_some_and(|at| now.duration_since(*at) < lag)
            })
        };
        let Some(items) = page.get_mut("Items").and_then(Value::as_array_mut) else {
            return hyper::Response::from_parts(parts, Full::new(bytes));
        };
        let before = items.len();
        items.retain(|item| !recent(item));
        let hidden = before - items.len();
        if hidden == 0 {
            return hyper::Response::from_parts(parts, Full::new(bytes));
        }
        self.counts
            .hidden_by_lag
            .fetch_add(hidden as u64, Ordering::Relaxed);
        let kept = items.len();
        page["Count"] = json!(kept);
        let body = Bytes::from(serde_json::to_vec(&page).expect("JSON"));
        // The body changed: its length and checksum are the new one's.
        parts.headers.remove(http::header::CONTENT_LENGTH);
        parts.headers.remove("x-amz-crc32");
        hyper::Response::from_parts(parts, Full::new(body))
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

/// The key (`pk`, `sk`) of an item in DynamoDB's JSON.
fn item_key(item: &Value) -> Option<(String, String)> {
    Some((
        item.get("pk")?.get("S")?.as_str()?.to_owned(),
        item.get("sk")?.get("S")?.as_str()?.to_owned(),
    ))
}

/// The keys of the items a `PutItem`, `UpdateItem`, `DeleteItem` or `TransactWriteItems`
/// request writes.
fn written_keys(request: &Value) -> Vec<(String, String)> {
    let single = |request: &Value| {
        request
            .get("Item")
            .or_else(|| request.get("Key"))
            .and_then(item_key)
    };
    match request.get("TransactItems").and_then(Value::as_array) {
        Some(parts) => parts
            .iter()
            .filter_map(|part| {
                ["Put", "Update", "Delete"]
                    .iter()
                    .find_map(|kind| part.get(*kind))
                    .and_then(single)
            })
            .collect(),
        None => single(request).into_iter().collect(),
    }
}

/// DynamoDB's answer when another transaction holds an item `request` touches: for a
/// single-item write `TransactionConflictException`; for a transaction, cancelled, with
/// one part's reason `TransactionConflict` and the others `None`.
fn conflict(operation: Operation, request: &[u8]) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(400)
        .header("content-type", "application/x-amz-json-1.0")
        .body(Full::new(Bytes::from(
            conflict_body(operation, request).to_string(),
        )))
        .expect("an error answer is well-formed")
}

fn conflict_body(operation: Operation, request: &[u8]) -> Value {
    const TYPE: &str = "com.amazonaws.dynamodb.v20120810#";
    if operation == Operation::Transaction {
        let parts = serde_json::from_slice::<Value>(request)
            .ok()
            .and_then(|request| request["TransactItems"].as_array().map(Vec::len))
            .unwrap_or(1)
            .max(1);
        let [pick] = natives_shared::random::random_bytes::<1>();
        let conflicting = usize::from(pick) % parts;
        let reasons: Vec<Value> = (0..parts)
            .map(|part| {
                if part == conflicting {
                    json!({ "Code": "TransactionConflict", "Message": "Transaction is ongoing for the item" })
                } else {
                    json!({ "Code": "None" })
                }
            })
            .collect();
        let codes: Vec<&str> = reasons
            .iter()
            .map(|reason| reason["Code"].as_str().unwrap_or_default())
            .collect();
        json!({
            "__type": format!("{TYPE}TransactionCanceledException"),
            "Message": format!(
                "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
                codes.join(", ")
            ),
            "CancellationReasons": reasons,
        })
    } else {
        json!({
            "__type": format!("{TYPE}TransactionConflictException"),
            "message": "Transaction is ongoing for the item",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_a_write_writes_are_read_from_each_kind_of_request() {
        let key = |pk: &str| json!({ "pk": { "S": pk }, "sk": { "S": "S" } });
        assert_eq!(
            written_keys(&json!({ "Item": key("A") })),
            [("A".to_owned(), "S".to_owned())]
        );
        assert_eq!(
            written_keys(&json!({ "Key": key("B"), "UpdateExpression": "SET x = :x" })),
            [("B".to_owned(), "S".to_owned())]
        );
        let transaction = json!({ "TransactItems": [
            { "Put": { "Item": key("C") } },
            { "ConditionCheck": { "Key": key("D") } },
            { "Update": { "Key": key("E") } },
            { "Delete": { "Key": key("F") } },
        ] });
        let keys: Vec<String> = written_keys(&transaction)
            .into_iter()
            .map(|(pk, _)| pk)
            .collect();
        assert_eq!(keys, ["C", "E", "F"], "a condition check writes nothing");
    }

    #[test]
    fn a_cancelled_transaction_has_one_reason_per_part_one_of_them_a_conflict() {
        let body = conflict_body(
            Operation::Transaction,
            br#"{"TransactItems":[{"Put":{}},{"Update":{}},{"Delete":{}}]}"#,
        );
        let codes: Vec<&str> = body["CancellationReasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|reason| reason["Code"].as_str().unwrap())
            .collect();
        assert_eq!(codes.len(), 3);
        assert_eq!(
            codes
                .iter()
                .filter(|code| **code == "TransactionConflict")
                .count(),
            1
        );
        assert_eq!(codes.iter().filter(|code| **code == "None").count(), 2);
        let single = conflict_body(Operation::SingleWrite, b"{}");
        assert!(
            single["__type"]
                .as_str()
                .unwrap()
                .ends_with("#TransactionConflictException")
        );
    }
}

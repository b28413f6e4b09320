//! Counting the DynamoDB requests one piece of work makes: each route has a budget
//! (see docs/performance.md), and the local stack reports the count per request, and
//! which operations they were. Each request is also read the way IAM reads it (the
//! item actions it authorises and their partition keys), so tests can hold what a
//! function touches to the `dynamodb:LeadingKeys` its row grants.

use std::future::Future;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use serde_json::Value;

tokio::task_local! {
    static REQUESTS: Arc<Mutex<Requests>>;
}

/// An SDK interceptor that records every HTTP attempt (retries included) made inside
/// [`count_requests`], by operation name. Outside it, it does nothing.
#[derive(Debug)]
pub(crate) struct RequestMeter;

impl Intercept for RequestMeter {
    fn name(&self) -> &'static str {
        "RequestMeter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // DynamoDB names the operation in `X-Amz-Target: DynamoDB_20120810.GetItem`.
        let operation = context
            .request()
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or("unknown")
            .to_owned();
        let _ = REQUESTS.try_with(|requests| {
            let accesses = context
                .request()
                .body()
                .bytes()
                .and_then(|body| serde_json::from_slice::<Value>(body).ok())
                .map(|body| key_accesses(&operation, &body))
                .unwrap_or_default();
            let mut requests = requests.lock().expect("the meter's lock is never poisoned");
            requests.operations.push(operation);
            requests.accesses.extend(accesses);
        });
        Ok(())
    }
}

/// The DynamoDB requests some work sent, in order, by operation name (`GetItem`…), and
/// every item action they carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requests {
    pub operations: Vec<String>,
    pub accesses: Vec<KeyAccess>,
}

impl Requests {
    pub fn count(&self) -> u32 {
        u32::try_from(self.operations.len()).unwrap_or(u32::MAX)
    }
}

/// One item action of a request as IAM authorises it: `TransactWriteItems` is
/// authorised per part (`dynamodb:PutItem`, `dynamodb:ConditionCheckItem`…),
/// `BatchGetItem` and `TransactGetItems` per key as `dynamodb:GetItem`, with the part's
/// partition key as `dynamodb:LeadingKeys` (for a query on an index, the index's).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyAccess {
    /// The IAM action, e.g. `dynamodb:GetItem`.
    pub action: String,
    /// The index a query read, if not the table.
    pub index: Option<String>,
    /// The partition key value; none for a scan.
    pub leading_key: Option<String>,
}

fn key_accesses(operation: &str, body: &Value) -> Vec<KeyAccess> {
    let access = |action: &str, index: Option<String>, leading_key: Option<String>| KeyAccess {
        action: format!("dynamodb:{action}"),
        index,
        leading_key,
    };
    let pk = |item: &Value| item["pk"]["S"].as_str().map(str::to_owned);
    let items = |value: &Value| value.as_array().cloned().unwrap_or_default();
    match operation {
        "GetItem" | "UpdateItem" | "DeleteItem" => vec![access(operation, None, pk(&body["Key"]))],
        "PutItem" => vec![access(operation, None, pk(&body["Item"]))],
        "Query" => vec![access(
            operation,
            body["IndexName"].as_str().map(str::to_owned),
            query_partition(body),
        )],
        "Scan" => vec![access(operation, None, None)],
        // `BatchGetItem` is authorised as itself, per key.
        "BatchGetItem" => body["RequestItems"]
            .as_object()
            .into_iter()
            .flat_map(|tables| tables.values())
            .flat_map(|table| items(&table["Keys"]))
            .map(|key| access(operation, None, pk(&key)))
            .collect(),
        "TransactGetItems" => items(&body["TransactItems"])
            .iter()
            .map(|part| access("GetItem", None, pk(&part["Get"]["Key"])))
            .collect(),
        "TransactWriteItems" => items(&body["TransactItems"])
            .iter()
            .filter_map(|part| {
                let (action, key) = [
                    ("PutItem", "Put", "Item"),
                    ("UpdateItem", "Update", "Key"),
                    ("DeleteItem", "Delete", "Key"),
                    ("ConditionCheckItem", "ConditionCheck", "Key"),
                ]
                .into_iter()
                .find_map(|(action, part_name, key)| {
                    part.get(part_name).map(|p| (action, pk(&p[key])))
                })?;
                Some(access(action, None, key))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The partition key value a query's key condition names (`pk = :v`, `gsi1pk = :v`, or
/// through an attribute name placeholder).
fn query_partition(body: &Value) -> Option<String> {
    let condition = body["KeyConditionExpression"].as_str()?;
    condition.split(" AND ").find_map(|clause| {
        let (name, value) = clause.split_once('=')?;
        let name = name.trim();
        let name = match name.strip_prefix('#') {
            Some(_) => body["ExpressionAttributeNames"][name].as_str()?,
            None => name,
        };
        if name != "pk" && name != "gsi1pk" {
            return None;
        }
        body["ExpressionAttributeValues"][value.trim()]["S"]
            .as_str()
            .map(str::to_owned)
    })
}

/// Runs `work` and tells which DynamoDB requests it sent.
pub async fn count_requests<F: Future>(work: F) -> (F::Output, Requests) {
    let requests = Arc::new(Mutex::new(Requests::default()));
    let output = REQUESTS.scope(requests.clone(), work).await;
    let sent = std::mem::take(&mut *requests.lock().expect("not poisoned"));
    (output, sent)
}

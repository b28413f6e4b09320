//! The DynamoDB adapter. Every key is built in [`keys`]; invariants live in condition
//! expressions, not in read-then-write code; transactions name their parts
//! ([`transaction`]) so a refusal becomes a named outcome.

mod accounts;
mod audit;
mod conversation_reads;
mod conversations;
mod credits;
mod erasure;
mod export;
pub(crate) mod expr;
mod idempotency;
pub mod keys;
mod ledger;
mod metering;
mod moderation;
mod outbox;
pub mod ownership;
mod privacy;
mod schema;
mod sessions;
pub(crate) mod transaction;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, Get, TransactGetItem};
use std::collections::HashMap;

pub use accounts::{AccountChange, CreateAccountError, FirstAdminOutcome, ProfileChanges};
pub use audit::AuditEntry;
pub use conversation_reads::{MessagePage, ThreadPage};
pub use conversations::{
    EditOutcome, NewPost, NewThread, PostAnswer, PostContent, PostOutcome, Posted, UploadClaim,
};
pub use credits::{
    CheckoutPayment, CheckoutRecorded, CheckoutSettlement, CreditGrant, GrantAnswer, GrantOutcome,
};
pub use erasure::{ErasureOutcome, ErasurePlan, FORMER_MEMBER, erased_email};
pub use export::{EXPORT_FORMAT, EXPORT_FORMAT_VERSION, ExportContext, export_document};
pub use idempotency::{IDEMPOTENCY_SECONDS, IdempotentRequest, Remembered, Replay, StoredAnswer};
pub use ledger::LedgerCursor;
pub use metering::{KeyAccess, Requests, count_requests};
pub use moderation::{AccountAction, ActionTaken, ComplaintFiled, NewComplaint, ReviewItem};
pub use outbox::{CLAIM_TIMEOUT_SECONDS, Delivery, QueueRefusal};
pub use privacy::{RequestStep, RequestStepOutcome};
pub use schema::ensure_table;
pub use sessions::{RefreshRecord, RotateError, SessionFamily};

use aws_sdk_dynamodb::config::http::HttpResponse;
use keys::{IndexKey, Key};

pub type Item = HashMap<String, AttributeValue>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("dynamodb request failed: {0}")]
    Backend(String),
    /// Throttled, timed out, unreachable or a 5xx that outlasted the SDK's retries:
    /// nothing was (knowingly) written, and trying again later may succeed.
    #[error("dynamodb unavailable: {0}")]
    Unavailable(String),
    #[error("stored item does not parse: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// An SDK error, told apart: what a later retry may fix, and what it will not.
    pub(crate) fn backend<E>(error: aws_sdk_dynamodb::error::SdkError<E, HttpResponse>) -> Self
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
    {
        if is_transient(&error) {
            Self::Unavailable(error_chain(&error))
        } else {
            Self::Backend(error_chain(&error))
        }
    }
}

/// Whether an SDK error is one a retry may fix: the request did not get a clear answer
/// (timeout, connection failure, an unreadable response), or the service said it is
/// overloaded or failing (throttling, 5xx).
pub(crate) fn is_transient<E>(error: &aws_sdk_dynamodb::error::SdkError<E, HttpResponse>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    use aws_sdk_dynamodb::error::SdkError;
    match error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(service) => {
            let throttled = matches!(
                service.err().code(),
                Some(
                    "ThrottlingException"
                        | "ProvisionedThroughputExceededException"
                        | "RequestLimitExceeded"
                        | "InternalServerError"
                        | "ServiceUnavailable"
                        | "TransactionInProgressException"
                        | "SlowDown"
                )
            );
            throttled || service.raw().status().as_u16() >= 500
        }
        _ => false,
    }
}

/// An error and its sources, one line: the SDK's Display is terse, the source chain
/// carries the service's message.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[derive(Clone)]
pub struct Store {
    client: Client,
    table: String,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// A store on the DynamoDB endpoint `sdk` points at.
    pub fn connect(sdk: &aws_config::SdkConfig, table: &str) -> Self {
        let config = aws_sdk_dynamodb::config::Builder::from(sdk)
            .interceptor(metering::RequestMeter)
            .build();
        Self::new(Client::from_conf(config), table)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// The item at `key` as a `T` (consistent read).
    async fn get_as<T: serde::de::DeserializeOwned>(
        &self,
        key: Key,
    ) -> Result<Option<T>, StoreError> {
        self.get(key).await?.map(from_item).transpose()
    }

    /// The items at two keys, in one consistent read (`TransactGetItems`).
    async fn get_two(
        &self,
        first: Key,
        second: Key,
    ) -> Result<(Option<Item>, Option<Item>), StoreError> {
        let get = |key: &Key| {
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name(&self.table)
                        .set_key(Some(key_item(key)))
                        .build()
                        .expect("a get with table and key"),
                )
                .build()
        };
        let output = self
            .client
            .transact_get_items()
            .transact_items(get(&first))
            .transact_items(get(&second))
            .send()
            .await
            .map_err(StoreError::backend)?;
        let mut items = output
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|response| response.item);
        Ok((items.next().flatten(), items.next().flatten()))
    }

    /// Every item of one key value (of the table, or of `index`), every page.
    pub(crate) async fn query_all(
        &self,
        key_attribute: &str,
        value: &str,
        index: Option<&str>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(str::to_owned))
                // The table's own key reads consistently (an index cannot).
                .set_consistent_read(index.is_none().then_some(true))
                .key_condition_expression("#key = :value")
                .expression_attribute_names("#key", key_attribute)
                .expression_attribute_values(":value", s(value))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::backend)?;
            items.extend(page.items.unwrap_or_default());
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(items),
            }
        }
    }

    async fn get(&self, key: Key) -> Result<Option<Item>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::backend)?;
        Ok(output.item)
    }
}

/// The key attributes of `key`, as a request names an item.
pub(crate) fn key_item(key: &Key) -> Item {
    Item::from([("pk".to_owned(), s(&key.pk)), ("sk".to_owned(), s(&key.sk))])
}

/// An item from a serialisable value plus its key.
pub(crate) fn to_item(value: &impl serde::Serialize, key: Key) -> Item {
    let mut item: Item = serde_dynamo::to_item(value).expect("domain values serialise to items");
    item.extend(key_item(&key));
    item
}

/// `item`, also found in `gsi1` under `index`.
pub(crate) fn indexed(mut item: Item, index: IndexKey) -> Item {
    item.insert("gsi1pk".into(), s(index.gsi1pk));
    item.insert("gsi1sk".into(), s(index.gsi1sk));
    item
}

pub(crate) fn from_item<T: serde::de::DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub(crate) fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A single-item write whose refused condition means there was nothing to do.
pub(crate) fn done_unless_failed<T, E>(
    result: Result<T, aws_sdk_dynamodb::error::SdkError<E, HttpResponse>>,
) -> Result<(), StoreError>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(_) => Ok(()),
        Err(error) if condition_failed(&error) => Ok(()),
        Err(error) => Err(StoreError::backend(error)),
    }
}

/// Whether a single-item write was refused by its condition.
pub(crate) fn condition_failed<E, R>(error: &aws_sdk_dynamodb::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    error
        .as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

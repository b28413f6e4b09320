//! The DynamoDB adapter. Every key is built in [`keys`]; invariants live in condition
//! expressions, not in read-then-write code; transactions name their parts
//! ([`transaction`]) so a refusal becomes a named outcome.

mod account_writes;
mod accounts;
pub(crate) mod admission;
mod audit;
mod company;
mod conversation_reads;
mod conversations;
mod corrections;
mod credits;
mod email_codes;
mod erasure;
mod export;
pub(crate) mod expr;
mod idempotency;
mod invitations;
mod invoices;
pub mod keys;
mod ledger;
mod live;
mod metering;
mod moderation;
mod outbox;
pub mod ownership;
mod privacy;
mod progress;
mod recording_destruction;
pub(crate) mod retry;
mod schema;
mod sessions;
mod social;
pub(crate) mod transaction;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, Get, KeysAndAttributes, TransactGetItem};
use std::collections::{BTreeSet, HashMap};

pub use accounts::FirstAdminOutcome;
pub use company::{ListedCompany, is_company_cursor};
pub use conversation_reads::{MessagePage, ThreadPage};
pub use conversations::{PostAnswer, UploadClaim};
pub use corrections::CorrectionAnswer;
pub use credits::{CheckoutOf, CheckoutRecorded, GrantAnswer};
pub use erasure::{AccountItems, ErasureOutcome};
pub use export::export_document;
pub use idempotency::Remembered;
pub use invitations::{ListedInvitation, is_invitation_cursor};
pub use invoices::{InvoicePage, is_invoice_cursor};
pub use keys::{StreamedItem, streamed_item};
pub use ledger::LedgerCursor;
pub use live::live_change;
pub use metering::{KeyAccess, Requests, count_requests};
pub use moderation::ReviewItem;
pub use privacy::{is_notification_cursor, is_privacy_queue_cursor};
pub use progress::{CountReport, CountedPost, counted_post};
pub use schema::ensure_table;
pub use sessions::RotateError;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::operation::transact_get_items::TransactGetItemsError;
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
    /// Another transaction was writing the same items (DynamoDB's
    /// `TransactionConflictException`, or a transaction cancelled for a
    /// `TransactionConflict`): nothing was written. A write reads and decides again; what
    /// still conflicts is answered like an unavailable store.
    #[error("dynamodb transaction conflict: {0}")]
    Conflict(String),
    #[error("stored item does not parse: {0}")]
    Corrupt(String),
}

/// How an operation of the store ends when it does not do what was asked: the refusal
/// its decision (or the gate) came to, or a failure of the store itself. Each operation
/// names its refusal type; `crate::http::ApiError` maps every one, in one place.
#[derive(Debug)]
pub enum Failure<R> {
    Refused(R),
    Store(StoreError),
}

impl<R> From<StoreError> for Failure<R> {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl<R: std::fmt::Debug> std::fmt::Display for Failure<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(refusal) => write!(f, "refused: {refusal:?}"),
            Self::Store(error) => error.fmt(f),
        }
    }
}

impl<R: std::fmt::Debug> std::error::Error for Failure<R> {}

/// A write no decision refuses fails only as the store does.
impl From<Failure<std::convert::Infallible>> for StoreError {
    fn from(failure: Failure<std::convert::Infallible>) -> Self {
        match failure {
            Failure::Store(error) => error,
            Failure::Refused(never) => match never {},
        }
    }
}

impl<R> Failure<R> {
    /// The refusal, if it was one (tests).
    pub fn refusal(self) -> Option<R> {
        match self {
            Self::Refused(refusal) => Some(refusal),
            Self::Store(_) => None,
        }
    }
}

impl StoreError {
    /// An SDK error, told apart: what a later retry may fix, and what it will not.
    pub(crate) fn backend<E>(error: aws_sdk_dynamodb::error::SdkError<E, HttpResponse>) -> Self
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
    {
        if is_conflict(&error) {
            Self::Conflict(error_chain(&error))
        } else if is_transient(&error) {
            Self::Unavailable(error_chain(&error))
        } else {
            Self::Backend(error_chain(&error))
        }
    }
}

/// A `TransactGetItems` that failed: cancelled because a transaction was writing one of
/// its items is a conflict (read again), anything else as [`StoreError::backend`].
fn transact_get_failure(
    error: aws_sdk_dynamodb::error::SdkError<TransactGetItemsError, HttpResponse>,
) -> StoreError {
    let cancelled_by_conflict = matches!(
        error.as_service_error(),
        Some(TransactGetItemsError::TransactionCanceledException(cancelled))
            if cancelled.cancellation_reasons().iter()
                .any(|reason| reason.code() == Some("TransactionConflict"))
    );
    if cancelled_by_conflict {
        StoreError::Conflict(error_chain(&error))
    } else {
        StoreError::backend(error)
    }
}

/// Whether DynamoDB refused a single-item write because a transaction was writing the
/// same item. Neither the SDK's standard retry nor [`is_transient`] counts it: the store
/// decides again instead ([`retry::Attempt::Raced`]).
pub(crate) fn is_conflict<E>(error: &aws_sdk_dynamodb::error::SdkError<E, HttpResponse>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    error
        .as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "TransactionConflictException")
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
    /// How long a write may take to reach the index ([`crate::config::Settings::index_settle`]).
    index_settle: std::time::Duration,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            index_settle: std::time::Duration::from_secs(1),
        }
    }

    /// This store, trusting a write to reach the index within `settle`.
    pub fn with_index_settle(mut self, settle: std::time::Duration) -> Self {
        self.index_settle = settle;
        self
    }

    pub fn index_settle(&self) -> std::time::Duration {
        self.index_settle
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
        let [first, second] = self.get_together([first, second]).await?;
        Ok((first, second))
    }

    /// The items at `N` keys (up to 100), in one consistent read (`TransactGetItems`).
    async fn get_together<const N: usize>(
        &self,
        keys: [Key; N],
    ) -> Result<[Option<Item>; N], StoreError> {
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
            .set_transact_items(Some(keys.iter().map(get).collect()))
            .send()
            .await
            .map_err(transact_get_failure)?;
        let mut items = output
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|response| response.item);
        Ok(std::array::from_fn(|_| items.next().flatten()))
    }

    /// Every item of one key value (of the table, or of `index`), every page.
    pub(crate) async fn query_all(
        &self,
        key_attribute: &str,
        value: &str,
        index: Option<&str>,
    ) -> Result<Vec<Item>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(str::to_owned))
            // The table's own key reads consistently (an index cannot).
            .set_consistent_read(index.is_none().then_some(true))
            .key_condition_expression("#key = :value")
            .expression_attribute_names("#key", key_attribute)
            .expression_attribute_values(":value", s(value));
        self.every_page(query).await
    }

    /// Every item `query` finds, page after page.
    pub(crate) async fn every_page(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = query
                .clone()
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

    /// The items at `keys`, in any order, in as few `BatchGetItem` requests as there are
    /// hundreds of distinct keys: a key named twice is asked once (DynamoDB refuses a
    /// batch that names one key twice), and every key DynamoDB did not get to is asked
    /// again until it has answered.
    pub(crate) async fn batch_get(
        &self,
        keys: impl IntoIterator<Item = Key>,
        projection: Option<&Projection>,
        consistent: bool,
    ) -> Result<Vec<Item>, StoreError> {
        let mut pending: Vec<Item> = distinct(keys).iter().map(key_item).collect();
        let mut found = Vec::new();
        while !pending.is_empty() {
            let batch: Vec<Item> = pending
                .drain(..pending.len().min(BATCH_GET_LIMIT))
                .collect();
            let mut request = KeysAndAttributes::builder()
                .set_keys(Some(batch))
                .consistent_read(consistent);
            if let Some(projection) = projection {
                request = request.projection_expression(projection.expression);
                for (placeholder, attribute) in projection.names {
                    request = request.expression_attribute_names(*placeholder, *attribute);
                }
            }
            let output = self
                .client
                .batch_get_item()
                .request_items(&self.table, request.build().expect("keys"))
                .send()
                .await
                .map_err(StoreError::backend)?;
            found.extend(
                output
                    .responses
                    .unwrap_or_default()
                    .remove(&self.table)
                    .unwrap_or_default(),
            );
            // Keys DynamoDB did not get to this time: ask again.
            if let Some(unprocessed) = output
                .unprocessed_keys
                .and_then(|mut u| u.remove(&self.table))
            {
                pending.extend(unprocessed.keys().iter().cloned());
            }
        }
        Ok(found)
    }

    /// One `UpdateItem` of the item at `key` on `condition` (which carries the
    /// expression's placeholders too): the item as written, or `None` when the condition
    /// refused it (nothing was written).
    pub(crate) async fn update_returning<T: serde::de::DeserializeOwned>(
        &self,
        key: Key,
        expression: &str,
        condition: expr::Condition,
    ) -> Result<Option<T>, StoreError> {
        use expr::WithPlaceholders;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&key)))
            .update_expression(expression)
            .condition_expression(condition.text())
            .placeholders(&condition.placeholders)
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let item = output
                    .attributes
                    .ok_or_else(|| StoreError::Corrupt("an update returned nothing".into()))?;
                Ok(Some(from_item(item)?))
            }
            Err(error) if condition_failed(&error) => Ok(None),
            Err(error) => Err(StoreError::backend(error)),
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

/// The most keys one `BatchGetItem` may name.
const BATCH_GET_LIMIT: usize = 100;

/// `keys` without repeats, compared by value.
fn distinct(keys: impl IntoIterator<Item = Key>) -> Vec<Key> {
    keys.into_iter()
        .collect::<BTreeSet<Key>>()
        .into_iter()
        .collect()
}

/// Which attributes a batch read returns, and the attribute names its expression uses.
pub(crate) struct Projection {
    pub expression: &'static str,
    pub names: &'static [(&'static str, &'static str)],
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

/// A domain value (a status, a list, a record) as an attribute value.
pub(crate) fn value(value: &impl serde::Serialize) -> AttributeValue {
    serde_dynamo::to_attribute_value(value).expect("domain values serialise")
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::{ErrorMetadata, SdkError};
    use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
    use aws_sdk_dynamodb::types::CancellationReason;
    use aws_sdk_dynamodb::types::error::TransactionCanceledException;
    use aws_smithy_types::body::SdkBody;

    fn answered<E>(error: E) -> SdkError<E, HttpResponse> {
        let status = aws_smithy_runtime_api::http::StatusCode::try_from(400).unwrap();
        SdkError::service_error(error, HttpResponse::new(status, SdkBody::empty()))
    }

    fn single_write_refused(code: &str) -> SdkError<UpdateItemError, HttpResponse> {
        answered(UpdateItemError::generic(
            ErrorMetadata::builder().code(code).build(),
        ))
    }

    fn transact_get_cancelled(reasons: &[&str]) -> SdkError<TransactGetItemsError, HttpResponse> {
        let mut cancelled = TransactionCanceledException::builder();
        for code in reasons {
            cancelled =
                cancelled.cancellation_reasons(CancellationReason::builder().code(*code).build());
        }
        answered(TransactGetItemsError::TransactionCanceledException(
            cancelled.build(),
        ))
    }

    #[test]
    fn a_single_item_write_refused_for_a_transaction_in_flight_is_a_conflict_a_write_retries() {
        let error = StoreError::backend(single_write_refused("TransactionConflictException"));
        assert!(matches!(error, StoreError::Conflict(_)), "{error:?}");
        assert!(matches!(
            retry::Attempt::<()>::from(error),
            retry::Attempt::Raced
        ));
    }

    #[test]
    fn a_transactional_read_cancelled_by_a_conflict_is_a_conflict_and_other_cancellations_are_not()
    {
        let conflict =
            transact_get_failure(transact_get_cancelled(&["None", "TransactionConflict"]));
        assert!(matches!(conflict, StoreError::Conflict(_)), "{conflict:?}");
        let other = transact_get_failure(transact_get_cancelled(&["None", "ValidationError"]));
        assert!(matches!(other, StoreError::Backend(_)), "{other:?}");
    }

    #[test]
    fn throttling_is_unavailable_and_a_refused_condition_neither_conflict_nor_unavailable() {
        let throttled = StoreError::backend(single_write_refused("ThrottlingException"));
        assert!(
            matches!(throttled, StoreError::Unavailable(_)),
            "{throttled:?}"
        );
        let refused = StoreError::backend(single_write_refused("ConditionalCheckFailedException"));
        assert!(matches!(refused, StoreError::Backend(_)), "{refused:?}");
    }

    #[test]
    fn a_conflict_that_outlasts_the_retries_is_answered_503_with_retry_after() {
        let answer = crate::http::ApiError::from(StoreError::Conflict("in flight".into()));
        assert_eq!(answer.status(), 503);
    }

    #[test]
    fn a_batch_names_each_key_once_however_often_it_is_asked_for() {
        let ada = crate::domain::AccountId::new();
        let bob = crate::domain::AccountId::new();
        let asked = [
            keys::account(&ada),
            keys::account(&bob),
            keys::account(&ada),
            keys::account(&ada),
        ];
        let keys = distinct(asked);
        assert_eq!(keys.len(), 2);
        assert!(keys.contains(&keys::account(&ada)) && keys.contains(&keys::account(&bob)));
    }
}

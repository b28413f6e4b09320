//! The DynamoDB adapter. Every key is built in [`keys`]; invariants live in condition
//! expressions, not in read-then-write code.

mod accounts;
mod audit;
mod credits;
pub mod keys;
mod ledger;
mod metering;
mod schema;
mod sessions;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

pub use accounts::{CreateAccountError, ProfileChanges};
pub use audit::AuditEntry;
pub use credits::CheckoutSettlement;
pub use ledger::{BalanceChange, BalanceOutcome, Basis, LedgerCursor};
pub use metering::count_requests;
pub use schema::ensure_table;
pub use sessions::{RefreshRecord, RotateError, SessionFamily};

pub type Item = HashMap<String, AttributeValue>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("dynamodb request failed: {0}")]
    Backend(String),
    #[error("stored item does not parse: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn backend(error: impl std::error::Error) -> Self {
        // The SDK's Display is terse; the source chain carries the service's message.
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Self::Backend(message)
    }
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
        key: (String, String),
    ) -> Result<Option<T>, StoreError> {
        self.get(key).await?.map(from_item).transpose()
    }

    async fn get(&self, (pk, sk): (String, String)) -> Result<Option<Item>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(pk))
            .key("sk", AttributeValue::S(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::backend)?;
        Ok(output.item)
    }
}

/// A transaction write that creates `item` and fails if it exists.
pub(crate) fn put_if_absent(table: &str, item: Item) -> aws_sdk_dynamodb::types::TransactWriteItem {
    aws_sdk_dynamodb::types::TransactWriteItem::builder()
        .put(
            aws_sdk_dynamodb::types::Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .expect("a put with table and item"),
        )
        .build()
}

/// The reason code of each item of a cancelled transaction ("None" where it was fine).
pub(crate) fn cancellation_codes<R>(
    error: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
        R,
    >,
) -> Option<Vec<String>> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    match error.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => Some(
            cancelled
                .cancellation_reasons()
                .iter()
                .map(|r| r.code().unwrap_or("None").to_owned())
                .collect(),
        ),
        _ => None,
    }
}

/// A transaction refused because another one touched the same items at the same time.
pub(crate) fn is_transaction_conflict<R>(
    error: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
        R,
    >,
) -> bool {
    use aws_sdk_dynamodb::error::ProvideErrorMetadata;
    error
        .as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| {
            code == "TransactionConflictException" || code == "TransactionInProgressException"
        })
}

/// An item from a serialisable value plus its keys.
pub(crate) fn to_item(value: &impl serde::Serialize, (pk, sk): (String, String)) -> Item {
    let mut item: Item = serde_dynamo::to_item(value).expect("domain values serialise to items");
    item.insert("pk".into(), AttributeValue::S(pk));
    item.insert("sk".into(), AttributeValue::S(sk));
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

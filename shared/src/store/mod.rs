//! The DynamoDB adapter. Every key is built in [`keys`]; invariants live in condition
//! expressions, not in read-then-write code; transactions name their parts
//! ([`transaction`]) so a refusal becomes a named outcome.

mod accounts;
mod audit;
mod credits;
pub(crate) mod expr;
pub mod keys;
mod ledger;
mod metering;
pub mod ownership;
mod schema;
mod sessions;
pub(crate) mod transaction;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, Get, TransactGetItem};
use std::collections::HashMap;

pub use accounts::{AccountChange, CreateAccountError, FirstAdminOutcome, ProfileChanges};
pub use audit::AuditEntry;
pub use credits::{CheckoutSettlement, GrantOutcome, SpendOutcome};
pub use ledger::LedgerCursor;
pub use metering::count_requests;
pub use schema::ensure_table;
pub use sessions::{RefreshRecord, RotateError, SessionFamily};

use keys::{IndexKey, Key};

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
        Self::Backend(error_chain(&error))
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
    async fn query_all(
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

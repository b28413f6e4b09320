//! Transactions whose parts have names, so that a cancelled transaction says which
//! part refused, instead of callers decoding reasons by position.

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, TransactWriteItem, Update};

use super::expr::{Condition, WithPlaceholders};
use super::{Item, Store, StoreError};

pub(crate) struct Transaction<P> {
    parts: Vec<(P, TransactWriteItem)>,
}

#[derive(Debug)]
pub(crate) enum TransactionError<P> {
    /// These parts' conditions did not hold (nothing was written).
    Refused(Vec<P>),
    /// Another transaction was writing the same items at the same moment; nothing was
    /// written and trying again may succeed.
    Conflict,
    Store(StoreError),
}

impl<P: Copy + PartialEq + std::fmt::Debug> TransactionError<P> {
    pub(crate) fn refused(&self, part: P) -> bool {
        matches!(self, Self::Refused(parts) if parts.contains(&part))
    }
}

impl<P: Copy + PartialEq + std::fmt::Debug> Transaction<P> {
    pub(crate) fn new() -> Self {
        Self { parts: Vec::new() }
    }

    pub(crate) fn part(mut self, name: P, item: TransactWriteItem) -> Self {
        self.parts.push((name, item));
        self
    }

    pub(crate) fn parts(mut self, parts: impl IntoIterator<Item = (P, TransactWriteItem)>) -> Self {
        self.parts.extend(parts);
        self
    }

    pub(crate) async fn commit(self, store: &Store) -> Result<(), TransactionError<P>> {
        let names: Vec<P> = self.parts.iter().map(|(name, _)| *name).collect();
        // The SDK sends the same token when it retries this call (a timeout, a lost
        // answer): DynamoDB then applies the transaction once. A new call, a new token.
        let token = crate::ids::new_id();
        let result = store
            .client
            .transact_write_items()
            .client_request_token(token)
            .set_transact_items(Some(self.parts.into_iter().map(|(_, item)| item).collect()))
            .send()
            .await;
        let Err(error) = result else {
            return Ok(());
        };
        let Some(service) = error.as_service_error() else {
            return Err(TransactionError::Store(StoreError::backend(error)));
        };
        if let TransactWriteItemsError::TransactionCanceledException(cancelled) = service {
            let codes: Vec<&str> = cancelled
                .cancellation_reasons()
                .iter()
                .map(|reason| reason.code().unwrap_or("None"))
                .collect();
            let refused: Vec<P> = names
                .iter()
                .zip(&codes)
                .filter(|(_, code)| **code == "ConditionalCheckFailed")
                .map(|(name, _)| *name)
                .collect();
            if !refused.is_empty() {
                return Err(TransactionError::Refused(refused));
            }
            if codes.contains(&"TransactionConflict") {
                return Err(TransactionError::Conflict);
            }
        }
        match service.code() {
            Some("TransactionConflictException" | "TransactionInProgressException") => {
                Err(TransactionError::Conflict)
            }
            _ => Err(TransactionError::Store(StoreError::backend(error))),
        }
    }
}

/// A transaction that did not commit, as an attempt of a write sees it: a refused
/// condition or a conflict lost a race (read and decide again); a store failure stops.
impl<P, R> From<TransactionError<P>> for super::retry::Attempt<R> {
    fn from(error: TransactionError<P>) -> Self {
        match error {
            TransactionError::Refused(_) | TransactionError::Conflict => Self::Raced,
            TransactionError::Store(error) => Self::Store(error),
        }
    }
}

/// A transaction that was not expected to be refused, as a store failure: a conflict stays
/// a conflict (answered as unavailable), an unexpected refusal is a fault of ours.
impl<P: std::fmt::Debug> From<TransactionError<P>> for StoreError {
    fn from(error: TransactionError<P>) -> Self {
        match error {
            TransactionError::Store(error) => error,
            TransactionError::Conflict => {
                Self::Conflict("another transaction was writing the same items".into())
            }
            TransactionError::Refused(parts) => {
                Self::Backend(format!("a transaction was refused unexpectedly: {parts:?}"))
            }
        }
    }
}

impl<P> From<StoreError> for TransactionError<P> {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

/// A write that creates `item` and refuses if an item with its key exists.
pub(crate) fn put_new(table: &str, item: Item) -> TransactWriteItem {
    put_if(
        table,
        item,
        Some(Condition::new("attribute_not_exists(pk)")),
    )
}

/// A write that creates or replaces `item`, on `condition` if given.
pub(crate) fn put_if(table: &str, item: Item, condition: Option<Condition>) -> TransactWriteItem {
    let mut put = Put::builder().table_name(table).set_item(Some(item));
    if let Some(condition) = condition {
        put = put
            .condition_expression(condition.text())
            .placeholders(&condition.placeholders);
    }
    TransactWriteItem::builder()
        .put(put.build().expect("a put with table and item"))
        .build()
}

/// An update of the item at `key`: `update` with its placeholders, on `condition`.
pub(crate) fn update(
    table: &str,
    key: Item,
    update: &str,
    condition: Condition,
) -> TransactWriteItem {
    let built = Update::builder()
        .table_name(table)
        .set_key(Some(key))
        .update_expression(update)
        .condition_expression(condition.text())
        .placeholders(&condition.placeholders)
        .build()
        .expect("an update with table, key and expression");
    TransactWriteItem::builder().update(built).build()
}

/// An update of the item at `key` (made when missing) on no condition: `update` with
/// `placeholders`.
pub(crate) fn update_any(
    table: &str,
    key: Item,
    update: &str,
    placeholders: &super::expr::Placeholders,
) -> TransactWriteItem {
    let built = Update::builder()
        .table_name(table)
        .set_key(Some(key))
        .update_expression(update)
        .placeholders(placeholders)
        .build()
        .expect("an update with table, key and expression");
    TransactWriteItem::builder().update(built).build()
}

/// A delete of the item at `key`, whether or not it exists.
pub(crate) fn delete(table: &str, key: Item) -> TransactWriteItem {
    let built = Delete::builder()
        .table_name(table)
        .set_key(Some(key))
        .build()
        .expect("a delete with table and key");
    TransactWriteItem::builder().delete(built).build()
}

/// A delete of the item at `key`, on `condition`.
pub(crate) fn delete_if(table: &str, key: Item, condition: Condition) -> TransactWriteItem {
    let built = Delete::builder()
        .table_name(table)
        .set_key(Some(key))
        .condition_expression(condition.text())
        .placeholders(&condition.placeholders)
        .build()
        .expect("a delete with table and key");
    TransactWriteItem::builder().delete(built).build()
}

/// A check that `condition` holds on the item at `key`, writing nothing.
pub(crate) fn check(table: &str, key: Item, condition: Condition) -> TransactWriteItem {
    let built = ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(key))
        .condition_expression(condition.text())
        .placeholders(&condition.placeholders)
        .build()
        .expect("a condition check with table, key and expression");
    TransactWriteItem::builder().condition_check(built).build()
}

//! The export's reading side: each of an account's items as the record it holds (its
//! attributes, without the table's keys), for [`crate::domain::export`] to map kind by
//! kind.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{Item, StoreError, from_item, keys};
use crate::domain::export::{ExportContext, ExportDocument};
use crate::domain::{AccountId, ItemKind};

/// The whole export of `account_id` from its items.
pub fn export_document(
    account_id: &AccountId,
    items: Vec<(ItemKind, Item)>,
    context: &ExportContext<'_>,
    now: OffsetDateTime,
) -> Result<ExportDocument, StoreError> {
    let records = items
        .into_iter()
        .map(|(kind, item)| Ok((kind, record(kind, item)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    crate::domain::export::export_document(account_id, records, context, now)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// An item's attributes without the table's keys (the data, not where it is kept); an
/// e-mail claim, whose address is its key, with the address.
fn record(kind: ItemKind, item: Item) -> Result<Map<String, Value>, StoreError> {
    let email = match (kind, item.get("pk")) {
        (ItemKind::EmailClaim, Some(AttributeValue::S(pk))) => {
            keys::email_of_claim(pk).map(|email| Value::String(email.to_owned()))
        }
        _ => None,
    };
    let value: Value = from_item(item)?;
    let Value::Object(mut map) = value else {
        return Err(StoreError::Corrupt("an item is not a map".into()));
    };
    for key in ["pk", "sk", "gsi1pk", "gsi1sk"] {
        map.remove(key);
    }
    if let Some(email) = email {
        map.insert("email".into(), email);
    }
    Ok(map)
}

//! Whose each kind of item is, and how to find all of an account's items by the list of
//! kinds (`keys::ITEM_KINDS`, where each kind's keys are declared). Export and erasure
//! walk that list; a test scans the table after every function has run and fails on an
//! item the list does not name.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Item, Store, StoreError, keys};
use crate::domain::{AccountId, Email, ThreadId};

pub use crate::domain::ItemKind;
pub use keys::{Belongs, Locator};

use Belongs::{ToAccount, ToPlatform, ToPlatformAbout};
use Locator::{AccountIndex, AccountItem, AccountPartition, FromAccountItem, Pointed};

pub use keys::{ITEM_KINDS, KindSpec, SampleKeys, classify};

/// The account an item belongs to or is about, by where the list says it is found.
pub fn account_of(kind: ItemKind, item: &Item) -> Option<AccountId> {
    let text = |name: &str| match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value.as_str()),
        _ => None,
    };
    let locator = match kind.spec().belongs {
        ToAccount(locator) | ToPlatformAbout(locator) => locator,
        ToPlatform => return None,
    };
    let raw = match locator {
        AccountItem | AccountPartition(_) => text("pk")?.strip_prefix(keys::ACCOUNT_PREFIX)?,
        AccountIndex(_) => text("gsi1pk")?.strip_prefix(keys::ACCOUNT_PREFIX)?,
        FromAccountItem => text("account_id")?,
        Pointed(_) => text("author_id")?,
    };
    AccountId::parse(raw).ok()
}

impl Store {
    /// Every item that belongs to or is about `account_id`, found the ways the list
    /// says: the account's partition, its entries in `gsi1`, and what the account item
    /// points at. Reads every page.
    pub async fn items_of_account(
        &self,
        account_id: &AccountId,
    ) -> Result<Vec<(ItemKind, Item)>, StoreError> {
        let partition = keys::account(account_id).pk;
        let mut items = self.query_all("pk", &partition, None).await?;
        items.extend(self.query_all("gsi1pk", &partition, Some("gsi1")).await?);
        // What the account's items point at, in one batch read: the e-mail claim (by
        // the account's address) and the threads it started.
        let mut pointed: Vec<keys::Key> = Vec::new();
        for item in &items {
            match (
                keys::kind_of(item),
                item.get("email"),
                item.get("thread_id"),
            ) {
                (Some(ItemKind::Account), Some(AttributeValue::S(email)), _) => {
                    if let Ok(email) = Email::parse(email) {
                        pointed.push(keys::email_claim(&email));
                    }
                }
                (Some(ItemKind::ThreadStarted), _, Some(AttributeValue::S(thread))) => {
                    if let Ok(thread) = ThreadId::parse(thread) {
                        pointed.push(keys::thread(&thread));
                    }
                }
                _ => {}
            }
        }
        if !pointed.is_empty() {
            items.extend(self.batch_get(pointed, None, true).await?);
        }
        let mut found = Vec::new();
        for item in items {
            if let Some(kind) = keys::kind_of(&item)
                && account_of(kind, &item).as_ref() == Some(account_id)
            {
                found.push((kind, item));
            }
        }
        Ok(found)
    }
}

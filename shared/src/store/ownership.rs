//! Every kind of item the table holds, which of them belong to an account, and how to
//! find all of an account's items. Export and erasure walk this list; a test scans the
//! table after every function has run and fails on an item this list does not name.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Item, Store, StoreError, keys};
use crate::domain::AccountId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    Account,
    EmailClaim,
    SessionFamily,
    RefreshToken,
    LedgerEntry,
    Purchase,
    Tariff,
    ActionCosts,
    AuditEntry,
    FirstAdminClaim,
}

/// Whose an item is, and where an account's items of that kind are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Belongs {
    /// One account's data.
    ToAccount(Locator),
    /// The platform's record about an account (kept when the account is erased; found
    /// under the account so it can be shown or reviewed).
    ToPlatformAbout(Locator),
    /// The platform's own (catalogue, configuration).
    ToPlatform,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locator {
    /// The account item itself.
    AccountItem,
    /// In the account's partition, sort keys starting with this prefix.
    AccountPartition(&'static str),
    /// In index `gsi1` under the account, index sort keys starting with this prefix.
    AccountIndex(&'static str),
    /// Keyed by a value of the account item (the e-mail claim, by the e-mail).
    FromAccountItem,
}

pub struct KindSpec {
    pub kind: ItemKind,
    pub belongs: Belongs,
}

const fn spec(kind: ItemKind, belongs: Belongs) -> KindSpec {
    KindSpec { kind, belongs }
}

use Belongs::{ToAccount, ToPlatform, ToPlatformAbout};
use Locator::{AccountIndex, AccountItem, AccountPartition, FromAccountItem};

/// The list. Adding an item kind means adding it here (and to [`classify`]).
pub const ITEM_KINDS: &[KindSpec] = &[
    spec(ItemKind::Account, ToAccount(AccountItem)),
    spec(ItemKind::EmailClaim, ToAccount(FromAccountItem)),
    spec(
        ItemKind::SessionFamily,
        ToAccount(AccountPartition(keys::SESSION_PREFIX)),
    ),
    spec(
        ItemKind::RefreshToken,
        ToAccount(AccountIndex(keys::REFRESH_INDEX_PREFIX)),
    ),
    spec(
        ItemKind::LedgerEntry,
        ToAccount(AccountPartition(keys::LEDGER_PREFIX)),
    ),
    spec(
        ItemKind::Purchase,
        ToAccount(AccountIndex(keys::PURCHASE_INDEX_PREFIX)),
    ),
    spec(ItemKind::Tariff, ToPlatform),
    spec(ItemKind::ActionCosts, ToPlatform),
    spec(ItemKind::FirstAdminClaim, ToPlatform),
    spec(
        ItemKind::AuditEntry,
        ToPlatformAbout(AccountIndex(keys::AUDIT_INDEX_PREFIX)),
    ),
];

impl ItemKind {
    pub fn spec(self) -> &'static KindSpec {
        ITEM_KINDS
            .iter()
            .find(|spec| spec.kind == self)
            .expect("every kind is in the list")
    }
}

/// The kind of the item with these keys, if the list names it.
pub fn classify(pk: &str, sk: &str) -> Option<ItemKind> {
    let kind = match (pk.split_once('#').map_or(pk, |(head, _)| head), sk) {
        ("ACCOUNT", "ACCOUNT") => ItemKind::Account,
        ("ACCOUNT", sk) if sk.starts_with(keys::SESSION_PREFIX) => ItemKind::SessionFamily,
        ("ACCOUNT", sk) if sk.starts_with(keys::LEDGER_PREFIX) => ItemKind::LedgerEntry,
        ("EMAIL", "EMAIL") => ItemKind::EmailClaim,
        ("REFRESH", "REFRESH") => ItemKind::RefreshToken,
        ("CHECKOUT", "CHECKOUT") => ItemKind::Purchase,
        (keys::CATALOG, sk) if sk.starts_with(keys::TARIFF_PREFIX) => ItemKind::Tariff,
        (keys::CATALOG, keys::ACTION_COSTS) => ItemKind::ActionCosts,
        (keys::CATALOG, keys::FIRST_ADMIN) => ItemKind::FirstAdminClaim,
        (keys::AUDIT, _) => ItemKind::AuditEntry,
        _ => return None,
    };
    Some(kind)
}

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
        let account_email =
            items
                .iter()
                .find_map(|item| match (item.get("sk"), item.get("email")) {
                    (Some(AttributeValue::S(sk)), Some(AttributeValue::S(email)))
                        if sk == "ACCOUNT" =>
                    {
                        Some(email.clone())
                    }
                    _ => None,
                });
        if let Some(email) = account_email
            && let Some(claim) = self.get(keys::email_claim(&email)).await?
        {
            items.push(claim);
        }
        let mut found = Vec::new();
        for item in items {
            let (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) =
                (item.get("pk"), item.get("sk"))
            else {
                continue;
            };
            if let Some(kind) = classify(pk, sk)
                && account_of(kind, &item).as_ref() == Some(account_id)
            {
                found.push((kind, item));
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_and_classified_from_its_keys() {
        let id = AccountId::new();
        let ledger = keys::ledger_entry(&id, "01J0000000000000000000000A");
        let cases = [
            (keys::account(&id), ItemKind::Account),
            (keys::email_claim("ada@example.com"), ItemKind::EmailClaim),
            (
                keys::session_family(&id, &crate::domain::SessionId::new()),
                ItemKind::SessionFamily,
            ),
            (keys::refresh_token("ab12"), ItemKind::RefreshToken),
            (ledger, ItemKind::LedgerEntry),
            (keys::checkout("cs_test_1"), ItemKind::Purchase),
            (keys::tariff("starter"), ItemKind::Tariff),
            (keys::action_costs(), ItemKind::ActionCosts),
            (keys::first_admin(), ItemKind::FirstAdminClaim),
            (
                keys::audit_entry(
                    "2026-11-28T00:00:00.000Z",
                    &crate::domain::AuditEntryId::new(),
                ),
                ItemKind::AuditEntry,
            ),
        ];
        for (key, kind) in &cases {
            assert_eq!(classify(&key.pk, &key.sk), Some(*kind), "{key:?}");
        }
        assert_eq!(cases.len(), ITEM_KINDS.len(), "a case per listed kind");
        for spec in ITEM_KINDS {
            assert_eq!(ITEM_KINDS.iter().filter(|s| s.kind == spec.kind).count(), 1);
        }
        assert_eq!(classify("SOMETHING#x", "NEW"), None);
    }
}

//! Every partition, sort and index key of the single table, and every S3 object key, is
//! built here and only here. Nothing outside this module writes a key string.

use crate::domain::{AccountId, AuditEntryId, MessageId, SessionId, UploadId};

/// The primary key of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

fn key(pk: impl Into<String>, sk: impl Into<String>) -> Key {
    Key {
        pk: pk.into(),
        sk: sk.into(),
    }
}

/// The key of an item in the overloaded index `gsi1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKey {
    pub gsi1pk: String,
    pub gsi1sk: String,
}

pub const ACCOUNT_PREFIX: &str = "ACCOUNT#";

fn account_partition(account_id: &AccountId) -> String {
    format!("{ACCOUNT_PREFIX}{account_id}")
}

pub fn account(account_id: &AccountId) -> Key {
    key(account_partition(account_id), "ACCOUNT")
}

/// The claim that makes an e-mail address unique.
pub fn email_claim(normalized_email: &str) -> Key {
    key(format!("EMAIL#{normalized_email}"), "EMAIL")
}

pub const SESSION_PREFIX: &str = "SESSION#";

/// One login's refresh-token family, under its account.
pub fn session_family(account_id: &AccountId, family_id: &SessionId) -> Key {
    key(
        account_partition(account_id),
        format!("{SESSION_PREFIX}{family_id}"),
    )
}

/// A refresh token, by the hex SHA-256 of its value.
pub fn refresh_token(digest_hex: &str) -> Key {
    key(format!("REFRESH#{digest_hex}"), "REFRESH")
}

pub const REFRESH_INDEX_PREFIX: &str = "REFRESH#";

/// Where an account finds its refresh tokens (their own key is the token's hash).
pub fn refresh_token_index(account_id: &AccountId, created_at: &str) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{REFRESH_INDEX_PREFIX}{created_at}"),
    }
}

/// The tariff catalogue: one partition holds every tariff and the action costs, so the
/// public price list is a single query.
pub const CATALOG: &str = "CATALOG";
pub const TARIFF_PREFIX: &str = "TARIFF#";

pub fn tariff(tariff_id: &str) -> Key {
    key(CATALOG, format!("{TARIFF_PREFIX}{tariff_id}"))
}

pub const ACTION_COSTS: &str = "ACTION_COSTS";

pub fn action_costs() -> Key {
    key(CATALOG, ACTION_COSTS)
}

/// The claim that a stack's first admin was appointed: exists once, ever.
pub const FIRST_ADMIN: &str = "FIRST_ADMIN";

pub fn first_admin() -> Key {
    key(CATALOG, FIRST_ADMIN)
}

/// A purchase, by its Checkout Session id: also the claim that credits it once.
pub fn checkout(checkout_session_id: &str) -> Key {
    key(format!("CHECKOUT#{checkout_session_id}"), "CHECKOUT")
}

pub const PURCHASE_INDEX_PREFIX: &str = "PURCHASE#";

/// Where an account finds its purchases.
pub fn purchase_index(account_id: &AccountId, created_at: &str) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{PURCHASE_INDEX_PREFIX}{created_at}"),
    }
}

/// Ledger entries of an account sort by their (time-ordered) id.
pub const LEDGER_PREFIX: &str = "LEDGER#";

pub fn ledger_entry(account_id: &AccountId, entry_id: &str) -> Key {
    key(
        account_partition(account_id),
        format!("{LEDGER_PREFIX}{entry_id}"),
    )
}

/// The audit log of moderation and admin actions, oldest first.
pub const AUDIT: &str = "AUDIT";

pub fn audit_entry(created_at: &str, entry_id: &AuditEntryId) -> Key {
    key(AUDIT, format!("{created_at}#{entry_id}"))
}

pub const AUDIT_INDEX_PREFIX: &str = "AUDIT#";

/// Where the audit entries about one account are found (its moderators' history of it).
pub fn audit_by_target_index(
    account_id: &AccountId,
    created_at: &str,
    entry_id: &AuditEntryId,
) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{AUDIT_INDEX_PREFIX}{created_at}#{entry_id}"),
    }
}

/// S3 object keys.
pub mod objects {
    use super::{AccountId, MessageId, UploadId};

    /// A voice upload in the staging bucket, under its uploader (so a policy or a
    /// lifecycle rule can name one account's uploads).
    pub fn staged_upload(account_id: &AccountId, upload_id: &UploadId) -> String {
        format!("uploads/{account_id}/{upload_id}")
    }

    pub const STAGING_PREFIX: &str = "uploads/";

    /// A recording in the archive bucket, named after the message that published it:
    /// one message, one recording, never replaced.
    pub fn archived_voice(message_id: &MessageId) -> String {
        format!("voice/{message_id}")
    }

    pub const ARCHIVE_PREFIX: &str = "voice/";
}

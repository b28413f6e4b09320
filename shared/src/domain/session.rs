//! Logins as stored: a session's refresh-token family, and each refresh token.

use serde::{Deserialize, Serialize};

use super::{AccountId, SessionId, Timestamp};

/// One login: every refresh token rotated from it belongs to this family, and every
/// access token issued for it names it (`sid`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFamily {
    pub account_id: AccountId,
    pub family_id: SessionId,
    pub token_generation: u64,
    pub created_at: Timestamp,
    pub last_used_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<Timestamp>,
    /// The end of the session's lifetime (30 days after login by default): refresh
    /// refuses after it, and DynamoDB's TTL deletes the item some time later.
    pub expires_at_epoch: i64,
}

/// A refresh token, stored under the SHA-256 of its value (never the value itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRecord {
    pub account_id: AccountId,
    pub family_id: SessionId,
    pub token_generation: u64,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<Timestamp>,
    pub expires_at_epoch: i64,
}

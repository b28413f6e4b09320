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
    /// What the session's tokens may reach (every refresh keeps it).
    #[serde(default, skip_serializing_if = "SessionScope::is_full")]
    pub scope: SessionScope,
}

/// What a session's tokens may reach. A privacy session is the one a blocked account may
/// still open: its privacy rights (its data, its consents, its requests, its erasure) and
/// nothing else. The scope is fixed at login, carried by every refresh token and access
/// token of the session, and never widens: a wider session is a new login.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionScope {
    /// Whatever the account's standing and roles allow.
    #[default]
    Full,
    /// Only the privacy routes (`GET /v1/me`, the export, consents, privacy requests,
    /// erasure), for an active or a blocked account.
    Privacy,
}

impl SessionScope {
    pub fn is_full(&self) -> bool {
        *self == Self::Full
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Privacy => "privacy",
        }
    }
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
    /// The scope of its session, which its successor keeps.
    #[serde(default, skip_serializing_if = "SessionScope::is_full")]
    pub scope: SessionScope,
}

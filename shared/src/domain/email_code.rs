//! A code sent by e-mail that proves the reader holds an address: to reset a forgotten
//! password, to verify the account's address, to move the account to a new one. One
//! item per account and purpose; only a keyed hash of the code is stored.

use serde::{Deserialize, Serialize};

use super::{AccountId, Email, Timestamp};

/// What a code proves, and so what confirming it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodePurpose {
    PasswordReset,
    EmailVerification,
    EmailChange,
}

impl CodePurpose {
    pub const ALL: [Self; 3] = [
        Self::PasswordReset,
        Self::EmailVerification,
        Self::EmailChange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::EmailVerification => "email_verification",
            Self::EmailChange => "email_change",
        }
    }
}

/// An account's code for one purpose, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailCode {
    pub account_id: AccountId,
    pub purpose: CodePurpose,
    /// The keyed hash (HMAC-SHA-256, hex) of the live code; absent once it was used,
    /// or ended by too many wrong tries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_hash: Option<String>,
    /// The address the account moves to when the code is confirmed (an address change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_email: Option<Email>,
    /// Wrong codes presented against the live code.
    pub wrong_tries: u32,
    pub expires_at: Timestamp,
    /// The day (UTC, `YYYY-MM-DD`) codes were last sent, and how many were sent that day.
    pub sent_on: String,
    pub sent_that_day: u32,
    /// One more with every write; a write requires the value it read.
    pub version: u64,
    /// When the table may forget it (TTL): after the code expired and its day ended.
    pub expires_at_epoch: i64,
}

/// One move of an account to a new address: the account's e-mail history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChangeRecord {
    pub id: String,
    pub account_id: AccountId,
    pub from: Email,
    pub to: Email,
    pub changed_at: Timestamp,
}

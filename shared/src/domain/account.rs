use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::Role;
use crate::clock::rfc3339;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Blocked,
    /// Personal data erased at the owner's request; published content stays.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardian {
    pub name: String,
    pub email: String,
    pub consent: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    pub marketing_emails: bool,
    pub notification_emails: bool,
}

/// An account as stored. The password hash and token generation never leave the backend.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    /// Trimmed and lower-cased; unique across accounts.
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub full_name: Option<String>,
    pub gender: Option<String>,
    pub date_of_birth: String,
    pub country: String,
    pub city: Option<String>,
    pub native_languages: Vec<String>,
    pub learning_languages: Vec<String>,
    pub guardian: Option<Guardian>,
    pub consents: Consents,
    pub accepted_terms_version: String,
    pub terms_accepted_at: String,
    pub roles: Vec<Role>,
    pub status: AccountStatus,
    pub blocked_until: Option<String>,
    pub balance_credits: i64,
    /// The id of the newest ledger entry counted in `balance_credits`. Every balance
    /// change sets it, on condition that it grows, so entries commit in id order and a
    /// reader knows exactly which entries the balance it read includes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger_head: Option<String>,
    /// Bumped by revoke-all and by blocking: tokens of an older generation stop working.
    pub token_generation: u64,
    pub created_at: String,
    pub updated_at: String,
}

/// Whether an account may act right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Active,
    Blocked { until: Option<String> },
    Closed,
}

impl Account {
    pub fn standing(&self, now: OffsetDateTime) -> Standing {
        match self.status {
            AccountStatus::Active => Standing::Active,
            AccountStatus::Closed => Standing::Closed,
            AccountStatus::Blocked => {
                let expired = self
                    .blocked_until
                    .as_deref()
                    .and_then(rfc3339::parse)
                    .is_some_and(|until| until <= now);
                if expired {
                    Standing::Active
                } else {
                    Standing::Blocked {
                        until: self.blocked_until.clone(),
                    }
                }
            }
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

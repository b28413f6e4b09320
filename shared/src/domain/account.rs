use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    AccountId, BirthDate, City, CountryCode, DisplayName, Email, FullName, Gender, LanguageList,
    LearningLevels, PersonName, ProfilePhoto, Role, SessionId, SkypeName, Timestamp,
};

/// How long an ended session is remembered on its account: as long as an access token
/// issued for it could still verify (the longest lifetime plus the clock leeway), plus
/// a minute. After that every such token has expired on its own.
pub const ENDED_SESSION_MEMORY_SECONDS: i64 =
    crate::auth::MAX_ACCESS_TOKEN_SECONDS + crate::auth::TOKEN_LEEWAY_SECONDS + 60;

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
    pub name: PersonName,
    pub email: Email,
    /// What the minor declared at registration (anyone may type any address).
    pub consent: bool,
    /// When the guardian was e-mailed a consent link; absent: never asked (accounts
    /// opened before guardians confirmed), which leaves the account as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_requested_at: Option<Timestamp>,
    /// When the guardian confirmed through that link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<Timestamp>,
}

impl Guardian {
    /// The guardian was asked and has not confirmed yet: the account reads and manages
    /// itself but neither pays nor posts.
    pub fn consent_pending(&self) -> bool {
        self.consent_requested_at.is_some() && self.confirmed_at.is_none()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    pub marketing_emails: bool,
    pub notification_emails: bool,
}

/// An account as stored. The password hash and token generation never leave the backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    /// Trimmed and lower-cased; unique across accounts.
    pub email: Email,
    /// When the owner proved `email` is theirs (a code sent there); absent: not yet.
    /// Notification and marketing e-mails wait for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified_at: Option<Timestamp>,
    /// Empty for an account opened through a provider until a password is set (the
    /// password-reset flow sets one).
    pub password_hash: String,
    /// The provider identities linked to it (each also a claim item that makes it unique).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub identities: BTreeMap<super::social::Provider, super::social::Subject>,
    #[serde(deserialize_with = "super::text::stored")]
    pub display_name: DisplayName,
    pub full_name: Option<FullName>,
    pub gender: Option<Gender>,
    /// Absent once the account's personal data is erased.
    #[serde(default, deserialize_with = "absent_if_empty")]
    pub date_of_birth: Option<BirthDate>,
    /// Absent once the account's personal data is erased.
    #[serde(default, deserialize_with = "absent_if_empty")]
    pub country: Option<CountryCode>,
    pub city: Option<City>,
    pub native_languages: LanguageList,
    pub learning_languages: LanguageList,
    /// The owner's CEFR level in languages they learn (shown on the public profile).
    #[serde(default)]
    pub learning_levels: LearningLevels,
    /// Private: shown only to the owner and in their export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skype: Option<SkypeName>,
    /// The current profile photo, whose files are in the photos bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<ProfilePhoto>,
    pub guardian: Option<Guardian>,
    pub consents: Consents,
    pub accepted_terms_version: String,
    pub terms_accepted_at: Timestamp,
    pub roles: Vec<Role>,
    pub status: AccountStatus,
    pub blocked_until: Option<Timestamp>,
    /// Why staff blocked it (or the owner's own request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_reason: Option<String>,
    pub balance_credits: i64,
    /// A corporate client: it set its company (`PUT /v1/me/company`).
    #[serde(default)]
    pub corporate: bool,
    /// The Stripe customer of its company (created at its first checkout as a corporate
    /// client, then reused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_customer: Option<super::company::StripeCustomer>,
    /// The id of the newest ledger entry counted in `balance_credits`. Every balance
    /// change sets it, on condition that it grows, so entries commit in id order and a
    /// reader knows exactly which entries the balance it read includes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger_head: Option<String>,
    /// Bumped by revoke-all and by blocking: tokens of an older generation stop working.
    pub token_generation: u64,
    /// Sessions ended (logout, refresh-token reuse) in the last
    /// [`ENDED_SESSION_MEMORY_SECONDS`], with the Unix time they ended: their access
    /// tokens are refused although they have not expired. Written as an (empty) map at
    /// registration, because DynamoDB can only set a key inside a map that exists;
    /// pruned by the writes that have the account in hand (login, refresh).
    #[serde(default)]
    pub ended_sessions: BTreeMap<SessionId, i64>,
    /// The account's history on the receiving end of moderation.
    #[serde(default)]
    pub moderation_record: super::ModerationRecord,
    /// Complaints filed in the current hour (a per-account limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint_window: Option<String>,
    #[serde(default)]
    pub complaints_in_window: u32,
    /// Of those, how many about each author's messages (a per-author limit).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub complained_authors: BTreeMap<AccountId, u32>,
    /// Voice upload URLs issued in the current hour (a per-account limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_window: Option<String>,
    #[serde(default)]
    pub uploads_in_window: u32,
    /// Invitations sent on the current day (a per-account limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_window: Option<String>,
    #[serde(default)]
    pub invitations_in_window: u32,
    /// Failed logins in a row (absent: none); a successful login sets it to 0.
    #[serde(default)]
    pub failed_logins: u32,
    /// Unix time until which logins are refused after too many failures in a row
    /// (`login_throttle`); absent when none is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_locked_until: Option<i64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When the owner asked that their data be processed no further than storage
    /// (restriction): left out of marketing and statistics from that moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_at: Option<Timestamp>,
    /// When the owner objected to processing for marketing and profiling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objected_at: Option<Timestamp>,
    /// When the personal data was erased (the account is `closed` from then on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<Timestamp>,
}

/// Whether an account may act right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Active,
    Blocked { until: Option<Timestamp> },
    Closed,
}

/// Whether an account with this status (and block end) may act at `now`: a temporary
/// block ends by itself when its time passes.
pub fn standing_of(
    status: AccountStatus,
    blocked_until: Option<Timestamp>,
    now: OffsetDateTime,
) -> Standing {
    match status {
        AccountStatus::Active => Standing::Active,
        AccountStatus::Closed => Standing::Closed,
        AccountStatus::Blocked => {
            let expired = blocked_until.is_some_and(|until| until <= now);
            if expired {
                Standing::Active
            } else {
                Standing::Blocked {
                    until: blocked_until,
                }
            }
        }
    }
}

impl Account {
    pub fn standing(&self, now: OffsetDateTime) -> Standing {
        standing_of(self.status, self.blocked_until, now)
    }

    /// Whether it can be logged in to: a closed (erased) account opens to nothing, as an
    /// address no one has.
    pub fn can_log_in(&self) -> bool {
        self.status != AccountStatus::Closed
    }

    /// Whether a password can sign in to it (an account opened through a provider has
    /// none until one is set).
    pub fn has_password(&self) -> bool {
        !self.password_hash.is_empty()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn session_ended(&self, session: &SessionId) -> bool {
        self.ended_sessions.contains_key(session)
    }

    /// Ended sessions no access token can name any more: safe to forget.
    pub fn forgettable_ended_sessions(&self, now: OffsetDateTime) -> Vec<SessionId> {
        let horizon = now.unix_timestamp() - ENDED_SESSION_MEMORY_SECONDS;
        self.ended_sessions
            .iter()
            .filter(|(_, ended)| **ended < horizon)
            .map(|(session, _)| session.clone())
            .collect()
    }
}

/// An optional value that accounts erased before it was stored as null kept as an empty
/// string: read as absent.
fn absent_if_empty<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::IntoDeserializer;
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(raw) if raw.is_empty() => Ok(None),
        Some(raw) => T::deserialize(raw.into_deserializer()).map(Some),
    }
}

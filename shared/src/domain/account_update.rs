//! A decided change to an account item, attribute by attribute, and what must hold of
//! the item for it to be written: the form in which decisions hand account writes to
//! the store, which turns one into one update (or one part of a transaction).

use serde::{Deserialize, Serialize};

use super::{
    AccountId, AccountStatus, BirthDate, City, Consents, CountryCode, DisplayName, Email, FullName,
    Gender, Guardian, LanguageList, LearningLevels, ProfilePhoto, Role, SessionId, SkypeName,
    Timestamp,
};
use crate::gate::Gate;

/// An account write: which account, what changes, on which conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountWrite {
    pub account_id: AccountId,
    pub update: AccountUpdate,
    pub requires: Vec<AccountCondition>,
}

impl AccountWrite {
    /// No change to `gate`'s account, only the gate's check that it still admits the
    /// caller (a transaction that writes elsewhere on the caller's behalf).
    pub fn gate_check(gate: &Gate) -> Self {
        Self {
            account_id: gate.account_id.clone(),
            update: AccountUpdate::default(),
            requires: vec![AccountCondition::Gate(gate.clone())],
        }
    }
}

/// What must hold of the account item when it is written (besides its existence, which
/// every account write requires): the values a decision read, or the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountCondition {
    /// The gate admits this caller on the item.
    Gate(Gate),
    /// Its roles are still these (a decision depended on them).
    RolesAsRead(Vec<Role>),
    /// Its status is still this.
    StatusAsRead(AccountStatus),
    /// Its count of complaints in the current window is still this (absent: never
    /// counted).
    ComplaintsInWindowAsRead(u32),
    /// Its count of upload URLs in the current window is still this (absent: never
    /// counted).
    UploadsInWindowAsRead(u32),
    /// Its count of invitations in the current window is still this (absent: never
    /// counted).
    InvitationsInWindowAsRead(u32),
    /// It is not closed (its owner can still be told things).
    NotClosed,
    /// Its personal data has not been erased.
    NotErased,
    /// The first half of the gate: it exists, may act (for a session of this scope), and
    /// is of this token generation (a refresh, whose session the refresh-token family
    /// stands for).
    AcceptsGeneration(u64, super::SessionScope),
    /// Its failed-login count was not reset since it was read at this count (absent:
    /// none counted yet).
    FailedLoginsNotResetSince(u32),
    /// Its ledger head is still this one (absent: no entry yet).
    LedgerHeadIs(Option<String>),
    /// Its ledger head sorts before this new entry id (or there is none).
    LedgerHeadBelow(String),
    /// Its balance covers a debit of this many credits.
    Covers(i64),
    /// Its password is still the one proved (its hash as read).
    PasswordHashAsRead(String),
    /// Its address is still this one.
    EmailAsRead(Email),
    /// It names a guardian with this address.
    GuardianAsRead(Email),
    /// Its guardian has not confirmed consent yet.
    GuardianNotConfirmed,
    /// Its profile photo is still the one made from this upload (`None`: none).
    PhotoAsRead(Option<super::UploadId>),
    /// Its linked identities are still these.
    IdentitiesAsRead(std::collections::BTreeMap<super::social::Provider, super::social::Subject>),
    /// Its company's Stripe customer is still this one (`None`: it has none).
    StripeCustomerAsRead(Option<super::StripeCustomer>),
}

/// Attributes of the account item that change; `None`: unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountUpdate {
    pub status: Option<AccountStatus>,
    /// `Some(None)` clears it.
    pub blocked_until: Option<Option<Timestamp>>,
    pub block_reason: Option<Option<String>>,
    pub roles: Option<Vec<Role>>,
    /// Every session of the account ends: a new token generation, and the ended
    /// sessions remembered so far forgotten (the new generation covers them).
    pub end_every_session: bool,
    /// One session ends: remembered as ended at this Unix time.
    pub end_session: Option<(SessionId, i64)>,
    /// These sessions end, each remembered as ended at its Unix time.
    pub end_sessions: Vec<(SessionId, i64)>,
    /// A new password (its argon2id hash).
    pub password_hash: Option<String>,
    /// A new address (its claim is moved in the same transaction).
    pub email: Option<Email>,
    /// When the address was proved to be the owner's.
    pub email_verified_at: Option<Timestamp>,
    /// Ended sessions no access token can name any more: forgotten.
    pub forget_ended_sessions: Vec<SessionId>,
    /// One more failed login in a row, and the Unix time until which logins are then
    /// refused, if this one starts a backoff.
    pub count_failed_login: Option<Option<i64>>,
    /// The failed-login count back to 0, and any backoff lifted.
    pub reset_failed_logins: bool,
    /// The balance moves by this many credits and the ledger head advances to this
    /// entry id.
    pub balance_change: Option<(i64, String)>,
    /// One more on the account's moderation record.
    pub count_on_record: Option<RecordCount>,
    pub consents: Option<Consents>,
    /// The terms version accepted, and when.
    pub accepted_terms: Option<(String, Timestamp)>,
    /// From when the owner restricted processing, unless they did before (the first
    /// moment stays).
    pub restricted_since: Option<Timestamp>,
    /// From when the owner objected to processing, unless they did before.
    pub objected_since: Option<Timestamp>,
    /// Every personal field at once (what erasure replaces).
    pub personal: Option<PersonalData>,
    /// When the personal data was erased.
    pub erased_at: Option<Timestamp>,
    /// The window complaints are counted in, and the count in it.
    pub complaint_window: Option<(String, u32)>,
    /// The window's complaints per author of the messages complained about.
    pub complained_authors: Option<std::collections::BTreeMap<super::AccountId, u32>>,
    /// The window voice upload URLs are counted in, and the count in it.
    pub upload_window: Option<(String, u32)>,
    /// The window invitations are counted in, and the count in it.
    pub invitation_window: Option<(String, u32)>,
    pub profile: ProfileChanges,
    /// A new profile photo, or (`Some(None)`) none.
    pub photo: Option<Option<ProfilePhoto>>,
    /// Its linked identities, the whole list.
    pub identities:
        Option<std::collections::BTreeMap<super::social::Provider, super::social::Subject>>,
    pub updated_at: Option<Timestamp>,
    /// The account becomes a corporate client (it set its company).
    pub corporate: bool,
    /// Its guardian confirmed consent at this time.
    pub guardian_confirmed_at: Option<Timestamp>,
    /// Its company's Stripe customer, as Stripe last got the company.
    pub stripe_customer: Option<super::StripeCustomer>,
}

/// The counters of an account's moderation record ([`super::ModerationRecord`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordCount {
    Hidden,
    Removed,
    Dismissed,
    Restored,
    Blocks,
}

/// An account's personal fields, as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalData {
    pub email: Email,
    pub display_name: DisplayName,
    pub full_name: Option<FullName>,
    pub gender: Option<Gender>,
    pub date_of_birth: Option<BirthDate>,
    pub country: Option<CountryCode>,
    pub city: Option<City>,
    pub guardian: Option<Guardian>,
    pub native_languages: LanguageList,
    pub learning_languages: LanguageList,
    pub learning_levels: LearningLevels,
    pub skype: Option<SkypeName>,
    pub photo: Option<ProfilePhoto>,
    pub consents: Consents,
    pub password_hash: String,
}

/// A rectification of profile fields. `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub display_name: Option<DisplayName>,
    pub full_name: Option<Option<FullName>>,
    pub gender: Option<Option<Gender>>,
    pub country: Option<CountryCode>,
    pub city: Option<Option<City>>,
    pub native_languages: Option<LanguageList>,
    pub learning_languages: Option<LanguageList>,
    /// Replaces every level named before.
    pub learning_levels: Option<LearningLevels>,
    pub skype: Option<Option<SkypeName>>,
}

impl ProfileChanges {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

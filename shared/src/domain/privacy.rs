//! Privacy rights: requests and their deadlines, terms acceptances and consent changes
//! with their history, notifications, breach notices, and the e-mail outbox.

use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime};

use super::{Account, AccountId, AccountStatus, Email, Timestamp};

/// What a data subject asks for (the privacy policy's rights).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivacyRequestKind {
    Access,
    Rectification,
    Erasure,
    Restriction,
    Objection,
    Portability,
    WithdrawConsent,
}

impl PrivacyRequestKind {
    pub const ALL: [Self; 7] = [
        Self::Access,
        Self::Rectification,
        Self::Erasure,
        Self::Restriction,
        Self::Objection,
        Self::Portability,
        Self::WithdrawConsent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Rectification => "rectification",
            Self::Erasure => "erasure",
            Self::Restriction => "restriction",
            Self::Objection => "objection",
            Self::Portability => "portability",
            Self::WithdrawConsent => "withdraw_consent",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|k| k.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrivacyRequestStatus {
    /// Recorded; the answer is due one calendar month after receipt.
    Received,
    /// The deadline was moved once, by one more month, with a reason.
    Extended,
    /// Answered.
    Completed,
}

/// A privacy request as stored under its account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRequest {
    pub id: PrivacyRequestId,
    pub account_id: AccountId,
    pub kind: PrivacyRequestKind,
    pub status: PrivacyRequestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    pub received_at: Timestamp,
    pub due_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
}

impl PrivacyRequest {
    /// Not answered yet: in the admins' open queue.
    pub fn is_open(&self) -> bool {
        self.status != PrivacyRequestStatus::Completed
    }

    /// Open past its deadline.
    pub fn overdue(&self, now: OffsetDateTime) -> bool {
        self.status != PrivacyRequestStatus::Completed && now > self.due_at.time()
    }
}

/// The same day `months` calendar months later, or the last day of that month when it
/// is shorter (31 January + 1 month = 28 or 29 February), at the same time of day.
pub fn add_calendar_months(at: OffsetDateTime, months: u32) -> OffsetDateTime {
    let date = at.date();
    let zero_based = date.month() as u32 - 1 + months;
    let year = date.year() + (zero_based / 12) as i32;
    let month = Month::try_from((zero_based % 12 + 1) as u8).expect("1 to 12");
    let day = date.day().min(time::util::days_in_month(month, year));
    let shifted = Date::from_calendar_date(year, month, day).expect("a day that exists");
    at.replace_date(shifted)
}

/// When the answer to a request received at `received_at` is due: one calendar month
/// later, or two once extended (counted from receipt, so 31 January extended is due
/// 31 March, not 28 March).
pub fn privacy_request_due(received_at: OffsetDateTime, extended: bool) -> OffsetDateTime {
    add_calendar_months(received_at, if extended { 2 } else { 1 })
}

/// A privacy request's id: its account's id followed by its own ULID (52 characters,
/// opaque to clients), so the request is found under its account by its id alone.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PrivacyRequestId {
    account: AccountId,
    local: String,
}

impl PrivacyRequestId {
    pub fn new_for(account: &AccountId) -> Self {
        Self {
            account: account.clone(),
            local: ulid::Ulid::new().to_string(),
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || "is not an id this API gave out".to_owned();
        if raw.len() != 52 || !raw.is_ascii() {
            return Err(invalid());
        }
        let (account, local) = raw.split_at(26);
        let account = AccountId::parse(account).map_err(|_| invalid())?;
        super::SessionId::parse(local).map_err(|_| invalid())?;
        Ok(Self {
            account,
            local: local.to_owned(),
        })
    }

    pub fn account(&self) -> &AccountId {
        &self.account
    }

    pub fn local(&self) -> &str {
        &self.local
    }
}

impl std::fmt::Display for PrivacyRequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.account, self.local)
    }
}

impl TryFrom<String> for PrivacyRequestId {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
    }
}

impl From<PrivacyRequestId> for String {
    fn from(id: PrivacyRequestId) -> String {
        id.to_string()
    }
}

impl super::ParseId for PrivacyRequestId {
    fn parse_id(raw: &str) -> Option<Self> {
        Self::parse(raw).ok()
    }
}

/// One acceptance of a terms version, kept for good (registration writes the first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsAcceptance {
    pub id: String,
    pub account_id: AccountId,
    pub version: String,
    pub accepted_at: Timestamp,
}

/// What changed a consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSource {
    Registration,
    /// `PUT /v1/me/consents`.
    Settings,
    /// A privacy request (withdrawal of consent, objection).
    PrivacyRequest,
}

/// The consents as they were set at one moment; every change is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentChange {
    pub id: String,
    pub account_id: AccountId,
    pub marketing_emails: bool,
    pub notification_emails: bool,
    pub source: ConsentSource,
    pub changed_at: Timestamp,
}

/// Why the platform may (not) use an account's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Marketing e-mails: only with consent, never while restricted or objected to.
    Marketing,
    /// Usage statistics: never while restricted or objected to.
    Statistics,
    /// Notification e-mails (request answers): only with consent.
    NotificationEmails,
    /// What the law requires us to tell the person (a data breach): always, while the
    /// account exists.
    LegalNotice,
    /// Keeping the account in its owner's hands (codes, notices of changes): always,
    /// while the account exists.
    AccountSecurity,
    /// An invitation the owner sends a friend (their address is the owner's data): not
    /// while processing is restricted.
    Invitations,
}

impl Account {
    /// Whether the account's data may be processed for `purpose` now. Erased (closed)
    /// accounts are processed for nothing; restriction and objection take effect the
    /// moment they are recorded.
    pub fn may_process_for(&self, purpose: Purpose) -> bool {
        if self.status == AccountStatus::Closed {
            return false;
        }
        let limited = self.restricted_at.is_some() || self.objected_at.is_some();
        match purpose {
            Purpose::Marketing => !limited && self.consents.marketing_emails,
            Purpose::Statistics => !limited,
            Purpose::NotificationEmails => self.consents.notification_emails,
            Purpose::LegalNotice | Purpose::AccountSecurity => true,
            Purpose::Invitations => self.restricted_at.is_none(),
        }
    }
}

/// A message to an account, shown at `GET /v1/me/notifications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub account_id: AccountId,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// What it is about (a privacy request id, a breach notice id).
    pub reference: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    PrivacyRequestExtended,
    PrivacyRequestCompleted,
    BreachNotice,
    /// A friend the account invited registered with the invitation.
    InvitationJoined,
}

/// A personal-data breach an admin recorded, and whom it affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachNotice {
    pub id: String,
    pub title: String,
    pub description: String,
    /// The accounts affected; `None`: every account.
    pub account_ids: Option<Vec<AccountId>>,
    pub recorded_by: AccountId,
    pub created_at: Timestamp,
}

/// What an e-mail is, which decides whether it may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    /// A breach notice: the law requires it, consent or not.
    BreachNotice,
    /// A notification (a privacy request's answer): with notification consent.
    Notification,
    /// Marketing: with marketing consent, never while restricted or objected to.
    Marketing,
    /// A password-reset or address code, or a notice of a change to the account's
    /// password or address: always, while the account exists.
    Security,
    /// An invitation to a friend, to the friend's address (`to`): at the account's
    /// request, while its processing is not restricted.
    Invitation,
}

impl EmailKind {
    pub fn purpose(self) -> Purpose {
        match self {
            Self::BreachNotice => Purpose::LegalNotice,
            Self::Notification => Purpose::NotificationEmails,
            Self::Marketing => Purpose::Marketing,
            Self::Security => Purpose::AccountSecurity,
            Self::Invitation => Purpose::Invitations,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    Queued,
    /// Claimed by a sender (at `claimed_at`); a claim older than a few minutes is
    /// abandoned and may be taken again.
    Sending,
    Sent,
    /// Not sent: the account may not be written to for this kind (no consent, closed).
    Skipped,
}

/// An e-mail in the outbox. The recipient is the account: its address is read when the
/// e-mail is sent (so an erased account's queued e-mails go nowhere, and the outbox
/// keeps no address), unless the e-mail is to an address the account does not hold yet
/// (`to`: the code that proves a new address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    pub id: String,
    pub account_id: AccountId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Email>,
    pub kind: EmailKind,
    pub subject: String,
    pub body: String,
    pub status: EmailStatus,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<Timestamp>,
    /// The provider's message id (SES), or `log` locally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_reason: Option<String>,
    /// When the table forgets it (TTL, Unix time): an e-mail that carries a code goes
    /// when the code expires, so its text does not outlive it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_epoch: Option<i64>,
}

impl OutboxEmail {
    /// A new e-mail to `account_id`, queued at `at`; its id is its key, so an e-mail
    /// whose id follows from what it is about is queued once.
    pub fn queued(
        account_id: &AccountId,
        id: String,
        kind: EmailKind,
        subject: String,
        body: String,
        at: Timestamp,
    ) -> Self {
        Self {
            id,
            account_id: account_id.clone(),
            to: None,
            kind,
            subject,
            body,
            status: EmailStatus::Queued,
            created_at: at,
            claimed_at: None,
            sent_at: None,
            provider_message_id: None,
            skipped_reason: None,
            expires_at_epoch: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn one_calendar_month_later_holds_at_month_ends() {
        for (received, due, why) in [
            (
                datetime!(2027-01-31 10:00 UTC),
                datetime!(2027-02-28 10:00 UTC),
                "31 January, common year",
            ),
            (
                datetime!(2028-01-31 10:00 UTC),
                datetime!(2028-02-29 10:00 UTC),
                "31 January, leap year",
            ),
            (
                datetime!(2027-02-28 23:59 UTC),
                datetime!(2027-03-28 23:59 UTC),
                "28 February",
            ),
            (
                datetime!(2028-02-29 08:30 UTC),
                datetime!(2028-03-29 08:30 UTC),
                "29 February",
            ),
            (
                datetime!(2027-03-31 00:00 UTC),
                datetime!(2027-04-30 00:00 UTC),
                "31 March",
            ),
            (
                datetime!(2027-12-31 12:00 UTC),
                datetime!(2028-01-31 12:00 UTC),
                "31 December, into the next year",
            ),
            (
                datetime!(2027-11-30 12:00 UTC),
                datetime!(2027-12-30 12:00 UTC),
                "30 November",
            ),
            (
                datetime!(2027-06-15 12:00 UTC),
                datetime!(2027-07-15 12:00 UTC),
                "mid-month",
            ),
        ] {
            assert_eq!(privacy_request_due(received, false), due, "{why}");
        }
    }

    #[test]
    fn the_extension_adds_one_more_month_counted_from_receipt() {
        for (received, due) in [
            (
                datetime!(2027-01-31 10:00 UTC),
                datetime!(2027-03-31 10:00 UTC),
            ),
            (
                datetime!(2027-12-31 10:00 UTC),
                datetime!(2028-02-29 10:00 UTC),
            ),
            (
                datetime!(2027-03-31 10:00 UTC),
                datetime!(2027-05-31 10:00 UTC),
            ),
            (
                datetime!(2027-11-30 10:00 UTC),
                datetime!(2028-01-30 10:00 UTC),
            ),
        ] {
            assert_eq!(privacy_request_due(received, true), due);
        }
    }

    #[test]
    fn request_ids_carry_their_account_and_round_trip() {
        let account = AccountId::new();
        let id = PrivacyRequestId::new_for(&account);
        assert_eq!(id.account(), &account);
        let text = id.to_string();
        assert_eq!(text.len(), 52);
        assert_eq!(PrivacyRequestId::parse(&text), Ok(id));
        assert!(PrivacyRequestId::parse(account.as_str()).is_err());
        assert!(PrivacyRequestId::parse(&format!("{}x", &text[..51])).is_err());
    }

    #[test]
    fn kinds_parse_by_their_names() {
        for kind in PrivacyRequestKind::ALL {
            assert_eq!(PrivacyRequestKind::parse(kind.as_str()), Ok(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind.as_str())
            );
        }
        assert!(PrivacyRequestKind::parse("delete").is_err());
    }
}

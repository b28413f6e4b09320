//! The export of everything held about an account (access and portability): the
//! account's records grouped by kind, each kind mapped explicitly. The mapping is a
//! `match` on [`ItemKind`] with no wildcard, so a kind added later does not compile until
//! it says how it is exported. Secrets never leave: the password hash, refresh tokens'
//! hashes (their keys), token generations and the ended sessions are dropped here. The
//! document's schema is `docs/export-format.md`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{
    Account, AccountId, AccountStatus, AuditEntry, AuditEntryId, BirthDate, City, CodePurpose,
    Consents, CountryCode, DisplayName, Email, EmailCode, FullName, Gender, Guardian, ItemKind,
    LanguageList, LearningLevels, Message, MessageId, MessageKind, ModerationRecord, ProfilePhoto,
    RefreshRecord, Role, SessionFamily, SessionId, SkypeName, ThreadId, Timestamp,
};

/// The export's format name and version; a change of the format bumps the version and
/// `docs/export-format.md` says what changed.
pub const EXPORT_FORMAT: &str = "natives.chat/personal-data-export";
pub const EXPORT_FORMAT_VERSION: u32 = 1;

/// What the export needs beyond the records.
pub struct ExportContext<'a> {
    /// Where archived recordings are served (the CDN); `None`: the API's own
    /// `/v1/messages/{id}/voice`, which redirects to the recording.
    pub voice_base_url: Option<&'a str>,
    /// How long a write may take to reach the index the account's items are found
    /// through: what was written that recently may be missing.
    pub index_settle: std::time::Duration,
}

impl ItemKind {
    /// The section of the export that holds this kind's records; `None` for the
    /// platform's own records, which are never found under an account.
    pub fn export_section(self) -> Option<&'static str> {
        Some(match self {
            ItemKind::Account => "account",
            ItemKind::EmailClaim => "email_addresses",
            ItemKind::EmailCode => "email_codes",
            ItemKind::EmailChange => "email_history",
            ItemKind::SessionFamily => "sessions",
            ItemKind::RefreshToken => "refresh_tokens",
            ItemKind::LedgerEntry => "ledger_entries",
            ItemKind::Purchase => "purchases",
            ItemKind::AuditEntry => "staff_actions_about_me",
            ItemKind::Thread => "threads",
            ItemKind::ThreadStarted => "threads_started",
            ItemKind::Message => "messages",
            ItemKind::Revision => "message_revisions",
            ItemKind::Correction => "corrections",
            ItemKind::CorrectionRevision => "correction_revisions",
            ItemKind::UploadClaim => "voice_uploads",
            ItemKind::TermsAcceptance => "terms_acceptances",
            ItemKind::ConsentChange => "consent_history",
            ItemKind::PrivacyRequest => "privacy_requests",
            ItemKind::Notification => "notifications",
            ItemKind::OutboxEmail => "emails",
            ItemKind::Complaint => "complaints_filed",
            ItemKind::IdempotencyRecord => "remembered_answers",
            ItemKind::LiveConnection => "live_connections",
            ItemKind::LiveSubscription => "live_subscriptions",
            ItemKind::Progress => "progress",
            ItemKind::SocialIdentity => "linked_identities",
            ItemKind::Invitation => "invitations",
            ItemKind::InvitedAddress => "invited_addresses",
            ItemKind::Invoice => "invoices",
            ItemKind::Company => "company",
            ItemKind::SocialAuthorization
            | ItemKind::Tariff
            | ItemKind::FirstAdminClaim
            | ItemKind::BreachNotice
            | ItemKind::ComplaintOutcome
            | ItemKind::QueueEntry
            | ItemKind::ProgressMark
            | ItemKind::InvitationOptOut
            | ItemKind::PromotionCode => return None,
        })
    }
}

/// The whole export.
#[derive(Debug, Serialize)]
pub struct ExportDocument {
    format: &'static str,
    format_version: u32,
    generated_at: Timestamp,
    /// Everything written before this moment is in the export; what was written after
    /// it may be missing (the index is read eventually consistently).
    complete_up_to: Timestamp,
    account_id: AccountId,
    /// Every section, empty or not.
    sections: BTreeMap<&'static str, Vec<Value>>,
}

/// The whole export of `account_id` from its records (each kind with its attributes,
/// the table's keys left out).
pub fn export_document(
    account_id: &AccountId,
    records: Vec<(ItemKind, Map<String, Value>)>,
    context: &ExportContext<'_>,
    now: OffsetDateTime,
) -> Result<ExportDocument, serde_json::Error> {
    let mut sections: BTreeMap<&'static str, Vec<Value>> = ItemKind::ALL
        .iter()
        .filter_map(|kind| kind.export_section())
        .map(|section| (section, Vec::new()))
        .collect();
    for (kind, record) in records {
        let (Some(section), Some(value)) =
            (kind.export_section(), export_record(kind, record, context)?)
        else {
            continue;
        };
        sections.entry(section).or_default().push(value);
    }
    Ok(ExportDocument {
        format: EXPORT_FORMAT,
        format_version: EXPORT_FORMAT_VERSION,
        generated_at: Timestamp::at(now),
        complete_up_to: Timestamp::at(now - context.index_settle),
        account_id: account_id.clone(),
        sections,
    })
}

/// One record as exported, by its kind's mapping.
fn export_record(
    kind: ItemKind,
    record: Map<String, Value>,
    context: &ExportContext<'_>,
) -> Result<Option<Value>, serde_json::Error> {
    let value = match kind {
        ItemKind::Account => serde_json::to_value(AccountExport::from(typed::<Account>(record)?))?,
        ItemKind::SessionFamily => {
            serde_json::to_value(SessionExport::from(typed::<SessionFamily>(record)?))?
        }
        // A code's hash stays: what it was for, when it was sent and how it was tried.
        ItemKind::EmailCode => {
            serde_json::to_value(EmailCodeExport::from(typed::<EmailCode>(record)?))?
        }
        // The token's hash is its key: only when it was made and used is exported.
        ItemKind::RefreshToken => {
            serde_json::to_value(RefreshTokenExport::from(typed::<RefreshRecord>(record)?))?
        }
        ItemKind::Message => {
            let message: Message = typed(record)?;
            serde_json::to_value(MessageExport::new(&message, context))?
        }
        // The role and the decision, not the staff member who acted.
        ItemKind::AuditEntry => {
            serde_json::to_value(StaffActionExport::from(typed::<AuditEntry>(record)?))?
        }
        ItemKind::EmailClaim
        | ItemKind::EmailChange
        | ItemKind::LedgerEntry
        | ItemKind::Purchase
        | ItemKind::Thread
        | ItemKind::ThreadStarted
        | ItemKind::Revision
        | ItemKind::Correction
        | ItemKind::CorrectionRevision
        | ItemKind::UploadClaim
        | ItemKind::TermsAcceptance
        | ItemKind::ConsentChange
        | ItemKind::PrivacyRequest
        | ItemKind::Notification
        | ItemKind::OutboxEmail
        | ItemKind::Complaint
        | ItemKind::IdempotencyRecord
        | ItemKind::LiveConnection
        | ItemKind::LiveSubscription
        | ItemKind::Progress
        | ItemKind::SocialIdentity
        | ItemKind::InvitedAddress => Value::Object(record),
        // Whom the account invited and how it went; the code's and the address's hashes
        // are how the platform finds it, nothing the account told us.
        ItemKind::Invitation => {
            let mut record = record;
            record.remove("code_digest");
            record.remove("address_digest");
            Value::Object(record)
        }
        // Said to be kept after erasure, and for how long.
        ItemKind::Invoice => {
            let mut record = record;
            record.insert(
                "retention".into(),
                Value::String(super::INVOICE_RETENTION_NOTE.into()),
            );
            Value::Object(record)
        }
        // The company, and how long its legal identity is kept.
        ItemKind::Company => {
            let mut record = record;
            record.insert(
                "retention".into(),
                Value::String(super::company::COMPANY_RETENTION.into()),
            );
            Value::Object(record)
        }
        ItemKind::SocialAuthorization
        | ItemKind::Tariff
        | ItemKind::FirstAdminClaim
        | ItemKind::BreachNotice
        | ItemKind::ComplaintOutcome
        | ItemKind::QueueEntry
        | ItemKind::ProgressMark
        | ItemKind::InvitationOptOut
        | ItemKind::PromotionCode => return Ok(None),
    };
    Ok(Some(value))
}

/// The account without its secrets (password hash, token generation, ended sessions)
/// and its bookkeeping.
#[derive(Serialize)]
struct AccountExport {
    id: AccountId,
    email: Email,
    email_verified_at: Option<Timestamp>,
    display_name: DisplayName,
    full_name: Option<FullName>,
    gender: Option<Gender>,
    date_of_birth: Option<BirthDate>,
    country: Option<CountryCode>,
    city: Option<City>,
    native_languages: LanguageList,
    learning_languages: LanguageList,
    learning_levels: LearningLevels,
    skype: Option<SkypeName>,
    photo: Option<ProfilePhoto>,
    guardian: Option<Guardian>,
    consents: Consents,
    accepted_terms_version: String,
    terms_accepted_at: Timestamp,
    roles: Vec<Role>,
    status: AccountStatus,
    blocked_until: Option<Timestamp>,
    balance_credits: i64,
    moderation_record: ModerationRecord,
    restricted_at: Option<Timestamp>,
    objected_at: Option<Timestamp>,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl From<Account> for AccountExport {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            email: a.email,
            email_verified_at: a.email_verified_at,
            display_name: a.display_name,
            full_name: a.full_name,
            gender: a.gender,
            date_of_birth: a.date_of_birth,
            country: a.country,
            city: a.city,
            native_languages: a.native_languages,
            learning_languages: a.learning_languages,
            learning_levels: a.learning_levels,
            skype: a.skype,
            photo: a.photo,
            guardian: a.guardian,
            consents: a.consents,
            accepted_terms_version: a.accepted_terms_version,
            terms_accepted_at: a.terms_accepted_at,
            roles: a.roles,
            status: a.status,
            blocked_until: a.blocked_until,
            balance_credits: a.balance_credits,
            moderation_record: a.moderation_record,
            restricted_at: a.restricted_at,
            objected_at: a.objected_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Serialize)]
struct EmailCodeExport {
    purpose: CodePurpose,
    live: bool,
    new_email: Option<Email>,
    wrong_tries: u32,
    expires_at: Timestamp,
    sent_on: String,
    sent_that_day: u32,
}

impl From<EmailCode> for EmailCodeExport {
    fn from(c: EmailCode) -> Self {
        Self {
            purpose: c.purpose,
            live: c.code_hash.is_some(),
            new_email: c.new_email,
            wrong_tries: c.wrong_tries,
            expires_at: c.expires_at,
            sent_on: c.sent_on,
            sent_that_day: c.sent_that_day,
        }
    }
}

#[derive(Serialize)]
struct SessionExport {
    session_id: SessionId,
    created_at: Timestamp,
    last_used_at: Timestamp,
    revoked_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
}

impl From<SessionFamily> for SessionExport {
    fn from(f: SessionFamily) -> Self {
        Self {
            session_id: f.family_id,
            created_at: f.created_at,
            last_used_at: f.last_used_at,
            revoked_at: f.revoked_at,
            expires_at: epoch_time(f.expires_at_epoch),
        }
    }
}

#[derive(Serialize)]
struct RefreshTokenExport {
    session_id: SessionId,
    created_at: Timestamp,
    used_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
}

impl From<RefreshRecord> for RefreshTokenExport {
    fn from(r: RefreshRecord) -> Self {
        Self {
            session_id: r.family_id,
            created_at: r.created_at,
            used_at: r.used_at,
            expires_at: epoch_time(r.expires_at_epoch),
        }
    }
}

/// A staff action about the account: what was decided and in which role, not by whom.
#[derive(Serialize)]
struct StaffActionExport {
    id: AuditEntryId,
    acted_as: &'static str,
    action: String,
    target: String,
    reason: String,
    created_at: Timestamp,
}

impl From<AuditEntry> for StaffActionExport {
    fn from(entry: AuditEntry) -> Self {
        Self {
            acted_as: entry.acting_role(),
            id: entry.id,
            action: entry.action,
            target: entry.target,
            reason: entry.reason,
            created_at: entry.created_at,
        }
    }
}

#[derive(Serialize)]
struct MessageExport<'a> {
    id: &'a MessageId,
    thread_id: &'a ThreadId,
    kind: MessageKind,
    text: Option<&'a str>,
    voice: Option<VoiceExport<'a>>,
    reply_to: Option<&'a MessageId>,
    created_at: Timestamp,
    edited_at: Option<Timestamp>,
    revision: u32,
    corrections_count: u32,
}

#[derive(Serialize)]
struct VoiceExport<'a> {
    url: String,
    content_type: &'a str,
    size_bytes: i64,
    sha256: &'a str,
    duration_seconds: Option<f64>,
}

impl<'a> MessageExport<'a> {
    fn new(message: &'a Message, context: &ExportContext<'_>) -> Self {
        Self {
            id: &message.id,
            thread_id: &message.thread_id,
            kind: message.kind,
            text: message.text.as_ref().map(AsRef::as_ref),
            voice: message.voice.as_ref().map(|voice| VoiceExport {
                url: match context.voice_base_url {
                    Some(base) => format!("{}/{}", base.trim_end_matches('/'), voice.key),
                    None => format!("/v1/messages/{}/voice", message.id),
                },
                content_type: &voice.content_type,
                size_bytes: voice.size_bytes,
                sha256: &voice.sha256,
                duration_seconds: voice.duration_seconds(),
            }),
            reply_to: message.reply_to.as_ref(),
            created_at: message.created_at,
            edited_at: message.edited_at,
            revision: message.revision,
            corrections_count: message.corrections_count,
        }
    }
}

fn typed<T: serde::de::DeserializeOwned>(record: Map<String, Value>) -> serde_json::Result<T> {
    serde_json::from_value(Value::Object(record))
}

fn epoch_time(epoch: i64) -> Option<Timestamp> {
    OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .map(Timestamp::at)
}

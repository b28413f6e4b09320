//! The sample values every item kind's keys are built from (its entry of
//! [`super::ITEM_KINDS`]), and the names the docs' tables show for them.

use crate::domain::live::ConnectionId;
use crate::domain::{
    AccountId, AuditEntryId, ComplaintTarget, CorrectionId, Email, InvitationId, LanguageTag,
    MessageId, PrivacyRequestId, SessionId, ThreadId, Timestamp, UploadId,
};

/// Sample values and the names the tables show for them, longest first (a message id
/// holds its thread's id, a privacy request's id its account's).
pub(super) const SAMPLES: &[(&str, &str)] = &[
    (EMAIL, "<normalized e-mail>"),
    (MESSAGE, "<message_id>"),
    (REQUEST, "<request_id>"),
    (ACCOUNT, "<account_id>"),
    (SESSION, "<family_id>"),
    (THREAD, "<thread_id>"),
    (UPLOAD, "<upload_id>"),
    (CONNECTION, "<connection_id>"),
    (AUDIT_ENTRY, "<entry_id>"),
    (CORRECTION, "<correction_id>"),
    (MESSAGE_LOCAL, "<message's own id>"),
    (REQUEST_LOCAL, "<request's own id>"),
    ("<language>#0", "<language, lower case>#<shard>"),
    (PROGRESS_LANGUAGE, "PROGRESS#<language, lower case>"),
    ("000042", "<round, 6 digits>"),
    ("000007", "<number, 6 digits>"),
    ("999989", "<999999 − open_complaints, 6 digits>"),
];

/// Sample moments, each standing for one kind of time, and their names.
pub(super) const MOMENTS: &[(&str, &str)] = &[
    (CREATED_AT, "<created_at>"),
    (LAST_ACTIVITY_AT, "<last_activity_at>"),
    (FIRST_COMPLAINT_AT, "<first_complaint_at>"),
    (DUE_AT, "<due_at>"),
];

const CREATED_AT: &str = "2001-01-01T00:00:01Z";
const LAST_ACTIVITY_AT: &str = "2001-01-01T00:00:02Z";
const FIRST_COMPLAINT_AT: &str = "2001-01-01T00:00:03Z";
const DUE_AT: &str = "2001-01-01T00:00:04Z";
const EMAIL: &str = "normalized@example.com";
const PROGRESS_LANGUAGE: &str = "PROGRESS#x-sample";
const LANGUAGE: &str = "x-sample";

const ACCOUNT: &str = "01AAAAAAAAAAAAAAAAAAAAAAA1";
const SESSION: &str = "01AAAAAAAAAAAAAAAAAAAAAAA2";
const THREAD: &str = "01AAAAAAAAAAAAAAAAAAAAAAA3";
const UPLOAD: &str = "01AAAAAAAAAAAAAAAAAAAAAAA4";
/// Shown as an upload id: an invitation has no key function reading it as its own.
const INVITATION: &str = UPLOAD;
const AUDIT_ENTRY: &str = "01AAAAAAAAAAAAAAAAAAAAAAA5";
const CORRECTION: &str = "01AAAAAAAAAAAAAAAAAAAAAAA8";
const MESSAGE_LOCAL: &str = "01BBBBBBBBBBBBBBBBBBBBBBB6";
const REQUEST_LOCAL: &str = "01BBBBBBBBBBBBBBBBBBBBBBB7";
const CONNECTION: &str = "L0SM9cOFvHcCIhw=";
const MESSAGE: &str = "01AAAAAAAAAAAAAAAAAAAAAAA301BBBBBBBBBBBBBBBBBBBBBBB6";
const REQUEST: &str = "01AAAAAAAAAAAAAAAAAAAAAAA101BBBBBBBBBBBBBBBBBBBBBBB7";

/// The sample values a kind's keys are built from ([`super::KindSpec`]).
pub struct Samples {
    pub account: AccountId,
    pub email: Email,
    pub session: SessionId,
    pub thread: ThreadId,
    pub upload: UploadId,
    pub entry: AuditEntryId,
    pub message: MessageId,
    /// Complaints name their target; a message's, as samples (a correction's target is
    /// `<message_id>#<correction_id>` in the same places).
    pub target: ComplaintTarget,
    pub request: PrivacyRequestId,
    pub correction: CorrectionId,
    pub connection: ConnectionId,
    pub language: LanguageTag,
    pub invitation: InvitationId,
    pub created_at: Timestamp,
    pub last_activity_at: Timestamp,
    pub first_complaint_at: Timestamp,
    pub due_at: Timestamp,
}

impl Samples {
    pub fn new() -> Self {
        let message = MessageId::parse(MESSAGE).expect("a sample id");
        Self {
            account: AccountId::parse(ACCOUNT).expect("a sample id"),
            email: Email::parse(EMAIL).expect("a sample address"),
            session: SessionId::parse(SESSION).expect("a sample id"),
            thread: ThreadId::parse(THREAD).expect("a sample id"),
            upload: UploadId::parse(UPLOAD).expect("a sample id"),
            entry: AuditEntryId::parse(AUDIT_ENTRY).expect("a sample id"),
            target: ComplaintTarget::Message(message.clone()),
            message,
            request: PrivacyRequestId::parse(REQUEST).expect("a sample id"),
            correction: CorrectionId::parse(CORRECTION).expect("a sample id"),
            connection: ConnectionId::parse(CONNECTION).expect("a sample id"),
            language: LanguageTag::parse(LANGUAGE).expect("a sample tag"),
            invitation: InvitationId::parse(INVITATION).expect("a sample id"),
            created_at: at(CREATED_AT),
            last_activity_at: at(LAST_ACTIVITY_AT),
            first_complaint_at: at(FIRST_COMPLAINT_AT),
            due_at: at(DUE_AT),
        }
    }
}

impl Default for Samples {
    fn default() -> Self {
        Self::new()
    }
}

/// A sample moment.
pub(super) fn at(sample: &str) -> Timestamp {
    Timestamp::parse(sample).expect("a sample moment")
}

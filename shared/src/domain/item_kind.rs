//! The kinds of records the platform keeps: what erasure and the export decide about,
//! kind by kind (where each is stored and found is the store's ownership list).

/// A kind of stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    Account,
    EmailClaim,
    SessionFamily,
    RefreshToken,
    LedgerEntry,
    Purchase,
    Tariff,
    AuditEntry,
    Thread,
    ThreadStarted,
    Message,
    Revision,
    UploadClaim,
    Complaint,
    ComplaintOutcome,
    QueueEntry,
    IdempotencyRecord,
    TermsAcceptance,
    ConsentChange,
    PrivacyRequest,
    Notification,
    BreachNotice,
    OutboxEmail,
    FirstAdminClaim,
}

impl ItemKind {
    /// Every kind.
    pub const ALL: [Self; 24] = [
        Self::Account,
        Self::EmailClaim,
        Self::SessionFamily,
        Self::RefreshToken,
        Self::LedgerEntry,
        Self::Purchase,
        Self::Tariff,
        Self::AuditEntry,
        Self::Thread,
        Self::ThreadStarted,
        Self::Message,
        Self::Revision,
        Self::UploadClaim,
        Self::Complaint,
        Self::ComplaintOutcome,
        Self::QueueEntry,
        Self::IdempotencyRecord,
        Self::TermsAcceptance,
        Self::ConsentChange,
        Self::PrivacyRequest,
        Self::Notification,
        Self::BreachNotice,
        Self::OutboxEmail,
        Self::FirstAdminClaim,
    ];
}

//! The kinds of records the platform keeps, each declared once here with what the export
//! shows of it and what erasure does to it. Where each kind is stored and how an
//! account's records of it are found is the store's side of the same declaration
//! (`store::ownership`).

use super::decide::erasure::Rule;
use super::export::{self, Export, Shape};

/// Declares the kinds: the enum and [`ItemKind::ALL`] from one list, so no kind can be
/// in one and missing from the other.
macro_rules! item_kinds {
    ($($kind:ident),+ $(,)?) => {
        /// A kind of stored record.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ItemKind {
            $($kind),+
        }

        impl ItemKind {
            /// Every kind, in the order declared.
            pub const ALL: &'static [Self] = &[$(Self::$kind),+];
        }
    };
}

item_kinds![
    Account,
    EmailClaim,
    EmailCode,
    EmailChange,
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
    Correction,
    CorrectionRevision,
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
    LiveConnection,
    LiveSubscription,
    Progress,
    ProgressMark,
    SocialAuthorization,
    SocialIdentity,
    Invitation,
    InvitedAddress,
    InvitationOptOut,
    Invoice,
    PromotionCode,
    Company,
];

/// What the platform does with one kind's records when a person asks for their data
/// (the export) or for its erasure.
#[derive(Debug, Clone, Copy)]
pub struct KindRules {
    pub export: Export,
    pub erasure: Rule,
}

/// A kind in the export's `section`, shaped so.
const fn exported(section: &'static str, shape: Shape, erasure: Rule) -> KindRules {
    KindRules {
        export: Export::Section(section, shape),
        erasure,
    }
}

/// A kind of the platform's own, never found under an account: not exported, kept.
const PLATFORMS: KindRules = KindRules {
    export: Export::NotPersonal,
    erasure: Rule::Keep,
};

impl ItemKind {
    /// This kind's rules: a `match` with no wildcard, so a kind is not declared until it
    /// says how it is exported and erased.
    pub const fn rules(self) -> KindRules {
        use Shape::{AsStored, Mapped, Noting, Without};
        match self {
            // Changed by erasure's last step, with the account.
            Self::Account => exported("account", Mapped(export::account), Rule::Last),
            Self::EmailClaim => exported("email_addresses", AsStored, Rule::Last),
            // Codes and the addresses the account moved between: personal data, kept for
            // nothing once the account is erased. A code's hash stays in the export: what
            // it was for, when it was sent and how it was tried.
            Self::EmailCode => exported("email_codes", Mapped(export::email_code), Rule::Delete),
            Self::EmailChange => exported("email_history", AsStored, Rule::Delete),
            Self::SessionFamily => exported("sessions", Mapped(export::session), Rule::Delete),
            // The token's hash is its key: only when it was made and used is exported.
            Self::RefreshToken => exported(
                "refresh_tokens",
                Mapped(export::refresh_token),
                Rule::Delete,
            ),
            Self::LedgerEntry => exported("ledger_entries", AsStored, Rule::Redact(&["reason"])),
            Self::Purchase => exported("purchases", AsStored, Rule::Keep),
            Self::Tariff => PLATFORMS,
            // The role and the decision, not the staff member who acted; the person's
            // names are taken out of the reason staff wrote.
            Self::AuditEntry => exported(
                "staff_actions_about_me",
                Mapped(export::staff_action),
                Rule::Redact(&["reason"]),
            ),
            // Published content stays public, attributed to the erased account (whose name
            // is read when shown); the moderator's note on a message is staff text.
            Self::Thread => exported("threads", AsStored, Rule::Keep),
            Self::ThreadStarted => exported("threads_started", AsStored, Rule::Keep),
            Self::Message => exported(
                "messages",
                Mapped(export::message),
                Rule::Redact(&["moderation.reason"]),
            ),
            Self::Revision => exported("message_revisions", AsStored, Rule::Keep),
            Self::Correction => exported("corrections", AsStored, Rule::Keep),
            Self::CorrectionRevision => exported("correction_revisions", AsStored, Rule::Keep),
            Self::UploadClaim => exported("voice_uploads", AsStored, Rule::Keep),
            // The reporter's own words go; the complaint (its reason, what it was about)
            // stays with the decision it was part of.
            Self::Complaint => exported("complaints_filed", AsStored, Rule::Remove(&["comment"])),
            // Decisions and the queue are the platform's; a queue entry lives only until the
            // target's complaints are decided.
            Self::ComplaintOutcome | Self::QueueEntry => PLATFORMS,
            // An answer remembered for a retry (a day at most): nothing to keep.
            Self::IdempotencyRecord => exported("remembered_answers", AsStored, Rule::Delete),
            Self::TermsAcceptance => exported("terms_acceptances", AsStored, Rule::Keep),
            Self::ConsentChange => exported("consent_history", AsStored, Rule::Keep),
            Self::PrivacyRequest => exported(
                "privacy_requests",
                AsStored,
                Rule::Remove(&["details", "response", "extension_reason"]),
            ),
            Self::Notification => exported("notifications", AsStored, Rule::Delete),
            // The record of a breach names the accounts affected; what each of them is told
            // is its own notification and e-mail.
            Self::BreachNotice => PLATFORMS,
            Self::OutboxEmail => exported("emails", AsStored, Rule::Delete),
            Self::FirstAdminClaim => PLATFORMS,
            // A live connection and what it listens to: gone with the socket anyway.
            Self::LiveConnection => exported("live_connections", AsStored, Rule::Delete),
            Self::LiveSubscription => exported("live_subscriptions", AsStored, Rule::Delete),
            // Statistics of the person's activity: theirs, gone with them. The marks that
            // posts were counted name only the post.
            Self::Progress => exported("progress", AsStored, Rule::Delete),
            Self::ProgressMark => PLATFORMS,
            // A sign-in in progress is nobody's yet and holds no personal data.
            Self::SocialAuthorization => PLATFORMS,
            // What a provider shared; deleting the claim frees the identity.
            Self::SocialIdentity => exported("linked_identities", AsStored, Rule::Delete),
            // Whom the account invited and how it went (the friends' addresses are its
            // data); the code's and the address's hashes are how the platform finds an
            // invitation, nothing the account told us.
            Self::Invitation => exported(
                "invitations",
                Without(&["code_digest", "address_digest"]),
                Rule::Delete,
            ),
            Self::InvitedAddress => exported("invited_addresses", AsStored, Rule::Delete),
            // A friend's wish not to be invited: a keyed hash, nobody's account's data.
            Self::InvitationOptOut => PLATFORMS,
            // Accounting records, kept for the legal retention period with the company
            // details they were issued to; the export says so.
            Self::Invoice => exported(
                "invoices",
                Noting("retention", super::INVOICE_RETENTION_NOTE),
                Rule::Keep,
            ),
            // The platform's offers.
            Self::PromotionCode => PLATFORMS,
            // A corporate client's company: the contact goes; the legal identity stays with
            // the invoices that name it, for the legal retention period, as the export says.
            Self::Company => exported(
                "company",
                Noting("retention", super::company::COMPANY_RETENTION),
                Rule::Remove(super::company::COMPANY_CONTACT_ATTRIBUTES),
            ),
        }
    }

    /// The section of the export that holds this kind's records; `None` for the
    /// platform's own records, which are never found under an account.
    pub const fn export_section(self) -> Option<&'static str> {
        match self.rules().export {
            Export::Section(section, _) => Some(section),
            Export::NotPersonal => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_declared_once_and_sections_are_not_shared() {
        let mut kinds = ItemKind::ALL.to_vec();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), ItemKind::ALL.len());
        let mut sections: Vec<_> = ItemKind::ALL
            .iter()
            .filter_map(|kind| kind.export_section())
            .collect();
        let exported = sections.len();
        sections.sort_unstable();
        sections.dedup();
        assert_eq!(sections.len(), exported, "a section per exported kind");
    }

    /// What is never found under an account cannot be erased with one: a platform
    /// kind keeps its records.
    #[test]
    fn the_platforms_kinds_are_kept() {
        for kind in ItemKind::ALL {
            if kind.export_section().is_none() {
                assert_eq!(kind.rules().erasure, Rule::Keep, "{kind:?}");
            }
        }
    }
}

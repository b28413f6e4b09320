//! Every kind of item the table holds, which of them belong to an account, and how to
//! find all of an account's items. Export and erasure walk this list; a test scans the
//! table after every function has run and fails on an item this list does not name.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Item, Store, StoreError, keys};
use crate::domain::{AccountId, Email, ThreadId};

pub use crate::domain::ItemKind;

/// Whose an item is, and where an account's items of that kind are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Belongs {
    /// One account's data.
    ToAccount(Locator),
    /// The platform's record about an account (kept when the account is erased; found
    /// under the account so it can be shown or reviewed).
    ToPlatformAbout(Locator),
    /// The platform's own (catalogue, configuration).
    ToPlatform,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locator {
    /// The account item itself.
    AccountItem,
    /// In the account's partition, sort keys starting with this prefix.
    AccountPartition(&'static str),
    /// In index `gsi1` under the account, index sort keys starting with this prefix.
    AccountIndex(&'static str),
    /// Keyed by a value of the account item (the e-mail claim, by the e-mail).
    FromAccountItem,
    /// Named by the account's records in its partition with this sort-key prefix (a
    /// thread, by the record that the account started it); the item's `author_id`.
    Pointed(&'static str),
}

pub struct KindSpec {
    pub kind: ItemKind,
    pub belongs: Belongs,
}

const fn spec(kind: ItemKind, belongs: Belongs) -> KindSpec {
    KindSpec { kind, belongs }
}

use Belongs::{ToAccount, ToPlatform, ToPlatformAbout};
use Locator::{AccountIndex, AccountItem, AccountPartition, FromAccountItem, Pointed};

/// The list. Adding an item kind means adding it here (and to [`classify`]).
pub const ITEM_KINDS: &[KindSpec] = &[
    spec(ItemKind::Account, ToAccount(AccountItem)),
    spec(ItemKind::EmailClaim, ToAccount(FromAccountItem)),
    spec(
        ItemKind::EmailCode,
        ToAccount(AccountPartition(keys::CODE_PREFIX)),
    ),
    spec(
        ItemKind::EmailChange,
        ToAccount(AccountPartition(keys::EMAIL_CHANGE_PREFIX)),
    ),
    spec(
        ItemKind::SessionFamily,
        ToAccount(AccountPartition(keys::SESSION_PREFIX)),
    ),
    spec(
        ItemKind::RefreshToken,
        ToAccount(AccountIndex(keys::REFRESH_INDEX_PREFIX)),
    ),
    spec(
        ItemKind::LedgerEntry,
        ToAccount(AccountPartition(keys::LEDGER_PREFIX)),
    ),
    spec(
        ItemKind::Purchase,
        ToAccount(AccountIndex(keys::PURCHASE_INDEX_PREFIX)),
    ),
    spec(ItemKind::Tariff, ToPlatform),
    spec(ItemKind::FirstAdminClaim, ToPlatform),
    spec(
        ItemKind::AuditEntry,
        ToPlatformAbout(AccountIndex(keys::AUDIT_INDEX_PREFIX)),
    ),
    // Published content: it stays public when its author's account is erased.
    spec(
        ItemKind::Thread,
        ToAccount(Pointed(keys::THREAD_STARTED_PREFIX)),
    ),
    spec(
        ItemKind::ThreadStarted,
        ToAccount(AccountPartition(keys::THREAD_STARTED_PREFIX)),
    ),
    spec(
        ItemKind::Message,
        ToAccount(AccountIndex(keys::MESSAGE_INDEX_PREFIX)),
    ),
    spec(
        ItemKind::Revision,
        ToAccount(AccountIndex(keys::REVISION_INDEX_PREFIX)),
    ),
    spec(
        ItemKind::Correction,
        ToAccount(AccountIndex(keys::CORRECTION_INDEX_PREFIX)),
    ),
    spec(
        ItemKind::CorrectionRevision,
        ToAccount(AccountIndex(keys::CORRECTION_REVISION_INDEX_PREFIX)),
    ),
    spec(
        ItemKind::UploadClaim,
        ToAccount(AccountIndex(keys::UPLOAD_INDEX_PREFIX)),
    ),
    // The reporter's.
    spec(
        ItemKind::Complaint,
        ToAccount(AccountIndex(keys::COMPLAINT_INDEX_PREFIX)),
    ),
    // Decisions and the queue are the platform's; a queue entry lives only until the
    // message's complaints are decided.
    spec(ItemKind::ComplaintOutcome, ToPlatform),
    spec(ItemKind::QueueEntry, ToPlatform),
    // The first answer to a request, kept for a day (TTL).
    spec(
        ItemKind::IdempotencyRecord,
        ToAccount(AccountIndex(keys::IDEMPOTENCY_INDEX_PREFIX)),
    ),
    spec(
        ItemKind::TermsAcceptance,
        ToAccount(AccountPartition(keys::TERMS_PREFIX)),
    ),
    spec(
        ItemKind::ConsentChange,
        ToAccount(AccountPartition(keys::CONSENT_PREFIX)),
    ),
    spec(
        ItemKind::PrivacyRequest,
        ToAccount(AccountPartition(keys::PRIVACY_REQUEST_PREFIX)),
    ),
    spec(
        ItemKind::Notification,
        ToAccount(AccountPartition(keys::NOTIFICATION_PREFIX)),
    ),
    // The record of a breach names the accounts affected; what each of them is told is
    // its own notification and e-mail.
    spec(ItemKind::BreachNotice, ToPlatform),
    spec(
        ItemKind::OutboxEmail,
        ToAccount(AccountIndex(keys::OUTBOX_INDEX_PREFIX)),
    ),
    // An account's open WebSockets (a visitor's are nobody's) and what they listen to,
    // for two hours at most (TTL).
    spec(
        ItemKind::LiveConnection,
        ToAccount(AccountIndex(keys::LIVE_INDEX_PREFIX)),
    ),
    spec(
        ItemKind::LiveSubscription,
        ToAccount(AccountIndex(keys::LIVE_SUBSCRIPTION_INDEX_PREFIX)),
    ),
    // The counters of an account's activity, per language (personal data: exported,
    // erased); the marks that posts were counted name only the post, for two days (TTL).
    spec(
        ItemKind::Progress,
        ToAccount(AccountPartition(keys::PROGRESS_PREFIX)),
    ),
    spec(ItemKind::ProgressMark, ToPlatform),
    // A sign-in in progress is nobody's yet (a visitor's), holds no personal data and
    // lives ten minutes (TTL).
    spec(ItemKind::SocialAuthorization, ToPlatform),
    // What the provider shared (its id of the person, name, e-mail), linked to the account.
    spec(
        ItemKind::SocialIdentity,
        ToAccount(AccountIndex(keys::IDENTITY_INDEX_PREFIX)),
    ),
    // The friends an account invited: their addresses are the inviter's data (exported,
    // erased with the inviter); an unjoined invitation and its claim live 90 days (TTL).
    spec(
        ItemKind::Invitation,
        ToAccount(AccountPartition(keys::INVITATION_PREFIX)),
    ),
    spec(
        ItemKind::InvitedAddress,
        ToAccount(AccountPartition(keys::INVITED_PREFIX)),
    ),
    // An address's wish never to be invited: a keyed hash that protects the friend, no
    // account's data, kept when any account is erased.
    spec(ItemKind::InvitationOptOut, ToPlatform),
    // Accounting records: kept for the legal retention period after erasure.
    spec(
        ItemKind::Invoice,
        ToAccount(AccountPartition(keys::INVOICE_PREFIX)),
    ),
    spec(ItemKind::PromotionCode, ToPlatform),
    // A corporate client's company: the account's, its legal identity kept for invoices.
    spec(
        ItemKind::Company,
        ToAccount(AccountPartition(keys::COMPANY_SK)),
    ),
];

impl ItemKind {
    pub fn spec(self) -> &'static KindSpec {
        ITEM_KINDS
            .iter()
            .find(|spec| spec.kind == self)
            .expect("every kind is in the list")
    }
}

pub use keys::classify;

/// The account an item belongs to or is about, by where the list says it is found.
pub fn account_of(kind: ItemKind, item: &Item) -> Option<AccountId> {
    let text = |name: &str| match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value.as_str()),
        _ => None,
    };
    let locator = match kind.spec().belongs {
        ToAccount(locator) | ToPlatformAbout(locator) => locator,
        ToPlatform => return None,
    };
    let raw = match locator {
        AccountItem | AccountPartition(_) => text("pk")?.strip_prefix(keys::ACCOUNT_PREFIX)?,
        AccountIndex(_) => text("gsi1pk")?.strip_prefix(keys::ACCOUNT_PREFIX)?,
        FromAccountItem => text("account_id")?,
        Pointed(_) => text("author_id")?,
    };
    AccountId::parse(raw).ok()
}

impl Store {
    /// Every item that belongs to or is about `account_id`, found the ways the list
    /// says: the account's partition, its entries in `gsi1`, and what the account item
    /// points at. Reads every page.
    pub async fn items_of_account(
        &self,
        account_id: &AccountId,
    ) -> Result<Vec<(ItemKind, Item)>, StoreError> {
        let partition = keys::account(account_id).pk;
        let mut items = self.query_all("pk", &partition, None).await?;
        items.extend(self.query_all("gsi1pk", &partition, Some("gsi1")).await?);
        // What the account's items point at, in one batch read: the e-mail claim (by
        // the account's address) and the threads it started.
        let mut pointed: Vec<keys::Key> = Vec::new();
        for item in &items {
            match (
                keys::kind_of(item),
                item.get("email"),
                item.get("thread_id"),
            ) {
                (Some(ItemKind::Account), Some(AttributeValue::S(email)), _) => {
                    if let Ok(email) = Email::parse(email) {
                        pointed.push(keys::email_claim(&email));
                    }
                }
                (Some(ItemKind::ThreadStarted), _, Some(AttributeValue::S(thread))) => {
                    if let Ok(thread) = ThreadId::parse(thread) {
                        pointed.push(keys::thread(&thread));
                    }
                }
                _ => {}
            }
        }
        if !pointed.is_empty() {
            items.extend(self.batch_get(pointed, None, true).await?);
        }
        let mut found = Vec::new();
        for item in items {
            if let Some(kind) = keys::kind_of(&item)
                && account_of(kind, &item).as_ref() == Some(account_id)
            {
                found.push((kind, item));
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_and_classified_from_its_keys() {
        let id = AccountId::new();
        let ledger = keys::ledger_entry(&id, "01J0000000000000000000000A");
        let thread = ThreadId::new();
        let message = crate::domain::MessageId::new_in(&thread, None);
        let target = crate::domain::ComplaintTarget::Message(message.clone());
        let correction_target = crate::domain::ComplaintTarget::Correction(
            message.clone(),
            crate::domain::CorrectionId::new(),
        );
        let connection = crate::domain::live::ConnectionId::parse("L0SM9cOFvHcCIhw=").unwrap();
        let german = crate::domain::live::Topic::Language("de".into());
        let cases = [
            (keys::account(&id), ItemKind::Account),
            (
                keys::email_claim(&Email::parse("ada@example.com").unwrap()),
                ItemKind::EmailClaim,
            ),
            (
                keys::email_code(&id, crate::domain::CodePurpose::PasswordReset),
                ItemKind::EmailCode,
            ),
            (
                keys::email_change(&id, "01J0000000000000000000000A"),
                ItemKind::EmailChange,
            ),
            (
                keys::session_family(&id, &crate::domain::SessionId::new()),
                ItemKind::SessionFamily,
            ),
            (keys::refresh_token("ab12"), ItemKind::RefreshToken),
            (ledger, ItemKind::LedgerEntry),
            (keys::checkout("cs_test_1"), ItemKind::Purchase),
            (keys::tariff("starter"), ItemKind::Tariff),
            (keys::first_admin(), ItemKind::FirstAdminClaim),
            (
                keys::audit_entry(
                    crate::domain::Timestamp::parse("2026-11-28T00:00:00.000Z").unwrap(),
                    &crate::domain::AuditEntryId::new(),
                ),
                ItemKind::AuditEntry,
            ),
            (keys::thread(&thread), ItemKind::Thread),
            (keys::thread_started(&id, &thread), ItemKind::ThreadStarted),
            (keys::message(&message), ItemKind::Message),
            (keys::revision(&message, 3), ItemKind::Revision),
            (
                keys::correction(&message, &crate::domain::CorrectionId::new()),
                ItemKind::Correction,
            ),
            (
                keys::correction_revision(&message, &crate::domain::CorrectionId::new(), 2),
                ItemKind::CorrectionRevision,
            ),
            (
                keys::upload_claim(&crate::domain::UploadId::new()),
                ItemKind::UploadClaim,
            ),
            (keys::complaint(&target, 0, &id), ItemKind::Complaint),
            (
                keys::complaint_outcome(&target, 0),
                ItemKind::ComplaintOutcome,
            ),
            (keys::queue_entry(&target), ItemKind::QueueEntry),
            (keys::idempotency(&id, "ab12"), ItemKind::IdempotencyRecord),
            (
                keys::terms_acceptance(&id, "01J0000000000000000000000A"),
                ItemKind::TermsAcceptance,
            ),
            (
                keys::consent_change(&id, "01J0000000000000000000000A"),
                ItemKind::ConsentChange,
            ),
            (
                keys::privacy_request(&crate::domain::PrivacyRequestId::new_for(&id)),
                ItemKind::PrivacyRequest,
            ),
            (
                keys::notification(&id, "01J0000000000000000000000A"),
                ItemKind::Notification,
            ),
            (
                keys::breach_notice("01J0000000000000000000000A"),
                ItemKind::BreachNotice,
            ),
            (keys::outbox_email("x-1"), ItemKind::OutboxEmail),
            (keys::live_connection(&connection), ItemKind::LiveConnection),
            (
                keys::listener(&german, &connection),
                ItemKind::LiveSubscription,
            ),
            (
                keys::progress(&id, &crate::domain::LanguageTag::parse("pt-BR").unwrap()),
                ItemKind::Progress,
            ),
            (
                keys::progress_mark(&crate::domain::decide::progress::Counted::Message(
                    message.clone(),
                )),
                ItemKind::ProgressMark,
            ),
            (
                keys::social_authorization("Q2xpZW50U3RhdGU"),
                ItemKind::SocialAuthorization,
            ),
            (
                keys::social_identity(
                    crate::domain::social::Provider::Vk,
                    &crate::domain::social::Subject::parse("1234").unwrap(),
                ),
                ItemKind::SocialIdentity,
            ),
            (
                keys::invitation(&id, &crate::domain::InvitationId::new()),
                ItemKind::Invitation,
            ),
            (keys::invited_address(&id, "ab12"), ItemKind::InvitedAddress),
            (keys::invitation_opt_out("ab12"), ItemKind::InvitationOptOut),
            (keys::promotion_code("WELCOME10"), ItemKind::PromotionCode),
            (
                keys::invoice(
                    &id,
                    crate::domain::Timestamp::parse("2026-11-28T00:00:00.000Z").unwrap(),
                    "in_1",
                ),
                ItemKind::Invoice,
            ),
            (keys::company(&id), ItemKind::Company),
        ];
        for (key, kind) in &cases {
            assert_eq!(classify(&key.pk, &key.sk), Some(*kind), "{key:?}");
        }
        // A complaint about a correction is classified as one about a message.
        for (key, kind) in [
            (
                keys::complaint(&correction_target, 0, &id),
                ItemKind::Complaint,
            ),
            (
                keys::complaint_outcome(&correction_target, 0),
                ItemKind::ComplaintOutcome,
            ),
            (keys::queue_entry(&correction_target), ItemKind::QueueEntry),
            (
                keys::complaint_target(&correction_target),
                ItemKind::Correction,
            ),
            (keys::complaint_target(&target), ItemKind::Message),
        ] {
            assert_eq!(classify(&key.pk, &key.sk), Some(kind), "{key:?}");
        }
        assert_eq!(cases.len(), ITEM_KINDS.len(), "a case per listed kind");
        for kind in ItemKind::ALL {
            assert!(cases.iter().any(|(_, k)| *k == kind), "{kind:?} is listed");
        }
        for spec in ITEM_KINDS {
            assert_eq!(ITEM_KINDS.iter().filter(|s| s.kind == spec.kind).count(), 1);
        }
        assert_eq!(classify("SOMETHING#x", "NEW"), None);
    }
}

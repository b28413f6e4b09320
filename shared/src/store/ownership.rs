//! Every kind of item the table holds, which of them belong to an account, and how to
//! find all of an account's items. Export and erasure walk this list; a test scans the
//! table after every function has run and fails on an item this list does not name.

use aws_sdk_dynamodb::types::AttributeValue;

use super::keys::layout::Samples;
use super::{Item, Store, StoreError, keys};
use crate::domain::decide::progress::Counted;
use crate::domain::live::Topic;
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

/// The store's side of an item kind's declaration (its domain side, what the export
/// and erasure do, is [`ItemKind::rules`]).
pub struct KindSpec {
    pub kind: ItemKind,
    pub belongs: Belongs,
    /// Its keys (and index entries) built from sample values: the docs' key tables show
    /// them, and a test holds [`classify`] to them.
    pub sample_keys: SampleKeys,
}

/// Builds a kind's keys from the samples.
pub type SampleKeys = fn(&Samples) -> (keys::Key, Vec<keys::IndexKey>);

const fn spec(kind: ItemKind, belongs: Belongs, sample_keys: SampleKeys) -> KindSpec {
    KindSpec {
        kind,
        belongs,
        sample_keys,
    }
}

use Belongs::{ToAccount, ToPlatform, ToPlatformAbout};
use Locator::{AccountIndex, AccountItem, AccountPartition, FromAccountItem, Pointed};

/// The list: every kind, where it is found and how its keys are built. Adding an item
/// kind means adding it here (a test fails until it is), its key functions and its arm of
/// [`classify`] to `keys`, and its rules to [`ItemKind::rules`].
pub const ITEM_KINDS: &[KindSpec] = &[
    spec(ItemKind::Account, ToAccount(AccountItem), |s| {
        (keys::account(&s.account), vec![])
    }),
    spec(ItemKind::EmailClaim, ToAccount(FromAccountItem), |s| {
        (keys::email_claim(&s.email), vec![])
    }),
    spec(
        ItemKind::EmailCode,
        ToAccount(AccountPartition(keys::CODE_PREFIX)),
        |s| {
            (
                keys::email_code(&s.account, crate::domain::CodePurpose::PasswordReset),
                vec![],
            )
        },
    ),
    spec(
        ItemKind::EmailChange,
        ToAccount(AccountPartition(keys::EMAIL_CHANGE_PREFIX)),
        |s| (keys::email_change(&s.account, "<ulid>"), vec![]),
    ),
    spec(
        ItemKind::SessionFamily,
        ToAccount(AccountPartition(keys::SESSION_PREFIX)),
        |s| (keys::session_family(&s.account, &s.session), vec![]),
    ),
    spec(
        ItemKind::RefreshToken,
        ToAccount(AccountIndex(keys::REFRESH_INDEX_PREFIX)),
        |s| {
            (
                keys::refresh_token("<hex SHA-256 of the token>"),
                vec![keys::refresh_token_index(&s.account, s.created_at)],
            )
        },
    ),
    spec(
        ItemKind::LedgerEntry,
        ToAccount(AccountPartition(keys::LEDGER_PREFIX)),
        |s| (keys::ledger_entry(&s.account, "<entry_id>"), vec![]),
    ),
    spec(
        ItemKind::Purchase,
        ToAccount(AccountIndex(keys::PURCHASE_INDEX_PREFIX)),
        |s| {
            (
                keys::checkout("<checkout_session_id>"),
                vec![keys::purchase_index(&s.account, s.created_at)],
            )
        },
    ),
    spec(ItemKind::Tariff, ToPlatform, |_| {
        (keys::tariff("<tariff_id>"), vec![])
    }),
    spec(ItemKind::FirstAdminClaim, ToPlatform, |_| {
        (keys::first_admin(), vec![])
    }),
    spec(
        ItemKind::AuditEntry,
        ToPlatformAbout(AccountIndex(keys::AUDIT_INDEX_PREFIX)),
        |s| {
            (
                keys::audit_entry(s.created_at, &s.entry),
                vec![keys::audit_by_target_index(
                    &s.account,
                    s.created_at,
                    &s.entry,
                )],
            )
        },
    ),
    // Published content: it stays public when its author's account is erased.
    spec(
        ItemKind::Thread,
        ToAccount(Pointed(keys::THREAD_STARTED_PREFIX)),
        |s| {
            (
                keys::thread(&s.thread),
                vec![keys::thread_list_index(
                    "<language>",
                    1,
                    &s.thread,
                    s.last_activity_at,
                )],
            )
        },
    ),
    spec(
        ItemKind::ThreadStarted,
        ToAccount(AccountPartition(keys::THREAD_STARTED_PREFIX)),
        |s| (keys::thread_started(&s.account, &s.thread), vec![]),
    ),
    spec(
        ItemKind::Message,
        ToAccount(AccountIndex(keys::MESSAGE_INDEX_PREFIX)),
        |s| {
            (
                keys::message(&s.message),
                vec![keys::message_by_author_index(&s.account, &s.message)],
            )
        },
    ),
    spec(
        ItemKind::Revision,
        ToAccount(AccountIndex(keys::REVISION_INDEX_PREFIX)),
        |s| {
            (
                keys::revision(&s.message, 7),
                vec![keys::revision_by_author_index(&s.account, &s.message, 7)],
            )
        },
    ),
    spec(
        ItemKind::Correction,
        ToAccount(AccountIndex(keys::CORRECTION_INDEX_PREFIX)),
        |s| {
            (
                keys::correction(&s.message, &s.correction),
                vec![keys::correction_by_author_index(&s.account, &s.correction)],
            )
        },
    ),
    spec(
        ItemKind::CorrectionRevision,
        ToAccount(AccountIndex(keys::CORRECTION_REVISION_INDEX_PREFIX)),
        |s| {
            (
                keys::correction_revision(&s.message, &s.correction, 7),
                vec![keys::correction_revision_by_author_index(
                    &s.account,
                    &s.correction,
                    7,
                )],
            )
        },
    ),
    spec(
        ItemKind::UploadClaim,
        ToAccount(AccountIndex(keys::UPLOAD_INDEX_PREFIX)),
        |s| {
            (
                keys::upload_claim(&s.upload),
                vec![keys::upload_claim_index(&s.account, &s.upload)],
            )
        },
    ),
    // The reporter's.
    spec(
        ItemKind::Complaint,
        ToAccount(AccountIndex(keys::COMPLAINT_INDEX_PREFIX)),
        |s| {
            (
                keys::complaint(&s.target, 42, &s.account),
                vec![keys::complaint_by_reporter_index(
                    &s.account,
                    s.created_at,
                    "<complaint_id>",
                )],
            )
        },
    ),
    // Decisions and the queue are the platform's; a queue entry lives only until the
    // message's complaints are decided.
    spec(ItemKind::ComplaintOutcome, ToPlatform, |s| {
        (keys::complaint_outcome(&s.target, 42), vec![])
    }),
    spec(ItemKind::QueueEntry, ToPlatform, |s| {
        (
            keys::queue_entry(&s.target),
            vec![keys::review_queue_index(
                10,
                s.first_complaint_at,
                &s.target,
            )],
        )
    }),
    // The first answer to a request, kept for a day (TTL).
    spec(
        ItemKind::IdempotencyRecord,
        ToAccount(AccountIndex(keys::IDEMPOTENCY_INDEX_PREFIX)),
        |s| {
            (
                keys::idempotency(&s.account, "<hex SHA-256 of the key>"),
                vec![keys::idempotency_index(
                    &s.account,
                    "<hex SHA-256 of the key>",
                )],
            )
        },
    ),
    spec(
        ItemKind::TermsAcceptance,
        ToAccount(AccountPartition(keys::TERMS_PREFIX)),
        |s| (keys::terms_acceptance(&s.account, "<ulid>"), vec![]),
    ),
    spec(
        ItemKind::ConsentChange,
        ToAccount(AccountPartition(keys::CONSENT_PREFIX)),
        |s| (keys::consent_change(&s.account, "<ulid>"), vec![]),
    ),
    spec(
        ItemKind::PrivacyRequest,
        ToAccount(AccountPartition(keys::PRIVACY_REQUEST_PREFIX)),
        |s| {
            (
                keys::privacy_request(&s.request),
                vec![
                    keys::privacy_request_queue(true, s.due_at, &s.request),
                    keys::privacy_request_queue(false, s.due_at, &s.request),
                ],
            )
        },
    ),
    spec(
        ItemKind::Notification,
        ToAccount(AccountPartition(keys::NOTIFICATION_PREFIX)),
        |s| (keys::notification(&s.account, "<id>"), vec![]),
    ),
    // The record of a breach names the accounts affected; what each of them is told is
    // its own notification and e-mail.
    spec(ItemKind::BreachNotice, ToPlatform, |_| {
        (keys::breach_notice("<id>"), vec![])
    }),
    spec(
        ItemKind::OutboxEmail,
        ToAccount(AccountIndex(keys::OUTBOX_INDEX_PREFIX)),
        |s| {
            (
                keys::outbox_email("<id>"),
                vec![keys::outbox_email_index(&s.account, "<id>")],
            )
        },
    ),
    // An account's open WebSockets (a visitor's are nobody's) and what they listen to,
    // for two hours at most (TTL).
    spec(
        ItemKind::LiveConnection,
        ToAccount(AccountIndex(keys::LIVE_INDEX_PREFIX)),
        |s| {
            (
                keys::live_connection(&s.connection),
                vec![keys::live_connection_index(&s.account, &s.connection)],
            )
        },
    ),
    spec(
        ItemKind::LiveSubscription,
        ToAccount(AccountIndex(keys::LIVE_SUBSCRIPTION_INDEX_PREFIX)),
        |s| {
            let topic = Topic::Thread(s.thread.clone());
            (
                keys::listener(&topic, &s.connection),
                vec![keys::live_subscription_index(
                    &s.account,
                    &s.connection,
                    &topic,
                )],
            )
        },
    ),
    // The counters of an account's activity, per language (personal data: exported,
    // erased); the marks that posts were counted name only the post, for two days (TTL).
    spec(
        ItemKind::Progress,
        ToAccount(AccountPartition(keys::PROGRESS_PREFIX)),
        |s| (keys::progress(&s.account, &s.language), vec![]),
    ),
    spec(ItemKind::ProgressMark, ToPlatform, |s| {
        (
            keys::progress_mark(&Counted::Message(s.message.clone())),
            vec![],
        )
    }),
    // A sign-in in progress is nobody's yet (a visitor's), holds no personal data and
    // lives ten minutes (TTL).
    spec(ItemKind::SocialAuthorization, ToPlatform, |_| {
        (keys::social_authorization("<state>"), vec![])
    }),
    // What the provider shared (its id of the person, name, e-mail), linked to the account.
    spec(
        ItemKind::SocialIdentity,
        ToAccount(AccountIndex(keys::IDENTITY_INDEX_PREFIX)),
        |s| {
            let provider = crate::domain::social::Provider::Google;
            (
                keys::social_identity(
                    provider,
                    &crate::domain::social::Subject::parse("<subject>").expect("a sample"),
                ),
                vec![keys::social_identity_index(&s.account, provider)],
            )
        },
    ),
    // The friends an account invited: their addresses are the inviter's data (exported,
    // erased with the inviter); an unjoined invitation and its claim live 90 days (TTL).
    spec(
        ItemKind::Invitation,
        ToAccount(AccountPartition(keys::INVITATION_PREFIX)),
        |s| (keys::invitation(&s.account, &s.invitation), vec![]),
    ),
    spec(
        ItemKind::InvitedAddress,
        ToAccount(AccountPartition(keys::INVITED_PREFIX)),
        |s| (keys::invited_address(&s.account, "<address_hmac>"), vec![]),
    ),
    // An address's wish never to be invited: a keyed hash that protects the friend, no
    // account's data, kept when any account is erased.
    spec(ItemKind::InvitationOptOut, ToPlatform, |_| {
        (keys::invitation_opt_out("<address_hmac>"), vec![])
    }),
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
        let samples = Samples::new();
        for spec in ITEM_KINDS {
            let (key, _) = (spec.sample_keys)(&samples);
            assert_eq!(classify(&key.pk, &key.sk), Some(spec.kind), "{key:?}");
        }
        assert_eq!(ITEM_KINDS.len(), ItemKind::ALL.len(), "a spec per kind");
        for kind in ItemKind::ALL {
            assert_eq!(
                ITEM_KINDS.iter().filter(|spec| spec.kind == *kind).count(),
                1,
                "{kind:?} is listed once"
            );
        }
        let id = AccountId::new();
        let thread = ThreadId::new();
        let message = crate::domain::MessageId::new_in(&thread, None);
        let target = crate::domain::ComplaintTarget::Message(message.clone());
        let correction_target = crate::domain::ComplaintTarget::Correction(
            message.clone(),
            crate::domain::CorrectionId::new(),
        );
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
        assert_eq!(classify("SOMETHING#x", "NEW"), None);
    }
}

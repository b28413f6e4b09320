//! The key layout as data, for the generated tables of `docs/data-model.md`
//! (`cargo run -p natives-codegen`): every item kind's keys, built by the functions of
//! [`super`] from sample values, with each sample shown by the name of what it stands for
//! (`ACCOUNT#<account_id>`). The `match` has no wildcard, so an item kind added to the
//! ownership list does not compile until it says how its keys are built; a test below
//! fails on a key function of [`super`] that no kind uses.

use super::{IndexKey, Key};
use crate::domain::decide::progress::Counted;
use crate::domain::live::{ConnectionId, Topic};
use crate::domain::{
    AccountId, AuditEntryId, CorrectionId, Email, LanguageTag, MessageId, PrivacyRequestId,
    SessionId, ThreadId, Timestamp, UploadId,
};
use crate::store::ownership::{ITEM_KINDS, ItemKind};

/// One item kind's keys, with its samples named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKeys {
    pub kind: ItemKind,
    pub pk: String,
    pub sk: String,
    /// Its entry in `gsi1` as (`gsi1pk`, `gsi1sk`): none, one, or the alternatives it moves
    /// between.
    pub index: Vec<(String, String)>,
}

/// Sample values and the names the tables show for them, longest first (a message id
/// holds its thread's id, a privacy request's id its account's).
const SAMPLES: &[(&str, &str)] = &[
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
const MOMENTS: &[(&str, &str)] = &[
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

const ACCOUNT: &str = "01AAAAAAAAAAAAAAAAAAAAAAA1";
const SESSION: &str = "01AAAAAAAAAAAAAAAAAAAAAAA2";
const THREAD: &str = "01AAAAAAAAAAAAAAAAAAAAAAA3";
const UPLOAD: &str = "01AAAAAAAAAAAAAAAAAAAAAAA4";
const AUDIT_ENTRY: &str = "01AAAAAAAAAAAAAAAAAAAAAAA5";
const CORRECTION: &str = "01AAAAAAAAAAAAAAAAAAAAAAA8";
const MESSAGE_LOCAL: &str = "01BBBBBBBBBBBBBBBBBBBBBBB6";
const REQUEST_LOCAL: &str = "01BBBBBBBBBBBBBBBBBBBBBBB7";
const CONNECTION: &str = "L0SM9cOFvHcCIhw=";
const MESSAGE: &str = "01AAAAAAAAAAAAAAAAAAAAAAA301BBBBBBBBBBBBBBBBBBBBBBB6";
const REQUEST: &str = "01AAAAAAAAAAAAAAAAAAAAAAA101BBBBBBBBBBBBBBBBBBBBBBB7";

/// Every item kind of the ownership list, in its order, with its keys.
pub fn item_keys() -> Vec<ItemKeys> {
    ITEM_KINDS.iter().map(|spec| keys_of(spec.kind)).collect()
}

fn keys_of(kind: ItemKind) -> ItemKeys {
    let account = AccountId::parse(ACCOUNT).expect("a sample id");
    let session = SessionId::parse(SESSION).expect("a sample id");
    let thread = ThreadId::parse(THREAD).expect("a sample id");
    let upload = UploadId::parse(UPLOAD).expect("a sample id");
    let entry = AuditEntryId::parse(AUDIT_ENTRY).expect("a sample id");
    let message = MessageId::parse(MESSAGE).expect("a sample id");
    // Complaints name their target; a message's, as samples (a correction's target is
    // `<message_id>#<correction_id>` in the same places).
    let target = crate::domain::ComplaintTarget::Message(message.clone());
    let request = PrivacyRequestId::parse(REQUEST).expect("a sample id");
    let correction = CorrectionId::parse(CORRECTION).expect("a sample id");
    let connection = ConnectionId::parse(CONNECTION).expect("a sample id");
    let (key, index): (Key, Vec<IndexKey>) = match kind {
        ItemKind::Account => (super::account(&account), vec![]),
        ItemKind::EmailClaim => (
            super::email_claim(&Email::parse(EMAIL).expect("a sample address")),
            vec![],
        ),
        ItemKind::EmailCode => (
            super::email_code(&account, crate::domain::CodePurpose::PasswordReset),
            vec![],
        ),
        ItemKind::EmailChange => (super::email_change(&account, "<ulid>"), vec![]),
        ItemKind::SessionFamily => (super::session_family(&account, &session), vec![]),
        ItemKind::RefreshToken => (
            super::refresh_token("<hex SHA-256 of the token>"),
            vec![super::refresh_token_index(&account, at(CREATED_AT))],
        ),
        ItemKind::LedgerEntry => (super::ledger_entry(&account, "<entry_id>"), vec![]),
        ItemKind::Purchase => (
            super::checkout("<checkout_session_id>"),
            vec![super::purchase_index(&account, at(CREATED_AT))],
        ),
        ItemKind::Tariff => (super::tariff("<tariff_id>"), vec![]),
        ItemKind::AuditEntry => (
            super::audit_entry(at(CREATED_AT), &entry),
            vec![super::audit_by_target_index(
                &account,
                at(CREATED_AT),
                &entry,
            )],
        ),
        ItemKind::Thread => (
            super::thread(&thread),
            vec![super::thread_list_index(
                "<language>",
                1,
                &thread,
                at(LAST_ACTIVITY_AT),
            )],
        ),
        ItemKind::ThreadStarted => (super::thread_started(&account, &thread), vec![]),
        ItemKind::Message => (
            super::message(&message),
            vec![super::message_by_author_index(&account, &message)],
        ),
        ItemKind::Revision => (
            super::revision(&message, 7),
            vec![super::revision_by_author_index(&account, &message, 7)],
        ),
        ItemKind::Correction => (
            super::correction(&message, &correction),
            vec![super::correction_by_author_index(&account, &correction)],
        ),
        ItemKind::CorrectionRevision => (
            super::correction_revision(&message, &correction, 7),
            vec![super::correction_revision_by_author_index(
                &account,
                &correction,
                7,
            )],
        ),
        ItemKind::UploadClaim => (
            super::upload_claim(&upload),
            vec![super::upload_claim_index(&account, &upload)],
        ),
        ItemKind::Complaint => (
            super::complaint(&target, 42, &account),
            vec![super::complaint_by_reporter_index(
                &account,
                at(CREATED_AT),
                "<complaint_id>",
            )],
        ),
        ItemKind::ComplaintOutcome => (super::complaint_outcome(&target, 42), vec![]),
        ItemKind::QueueEntry => (
            super::queue_entry(&target),
            vec![super::review_queue_index(
                10,
                at(FIRST_COMPLAINT_AT),
                &target,
            )],
        ),
        ItemKind::IdempotencyRecord => (
            super::idempotency(&account, "<hex SHA-256 of the key>"),
            vec![super::idempotency_index(
                &account,
                "<hex SHA-256 of the key>",
            )],
        ),
        ItemKind::TermsAcceptance => (super::terms_acceptance(&account, "<ulid>"), vec![]),
        ItemKind::ConsentChange => (super::consent_change(&account, "<ulid>"), vec![]),
        ItemKind::PrivacyRequest => (
            super::privacy_request(&request),
            vec![
                super::privacy_request_queue(true, at(DUE_AT), &request),
                super::privacy_request_queue(false, at(DUE_AT), &request),
            ],
        ),
        ItemKind::Notification => (super::notification(&account, "<id>"), vec![]),
        ItemKind::BreachNotice => (super::breach_notice("<id>"), vec![]),
        ItemKind::OutboxEmail => (
            super::outbox_email("<id>"),
            vec![super::outbox_email_index(&account, "<id>")],
        ),
        ItemKind::FirstAdminClaim => (super::first_admin(), vec![]),
        ItemKind::LiveConnection => (
            super::live_connection(&connection),
            vec![super::live_connection_index(&account, &connection)],
        ),
        ItemKind::LiveSubscription => {
            let topic = Topic::Thread(thread.clone());
            (
                super::listener(&topic, &connection),
                vec![super::live_subscription_index(
                    &account,
                    &connection,
                    &topic,
                )],
            )
        }
        ItemKind::Progress => (
            super::progress(&account, &LanguageTag::parse("x-sample").expect("a tag")),
            vec![],
        ),
        ItemKind::ProgressMark => (
            super::progress_mark(&Counted::Message(message.clone())),
            vec![],
        ),
        ItemKind::SocialAuthorization => (super::social_authorization("<state>"), vec![]),
        ItemKind::SocialIdentity => {
            let provider = crate::domain::social::Provider::Google;
            (
                super::social_identity(
                    provider,
                    &crate::domain::social::Subject::parse("<subject>").expect("a sample"),
                ),
                vec![super::social_identity_index(&account, provider)],
            )
        }
        ItemKind::Invitation => (
            super::invitation(
                &account,
                &crate::domain::InvitationId::parse(UPLOAD).expect("a sample id"),
            ),
            vec![],
        ),
        ItemKind::InvitedAddress => (super::invited_address(&account, "<address_hmac>"), vec![]),
        ItemKind::InvitationOptOut => (super::invitation_opt_out("<address_hmac>"), vec![]),
        ItemKind::Invoice => (
            super::invoice(&account, at(CREATED_AT), "<invoice_id>"),
            vec![],
        ),
        ItemKind::PromotionCode => (super::promotion_code("<CODE>"), vec![]),
        ItemKind::Company => (
            super::company(&account),
            vec![super::company_index(&account)],
        ),
    };
    ItemKeys {
        kind,
        pk: named(&key.pk),
        sk: named(&key.sk),
        index: index
            .iter()
            .map(|entry| (named(&entry.gsi1pk), named(&entry.gsi1sk)))
            .collect(),
    }
}

/// `key` with every sample replaced by its name.
fn named(key: &str) -> String {
    let key = SAMPLES.iter().fold(key.to_owned(), |key, (sample, name)| {
        key.replace(sample, name)
    });
    MOMENTS.iter().fold(key, |key, (sample, name)| {
        key.replace(&at(sample).to_string(), name)
    })
}

/// A sample moment.
fn at(sample: &str) -> Timestamp {
    Timestamp::parse(sample).expect("a sample moment")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every function of the key module that builds an item's key (or its index entry) is
    /// used above, so the tables show every key there is. `no_account` is the key of the
    /// account no one has (an account key, nothing is written there); `complaint_target`
    /// is a message's key or a correction's.
    #[test]
    fn every_key_function_builds_some_kinds_keys() {
        let module = include_str!("../keys.rs");
        let layout = include_str!("layout.rs");
        let mut unused = Vec::new();
        for (start, _) in module.match_indices("pub fn ") {
            let signature = &module[start..];
            let signature = &signature[..signature.find('{').unwrap_or(signature.len())];
            let name = &signature["pub fn ".len()..signature.find('(').unwrap()];
            let builds_a_key = signature.contains("-> Key") || signature.contains("-> IndexKey");
            // `complaint_target` names no key of its own: it picks a message's or a
            // correction's.
            let picks_another = ["no_account", "complaint_target"].contains(&name);
            if builds_a_key && !picks_another && !layout.contains(&format!("super::{name}(")) {
                unused.push(name);
            }
        }
        assert!(
            unused.is_empty(),
            "key functions no item kind uses: {unused:?}"
        );
    }

    #[test]
    fn samples_are_named_and_no_sample_is_left() {
        let keys = item_keys();
        assert_eq!(keys.len(), ITEM_KINDS.len());
        let account = keys.iter().find(|k| k.kind == ItemKind::Account).unwrap();
        assert_eq!(
            (account.pk.as_str(), account.sk.as_str()),
            ("ACCOUNT#<account_id>", "ACCOUNT")
        );
        let queue = keys
            .iter()
            .find(|k| k.kind == ItemKind::QueueEntry)
            .unwrap();
        assert_eq!(
            queue.index,
            [(
                "REVIEW_QUEUE".to_owned(),
                "<999999 − open_complaints, 6 digits>#<first_complaint_at>#<message_id>".to_owned()
            )]
        );
        for item in &keys {
            let texts = [&item.pk, &item.sk]
                .into_iter()
                .chain(item.index.iter().flat_map(|(pk, sk)| [pk, sk]));
            for text in texts {
                assert!(
                    !text.contains("01AAAA") && !text.contains("01BBBB"),
                    "{text}"
                );
            }
        }
    }
}

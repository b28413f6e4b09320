//! The key layout as data, for the generated tables of `docs/data-model.md`
//! (`cargo run -p natives-codegen`): every item kind's keys, built by its entry of the
//! list of kinds ([`super::ITEM_KINDS`]) from sample values, with each sample shown by the name of what it stands
//! for (`ACCOUNT#<account_id>`). A test below fails on a key function of [`super`] that no
//! kind uses.

use super::ITEM_KINDS;
use crate::domain::live::ConnectionId;
use crate::domain::{
    AccountId, AuditEntryId, ComplaintTarget, CorrectionId, Email, InvitationId, LanguageTag,
    MessageId, PrivacyRequestId, SessionId, ThreadId, Timestamp, UploadId,
};
use crate::store::ownership::ItemKind;

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

/// Every item kind of the ownership list, in its order, with its keys.
pub fn item_keys() -> Vec<ItemKeys> {
    let samples = Samples::new();
    ITEM_KINDS
        .iter()
        .map(|spec| {
            let (key, index) = (spec.sample_keys)(&samples);
            ItemKeys {
                kind: spec.kind,
                pk: named(&key.pk),
                sk: named(&key.sk),
                index: index
                    .iter()
                    .map(|entry| (named(&entry.gsi1pk), named(&entry.gsi1sk)))
                    .collect(),
            }
        })
        .collect()
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
        let list = &module[module.find("pub const ITEM_KINDS").expect("the list")..];
        let mut unused = Vec::new();
        for (start, _) in module.match_indices("pub fn ") {
            let signature = &module[start..];
            let signature = &signature[..signature.find('{').unwrap_or(signature.len())];
            let name = &signature["pub fn ".len()..signature.find('(').unwrap()];
            let builds_a_key = signature.contains("-> Key") || signature.contains("-> IndexKey");
            // `complaint_target` names no key of its own: it picks a message's or a
            // correction's.
            let picks_another = ["no_account", "complaint_target"].contains(&name);
            if builds_a_key && !picks_another && !list.contains(&format!("{name}(")) {
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

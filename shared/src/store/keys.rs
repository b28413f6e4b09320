//! Every partition, sort and index key of the single table, and every S3 object key, is
//! built here and only here. Nothing outside this module writes a key string. Here too,
//! the store's side of every item kind's declaration ([`ITEM_KINDS`]): whose it is, where
//! an account's items of it are found, and its keys built from samples, which
//! [`classify`] must read back as that kind.

use crate::domain::ItemKind;
use crate::domain::decide::progress::Counted;
use crate::domain::live::{ConnectionId, Topic};
use crate::domain::social::{Provider, Subject};
use crate::domain::{
    AccountId, AuditEntryId, CodePurpose, ComplaintTarget, CorrectionId, Email, InvitationId,
    LanguageTag, MessageId, PrivacyRequestId, SessionId, ThreadId, Timestamp, UploadId,
};
use Belongs::{ToAccount, ToPlatform, ToPlatformAbout};
use Locator::{AccountIndex, AccountItem, AccountPartition, FromAccountItem, Pointed};
use samples::Samples;

/// The primary key of an item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

fn key(pk: impl Into<String>, sk: impl Into<String>) -> Key {
    Key {
        pk: pk.into(),
        sk: sk.into(),
    }
}

/// The key of an item in the overloaded index `gsi1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKey {
    pub gsi1pk: String,
    pub gsi1sk: String,
}

pub const ACCOUNT_PREFIX: &str = "ACCOUNT#";

fn account_partition(account_id: &AccountId) -> String {
    format!("{ACCOUNT_PREFIX}{account_id}")
}

/// The sort key of an account item (and the head of its partition key).
pub const ACCOUNT_SK: &str = "ACCOUNT";

pub fn account(account_id: &AccountId) -> Key {
    key(account_partition(account_id), ACCOUNT_SK)
}

/// The key of an account no one has: the id of the Unix epoch with no randomness, which
/// no ULID made now can be. A login to an unknown e-mail reads and conditionally
/// updates it, so it makes the same requests as a login to a real account.
pub fn no_account() -> Key {
    account(&no_account_id())
}

/// The id of [`no_account`].
pub fn no_account_id() -> AccountId {
    AccountId::parse(&"0".repeat(26)).expect("the id of the Unix epoch")
}

const EMAIL_CLAIM_PREFIX: &str = "EMAIL#";

/// The claim that makes an e-mail address unique.
pub fn email_claim(email: &Email) -> Key {
    key(format!("{EMAIL_CLAIM_PREFIX}{email}"), "EMAIL")
}

/// The address an e-mail claim's partition key names.
pub fn email_of_claim(pk: &str) -> Option<&str> {
    pk.strip_prefix(EMAIL_CLAIM_PREFIX)
}

pub const CODE_PREFIX: &str = "CODE#";

/// An account's e-mailed code of one purpose.
pub fn email_code(account_id: &AccountId, purpose: CodePurpose) -> Key {
    key(
        account_partition(account_id),
        format!("{CODE_PREFIX}{}", purpose.as_str()),
    )
}

pub const EMAIL_CHANGE_PREFIX: &str = "EMAIL_CHANGE#";

/// One entry of an account's e-mail history.
pub fn email_change(account_id: &AccountId, id: &str) -> Key {
    key(
        account_partition(account_id),
        format!("{EMAIL_CHANGE_PREFIX}{id}"),
    )
}

pub const SESSION_PREFIX: &str = "SESSION#";

/// One login's refresh-token family, under its account.
pub fn session_family(account_id: &AccountId, family_id: &SessionId) -> Key {
    key(
        account_partition(account_id),
        format!("{SESSION_PREFIX}{family_id}"),
    )
}

/// A refresh token, by the hex SHA-256 of its value.
pub fn refresh_token(digest_hex: &str) -> Key {
    key(format!("REFRESH#{digest_hex}"), "REFRESH")
}

pub const REFRESH_INDEX_PREFIX: &str = "REFRESH#";

/// Where an account finds its refresh tokens (their own key is the token's hash).
pub fn refresh_token_index(account_id: &AccountId, created_at: Timestamp) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{REFRESH_INDEX_PREFIX}{created_at}"),
    }
}

/// The tariff catalogue: one partition holds every tariff, so the public price list is
/// a single query.
pub const CATALOG: &str = "CATALOG";
pub const TARIFF_PREFIX: &str = "TARIFF#";

pub fn tariff(tariff_id: &str) -> Key {
    key(CATALOG, format!("{TARIFF_PREFIX}{tariff_id}"))
}

/// The claim that a stack's first admin was appointed: exists once, ever.
pub const FIRST_ADMIN: &str = "FIRST_ADMIN";

pub fn first_admin() -> Key {
    key(CATALOG, FIRST_ADMIN)
}

/// A purchase, by its Checkout Session id: also the claim that credits it once.
pub fn checkout(checkout_session_id: &str) -> Key {
    key(format!("CHECKOUT#{checkout_session_id}"), "CHECKOUT")
}

pub const PURCHASE_INDEX_PREFIX: &str = "PURCHASE#";

/// Where an account finds its purchases.
pub fn purchase_index(account_id: &AccountId, created_at: Timestamp) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{PURCHASE_INDEX_PREFIX}{created_at}"),
    }
}

/// An account's invoices, in its partition, oldest issued first.
pub const INVOICE_PREFIX: &str = "INVOICE#";

/// An invoice, by when it was issued and its id (both fixed when it is issued, so every
/// event about it names the same item).
pub fn invoice(account_id: &AccountId, issued_at: Timestamp, invoice_id: &str) -> Key {
    key(
        account_partition(account_id),
        format!("{INVOICE_PREFIX}{issued_at}#{invoice_id}"),
    )
}

const PROMOTION_CODE_PREFIX: &str = "PROMO#";

/// A local promotion code, by its (upper-case) code.
pub fn promotion_code(code: &str) -> Key {
    key(format!("{PROMOTION_CODE_PREFIX}{code}"), "PROMO")
}

/// Ledger entries of an account sort by their (time-ordered) id.
pub const LEDGER_PREFIX: &str = "LEDGER#";

pub fn ledger_entry(account_id: &AccountId, entry_id: &str) -> Key {
    key(
        account_partition(account_id),
        format!("{LEDGER_PREFIX}{entry_id}"),
    )
}

/// The audit log of moderation and admin actions, oldest first.
pub const AUDIT: &str = "AUDIT";

pub fn audit_entry(created_at: Timestamp, entry_id: &AuditEntryId) -> Key {
    key(AUDIT, audit_position(created_at, entry_id))
}

/// Where an audit entry sorts: its sort key in the log, and (after the prefix) under the
/// account it is about; a page of the log continues from it.
pub fn audit_position(created_at: Timestamp, entry_id: &AuditEntryId) -> String {
    format!("{created_at}#{entry_id}")
}

pub const AUDIT_INDEX_PREFIX: &str = "AUDIT#";

/// Where the audit entries about one account are found (its moderators' history of it).
pub fn audit_by_target_index(
    account_id: &AccountId,
    created_at: Timestamp,
    entry_id: &AuditEntryId,
) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!(
            "{AUDIT_INDEX_PREFIX}{}",
            audit_position(created_at, entry_id)
        ),
    }
}

/// A thread and its messages (and their revisions) share one partition: the first page
/// of a thread is one query that starts at the thread item, which sorts first.
pub const THREAD_PREFIX: &str = "THREAD#";
pub const THREAD_SK: &str = "#THREAD";
pub const MESSAGE_PREFIX: &str = "MESSAGE#";
/// Sorts after every message's sort key (`~` is above every ULID character).
pub const MESSAGES_END: &str = "MESSAGE#~";
pub const REVISION_PREFIX: &str = "REVISION#";

fn thread_partition(thread_id: &ThreadId) -> String {
    format!("{THREAD_PREFIX}{thread_id}")
}

pub fn thread(thread_id: &ThreadId) -> Key {
    key(thread_partition(thread_id), THREAD_SK)
}

pub fn message(message_id: &MessageId) -> Key {
    key(
        thread_partition(message_id.thread()),
        format!("{MESSAGE_PREFIX}{}", message_id.local()),
    )
}

/// Revision `number` of a message; numbers are zero-padded so they sort.
pub fn revision(message_id: &MessageId, number: u32) -> Key {
    key(
        thread_partition(message_id.thread()),
        format!("{}{number:06}", revisions_prefix(message_id)),
    )
}

pub fn revisions_prefix(message_id: &MessageId) -> String {
    format!("{REVISION_PREFIX}{}#", message_id.local())
}

/// Corrections of a message, in its thread's partition. The prefix sorts after every
/// message (`~`), so a page of messages never meets one.
pub const CORRECTION_PREFIX: &str = "~CORRECTION#";

pub fn correction(message_id: &MessageId, correction_id: &CorrectionId) -> Key {
    key(
        thread_partition(message_id.thread()),
        format!("{}{correction_id}", corrections_prefix(message_id)),
    )
}

pub fn corrections_prefix(message_id: &MessageId) -> String {
    format!("{CORRECTION_PREFIX}{}#", message_id.local())
}

/// Earlier versions of a correction, by edit number (zero-padded so they sort). The
/// prefix is not one of a message's corrections, so listing those never meets one.
pub const CORRECTION_REVISION_PREFIX: &str = "~CORRECTION_REVISION#";

pub fn correction_revision(
    message_id: &MessageId,
    correction_id: &CorrectionId,
    number: u32,
) -> Key {
    key(
        thread_partition(message_id.thread()),
        format!(
            "{CORRECTION_REVISION_PREFIX}{}#{correction_id}#{number:06}",
            message_id.local()
        ),
    )
}

/// Where a correction's earlier versions are, in edit order.
pub fn correction_revisions_prefix(message_id: &MessageId, correction_id: &CorrectionId) -> String {
    format!(
        "{CORRECTION_REVISION_PREFIX}{}#{correction_id}#",
        message_id.local()
    )
}

pub const CORRECTION_REVISION_INDEX_PREFIX: &str = "CORRECTION_REVISION#";

/// Where an account finds the earlier versions of its corrections.
pub fn correction_revision_by_author_index(
    author_id: &AccountId,
    correction_id: &CorrectionId,
    number: u32,
) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(author_id),
        gsi1sk: format!("{CORRECTION_REVISION_INDEX_PREFIX}{correction_id}#{number:06}"),
    }
}

pub const CORRECTION_INDEX_PREFIX: &str = "CORRECTION#";

/// Where an account finds the corrections it made.
pub fn correction_by_author_index(author_id: &AccountId, correction_id: &CorrectionId) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(author_id),
        gsi1sk: format!("{CORRECTION_INDEX_PREFIX}{correction_id}"),
    }
}

/// The thread list of one language, most recently active first, written across
/// `shards` partitions so one busy language does not exceed a partition's write limit
/// (docs/scaling.md); a thread's shard follows from its id.
pub fn thread_list_partition(language: &str, shard: u32) -> String {
    format!("THREADS#{}#{shard}", language.to_ascii_lowercase())
}

pub fn thread_list_index(
    language: &str,
    shards: u32,
    thread_id: &ThreadId,
    last_activity_at: Timestamp,
) -> IndexKey {
    IndexKey {
        gsi1pk: thread_list_partition(language, shard_of(thread_id, shards)),
        gsi1sk: thread_list_position(last_activity_at, thread_id),
    }
}

/// Where a thread sorts in its language's list.
pub fn thread_list_position(last_activity_at: Timestamp, thread_id: &ThreadId) -> String {
    format!("{last_activity_at}#{thread_id}")
}

fn shard_of(thread_id: &ThreadId, shards: u32) -> u32 {
    // The last characters of a ULID are random: a fair spread.
    spread(thread_id.as_str().bytes().rev().take(4), shards)
}

/// One of `shards`, by a stable hash of `bytes`.
fn spread(bytes: impl Iterator<Item = u8>, shards: u32) -> u32 {
    bytes.fold(0u32, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u32::from(b))
    }) % shards.max(1)
}

pub const THREAD_STARTED_PREFIX: &str = "THREAD#";

/// The record, under its author, of a thread an account started.
pub fn thread_started(account_id: &AccountId, thread_id: &ThreadId) -> Key {
    key(
        account_partition(account_id),
        format!("{THREAD_STARTED_PREFIX}{thread_id}"),
    )
}

pub const MESSAGE_INDEX_PREFIX: &str = "MESSAGE#";

/// Where an account finds the messages it wrote.
pub fn message_by_author_index(author_id: &AccountId, message_id: &MessageId) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(author_id),
        gsi1sk: format!("{MESSAGE_INDEX_PREFIX}{message_id}"),
    }
}

pub const REVISION_INDEX_PREFIX: &str = "REVISION#";

/// Where an account finds the earlier texts of its messages.
pub fn revision_by_author_index(
    author_id: &AccountId,
    message_id: &MessageId,
    number: u32,
) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(author_id),
        gsi1sk: format!("{REVISION_INDEX_PREFIX}{message_id}#{number:06}"),
    }
}

/// The claim that attaches a voice upload to at most one message.
pub fn upload_claim(upload_id: &UploadId) -> Key {
    key(format!("UPLOAD#{upload_id}"), "UPLOAD")
}

pub const UPLOAD_INDEX_PREFIX: &str = "UPLOAD#";

pub fn upload_claim_index(account_id: &AccountId, upload_id: &UploadId) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{UPLOAD_INDEX_PREFIX}{upload_id}"),
    }
}

/// Complaints about one piece of content and the decisions that settled them share a
/// partition, named by the target (a message's id; `<message id>#<correction id>`).
pub const COMPLAINTS_PREFIX: &str = "COMPLAINTS#";
pub const ROUND_PREFIX: &str = "ROUND#";
pub const OUTCOME_PREFIX: &str = "OUTCOME#";

fn complaints_partition(target: &ComplaintTarget) -> String {
    format!("{COMPLAINTS_PREFIX}{target}")
}

/// The item a complaint or a decision is about: the message, the correction, or the
/// thread.
pub fn complaint_target(target: &ComplaintTarget) -> Key {
    match target {
        ComplaintTarget::Message(message_id) => message(message_id),
        ComplaintTarget::Correction(message_id, correction_id) => {
            correction(message_id, correction_id)
        }
        ComplaintTarget::Thread(thread_id) => thread(thread_id),
    }
}

/// One reporter's complaint in one round: its key makes it one open complaint per
/// reporter and target.
pub fn complaint(target: &ComplaintTarget, round: u32, reporter_id: &AccountId) -> Key {
    key(
        complaints_partition(target),
        format!("{ROUND_PREFIX}{round:06}#{reporter_id}"),
    )
}

/// The decision that settled a round of complaints.
pub fn complaint_outcome(target: &ComplaintTarget, round: u32) -> Key {
    key(
        complaints_partition(target),
        format!("{OUTCOME_PREFIX}{round:06}"),
    )
}

pub const COMPLAINT_INDEX_PREFIX: &str = "COMPLAINT#";

/// Where a reporter finds their complaints, newest last.
pub fn complaint_by_reporter_index(
    reporter_id: &AccountId,
    created_at: Timestamp,
    complaint_id: &str,
) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(reporter_id),
        gsi1sk: format!(
            "{COMPLAINT_INDEX_PREFIX}{}",
            complaint_position(created_at, complaint_id)
        ),
    }
}

/// Where a complaint sorts among its reporter's (after the index prefix); a page of them
/// continues from it.
pub fn complaint_position(created_at: Timestamp, complaint_id: &str) -> String {
    format!("{created_at}#{complaint_id}")
}

/// A message's (or a correction's) entry in the review queue.
pub const QUEUE_PREFIX: &str = "QUEUE#";

pub fn queue_entry(target: &ComplaintTarget) -> Key {
    key(format!("{QUEUE_PREFIX}{target}"), "QUEUE")
}

/// The review queue, most complained first (the count is stored inverted so an
/// ascending query starts with the most), oldest first among equals.
pub const REVIEW_QUEUE: &str = "REVIEW_QUEUE";

pub fn review_queue_index(
    open_complaints: u32,
    first_complaint_at: Timestamp,
    target: &ComplaintTarget,
) -> IndexKey {
    IndexKey {
        gsi1pk: REVIEW_QUEUE.into(),
        gsi1sk: format!(
            "{:06}#{first_complaint_at}#{target}",
            999_999u32.saturating_sub(open_complaints)
        ),
    }
}

/// A client's idempotency key, under the account that sent it.
pub const IDEMPOTENCY_PREFIX: &str = "IDEMPOTENCY#";

pub fn idempotency(account_id: &AccountId, key_digest: &str) -> Key {
    key(
        format!("{IDEMPOTENCY_PREFIX}{account_id}#{key_digest}"),
        "IDEMPOTENCY",
    )
}

pub const IDEMPOTENCY_INDEX_PREFIX: &str = "IDEMPOTENCY#";

/// Where an account's remembered answers are found.
pub fn idempotency_index(account_id: &AccountId, key_digest: &str) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{IDEMPOTENCY_INDEX_PREFIX}{key_digest}"),
    }
}

pub const TERMS_PREFIX: &str = "TERMS#";

/// One acceptance of a terms version, under its account (ids sort by time).
pub fn terms_acceptance(account_id: &AccountId, id: &str) -> Key {
    key(account_partition(account_id), format!("{TERMS_PREFIX}{id}"))
}

pub const CONSENT_PREFIX: &str = "CONSENT#";

/// One change of an account's consents, under the account (ids sort by time).
pub fn consent_change(account_id: &AccountId, id: &str) -> Key {
    key(
        account_partition(account_id),
        format!("{CONSENT_PREFIX}{id}"),
    )
}

pub const PRIVACY_REQUEST_PREFIX: &str = "PRIVACY#";

/// A privacy request, under its account (the id names the account).
pub fn privacy_request(id: &PrivacyRequestId) -> Key {
    key(
        account_partition(id.account()),
        format!("{PRIVACY_REQUEST_PREFIX}{}", id.local()),
    )
}

/// The admins' queue of privacy requests: open ones in one partition, completed ones in
/// another, each ordered by deadline (then id).
pub fn privacy_request_queue_partition(open: bool) -> String {
    format!(
        "PRIVACY_REQUESTS#{}",
        if open { "open" } else { "completed" }
    )
}

pub fn privacy_request_queue(open: bool, due_at: Timestamp, id: &PrivacyRequestId) -> IndexKey {
    IndexKey {
        gsi1pk: privacy_request_queue_partition(open),
        gsi1sk: format!("{due_at}#{id}"),
    }
}

pub const NOTIFICATION_PREFIX: &str = "NOTIFICATION#";

/// A notification to an account (ids sort by time).
pub fn notification(account_id: &AccountId, id: &str) -> Key {
    key(
        account_partition(account_id),
        format!("{NOTIFICATION_PREFIX}{id}"),
    )
}

/// Sorts after every notification's sort key.
pub const NOTIFICATIONS_END: &str = "NOTIFICATION#~";

pub const BREACH_PREFIX: &str = "BREACH#";

/// A breach notice an admin recorded.
pub fn breach_notice(id: &str) -> Key {
    key(format!("{BREACH_PREFIX}{id}"), "BREACH")
}

pub const OUTBOX_PREFIX: &str = "OUTBOX#";

/// An e-mail in the outbox (the table's stream hands it to the sender).
pub fn outbox_email(id: &str) -> Key {
    key(format!("{OUTBOX_PREFIX}{id}"), "OUTBOX")
}

pub const OUTBOX_INDEX_PREFIX: &str = "OUTBOX#";

/// Where an account's e-mails are found (export, erasure).
pub fn outbox_email_index(account_id: &AccountId, id: &str) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{OUTBOX_INDEX_PREFIX}{id}"),
    }
}

pub const LIVE_PREFIX: &str = "LIVE#";
pub const LIVE_CONNECTION_SK: &str = "CONNECTION";

/// A live WebSocket connection: an account's, or a visitor's.
pub fn live_connection(connection: &ConnectionId) -> Key {
    key(format!("{LIVE_PREFIX}{connection}"), LIVE_CONNECTION_SK)
}

pub const LIVE_INDEX_PREFIX: &str = "LIVE#";

/// Where an account finds its live connections (its notifications are pushed to them;
/// they are closed when it is blocked; export, erasure).
pub fn live_connection_index(account_id: &AccountId, connection: &ConnectionId) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{LIVE_INDEX_PREFIX}{connection}"),
    }
}

pub const LIVE_SUBSCRIPTION_INDEX_PREFIX: &str = "LISTENING#";

/// Where an account finds what its live connections listen to (export, erasure).
pub fn live_subscription_index(
    account_id: &AccountId,
    connection: &ConnectionId,
    topic: &Topic,
) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!(
            "{LIVE_SUBSCRIPTION_INDEX_PREFIX}{connection}#{}",
            topic_name(topic)
        ),
    }
}

/// A topic as keys name it: `THREAD#<thread_id>` or `LANGUAGE#<language>`.
fn topic_name(topic: &Topic) -> String {
    match topic {
        Topic::Thread(thread) => format!("THREAD#{thread}"),
        Topic::Language(language) => format!("LANGUAGE#{language}"),
    }
}

pub const LISTENERS_PREFIX: &str = "LISTENERS#";

/// The partitions a topic's listeners are written across: one, until a topic's
/// listeners outgrow a partition's reads or one invocation's pushes (docs/scaling.md,
/// "Live updates"); the fan-out reads every shard.
pub const LISTENER_SHARDS: u32 = 1;

/// One shard of the listeners of a topic: `LISTENERS#THREAD#<thread_id>#<shard>` or
/// `LISTENERS#LANGUAGE#<language>#<shard>`.
pub fn listeners_partition(topic: &Topic, shard: u32) -> String {
    format!("{LISTENERS_PREFIX}{}#{shard}", topic_name(topic))
}

/// A connection's subscription to a topic, among the topic's listeners (sort key: the
/// connection, so a topic's listeners are one query per shard).
pub fn listener(topic: &Topic, connection: &ConnectionId) -> Key {
    let shard = spread(connection.as_str().bytes(), LISTENER_SHARDS);
    key(listeners_partition(topic, shard), connection.as_str())
}

/// An account's progress counters in one language, next to the account item (their
/// sort keys start with [`ACCOUNT_SK`]), so the account and its counters are one query:
/// the caller's standing and its statistics in one read. Keyed by the tag in lower case.
pub const PROGRESS_PREFIX: &str = "ACCOUNT#PROGRESS#";

pub fn progress(account_id: &AccountId, language: &LanguageTag) -> Key {
    key(
        account_partition(account_id),
        format!(
            "{PROGRESS_PREFIX}{}",
            language.as_ref().to_ascii_lowercase()
        ),
    )
}

/// The sort-key prefix of the account item and its progress counters, read together.
pub const ACCOUNT_WITH_PROGRESS: &str = ACCOUNT_SK;

pub const PROGRESS_MARK_PREFIX: &str = "COUNTED#";

/// The mark that a post was counted in the progress statistics (kept a while, TTL).
pub fn progress_mark(counted: &Counted) -> Key {
    let post = match counted {
        Counted::Message(id) => format!("MESSAGE#{id}"),
        Counted::Correction(id) => format!("CORRECTION#{id}"),
    };
    key(format!("{PROGRESS_MARK_PREFIX}{post}"), "COUNTED")
}

/// A social sign-in's state between the redirect and the callback (TTL), by its `state`.
pub fn social_authorization(state: &str) -> Key {
    key(format!("OAUTH_STATE#{state}"), "OAUTH_STATE")
}

/// The claim that makes a provider identity unique: one account per (provider, subject).
pub fn social_identity(provider: Provider, subject: &Subject) -> Key {
    key(
        format!("IDENTITY#{provider}#{}", subject.as_str()),
        "IDENTITY",
    )
}

pub const IDENTITY_INDEX_PREFIX: &str = "IDENTITY#";

/// Where an account finds its identities (export, erasure).
pub fn social_identity_index(account_id: &AccountId, provider: Provider) -> IndexKey {
    IndexKey {
        gsi1pk: account_partition(account_id),
        gsi1sk: format!("{IDENTITY_INDEX_PREFIX}{provider}"),
    }
}

pub const INVITATION_PREFIX: &str = "INVITATION#";

/// An invitation the account sent, in its partition (sorted by time: ids are ULIDs).
pub fn invitation(inviter_id: &AccountId, id: &InvitationId) -> Key {
    key(
        account_partition(inviter_id),
        format!("{INVITATION_PREFIX}{id}"),
    )
}

pub const INVITED_PREFIX: &str = "INVITED#";

/// The claim that the account invited an address, by the address's keyed hash: one
/// invitation per inviter and address.
pub fn invited_address(inviter_id: &AccountId, address_digest: &str) -> Key {
    key(
        account_partition(inviter_id),
        format!("{INVITED_PREFIX}{address_digest}"),
    )
}

/// An address that opted out of invitations, by its keyed hash.
pub fn invitation_opt_out(address_digest: &str) -> Key {
    key(format!("OPT_OUT#{address_digest}"), "OPT_OUT")
}

pub const COMPANY_SK: &str = "COMPANY";

/// The account's company, in its partition (one per account).
pub fn company(account_id: &AccountId) -> Key {
    key(account_partition(account_id), COMPANY_SK)
}

/// The partner managers' list of companies, in `gsi1`, by account.
pub const COMPANIES: &str = "COMPANIES";

pub fn company_index(account_id: &AccountId) -> IndexKey {
    IndexKey {
        gsi1pk: COMPANIES.to_owned(),
        gsi1sk: account_id.to_string(),
    }
}

/// The key of a stored item, as its attributes carry it.
pub fn key_of(item: &super::Item) -> Option<Key> {
    use aws_sdk_dynamodb::types::AttributeValue;
    match (item.get("pk"), item.get("sk")) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => Some(key(pk, sk)),
        _ => None,
    }
}

/// The kind of the item with these keys, if the ownership list names it.
pub fn classify(pk: &str, sk: &str) -> Option<ItemKind> {
    let kind = match (pk.split_once('#').map_or(pk, |(head, _)| head), sk) {
        (ACCOUNT_SK, ACCOUNT_SK) => ItemKind::Account,
        (ACCOUNT_SK, sk) if sk.starts_with(SESSION_PREFIX) => ItemKind::SessionFamily,
        (ACCOUNT_SK, sk) if sk.starts_with(CODE_PREFIX) => ItemKind::EmailCode,
        (ACCOUNT_SK, sk) if sk.starts_with(EMAIL_CHANGE_PREFIX) => ItemKind::EmailChange,
        (ACCOUNT_SK, sk) if sk.starts_with(LEDGER_PREFIX) => ItemKind::LedgerEntry,
        (ACCOUNT_SK, sk) if sk.starts_with(THREAD_STARTED_PREFIX) => ItemKind::ThreadStarted,
        (ACCOUNT_SK, sk) if sk.starts_with(TERMS_PREFIX) => ItemKind::TermsAcceptance,
        (ACCOUNT_SK, sk) if sk.starts_with(CONSENT_PREFIX) => ItemKind::ConsentChange,
        (ACCOUNT_SK, sk) if sk.starts_with(PRIVACY_REQUEST_PREFIX) => ItemKind::PrivacyRequest,
        (ACCOUNT_SK, sk) if sk.starts_with(NOTIFICATION_PREFIX) => ItemKind::Notification,
        (ACCOUNT_SK, sk) if sk.starts_with(PROGRESS_PREFIX) => ItemKind::Progress,
        (ACCOUNT_SK, sk) if sk.starts_with(INVITATION_PREFIX) => ItemKind::Invitation,
        (ACCOUNT_SK, sk) if sk.starts_with(INVITED_PREFIX) => ItemKind::InvitedAddress,
        (ACCOUNT_SK, sk) if sk.starts_with(INVOICE_PREFIX) => ItemKind::Invoice,
        (ACCOUNT_SK, COMPANY_SK) => ItemKind::Company,
        ("COUNTED", "COUNTED") => ItemKind::ProgressMark,
        ("BREACH", "BREACH") => ItemKind::BreachNotice,
        ("OUTBOX", "OUTBOX") => ItemKind::OutboxEmail,
        ("THREAD", THREAD_SK) => ItemKind::Thread,
        ("THREAD", sk) if sk.starts_with(MESSAGE_PREFIX) => ItemKind::Message,
        ("THREAD", sk) if sk.starts_with(REVISION_PREFIX) => ItemKind::Revision,
        ("THREAD", sk) if sk.starts_with(CORRECTION_PREFIX) => ItemKind::Correction,
        ("THREAD", sk) if sk.starts_with(CORRECTION_REVISION_PREFIX) => {
            ItemKind::CorrectionRevision
        }
        ("UPLOAD", "UPLOAD") => ItemKind::UploadClaim,
        ("COMPLAINTS", sk) if sk.starts_with(ROUND_PREFIX) => ItemKind::Complaint,
        ("COMPLAINTS", sk) if sk.starts_with(OUTCOME_PREFIX) => ItemKind::ComplaintOutcome,
        ("QUEUE", "QUEUE") => ItemKind::QueueEntry,
        ("IDEMPOTENCY", "IDEMPOTENCY") => ItemKind::IdempotencyRecord,
        ("EMAIL", "EMAIL") => ItemKind::EmailClaim,
        ("REFRESH", "REFRESH") => ItemKind::RefreshToken,
        ("CHECKOUT", "CHECKOUT") => ItemKind::Purchase,
        (CATALOG, sk) if sk.starts_with(TARIFF_PREFIX) => ItemKind::Tariff,
        (CATALOG, FIRST_ADMIN) => ItemKind::FirstAdminClaim,
        (AUDIT, _) => ItemKind::AuditEntry,
        ("LIVE", LIVE_CONNECTION_SK) => ItemKind::LiveConnection,
        ("LISTENERS", _) => ItemKind::LiveSubscription,
        ("OAUTH_STATE", "OAUTH_STATE") => ItemKind::SocialAuthorization,
        ("IDENTITY", "IDENTITY") => ItemKind::SocialIdentity,
        ("OPT_OUT", "OPT_OUT") => ItemKind::InvitationOptOut,
        ("PROMO", "PROMO") => ItemKind::PromotionCode,
        _ => return None,
    };
    Some(kind)
}

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
pub type SampleKeys = fn(&Samples) -> (Key, Vec<IndexKey>);

const fn spec(kind: ItemKind, belongs: Belongs, sample_keys: SampleKeys) -> KindSpec {
    KindSpec {
        kind,
        belongs,
        sample_keys,
    }
}

/// The list: every kind, where it is found and how its keys are built. Adding an item
/// kind means adding it here (a test fails until it is), its key functions and its arm of
/// [`classify`] to `keys`, and its rules to [`ItemKind::rules`].
pub const ITEM_KINDS: &[KindSpec] = &[
    spec(ItemKind::Account, ToAccount(AccountItem), |s| {
        (account(&s.account), vec![])
    }),
    spec(ItemKind::EmailClaim, ToAccount(FromAccountItem), |s| {
        (email_claim(&s.email), vec![])
    }),
    spec(
        ItemKind::EmailCode,
        ToAccount(AccountPartition(CODE_PREFIX)),
        |s| {
            (
                email_code(&s.account, crate::domain::CodePurpose::PasswordReset),
                vec![],
            )
        },
    ),
    spec(
        ItemKind::EmailChange,
        ToAccount(AccountPartition(EMAIL_CHANGE_PREFIX)),
        |s| (email_change(&s.account, "<ulid>"), vec![]),
    ),
    spec(
        ItemKind::SessionFamily,
        ToAccount(AccountPartition(SESSION_PREFIX)),
        |s| (session_family(&s.account, &s.session), vec![]),
    ),
    spec(
        ItemKind::RefreshToken,
        ToAccount(AccountIndex(REFRESH_INDEX_PREFIX)),
        |s| {
            (
                refresh_token("<hex SHA-256 of the token>"),
                vec![refresh_token_index(&s.account, s.created_at)],
            )
        },
    ),
    spec(
        ItemKind::LedgerEntry,
        ToAccount(AccountPartition(LEDGER_PREFIX)),
        |s| (ledger_entry(&s.account, "<entry_id>"), vec![]),
    ),
    spec(
        ItemKind::Purchase,
        ToAccount(AccountIndex(PURCHASE_INDEX_PREFIX)),
        |s| {
            (
                checkout("<checkout_session_id>"),
                vec![purchase_index(&s.account, s.created_at)],
            )
        },
    ),
    spec(ItemKind::Tariff, ToPlatform, |_| {
        (tariff("<tariff_id>"), vec![])
    }),
    spec(ItemKind::FirstAdminClaim, ToPlatform, |_| {
        (first_admin(), vec![])
    }),
    spec(
        ItemKind::AuditEntry,
        ToPlatformAbout(AccountIndex(AUDIT_INDEX_PREFIX)),
        |s| {
            (
                audit_entry(s.created_at, &s.entry),
                vec![audit_by_target_index(&s.account, s.created_at, &s.entry)],
            )
        },
    ),
    // Published content: it stays public when its author's account is erased.
    spec(
        ItemKind::Thread,
        ToAccount(Pointed(THREAD_STARTED_PREFIX)),
        |s| {
            (
                thread(&s.thread),
                vec![thread_list_index(
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
        ToAccount(AccountPartition(THREAD_STARTED_PREFIX)),
        |s| (thread_started(&s.account, &s.thread), vec![]),
    ),
    spec(
        ItemKind::Message,
        ToAccount(AccountIndex(MESSAGE_INDEX_PREFIX)),
        |s| {
            (
                message(&s.message),
                vec![message_by_author_index(&s.account, &s.message)],
            )
        },
    ),
    spec(
        ItemKind::Revision,
        ToAccount(AccountIndex(REVISION_INDEX_PREFIX)),
        |s| {
            (
                revision(&s.message, 7),
                vec![revision_by_author_index(&s.account, &s.message, 7)],
            )
        },
    ),
    spec(
        ItemKind::Correction,
        ToAccount(AccountIndex(CORRECTION_INDEX_PREFIX)),
        |s| {
            (
                correction(&s.message, &s.correction),
                vec![correction_by_author_index(&s.account, &s.correction)],
            )
        },
    ),
    spec(
        ItemKind::CorrectionRevision,
        ToAccount(AccountIndex(CORRECTION_REVISION_INDEX_PREFIX)),
        |s| {
            (
                correction_revision(&s.message, &s.correction, 7),
                vec![correction_revision_by_author_index(
                    &s.account,
                    &s.correction,
                    7,
                )],
            )
        },
    ),
    spec(
        ItemKind::UploadClaim,
        ToAccount(AccountIndex(UPLOAD_INDEX_PREFIX)),
        |s| {
            (
                upload_claim(&s.upload),
                vec![upload_claim_index(&s.account, &s.upload)],
            )
        },
    ),
    // The reporter's.
    spec(
        ItemKind::Complaint,
        ToAccount(AccountIndex(COMPLAINT_INDEX_PREFIX)),
        |s| {
            (
                complaint(&s.target, 42, &s.account),
                vec![complaint_by_reporter_index(
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
        (complaint_outcome(&s.target, 42), vec![])
    }),
    spec(ItemKind::QueueEntry, ToPlatform, |s| {
        (
            queue_entry(&s.target),
            vec![review_queue_index(10, s.first_complaint_at, &s.target)],
        )
    }),
    // The first answer to a request, kept for a day (TTL).
    spec(
        ItemKind::IdempotencyRecord,
        ToAccount(AccountIndex(IDEMPOTENCY_INDEX_PREFIX)),
        |s| {
            (
                idempotency(&s.account, "<hex SHA-256 of the key>"),
                vec![idempotency_index(&s.account, "<hex SHA-256 of the key>")],
            )
        },
    ),
    spec(
        ItemKind::TermsAcceptance,
        ToAccount(AccountPartition(TERMS_PREFIX)),
        |s| (terms_acceptance(&s.account, "<ulid>"), vec![]),
    ),
    spec(
        ItemKind::ConsentChange,
        ToAccount(AccountPartition(CONSENT_PREFIX)),
        |s| (consent_change(&s.account, "<ulid>"), vec![]),
    ),
    spec(
        ItemKind::PrivacyRequest,
        ToAccount(AccountPartition(PRIVACY_REQUEST_PREFIX)),
        |s| {
            (
                privacy_request(&s.request),
                vec![
                    privacy_request_queue(true, s.due_at, &s.request),
                    privacy_request_queue(false, s.due_at, &s.request),
                ],
            )
        },
    ),
    spec(
        ItemKind::Notification,
        ToAccount(AccountPartition(NOTIFICATION_PREFIX)),
        |s| (notification(&s.account, "<id>"), vec![]),
    ),
    // The record of a breach names the accounts affected; what each of them is told is
    // its own notification and e-mail.
    spec(ItemKind::BreachNotice, ToPlatform, |_| {
        (breach_notice("<id>"), vec![])
    }),
    spec(
        ItemKind::OutboxEmail,
        ToAccount(AccountIndex(OUTBOX_INDEX_PREFIX)),
        |s| {
            (
                outbox_email("<id>"),
                vec![outbox_email_index(&s.account, "<id>")],
            )
        },
    ),
    // An account's open WebSockets (a visitor's are nobody's) and what they listen to,
    // for two hours at most (TTL).
    spec(
        ItemKind::LiveConnection,
        ToAccount(AccountIndex(LIVE_INDEX_PREFIX)),
        |s| {
            (
                live_connection(&s.connection),
                vec![live_connection_index(&s.account, &s.connection)],
            )
        },
    ),
    spec(
        ItemKind::LiveSubscription,
        ToAccount(AccountIndex(LIVE_SUBSCRIPTION_INDEX_PREFIX)),
        |s| {
            let topic = Topic::Thread(s.thread.clone());
            (
                listener(&topic, &s.connection),
                vec![live_subscription_index(&s.account, &s.connection, &topic)],
            )
        },
    ),
    // The counters of an account's activity, per language (personal data: exported,
    // erased); the marks that posts were counted name only the post, for two days (TTL).
    spec(
        ItemKind::Progress,
        ToAccount(AccountPartition(PROGRESS_PREFIX)),
        |s| (progress(&s.account, &s.language), vec![]),
    ),
    spec(ItemKind::ProgressMark, ToPlatform, |s| {
        (progress_mark(&Counted::Message(s.message.clone())), vec![])
    }),
    // A sign-in in progress is nobody's yet (a visitor's), holds no personal data and
    // lives ten minutes (TTL).
    spec(ItemKind::SocialAuthorization, ToPlatform, |_| {
        (social_authorization("<state>"), vec![])
    }),
    // What the provider shared (its id of the person, name, e-mail), linked to the account.
    spec(
        ItemKind::SocialIdentity,
        ToAccount(AccountIndex(IDENTITY_INDEX_PREFIX)),
        |s| {
            let provider = crate::domain::social::Provider::Google;
            (
                social_identity(
                    provider,
                    &crate::domain::social::Subject::parse("<subject>").expect("a sample"),
                ),
                vec![social_identity_index(&s.account, provider)],
            )
        },
    ),
    // The friends an account invited: their addresses are the inviter's data (exported,
    // erased with the inviter); an unjoined invitation and its claim live 90 days (TTL).
    spec(
        ItemKind::Invitation,
        ToAccount(AccountPartition(INVITATION_PREFIX)),
        |s| (invitation(&s.account, &s.invitation), vec![]),
    ),
    spec(
        ItemKind::InvitedAddress,
        ToAccount(AccountPartition(INVITED_PREFIX)),
        |s| (invited_address(&s.account, "<address_hmac>"), vec![]),
    ),
    // An address's wish never to be invited: a keyed hash that protects the friend, no
    // account's data, kept when any account is erased.
    spec(ItemKind::InvitationOptOut, ToPlatform, |_| {
        (invitation_opt_out("<address_hmac>"), vec![])
    }),
    // Accounting records: kept for the legal retention period after erasure.
    spec(
        ItemKind::Invoice,
        ToAccount(AccountPartition(INVOICE_PREFIX)),
        |s| (invoice(&s.account, s.created_at, "<invoice_id>"), vec![]),
    ),
    spec(ItemKind::PromotionCode, ToPlatform, |_| {
        (promotion_code("<CODE>"), vec![])
    }),
    // A corporate client's company: the account's, its legal identity kept for invoices.
    spec(
        ItemKind::Company,
        ToAccount(AccountPartition(COMPANY_SK)),
        |s| (company(&s.account), vec![company_index(&s.account)]),
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

/// The kind of a stored item, by its keys.
pub fn kind_of(item: &super::Item) -> Option<ItemKind> {
    let key = key_of(item)?;
    classify(&key.pk, &key.sk)
}

/// A new item the table's stream delivers that a stream consumer acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamedItem {
    /// An e-mail queued in the outbox, by its id.
    OutboxEmail(String),
    /// A breach notice to fan out, by its id.
    BreachNotice(String),
}

/// What the item a stream record names by its keys is, for a stream consumer.
pub fn streamed_item(keys: serde_dynamo::Item) -> Option<StreamedItem> {
    #[derive(serde::Deserialize)]
    struct TableKey {
        pk: String,
    }
    let TableKey { pk } = serde_dynamo::from_item(keys).ok()?;
    item_of_partition(&pk)
}

fn item_of_partition(pk: &str) -> Option<StreamedItem> {
    if let Some(id) = pk.strip_prefix(OUTBOX_PREFIX) {
        Some(StreamedItem::OutboxEmail(id.to_owned()))
    } else {
        pk.strip_prefix(BREACH_PREFIX)
            .map(|id| StreamedItem::BreachNotice(id.to_owned()))
    }
}

/// The partition keys above as IAM `StringLike` patterns, for the `dynamodb:LeadingKeys`
/// condition of each function's policy (`functions/src/table.rs`). A test holds every
/// key a function touches to the patterns of its row.
pub mod leading {
    /// An account and everything under it (sessions, ledger, terms, consents, privacy
    /// requests, notifications, threads started); in the index, every account's lists.
    pub const ACCOUNTS: &str = "ACCOUNT#*";
    pub const EMAIL_CLAIMS: &str = "EMAIL#*";
    pub const REFRESH_TOKENS: &str = "REFRESH#*";
    /// Tariffs and the first-admin claim.
    pub const CATALOG: &str = super::CATALOG;
    pub const CHECKOUTS: &str = "CHECKOUT#*";
    pub const AUDIT: &str = super::AUDIT;
    /// A thread, its messages and their revisions.
    pub const THREADS: &str = "THREAD#*";
    /// The index's thread lists by language.
    pub const THREAD_LISTS: &str = "THREADS#*";
    pub const UPLOAD_CLAIMS: &str = "UPLOAD#*";
    pub const COMPLAINTS: &str = "COMPLAINTS#*";
    pub const QUEUE_ENTRIES: &str = "QUEUE#*";
    /// The index's review queue.
    pub const REVIEW_QUEUE: &str = super::REVIEW_QUEUE;
    pub const IDEMPOTENCY: &str = "IDEMPOTENCY#*";
    /// The index's queues of privacy requests (open, completed).
    pub const PRIVACY_QUEUES: &str = "PRIVACY_REQUESTS#*";
    pub const BREACH_NOTICES: &str = "BREACH#*";
    pub const OUTBOX: &str = "OUTBOX#*";
    /// Live WebSocket connections.
    pub const LIVE_CONNECTIONS: &str = "LIVE#*";
    /// The listeners of each topic (a thread, a language), by connection.
    pub const LISTENERS: &str = "LISTENERS#*";
    /// The marks that posts were counted in the progress statistics.
    pub const PROGRESS_MARKS: &str = "COUNTED#*";
    /// Social sign-ins in progress, by state.
    pub const SOCIAL_AUTHORIZATIONS: &str = "OAUTH_STATE#*";
    /// Provider identities' claims.
    pub const SOCIAL_IDENTITIES: &str = "IDENTITY#*";
    /// Addresses that opted out of invitations, by keyed hash.
    pub const INVITATION_OPT_OUTS: &str = "OPT_OUT#*";
    /// The local stack's promotion codes.
    pub const PROMOTION_CODES: &str = "PROMO#*";
    /// The index's list of companies.
    pub const COMPANIES: &str = super::COMPANIES;
}

/// S3 object keys.
pub mod objects {
    use super::{AccountId, MessageId, UploadId};

    /// A voice upload in the staging bucket, under its uploader (so a policy or a
    /// lifecycle rule can name one account's uploads).
    pub fn staged_upload(account_id: &AccountId, upload_id: &UploadId) -> String {
        format!("uploads/{account_id}/{upload_id}")
    }

    pub const STAGING_PREFIX: &str = "uploads/";

    /// A recording in the archive bucket, named after the message that published it:
    /// one message, one recording, never replaced.
    pub fn archived_voice(message_id: &MessageId) -> String {
        format!("voice/{message_id}")
    }

    pub const ARCHIVE_PREFIX: &str = "voice/";

    /// A profile photo in the photos bucket, under its owner and the upload it was made
    /// from: a new photo is a new key (so a new URL), and erasure finds it by the account.
    pub fn profile_photo(account_id: &AccountId, photo: &UploadId) -> String {
        format!("photos/{account_id}/{photo}/photo.jpg")
    }

    /// Its thumbnail.
    pub fn profile_thumbnail(account_id: &AccountId, photo: &UploadId) -> String {
        format!("photos/{account_id}/{photo}/thumbnail.jpg")
    }

    pub const PHOTOS_PREFIX: &str = "photos/";
}

/// The layout above as data, for the generated tables of `docs/data-model.md`.
pub mod layout;
pub mod samples;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AccountId, ThreadId};

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
            (complaint(&correction_target, 0, &id), ItemKind::Complaint),
            (
                complaint_outcome(&correction_target, 0),
                ItemKind::ComplaintOutcome,
            ),
            (queue_entry(&correction_target), ItemKind::QueueEntry),
            (complaint_target(&correction_target), ItemKind::Correction),
            (complaint_target(&target), ItemKind::Message),
        ] {
            assert_eq!(classify(&key.pk, &key.sk), Some(kind), "{key:?}");
        }
        assert_eq!(classify("SOMETHING#x", "NEW"), None);
    }
}

//! Posting: a new thread or a reply is one transaction with its debit (see
//! [`super::ledger`]); editing keeps every earlier text.

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::admission::GateCondition;
use super::expr::Condition;
use super::ledger::{BalanceChange, BalanceOutcome};
use super::transaction::{Transaction, TransactionError, check, put_new, update};
use super::{Remembered, Store, StoreError, StoredAnswer, indexed, key_item, keys, n, s, to_item};
use crate::domain::Timestamp;
use crate::domain::{
    AccountId, LedgerEntry, LedgerKind, Message, MessageId, MessageKind, Revision, Thread,
    ThreadId, UploadId, Voice,
};
use crate::gate::{Gate, Refusal};

/// What a post says: a text or a verified upload, optionally replying to a message of
/// the same thread.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub content: PostContent,
    pub reply_to: Option<MessageId>,
}

#[derive(Debug, Clone)]
pub enum PostContent {
    Text(String),
    /// An upload the staging bucket holds, checked: its type, size and SHA-256.
    Voice {
        upload_id: UploadId,
        content_type: String,
        size_bytes: i64,
        sha256: String,
    },
}

/// A new thread's own fields.
#[derive(Debug, Clone)]
pub struct NewThread {
    pub language: String,
    pub title: String,
    /// How many partitions the language's thread list is written across.
    pub list_shards: u32,
}

/// A committed post.
#[derive(Debug)]
pub struct Posted {
    /// The new thread, when the post opened one.
    pub thread: Option<Thread>,
    pub message: Message,
    pub entry: LedgerEntry,
}

#[derive(Debug)]
pub enum PostOutcome {
    Posted(Box<Posted>),
    /// Nothing was written.
    Insufficient {
        available: i64,
    },
    /// The gate refused the caller; nothing was written.
    Refused(Refusal),
    NoSuchThread,
    NoSuchReplyTarget,
    UploadAlreadyAttached,
    /// The idempotency key was used before: its first answer is to be replayed.
    KeyUsed,
}

/// How a post under an idempotency key renders the answer to remember.
pub type PostAnswer<'a> =
    Remembered<'a, dyn Fn(&Message, Option<&Thread>) -> StoredAnswer + Sync + 'a>;

#[derive(Debug)]
pub enum EditOutcome {
    Edited(Box<Message>),
    Refused(Refusal),
    /// The message changed since it was read (another edit): nothing was written.
    Changed,
}

/// The record that an upload was attached, so it is attached once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadClaim {
    pub upload_id: UploadId,
    pub account_id: AccountId,
    pub message_id: MessageId,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum PostPart {
    Idempotency,
    Thread,
    ThreadStarted,
    Message,
    ReplyTarget,
    Upload,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum EditPart {
    Message,
    Revision,
    Author,
}

/// Retries of a post whose id lost the race for its thread's order.
const MAX_POST_ATTEMPTS: u32 = 50;

impl Store {
    /// Opens a thread with its first message and pays `cost` for it, in one request.
    pub async fn start_thread(
        &self,
        caller: &Gate,
        cost: i64,
        new: &NewThread,
        post: &NewPost,
        remember: Option<&PostAnswer<'_>>,
        now: OffsetDateTime,
    ) -> Result<PostOutcome, StoreError> {
        let thread_id = ThreadId::new();
        let message = self.message_of(caller, MessageId::new_in(&thread_id, None), post, now);
        let thread = Thread {
            id: thread_id.clone(),
            language: new.language.clone(),
            title: new.title.clone(),
            author_id: caller.account_id.clone(),
            created_at: message.created_at,
            last_activity_at: message.created_at,
            message_count: 1,
            last_message_id: message.id.clone(),
        };
        let thread_item = indexed(
            to_item(&thread, keys::thread(&thread.id)),
            keys::thread_list_index(
                &thread.language,
                new.list_shards,
                &thread.id,
                thread.last_activity_at,
            ),
        );
        let started = to_item(
            &serde_json::json!({ "thread_id": thread.id, "created_at": thread.created_at }),
            keys::thread_started(&caller.account_id, &thread.id),
        );
        let mut parts = self.remembered(remember, &message, Some(&thread), now);
        parts.push((PostPart::Thread, put_new(&self.table, thread_item)));
        parts.push((PostPart::ThreadStarted, put_new(&self.table, started)));
        parts.extend(self.message_parts(&message, post, now));
        match self
            .pay_for_post(caller, cost, &message, parts, now)
            .await?
        {
            Paid::Done(entry) => Ok(PostOutcome::Posted(Box::new(Posted {
                thread: Some(thread),
                message,
                entry,
            }))),
            Paid::Refused(outcome) => Ok(outcome),
            Paid::PartRefused(part) => Err(StoreError::Backend(format!(
                "a new thread's {part:?} already existed"
            ))),
        }
    }

    /// Replies in a thread and pays `cost` for it, in one request: the message, the
    /// thread's activity and order, the debit and the ledger entry commit together.
    pub async fn reply(
        &self,
        caller: &Gate,
        cost: i64,
        thread_id: &ThreadId,
        post: &NewPost,
        remember: Option<&PostAnswer<'_>>,
        now: OffsetDateTime,
    ) -> Result<PostOutcome, StoreError> {
        if let Some(target) = &post.reply_to
            && target.thread() != thread_id
        {
            return Ok(PostOutcome::NoSuchReplyTarget);
        }
        let mut head: Option<MessageId> = None;
        for _ in 0..MAX_POST_ATTEMPTS {
            let message = self.message_of(
                caller,
                MessageId::new_in(thread_id, head.as_ref()),
                post,
                now,
            );
            let mut parts = self.remembered(remember, &message, None, now);
            parts.push((PostPart::Thread, self.thread_activity(&message)));
            parts.extend(self.message_parts(&message, post, now));
            if let Some(target) = &post.reply_to {
                parts.push((
                    PostPart::ReplyTarget,
                    check(
                        &self.table,
                        key_item(&keys::message(target)),
                        Condition::new("attribute_exists(pk)"),
                    ),
                ));
            }
            match self
                .pay_for_post(caller, cost, &message, parts, now)
                .await?
            {
                Paid::Done(entry) => {
                    return Ok(PostOutcome::Posted(Box::new(Posted {
                        thread: None,
                        message,
                        entry,
                    })));
                }
                Paid::Refused(outcome) => return Ok(outcome),
                Paid::PartRefused(PostPart::ReplyTarget) => {
                    return Ok(PostOutcome::NoSuchReplyTarget);
                }
                Paid::PartRefused(PostPart::Thread) => match self.thread(thread_id).await? {
                    None => return Ok(PostOutcome::NoSuchThread),
                    // Another message came first: follow it.
                    Some(thread) => head = Some(thread.last_message_id),
                },
                Paid::PartRefused(_) => {}
            }
        }
        Err(StoreError::Backend(
            "a reply kept losing the race for its thread's order".into(),
        ))
    }

    fn message_of(
        &self,
        caller: &Gate,
        id: MessageId,
        post: &NewPost,
        now: OffsetDateTime,
    ) -> Message {
        let (kind, text, voice) = match &post.content {
            PostContent::Text(text) => (MessageKind::Text, Some(text.clone()), None),
            PostContent::Voice {
                content_type,
                size_bytes,
                sha256,
                ..
            } => (
                MessageKind::Voice,
                None,
                Some(Voice {
                    key: keys::objects::archived_voice(&id),
                    content_type: content_type.clone(),
                    size_bytes: *size_bytes,
                    sha256: sha256.clone(),
                }),
            ),
        };
        Message {
            thread_id: id.thread().clone(),
            id,
            author_id: caller.account_id.clone(),
            kind,
            text,
            voice,
            reply_to: post.reply_to.clone(),
            created_at: Timestamp::at(now),
            edited_at: None,
            revision: 0,
            status: Default::default(),
            moderation: None,
            complaint_round: 0,
            open_complaints: 0,
            counted_complaints: 0,
        }
    }

    /// The record of the answer, first, so a used key is the refusal reported.
    fn remembered(
        &self,
        remember: Option<&PostAnswer<'_>>,
        message: &Message,
        thread: Option<&Thread>,
        now: OffsetDateTime,
    ) -> Vec<(PostPart, TransactWriteItem)> {
        remember
            .map(|r| {
                let answer = (r.answer)(message, thread);
                (
                    PostPart::Idempotency,
                    self.idempotency_record(r.request, answer, now),
                )
            })
            .into_iter()
            .collect()
    }

    /// The message, and the upload claim when it carries a recording.
    fn message_parts(
        &self,
        message: &Message,
        post: &NewPost,
        now: OffsetDateTime,
    ) -> Vec<(PostPart, TransactWriteItem)> {
        let item = indexed(
            to_item(message, keys::message(&message.id)),
            keys::message_by_author_index(&message.author_id, &message.id),
        );
        let mut parts = vec![(PostPart::Message, put_new(&self.table, item))];
        if let PostContent::Voice { upload_id, .. } = &post.content {
            let claim = UploadClaim {
                upload_id: upload_id.clone(),
                account_id: message.author_id.clone(),
                message_id: message.id.clone(),
                created_at: Timestamp::at(now),
            };
            let item = indexed(
                to_item(&claim, keys::upload_claim(upload_id)),
                keys::upload_claim_index(&message.author_id, upload_id),
            );
            parts.push((PostPart::Upload, put_new(&self.table, item)));
        }
        parts
    }

    /// The thread's activity moves to the new message, on condition that the message
    /// sorts after the thread's newest one (messages commit in id order).
    fn thread_activity(&self, message: &Message) -> TransactWriteItem {
        update(
            &self.table,
            key_item(&keys::thread(&message.thread_id)),
            "SET last_activity_at = :at, last_message_id = :id, gsi1sk = :position, message_count = message_count + :one",
            Condition::new("attribute_exists(pk)")
                .and("last_message_id < :id")
                .value(":at", s(message.created_at))
                .value(":id", s(message.id.to_string()))
                .value(
                    ":position",
                    s(keys::thread_list_position(
                        message.created_at,
                        &message.thread_id,
                    )),
                )
                .value(":one", n(1)),
        )
    }

    async fn pay_for_post(
        &self,
        caller: &Gate,
        cost: i64,
        message: &Message,
        parts: Vec<(PostPart, TransactWriteItem)>,
        now: OffsetDateTime,
    ) -> Result<Paid, StoreError> {
        let change = BalanceChange {
            account_id: caller.account_id.clone(),
            delta: -cost,
            kind: LedgerKind::Spend,
            reference: message.id.to_string(),
            reason: None,
            gate: Some(caller),
            with: parts,
            with_entry: None,
        };
        Ok(match self.change_balance(change, None, now).await? {
            BalanceOutcome::Applied { entry, .. } => Paid::Done(entry),
            BalanceOutcome::Insufficient { available } => {
                Paid::Refused(PostOutcome::Insufficient { available })
            }
            BalanceOutcome::Refused(refusal) => Paid::Refused(PostOutcome::Refused(refusal)),
            BalanceOutcome::NoAccount => {
                Paid::Refused(PostOutcome::Refused(Refusal::Unauthenticated))
            }
            BalanceOutcome::PartRefused(PostPart::Idempotency) => {
                Paid::Refused(PostOutcome::KeyUsed)
            }
            BalanceOutcome::PartRefused(PostPart::Upload) => {
                Paid::Refused(PostOutcome::UploadAlreadyAttached)
            }
            BalanceOutcome::PartRefused(part) => Paid::PartRefused(part),
        })
    }

    /// Replaces the text of `message` (as read) by the caller, its author, keeping the
    /// text it replaces as a revision: one transaction, conditioned on the message not
    /// having changed since it was read and on the gate.
    pub async fn edit_message(
        &self,
        caller: &Gate,
        message: &Message,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<EditOutcome, StoreError> {
        let now_text = Timestamp::at(now);
        let next = message.revision + 1;
        let revision = Revision {
            message_id: message.id.clone(),
            number: message.revision,
            text: message.text.clone().unwrap_or_default(),
            created_at: message.edited_at.unwrap_or(message.created_at),
            replaced_at: now_text,
        };
        let revision_item = indexed(
            to_item(&revision, keys::revision(&message.id, revision.number)),
            keys::revision_by_author_index(&message.author_id, &message.id, revision.number),
        );
        let result = Transaction::new()
            .part(
                EditPart::Message,
                update(
                    &self.table,
                    key_item(&keys::message(&message.id)),
                    "SET #text = :text, edited_at = :now, revision = :next",
                    Condition::new("revision = :seen")
                        .and("author_id = :author")
                        .name("#text", "text")
                        .value(":text", s(text))
                        .value(":now", s(now_text))
                        .value(":next", n(next))
                        .value(":seen", n(message.revision))
                        .value(":author", s(caller.account_id.as_str())),
                ),
            )
            .part(EditPart::Revision, put_new(&self.table, revision_item))
            .part(
                EditPart::Author,
                check(
                    &self.table,
                    key_item(&keys::account(&caller.account_id)),
                    caller.condition(now),
                ),
            )
            .commit_retrying_conflicts(self)
            .await;
        match result {
            Ok(()) => Ok(EditOutcome::Edited(Box::new(Message {
                text: Some(text.to_owned()),
                edited_at: Some(now_text),
                revision: next,
                ..message.clone()
            }))),
            Err(error) if error.refused(EditPart::Author) => Ok(EditOutcome::Refused(
                self.explain_refusal(caller, now).await?,
            )),
            Err(TransactionError::Refused(_)) => Ok(EditOutcome::Changed),
            Err(TransactionError::Conflict) => Ok(EditOutcome::Changed),
            Err(TransactionError::Store(error)) => Err(error),
        }
    }

    pub async fn upload_claim(
        &self,
        upload_id: &UploadId,
    ) -> Result<Option<UploadClaim>, StoreError> {
        self.get_as(keys::upload_claim(upload_id)).await
    }
}

enum Paid {
    Done(LedgerEntry),
    Refused(PostOutcome),
    PartRefused(PostPart),
}

//! Posting: a new thread or a reply is one transaction with its debit (see
//! [`super::ledger`]); editing keeps every earlier text. What each writes is decided in
//! [`crate::domain::decide::posting`].

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, check, put_new, update};
use super::{
    Failure, Remembered, Store, StoreError, from_item, indexed, key_item, keys, n, s, to_item,
    value,
};
use crate::domain::decide::Seen;
use crate::domain::decide::posting::{
    self, EditPlan, EditRefusal, EditState, NewPost, NewThread, PostContent, PostPlan, PostRefusal,
    ReplyState,
};
use crate::domain::idempotency::StoredAnswer;
use crate::domain::{
    AccountId, Message, MessageId, MessageStatus, MessageText, Thread, ThreadId, Timestamp,
    UploadId,
};
use crate::gate::Gate;

/// How a post under an idempotency key renders the answer to remember.
pub type PostAnswer<'a> =
    Remembered<'a, dyn Fn(&Message, Option<&Thread>) -> StoredAnswer + Sync + 'a>;

/// The record that an upload was attached, so it is attached once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadClaim {
    pub upload_id: UploadId,
    pub account_id: AccountId,
    pub message_id: MessageId,
    pub created_at: Timestamp,
}

/// The record, under its author, of a thread an account started.
#[derive(Serialize)]
struct ThreadStarted<'a> {
    thread_id: &'a ThreadId,
    created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum PostPart {
    Idempotency,
    Upload,
    ReplyTarget,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum EditPart {
    Message,
    Other,
}

impl Store {
    /// Opens a thread with its first message and pays `cost` for it, in one request
    /// ([`posting::start_thread`]). `list_shards`: how many partitions the language's
    /// thread list is written across.
    #[allow(clippy::too_many_arguments)]
    pub async fn start_thread(
        &self,
        caller: &Gate,
        new: &NewThread,
        post: &NewPost,
        cost: i64,
        list_shards: u32,
        remember: Option<&PostAnswer<'_>>,
        now: OffsetDateTime,
    ) -> Result<PostPlan, Failure<PostRefusal>> {
        retrying(move |attempt| async move {
            let seen = match attempt {
                0 => Seen::Unread,
                _ => Seen::Read(self.get_account(&caller.account_id).await?),
            };
            let plan = posting::start_thread(
                caller,
                seen,
                new,
                post,
                cost,
                keys::objects::archived_voice,
                now,
            )
            .map_err(Attempt::Refused)?;
            let thread = plan.thread.as_ref().expect("a new thread");
            let thread_item = indexed(
                to_item(thread, keys::thread(&thread.id)),
                keys::thread_list_index(
                    thread.language.as_ref(),
                    list_shards,
                    &thread.id,
                    thread.last_activity_at,
                ),
            );
            let started = to_item(
                &ThreadStarted {
                    thread_id: &thread.id,
                    created_at: thread.created_at,
                },
                keys::thread_started(&caller.account_id, &thread.id),
            );
            let transaction = self
                .remembered(remember, &plan, now)
                .part(PostPart::Other, put_new(&self.table, thread_item))
                .part(PostPart::Other, put_new(&self.table, started));
            self.commit_post(transaction, plan, post, now).await
        })
        .await
    }

    /// Replies in a thread and pays `cost` for it, in one request ([`posting::reply`]):
    /// the message, the thread's activity and order, the debit and the ledger entry
    /// commit together; the thread's newest message must sort before the new one.
    pub async fn reply(
        &self,
        caller: &Gate,
        thread_id: &ThreadId,
        post: &NewPost,
        cost: i64,
        remember: Option<&PostAnswer<'_>>,
        now: OffsetDateTime,
    ) -> Result<PostPlan, Failure<PostRefusal>> {
        retrying(move |attempt| async move {
            let seen = match attempt {
                0 => Seen::Unread,
                _ => {
                    let (account, thread) = self
                        .get_two(keys::account(&caller.account_id), keys::thread(thread_id))
                        .await?;
                    Seen::Read(Some(ReplyState {
                        account: account.map(from_item).transpose()?,
                        thread: thread.map(from_item).transpose()?,
                    }))
                }
            };
            let plan = posting::reply(
                caller,
                seen,
                thread_id,
                post,
                cost,
                keys::objects::archived_voice,
                now,
            )
            .map_err(Attempt::Refused)?;
            let mut transaction = self.remembered(remember, &plan, now).part(
                PostPart::Other,
                self.thread_activity(
                    &plan.message,
                    plan.thread_seen
                        .expect("a reply is decided on its thread's status"),
                ),
            );
            if let Some(target) = &post.reply_to {
                transaction = transaction.part(
                    PostPart::ReplyTarget,
                    check(
                        &self.table,
                        key_item(&keys::message(target)),
                        // A hidden or removed message takes no replies: a reply would
                        // lean on content nobody may read.
                        Condition::new("attribute_exists(pk)")
                            .and("attribute_not_exists(#status) OR #status = :visible")
                            .name("#status", "status")
                            .value(":visible", value(&MessageStatus::Visible)),
                    ),
                );
            }
            self.commit_post(transaction, plan, post, now).await
        })
        .await
    }

    /// The record of the answer, first, so a used key is the refusal reported.
    fn remembered(
        &self,
        remember: Option<&PostAnswer<'_>>,
        plan: &PostPlan,
        now: OffsetDateTime,
    ) -> Transaction<PostPart> {
        let transaction = Transaction::new();
        match remember {
            None => transaction,
            Some(remember) => {
                let answer = (remember.answer)(&plan.message, plan.thread.as_ref());
                transaction.part(
                    PostPart::Idempotency,
                    self.idempotency_record(remember.request, answer, now),
                )
            }
        }
    }

    /// Commits a post's transaction with its message, its upload claim and its payment.
    async fn commit_post(
        &self,
        transaction: Transaction<PostPart>,
        plan: PostPlan,
        post: &NewPost,
        now: OffsetDateTime,
    ) -> Result<PostPlan, Attempt<PostRefusal>> {
        let [balance, entry] = self.ledger_parts(&plan.ledger, now);
        let result = transaction
            .parts(self.message_parts(&plan.message, post, now))
            .part(PostPart::Other, balance)
            .part(PostPart::Other, entry)
            .commit(self)
            .await;
        match result {
            Ok(()) => Ok(plan),
            Err(error) if error.refused(PostPart::Idempotency) => {
                Err(Attempt::Refused(PostRefusal::KeyUsed))
            }
            Err(error) if error.refused(PostPart::Upload) => {
                Err(Attempt::Refused(PostRefusal::UploadAlreadyAttached))
            }
            Err(error) if error.refused(PostPart::ReplyTarget) => {
                Err(Attempt::Refused(PostRefusal::NoSuchReplyTarget))
            }
            // The thread moved on, the account may not act or is too poor: read and
            // decide again.
            Err(error) => Err(error.into()),
        }
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
        let mut parts = vec![(PostPart::Other, put_new(&self.table, item))];
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
    /// sorts after the thread's newest one (messages commit in id order) and that the
    /// thread's status is still the one the reply was decided on (`seen`).
    fn thread_activity(&self, message: &Message, seen: MessageStatus) -> TransactWriteItem {
        update(
            &self.table,
            key_item(&keys::thread(&message.thread_id)),
            "SET last_activity_at = :at, last_message_id = :id, gsi1sk = :position, message_count = message_count + :one",
            Condition::new("attribute_exists(pk)")
                .and("last_message_id < :id")
                .and_all(status_as_read(seen))
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

    /// The author replaces the text of their message by `text`, keeping the text it
    /// replaces as a revision ([`posting::edit_message`]): the message, its thread and
    /// the account read together, then one transaction conditioned on the message's
    /// revision being the one read, on its thread's status as read and on the gate. An edit that raced another one is refused, not
    /// redone on the other's text.
    pub async fn edit_message(
        &self,
        caller: &Gate,
        message_id: &MessageId,
        text: &MessageText,
        now: OffsetDateTime,
    ) -> Result<EditPlan, Failure<EditRefusal>> {
        let first_seen_revision = &std::sync::OnceLock::new();
        retrying(move |_| async move {
            let message_key = keys::message(message_id);
            let thread_key = keys::thread(message_id.thread());
            let mut state = EditState {
                message: None,
                thread: None,
                account: None,
                first_seen_revision: first_seen_revision.get().copied(),
            };
            for item in self
                .batch_get(
                    [
                        message_key.clone(),
                        thread_key.clone(),
                        keys::account(&caller.account_id),
                    ],
                    None,
                    true,
                )
                .await?
            {
                match keys::key_of(&item) {
                    Some(key) if key == message_key => state.message = Some(from_item(item)?),
                    Some(key) if key == thread_key => state.thread = Some(from_item(item)?),
                    _ => state.account = Some(from_item(item)?),
                }
            }
            let plan = posting::edit_message(caller, state, text, now).map_err(Attempt::Refused)?;
            let _ = first_seen_revision.set(plan.seen_revision);
            let edited = &plan.edited;
            let revision_item = indexed(
                to_item(
                    &plan.revision,
                    keys::revision(&edited.id, plan.revision.number),
                ),
                keys::revision_by_author_index(&edited.author_id, &edited.id, plan.revision.number),
            );
            let result = Transaction::new()
                .part(
                    EditPart::Message,
                    update(
                        &self.table,
                        key_item(&keys::message(&edited.id)),
                        "SET #text = :text, edited_at = :edited_at, revision = :next",
                        // Still as visible as it was read: a moderator's hide in
                        // between refuses the edit.
                        Condition::new("revision = :seen")
                            .and("author_id = :author")
                            .and("attribute_not_exists(#status) OR #status = :visible")
                            .name("#status", "status")
                            .value(":visible", value(&MessageStatus::Visible))
                            .name("#text", "text")
                            .value(":text", value(&edited.text))
                            .value(":edited_at", s(edited.edited_at.expect("edited")))
                            .value(":next", n(edited.revision))
                            .value(":seen", n(plan.seen_revision))
                            .value(":author", s(caller.account_id.as_str())),
                    ),
                )
                .part(EditPart::Other, put_new(&self.table, revision_item))
                .part(
                    EditPart::Other,
                    check(
                        &self.table,
                        key_item(&thread_key),
                        Condition::new("attribute_exists(pk)")
                            .and_all(status_as_read(plan.thread_seen)),
                    ),
                )
                .part(
                    EditPart::Other,
                    account_part(
                        &self.table,
                        &crate::domain::AccountWrite::gate_check(caller),
                        now,
                    ),
                )
                .commit(self)
                .await;
            match result {
                Ok(()) => Ok(plan),
                Err(error) if error.refused(EditPart::Message) => {
                    Err(Attempt::Refused(EditRefusal::Changed))
                }
                Err(error) => Err(error.into()),
            }
        })
        .await
    }

    pub async fn upload_claim(
        &self,
        upload_id: &UploadId,
    ) -> Result<Option<UploadClaim>, StoreError> {
        self.get_as(keys::upload_claim(upload_id)).await
    }
}

/// The condition that an item's moderation `status` is still `seen`: an item written
/// before it carried one reads as visible, so for visible its absence is as read too.
pub(super) fn status_as_read(seen: MessageStatus) -> Condition {
    let clause = if seen == MessageStatus::default() {
        "#status = :seen_status OR attribute_not_exists(#status)"
    } else {
        "#status = :seen_status"
    };
    Condition::new(clause)
        .name("#status", "status")
        .value(":seen_status", value(&seen))
}

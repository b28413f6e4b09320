//! Posting as decisions: what a post costs, the thread and message it makes, what it
//! pays and on which conditions, and which edits of a message are allowed.

use std::time::Duration;

use time::OffsetDateTime;

use super::Seen;
use super::credits::{BalanceChange, BalanceRefusal, Knowing, LedgerPlan, change_balance};
use crate::domain::{
    Account, ActionCosts, LanguageTag, LedgerKind, Message, MessageId, MessageKind, MessageStatus,
    MessageText, Revision, Thread, ThreadId, ThreadTitle, Timestamp, UploadId, Viewer, Voice,
    VoiceContentType,
};
use crate::gate::{Gate, Refusal};

/// Edits a message may have: enough for any honest use, and a bound on its history.
pub const MAX_REVISIONS: u32 = 100;

/// What a post says: a text or a verified upload, optionally replying to a message of
/// the same thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub content: PostContent,
    pub reply_to: Option<MessageId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostContent {
    Text(MessageText),
    /// An upload the staging bucket holds, checked: its type, size and SHA-256, and the
    /// recording probed (audio in that container, its duration measured).
    Voice {
        upload_id: UploadId,
        content_type: VoiceContentType,
        size_bytes: i64,
        sha256: String,
        duration: Duration,
        /// The staged object's ETag as probed: the archive copies that version only.
        etag: String,
    },
}

/// A new thread's own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewThread {
    pub language: LanguageTag,
    pub title: ThreadTitle,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostRefusal {
    Gate(Refusal),
    /// Nothing was written.
    Insufficient {
        required: i64,
        available: i64,
    },
    /// No such thread, or a hidden or removed one the caller does not see.
    NoSuchThread,
    /// The thread is hidden or removed: its author and moderators see it, nobody posts
    /// in it (a post would lean on, and be listed under, a title nobody else may read).
    ThreadHidden,
    NoSuchReplyTarget,
    /// The upload is attached to a message already.
    UploadAlreadyAttached,
    /// The idempotency key was used before: its first answer is to be replayed.
    KeyUsed,
}

/// What a paid action costs.
pub fn cost(content: &PostContent, costs: &ActionCosts) -> i64 {
    match content {
        PostContent::Text(_) => costs.text_message,
        PostContent::Voice { .. } => costs.voice_message,
    }
}

/// A post: the thread it opens (or `None` for a reply), its message, and its payment
/// (the debit and its ledger entry, in the same transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPlan {
    pub thread: Option<Thread>,
    pub message: Message,
    pub ledger: LedgerPlan,
    /// For a reply, the status of its thread the reply was decided on (always visible:
    /// the decision refuses any other): the commit's condition, so a hide that commits
    /// between the read and the write refuses the post.
    pub thread_seen: Option<MessageStatus>,
}

/// Why a thread takes no post (or correction) of the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedThread {
    /// No such thread, or hidden from the caller: as if there were none.
    NotFound,
    /// Hidden or removed, and the caller (its author or a moderator) sees it.
    Hidden,
}

/// Whether a post may go into `thread` as read, by the holder of `account`: only a
/// visible thread takes posts; one hidden or removed is not found by whoever may not see
/// it, and refused as hidden to its author and moderators.
pub fn open_thread(thread: Option<&Thread>, account: Option<&Account>) -> Result<(), ClosedThread> {
    let thread = thread.ok_or(ClosedThread::NotFound)?;
    if thread.status == MessageStatus::Visible {
        return Ok(());
    }
    let viewer = account.map(|a| Viewer::new(a.id.clone(), &a.roles));
    if thread.visible_to(viewer.as_ref()) {
        Err(ClosedThread::Hidden)
    } else {
        Err(ClosedThread::NotFound)
    }
}

/// What a reply is decided on after a refused attempt: the author's account and the
/// thread, read together.
#[derive(Debug, Clone)]
pub struct ReplyState {
    pub account: Option<Account>,
    pub thread: Option<Thread>,
}

/// The caller opens a thread with a first message and pays `cost` for it, in one
/// request: decided blind (the payment's conditions check the gate and the balance),
/// and on the account as read after a refusal. `archive_key` names where a message's
/// recording is archived.
pub fn start_thread(
    gate: &Gate,
    seen: Seen<Account>,
    new: &NewThread,
    post: &NewPost,
    cost: i64,
    archive_key: impl Fn(&MessageId) -> String,
    now: OffsetDateTime,
) -> Result<PostPlan, PostRefusal> {
    let thread_id = ThreadId::new();
    let message = message(
        gate,
        MessageId::new_in(&thread_id, None),
        post,
        archive_key,
        now,
    );
    let thread = Thread::opened(
        new.language.clone(),
        new.title.clone(),
        gate.account_id.clone(),
        &message,
    );
    let ledger = pay(gate, seen, &message, cost, now)?;
    Ok(PostPlan {
        thread: Some(thread),
        message,
        ledger,
        thread_seen: None,
    })
}

/// The caller replies in a thread and pays `cost` for it: blind first (on the thread
/// being visible, which the commit checks); after a refusal, on the account and the
/// thread as read (the new message's id follows the thread's newest, so messages commit
/// in id order). A reply names a message of the same thread, and goes only into a
/// visible thread ([`open_thread`]).
pub fn reply(
    gate: &Gate,
    seen: Seen<ReplyState>,
    thread_id: &ThreadId,
    post: &NewPost,
    cost: i64,
    archive_key: impl Fn(&MessageId) -> String,
    now: OffsetDateTime,
) -> Result<PostPlan, PostRefusal> {
    if post
        .reply_to
        .as_ref()
        .is_some_and(|target| target.thread() != thread_id)
    {
        return Err(PostRefusal::NoSuchReplyTarget);
    }
    let (account, head) = match seen {
        Seen::Unread => (Seen::Unread, None),
        Seen::Read(state) => {
            let state = state.expect("a reply reads its account and thread together");
            gate.admit(state.account.as_ref(), now)
                .map_err(PostRefusal::Gate)?;
            open_thread(state.thread.as_ref(), state.account.as_ref()).map_err(|closed| {
                match closed {
                    ClosedThread::NotFound => PostRefusal::NoSuchThread,
                    ClosedThread::Hidden => PostRefusal::ThreadHidden,
                }
            })?;
            let thread = state.thread.expect("an open thread");
            (Seen::Read(state.account), Some(thread.last_message_id))
        }
    };
    let id = MessageId::new_in(thread_id, head.as_ref());
    let message = message(gate, id, post, archive_key, now);
    let ledger = pay(gate, account, &message, cost, now)?;
    Ok(PostPlan {
        thread: None,
        message,
        ledger,
        thread_seen: Some(MessageStatus::Visible),
    })
}

/// The debit for `message`, by its author the gate names.
fn pay(
    gate: &Gate,
    seen: Seen<Account>,
    message: &Message,
    cost: i64,
    now: OffsetDateTime,
) -> Result<LedgerPlan, PostRefusal> {
    let change = BalanceChange {
        account_id: gate.account_id.clone(),
        delta: -cost,
        kind: LedgerKind::Spend,
        reference: message.id.to_string(),
        reason: None,
    };
    change_balance(&change, seen, Some(gate), Knowing::Blind, now).map_err(
        |refusal| match refusal {
            BalanceRefusal::Gate(refusal) => PostRefusal::Gate(refusal),
            BalanceRefusal::NoAccount => PostRefusal::Gate(Refusal::Unauthenticated),
            BalanceRefusal::Insufficient { available } => PostRefusal::Insufficient {
                required: cost,
                available,
            },
        },
    )
}

fn message(
    gate: &Gate,
    id: MessageId,
    post: &NewPost,
    archive_key: impl Fn(&MessageId) -> String,
    now: OffsetDateTime,
) -> Message {
    let (kind, text, voice) = match &post.content {
        PostContent::Text(text) => (MessageKind::Text, Some(text.clone()), None),
        PostContent::Voice {
            content_type,
            size_bytes,
            sha256,
            duration,
            ..
        } => (
            MessageKind::Voice,
            None,
            Some(Voice {
                key: archive_key(&id),
                content_type: content_type.as_str().to_owned(),
                size_bytes: *size_bytes,
                sha256: sha256.clone(),
                duration_ms: Some(duration.as_millis() as u64),
                destroyed_at: None,
            }),
        ),
    };
    Message {
        thread_id: id.thread().clone(),
        id,
        author_id: gate.account_id.clone(),
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
        corrections_count: 0,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditRefusal {
    Gate(Refusal),
    NoSuchMessage,
    /// Only its author edits a message.
    NotAuthor,
    /// A recording is never replaced.
    Voice,
    /// The message has been edited [`MAX_REVISIONS`] times.
    TooManyEdits,
    /// The message changed since it was first read (another edit): nothing was written.
    Changed,
    /// Hidden (under review) or removed: its text stays as the moderator read it, so
    /// an edit cannot clean it up for a restore and put the offence back afterwards.
    Moderated(MessageStatus),
    /// Its thread is hidden or removed (and the caller, its author or a moderator, sees
    /// it): its messages stay as the moderator read them, and nothing of it is pushed.
    ThreadHidden,
}

/// What an edit is decided on: the message, its thread and the caller's account, read
/// together, and the revision the edit was first decided on (a later attempt must find
/// the same).
#[derive(Debug, Clone)]
pub struct EditState {
    pub message: Option<Message>,
    pub thread: Option<Thread>,
    pub account: Option<Account>,
    pub first_seen_revision: Option<u32>,
}

/// An edit: the message as read (its revision is the condition) and as edited, the
/// text it replaces kept as a revision, the gate's check on the author, and whom the
/// author is as a viewer (to show the edited message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditPlan {
    pub seen_revision: u32,
    pub edited: Message,
    pub revision: Revision,
    pub viewer: Viewer,
    /// The thread's status the edit was decided on (always visible): the commit's
    /// condition, so a hide of the thread in between refuses the edit.
    pub thread_seen: MessageStatus,
}

/// The author replaces the text of their message (visible to them) by `text`, keeping
/// the text it replaces as a revision. Recordings are never replaced.
pub fn edit_message(
    gate: &Gate,
    state: EditState,
    text: &MessageText,
    now: OffsetDateTime,
) -> Result<EditPlan, EditRefusal> {
    gate.admit(state.account.as_ref(), now)
        .map_err(EditRefusal::Gate)?;
    let account = state.account.expect("admitted");
    let viewer = Viewer::new(account.id.clone(), &account.roles);
    let message = state
        .message
        .filter(|m| m.visible_to(Some(&viewer)))
        .ok_or(EditRefusal::NoSuchMessage)?;
    open_thread(state.thread.as_ref(), Some(&account)).map_err(|closed| match closed {
        ClosedThread::NotFound => EditRefusal::NoSuchMessage,
        ClosedThread::Hidden => EditRefusal::ThreadHidden,
    })?;
    if message.author_id != gate.account_id {
        return Err(EditRefusal::NotAuthor);
    }
    if message.status != MessageStatus::Visible {
        return Err(EditRefusal::Moderated(message.status));
    }
    let Some(replaced) = message
        .text
        .clone()
        .filter(|_| message.kind == MessageKind::Text)
    else {
        return Err(EditRefusal::Voice);
    };
    if state
        .first_seen_revision
        .is_some_and(|first| first != message.revision)
    {
        return Err(EditRefusal::Changed);
    }
    if message.revision >= MAX_REVISIONS {
        return Err(EditRefusal::TooManyEdits);
    }
    let at = Timestamp::at(now);
    let revision = Revision {
        message_id: message.id.clone(),
        number: message.revision,
        text: replaced,
        created_at: message.edited_at.unwrap_or(message.created_at),
        replaced_at: at,
    };
    let edited = Message {
        text: Some(text.clone()),
        edited_at: Some(at),
        revision: message.revision + 1,
        ..message.clone()
    };
    Ok(EditPlan {
        seen_revision: message.revision,
        edited,
        revision,
        viewer,
        thread_seen: MessageStatus::Visible,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccountCondition;
    use crate::domain::decide::tests::{account, gate_of, message_by, thread_of};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    fn text(raw: &str) -> PostContent {
        PostContent::Text(MessageText::parse(raw, &crate::domain::ContentRules::default()).unwrap())
    }

    fn key(id: &MessageId) -> String {
        format!("voice/{id}")
    }

    #[test]
    fn each_action_has_its_price() {
        let costs = ActionCosts::default();
        let voice = PostContent::Voice {
            upload_id: UploadId::new(),
            content_type: VoiceContentType::Ogg,
            size_bytes: 10,
            sha256: "x".into(),
            duration: Duration::from_secs(2),
            etag: "\"e\"".into(),
        };
        assert_eq!(cost(&text("Hi"), &costs), costs.text_message);
        assert_eq!(cost(&voice, &costs), costs.voice_message);
    }

    #[test]
    fn a_new_thread_is_paid_for_in_the_same_write_as_its_first_message() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        let new = NewThread {
            language: LanguageTag::parse("de").unwrap(),
            title: ThreadTitle::parse("Feierabend", &crate::domain::ContentRules::default())
                .unwrap(),
        };
        let post = NewPost {
            content: text("Wie sagt man das?"),
            reply_to: None,
        };
        let plan = start_thread(&gate, Seen::Unread, &new, &post, 5, key, NOW).unwrap();
        let thread = plan.thread.unwrap();
        assert_eq!(thread.last_message_id, plan.message.id);
        assert_eq!(plan.message.thread_id, thread.id);
        assert_eq!(
            plan.message.text.as_ref().map(AsRef::as_ref),
            Some("Wie sagt man das?")
        );
        assert_eq!(plan.ledger.entry.credits, -5);
        assert_eq!(plan.ledger.entry.reference, plan.message.id.to_string());
        assert!(
            plan.ledger
                .account
                .requires
                .contains(&AccountCondition::Covers(5))
        );
        let mut poor = ada.clone();
        poor.balance_credits = 4;
        assert_eq!(
            start_thread(&gate, Seen::Read(Some(poor)), &new, &post, 5, key, NOW).err(),
            Some(PostRefusal::Insufficient {
                required: 5,
                available: 4
            })
        );
    }

    #[test]
    fn a_reply_follows_the_threads_newest_message_and_names_one_of_its_messages() {
        let mut ada = account(&[]);
        ada.balance_credits = 10;
        let gate = gate_of(&ada);
        let first = message_by(&ada);
        let thread_id = first.thread_id.clone();
        let thread = thread_of(&ada, &first);
        let post = |reply_to| NewPost {
            content: text("Ja"),
            reply_to,
        };
        let read = |thread: Option<Thread>| {
            Seen::Read(Some(ReplyState {
                account: Some(ada.clone()),
                thread,
            }))
        };
        let plan = reply(
            &gate,
            read(Some(thread.clone())),
            &thread_id,
            &post(Some(first.id.clone())),
            1,
            key,
            NOW,
        )
        .unwrap();
        assert!(plan.message.id.local() > first.id.local());
        assert_eq!(plan.message.reply_to, Some(first.id.clone()));
        assert_eq!(
            reply(&gate, read(None), &thread_id, &post(None), 1, key, NOW).err(),
            Some(PostRefusal::NoSuchThread)
        );
        let elsewhere = message_by(&ada);
        assert_eq!(
            reply(
                &gate,
                Seen::Unread,
                &thread_id,
                &post(Some(elsewhere.id)),
                1,
                key,
                NOW
            )
            .err(),
            Some(PostRefusal::NoSuchReplyTarget)
        );
    }

    #[test]
    fn nobody_replies_in_a_hidden_or_removed_thread_and_a_reply_is_conditioned_on_it() {
        let mut ada = account(&[]);
        ada.balance_credits = 10;
        let mut bob = account(&[]);
        bob.balance_credits = 10;
        let mut moderator = account(&[crate::domain::Role::Moderator]);
        moderator.balance_credits = 10;
        let first = message_by(&ada);
        let thread_id = first.thread_id.clone();
        let post = NewPost {
            content: text("Ja"),
            reply_to: None,
        };
        let decide = |who: &Account, status: MessageStatus| {
            let seen = Seen::Read(Some(ReplyState {
                account: Some(who.clone()),
                thread: Some(Thread {
                    status,
                    ..thread_of(&ada, &first)
                }),
            }));
            reply(&gate_of(who), seen, &thread_id, &post, 1, key, NOW)
        };
        // decided blind or on a visible thread: the commit requires it still visible
        let blind = reply(&gate_of(&bob), Seen::Unread, &thread_id, &post, 1, key, NOW);
        assert_eq!(blind.unwrap().thread_seen, Some(MessageStatus::Visible));
        assert_eq!(
            decide(&bob, MessageStatus::Visible).unwrap().thread_seen,
            Some(MessageStatus::Visible)
        );
        for status in [MessageStatus::Hidden, MessageStatus::Removed] {
            assert_eq!(
                decide(&bob, status).err(),
                Some(PostRefusal::NoSuchThread),
                "{status:?}: as if there were none, to whoever does not see it"
            );
            for (who, sees) in [(&ada, "its author"), (&moderator, "a moderator")] {
                assert_eq!(
                    decide(who, status).err(),
                    Some(PostRefusal::ThreadHidden),
                    "{status:?}, {sees}"
                );
            }
        }
        // the gate comes first: a blocked caller learns nothing about the thread
        let mut blocked = bob.clone();
        blocked.status = crate::domain::AccountStatus::Blocked;
        assert!(matches!(
            decide(&blocked, MessageStatus::Hidden),
            Err(PostRefusal::Gate(_))
        ));
    }

    #[test]
    fn authors_edit_their_visible_text_messages_and_keep_every_earlier_text() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        let new_text =
            MessageText::parse("Fixed", &crate::domain::ContentRules::default()).unwrap();
        let state = |message: Message, first: Option<u32>| EditState {
            thread: Some(thread_of(&ada, &message)),
            message: Some(message),
            account: Some(ada.clone()),
            first_seen_revision: first,
        };
        let mut message = message_by(&ada);
        message.revision = 2;
        let plan = edit_message(&gate, state(message.clone(), None), &new_text, NOW).unwrap();
        assert_eq!(plan.seen_revision, 2);
        assert_eq!(plan.edited.revision, 3);
        assert_eq!(plan.edited.text, Some(new_text.clone()));
        assert_eq!(plan.revision.number, 2);
        assert_eq!(plan.revision.text.as_ref(), "Buy my course");
        assert_eq!(plan.revision.created_at, message.created_at);
        assert_eq!(
            edit_message(&gate, state(message.clone(), Some(1)), &new_text, NOW).err(),
            Some(EditRefusal::Changed)
        );
        let someone_elses = message_by(&account(&[]));
        assert_eq!(
            edit_message(&gate, state(someone_elses, None), &new_text, NOW).err(),
            Some(EditRefusal::NotAuthor)
        );
        let voice = Message {
            kind: MessageKind::Voice,
            ..message.clone()
        };
        assert_eq!(
            edit_message(&gate, state(voice, None), &new_text, NOW).err(),
            Some(EditRefusal::Voice)
        );
        let worn = Message {
            revision: MAX_REVISIONS,
            ..message.clone()
        };
        assert_eq!(
            edit_message(&gate, state(worn, None), &new_text, NOW).err(),
            Some(EditRefusal::TooManyEdits)
        );
        let hidden_from_others = Message {
            status: MessageStatus::Removed,
            ..message_by(&account(&[]))
        };
        assert_eq!(
            edit_message(&gate, state(hidden_from_others, None), &new_text, NOW).err(),
            Some(EditRefusal::NoSuchMessage)
        );
        // the author's own message under review, or removed: not edited until decided
        for status in [MessageStatus::Hidden, MessageStatus::Removed] {
            let moderated = Message {
                status,
                ..message.clone()
            };
            assert_eq!(
                edit_message(&gate, state(moderated, None), &new_text, NOW).err(),
                Some(EditRefusal::Moderated(status))
            );
        }
        // nor in a hidden or removed thread: not found by whoever does not see the
        // thread, refused to its author (who sees it)
        for status in [MessageStatus::Hidden, MessageStatus::Removed] {
            let in_thread_by = |thread_author: &Account| EditState {
                thread: Some(Thread {
                    status,
                    ..thread_of(thread_author, &message)
                }),
                ..state(message.clone(), None)
            };
            assert_eq!(
                edit_message(&gate, in_thread_by(&ada), &new_text, NOW).err(),
                Some(EditRefusal::ThreadHidden)
            );
            assert_eq!(
                edit_message(&gate, in_thread_by(&account(&[])), &new_text, NOW).err(),
                Some(EditRefusal::NoSuchMessage)
            );
        }
        assert_eq!(
            plan.thread_seen,
            MessageStatus::Visible,
            "the commit's condition"
        );
    }
}

//! Live conversations: a connection opened, what a frame does to it (counted against
//! the rate limit, then answered, with the subscription change it makes), and what a
//! change of the table pushes to whom.

use time::OffsetDateTime;

use crate::domain::live::{
    Answer, BadFrame, CONNECTION_LIFETIME_SECONDS, ClientFrame, ConnectionId, ConnectionState,
    FrameError, FramePlan, FrameWindow, LiveChange, LiveConnection, MAX_FRAMES_PER_SECOND,
    MAX_SUBSCRIPTIONS, MessagePush, SubscriptionChange, ThreadPush, Topic,
};
use crate::domain::{AccountId, Message, MessageStatus, Notification, Thread, Timestamp};

/// A connection just opened (an account's when its token passed the gate), listening to
/// nothing yet, kept as long as API Gateway keeps a connection.
pub fn open_connection(
    connection: ConnectionId,
    account: Option<AccountId>,
    now: OffsetDateTime,
) -> LiveConnection {
    LiveConnection {
        connection_id: connection,
        account_id: account,
        connected_at: Timestamp::at(now),
        topics: Vec::new(),
        window: None,
        version: 0,
        expires_at_epoch: now.unix_timestamp() + CONNECTION_LIFETIME_SECONDS,
    }
}

/// A frame one too many: answered `rate_limited`, then the connection is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited;

/// Counts a frame that arrived in `now_second` against the connection's `window` (none
/// before its first frame): the window that counts it, or [`RateLimited`] for the frame
/// after the [`MAX_FRAMES_PER_SECOND`]th of one second.
pub fn count_frame(
    window: Option<FrameWindow>,
    now_second: i64,
) -> Result<FrameWindow, RateLimited> {
    match window {
        Some(window) if window.second == now_second => {
            if window.frames >= MAX_FRAMES_PER_SECOND {
                Err(RateLimited)
            } else {
                Ok(FrameWindow {
                    frames: window.frames + 1,
                    ..window
                })
            }
        }
        _ => Ok(FrameWindow {
            second: now_second,
            frames: 1,
        }),
    }
}

/// What subscribing to a topic changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscribing {
    /// The connection listens to it from now on.
    Add(Topic),
    /// It listens already: nothing changes.
    Already,
}

/// Subscribing a connection that listens to `current` to `topic`: at most
/// [`MAX_SUBSCRIPTIONS`] at once.
pub fn subscribe(current: &[Topic], topic: Topic) -> Result<Subscribing, FrameError> {
    if current.contains(&topic) {
        Ok(Subscribing::Already)
    } else if current.len() >= MAX_SUBSCRIPTIONS {
        Err(FrameError::TooManySubscriptions)
    } else {
        Ok(Subscribing::Add(topic))
    }
}

/// What `frame` (as parsed) does on a connection in `state` at `now_second`: none is a
/// connection the table no longer holds (expired, or pruned as gone), which is closed.
/// `thread_exists` says whether the thread a subscription names exists (what the store
/// read with the connection); other frames ignore it.
pub fn decide_frame(
    state: Option<&ConnectionState>,
    frame: &Result<ClientFrame, BadFrame>,
    thread_exists: bool,
    now_second: i64,
) -> FramePlan {
    let Some(state) = state else {
        return FramePlan::Forgotten;
    };
    let Ok(window) = count_frame(state.window, now_second) else {
        return FramePlan::Close;
    };
    let (change, answer) = match frame {
        Err(_) => (None, Answer::error(FrameError::BadFrame)),
        Ok(ClientFrame::Ping) => (None, Answer::Pong),
        Ok(ClientFrame::Subscribe(Topic::Thread(id))) if !thread_exists => (
            None,
            Answer::Error {
                code: FrameError::NotFound,
                thread_id: Some(id.clone()),
            },
        ),
        Ok(ClientFrame::Subscribe(topic)) => match subscribe(&state.topics, topic.clone()) {
            Ok(Subscribing::Add(topic)) => (
                Some(SubscriptionChange::Add(topic.clone())),
                Answer::Subscribed(topic),
            ),
            Ok(Subscribing::Already) => (None, Answer::Subscribed(topic.clone())),
            Err(code) => (None, Answer::error(code)),
        },
        Ok(ClientFrame::Unsubscribe(topic)) => (
            state
                .topics
                .contains(topic)
                .then(|| SubscriptionChange::Remove(topic.clone())),
            Answer::Unsubscribed(topic.clone()),
        ),
    };
    FramePlan::Answer {
        window,
        change,
        answer,
    }
}

/// What a message's change from `before` (none: it is new) to `after` pushes, if
/// anything. A message out of public view pushes its id only, once, and nothing after
/// that; a change nobody sees (a complaint counted) pushes nothing.
pub fn message_push(before: Option<&Message>, after: &Message) -> Option<MessagePush> {
    let visible = |message: &Message| message.status == MessageStatus::Visible;
    match (before, visible(after)) {
        (None, true) => Some(MessagePush::Posted),
        (None, false) => None,
        (Some(before), false) => visible(before).then_some(MessagePush::Hidden),
        (Some(before), true) if !visible(before) => Some(MessagePush::Edited),
        (Some(before), true) => (before.revision != after.revision || before.text != after.text)
            .then_some(MessagePush::Edited),
    }
}

/// Whether a message's push waits on its thread being read: a new message does not (it
/// is posted only into a thread in view, and the stream delivers a thread's changes in
/// order, so a hide reaches listeners after it); any other change may happen while the
/// thread is out of view (a moderator acting on a message inside it).
pub fn message_push_needs_thread(push: MessagePush) -> bool {
    push != MessagePush::Posted
}

/// Whether a thread as read lets its messages' changes through to its listeners: not
/// while it is out of public view (they were told `thread_hidden`; a message restored
/// inside it stays unseen until the thread is shown again).
pub fn thread_shows_message_pushes(thread: Option<&Thread>) -> bool {
    thread.is_some_and(|thread| thread.status == MessageStatus::Visible)
}

/// What a thread's change from `before` to `after` pushes to its listeners, if anything:
/// out of public view (hidden or removed) its id only, once; shown again, the thread.
/// Its activity and its complaints push nothing here (its messages push themselves).
pub fn thread_push(before: &Thread, after: &Thread) -> Option<ThreadPush> {
    let visible = |thread: &Thread| thread.status == MessageStatus::Visible;
    match (visible(before), visible(after)) {
        (true, false) => Some(ThreadPush::Hidden),
        (false, true) => Some(ThreadPush::Restored),
        _ => None,
    }
}

/// Who a push goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// The connections listening to a topic.
    Topic(Topic),
    /// Every connection of an account.
    Account(AccountId),
}

/// What is done to an audience's connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Push {
    Message(MessagePush, Box<Message>),
    ThreadCreated(Box<Thread>),
    Thread(ThreadPush, Box<Thread>),
    Notification(Box<Notification>),
    /// Closed: the account was blocked or closed.
    Close,
}

/// What a change of the table pushes, and to whom: a message's change to its thread's
/// listeners ([`message_push`]), a new thread to its language's, a thread's moderation
/// to its listeners ([`thread_push`]), a notification to its account's connections; an
/// account shut has its connections closed.
pub fn push_of(change: LiveChange) -> Option<(Audience, Push)> {
    match change {
        LiveChange::Message { before, after } => {
            let push = message_push(before.as_deref(), &after)?;
            Some((
                Audience::Topic(Topic::Thread(after.thread_id.clone())),
                Push::Message(push, after),
            ))
        }
        LiveChange::ThreadOpened(thread) => Some((
            Audience::Topic(Topic::language(&thread.language)),
            Push::ThreadCreated(thread),
        )),
        LiveChange::Thread { before, after } => {
            let push = thread_push(&before, &after)?;
            Some((
                Audience::Topic(Topic::Thread(after.id.clone())),
                Push::Thread(push, after),
            ))
        }
        LiveChange::Notification(notification) => Some((
            Audience::Account(notification.account_id.clone()),
            Push::Notification(notification),
        )),
        LiveChange::AccountShut(account) => Some((Audience::Account(account), Push::Close)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::live::ClientFrame;
    use crate::domain::live::tests::thread;

    #[test]
    fn ten_frames_a_second_pass_and_the_eleventh_is_refused() {
        let mut window = None;
        for n in 1..=MAX_FRAMES_PER_SECOND {
            let counted = count_frame(window, 100).unwrap();
            assert_eq!(counted.frames, n);
            window = Some(counted);
        }
        assert_eq!(count_frame(window, 100), Err(RateLimited));
        assert_eq!(
            count_frame(window, 101),
            Ok(FrameWindow {
                second: 101,
                frames: 1
            }),
            "a new second starts a new count"
        );
        assert_eq!(
            count_frame(window, 99).map(|w| w.frames),
            Ok(1),
            "a clock that went back starts a new count too"
        );
    }

    #[test]
    fn a_connection_holds_twenty_subscriptions() {
        let topics: Vec<Topic> = (0..MAX_SUBSCRIPTIONS)
            .map(|i| Topic::Language(format!("x-{i:03}")))
            .collect();
        let new = Topic::Language("de".into());
        assert_eq!(
            subscribe(&topics[..19], new.clone()),
            Ok(Subscribing::Add(new.clone()))
        );
        assert_eq!(
            subscribe(&topics, new),
            Err(FrameError::TooManySubscriptions)
        );
        assert_eq!(
            subscribe(&topics, topics[3].clone()),
            Ok(Subscribing::Already),
            "subscribing again changes nothing, even when full"
        );
    }

    #[test]
    fn a_frame_is_counted_then_done() {
        let thread_topic = Topic::Thread(thread());
        let state = ConnectionState::default();
        let subscribe = Ok(ClientFrame::Subscribe(thread_topic.clone()));
        let first = FrameWindow {
            second: 7,
            frames: 1,
        };
        assert_eq!(
            decide_frame(Some(&state), &subscribe, true, 7),
            FramePlan::Answer {
                window: first,
                change: Some(SubscriptionChange::Add(thread_topic.clone())),
                answer: Answer::Subscribed(thread_topic.clone()),
            }
        );
        assert_eq!(
            decide_frame(Some(&state), &subscribe, false, 7),
            FramePlan::Answer {
                window: first,
                change: None,
                answer: Answer::Error {
                    code: FrameError::NotFound,
                    thread_id: Some(thread()),
                },
            },
            "an unknown thread"
        );
        let listening = ConnectionState {
            window: Some(first),
            topics: vec![thread_topic.clone()],
        };
        let counted = |frames| FrameWindow { second: 7, frames };
        for (frame, change, answer, why) in [
            (
                subscribe.clone(),
                None,
                Answer::Subscribed(thread_topic.clone()),
                "again",
            ),
            (
                Ok(ClientFrame::Unsubscribe(thread_topic.clone())),
                Some(SubscriptionChange::Remove(thread_topic.clone())),
                Answer::Unsubscribed(thread_topic.clone()),
                "unsubscribe",
            ),
            (
                Ok(ClientFrame::Unsubscribe(Topic::Language("de".into()))),
                None,
                Answer::Unsubscribed(Topic::Language("de".into())),
                "not subscribed: answered all the same",
            ),
            (Ok(ClientFrame::Ping), None, Answer::Pong, "ping"),
            (
                Err(BadFrame("x")),
                None,
                Answer::error(FrameError::BadFrame),
                "bad",
            ),
        ] {
            assert_eq!(
                decide_frame(Some(&listening), &frame, true, 7),
                FramePlan::Answer {
                    window: counted(2),
                    change,
                    answer,
                },
                "{why}"
            );
        }
        let full = ConnectionState {
            window: Some(counted(MAX_FRAMES_PER_SECOND)),
            topics: vec![],
        };
        assert_eq!(
            decide_frame(Some(&full), &Ok(ClientFrame::Ping), true, 7),
            FramePlan::Close
        );
        assert_eq!(
            decide_frame(None, &Ok(ClientFrame::Ping), true, 7),
            FramePlan::Forgotten,
            "a connection the table no longer holds"
        );
    }

    fn message(status: MessageStatus, revision: u32, text: &str) -> Message {
        use crate::domain::decide::tests::{account, message_by};
        let text = crate::domain::MessageText::parse(text, &Default::default()).unwrap();
        Message {
            text: Some(text),
            revision,
            status,
            ..message_by(&account(&[]))
        }
    }

    #[test]
    fn a_message_pushes_what_its_readers_may_see() {
        use MessageStatus::{Hidden, Removed, Visible};
        let visible = message(Visible, 0, "Hallo");
        let edited = message(Visible, 1, "Hallo!");
        let complained = Message {
            open_complaints: 1,
            ..visible.clone()
        };
        let hidden = message(Hidden, 0, "Hallo");
        let removed = message(Removed, 0, "Hallo");
        let hidden_edited = message(Hidden, 1, "Hallo!");
        for (before, after, push, why) in [
            (None, &visible, Some(MessagePush::Posted), "posted"),
            (None, &hidden, None, "never shown"),
            (Some(&visible), &edited, Some(MessagePush::Edited), "edited"),
            (
                Some(&visible),
                &complained,
                None,
                "a complaint changes nothing seen",
            ),
            (Some(&visible), &visible, None, "written again unchanged"),
            (Some(&visible), &hidden, Some(MessagePush::Hidden), "hidden"),
            (
                Some(&visible),
                &removed,
                Some(MessagePush::Hidden),
                "removed",
            ),
            (Some(&hidden), &removed, None, "hidden already"),
            (
                Some(&hidden),
                &hidden_edited,
                None,
                "nothing of a hidden message",
            ),
            (
                Some(&hidden),
                &visible,
                Some(MessagePush::Edited),
                "shown again",
            ),
        ] {
            assert_eq!(message_push(before, after), push, "{why}");
        }
    }

    #[test]
    fn each_change_goes_to_its_audience() {
        use crate::domain::decide::tests::{account, message_by};
        let author = account(&[]);
        let message = message(MessageStatus::Visible, 0, "Hallo");
        let (audience, push) = push_of(LiveChange::Message {
            before: None,
            after: Box::new(message.clone()),
        })
        .unwrap();
        assert_eq!(
            audience,
            Audience::Topic(Topic::Thread(message.thread_id.clone()))
        );
        assert_eq!(
            push,
            Push::Message(MessagePush::Posted, Box::new(message.clone()))
        );
        let hidden_again = Message {
            status: MessageStatus::Removed,
            ..message_by(&author)
        };
        assert_eq!(
            push_of(LiveChange::Message {
                before: Some(Box::new(Message {
                    status: MessageStatus::Hidden,
                    ..hidden_again.clone()
                })),
                after: Box::new(hidden_again),
            }),
            None,
            "a message out of view pushes nothing more"
        );
        assert_eq!(
            push_of(LiveChange::AccountShut(author.id.clone())),
            Some((Audience::Account(author.id.clone()), Push::Close))
        );
    }

    #[test]
    fn a_thread_pushes_its_moderation_to_its_listeners_and_nothing_else() {
        use crate::domain::decide::tests::{account, message_by, thread_of};
        use MessageStatus::{Hidden, Removed, Visible};
        let author = account(&[]);
        let visible = thread_of(&author, &message_by(&author));
        let with = |status: MessageStatus| Thread {
            status,
            ..visible.clone()
        };
        let replied = Thread {
            message_count: 2,
            ..visible.clone()
        };
        let complained = Thread {
            open_complaints: 1,
            ..with(Hidden)
        };
        for (before, after, push, why) in [
            (&visible, with(Hidden), Some(ThreadPush::Hidden), "hidden"),
            (&visible, with(Removed), Some(ThreadPush::Hidden), "removed"),
            (&with(Hidden), with(Removed), None, "out of view already"),
            (&with(Hidden), complained, None, "a complaint counted"),
            (
                &with(Hidden),
                with(Visible),
                Some(ThreadPush::Restored),
                "restored",
            ),
            (&visible, replied, None, "a reply (it pushes itself)"),
        ] {
            assert_eq!(thread_push(before, &after), push, "{why}");
            let pushed = push_of(LiveChange::Thread {
                before: Box::new(before.clone()),
                after: Box::new(after.clone()),
            });
            assert_eq!(
                pushed,
                push.map(|push| (
                    Audience::Topic(Topic::Thread(visible.id.clone())),
                    Push::Thread(push, Box::new(after))
                )),
                "{why}: to the thread's listeners"
            );
        }
    }

    #[test]
    fn a_connection_lives_two_hours() {
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        let opened = open_connection(ConnectionId::parse("abc=").unwrap(), None, now);
        assert_eq!(opened.expires_at_epoch, 1_000_000 + 7_200);
        assert_eq!(opened.topics, Vec::<Topic>::new());
        assert_eq!(opened.window, None);
    }

    #[test]
    fn a_thread_out_of_view_lets_none_of_its_messages_changes_through() {
        use crate::domain::decide::tests::{account, message_by, thread_of};
        let author = account(&[]);
        let visible = thread_of(&author, &message_by(&author));
        let with = |status| Thread {
            status,
            ..visible.clone()
        };
        assert!(thread_shows_message_pushes(Some(&visible)));
        for status in [MessageStatus::Hidden, MessageStatus::Removed] {
            assert!(
                !thread_shows_message_pushes(Some(&with(status))),
                "{status:?}"
            );
        }
        assert!(!thread_shows_message_pushes(None), "a thread there is not");
        assert!(!message_push_needs_thread(MessagePush::Posted));
        assert!(message_push_needs_thread(MessagePush::Edited));
        assert!(message_push_needs_thread(MessagePush::Hidden));
    }
}

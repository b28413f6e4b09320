//! The frames the fan-out pushes, as the contract writes them. A message is shaped as
//! `GET /v1/messages/{id}` answers a visitor; a hidden or removed message is its id only.

use std::collections::HashMap;

use natives_shared::domain::live::{MessagePush, ThreadPush};
use natives_shared::domain::{AccountId, Author, Message, Notification, Thread};
use serde::Serialize;

use crate::conversations::views::{MessageView, ThreadView};
use crate::privacy::views::NotificationView;

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Frame<'a> {
    MessagePosted {
        thread_id: &'a str,
        message: MessageView<'a>,
    },
    MessageEdited {
        thread_id: &'a str,
        message: MessageView<'a>,
    },
    MessageHidden {
        thread_id: &'a str,
        message_id: String,
    },
    ThreadCreated {
        language: &'a str,
        thread: ThreadView<'a>,
    },
    ThreadHidden {
        thread_id: &'a str,
    },
    ThreadRestored {
        thread_id: &'a str,
        thread: ThreadView<'a>,
    },
    Notification {
        notification: NotificationView<'a>,
    },
}

impl Frame<'_> {
    fn text(&self) -> String {
        serde_json::to_string(self).expect("frames serialise")
    }
}

/// The frame of a message's change, for every connection of its thread.
pub fn message(
    push: MessagePush,
    message: &Message,
    authors: &HashMap<AccountId, Author>,
) -> String {
    let thread_id = message.thread_id.as_str();
    let view = || MessageView::new(message, authors, None);
    match push {
        MessagePush::Posted => Frame::MessagePosted {
            thread_id,
            message: view(),
        },
        MessagePush::Edited => Frame::MessageEdited {
            thread_id,
            message: view(),
        },
        MessagePush::Hidden => return hidden(message),
    }
    .text()
}

/// A message out of public view: its id only.
fn hidden(message: &Message) -> String {
    Frame::MessageHidden {
        thread_id: message.thread_id.as_str(),
        message_id: message.id.to_string(),
    }
    .text()
}

/// The frame of a new thread, for the connections of its language.
pub fn thread_created(thread: &Thread, authors: &HashMap<AccountId, Author>) -> String {
    Frame::ThreadCreated {
        language: thread.language.as_ref(),
        thread: ThreadView::new(thread, authors),
    }
    .text()
}

/// The frame of a thread's moderation, for the connections of the thread: out of public
/// view, its id alone (its title is never pushed again); shown again, the thread.
pub fn thread(push: ThreadPush, thread: &Thread, authors: &HashMap<AccountId, Author>) -> String {
    let thread_id = thread.id.as_str();
    match push {
        ThreadPush::Hidden => Frame::ThreadHidden { thread_id },
        ThreadPush::Restored => Frame::ThreadRestored {
            thread_id,
            thread: ThreadView::new(thread, authors),
        },
    }
    .text()
}

/// The frame of a notification, for its account's connections.
pub fn notification(notification: &Notification) -> String {
    Frame::Notification {
        notification: NotificationView::from(notification),
    }
    .text()
}

#[cfg(test)]
mod tests {
    use natives_shared::domain::{
        MessageId, MessageKind, MessageStatus, MessageText, ThreadId, Timestamp,
    };
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn a_hidden_message_is_pushed_as_its_id_alone() {
        let thread_id = ThreadId::parse("01JB8ZZZZZZZZZZZZZZZZZZZZZ").unwrap();
        let id = MessageId::parse("01JB8ZZZZZZZZZZZZZZZZZZZZZ01JB8ZZZZZZZZZZZZZZZZZZZZY").unwrap();
        let message = Message {
            id: id.clone(),
            thread_id: thread_id.clone(),
            author_id: AccountId::parse("01JB8ZZZZZZZZZZZZZZZZZZZZX").unwrap(),
            kind: MessageKind::Text,
            text: Some(MessageText::parse("a secret", &Default::default()).unwrap()),
            voice: None,
            reply_to: None,
            created_at: Timestamp::parse("2026-12-10T12:00:00.000Z").unwrap(),
            edited_at: None,
            revision: 0,
            status: MessageStatus::Hidden,
            moderation: None,
            complaint_round: 1,
            open_complaints: 0,
            counted_complaints: 0,
            corrections_count: 0,
        };
        let frame: Value = serde_json::from_str(&hidden(&message)).unwrap();
        assert_eq!(
            frame,
            json!({
                "type": "message_hidden",
                "thread_id": thread_id.as_str(),
                "message_id": id.to_string(),
            })
        );
    }

    #[test]
    fn a_hidden_thread_is_pushed_as_its_id_alone_and_a_restored_one_whole() {
        use natives_shared::domain::{LanguageTag, ThreadTitle};
        let id = ThreadId::parse("01JB8ZZZZZZZZZZZZZZZZZZZZZ").unwrap();
        let author = AccountId::parse("01JB8ZZZZZZZZZZZZZZZZZZZZX").unwrap();
        let at = Timestamp::parse("2026-12-10T12:00:00.000Z").unwrap();
        let thread = Thread {
            id: id.clone(),
            language: LanguageTag::parse("de").unwrap(),
            title: ThreadTitle::parse("Ein Geheimnis", &Default::default()).unwrap(),
            author_id: author.clone(),
            created_at: at,
            last_activity_at: at,
            message_count: 1,
            last_message_id: MessageId::new_in(&id, None),
            status: MessageStatus::Hidden,
            moderation: None,
            complaint_round: 1,
            open_complaints: 0,
            counted_complaints: 0,
        };
        let hidden: Value =
            serde_json::from_str(&super::thread(ThreadPush::Hidden, &thread, &HashMap::new()))
                .unwrap();
        assert_eq!(
            hidden,
            json!({ "type": "thread_hidden", "thread_id": id.as_str() })
        );
        let restored: Value = serde_json::from_str(&super::thread(
            ThreadPush::Restored,
            &Thread {
                status: MessageStatus::Visible,
                ..thread
            },
            &HashMap::new(),
        ))
        .unwrap();
        assert_eq!(restored["type"], "thread_restored");
        assert_eq!(restored["thread_id"], id.as_str());
        assert_eq!(restored["thread"]["id"], id.as_str());
        assert_eq!(restored["thread"]["title"], "Ein Geheimnis");
    }
}

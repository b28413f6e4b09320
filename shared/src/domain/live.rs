//! Live conversations: what a client may say on its WebSocket and what it is answered,
//! the limits of a connection, and what a change of the table pushes to whom. Pure: the
//! functions in `functions/src/live` read and write, and these decide.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{AccountId, LanguageTag, Message, Notification, Thread, ThreadId, Timestamp};

/// Subscriptions one connection may hold at once.
pub const MAX_SUBSCRIPTIONS: usize = 20;

/// The largest frame a client may send (API Gateway's frame size; a longer message is
/// answered `bad_frame`).
pub const MAX_FRAME_BYTES: usize = 32 * 1024;

/// Frames a client may send in one second; the next one is answered `rate_limited` and
/// the connection is closed.
pub const MAX_FRAMES_PER_SECOND: u32 = 10;

/// How long a connection lives at most: API Gateway closes every WebSocket after two
/// hours, so a connection's items expire then (DynamoDB's TTL).
pub const CONNECTION_LIFETIME_SECONDS: i64 = 2 * 60 * 60;

/// A WebSocket connection, by the id API Gateway gave it (`L0SM9cOFvHcCIhw=`): 1 to 128
/// characters of the base64 alphabets and `=`. Parsed where an event hands it in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ConnectionId(String);

impl ConnectionId {
    pub const MAX_LEN: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "+/=-_".contains(c);
        if raw.is_empty() || raw.len() > Self::MAX_LEN || !raw.chars().all(allowed) {
            return Err("is not a WebSocket connection id".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ConnectionId {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
    }
}

impl From<ConnectionId> for String {
    fn from(id: ConnectionId) -> String {
        id.0
    }
}

impl std::fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a client listens to: one thread's messages, or the new threads of a language.
/// Stored as the frames name it: `{"thread_id": …}` or `{"language": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Topic {
    #[serde(rename = "thread_id")]
    Thread(ThreadId),
    /// A language, lower case: `en-GB` and `en-gb` are one language.
    #[serde(rename = "language")]
    Language(String),
}

impl Topic {
    /// The language topic of `tag` (`en-GB` → `en-gb`).
    pub fn language(tag: &LanguageTag) -> Self {
        Topic::Language(tag.as_ref().to_ascii_lowercase())
    }

    /// The field that names this topic in a frame: `{"thread_id": …}` or
    /// `{"language": …}`.
    fn fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        match self {
            Topic::Thread(id) => fields.insert("thread_id".into(), Value::from(id.as_str())),
            Topic::Language(language) => fields.insert("language".into(), language.clone().into()),
        };
        fields
    }
}

/// A frame a client sent, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientFrame {
    Subscribe(Topic),
    Unsubscribe(Topic),
    Ping,
}

/// A frame that is none of the above: answered `bad_frame`, and the connection stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFrame(pub &'static str);

/// Parses a frame's text: `{"action":"subscribe","thread_id":…}` (or `"language"`),
/// `{"action":"unsubscribe",…}`, `{"action":"ping"}`. Anything else, more than
/// [`MAX_FRAME_BYTES`] included, is a [`BadFrame`].
pub fn parse_frame(text: &str) -> Result<ClientFrame, BadFrame> {
    if text.len() > MAX_FRAME_BYTES {
        return Err(BadFrame("longer than 32 KB"));
    }
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(text) else {
        return Err(BadFrame("not a JSON object"));
    };
    let action = match fields.get("action") {
        Some(Value::String(action)) => action.as_str(),
        _ => return Err(BadFrame("no action")),
    };
    let only = |allowed: &[&str]| {
        fields
            .keys()
            .all(|name| name == "action" || allowed.contains(&name.as_str()))
    };
    match action {
        "ping" if only(&[]) => Ok(ClientFrame::Ping),
        "subscribe" if only(&["thread_id", "language"]) => {
            topic(&fields).map(ClientFrame::Subscribe)
        }
        "unsubscribe" if only(&["thread_id", "language"]) => {
            topic(&fields).map(ClientFrame::Unsubscribe)
        }
        "ping" | "subscribe" | "unsubscribe" => Err(BadFrame("a field the action does not take")),
        _ => Err(BadFrame("an unknown action")),
    }
}

/// The one topic a (un)subscribe names.
fn topic(fields: &Map<String, Value>) -> Result<Topic, BadFrame> {
    match (fields.get("thread_id"), fields.get("language")) {
        (Some(Value::String(id)), None) => ThreadId::parse(id)
            .map(Topic::Thread)
            .map_err(|_| BadFrame("not a thread id")),
        (None, Some(Value::String(tag))) => LanguageTag::parse(tag)
            .map(|tag| Topic::language(&tag))
            .map_err(|_| BadFrame("not a language tag")),
        _ => Err(BadFrame("neither one thread_id nor one language")),
    }
}

/// Why a frame was not done, as the `code` of its error answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameError {
    BadFrame,
    /// The thread does not exist (or may not be shown).
    NotFound,
    TooManySubscriptions,
    /// Too many frames: the connection is closed after this answer.
    RateLimited,
}

/// What the server answers a frame with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Subscribed(Topic),
    Unsubscribed(Topic),
    Pong,
    Error {
        code: FrameError,
        /// The thread the refusal is about, if it is about one.
        thread_id: Option<ThreadId>,
    },
}

impl Answer {
    pub fn error(code: FrameError) -> Self {
        Answer::Error {
            code,
            thread_id: None,
        }
    }

    /// The frame's JSON text, as the contract writes it.
    pub fn to_json(&self) -> String {
        let mut frame = Map::new();
        let (kind, fields) = match self {
            Answer::Subscribed(topic) => ("subscribed", topic.fields()),
            Answer::Unsubscribed(topic) => ("unsubscribed", topic.fields()),
            Answer::Pong => ("pong", Map::new()),
            Answer::Error { code, thread_id } => {
                let mut fields = Map::new();
                fields.insert("code".into(), serde_json::to_value(code).expect("a code"));
                if let Some(id) = thread_id {
                    fields.insert("thread_id".into(), Value::from(id.as_str()));
                }
                ("error", fields)
            }
        };
        frame.insert("type".into(), kind.into());
        frame.extend(fields);
        Value::Object(frame).to_string()
    }
}

/// The frames a connection sent in its current second: what the rate limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameWindow {
    /// Unix second the window is of.
    pub second: i64,
    pub frames: u32,
}

/// What the store read of a connection when a frame arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionState {
    /// The frames counted in its latest second (none before its first frame).
    pub window: Option<FrameWindow>,
    /// What it listens to.
    pub topics: Vec<Topic>,
}

/// A change of a connection's subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionChange {
    Add(Topic),
    Remove(Topic),
}

impl SubscriptionChange {
    /// What a connection listening to `topics` listens to after this change.
    pub fn applied_to(&self, topics: &[Topic]) -> Vec<Topic> {
        match self {
            SubscriptionChange::Add(topic) => {
                let mut after = topics.to_vec();
                after.push(topic.clone());
                after
            }
            SubscriptionChange::Remove(topic) => {
                topics.iter().filter(|t| *t != topic).cloned().collect()
            }
        }
    }
}

/// An open WebSocket, as the table keeps it: whose it is (none: a visitor's), what it
/// listens to and its frames counted this second. It expires with the longest
/// connection API Gateway keeps ([`CONNECTION_LIFETIME_SECONDS`], DynamoDB's TTL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveConnection {
    pub connection_id: ConnectionId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<AccountId>,
    pub connected_at: Timestamp,
    #[serde(default)]
    pub topics: Vec<Topic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<FrameWindow>,
    /// Grows with every frame counted: the condition of the next write.
    pub version: u64,
    pub expires_at_epoch: i64,
}

impl LiveConnection {
    /// What a frame's decision reads of it.
    pub fn state(&self) -> ConnectionState {
        ConnectionState {
            window: self.window,
            topics: self.topics.clone(),
        }
    }

    /// It listening to `topic`, as the topic's listeners hold it (it expires with the
    /// connection).
    pub fn subscription(&self, topic: &Topic) -> LiveSubscription {
        LiveSubscription {
            connection_id: self.connection_id.clone(),
            account_id: self.account_id.clone(),
            topic: topic.clone(),
            expires_at_epoch: self.expires_at_epoch,
        }
    }
}

/// A connection among the listeners of a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSubscription {
    pub connection_id: ConnectionId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<AccountId>,
    pub topic: Topic,
    pub expires_at_epoch: i64,
}

/// What a frame does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FramePlan {
    /// One frame too many: answer `rate_limited` and close the connection; nothing is
    /// written.
    Close,
    /// A connection the table no longer holds (expired, or pruned as gone): nothing can
    /// be pushed to it, so it is closed without an answer.
    Forgotten,
    /// Count the frame (the connection's new window), change its subscriptions, answer.
    Answer {
        window: FrameWindow,
        change: Option<SubscriptionChange>,
        answer: Answer,
    },
}

impl FramePlan {
    /// The answer to a frame over the rate limit.
    pub fn rate_limited() -> Answer {
        Answer::error(FrameError::RateLimited)
    }
}

/// What a change of a message pushes to the connections that listen to its thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessagePush {
    /// `message_posted`, with the message.
    Posted,
    /// `message_edited`, with the message (a message a moderator shows again is pushed
    /// this way too: clients replace what they hold, or add it).
    Edited,
    /// `message_hidden`, with the message's id only: its text is never pushed again.
    Hidden,
}

/// What a thread's moderation pushes to the connections that listen to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadPush {
    /// `thread_hidden`, with the thread's id only: hidden or removed, its title and
    /// messages are out of public view (clients drop what they show of it).
    Hidden,
    /// `thread_restored`, with the thread: shown again by a moderator.
    Restored,
}

/// A change of the table that someone with a connection may see, as the stream
/// delivers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveChange {
    /// A message posted (no `before`), edited, hidden, removed or shown again.
    Message {
        before: Option<Box<Message>>,
        after: Box<Message>,
    },
    /// A thread opened.
    ThreadOpened(Box<Thread>),
    /// A thread changed (a reply moved its activity, a complaint was counted, a
    /// moderator hid, removed or restored it).
    Thread {
        before: Box<Thread>,
        after: Box<Thread>,
    },
    /// A notification to an account.
    Notification(Box<Notification>),
    /// An account blocked or closed: its connections are closed.
    AccountShut(AccountId),
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const THREAD: &str = "01JB8ZZZZZZZZZZZZZZZZZZZZZ";

    pub(crate) fn thread() -> ThreadId {
        ThreadId::parse(THREAD).unwrap()
    }

    #[test]
    fn connection_ids_are_api_gateways() {
        for id in ["L0SM9cOFvHcCIhw=", "a", "ab+/_-=", &"x".repeat(128)] {
            assert!(ConnectionId::parse(id).is_ok(), "{id}");
        }
        for id in ["", "a#b", "a b", "é", &"x".repeat(129)] {
            assert!(ConnectionId::parse(id).is_err(), "{id:?}");
        }
    }

    #[test]
    fn frames_of_the_contract_parse() {
        let subscribe_thread = format!(r#"{{"action":"subscribe","thread_id":"{THREAD}"}}"#);
        assert_eq!(
            parse_frame(&subscribe_thread),
            Ok(ClientFrame::Subscribe(Topic::Thread(thread())))
        );
        assert_eq!(
            parse_frame(r#"{"action":"subscribe","language":"en-GB"}"#),
            Ok(ClientFrame::Subscribe(Topic::Language("en-gb".into())))
        );
        assert_eq!(
            parse_frame(&format!(
                r#"{{"thread_id":"{THREAD}","action":"unsubscribe"}}"#
            )),
            Ok(ClientFrame::Unsubscribe(Topic::Thread(thread())))
        );
        assert_eq!(
            parse_frame(r#"{"action":"unsubscribe","language":"de"}"#),
            Ok(ClientFrame::Unsubscribe(Topic::Language("de".into())))
        );
        assert_eq!(parse_frame(r#" {"action":"ping"} "#), Ok(ClientFrame::Ping));
    }

    #[test]
    fn anything_else_is_a_bad_frame() {
        let too_long = format!(
            r#"{{"action":"ping","pad":"{}"}}"#,
            "x".repeat(MAX_FRAME_BYTES)
        );
        for (frame, why) in [
            ("", "empty"),
            ("ping", "not JSON"),
            ("[1,2]", "an array"),
            ("\"ping\"", "a string"),
            ("{}", "no action"),
            (r#"{"action":7}"#, "an action that is no string"),
            (r#"{"action":"PING"}"#, "another case"),
            (r#"{"action":"shout"}"#, "an unknown action"),
            (
                r#"{"action":"ping","extra":1}"#,
                "a field ping does not take",
            ),
            (r#"{"action":"subscribe"}"#, "no topic"),
            (
                r#"{"action":"subscribe","thread_id":"01JB8ZZZZZZZZZZZZZZZZZZZZZ","language":"de"}"#,
                "two topics",
            ),
            (
                r#"{"action":"subscribe","thread_id":"nope"}"#,
                "not a thread id",
            ),
            (r#"{"action":"subscribe","thread_id":42}"#, "a number"),
            (r#"{"action":"subscribe","language":"en_GB"}"#, "not a tag"),
            (r#"{"action":"unsubscribe","thread_id":null}"#, "null"),
            (too_long.as_str(), "longer than 32 KB"),
        ] {
            assert!(
                parse_frame(frame).is_err(),
                "{why}: {frame:.60} was accepted"
            );
        }
        let unknown_field = format!(
            r#"{{"action":"subscribe","language":"de","x":"{}"}}"#,
            "x".repeat(10)
        );
        assert!(
            parse_frame(&unknown_field).is_err(),
            "a field subscribe does not take"
        );
    }

    #[test]
    fn answers_are_the_contracts_json() {
        let json = |answer: Answer| serde_json::from_str::<Value>(&answer.to_json()).unwrap();
        assert_eq!(
            json(Answer::Subscribed(Topic::Thread(thread()))),
            serde_json::json!({"type": "subscribed", "thread_id": THREAD})
        );
        assert_eq!(
            json(Answer::Unsubscribed(Topic::Language("de".into()))),
            serde_json::json!({"type": "unsubscribed", "language": "de"})
        );
        assert_eq!(json(Answer::Pong), serde_json::json!({"type": "pong"}));
        assert_eq!(
            json(Answer::Error {
                code: FrameError::NotFound,
                thread_id: Some(thread())
            }),
            serde_json::json!({"type": "error", "code": "not_found", "thread_id": THREAD})
        );
        assert_eq!(
            json(Answer::error(FrameError::TooManySubscriptions)),
            serde_json::json!({"type": "error", "code": "too_many_subscriptions"})
        );
        assert_eq!(
            json(Answer::error(FrameError::RateLimited)),
            serde_json::json!({"type": "error", "code": "rate_limited"})
        );
    }
}

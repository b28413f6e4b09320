//! Threads, messages, their revisions and voice recordings.

use serde::{Deserialize, Serialize};

use super::{AccountId, MessageId, ThreadId, Timestamp};

/// A conversation in one language: its title and the activity that orders thread lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub id: ThreadId,
    /// BCP 47, as the author wrote it.
    pub language: super::LanguageTag,
    #[serde(deserialize_with = "super::text::stored")]
    pub title: super::ThreadTitle,
    pub author_id: AccountId,
    pub created_at: Timestamp,
    /// When its newest message was posted: thread lists are ordered by it.
    pub last_activity_at: Timestamp,
    pub message_count: u64,
    /// The newest message's id within the thread. Every post sets it, on condition that
    /// it grows, so messages commit in id order and a reader paging forward never
    /// skips one that commits later.
    pub last_message_id: MessageId,
    /// Whether the public sees the thread (its title, its messages, its place in the
    /// language list), and where it stands with complaints about its title: the same
    /// moderation fields a message has.
    #[serde(default)]
    pub status: super::MessageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation: Option<super::ModerationNote>,
    #[serde(default)]
    pub complaint_round: u32,
    #[serde(default)]
    pub open_complaints: u32,
    #[serde(default)]
    pub counted_complaints: u32,
}

impl Thread {
    /// A thread as it is opened: in view, its first message its only one, nothing
    /// complained about.
    pub fn opened(
        language: super::LanguageTag,
        title: super::ThreadTitle,
        author_id: super::AccountId,
        first: &Message,
    ) -> Self {
        Self {
            id: first.thread_id.clone(),
            language,
            title,
            author_id,
            created_at: first.created_at,
            last_activity_at: first.created_at,
            message_count: 1,
            last_message_id: first.id.clone(),
            status: Default::default(),
            moderation: None,
            complaint_round: 0,
            open_complaints: 0,
            counted_complaints: 0,
        }
    }

    pub fn moderation_state(&self) -> super::ModerationState {
        super::ModerationState {
            status: self.status,
            moderation: self.moderation.clone(),
            complaint_round: self.complaint_round,
            open_complaints: self.open_complaints,
            counted_complaints: self.counted_complaints,
        }
    }

    /// Everyone sees a visible thread; its author and moderators see it whatever its
    /// status (its author sees why it is not public).
    pub fn visible_to(&self, viewer: Option<&super::Viewer>) -> bool {
        self.status == super::MessageStatus::Visible
            || viewer.is_some_and(|v| v.moderator || v.account_id == self.author_id)
    }

    /// Whether `viewer` sees `message`, one of this thread's: a message is gone with its
    /// thread, and what hangs off it (its recording, revisions, corrections) with it.
    pub fn shows(&self, message: &Message, viewer: Option<&super::Viewer>) -> bool {
        message.thread_id == self.id && self.visible_to(viewer) && message.visible_to(viewer)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Text,
    Voice,
}

/// An archived recording: where it is and what it is, so anyone can check that the
/// archived bytes are the ones that were posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voice {
    /// Object key in the archive bucket.
    pub key: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Base64 SHA-256 of the recording.
    pub sha256: String,
    /// Measured from the file when it was posted (absent on recordings posted before
    /// recordings were measured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// When an admin destroyed the recording for a legal reason (the message was
    /// removed): from then on nothing links or serves it, and the archive holds no
    /// version of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destroyed_at: Option<Timestamp>,
}

impl Voice {
    /// Whether the archive still holds it (it was not destroyed).
    pub fn is_kept(&self) -> bool {
        self.destroyed_at.is_none()
    }

    /// The measured duration in seconds, to the millisecond (`voice.duration_seconds`).
    pub fn duration_seconds(&self) -> Option<f64> {
        self.duration_ms.map(|ms| ms as f64 / 1000.0)
    }
}

/// A published message. Never deleted; its author may edit a text, never a recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub thread_id: ThreadId,
    pub author_id: AccountId,
    pub kind: MessageKind,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::text::stored_optional"
    )]
    pub text: Option<super::MessageText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<Voice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<MessageId>,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<Timestamp>,
    /// 0 as posted; each edit adds one and keeps the text it replaced as a revision.
    pub revision: u32,
    #[serde(default)]
    pub status: super::MessageStatus,
    /// The last moderation decision, if any: what its author and moderators see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation: Option<super::ModerationNote>,
    /// The current round of complaints (a decision closes it and opens the next).
    #[serde(default)]
    pub complaint_round: u32,
    /// Complaints in the current round, and how many of them count towards hiding.
    #[serde(default)]
    pub open_complaints: u32,
    #[serde(default)]
    pub counted_complaints: u32,
    /// Corrections others made of its texts.
    #[serde(default)]
    pub corrections_count: u32,
}

/// An earlier text of a message: revision `number` was its text from `created_at`
/// until `replaced_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub message_id: MessageId,
    pub number: u32,
    #[serde(deserialize_with = "super::text::stored")]
    pub text: super::MessageText,
    pub created_at: Timestamp,
    pub replaced_at: Timestamp,
}

/// What one account shows next to its messages, read at the time of reading, so a
/// rename (or an erasure) shows everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: AccountId,
    pub display_name: String,
    /// The roles shown as badges (consultant, mentor).
    pub badges: Vec<super::Role>,
}

/// The roles shown next to a name.
pub(crate) const BADGES: &[super::Role] = &[super::Role::Consultant, super::Role::Mentor];

impl Author {
    /// An account with these roles as an author: the roles it shows as badges.
    pub fn new(id: AccountId, display_name: String, roles: Vec<super::Role>) -> Self {
        Self {
            id,
            display_name,
            badges: roles.into_iter().filter(|r| BADGES.contains(r)).collect(),
        }
    }
}

// The declared media type of a recording lives with the probe that checks the file
// against it (natives-media).
pub use natives_media::{VOICE_CONTENT_TYPES, VoiceContentType};

/// The largest recording accepted.
pub const MAX_VOICE_BYTES: i64 = 10 * 1024 * 1024;

/// The longest recording accepted (`recording_too_long` beyond it).
pub const MAX_VOICE_DURATION: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// What probing one staged recording may cost: the upload limit and the longest
/// recording, fixed before the file is read.
pub fn voice_limits() -> natives_media::AudioLimits {
    natives_media::AudioLimits::new(MAX_VOICE_BYTES as usize, MAX_VOICE_DURATION)
}

/// A recording's declared length: 1 byte to [`MAX_VOICE_BYTES`].
pub fn parse_voice_size(raw: i64) -> Result<i64, String> {
    if (1..=MAX_VOICE_BYTES).contains(&raw) {
        Ok(raw)
    } else {
        Err(format!("must be from 1 to {MAX_VOICE_BYTES} bytes"))
    }
}

/// A SHA-256 digest, base64 (standard alphabet, padded), as S3's
/// `x-amz-checksum-sha256` carries it: exactly 44 characters, nothing trimmed (the
/// pattern `docs/openapi.yaml` states).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sha256Base64(String);

impl Sha256Base64 {
    pub fn parse(raw: &str) -> Result<Self, String> {
        use base64::Engine;
        use base64::engine::general_purpose::STANDARD;
        match STANDARD.decode(raw) {
            Ok(bytes) if bytes.len() == 32 => Ok(Self(STANDARD.encode(bytes))),
            _ => Err("must be the base64 of a 32-byte SHA-256 digest".into()),
        }
    }
}

impl AsRef<str> for Sha256Base64 {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_show_consultant_and_mentor_as_badges_only() {
        use super::super::Role;
        let author = Author::new(
            AccountId::new(),
            "Ada".into(),
            vec![
                Role::User,
                Role::Mentor,
                Role::Moderator,
                Role::Consultant,
                Role::Admin,
            ],
        );
        assert_eq!(author.badges, [Role::Mentor, Role::Consultant]);
    }

    #[test]
    fn voice_declarations_parse_once() {
        assert_eq!(
            VoiceContentType::parse("Audio/OGG").unwrap().as_str(),
            "audio/ogg"
        );
        assert!(VoiceContentType::parse("video/mp4").is_err());
        assert!(parse_voice_size(0).is_err() && parse_voice_size(MAX_VOICE_BYTES + 1).is_err());
        assert!(parse_voice_size(MAX_VOICE_BYTES).is_ok());
        let digest = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        assert_eq!(Sha256Base64::parse(digest).unwrap().as_ref(), digest);
        assert!(Sha256Base64::parse("abc").is_err());
        assert!(Sha256Base64::parse("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuA==").is_err());
        assert!(Sha256Base64::parse(&format!(" {digest}")).is_err());
        assert!(Sha256Base64::parse(&format!("{digest}\n")).is_err());
    }
}

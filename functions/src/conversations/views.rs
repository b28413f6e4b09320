//! What readers see of threads and messages: authors by their current name and badges.

use std::collections::HashMap;

use natives_shared::domain::{
    AccountId, Author, Correction, CorrectionRevision, DiffSpan, Message, MessageId, MessageKind,
    MessageStatus, ModerationNote, Revision, Role, Thread, Timestamp, Viewer,
};
use serde::Serialize;

/// The name shown for an author whose account cannot be read any more.
const UNKNOWN_AUTHOR: &str = "Former member";

#[derive(Serialize)]
pub struct AuthorView<'a> {
    id: &'a str,
    display_name: &'a str,
    roles: &'a [Role],
}

fn author_view<'a>(id: &'a AccountId, authors: &'a HashMap<AccountId, Author>) -> AuthorView<'a> {
    match authors.get(id) {
        Some(author) => AuthorView {
            id: author.id.as_str(),
            display_name: &author.display_name,
            roles: &author.badges,
        },
        None => AuthorView {
            id: id.as_str(),
            display_name: UNKNOWN_AUTHOR,
            roles: &[],
        },
    }
}

#[derive(Serialize)]
pub struct ThreadView<'a> {
    id: &'a str,
    language: &'a str,
    title: &'a str,
    author: AuthorView<'a>,
    created_at: Timestamp,
    last_activity_at: Timestamp,
    message_count: u64,
    /// Only on a hidden or removed thread, which only its author and moderators see:
    /// where it stands, and the decision that took it out of public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<MessageStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    moderation: Option<&'a ModerationNote>,
}

impl<'a> ThreadView<'a> {
    pub fn new(thread: &'a Thread, authors: &'a HashMap<AccountId, Author>) -> Self {
        Self {
            id: thread.id.as_str(),
            language: thread.language.as_ref(),
            title: thread.title.as_ref(),
            author: author_view(&thread.author_id, authors),
            created_at: thread.created_at,
            last_activity_at: thread.last_activity_at,
            message_count: thread.message_count,
            status: (thread.status != MessageStatus::Visible).then_some(thread.status),
            moderation: thread
                .moderation
                .as_ref()
                .filter(|_| thread.status != MessageStatus::Visible),
        }
    }
}

#[derive(Serialize)]
pub struct VoiceView<'a> {
    url: String,
    content_type: &'a str,
    size_bytes: i64,
    sha256: &'a str,
    /// Measured from the file when it was posted.
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_seconds: Option<f64>,
}

#[derive(Serialize)]
pub struct MessageView<'a> {
    id: String,
    thread_id: &'a str,
    author: AuthorView<'a>,
    kind: MessageKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    voice: Option<VoiceView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to: Option<String>,
    created_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    edited_at: Option<Timestamp>,
    revision: u32,
    status: MessageStatus,
    /// The last moderation decision: shown to moderators, and to the author while the
    /// message is not public (so they see why).
    #[serde(skip_serializing_if = "Option::is_none")]
    moderation: Option<&'a ModerationNote>,
    corrections_count: u32,
}

impl<'a> MessageView<'a> {
    pub fn new(
        message: &'a Message,
        authors: &'a HashMap<AccountId, Author>,
        viewer: Option<&Viewer>,
    ) -> Self {
        let show_moderation = viewer.is_some_and(|v| {
            v.moderator
                || (v.account_id == message.author_id && message.status != MessageStatus::Visible)
        });
        Self {
            id: message.id.to_string(),
            thread_id: message.thread_id.as_str(),
            author: author_view(&message.author_id, authors),
            kind: message.kind,
            text: message.text.as_ref().map(AsRef::as_ref),
            voice: message
                .voice
                .as_ref()
                .filter(|v| v.is_kept())
                .map(|voice| VoiceView {
                    url: voice_url(&message.id),
                    content_type: &voice.content_type,
                    size_bytes: voice.size_bytes,
                    sha256: &voice.sha256,
                    duration_seconds: voice.duration_seconds(),
                }),
            reply_to: message.reply_to.as_ref().map(ToString::to_string),
            created_at: message.created_at,
            edited_at: message.edited_at,
            revision: message.revision,
            status: message.status,
            moderation: message.moderation.as_ref().filter(|_| show_moderation),
            corrections_count: message.corrections_count,
        }
    }
}

/// Where a listener fetches a recording: always this API's voice route, which checks
/// that the caller may see the message on every request and only then redirects to a
/// short-lived link (a signed CDN URL deployed): a link copied from a message never
/// outlives the message's visibility by more than that link's lifetime.
fn voice_url(message_id: &MessageId) -> String {
    format!("/v1/messages/{message_id}/voice")
}

#[derive(Serialize)]
pub struct RevisionView<'a> {
    revision: u32,
    text: &'a str,
    created_at: Timestamp,
    replaced_at: Timestamp,
}

impl<'a> From<&'a Revision> for RevisionView<'a> {
    fn from(revision: &'a Revision) -> Self {
        Self {
            revision: revision.number,
            text: revision.text.as_ref(),
            created_at: revision.created_at,
            replaced_at: revision.replaced_at,
        }
    }
}

/// An earlier version of a correction: `revision` 0 is the correction as made.
#[derive(Serialize)]
pub struct CorrectionRevisionView<'a> {
    revision: u32,
    corrected_text: &'a str,
    note: Option<&'a str>,
    written_at: Timestamp,
    replaced_at: Timestamp,
}

impl<'a> From<&'a CorrectionRevision> for CorrectionRevisionView<'a> {
    fn from(revision: &'a CorrectionRevision) -> Self {
        Self {
            revision: revision.number,
            corrected_text: revision.corrected_text.as_ref(),
            note: revision.note.as_ref().map(AsRef::as_ref),
            written_at: revision.written_at,
            replaced_at: revision.replaced_at,
        }
    }
}

/// A correction as everyone sees it: by its author's current name, with the word-level
/// diff against the text it corrects.
#[derive(Serialize)]
pub struct CorrectionView<'a> {
    id: &'a str,
    message_id: String,
    revision: u32,
    author: AuthorView<'a>,
    corrected_text: &'a str,
    note: Option<&'a str>,
    diff: Vec<DiffSpan>,
    created_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    edited_at: Option<Timestamp>,
    /// Shown to its author and moderators only, once moderation took it out of view.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<MessageStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    moderation: Option<&'a ModerationNote>,
}

impl<'a> CorrectionView<'a> {
    /// `viewer`: who reads it; its author and moderators see its moderation.
    pub fn new(
        correction: &'a Correction,
        authors: &'a HashMap<AccountId, Author>,
        viewer: Option<&Viewer>,
    ) -> Self {
        let insider = viewer.is_some_and(|v| v.moderator || v.account_id == correction.author_id);
        let moderated = insider && correction.status != MessageStatus::Visible;
        Self {
            id: correction.id.as_str(),
            message_id: correction.message_id.to_string(),
            revision: correction.revision,
            author: author_view(&correction.author_id, authors),
            corrected_text: correction.corrected_text.as_ref(),
            note: correction.note.as_ref().map(AsRef::as_ref),
            diff: correction.diff(),
            created_at: correction.created_at,
            edited_at: correction.edited_at,
            status: moderated.then_some(correction.status),
            moderation: moderated
                .then_some(correction.moderation.as_ref())
                .flatten(),
        }
    }
}

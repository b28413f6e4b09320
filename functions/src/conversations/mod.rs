//! Conversations: free to read and listen, paid to reply and speak; what is published
//! stays public for good.

pub mod create_thread;
pub mod create_voice_upload;
pub mod edit_correction;
pub mod edit_message;
pub mod get_message;
pub mod get_thread;
pub mod get_voice;
pub mod list_correction_revisions;
pub mod list_corrections;
pub mod list_messages;
pub mod list_revisions;
pub mod list_threads;
pub mod post_correction;
pub mod post_message;
mod posting;
pub(crate) mod views;

use natives_shared::domain::{MessageId, Viewer};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, Audience};

use crate::App;

/// Who may keep a copy of a public read: visitors all see the same; a caller with a
/// token may see more (their own hidden messages), so their answer is theirs alone.
fn audience(viewer: &Option<Caller>) -> Audience {
    match viewer {
        None => Audience::Public { max_age: 5 },
        Some(_) => Audience::Private,
    }
}

/// What hangs off a message (its revisions, its corrections) is read only when the viewer
/// sees the message and its thread: 404 otherwise, as for the message itself. Who is
/// reading, as the gate admitted them (none for a visitor).
async fn require_visible(
    app: &App,
    message_id: &MessageId,
    viewer: &Option<Caller>,
) -> Result<Option<Viewer>, ApiError> {
    let (message, thread, seen_by) = app
        .store
        .message_for(message_id, viewer.as_deref(), app.now())
        .await?;
    if let (Some(message), Some(thread)) = (message, thread)
        && thread.shows(&message, seen_by.as_ref())
    {
        Ok(seen_by)
    } else {
        Err(ApiError::NotFound)
    }
}

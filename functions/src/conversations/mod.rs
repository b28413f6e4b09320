//! Conversations: free to read and listen, paid to reply and speak; what is published
//! stays public for good.

pub mod create_thread;
pub mod create_voice_upload;
pub mod edit_message;
pub mod get_message;
pub mod get_thread;
pub mod get_voice;
pub mod list_messages;
pub mod list_revisions;
pub mod list_threads;
pub mod post_message;
mod posting;
pub(crate) mod views;

use natives_shared::gate::Caller;
use natives_shared::http::Audience;

/// Who may keep a copy of a public read: visitors all see the same; a caller with a
/// token may see more (their own hidden messages), so their answer is theirs alone.
fn audience(viewer: &Option<Caller>) -> Audience {
    match viewer {
        None => Audience::Public { max_age: 5 },
        Some(_) => Audience::Private,
    }
}

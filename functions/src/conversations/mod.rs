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

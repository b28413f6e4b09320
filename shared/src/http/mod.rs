//! The HTTP edge: one error type mapped to problem+json, JSON bodies parsed once,
//! bearer authentication, and response builders. Routing lives in `functions`.

mod auth;
mod body;
mod cache;
pub mod cookies;
mod error;
mod path;
mod query;
mod response;

pub use auth::authenticate;
pub use body::{MAX_BODY_BYTES, body_bytes, json_body, not_null};
pub use cache::{Audience, cached};
pub use error::ApiError;
pub use path::{path_id, path_param};
pub use query::{Pagination, is_position};
pub use response::{json, no_content};

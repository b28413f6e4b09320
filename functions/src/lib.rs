//! The Lambda functions of Natives.Chat: the function table, the handlers, and the
//! `main` of the binaries they deploy (`lambda::main`, `binaries`). Every deployment (SAM
//! template, local stack) is checked against the table.

pub mod access;
pub mod accounts;
pub mod addresses;
pub mod app;
pub mod binaries;
pub mod company;
pub mod conversations;
pub mod credits;
pub mod idempotency;
pub mod invitations;
pub mod lambda;
pub mod live;
pub mod me;
pub mod moderation;
pub mod passwords;
pub mod photos;
pub mod privacy;
pub mod progress;
pub mod routing;
pub mod sessions;
pub mod social;
pub mod spec;
pub mod stream_filter;
mod table;
mod uploads;
mod views;

pub use access::Visitor;
pub use app::App;
pub use lambda::HandlerResult;
pub use table::{FUNCTIONS, Function};

//! The Lambda functions of Natives.Chat: one route each, the handlers they run, and the
//! route table every deployment (SAM template, local stack) is checked against.

pub mod accounts;
pub mod app;
pub mod credits;
pub mod lambda;
pub mod me;
pub mod routes;
pub mod sessions;
mod views;

pub use app::App;
pub use lambda::HandlerResult;

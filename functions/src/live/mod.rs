//! Live conversations over the WebSocket API: its routes (`$connect`, frames,
//! `$disconnect`), the fan-out of the table's changes to the connections that listen, and
//! the connections as the Management API reaches them. What is allowed and what is pushed
//! is decided in `natives_shared::domain::live`.

pub mod connect;
pub mod connections;
pub mod disconnect;
mod event;
pub mod fan_out;
pub mod frame;

pub use event::{LiveAnswer, LiveEvent};

//! The caller's own account.

pub mod block;
pub mod get;
pub mod update;

//! Progress statistics: the caller's per-language statistics, and the consumer of the
//! table's stream that keeps their counters (what counts is decided in
//! `natives_shared::domain::decide::progress`).

pub mod count;
pub mod get;

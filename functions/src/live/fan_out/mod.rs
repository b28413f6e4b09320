//! The live fan-out, a consumer of the table's stream like the outbox sender: each
//! change a client may see becomes a frame, pushed to every connection that listens.

pub mod delivery;
pub mod frames;

use aws_lambda_events::event::dynamodb::Event;
use serde::Serialize;

use crate::App;

/// What one batch pushed.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub frames: usize,
    pub delivered: usize,
    pub pruned: usize,
    pub failed: usize,
}

pub async fn handle(_app: &App, event: Event) -> Result<Report, lambda_http::Error> {
    tracing::info!(records = event.records.len(), "live changes");
    Ok(Report::default())
}

//! `count-progress`, a consumer of the table's stream like the outbox sender: each new
//! message and correction is added to the progress counters of the accounts it concerns,
//! once (a mark per post, written with the counters, on condition that it is new), so a
//! batch delivered again counts nothing twice. Posting's own transaction does not grow.
//! A failure fails the batch: the stream delivers it again.

use aws_lambda_events::event::dynamodb::Event;
use natives_shared::store::{CountReport, counted_post};

use crate::App;

pub async fn handle(app: &App, event: Event) -> Result<CountReport, lambda_http::Error> {
    let posts: Vec<_> = event
        .records
        .into_iter()
        .filter_map(|record| {
            counted_post(
                &record.event_name,
                record.change.keys,
                record.change.new_image,
            )
        })
        .collect();
    let report = app.store.count_progress(&posts, app.now()).await?;
    tracing::info!(?report, "progress counted");
    Ok(report)
}

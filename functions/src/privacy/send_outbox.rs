//! `send-outbox`, the table's stream consumer: sends each new outbox e-mail (claimed
//! with a conditional write first, so a redelivered batch sends nothing twice; the
//! recipient's address, consent and standing are read when it is sent), and fans each
//! new breach notice out to the accounts it affects. A failure fails the batch: the
//! stream delivers it again, and what was done already is not done twice.

use aws_lambda_events::event::dynamodb::Event;
use natives_shared::domain::decide::outbox::{self, Delivery};
use natives_shared::store::{StreamedItem, streamed_item};
use serde::Serialize;

use crate::App;

/// What one batch did.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub sent: u32,
    pub skipped: u32,
    pub accounts_told_of_breaches: usize,
}

pub async fn handle(app: &App, event: Event) -> Result<Report, lambda_http::Error> {
    let mut report = Report::default();
    for record in event.records {
        if record.event_name != "INSERT" {
            continue;
        }
        match streamed_item(record.change.keys) {
            Some(StreamedItem::OutboxEmail(id)) => match send_one(app, &id).await? {
                Some(Delivery::Sent { .. }) => report.sent += 1,
                Some(Delivery::Skipped { .. }) => report.skipped += 1,
                None => {}
            },
            Some(StreamedItem::BreachNotice(id)) => {
                report.accounts_told_of_breaches +=
                    app.store.fan_out_breach_notice(&id, app.now()).await?;
            }
            None => {}
        }
    }
    Ok(report)
}

/// Sends one e-mail if this call claims it: `None` when another delivery of it did (or
/// it is gone with its account's data).
async fn send_one(app: &App, id: &str) -> Result<Option<Delivery>, lambda_http::Error> {
    let now = app.now();
    let Some(email) = app.store.claim_email(id, now).await? else {
        return Ok(None);
    };
    let account = app.store.get_account(&email.account_id).await?;
    let delivery = match outbox::delivery(account.as_ref(), &email) {
        Err(reason) => Delivery::Skipped { reason },
        Ok(address) => match app
            .mailer
            .send(address.as_ref(), &email.subject, &email.body)
            .await
        {
            Ok(provider_message_id) => Delivery::Sent {
                provider_message_id,
            },
            Err(error) => {
                // Back to the queue: the batch fails and is delivered again.
                app.store.release_email(id, app.now()).await?;
                return Err(error.into());
            }
        },
    };
    app.store.finish_email(id, &delivery, app.now()).await?;
    Ok(Some(delivery))
}

//! `send-outbox`, the table's stream consumer: sends each new outbox e-mail (claimed
//! with a conditional write first, so a redelivered batch sends nothing twice; the
//! recipient's address, consent and standing are read when it is sent), and fans each
//! new breach notice out to the accounts it affects. A failure fails the batch: the
//! stream delivers it again, and what was done already is not done twice.

use natives_shared::domain::decide::outbox::{self, Delivery};

use natives_shared::store::keys::{StreamedItem, streamed_item};
use serde_json::{Value, json};

use crate::App;

pub async fn handle(app: &App, event: Value) -> Result<Value, lambda_http::Error> {
    let mut sent = 0;
    let mut skipped = 0;
    let mut told = 0;
    for record in event["Records"].as_array().into_iter().flatten() {
        if record["eventName"] != "INSERT" {
            continue;
        }
        let Some(pk) = record["dynamodb"]["Keys"]["pk"]["S"].as_str() else {
            continue;
        };
        match streamed_item(pk) {
            Some(StreamedItem::OutboxEmail(id)) => match send_one(app, &id).await? {
                Some(Delivery::Sent { .. }) => sent += 1,
                Some(Delivery::Skipped { .. }) => skipped += 1,
                None => {}
            },
            Some(StreamedItem::BreachNotice(id)) => {
                told += app.store.fan_out_breach_notice(&id, app.now()).await?;
            }
            None => {}
        }
    }
    Ok(json!({ "sent": sent, "skipped": skipped, "accounts_told_of_breaches": told }))
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

//! `send-outbox`, the table's stream consumer: sends each new outbox e-mail (claimed
//! with a conditional write first, so a redelivered batch sends nothing twice; the
//! recipient's address, consent and standing are read when it is sent), and fans each
//! new breach notice out to the accounts it affects. A failure fails the batch: the
//! stream delivers it again, and what was done already is not done twice.

use aws_lambda_events::event::dynamodb::Event;
use natives_shared::domain::{AccountStatus, Purpose};
use natives_shared::store::Delivery;
use natives_shared::store::keys::{BREACH_PREFIX, OUTBOX_PREFIX};
use serde::{Deserialize, Serialize};

use crate::App;

/// What one batch did.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub sent: u32,
    pub skipped: u32,
    pub accounts_told_of_breaches: usize,
}

/// The table's primary key, as a stream record names it.
#[derive(Debug, Deserialize)]
struct TableKey {
    pk: String,
}

pub async fn handle(app: &App, event: Event) -> Result<Report, lambda_http::Error> {
    let mut report = Report::default();
    for record in event.records {
        if record.event_name != "INSERT" {
            continue;
        }
        let TableKey { pk } = serde_dynamo::from_item(record.change.keys)?;
        if let Some(id) = pk.strip_prefix(OUTBOX_PREFIX) {
            match send_one(app, id).await? {
                Some(Delivery::Sent { .. }) => report.sent += 1,
                Some(Delivery::Skipped { .. }) => report.skipped += 1,
                None => {}
            }
        } else if let Some(id) = pk.strip_prefix(BREACH_PREFIX) {
            report.accounts_told_of_breaches +=
                app.store.fan_out_breach_notice(id, app.now()).await?;
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
    let delivery = match account {
        None => Delivery::Skipped {
            reason: "no such account".into(),
        },
        Some(account) if account.status == AccountStatus::Closed => Delivery::Skipped {
            reason: "account closed".into(),
        },
        Some(account) if !account.may_process_for(email.kind.purpose()) => Delivery::Skipped {
            reason: match email.kind.purpose() {
                Purpose::Marketing => "no marketing consent, or restricted or objected to",
                _ => "no consent to notification e-mails",
            }
            .into(),
        },
        Some(account) => match app
            .mailer
            .send(&account.email, &email.subject, &email.body)
            .await
        {
            Ok(provider_message_id) => Delivery::Sent {
                provider_message_id,
            },
            Err(error) => {
                // Back to the queue: the batch fails and is delivered again.
                app.store.release_email(id).await?;
                return Err(error.into());
            }
        },
    };
    app.store.finish_email(id, &delivery, app.now()).await?;
    Ok(Some(delivery))
}

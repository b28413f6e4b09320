//! `PUT /v1/me/consents`: set the consents to marketing and notification e-mails. Every
//! change is kept with its time; a withdrawal takes effect at once (the outbox checks
//! consent when it queues and again when it sends).

use natives_shared::domain::{Consents, Timestamp};
use natives_shared::http::{json, json_body};
use serde::{Deserialize, Serialize};

use crate::access::DataSubject;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentsRequest {
    marketing_emails: bool,
    notification_emails: bool,
}

#[derive(Serialize)]
struct ConsentsView {
    marketing_emails: bool,
    notification_emails: bool,
    changed_at: Timestamp,
}

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    caller: DataSubject,
) -> HandlerResult {
    let body: ConsentsRequest = json_body(&request)?;
    let consents = Consents {
        marketing_emails: body.marketing_emails,
        notification_emails: body.notification_emails,
    };
    let change = app.store.set_consents(&caller, consents, app.now()).await?;
    Ok(json(
        200,
        &ConsentsView {
            marketing_emails: change.marketing_emails,
            notification_emails: change.notification_emails,
            changed_at: change.changed_at,
        },
    ))
}

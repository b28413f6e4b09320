//! `PUT /v1/me/consents`: set the consents to marketing and notification e-mails. Every
//! change is kept with its time; a withdrawal takes effect at once (the outbox checks
//! consent when it queues and again when it sends).

use natives_shared::domain::Consents;
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body};
use serde::Deserialize;
use serde_json::json;

use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentsRequest {
    marketing_emails: bool,
    notification_emails: bool,
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: ConsentsRequest = json_body(&request)?;
    let consents = Consents {
        marketing_emails: body.marketing_emails,
        notification_emails: body.notification_emails,
    };
    let change = app.store.set_consents(&caller, consents, app.now()).await?;
    Ok(json(
        200,
        &json!({
            "marketing_emails": change.marketing_emails,
            "notification_emails": change.notification_emails,
            "changed_at": change.changed_at,
        }),
    ))
}

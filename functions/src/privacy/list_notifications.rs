//! `GET /v1/me/notifications`: what the platform told me (privacy request steps,
//! breach notices), newest first.

use natives_shared::gate::Caller;
use natives_shared::http::json;
use serde_json::{Value, json};

use super::views::notification_view;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let page = super::pagination(&request)?;
    let (notifications, next) = app
        .store
        .notifications(&caller, page.limit, page.cursor.as_deref(), app.now())
        .await?;
    let items: Vec<Value> = notifications.iter().map(notification_view).collect();
    Ok(json(200, &json!({ "items": items, "next_cursor": next })))
}

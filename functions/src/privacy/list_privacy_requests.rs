//! `GET /v1/me/privacy-requests`: my privacy requests, newest first, each with its
//! status, deadline and whether it is overdue.

use natives_shared::gate::Caller;
use natives_shared::http::json;
use serde_json::{Value, json};

use super::views::request_view;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, _request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let now = app.now();
    let requests = app.store.own_privacy_requests(&caller, now).await?;
    let items: Vec<Value> = requests
        .iter()
        .map(|r| request_view(r, now, false))
        .collect();
    Ok(json(200, &json!({ "items": items, "next_cursor": null })))
}

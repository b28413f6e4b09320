//! `GET /v1/admin/privacy-requests?status=open|completed`: the admins' queue, earliest
//! due first, each with `overdue`.

use lambda_http::RequestExt;
use natives_shared::domain::FieldError;
use natives_shared::http::{ApiError, json};
use serde_json::{Value, json};

use super::views::request_view;
use crate::access::{Admin, Staff};
use crate::{App, HandlerResult};

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    caller: Staff<Admin>,
) -> HandlerResult {
    let page = super::pagination(&request)?;
    let open = match request.query_string_parameters().first("status") {
        None | Some("open") => true,
        Some("completed") => false,
        Some(_) => {
            return Err(ApiError::Validation(vec![FieldError {
                field: "status".into(),
                message: "must be `open` or `completed`".into(),
            }]));
        }
    };
    let now = app.now();
    let (requests, next) = app
        .store
        .privacy_request_queue(&caller, open, page.limit, page.cursor.as_deref(), now)
        .await?;
    let items: Vec<Value> = requests
        .iter()
        .map(|r| request_view(r, now, true))
        .collect();
    Ok(json(200, &json!({ "items": items, "next_cursor": next })))
}

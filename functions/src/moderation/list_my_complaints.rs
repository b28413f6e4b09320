//! `GET /v1/me/complaints`: my complaints and what became of each.

use lambda_http::{Request, RequestExt};
use natives_shared::domain::FieldError;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, Pagination, json};
use serde_json::json;

use super::views::ComplaintView;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let page = pagination(&request)?;
    let (complaints, next) = app
        .store
        .complaints_of(&caller, page.limit, page.cursor.as_deref(), app.now())
        .await??;
    let items: Vec<ComplaintView> = complaints
        .iter()
        .map(|(complaint, outcome)| ComplaintView::new(complaint, outcome.as_ref()))
        .collect();
    Ok(json(200, &json!({ "items": items, "next_cursor": next })))
}

/// `?limit=&cursor=`, the cursor being a position this list gave out.
pub fn pagination(request: &Request) -> Result<Pagination, ApiError> {
    let parameters = request
        .query_string_parameters()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let page = Pagination::parse(&parameters)?;
    if let Some(cursor) = &page.cursor
        && !is_position(cursor)
    {
        return Err(ApiError::Validation(vec![FieldError {
            field: "cursor".into(),
            message: "is not a cursor this list gave out".into(),
        }]));
    }
    Ok(page)
}

/// Whether a cursor can be a position these lists give out (a time, `#` and an id): at
/// most 80 letters, digits, `#`, `:`, `.` and `-` (the pattern `docs/openapi.yaml`
/// states). Empty is no cursor.
pub fn is_position(cursor: &str) -> bool {
    cursor.len() <= 80
        && cursor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"#:.-".contains(&b))
}

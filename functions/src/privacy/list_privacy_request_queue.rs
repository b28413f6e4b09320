//! `GET /v1/admin/privacy-requests?status=open|completed`: the admins' queue, earliest
//! due first, each with `overdue`.

use lambda_http::RequestExt;
use natives_shared::domain::FieldError;
use natives_shared::http::{ApiError, Pagination, json};

use super::views::RequestView;
use crate::access::{Admin, Staff};
use crate::views::Page;
use crate::{App, HandlerResult};

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    admin: Staff<Admin>,
) -> HandlerResult {
    let page = Pagination::from_request(&request)?;
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
        .privacy_request_queue(&admin, open, page.limit, page.cursor.as_deref(), now)
        .await?;
    let items: Vec<RequestView> = requests
        .iter()
        .map(|r| RequestView::for_admins(r, now))
        .collect();
    Ok(json(200, &Page::new(items, next)))
}

//! `GET /v1/me/privacy-requests`: my privacy requests, newest first, each with its
//! status, deadline and whether it is overdue.

use natives_shared::http::json;

use super::views::RequestView;
use crate::access::DataSubject;
use crate::views::Page;
use crate::{App, HandlerResult};

pub async fn handle(
    app: &App,
    _request: lambda_http::Request,
    caller: DataSubject,
) -> HandlerResult {
    let now = app.now();
    let requests = app.store.own_privacy_requests(&caller, now).await?;
    let items: Vec<RequestView> = requests.iter().map(|r| RequestView::own(r, now)).collect();
    Ok(json(200, &Page::new(items, None)))
}

//! `GET /v1/me/complaints`: my complaints and what became of each.

use lambda_http::Request;
use natives_shared::gate::Caller;
use natives_shared::http::json;

use super::views::{ComplaintView, Page};
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let page = super::pagination(&request)?;
    let (complaints, next) = app
        .store
        .complaints_of(&caller, page.limit, page.cursor.as_deref(), app.now())
        .await?;
    let items: Vec<ComplaintView> = complaints
        .iter()
        .map(|(complaint, outcome)| ComplaintView::new(complaint, outcome.as_ref()))
        .collect();
    Ok(json(200, &Page::new(items, next)))
}

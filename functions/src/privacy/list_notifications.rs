//! `GET /v1/me/notifications`: what the platform told me (privacy request steps,
//! breach notices), newest first.

use natives_shared::gate::Caller;
use natives_shared::http::{Pagination, json};

use super::views::NotificationView;
use crate::views::Page;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let page = Pagination::from_request(&request)?;
    let (notifications, next) = app
        .store
        .notifications(&caller, page.limit, page.cursor.as_deref(), app.now())
        .await?;
    let items: Vec<NotificationView> = notifications.iter().map(NotificationView::from).collect();
    Ok(json(200, &Page::new(items, next)))
}

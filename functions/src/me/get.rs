//! `GET /v1/me`: the caller's own account.

use natives_shared::http::json;

use crate::views::AccountView;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request) -> HandlerResult {
    let (_, account) = app.caller_account(&request).await?;
    Ok(json(200, &AccountView::from(&account)))
}

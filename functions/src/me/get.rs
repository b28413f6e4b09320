//! `GET /v1/me`: the caller's own account.

use natives_shared::http::json;

use crate::access::DataSubject;
use crate::views::AccountView;
use crate::{App, HandlerResult};

pub async fn handle(
    app: &App,
    _request: lambda_http::Request,
    caller: DataSubject,
) -> HandlerResult {
    let account = app.store.caller_account(&caller, app.now()).await?;
    Ok(json(200, &AccountView::from(&account)))
}

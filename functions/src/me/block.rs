//! `POST /v1/me/block`: block my own account at my request. Every session ends, it can
//! no longer log in; its messages stay.

use natives_shared::gate::Caller;
use natives_shared::http::no_content;

use crate::{App, HandlerResult};

pub async fn handle(app: &App, _request: lambda_http::Request, caller: Caller) -> HandlerResult {
    app.store.block_own_account(&caller, app.now()).await?;
    Ok(no_content())
}

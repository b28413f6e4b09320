//! `POST /v1/me/block`: block my own account at my request. It can no longer log in;
//! its messages stay.

use natives_shared::http::no_content;

use crate::app::revoked_token;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request) -> HandlerResult {
    let caller = app.authenticate(&request)?;
    if app.store.block_own_account(&caller, app.now()).await? {
        Ok(no_content())
    } else {
        Err(revoked_token())
    }
}

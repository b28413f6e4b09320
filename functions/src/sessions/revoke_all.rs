//! `POST /v1/sessions/revoke-all`: every refresh and access token issued so far stops
//! working ("someone else used my account").

use natives_shared::http::no_content;

use crate::app::revoked_token;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request) -> HandlerResult {
    let caller = app.authenticate(&request)?;
    if app.store.revoke_all_tokens(&caller, app.now()).await? {
        Ok(no_content())
    } else {
        Err(revoked_token())
    }
}

//! `POST /v1/sessions/revoke-all`: every refresh and access token issued so far stops
//! working ("someone else used my account").

use natives_shared::gate::Caller;
use natives_shared::http::no_content;

use crate::{App, HandlerResult};

pub async fn handle(app: &App, _request: lambda_http::Request, caller: Caller) -> HandlerResult {
    app.store.revoke_all_tokens(&caller, app.now()).await?;
    Ok(no_content())
}

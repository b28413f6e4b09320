//! `POST /v1/me/email-verification`: a new code to verify the account's address, sent
//! there (a few a day).

use natives_shared::auth::Code;
use natives_shared::gate::Caller;
use natives_shared::http::json;
use serde::Serialize;

use crate::{App, HandlerResult};

#[derive(Serialize)]
struct Sent {
    detail: &'static str,
}

pub async fn handle(app: &App, _request: lambda_http::Request, caller: Caller) -> HandlerResult {
    app.store
        .request_verification(&caller, app.code_key()?, &Code::generate(), app.now())
        .await?;
    Ok(json(
        202,
        &Sent {
            detail: "A code to verify this account's e-mail address is on its way there.",
        },
    ))
}

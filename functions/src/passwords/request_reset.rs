//! `POST /v1/password-resets`: a code to reset a forgotten password, e-mailed to the
//! address if an active account has it. The same answer, and the same DynamoDB requests,
//! whether or not one does.

use natives_shared::auth::Code;
use natives_shared::domain::{Email, Validator};
use natives_shared::http::{json, json_body};
use serde::{Deserialize, Serialize};

use crate::{App, HandlerResult, Visitor};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetRequest {
    email: String,
}

#[derive(Serialize)]
struct Accepted {
    detail: &'static str,
}

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let body: ResetRequest = json_body(&request)?;
    let mut v = Validator::new();
    let email = v.check("email", Email::parse(&body.email));
    let email = v.finish(|| email.expect("checked"))?;
    app.store
        .request_password_reset(&email, app.code_key()?, &Code::generate(), app.now())
        .await?;
    Ok(json(
        202,
        &Accepted {
            detail: "If an account has this address, a code to reset its password is on its way there.",
        },
    ))
}

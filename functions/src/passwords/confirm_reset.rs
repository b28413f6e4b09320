//! `POST /v1/password-resets/confirm`: the e-mailed code and a new password; every
//! session of the account ends.

use natives_shared::auth::Code;
use natives_shared::domain::decide::email_codes::CodeRefusal;
use natives_shared::domain::{Email, Validator};
use natives_shared::http::{ApiError, json_body, no_content};
use serde::Deserialize;

use super::{check_new_password, hashed};
use crate::{App, HandlerResult, Visitor};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmReset {
    email: String,
    code: String,
    new_password: String,
}

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let body: ConfirmReset = json_body(&request)?;
    let mut v = Validator::new();
    let email = v.check("email", Email::parse(&body.email));
    let password = check_new_password(&mut v, "new_password", body.new_password, email.as_ref());
    let (email, password) = v.finish(|| (email.expect("checked"), password.expect("checked")))?;
    // Not six digits: no code of ours, and nothing to count.
    let code = Code::parse(&body.code).ok_or(ApiError::from(CodeRefusal::InvalidCode))?;
    let key = app.code_key()?;
    let password_hash = hashed(password).await?;
    app.store
        .reset_password(&email, key, &code, &password_hash, app.now())
        .await?;
    Ok(no_content())
}

//! `POST /v1/me/email-change`: the password and a new address; a code goes to the new
//! address. A wrong password counts against the login throttle.

use natives_shared::auth::Code;
use natives_shared::domain::decide::sessions::may_try_password;
use natives_shared::domain::{Email, FieldError, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body};
use serde::{Deserialize, Serialize};

use crate::passwords::{MAX_PASSWORD_CHARS, proves};
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeRequest {
    new_email: String,
    password: String,
}

#[derive(Serialize)]
struct Sent {
    detail: &'static str,
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: ChangeRequest = json_body(&request)?;
    let mut v = Validator::new();
    let new_email = v.check("new_email", Email::parse(&body.new_email));
    if body.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(ApiError::Validation(vec![FieldError {
            field: "password".into(),
            message: format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        }]));
    }
    let new_email = v.finish(|| new_email.expect("checked"))?;
    let now = app.now();
    let key = app.code_key()?;
    let account = app.store.caller_account(&caller, now).await?;
    may_try_password(Some(&account), now)?;
    if !proves(body.password, account.password_hash.clone()).await? {
        app.store.record_failed_login(Some(&account), now).await?;
        return Err(ApiError::wrong_password());
    }
    app.store
        .request_email_change(&caller, &account, &new_email, key, &Code::generate(), now)
        .await?;
    Ok(json(
        202,
        &Sent {
            detail: "A code to confirm the new address is on its way there.",
        },
    ))
}

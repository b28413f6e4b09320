//! `POST /v1/me/password`: the current password and a new one; every other session of
//! the account ends, the caller's stays. A wrong current password counts against the
//! login throttle.

use natives_shared::domain::decide::sessions::may_try_password;
use natives_shared::domain::{FieldError, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json_body, no_content};
use serde::Deserialize;

use super::{MAX_PASSWORD_CHARS, check_new_password, hashed, proves};
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangePassword {
    current_password: String,
    new_password: String,
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: ChangePassword = json_body(&request)?;
    if body.current_password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(ApiError::Validation(vec![FieldError {
            field: "current_password".into(),
            message: format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        }]));
    }
    let now = app.now();
    let (account, sessions) = app.store.account_and_sessions(&caller, now).await?;
    let mut v = Validator::new();
    let password = check_new_password(
        &mut v,
        "new_password",
        body.new_password,
        Some(&account.email),
    );
    let password = v.finish(|| password.expect("checked"))?;
    may_try_password(Some(&account), now)?;
    if !proves(body.current_password, account.password_hash.clone()).await? {
        app.store.record_failed_login(Some(&account), now).await?;
        return Err(ApiError::wrong_password());
    }
    let password_hash = hashed(password).await?;
    if !app
        .store
        .change_password(&caller, &account, &sessions, &password_hash, now)
        .await?
    {
        // The password changed since it was proved: prove the new one.
        return Err(ApiError::wrong_password());
    }
    Ok(no_content())
}

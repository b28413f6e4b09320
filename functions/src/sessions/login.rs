//! `POST /v1/sessions`: log in with e-mail and password.

use natives_shared::auth::{verify_against_dummy, verify_password};
use natives_shared::domain::decide::sessions::{self, LoginRefusal};
use natives_shared::domain::{Email, FieldError, SessionScope};
use natives_shared::http::{ApiError, json_body};
use serde::Deserialize;

use super::{session_lifetime, start_session};
use crate::{App, HandlerResult, Visitor};

/// Longer inputs are refused before any hashing work is spent on them (characters, as
/// the contract's `maxLength` counts them).
const MAX_PASSWORD_CHARS: usize = 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    email: String,
    password: String,
    /// `privacy`: a restricted session that reaches only the privacy rights (what a
    /// blocked account may still open). Absent: a full session.
    #[serde(default)]
    scope: SessionScope,
}

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let body: LoginRequest = json_body(&request)?;
    if body.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(ApiError::Validation(vec![FieldError {
            field: "password".into(),
            message: format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        }]));
    }
    // Not an address at all: nothing to look up (and nothing to hide: the sender knows).
    let email = Email::parse(&body.email).ok();
    let account = match &email {
        Some(email) => app.store.account_for_login(email).await?,
        None => None,
    };
    let now = app.now();
    // A throttled account is refused before any hashing: the guess is not even tried.
    sessions::may_try_password(account.as_ref(), now)?;
    // Unknown e-mail and wrong password cost the same time, the same DynamoDB requests
    // (two reads, one conditional update) and get the same answer.
    let password = body.password.clone();
    let (account, password_ok) = tokio::task::spawn_blocking(move || match account {
        Some(account) if account.has_password() => {
            let ok = verify_password(&password, &account.password_hash);
            (Some(account), ok)
        }
        // No password yet (opened through a provider): the same work as a wrong one.
        account => {
            verify_against_dummy(&password);
            (account, false)
        }
    })
    .await
    .map_err(|e| ApiError::internal("password verification", e))?;
    let account = match account {
        Some(account) if password_ok => account,
        account => {
            if email.is_some() {
                app.store.record_failed_login(account.as_ref(), now).await?;
            }
            return Err(LoginRefusal::InvalidCredentials.into());
        }
    };
    let plan = sessions::login(&account, body.scope, session_lifetime(app), now)?;
    start_session(app, &request, &account, &plan, now).await
}

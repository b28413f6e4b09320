//! `POST /v1/sessions`: log in with e-mail and password.

use natives_shared::auth::{verify_against_dummy, verify_password};
use natives_shared::domain::{Email, FieldError, SessionFamily, SessionId, Standing, Timestamp};
use natives_shared::http::{ApiError, json, json_body};
use serde::Deserialize;

use super::{account_blocked, new_refresh_token, refresh_expiry, token_pair};
use crate::{App, HandlerResult, Visitor};

/// Longer inputs are refused before any hashing work is spent on them (characters, as
/// the contract's `maxLength` counts them).
const MAX_PASSWORD_CHARS: usize = 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    email: String,
    password: String,
}

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_credentials",
        detail: "The e-mail address or the password is wrong.".into(),
    }
}

fn too_many_attempts(retry_after_seconds: u64) -> ApiError {
    ApiError::TooManyRequests {
        code: "too_many_attempts",
        detail: format!(
            "Too many failed logins in a row for this account; try again in {retry_after_seconds} s."
        ),
        // At most MAX_BACKOFF_SECONDS (15 minutes), so it fits.
        retry_after_seconds: u32::try_from(retry_after_seconds).unwrap_or(u32::MAX),
    }
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
    if let Some(wait) = account.as_ref().and_then(|a| a.login_retry_after(now)) {
        return Err(too_many_attempts(wait));
    }
    // Unknown e-mail and wrong password cost the same time, the same DynamoDB requests
    // (two reads, one conditional update) and get the same answer.
    let password = body.password;
    let (account, password_ok) = tokio::task::spawn_blocking(move || match account {
        Some(account) => {
            let ok = verify_password(&password, &account.password_hash);
            (Some(account), ok)
        }
        None => {
            verify_against_dummy(&password);
            (None, false)
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
            return Err(invalid_credentials());
        }
    };

    match account.standing(now) {
        Standing::Active => {}
        Standing::Blocked { until } => return Err(account_blocked(until)),
        Standing::Closed => return Err(invalid_credentials()),
    }
    let family = SessionFamily {
        account_id: account.id.clone(),
        family_id: SessionId::new(),
        token_generation: account.token_generation,
        created_at: Timestamp::at(now),
        last_used_at: Timestamp::at(now),
        revoked_at: None,
        expires_at_epoch: refresh_expiry(app, now).unix_timestamp(),
    };
    let (refresh, record) = new_refresh_token(app, &account, &family.family_id, now);
    app.store
        .start_session(&account, &family, &refresh.digest_hex(), &record, now)
        .await?;
    Ok(json(
        200,
        &token_pair(app, &account, &family.family_id, &refresh, now)?,
    ))
}

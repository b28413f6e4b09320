//! `POST /v1/sessions`: log in with e-mail and password.

use natives_shared::auth::{verify_against_dummy, verify_password};
use natives_shared::clock::rfc3339;
use natives_shared::domain::{Email, FieldError, SessionId, Standing};
use natives_shared::http::{ApiError, json, json_body};
use natives_shared::store::SessionFamily;
use serde::Deserialize;

use super::{account_blocked, new_refresh_token, refresh_expiry, token_pair};
use crate::{App, HandlerResult, Visitor};

/// Longer inputs are refused before any hashing work is spent on them.
const MAX_PASSWORD_BYTES: usize = 1024;

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

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let body: LoginRequest = json_body(&request)?;
    if body.password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::Validation(vec![FieldError {
            field: "password".into(),
            message: format!("must be at most {MAX_PASSWORD_BYTES} bytes"),
        }]));
    }
    let account = match Email::parse(&body.email) {
        Ok(email) => match app.store.account_id_for_email(&email).await? {
            Some(id) => app.store.get_account(&id).await?,
            None => None,
        },
        Err(_) => None,
    };
    // Unknown e-mail and wrong password cost the same time and get the same answer.
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
        _ => return Err(invalid_credentials()),
    };

    let now = app.now();
    match account.standing(now) {
        Standing::Active => {}
        Standing::Blocked { until } => return Err(account_blocked(until)),
        Standing::Closed => return Err(invalid_credentials()),
    }
    let family = SessionFamily {
        account_id: account.id.clone(),
        family_id: SessionId::new(),
        token_generation: account.token_generation,
        created_at: rfc3339::format(now),
        last_used_at: rfc3339::format(now),
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

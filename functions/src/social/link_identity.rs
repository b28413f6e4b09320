//! `POST /v1/me/identities`: links a provider sign-in to the caller's account. The
//! callback's code and state, and the account's password: a session alone does not add
//! a way into the account.

use natives_shared::auth::{verify_against_dummy, verify_password};
use natives_shared::domain::FieldError;
use natives_shared::domain::decide::sessions::may_try_password;
use natives_shared::domain::decide::social::SocialRefusal;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body};
use serde::Deserialize;

use super::list_identities::IdentityView;
use super::{parse_callback, verified_profile};
use crate::{App, HandlerResult};

/// Longer inputs are refused before any hashing work is spent on them.
const MAX_PASSWORD_CHARS: usize = 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkRequest {
    provider: String,
    code: String,
    state: String,
    /// What VK ID appends to its redirect; its token exchange needs it back.
    #[serde(default)]
    device_id: Option<String>,
    password: String,
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: LinkRequest = json_body(&request)?;
    let (provider, device_id) =
        parse_callback(&body.provider, &body.code, body.device_id.as_deref())?;
    if body.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(ApiError::Validation(vec![FieldError {
            field: "password".into(),
            message: format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        }]));
    }
    let now = app.now();
    let account = app.store.caller_account(&caller, now).await?;
    // The password is a guess like a login's: the same throttle refuses it, and a wrong
    // one counts.
    may_try_password(Some(&account), now)?;
    let hash = account.password_hash.clone();
    let password = body.password;
    let proved = tokio::task::spawn_blocking(move || {
        if hash.is_empty() {
            verify_against_dummy(&password);
            None
        } else {
            verify_password(&password, &hash).then_some(hash)
        }
    })
    .await
    .map_err(|e| ApiError::internal("password verification", e))?;
    let Some(proved_hash) = proved else {
        if account.has_password() {
            app.store.record_failed_login(Some(&account), now).await?;
        }
        return Err(SocialRefusal::WrongPassword.into());
    };
    let profile =
        verified_profile(app, provider, &body.code, &body.state, device_id.as_ref()).await?;
    let identity = app
        .store
        .link_social_identity(&caller, &proved_hash, &profile, now)
        .await?;
    Ok(json(201, &IdentityView::from(identity)))
}

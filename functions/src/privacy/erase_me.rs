//! `POST /v1/me/erasure`: after the password is entered again, the caller's personal
//! data is erased or replaced, every session ends, the e-mail is free again and the
//! account is closed for good, and its profile photo's files are deleted; published
//! messages stay, under an anonymous name.

use natives_shared::auth::verify_password;
use natives_shared::domain::decide::erasure::ErasureRefusal;
use natives_shared::domain::decide::photos::PhotoSweep;
use natives_shared::domain::decide::sessions::may_try_password;
use natives_shared::domain::{AccountId, AccountStatus, FieldError, Timestamp};
use natives_shared::gate::Refusal;
use natives_shared::http::{ApiError, json, json_body};
use natives_shared::store::ErasureOutcome;
use serde::{Deserialize, Serialize};

use crate::access::DataSubject;
use crate::{App, HandlerResult};

/// Longer inputs are refused before any hashing work is spent on them.
const MAX_PASSWORD_BYTES: usize = 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EraseRequest {
    password: String,
}

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    caller: DataSubject,
) -> HandlerResult {
    let body: EraseRequest = json_body(&request)?;
    if body.password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::Validation(vec![FieldError {
            field: "password".into(),
            message: format!("must be at most {MAX_PASSWORD_BYTES} bytes"),
        }]));
    }
    let now = app.now();
    let found = app.store.caller_items(&caller, now).await?;
    // The password check is a guess like a login's: the same throttle refuses it and
    // counts a wrong one.
    may_try_password(Some(&found.account), now)?;
    let hash = found.account.password_hash.clone();
    let password = body.password;
    let password_ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::internal("password verification", e))?;
    if !password_ok {
        app.store
            .record_failed_login(Some(&found.account), now)
            .await?;
        return Err(ErasureRefusal::WrongPassword.into());
    }
    // Every photo file first (the current one and any a failed delete left): once the
    // account is erased nothing names them.
    app.archive()?
        .sweep_photos(&caller.account_id, PhotoSweep::Everything, now)
        .await?;
    match app.store.erase(found, now).await? {
        ErasureOutcome::Erased { erased_at } | ErasureOutcome::AlreadyErased { erased_at } => {
            Ok(json(
                200,
                &Erased {
                    account_id: &caller.account_id,
                    status: AccountStatus::Closed,
                    erased_at,
                },
            ))
        }
        ErasureOutcome::NoSuchAccount => Err(Refusal::Unauthenticated.into()),
    }
}

/// An erased account: closed for good.
#[derive(Serialize)]
struct Erased<'a> {
    account_id: &'a AccountId,
    status: AccountStatus,
    erased_at: Timestamp,
}

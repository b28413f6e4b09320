//! `POST /v1/sessions/refresh`: rotate a refresh token. A token used twice revokes its
//! whole family: one of the two users is not its owner.

use natives_shared::auth::RefreshToken;
use natives_shared::domain::Standing;
use natives_shared::store::RotateError;

use super::{
    Presented, account_blocked, invalid_refresh_token, new_refresh_token, token_pair,
    tokens_response,
};
use crate::{App, HandlerResult, Visitor};

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let source = Presented::from_request(&request)?;
    let presented = source
        .token()
        .and_then(RefreshToken::parse)
        .ok_or_else(invalid_refresh_token)?;
    let old_digest = presented.digest_hex();
    let record = app
        .store
        .refresh_record(&old_digest)
        .await?
        .ok_or_else(invalid_refresh_token)?;
    let now = app.now();
    if record.used_at.is_some() {
        tracing::warn!(family_id = %record.family_id, "refresh token reused: ending its session");
        app.store
            .end_session(&record.account_id, &record.family_id, now)
            .await?;
        return Err(invalid_refresh_token());
    }
    if record.expires_at_epoch <= now.unix_timestamp() {
        return Err(invalid_refresh_token());
    }
    let account = app
        .store
        .get_account(&record.account_id)
        .await?
        .ok_or_else(invalid_refresh_token)?;
    match account.standing(now) {
        Standing::Active => {}
        Standing::Blocked { until } => return Err(account_blocked(until)),
        Standing::Closed => return Err(invalid_refresh_token()),
    }
    if account.token_generation != record.token_generation {
        return Err(invalid_refresh_token());
    }

    let (successor, successor_record) = new_refresh_token(app, &account, &record.family_id, now);
    match app
        .store
        .rotate_refresh_token(
            &account,
            &old_digest,
            &successor.digest_hex(),
            &successor_record,
            now,
        )
        .await
    {
        Ok(()) => Ok(tokens_response(
            app,
            &request,
            token_pair(app, &account, &record.family_id, &successor, now)?,
            source.delivery(),
        )),
        Err(RotateError::AlreadyUsed) => {
            tracing::warn!(family_id = %record.family_id, "concurrent reuse of a refresh token: ending its session");
            app.store
                .end_session(&record.account_id, &record.family_id, now)
                .await?;
            Err(invalid_refresh_token())
        }
        Err(RotateError::Refused) => Err(invalid_refresh_token()),
        Err(RotateError::Store(error)) => Err(error.into()),
    }
}

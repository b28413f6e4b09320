//! `POST /v1/sessions/refresh`: rotate a refresh token. A token used twice revokes its
//! whole family: one of the two users is not its owner.

use natives_shared::auth::RefreshToken;
use natives_shared::domain::decide::sessions::{self, Presented};
use natives_shared::store::RotateError;

use super::{RefreshSource, invalid_refresh_token, session_lifetime, token_pair, tokens_response};
use crate::{App, HandlerResult, Visitor};

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let source = RefreshSource::from_request(&request)?;
    let presented = source
        .token()
        .and_then(RefreshToken::parse)
        .ok_or_else(invalid_refresh_token)?;
    let old_digest = presented.digest_hex();
    let record = app.store.refresh_record(&old_digest).await?;
    let now = app.now();
    let record = match sessions::presented(record, now)? {
        Presented::Usable(record) => record,
        Presented::Reused(record) => {
            tracing::warn!(family_id = %record.family_id, "refresh token reused: ending its session");
            app.store
                .end_session(&record.account_id, &record.family_id, now)
                .await?;
            return Err(invalid_refresh_token());
        }
    };
    let account = app.store.get_account(&record.account_id).await?;
    let plan = sessions::rotate(&record, account.as_ref(), session_lifetime(app), now)?;
    let account = account.expect("rotated for an account");
    let successor = RefreshToken::generate();
    match app
        .store
        .rotate_refresh_token(&plan, &old_digest, &successor.digest_hex(), now)
        .await
    {
        Ok(()) => Ok(tokens_response(
            app,
            &request,
            token_pair(app, &account, &plan.successor, &successor, now)?,
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

//! `POST /v1/sessions/logout`: end one login: its refresh tokens stop refreshing and its
//! access tokens stop opening anything, at once. Answers 204 whatever the token was, so
//! logging out twice is harmless.

use natives_shared::auth::RefreshToken;
use natives_shared::http::cookies::clear_refresh_cookie;
use natives_shared::http::no_content;

use super::{Delivery, RefreshSource};
use crate::{App, HandlerResult, Visitor};

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let source = RefreshSource::from_request(&request)?;
    if let Some(token) = source.token().and_then(RefreshToken::parse)
        && let Some(record) = app.store.refresh_record(&token.digest_hex()).await?
    {
        app.store
            .end_session(&record.account_id, &record.family_id, app.now())
            .await?;
    }
    let mut response = no_content();
    if source.delivery() == Delivery::Cookie {
        clear_refresh_cookie(&mut response, &request);
    }
    Ok(response)
}

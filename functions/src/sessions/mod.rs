//! Log in, refresh, log out, revoke everything.

pub mod login;
pub mod logout;
pub mod refresh;
pub mod revoke_all;

use natives_shared::auth::{AuthUser, RefreshToken};
use natives_shared::domain::decide::sessions::LoginRefusal;
use natives_shared::domain::{Account, FieldError, SessionId};
use natives_shared::http::{ApiError, json_body};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use crate::App;
use crate::views::TokenPair;

/// `{refresh_token}`, the body of refresh and logout.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefreshRequest {
    refresh_token: String,
}

/// Longer values are not tokens of ours; refused before any lookup (as the contract
/// states, so an input it calls invalid is never answered as if it were fine).
const MAX_REFRESH_TOKEN_CHARS: usize = 200;

impl RefreshRequest {
    fn from_request(request: &lambda_http::Request) -> Result<Self, ApiError> {
        let body: Self = json_body(request)?;
        if body.refresh_token.chars().count() > MAX_REFRESH_TOKEN_CHARS {
            return Err(ApiError::Validation(vec![FieldError {
                field: "refresh_token".into(),
                message: format!("must be at most {MAX_REFRESH_TOKEN_CHARS} characters"),
            }]));
        }
        Ok(body)
    }
}

/// How long a session (and each of its refresh tokens) lives.
fn session_lifetime(app: &App) -> Duration {
    Duration::days(app.settings.refresh_token_days)
}

/// The token pair a login or a refresh answers with.
fn token_pair(
    app: &App,
    account: &Account,
    family_id: &SessionId,
    refresh: &RefreshToken,
    now: OffsetDateTime,
) -> Result<TokenPair, ApiError> {
    let signer = app.signer()?;
    let user = AuthUser {
        account_id: account.id.clone(),
        roles: account.roles.clone(),
        token_generation: account.token_generation,
        session_id: family_id.clone(),
        display_name: Some(account.display_name.to_string()),
    };
    Ok(TokenPair {
        access_token: signer.issue(&user, now),
        token_type: "Bearer",
        expires_in: signer.lifetime_seconds(),
        refresh_token: refresh.expose().to_owned(),
    })
}

fn invalid_refresh_token() -> ApiError {
    LoginRefusal::InvalidRefreshToken.into()
}

//! Log in, refresh, log out, revoke everything.

pub mod login;
pub mod logout;
pub mod refresh;
pub mod revoke_all;
pub mod social;

use lambda_http::{Body, Response};
use natives_shared::auth::{AuthUser, RefreshToken};
use natives_shared::domain::decide::sessions::{LoginPlan, LoginRefusal};
use natives_shared::domain::{
    Account, FieldError, RefreshRecord, SessionFamily, SessionId, SessionScope,
};
use natives_shared::http::cookies::{self, set_refresh_cookie};
use natives_shared::http::{ApiError, body_bytes, json, json_body};
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

/// Where a refresh or a logout found its refresh token; the answer goes back the same way.
enum RefreshSource {
    /// `{refresh_token}` in the JSON body: clients other than browsers.
    Body(String),
    /// A browser's cookie, with the browser header.
    Cookie(String),
    /// No body and no cookie: a token that opens nothing (a browser's, with the header).
    Nothing { browser: bool },
}

impl RefreshSource {
    fn from_request(request: &lambda_http::Request) -> Result<Self, ApiError> {
        if !body_bytes(request).is_empty() {
            return RefreshRequest::from_request(request)
                .map(|body| Self::Body(body.refresh_token));
        }
        let browser = cookies::from_browser(request);
        match cookies::refresh_cookie(request) {
            Some(token) if browser => Ok(Self::Cookie(token)),
            Some(_) => Err(browser_header_required()),
            None => Ok(Self::Nothing { browser }),
        }
    }

    fn token(&self) -> Option<&str> {
        match self {
            Self::Body(token) | Self::Cookie(token) => Some(token),
            Self::Nothing { .. } => None,
        }
    }

    fn delivery(&self) -> Delivery {
        match self {
            Self::Cookie(_) | Self::Nothing { browser: true } => Delivery::Cookie,
            Self::Body(_) | Self::Nothing { browser: false } => Delivery::Body,
        }
    }
}

/// How a new refresh token reaches the client: in the body, or, for a browser, only in
/// its `HttpOnly` cookie, out of reach of the page's scripts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Delivery {
    Body,
    Cookie,
}

/// The 200 answer of a login or a refresh, its refresh token delivered as asked.
fn tokens_response(
    app: &App,
    request: &lambda_http::Request,
    mut pair: TokenPair,
    delivery: Delivery,
) -> Response<Body> {
    if delivery == Delivery::Body {
        return json(200, &pair);
    }
    let refresh = pair.refresh_token.take().unwrap_or_default();
    let mut response = json(200, &pair);
    set_refresh_cookie(&mut response, request, &refresh, session_lifetime(app));
    response
}

fn browser_header_required() -> ApiError {
    ApiError::Forbidden {
        code: "browser_header_required",
        detail: format!(
            "The session cookie is accepted only with the {} header.",
            cookies::BROWSER_HEADER
        ),
        blocked_until: None,
    }
}

/// Starts the session `plan` describes (a login, by password or by a provider) and
/// answers with its tokens, the refresh token in a cookie for a browser.
async fn start_session(
    app: &App,
    request: &lambda_http::Request,
    account: &Account,
    plan: &LoginPlan,
    now: OffsetDateTime,
) -> Result<Response<Body>, ApiError> {
    let refresh = RefreshToken::generate();
    app.store
        .start_session(plan, &refresh.digest_hex(), now)
        .await?;
    let delivery = if cookies::from_browser(request) {
        Delivery::Cookie
    } else {
        Delivery::Body
    };
    Ok(tokens_response(
        app,
        request,
        token_pair(app, account, &plan.family, &refresh, now)?,
        delivery,
    ))
}

/// How long a session (and each of its refresh tokens) lives.
fn session_lifetime(app: &App) -> Duration {
    Duration::days(app.settings.refresh_token_days)
}

/// The token pair a login or a refresh answers with, for the session `session` names
/// (its id and scope).
fn token_pair(
    app: &App,
    account: &Account,
    session: &impl SessionOf,
    refresh: &RefreshToken,
    now: OffsetDateTime,
) -> Result<TokenPair, ApiError> {
    let signer = app.signer()?;
    let user = AuthUser {
        account_id: account.id.clone(),
        roles: account.roles.clone(),
        token_generation: account.token_generation,
        session_id: session.session_id().clone(),
        display_name: Some(account.display_name.to_string()),
        scope: session.scope(),
    };
    Ok(TokenPair {
        access_token: signer.issue(&user, now),
        token_type: "Bearer",
        expires_in: signer.lifetime_seconds(),
        refresh_token: Some(refresh.expose().to_owned()),
    })
}

/// What names a session a token pair is issued for: a login's family, a refresh token's
/// record.
trait SessionOf {
    fn session_id(&self) -> &SessionId;
    fn scope(&self) -> SessionScope;
}

impl SessionOf for SessionFamily {
    fn session_id(&self) -> &SessionId {
        &self.family_id
    }
    fn scope(&self) -> SessionScope {
        self.scope
    }
}

impl SessionOf for RefreshRecord {
    fn session_id(&self) -> &SessionId {
        &self.family_id
    }
    fn scope(&self) -> SessionScope {
        self.scope
    }
}

fn invalid_refresh_token() -> ApiError {
    LoginRefusal::InvalidRefreshToken.into()
}

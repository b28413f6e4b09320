//! `POST /v1/auth/providers/{provider}/authorizations`: starts a sign-in. The backend
//! makes the state, the PKCE verifier and the nonce, keeps them ten minutes under the
//! state, and answers the provider's authorize URL (which carries only the state, the
//! S256 challenge and the nonce).

use lambda_http::Request;
use natives_shared::domain::FieldError;
use natives_shared::domain::decide::social::{self, redirect_uri_allowed};
use natives_shared::domain::social::Provider;
use natives_shared::domain::{Invalid, Timestamp};
use natives_shared::http::{ApiError, json, json_body, path_param};
use serde::{Deserialize, Serialize};

use crate::{App, HandlerResult, Visitor};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartRequest {
    redirect_uri: String,
}

#[derive(Serialize)]
struct Started {
    authorize_url: String,
    state: String,
    expires_at: Timestamp,
}

pub async fn handle(app: &App, request: Request, _: Visitor) -> HandlerResult {
    let provider = Provider::parse(path_param(&request, "provider")?)
        .map_err(|_| ApiError::NotFoundDetail("No such sign-in provider.".into()))?;
    let config = app.provider(provider)?;
    let body: StartRequest = json_body(&request)?;
    let social_settings = &app.settings.social;
    if !redirect_uri_allowed(
        &body.redirect_uri,
        &social_settings.redirect_uris,
        social_settings.loopback_only(),
    ) {
        return Err(Invalid::Fields(vec![FieldError {
            field: "redirect_uri".into(),
            message: "must be one of the redirect URIs configured for this client".into(),
        }])
        .into());
    }
    let authorization = app.social().authorize(&config, &body.redirect_uri)?;
    let now = app.now();
    let state = social::authorization(
        provider,
        body.redirect_uri,
        authorization.state,
        authorization.pkce_verifier,
        authorization.nonce,
        now,
    );
    app.store.put_social_authorization(&state).await?;
    let expires_at = Timestamp::at(now + social::STATE_LIFETIME);
    Ok(json(
        201,
        &Started {
            authorize_url: authorization.url,
            state: state.state,
            expires_at,
        },
    ))
}

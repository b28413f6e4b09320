//! `DELETE /v1/me/identities/{provider}`: unlinks a provider sign-in, unless it is the
//! account's last way to sign in (no password and no other identity: 409).

use lambda_http::Request;
use natives_shared::domain::social::Provider;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, no_content, path_param};

use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let provider = Provider::parse(path_param(&request, "provider")?)
        .map_err(|_| ApiError::NotFoundDetail("No such sign-in provider.".into()))?;
    app.store
        .unlink_social_identity(&caller, provider, app.now())
        .await?;
    Ok(no_content())
}

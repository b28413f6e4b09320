use lambda_http::Request;
use time::OffsetDateTime;

use super::ApiError;
use crate::auth::{AuthUser, TokenVerifier};

/// The caller named by `Authorization: Bearer <access token>`. Every failure is a 401
/// that says no more than that.
pub fn authenticate(
    request: &Request,
    verifier: &TokenVerifier,
    now: OffsetDateTime,
) -> Result<AuthUser, ApiError> {
    let header = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::unauthorized("An access token is required."))?;
    let (scheme, token) = header
        .split_once(' ')
        .ok_or_else(|| ApiError::unauthorized("Use Authorization: Bearer <access token>."))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthorized(
            "Use Authorization: Bearer <access token>.",
        ));
    }
    verifier.verify(token.trim(), now).map_err(|error| {
        tracing::debug!(%error, "access token refused");
        ApiError::unauthorized("The access token is invalid or expired.")
    })
}

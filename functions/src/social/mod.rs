//! Social login's public routes (the providers offered, starting a sign-in) and the
//! caller's linked identities. Signing in with a provider is a session route
//! (`sessions::social`); registering through one is registration's.

pub mod link_identity;
pub mod list_identities;
pub mod list_providers;
pub mod start_authorization;
pub mod unlink_identity;

use natives_shared::domain::FieldError;
use natives_shared::domain::decide::social::{SocialRefusal, is_state_token, require_device_id};
use natives_shared::domain::social::{AuthorizationState, DeviceId, Provider, ProviderProfile};
use natives_shared::http::ApiError;

use crate::App;

/// The most characters of an authorization code we pass on to a provider.
const MAX_CODE_CHARS: usize = 2048;

/// `provider`, `code` and `device_id` as a callback brings them, parsed.
pub(crate) fn parse_callback(
    provider: &str,
    code: &str,
    device_id: Option<&str>,
) -> Result<(Provider, Option<DeviceId>), ApiError> {
    let mut errors = Vec::new();
    let provider = Provider::parse(provider).map_err(|message| FieldError {
        field: "provider".into(),
        message,
    });
    if code.is_empty() || code.chars().count() > MAX_CODE_CHARS {
        errors.push(FieldError {
            field: "code".into(),
            message: format!("must be 1-{MAX_CODE_CHARS} characters"),
        });
    }
    let device_id = device_id
        .map(DeviceId::parse)
        .transpose()
        .unwrap_or_else(|message| {
            errors.push(FieldError {
                field: "device_id".into(),
                message,
            });
            None
        });
    match provider {
        Ok(provider) if errors.is_empty() => Ok((provider, device_id)),
        Ok(_) => Err(ApiError::Validation(errors)),
        Err(error) => {
            errors.insert(0, error);
            Err(ApiError::Validation(errors))
        }
    }
}

/// Finishes a callback: the state used up (whatever happens next, a state opens one
/// exchange), the code exchanged and the identity verified. A provider whose exchange
/// needs the redirect's `device_id` is refused without it before the state is touched.
pub(crate) async fn verified_profile(
    app: &App,
    provider: Provider,
    code: &str,
    state: &str,
    device_id: Option<&DeviceId>,
) -> Result<ProviderProfile, ApiError> {
    let config = app.provider(provider)?;
    require_device_id(provider, config.exchange_needs_device_id, device_id)?;
    if !is_state_token(state) {
        return Err(SocialRefusal::InvalidState.into());
    }
    let now = app.now();
    let taken: Option<AuthorizationState> = app.store.take_social_authorization(state).await?;
    let authorization = natives_shared::domain::decide::social::use_state(taken, provider, now)?;
    Ok(app
        .social()
        .profile(&config, &authorization, code, device_id, now)
        .await?)
}

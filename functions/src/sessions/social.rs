//! `POST /v1/sessions/social`: signing in with a provider, from its callback's `code`
//! and `state`. A known identity gets tokens like a login; an unknown one whose verified
//! e-mail belongs to an account is told to log in and link (409 `link_required`);
//! anyone else gets a short-lived registration token for `POST /v1/accounts`.

use natives_shared::domain::decide::social::SignIn;
use natives_shared::domain::social::ProviderProfile;
use natives_shared::http::{json, json_body};
use serde::{Deserialize, Serialize};

use super::{session_lifetime, start_session};
use crate::social::{parse_callback, verified_profile};
use crate::{App, HandlerResult, Visitor};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SocialLoginRequest {
    provider: String,
    code: String,
    state: String,
    /// What VK ID appends to its redirect; its token exchange needs it back.
    #[serde(default)]
    device_id: Option<String>,
}

#[derive(Serialize)]
struct RegistrationRequired<'a> {
    registration_required: bool,
    registration_token: String,
    profile: ProfileView<'a>,
}

#[derive(Serialize)]
struct ProfileView<'a> {
    email: Option<&'a str>,
    display_name: Option<&'a str>,
}

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let body: SocialLoginRequest = json_body(&request)?;
    let (provider, device_id) =
        parse_callback(&body.provider, &body.code, body.device_id.as_deref())?;
    let profile =
        verified_profile(app, provider, &body.code, &body.state, device_id.as_ref()).await?;
    let now = app.now();
    match app
        .store
        .social_sign_in(profile, session_lifetime(app), now)
        .await?
    {
        SignIn::Session(session) => {
            let (account, plan) = *session;
            start_session(app, &request, &account, &plan, now).await
        }
        SignIn::Register(profile) => Ok(json(200, &registration_required(app, &profile, now)?)),
    }
}

fn registration_required<'a>(
    app: &App,
    profile: &'a ProviderProfile,
    now: time::OffsetDateTime,
) -> Result<RegistrationRequired<'a>, natives_shared::http::ApiError> {
    Ok(RegistrationRequired {
        registration_required: true,
        registration_token: app.registration_tokens()?.issue(profile, now),
        profile: ProfileView {
            email: profile.email.as_ref().map(AsRef::as_ref),
            display_name: profile.name.as_deref(),
        },
    })
}

//! `GET /v1/me/identities`: the provider sign-ins linked to the caller's account.

use natives_shared::domain::{Email, Timestamp};
use natives_shared::gate::Caller;
use natives_shared::http::json;
use serde::Serialize;

use crate::{App, HandlerResult};

#[derive(Serialize)]
pub(crate) struct IdentityView {
    pub provider: &'static str,
    pub email: Option<Email>,
    pub name: Option<String>,
    pub linked_at: Timestamp,
}

impl From<natives_shared::domain::social::Identity> for IdentityView {
    fn from(identity: natives_shared::domain::social::Identity) -> Self {
        Self {
            provider: identity.provider.as_str(),
            email: identity.email,
            name: identity.name,
            linked_at: identity.linked_at,
        }
    }
}

#[derive(Serialize)]
struct Identities {
    items: Vec<IdentityView>,
}

pub async fn handle(app: &App, _request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let identities = app.store.social_identities(&caller, app.now()).await?;
    Ok(json(
        200,
        &Identities {
            items: identities.into_iter().map(IdentityView::from).collect(),
        },
    ))
}

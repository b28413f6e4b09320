//! `GET /v1/auth/providers`: the providers one can sign in with here (those this
//! deployment has credentials for; locally, all three, played by the stack).

use natives_shared::http::{Audience, cached, json};
use serde::Serialize;

use crate::{App, HandlerResult, Visitor};

#[derive(Serialize)]
struct ProviderView {
    id: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct Providers {
    items: Vec<ProviderView>,
}

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let items = app
        .settings
        .social
        .offered()
        .into_iter()
        .map(|provider| ProviderView {
            id: provider.as_str(),
            name: provider.display_name(),
        })
        .collect();
    let response = json(200, &Providers { items });
    Ok(cached(&request, response, Audience::Public { max_age: 60 }))
}

//! The route table: the single source of truth for which function serves which route.
//! The local stack mounts it; a test holds `infra/template.yaml` and `events/` to it.

use std::collections::HashMap;

use lambda_http::{Body, Request, Response};

use crate::lambda::respond;
use crate::{App, accounts, credits, me, sessions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    Register,
    Login,
    RefreshSession,
    Logout,
    RevokeAllSessions,
    GetMe,
    UpdateMe,
    BlockMe,
    ListTariffs,
    PutTariff,
    CreateCheckout,
    StripeWebhook,
    GetBalance,
    GrantCredits,
}

pub struct Route {
    pub method: &'static str,
    /// API Gateway path template, e.g. `/v1/threads/{thread_id}`.
    pub path: &'static str,
    pub function: Function,
}

const fn route(method: &'static str, path: &'static str, function: Function) -> Route {
    Route {
        method,
        path,
        function,
    }
}

pub const ROUTES: &[Route] = &[
    route("POST", "/v1/accounts", Function::Register),
    route("POST", "/v1/sessions", Function::Login),
    route("POST", "/v1/sessions/refresh", Function::RefreshSession),
    route("POST", "/v1/sessions/logout", Function::Logout),
    route(
        "POST",
        "/v1/sessions/revoke-all",
        Function::RevokeAllSessions,
    ),
    route("GET", "/v1/me", Function::GetMe),
    route("PATCH", "/v1/me", Function::UpdateMe),
    route("POST", "/v1/me/block", Function::BlockMe),
    route("GET", "/v1/tariffs", Function::ListTariffs),
    route("PUT", "/v1/admin/tariffs/{tariff_id}", Function::PutTariff),
    route("POST", "/v1/checkout", Function::CreateCheckout),
    route("POST", "/v1/webhooks/stripe", Function::StripeWebhook),
    route("GET", "/v1/me/balance", Function::GetBalance),
    route(
        "POST",
        "/v1/admin/accounts/{account_id}/credit-grants",
        Function::GrantCredits,
    ),
];

impl Function {
    /// The function's name: its binary, its event file and (in CamelCase) its SAM resource.
    pub fn name(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
            Self::RefreshSession => "refresh-session",
            Self::Logout => "logout",
            Self::RevokeAllSessions => "revoke-all-sessions",
            Self::GetMe => "get-me",
            Self::UpdateMe => "update-me",
            Self::BlockMe => "block-me",
            Self::ListTariffs => "list-tariffs",
            Self::PutTariff => "put-tariff",
            Self::CreateCheckout => "create-checkout",
            Self::StripeWebhook => "stripe-webhook",
            Self::GetBalance => "get-balance",
            Self::GrantCredits => "grant-credits",
        }
    }

    /// The IAM actions the function's code performs: its policy in the template names
    /// exactly these (DynamoDB transactions are authorised per item action).
    pub fn iam_actions(self) -> &'static [&'static str] {
        match self {
            Self::Register => &["dynamodb:PutItem"],
            Self::Login => &["dynamodb:GetItem", "dynamodb:PutItem"],
            Self::RefreshSession => &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:ConditionCheckItem",
            ],
            Self::Logout => &["dynamodb:GetItem", "dynamodb:UpdateItem"],
            Self::RevokeAllSessions | Self::UpdateMe | Self::BlockMe => &["dynamodb:UpdateItem"],
            Self::GetMe => &["dynamodb:GetItem"],
            Self::ListTariffs => &["dynamodb:Query"],
            Self::PutTariff | Self::CreateCheckout => &["dynamodb:GetItem", "dynamodb:PutItem"],
            Self::StripeWebhook => &[
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
                "dynamodb:PutItem",
            ],
            Self::GrantCredits => &[
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
                "dynamodb:PutItem",
                "dynamodb:ConditionCheckItem",
            ],
            Self::GetBalance => &["dynamodb:GetItem", "dynamodb:Query"],
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        ROUTES.iter().map(|r| r.function).find(|f| f.name() == name)
    }

    pub fn route(self) -> &'static Route {
        ROUTES
            .iter()
            .find(|r| r.function == self)
            .expect("every function has a route")
    }

    /// Serves one request the way this function's Lambda would.
    pub async fn handle(self, app: &App, request: Request) -> Response<Body> {
        match self {
            Self::Register => respond(app, request, accounts::register::handle).await,
            Self::Login => respond(app, request, sessions::login::handle).await,
            Self::RefreshSession => respond(app, request, sessions::refresh::handle).await,
            Self::Logout => respond(app, request, sessions::logout::handle).await,
            Self::RevokeAllSessions => respond(app, request, sessions::revoke_all::handle).await,
            Self::GetMe => respond(app, request, me::get::handle).await,
            Self::UpdateMe => respond(app, request, me::update::handle).await,
            Self::BlockMe => respond(app, request, me::block::handle).await,
            Self::ListTariffs => respond(app, request, credits::list_tariffs::handle).await,
            Self::PutTariff => respond(app, request, credits::put_tariff::handle).await,
            Self::CreateCheckout => respond(app, request, credits::create_checkout::handle).await,
            Self::StripeWebhook => respond(app, request, credits::stripe_webhook::handle).await,
            Self::GetBalance => respond(app, request, credits::get_balance::handle).await,
            Self::GrantCredits => respond(app, request, credits::grant_credits::handle).await,
        }
    }
}

pub enum RouteMatch {
    Found {
        route: &'static Route,
        path_parameters: HashMap<String, String>,
    },
    /// The path exists, with other methods (listed for the `Allow` header).
    MethodNotAllowed {
        allow: Vec<&'static str>,
    },
    NotFound,
}

/// Finds the route for a concrete request path, as API Gateway does.
pub fn match_route(method: &str, path: &str) -> RouteMatch {
    let mut allow = Vec::new();
    for route in ROUTES {
        let Some(path_parameters) = match_template(route.path, path) else {
            continue;
        };
        if route.method.eq_ignore_ascii_case(method) {
            return RouteMatch::Found {
                route,
                path_parameters,
            };
        }
        allow.push(route.method);
    }
    if allow.is_empty() {
        RouteMatch::NotFound
    } else {
        RouteMatch::MethodNotAllowed { allow }
    }
}

fn match_template(template: &str, path: &str) -> Option<HashMap<String, String>> {
    let mut template_segments = template.trim_matches('/').split('/');
    let mut path_segments = path
        .trim_end_matches('/')
        .trim_start_matches('/')
        .split('/');
    let mut parameters = HashMap::new();
    loop {
        match (template_segments.next(), path_segments.next()) {
            (None, None) => return Some(parameters),
            (Some(t), Some(p)) if t.starts_with('{') && t.ends_with('}') && !p.is_empty() => {
                parameters.insert(t[1..t.len() - 1].to_owned(), p.to_owned());
            }
            (Some(t), Some(p)) if t == p => {}
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut names: Vec<_> = ROUTES.iter().map(|r| r.function.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ROUTES.len());
        for route in ROUTES {
            assert_eq!(
                Function::from_name(route.function.name()),
                Some(route.function)
            );
            assert_eq!(route.function.route().path, route.path);
        }
    }

    #[test]
    fn matches_templates_methods_and_parameters() {
        assert!(
            matches!(match_route("GET", "/v1/me"), RouteMatch::Found { route, .. } if route.function == Function::GetMe)
        );
        assert!(
            matches!(match_route("PATCH", "/v1/me/"), RouteMatch::Found { route, .. } if route.function == Function::UpdateMe)
        );
        assert!(
            matches!(match_route("DELETE", "/v1/me"), RouteMatch::MethodNotAllowed { allow } if allow == ["GET", "PATCH"])
        );
        assert!(matches!(
            match_route("GET", "/v1/nothing"),
            RouteMatch::NotFound
        ));
        assert!(matches!(
            match_route("GET", "/v1/me/block/x"),
            RouteMatch::NotFound
        ));
        let parameters = match_template(
            "/v1/threads/{thread_id}/messages",
            "/v1/threads/T1/messages",
        )
        .unwrap();
        assert_eq!(parameters["thread_id"], "T1");
        assert!(match_template("/v1/threads/{thread_id}", "/v1/threads/").is_none());
    }
}

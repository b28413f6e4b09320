//! The function table: one row per function, the single source of truth for its name
//! (binary, event file, SAM resource), its trigger, who may call it, the handler it
//! runs, the DynamoDB requests its successful path makes and the IAM permissions it
//! needs. The enum, the dispatch and each binary's entry point are generated from it;
//! the local stack mounts it; tests hold `infra/template.yaml`, `events/`, the request
//! budgets and the authorization matrix to it.

use natives_shared::config::Secret;
use natives_shared::domain::Role;

use crate::spec::{Access, dynamodb, secret};

/// DynamoDB actions, by the names IAM uses. A transaction is authorised per item
/// action: `TransactWriteItems` needs the actions of its parts, `TransactGetItems`
/// needs `GetItem`.
const GET: &str = "dynamodb:GetItem";
const PUT: &str = "dynamodb:PutItem";
const UPDATE: &str = "dynamodb:UpdateItem";
const CHECK: &str = "dynamodb:ConditionCheckItem";
const QUERY: &str = "dynamodb:Query";

crate::spec::function_table! {
    http {
        Register {
            name: "register",
            route: ("POST", "/v1/accounts"),
            access: Access::Public,
            handler: crate::accounts::register::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[PUT])],
        },
        Login {
            name: "login",
            route: ("POST", "/v1/sessions"),
            access: Access::Public,
            handler: crate::sessions::login::handle,
            dynamodb_requests: 3,
            permissions: &[dynamodb(&[GET, PUT, UPDATE]), secret(Secret::JwtPrivateKey)],
        },
        RefreshSession {
            name: "refresh-session",
            route: ("POST", "/v1/sessions/refresh"),
            access: Access::Public,
            handler: crate::sessions::refresh::handle,
            dynamodb_requests: 3,
            permissions: &[
                dynamodb(&[GET, PUT, UPDATE, CHECK]),
                secret(Secret::JwtPrivateKey),
            ],
        },
        Logout {
            name: "logout",
            route: ("POST", "/v1/sessions/logout"),
            access: Access::Public,
            handler: crate::sessions::logout::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE])],
        },
        RevokeAllSessions {
            name: "revoke-all-sessions",
            route: ("POST", "/v1/sessions/revoke-all"),
            access: Access::User,
            handler: crate::sessions::revoke_all::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, UPDATE])],
        },
        GetMe {
            name: "get-me",
            route: ("GET", "/v1/me"),
            access: Access::User,
            handler: crate::me::get::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET])],
        },
        UpdateMe {
            name: "update-me",
            route: ("PATCH", "/v1/me"),
            access: Access::User,
            handler: crate::me::update::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, UPDATE])],
        },
        BlockMe {
            name: "block-me",
            route: ("POST", "/v1/me/block"),
            access: Access::User,
            handler: crate::me::block::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, UPDATE])],
        },
        ListTariffs {
            name: "list-tariffs",
            route: ("GET", "/v1/tariffs"),
            access: Access::Public,
            handler: crate::credits::list_tariffs::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[QUERY])],
        },
        PutTariff {
            name: "put-tariff",
            route: ("PUT", "/v1/admin/tariffs/{tariff_id}"),
            access: Access::Role(Role::Admin),
            handler: crate::credits::put_tariff::handle,
            dynamodb_requests: 1,
            permissions: &[dynamodb(&[GET, PUT, CHECK])],
        },
        CreateCheckout {
            name: "create-checkout",
            route: ("POST", "/v1/checkout"),
            access: Access::User,
            handler: crate::credits::create_checkout::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, PUT]), secret(Secret::StripeSecretKey)],
        },
        StripeWebhook {
            name: "stripe-webhook",
            route: ("POST", "/v1/webhooks/stripe"),
            access: Access::Public,
            handler: crate::credits::stripe_webhook::handle,
            dynamodb_requests: 1,
            permissions: &[
                dynamodb(&[GET, UPDATE, PUT]),
                secret(Secret::StripeWebhookSecret),
            ],
        },
        GetBalance {
            name: "get-balance",
            route: ("GET", "/v1/me/balance"),
            access: Access::User,
            handler: crate::credits::get_balance::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, QUERY])],
        },
        GrantCredits {
            name: "grant-credits",
            route: ("POST", "/v1/admin/accounts/{account_id}/credit-grants"),
            access: Access::Role(Role::Admin),
            handler: crate::credits::grant_credits::handle,
            dynamodb_requests: 2,
            permissions: &[dynamodb(&[GET, UPDATE, PUT, CHECK])],
        },
    }
    events {}
}

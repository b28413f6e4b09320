//! Every route is held to its DynamoDB request budget: exactly 1 for registration, at
//! most 3 for login and refresh, at most 2 for everything else. The counts are exact,
//! so a change that adds a request fails here (and belongs in docs/performance.md).

use natives_functions::routes::{Function, ROUTES};
use natives_local::checkout_page::{SessionFacts, stripe_event};
use natives_local::gateway::DYNAMODB_REQUESTS_HEADER;
use natives_shared::payments::sign_payload;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{registration, spawn_app};

/// (function, requests it makes on its successful path, the budget issue 4 gives it)
const EXPECTED: &[(Function, u32, u32)] = &[
    (Function::Register, 1, 1),
    (Function::Login, 3, 3),
    (Function::RefreshSession, 3, 3),
    (Function::Logout, 2, 2),
    (Function::RevokeAllSessions, 1, 2),
    (Function::GetMe, 1, 2),
    (Function::UpdateMe, 1, 2),
    (Function::BlockMe, 1, 2),
    (Function::ListTariffs, 1, 2),
    (Function::PutTariff, 2, 2),
    (Function::CreateCheckout, 2, 2),
    (Function::StripeWebhook, 1, 1),
    (Function::GetBalance, 2, 2),
    (Function::GrantCredits, 2, 2),
];

fn requests(response: &Response) -> u32 {
    response.headers()[DYNAMODB_REQUESTS_HEADER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn each_route_makes_exactly_its_budgeted_dynamodb_requests() {
    let app = spawn_app().await;
    let mut measured: Vec<(Function, u16, u32)> = Vec::new();
    let mut record = |function: Function, response: &Response| {
        measured.push((function, response.status().as_u16(), requests(response)));
    };

    let response = app.register(&registration("ada@example.com")).await;
    record(Function::Register, &response);
    let response = app.login("ada@example.com", "correct horse battery").await;
    record(Function::Login, &response);
    let tokens: Value = response.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let response = app.refresh(tokens["refresh_token"].as_str().unwrap()).await;
    record(Function::RefreshSession, &response);
    let rotated: Value = response.json().await.unwrap();
    let response = app.get_me(&access).await;
    record(Function::GetMe, &response);
    let response = app.patch_me(&access, &json!({ "city": "London" })).await;
    record(Function::UpdateMe, &response);
    let response = app
        .post_json(
            "/v1/sessions/logout",
            &json!({ "refresh_token": rotated["refresh_token"] }),
        )
        .await;
    record(Function::Logout, &response);
    let response = app
        .post_with_token("/v1/sessions/revoke-all", &access)
        .await;
    record(Function::RevokeAllSessions, &response);
    let fresh = app
        .logged_in("ada@example.com", "correct horse battery")
        .await;
    let response = app
        .post_with_token("/v1/me/block", fresh["access_token"].as_str().unwrap())
        .await;
    record(Function::BlockMe, &response);

    // credits
    let admin = app.admin_user("root@example.com").await;
    let user = app.registered_user("bob@example.com").await;
    let response = app.client.get(app.url("/v1/tariffs")).send().await.unwrap();
    record(Function::ListTariffs, &response);
    let tariff = json!({ "name": "Trial", "credits": 10, "price": { "amount_minor": 100, "currency": "EUR" }, "active": true });
    let response = app
        .send(
            Method::PUT,
            "/v1/admin/tariffs/trial",
            Some(&admin.access_token),
            Some(&tariff),
        )
        .await;
    record(Function::PutTariff, &response);
    let response = app
        .send(
            Method::POST,
            "/v1/checkout",
            Some(&user.access_token),
            Some(&json!({ "tariff_id": "trial" })),
        )
        .await;
    record(Function::CreateCheckout, &response);
    let session: Value = response.json().await.unwrap();
    let event = stripe_event(
        "checkout.session.completed",
        &SessionFacts {
            checkout_session_id: session["checkout_session_id"].as_str().unwrap(),
            account_id: &user.id,
            credits: 10,
            amount_minor: 100,
            currency: "EUR",
            paid: true,
        },
        time::OffsetDateTime::now_utc().unix_timestamp(),
    );
    let secret = natives_local::data_dir::webhook_secret(app.data_dir.path()).unwrap();
    let signature = sign_payload(
        event.as_bytes(),
        &secret,
        time::OffsetDateTime::now_utc().unix_timestamp(),
    );
    let response = app
        .client
        .post(app.url("/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(event)
        .send()
        .await
        .unwrap();
    record(Function::StripeWebhook, &response);
    let response = app
        .send(
            Method::GET,
            "/v1/me/balance",
            Some(&user.access_token),
            None,
        )
        .await;
    record(Function::GetBalance, &response);
    let grant = json!({ "credits": 5, "reason": "budget test" });
    let path = format!("/v1/admin/accounts/{}/credit-grants", user.id);
    let response = app
        .send(Method::POST, &path, Some(&admin.access_token), Some(&grant))
        .await;
    record(Function::GrantCredits, &response);

    assert_eq!(measured.len(), ROUTES.len(), "every route is measured");
    for (function, status, count) in measured {
        assert!(
            (200..300).contains(&status),
            "{} answered {status}",
            function.name()
        );
        let (_, expected, budget) = EXPECTED.iter().find(|(f, _, _)| *f == function).unwrap();
        assert!(
            expected <= budget,
            "{}: {expected} requests against a budget of {budget}",
            function.name()
        );
        assert_eq!(
            count,
            *expected,
            "{} made {count} DynamoDB requests",
            function.name()
        );
    }
}

#[tokio::test]
async fn refused_requests_cost_no_dynamodb_request() {
    let app = spawn_app().await;
    let bad_body = app
        .post_raw("/v1/accounts", Some("application/json"), "{")
        .await;
    assert_eq!(requests(&bad_body), 0);
    let no_token = app.client.get(app.url("/v1/me")).send().await.unwrap();
    assert_eq!(requests(&no_token), 0);
    let bad_refresh = app.refresh("short").await;
    assert_eq!(requests(&bad_refresh), 0);
}

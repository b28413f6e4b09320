//! Every route is held to its DynamoDB request budget: exactly 1 for registration, at
//! most 3 for login and refresh, at most 2 for everything else. The counts are exact,
//! so a change that adds a request fails here (and belongs in docs/performance.md).

use natives_functions::routes::{Function, ROUTES};
use natives_local::gateway::DYNAMODB_REQUESTS_HEADER;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{registration, spawn_app};

/// (function, requests it makes on its successful path, the budget it must stay within)
const EXPECTED: &[(Function, u32, u32)] = &[
    (Function::Register, 1, 1),
    (Function::Login, 3, 3),
    (Function::RefreshSession, 3, 3),
    (Function::Logout, 2, 2),
    (Function::RevokeAllSessions, 1, 2),
    (Function::GetMe, 1, 2),
    (Function::UpdateMe, 1, 2),
    (Function::BlockMe, 1, 2),
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
            "{}: the expectation exceeds the budget",
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

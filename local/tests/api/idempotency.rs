//! A client on a bad network retries a paid or money request with the same
//! `Idempotency-Key`: it gets the first answer and is charged once.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

impl TestApp {
    async fn send_keyed(
        &self,
        method: Method,
        path: &str,
        user: &TestUser,
        key: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&user.access_token)
            .header("idempotency-key", key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn granted(&self, email: &str, credits: i64) -> (TestUser, TestUser) {
        let user = self.registered_user(email).await;
        let admin = self.fund(&user, credits).await;
        (user, admin)
    }
}

#[tokio::test]
async fn a_retried_paid_post_answers_the_first_answer_and_is_charged_once() {
    let app = spawn_app().await;
    let (ada, _) = app.granted("ada@example.com", 20).await;
    let open = json!({ "language": "de", "title": "Hallo", "text": "Erste Frage" });

    let first = app
        .send_keyed(Method::POST, "/v1/threads", &ada, "k-thread-1", &open)
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_body = first.text().await.unwrap();
    let again = app
        .send_keyed(Method::POST, "/v1/threads", &ada, "k-thread-1", &open)
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.unwrap(), first_body, "the same body");
    assert_eq!(app.balance(&ada.access_token).await.0, 15, "charged once");

    // another body under the same key
    let other = json!({ "language": "de", "title": "Hallo", "text": "Andere Frage" });
    assert_problem(
        app.send_keyed(Method::POST, "/v1/threads", &ada, "k-thread-1", &other)
            .await,
        422,
        "idempotency_key_reused",
    )
    .await;

    // a reply, retried ten times at once: exactly one writes
    let thread: Value = serde_json::from_str(&first_body).unwrap();
    let path = format!("/v1/threads/{}/messages", thread["id"].as_str().unwrap());
    let reply = json!({ "text": "Antwort" });
    let answers =
        join_all((0..10).map(|_| app.send_keyed(Method::POST, &path, &ada, "k-reply-1", &reply)))
            .await;
    assert_one_created_answer(answers, "one answer for all ten").await;
    assert_eq!(app.balance(&ada.access_token).await.0, 14, "one reply paid");
    let messages: Value = app
        .send(Method::GET, &path, None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(messages["items"].as_array().unwrap().len(), 2);

    // keys are the caller's own: another account may use the same key
    let (bob, _) = app.granted("bob@example.com", 10).await;
    assert_eq!(
        app.send_keyed(Method::POST, &path, &bob, "k-reply-1", &reply)
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_problem(
        app.send_keyed(Method::POST, &path, &bob, "", &reply).await,
        400,
        "invalid_idempotency_key",
    )
    .await;
}

#[tokio::test]
async fn checkouts_and_grants_under_a_key_happen_once() {
    let app = spawn_app().await;
    let (ada, admin) = app.granted("ada@example.com", 1).await;
    let body = json!({ "tariff_id": "starter" });
    let first = app
        .send_keyed(Method::POST, "/v1/checkout", &ada, "buy-1", &body)
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again: Value = app
        .send_keyed(Method::POST, "/v1/checkout", &ada, "buy-1", &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, first, "the same Checkout Session");
    let pending = app.item_count().await;
    app.send_keyed(Method::POST, "/v1/checkout", &ada, "buy-1", &body)
        .await;
    assert_eq!(app.item_count().await, pending, "nothing more written");

    let grant = json!({ "credits": 7, "reason": "retried grant" });
    let path = format!("/v1/admin/accounts/{}/credit-grants", ada.id);
    let answers =
        join_all((0..5).map(|_| app.send_keyed(Method::POST, &path, &admin, "grant-1", &grant)))
            .await;
    assert_one_created_answer(answers, "one answer for all").await;
    assert_eq!(app.balance(&ada.access_token).await.0, 8, "granted once");
}

/// The SDK retries a transaction whose answer was lost with the same client request
/// token; the embedded DynamoDB, like DynamoDB, must then not apply it twice.
#[tokio::test]
async fn the_embedded_dynamodb_honours_client_request_tokens() {
    let app = spawn_app().await;
    let store = &app.stack.app.store;
    let put = || {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(store.table())
                    .item("pk", AttributeValue::S("TOKEN#test".into()))
                    .item("sk", AttributeValue::S("TOKEN".into()))
                    .condition_expression("attribute_not_exists(pk)")
                    .build()
                    .unwrap(),
            )
            .build()
    };
    for attempt in 0..2 {
        let result = store
            .client()
            .transact_write_items()
            .client_request_token("the-same-token")
            .transact_items(put())
            .send()
            .await;
        assert!(result.is_ok(), "attempt {attempt}: {result:?}");
    }
    let again = store
        .client()
        .transact_write_items()
        .client_request_token("another-token")
        .transact_items(put())
        .send()
        .await;
    assert!(
        again.is_err(),
        "a new token is a new transaction: its condition fails"
    );
}

/// Every one of `answers` is a 201 with the same body: one write, answered alike.
async fn assert_one_created_answer(answers: Vec<reqwest::Response>, message: &str) {
    let mut bodies = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), StatusCode::CREATED);
        bodies.push(answer.text().await.unwrap());
    }
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "{message}");
}

/// DynamoDB's TTL deletes an expired item late (typically within days of its time): a
/// key's record past its day is still in the table meanwhile, and the key starts a new
/// request all the same (another body is not `idempotency_key_reused`, the same body is
/// charged again).
#[tokio::test]
async fn a_key_whose_record_has_expired_but_is_still_stored_starts_a_new_request() {
    let app = spawn_app().await;
    let (ada, _) = app.granted("ada@example.com", 20).await;
    let open = json!({ "language": "de", "title": "Hallo", "text": "Erste Frage" });
    let first = app
        .send_keyed(Method::POST, "/v1/threads", &ada, "k-day-old", &open)
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);

    app.clock.advance(time::Duration::seconds(
        natives_shared::domain::idempotency::IDEMPOTENCY_SECONDS + 1,
    ));
    assert_eq!(app.stored_under("IDEMPOTENCY#").await, 1, "still stored");
    let tokens = app.logged_in(&ada.email, &ada.password).await;
    let ada = TestUser {
        access_token: tokens["access_token"].as_str().unwrap().to_owned(),
        ..ada
    };
    let other = json!({ "language": "de", "title": "Hallo", "text": "Zweite Frage" });
    let again = app
        .send_keyed(Method::POST, "/v1/threads", &ada, "k-day-old", &other)
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert!(again.headers().get("idempotent-replayed").is_none());
    assert_eq!(app.balance(&ada.access_token).await.0, 10, "charged twice");
}

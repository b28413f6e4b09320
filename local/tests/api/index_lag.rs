//! Export and erasure find an account's items through the table's index, which AWS reads
//! only eventually consistently. With the fault proxy playing an index that lags, an
//! erasure still leaves nothing behind, and an export says up to when it is complete and
//! holds everything written before then.

use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::helpers::{TestApp, TestUser, spawn_app_with_faults};
use natives_local::faults::{Fault, FaultPlan};

/// Longer than a registration, a keyed post and the erasure's password check take in a
/// debug build, so the erasure's first walk runs while the post is still unseen.
const LAG: Duration = Duration::from_secs(3);

async fn lagging_app() -> TestApp {
    spawn_app_with_faults(FaultPlan {
        rate: 0.0,
        kinds: Fault::ALL,
        index_lag: Some(LAG),
    })
    .await
}

/// Opens a thread with an idempotency key: its remembered answer is an item of the
/// account found only through the index.
async fn open_thread_keyed(app: &TestApp, user: &TestUser, key: &str) {
    let response = app
        .client
        .post(app.url("/v1/threads"))
        .bearer_auth(&user.access_token)
        .header("idempotency-key", key)
        .json(&json!({ "language": "de", "title": "Hallo", "text": "Erste Frage" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

fn hidden_by_lag(app: &TestApp) -> u64 {
    app.stack.faults.hidden_by_lag.load(Ordering::Relaxed)
}

fn timestamp(value: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(
        value.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

#[tokio::test]
async fn an_erasure_right_after_a_write_the_index_does_not_show_yet_leaves_nothing_behind() {
    let app = lagging_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 10).await;
    open_thread_keyed(&app, &ada, "k-just-before").await;
    assert_eq!(app.stored_under("IDEMPOTENCY#").await, 1);

    let erased = app
        .send(
            Method::POST,
            "/v1/me/erasure",
            Some(&ada.access_token),
            Some(&json!({ "password": ada.password })),
        )
        .await;
    assert!(erased.status().is_success(), "{}", erased.status());
    assert!(
        hidden_by_lag(&app) > 0,
        "the first walk ran while the index still hid the remembered answer"
    );
    assert_eq!(
        app.stored_under("IDEMPOTENCY#").await,
        0,
        "the walk after the index settled found and deleted it"
    );
}

#[tokio::test]
async fn an_export_holds_everything_written_before_the_moment_it_says_it_is_complete_up_to() {
    let app = lagging_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 10).await;
    open_thread_keyed(&app, &ada, "k-settled").await;
    let settled_by = OffsetDateTime::now_utc();
    tokio::time::sleep(LAG).await;
    open_thread_keyed(&app, &ada, "k-just-now").await;

    let response = app
        .send(Method::GET, "/v1/me/export", Some(&ada.access_token), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let export: Value = response.json().await.unwrap();
    let generated_at = timestamp(&export["generated_at"]);
    let complete_up_to = timestamp(&export["complete_up_to"]);
    assert_eq!(generated_at - complete_up_to, LAG);
    assert!(settled_by < complete_up_to, "the first thread is promised");
    assert_eq!(
        export["sections"]["remembered_answers"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "the answer written before complete_up_to is there, the one the index still hides is not"
    );
    assert!(hidden_by_lag(&app) > 0);
}

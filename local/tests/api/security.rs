//! The hardening that `docs/security.md` relies on, each proven from outside where it
//! can be seen from outside: over real HTTP against the local stack.

use std::sync::{Arc, Mutex};

use natives_local::checkout_page::{SessionFacts, stripe_event};
use natives_local::data_dir;
use natives_shared::domain::PurchaseStatus;
use natives_shared::payments::sign_payload;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

// Webhooks: hostile timestamps and payments that do not match their purchase.

async fn deliver(app: &TestApp, body: &str, signature: &str) -> Response {
    app.client
        .post(app.url("/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

fn webhook_secret(app: &TestApp) -> String {
    data_dir::webhook_secret(app.data_dir.path()).unwrap()
}

#[tokio::test]
async fn stripe_signature_timestamps_of_plus_minus_2_63_are_400() {
    let app = spawn_app().await;
    let body = r#"{"type":"checkout.session.completed","data":{"object":{}}}"#;
    let secret = webhook_secret(&app);
    let headers = [
        sign_payload(body.as_bytes(), &secret, i64::MIN),
        sign_payload(body.as_bytes(), &secret, i64::MAX),
        format!("t=-9223372036854775808,v1={}", "0".repeat(64)),
        format!("t=9223372036854775807,v1={}", "0".repeat(64)),
        format!("t=9223372036854775808,v1={}", "0".repeat(64)),
        format!("t=-9223372036854775809,v1={}", "0".repeat(64)),
    ];
    for signature in headers {
        let response = deliver(&app, body, &signature).await;
        assert_eq!(response.status(), 400, "{signature}");
        assert_problem(response, 400, "invalid_signature").await;
    }
}

/// Every event the stack logs while `work` runs (the stack serves on this thread).
async fn logged_during<F: std::future::Future>(work: F) -> (F::Output, String) {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let output = work.await;
    drop(guard);
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    (output, text)
}

#[tokio::test]
async fn a_signed_payment_that_does_not_match_its_purchase_is_refused_and_logged() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let stranger = app.registered_user("eve@example.com").await;
    let response = app
        .send(
            Method::POST,
            "/v1/checkout",
            Some(&user.access_token),
            Some(&json!({ "tariff_id": "starter" })),
        )
        .await;
    let session: Value = response.json().await.unwrap();
    let session = session["checkout_session_id"].as_str().unwrap().to_owned();
    fn facts<'a>(
        session: &'a str,
        account: &'a TestUser,
        credits: i64,
        amount_minor: i64,
        currency: &'a str,
    ) -> SessionFacts<'a> {
        SessionFacts {
            checkout_session_id: session,
            account_id: &account.id,
            credits,
            amount_minor,
            currency,
            paid: true,
        }
    }
    let secret = webhook_secret(&app);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let signed = |facts: &SessionFacts<'_>| {
        let body = stripe_event("checkout.session.completed", facts, now);
        let signature = sign_payload(body.as_bytes(), &secret, now);
        (body, signature)
    };
    let cases = [
        ("amount", facts(&session, &user, 100, 1, "EUR")),
        ("currency", facts(&session, &user, 100, 990, "USD")),
        ("account_id", facts(&session, &stranger, 100, 990, "EUR")),
        ("credits", facts(&session, &user, 100_000, 990, "EUR")),
    ];
    for (field, facts) in &cases {
        let (body, signature) = signed(facts);
        let (response, logs) = logged_during(deliver(&app, &body, &signature)).await;
        assert_problem(response, 422, "purchase_mismatch").await;
        let error = logs
            .lines()
            .find(|line| line.contains(r#""level":"ERROR""#) && line.contains(&session))
            .unwrap_or_else(|| panic!("no error logged for a wrong {field}: {logs}"));
        assert!(error.contains(field), "{error}");
    }
    let store = &app.stack.app.store;
    assert_eq!(
        store.get_checkout(&session).await.unwrap().unwrap().status,
        PurchaseStatus::Pending,
        "nothing settled"
    );
    assert_eq!(app.balance(&user.access_token).await.0, 0);
    assert_eq!(app.balance(&stranger.access_token).await.0, 0);

    // the real payment still credits, once
    let (body, signature) = signed(&facts(&session, &user, 100, 990, "EUR"));
    assert_eq!(deliver(&app, &body, &signature).await.status(), 200);
    assert_eq!(deliver(&app, &body, &signature).await.status(), 200);
    assert_eq!(app.balance(&user.access_token).await.0, 100);
    // and a mismatching event after it is still a mismatch, not "already settled"
    let (body, signature) = signed(&facts(&session, &user, 100, 1, "EUR"));
    assert_problem(
        deliver(&app, &body, &signature).await,
        422,
        "purchase_mismatch",
    )
    .await;
}

// The local data folder keeps its keys to its owner.

#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_writes_its_key_and_secret_files_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    let mode = |name: &str| {
        std::fs::metadata(app.data_dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    for name in ["jwt-ed25519.json", "stripe-webhook-secret"] {
        assert_eq!(mode(name), 0o600, "{name}");
    }

    // a file left readable by an older version is narrowed when next read
    let path = app.data_dir.path().join("stripe-webhook-secret");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let secret = data_dir::webhook_secret(app.data_dir.path()).unwrap();
    assert_eq!(mode("stripe-webhook-secret"), 0o600);
    assert_eq!(secret, webhook_secret(&app), "the same secret, kept");
    let leftovers: Vec<_> = std::fs::read_dir(app.data_dir.path())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

//! Promotion codes at checkout: Stripe's (looked up through the stub) and the local
//! stack's (counted once, at payment, never over their maximum).

use futures::future::join_all;
use natives_shared::domain::{LocalPromotionCode, PromotionCodeText, PurchaseStatus, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app, spawn_app_with};
use crate::stripe_stub::{STUB_PROMOTION_ID, StripeStub};

async fn checkout_with(app: &TestApp, user: &TestUser, code: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        "/v1/checkout",
        Some(&user.access_token),
        Some(&json!({ "tariff_id": "starter", "promotion_code": code })),
    )
    .await
}

async fn add_code(app: &TestApp, code: &str, expires_in: Option<time::Duration>, max: Option<i64>) {
    let now = time::OffsetDateTime::now_utc();
    let added = app
        .stack
        .app
        .store
        .add_promotion_code(&LocalPromotionCode {
            code: PromotionCodeText::parse(code).unwrap(),
            percent_off: 10,
            expires_at: expires_in.map(|d| Timestamp::at(now + d)),
            max_redemptions: max,
            times_redeemed: 0,
            created_at: Timestamp::at(now),
        })
        .await
        .unwrap();
    assert!(added);
}

/// Opens a checkout with `code` and returns its local checkout page's URL.
async fn opened(app: &TestApp, user: &TestUser, code: &str) -> String {
    let response = checkout_with(app, user, code).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["checkout_url"].as_str().unwrap().to_owned()
}

fn session_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

#[tokio::test]
async fn a_local_promotion_code_discounts_the_price_and_grants_the_full_credits() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    add_code(&app, "SPRING10", Some(time::Duration::days(1)), None).await;

    let url = opened(&app, &user, "spring10").await;
    let html = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("100 credits for 8.91 EUR"), "{html}");
    assert!(
        html.contains("SPRING10") && html.contains("0.99 EUR off 9.90 EUR"),
        "{html}"
    );

    let paid = app.client.post(format!("{url}/pay")).send().await.unwrap();
    let status = paid.status();
    assert_eq!(status, StatusCode::OK, "{}", paid.text().await.unwrap());
    let (credits, _) = app.balance(&user.access_token).await;
    assert_eq!(credits, 100, "the tariff's full credits");
    let purchase = app
        .stack
        .app
        .store
        .get_checkout(session_of(&url))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(purchase.status, PurchaseStatus::Paid);
    assert_eq!(
        (purchase.amount_total, purchase.amount_discount),
        (Some(891), Some(99))
    );
    let code = app
        .stack
        .app
        .store
        .promotion_code(&PromotionCodeText::parse("SPRING10").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code.times_redeemed, 1, "counted at payment");
}

#[tokio::test]
async fn unknown_expired_and_used_up_codes_are_refused_with_422() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    add_code(&app, "OLD", Some(time::Duration::seconds(-1)), None).await;
    add_code(&app, "ONCE", None, Some(1)).await;
    let before = app.item_count().await;
    for code in ["NOPE", "OLD", "x", "spaces in it"] {
        assert_problem(
            checkout_with(&app, &user, code).await,
            422,
            "invalid_promotion_code",
        )
        .await;
    }
    assert_eq!(app.item_count().await, before, "nothing written");

    let url = opened(&app, &user, "ONCE").await;
    assert_eq!(
        app.client
            .post(format!("{url}/pay"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_problem(
        checkout_with(&app, &user, "ONCE").await,
        422,
        "invalid_promotion_code",
    )
    .await;
}

#[tokio::test]
async fn concurrent_payments_never_redeem_a_code_over_its_maximum() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    add_code(&app, "TWICE", None, Some(2)).await;
    // Five checkouts open while the code is unused; only two can be paid with it.
    let mut urls = Vec::new();
    for _ in 0..5 {
        urls.push(opened(&app, &user, "TWICE").await);
    }
    let answers = join_all(
        urls.iter()
            .map(|url| app.client.post(format!("{url}/pay")).send()),
    )
    .await;
    let statuses: Vec<u16> = answers
        .iter()
        .map(|a| a.as_ref().unwrap().status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        3,
        "{statuses:?}"
    );
    let (credits, entries) = app.balance(&user.access_token).await;
    assert_eq!((credits, entries.len()), (200, 2));
    let code = app
        .stack
        .app
        .store
        .promotion_code(&PromotionCodeText::parse("TWICE").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code.times_redeemed, 2);
}

#[tokio::test]
async fn checkout_looks_the_code_up_at_stripe_and_sends_its_promotion() {
    let stub = StripeStub::start(200).await;
    let stub_url = stub.url.clone();
    let app = spawn_app_with(Some(Box::new(move |settings| {
        settings.payments.stripe_secret_key = Some("sk_test_stub".into());
        settings.payments.stripe_api_base = stub_url;
    })))
    .await;
    let user = app.registered_user("ada@example.com").await;

    assert_problem(
        checkout_with(&app, &user, "WINTER").await,
        422,
        "invalid_promotion_code",
    )
    .await;
    let response = checkout_with(&app, &user, "spring10").await;
    assert_eq!(response.status(), StatusCode::CREATED);

    let requests = stub.recorded();
    let lookups: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/v1/promotion_codes")
        .collect();
    assert_eq!(lookups.len(), 2);
    let mut query = lookups[1].query.clone();
    query.sort();
    let expected: Vec<(String, String)> =
        [("active", "true"), ("code", "SPRING10"), ("limit", "1")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    assert_eq!((lookups[1].method.as_str(), query), ("GET", expected));
    let sessions: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/v1/checkout/sessions")
        .collect();
    assert_eq!(sessions.len(), 1, "no session for the refused code");
    let mut form = sessions[0].form.clone();
    form.sort();
    let purchase_id = form
        .iter()
        .find(|(k, _)| k == "metadata[purchase_id]")
        .map(|(_, v)| v.clone())
        .expect("the purchase's id");
    let mut expected: Vec<(String, String)> = [
        ("cancel_url", "https://natives.chat/checkout/cancel"),
        ("client_reference_id", user.id.as_str()),
        ("customer_email", "ada@example.com"),
        ("discounts[0][promotion_code]", STUB_PROMOTION_ID),
        ("line_items[0][price_data][currency]", "eur"),
        (
            "line_items[0][price_data][product_data][name]",
            "Starter (100 credits)",
        ),
        ("line_items[0][price_data][unit_amount]", "990"),
        ("line_items[0][quantity]", "1"),
        ("metadata[account_id]", user.id.as_str()),
        ("metadata[credits]", "100"),
        ("metadata[purchase_id]", purchase_id.as_str()),
        ("metadata[tariff_id]", "starter"),
        ("mode", "payment"),
        ("success_url", "https://natives.chat/checkout/success"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    expected.sort();
    assert_eq!(form, expected, "exactly these form parameters");
    let purchase = app
        .stack
        .app
        .store
        .get_checkout("cs_test_stub_0001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        purchase.promotion.and_then(|p| p.stripe_id).as_deref(),
        Some(STUB_PROMOTION_ID)
    );
}

use futures::future::join_all;
use natives_local::checkout_page::{SessionFacts, stripe_event};
use natives_local::data_dir::webhook_secret;
use natives_shared::domain::PurchaseStatus;
use natives_shared::payments::sign_payload;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app, spawn_app_with};
use crate::stripe_stub::StripeStub;

fn sum_of(entries: &[Value]) -> i64 {
    entries.iter().map(|e| e["credits"].as_i64().unwrap()).sum()
}

async fn checkout(app: &TestApp, user: &TestUser, tariff: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        "/v1/checkout",
        Some(&user.access_token),
        Some(&json!({ "tariff_id": tariff })),
    )
    .await
}

/// A pending purchase of the starter tariff (100 credits, 9.90 EUR) through the local
/// checkout provider; returns its Checkout Session id.
async fn pending_purchase(app: &TestApp, user: &TestUser) -> String {
    let response = checkout(app, user, "starter").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["checkout_session_id"].as_str().unwrap().to_owned()
}

fn event(event_type: &str, session_id: &str, user: &TestUser, paid: bool) -> String {
    let facts = SessionFacts {
        checkout_session_id: session_id,
        account_id: &user.id,
        credits: 100,
        amount_minor: 990,
        amount_discount: 0,
        currency: "EUR",
        paid,
        local_promotion_code: None,
    };
    stripe_event(
        event_type,
        &facts,
        time::OffsetDateTime::now_utc().unix_timestamp(),
    )
}

impl TestApp {
    pub(crate) fn webhook_secret(&self) -> String {
        webhook_secret(self.data_dir.path()).unwrap()
    }

    pub(crate) async fn deliver(&self, body: &str, signature: Option<&str>) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url("/v1/webhooks/stripe"))
            .header("content-type", "application/json; charset=utf-8")
            .body(body.to_owned());
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        request.send().await.unwrap()
    }

    pub(crate) async fn deliver_signed(&self, body: &str) -> reqwest::Response {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.deliver(
            body,
            Some(&sign_payload(body.as_bytes(), &self.webhook_secret(), now)),
        )
        .await
    }
}

#[tokio::test]
async fn anyone_reads_the_tariffs_and_action_costs() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/v1/tariffs")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let ids: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["starter", "standard", "intensive"]);
    assert_eq!(
        body["items"][0]["price"],
        json!({ "amount_minor": 990, "currency": "EUR" })
    );
    assert_eq!(body["items"][0]["credits"], 100);
    assert_eq!(
        body["action_costs"],
        json!({ "text_message": 1, "voice_message": 3, "new_thread": 5, "correction": 1 })
    );
}

#[tokio::test]
async fn only_admins_change_tariffs_and_purchases_keep_their_price() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let admin = app.admin_user("root@example.com").await;
    let tariff = json!({ "name": "Starter", "credits": 100, "price": { "amount_minor": 1290, "currency": "EUR" }, "active": true });

    let response = app
        .send(
            Method::PUT,
            "/v1/admin/tariffs/starter",
            Some(&user.access_token),
            Some(&tariff),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
    let session = pending_purchase(&app, &user).await;

    let response = app
        .send(
            Method::PUT,
            "/v1/admin/tariffs/starter",
            Some(&admin.access_token),
            Some(&tariff),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(
        changed["price"],
        json!({ "amount_minor": 1290, "currency": "EUR" })
    );

    let purchase = app
        .stack
        .app
        .store
        .get_checkout(&session)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        purchase.price.amount_minor, 990,
        "the earlier purchase keeps its price"
    );
    assert_eq!(purchase.status, PurchaseStatus::Pending);

    let retired = json!({ "name": "Old", "credits": 5, "price": { "amount_minor": 100, "currency": "EUR" }, "active": false });
    let response = app
        .send(
            Method::PUT,
            "/v1/admin/tariffs/old",
            Some(&admin.access_token),
            Some(&retired),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let listed: Value = app
        .client
        .get(app.url("/v1/tariffs"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !listed.to_string().contains("\"old\""),
        "inactive tariffs are not offered"
    );
    assert_problem(checkout(&app, &user, "old").await, 422, "unknown_tariff").await;
    assert_problem(
        checkout(&app, &user, "no-such-tariff").await,
        422,
        "unknown_tariff",
    )
    .await;

    for (description, path, body) in [
        ("bad id", "/v1/admin/tariffs/Bad_Id", tariff.clone()),
        (
            "zero credits",
            "/v1/admin/tariffs/x",
            json!({ "name": "X", "credits": 0, "price": { "amount_minor": 100, "currency": "EUR" }, "active": true }),
        ),
        (
            "bad currency",
            "/v1/admin/tariffs/x",
            json!({ "name": "X", "credits": 1, "price": { "amount_minor": 100, "currency": "EURO" }, "active": true }),
        ),
        (
            "free",
            "/v1/admin/tariffs/x",
            json!({ "name": "X", "credits": 1, "price": { "amount_minor": 0, "currency": "EUR" }, "active": true }),
        ),
        (
            "unknown field",
            "/v1/admin/tariffs/x",
            json!({ "name": "X", "credits": 1, "price": { "amount_minor": 100, "currency": "EUR" }, "active": true, "refundable": true }),
        ),
    ] {
        let response = app
            .send(Method::PUT, path, Some(&admin.access_token), Some(&body))
            .await;
        assert_eq!(response.status(), 422, "{description}");
    }
}

#[tokio::test]
async fn checkout_asks_stripe_for_exactly_one_paid_session_at_the_current_price() {
    let stub = StripeStub::start(200).await;
    let stub_url = stub.url.clone();
    let app = spawn_app_with(Some(Box::new(move |settings| {
        settings.payments.stripe_secret_key = Some("sk_test_stub".into());
        settings.payments.stripe_api_base = stub_url;
    })))
    .await;
    let user = app.registered_user("ada@example.com").await;

    let response = checkout(&app, &user, "starter").await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["checkout_session_id"], "cs_test_stub_0001");
    assert_eq!(
        body["checkout_url"],
        "https://checkout.stripe.com/c/pay/cs_test_stub_0001"
    );
    let requests = stub.recorded();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v1/checkout/sessions");
    assert_eq!(sent.headers["authorization"], "Bearer sk_test_stub");
    let idempotency = sent.headers["idempotency-key"].to_str().unwrap();
    assert!(idempotency.starts_with("checkout-"), "{idempotency}");
    let mut form = sent.form.clone();
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
    assert_eq!(purchase.status, PurchaseStatus::Pending);
    assert_eq!(purchase.account_id.as_str(), user.id);
    assert_eq!((purchase.credits, purchase.price.amount_minor), (100, 990));
}

#[tokio::test]
async fn a_failing_stripe_gives_502_and_records_nothing() {
    let stub = StripeStub::start(500).await;
    let stub_url = stub.url.clone();
    let app = spawn_app_with(Some(Box::new(move |settings| {
        settings.payments.stripe_secret_key = Some("sk_test_stub".into());
        settings.payments.stripe_api_base = stub_url;
    })))
    .await;
    let user = app.registered_user("ada@example.com").await;
    let before = app.item_count().await;
    assert_problem(
        checkout(&app, &user, "starter").await,
        502,
        "payment_provider_error",
    )
    .await;
    assert_eq!(app.item_count().await, before);
}

#[tokio::test]
async fn twenty_concurrent_deliveries_and_the_async_event_credit_once() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let session = pending_purchase(&app, &user).await;
    let completed = event("checkout.session.completed", &session, &user, true);
    let succeeded = event(
        "checkout.session.async_payment_succeeded",
        &session,
        &user,
        true,
    );

    let mut deliveries: Vec<_> = (0..20).map(|_| app.deliver_signed(&completed)).collect();
    deliveries.push(app.deliver_signed(&succeeded));
    for response in join_all(deliveries).await {
        assert_eq!(response.status(), StatusCode::OK);
    }

    let (credits, entries) = app.balance(&user.access_token).await;
    assert_eq!(credits, 100);
    assert_eq!(entries.len(), 1, "one ledger entry");
    assert_eq!(entries[0]["kind"], "purchase");
    assert_eq!(entries[0]["reference"], session.as_str());
    assert_eq!(entries[0]["balance_after"], 100);
    assert_eq!(sum_of(&entries), credits);
}

#[tokio::test]
async fn events_in_any_order_end_in_the_same_balance() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let session = pending_purchase(&app, &user).await;

    // reverse order: the async success first, then the completion, then stale news
    for body in [
        event(
            "checkout.session.async_payment_succeeded",
            &session,
            &user,
            true,
        ),
        event("checkout.session.completed", &session, &user, true),
        event("checkout.session.completed", &session, &user, false),
        event("checkout.session.expired", &session, &user, false),
        event(
            "checkout.session.async_payment_failed",
            &session,
            &user,
            false,
        ),
    ] {
        assert_eq!(app.deliver_signed(&body).await.status(), StatusCode::OK);
    }
    let (credits, entries) = app.balance(&user.access_token).await;
    assert_eq!((credits, entries.len()), (100, 1));
    let purchase = app
        .stack
        .app
        .store
        .get_checkout(&session)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        purchase.status,
        PurchaseStatus::Paid,
        "a paid purchase stays paid"
    );
}

#[tokio::test]
async fn a_completed_but_unpaid_session_waits_for_the_async_event() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let delayed = pending_purchase(&app, &user).await;
    let failing = pending_purchase(&app, &user).await;

    app.deliver_signed(&event("checkout.session.completed", &delayed, &user, false))
        .await;
    assert_eq!(app.balance(&user.access_token).await.0, 0);
    let store = &app.stack.app.store;
    assert_eq!(
        store.get_checkout(&delayed).await.unwrap().unwrap().status,
        PurchaseStatus::Pending
    );

    app.deliver_signed(&event(
        "checkout.session.async_payment_succeeded",
        &delayed,
        &user,
        true,
    ))
    .await;
    assert_eq!(app.balance(&user.access_token).await.0, 100);

    app.deliver_signed(&event(
        "checkout.session.async_payment_failed",
        &failing,
        &user,
        false,
    ))
    .await;
    assert_eq!(
        store.get_checkout(&failing).await.unwrap().unwrap().status,
        PurchaseStatus::Failed
    );
    assert_eq!(app.balance(&user.access_token).await.0, 100);
}

#[tokio::test]
async fn bad_signatures_get_400_and_change_nothing() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let session = pending_purchase(&app, &user).await;
    let body = event("checkout.session.completed", &session, &user, true);
    let secret = app.webhook_secret();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let good = sign_payload(body.as_bytes(), &secret, now);
    let good_v1 = good.split("v1=").nth(1).unwrap().to_owned();
    let reserialised =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&body).unwrap()).unwrap();
    let tampered = body.replace("\"credits\":\"100\"", "\"credits\":\"100000\"");
    assert_ne!(tampered, body);

    let cases: Vec<(&str, &str, Option<String>)> = vec![
        (
            "wrong secret",
            &body,
            Some(sign_payload(body.as_bytes(), "whsec_wrong", now)),
        ),
        ("tampered body", &tampered, Some(good.clone())),
        (
            "timestamp 301 s old",
            &body,
            Some(sign_payload(body.as_bytes(), &secret, now - 301)),
        ),
        ("only v0", &body, Some(format!("t={now},v0={good_v1}"))),
        ("no header", &body, None),
        ("re-serialised body", &reserialised, Some(good.clone())),
    ];
    for (description, body, signature) in cases {
        let response = app.deliver(body, signature.as_deref()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{description}");
        assert_problem(response, 400, "invalid_signature").await;
    }
    assert_eq!(
        app.balance(&user.access_token).await.0,
        0,
        "nothing was credited"
    );

    // a junk v1 before the valid one (secret rotation) is accepted
    let rotated = format!("t={now},v1={},v1={good_v1}", "0".repeat(64));
    assert_eq!(
        app.deliver(&body, Some(&rotated)).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.balance(&user.access_token).await.0, 100);

    // signed events of other types are acknowledged and ignored
    let other = json!({ "id": "evt_x", "object": "event", "type": "customer.created", "created": now, "livemode": false, "pending_webhooks": 1, "data": { "object": { "id": "cus_1", "object": "customer" } } }).to_string();
    assert_eq!(app.deliver_signed(&other).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn admins_grant_credits_into_the_ledger_and_the_audit_log() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let admin = app.admin_user("root@example.com").await;
    let path = format!("/v1/admin/accounts/{}/credit-grants", user.id);
    let grant = json!({ "credits": 50, "reason": "Teacher programme: free month" });

    assert_problem(
        app.send(Method::POST, &path, Some(&user.access_token), Some(&grant))
            .await,
        403,
        "forbidden",
    )
    .await;
    let response = app
        .send(Method::POST, &path, Some(&admin.access_token), Some(&grant))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let entry: Value = response.json().await.unwrap();
    assert_eq!(entry["kind"], "grant");
    assert_eq!(
        (entry["credits"].as_i64(), entry["balance_after"].as_i64()),
        (Some(50), Some(50))
    );
    assert_eq!(entry["reason"], "Teacher programme: free month");

    let audit = app
        .stack
        .app
        .store
        .client()
        .query()
        .table_name(app.stack.app.store.table())
        .key_condition_expression("pk = :audit")
        .expression_attribute_values(
            ":audit",
            aws_sdk_dynamodb::types::AttributeValue::S("AUDIT".into()),
        )
        .send()
        .await
        .unwrap();
    // The admin's role, set by the local operator, is audited too.
    let entries: Vec<String> = audit.items().iter().map(|i| format!("{i:?}")).collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    let grants: Vec<&String> = entries
        .iter()
        .filter(|text| text.contains("credits.grant"))
        .collect();
    assert_eq!(grants.len(), 1, "{entries:?}");
    assert!(
        grants[0].contains(&admin.id) && grants[0].contains("free month"),
        "{}",
        grants[0]
    );
    assert!(
        entries
            .iter()
            .any(|text| text.contains("account.roles") && text.contains("operator:local operator")),
        "{entries:?}"
    );

    let missing = app
        .send(
            Method::POST,
            "/v1/admin/accounts/01NOSUCHACCOUNT/credit-grants",
            Some(&admin.access_token),
            Some(&grant),
        )
        .await;
    assert_problem(missing, 404, "not_found").await;
    let to_self = format!("/v1/admin/accounts/{}/credit-grants", admin.id);
    assert_problem(
        app.send(
            Method::POST,
            &to_self,
            Some(&admin.access_token),
            Some(&grant),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    for bad in [
        json!({ "credits": 0, "reason": "x" }),
        json!({ "credits": 5, "reason": "  " }),
        json!({ "credits": 5 }),
    ] {
        let response = app
            .send(Method::POST, &path, Some(&admin.access_token), Some(&bad))
            .await;
        assert_problem(response, 422, "validation_failed").await;
    }
    // an admin whose tokens were revoked cannot grant with an old token
    app.post_with_token("/v1/sessions/revoke-all", &admin.access_token)
        .await;
    assert_problem(
        app.send(Method::POST, &path, Some(&admin.access_token), Some(&grant))
            .await,
        401,
        "unauthorized",
    )
    .await;
    assert_eq!(app.balance(&user.access_token).await.0, 50);
    let admin_again = app.logged_in(&admin.email, &admin.password).await;
    let admin_token = admin_again["access_token"].as_str().unwrap();
    assert_eq!(app.balance(admin_token).await.0, 0, "no self-grant");
}

#[tokio::test]
async fn the_ledger_pages_newest_first() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let admin = app.admin_user("root@example.com").await;
    let path = format!("/v1/admin/accounts/{}/credit-grants", user.id);
    for credits in 1..=5 {
        let body = json!({ "credits": credits, "reason": format!("grant {credits}") });
        assert_eq!(
            app.send(Method::POST, &path, Some(&admin.access_token), Some(&body))
                .await
                .status(),
            201
        );
    }
    let mut seen = Vec::new();
    let mut next = "/v1/me/balance?limit=2".to_owned();
    loop {
        let body: Value = app
            .send(Method::GET, &next, Some(&user.access_token), None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["credits"], 15);
        let items = body["entries"]["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|e| {
            (
                e["credits"].as_i64().unwrap(),
                e["balance_after"].as_i64().unwrap(),
            )
        }));
        match body["entries"]["next_cursor"].as_str() {
            Some(cursor) => next = format!("/v1/me/balance?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [(5, 15), (4, 10), (3, 6), (2, 3), (1, 1)],
        "newest first, each with the balance it left, across pages"
    );
    for bad in [
        "/v1/me/balance?limit=0",
        "/v1/me/balance?limit=101",
        "/v1/me/balance?limit=x",
    ] {
        let response = app
            .send(Method::GET, bad, Some(&user.access_token), None)
            .await;
        assert_problem(response, 422, "validation_failed").await;
    }
    // forged cursors, the balance at the end of i64 among them: parsed and bounded, 400
    use base64::Engine;
    let forge = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    for cursor in [
        "bm9wZQ".to_owned(),
        forge("01JABCDEFGHJKMNPQRSTVWXYZ0:9223372036854775807"),
        forge("01JABCDEFGHJKMNPQRSTVWXYZ0:-9223372036854775808"),
    ] {
        let response = app
            .send(
                Method::GET,
                &format!("/v1/me/balance?cursor={cursor}"),
                Some(&user.access_token),
                None,
            )
            .await;
        assert_problem(response, 400, "invalid_cursor").await;
    }
    assert_problem(
        app.client
            .get(app.url("/v1/me/balance"))
            .send()
            .await
            .unwrap(),
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn the_local_checkout_page_buys_credits_offline() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let response = checkout(&app, &user, "standard").await;
    let body: Value = response.json().await.unwrap();
    let url = body["checkout_url"].as_str().unwrap();
    assert!(url.starts_with(&app.address), "{url}");

    let page = app.client.get(url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("300 credits") && html.contains("24.90 EUR"),
        "{html}"
    );

    for _ in 0..2 {
        let paid = app.client.post(format!("{url}/pay")).send().await.unwrap();
        assert_eq!(paid.status(), StatusCode::OK);
    }
    let (credits, entries) = app.balance(&user.access_token).await;
    assert_eq!(
        (credits, entries.len()),
        (300, 1),
        "paid once, credited once"
    );
    let missing = app
        .client
        .get(app.url("/local/checkout/cs_local_nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn concurrent_grants_each_answer_the_exact_balance_they_left() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let admin = app.admin_user("root@example.com").await;
    let path = format!("/v1/admin/accounts/{}/credit-grants", user.id);
    let grant = json!({ "credits": 1, "reason": "a race" });
    let grants =
        (0..12).map(|_| app.send(Method::POST, &path, Some(&admin.access_token), Some(&grant)));
    let mut answered = Vec::new();
    for response in join_all(grants).await {
        assert_eq!(response.status(), StatusCode::CREATED);
        let entry: Value = response.json().await.unwrap();
        answered.push((
            entry["id"].as_str().unwrap().to_owned(),
            entry["balance_after"].as_i64().unwrap(),
        ));
    }
    answered.sort_by_key(|(_, balance)| *balance);
    let balances: Vec<i64> = answered.iter().map(|(_, b)| *b).collect();
    assert_eq!(balances, (1..=12).collect::<Vec<_>>(), "each balance once");

    // the ledger derives the same balance for each entry as its grant answered
    let (credits, entries) = app.balance(&user.access_token).await;
    assert_eq!(credits, 12);
    let mut listed: Vec<(String, i64)> = entries
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_owned(),
                e["balance_after"].as_i64().unwrap(),
            )
        })
        .collect();
    listed.reverse();
    assert_eq!(
        listed, answered,
        "ids in commit order, balances as answered"
    );
}

#[tokio::test]
async fn a_ledger_head_written_by_a_clock_ahead_of_ours_is_followed() {
    use aws_sdk_dynamodb::types::AttributeValue;

    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let admin = app.admin_user("root@example.com").await;
    let store = &app.stack.app.store;
    // Another machine, its clock an hour ahead, changed this balance last.
    let ahead = ulid::Ulid::from_parts(ulid::Ulid::new().timestamp_ms() + 3_600_000, 0);
    store
        .client()
        .update_item()
        .table_name(store.table())
        .key("pk", AttributeValue::S(format!("ACCOUNT#{}", user.id)))
        .key("sk", AttributeValue::S("ACCOUNT".into()))
        .update_expression("SET ledger_head = :head")
        .expression_attribute_values(":head", AttributeValue::S(ahead.to_string()))
        .send()
        .await
        .unwrap();

    // a credit written blind (the webhook) ...
    let session = pending_purchase(&app, &user).await;
    let paid = event("checkout.session.completed", &session, &user, true);
    assert_eq!(app.deliver_signed(&paid).await.status(), StatusCode::OK);
    // ... and one computed from a read (a grant)
    let path = format!("/v1/admin/accounts/{}/credit-grants", user.id);
    let grant = json!({ "credits": 7, "reason": "clock test" });
    let response = app
        .send(Method::POST, &path, Some(&admin.access_token), Some(&grant))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let granted: Value = response.json().await.unwrap();
    assert_eq!(granted["balance_after"], 107);

    let (credits, entries) = app.balance(&user.access_token).await;
    assert_eq!(credits, 107);
    let listed: Vec<(&str, i64)> = entries
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["balance_after"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(listed, [("grant", 107), ("purchase", 100)]);
    for entry in &entries {
        assert!(
            entry["id"].as_str().unwrap() > ahead.to_string().as_str(),
            "{entry} after {ahead}"
        );
    }
}

/// Stripe keeps idempotency keys per API key, not per our account: the key we send is
/// scoped to the account, so two accounts that send the same `Idempotency-Key` never get
/// each other's Checkout Session.
#[tokio::test]
async fn the_stripe_idempotency_key_is_scoped_to_the_account() {
    let stub = StripeStub::start(200).await;
    let stub_url = stub.url.clone();
    let app = spawn_app_with(Some(Box::new(move |settings| {
        settings.payments.stripe_secret_key = Some("sk_test_stub".into());
        settings.payments.stripe_api_base = stub_url;
    })))
    .await;
    let ada = app.registered_user("ada@example.com").await;
    let bob = app.registered_user("bob@example.com").await;
    for user in [&ada, &bob] {
        let response = app
            .client
            .post(app.url("/v1/checkout"))
            .bearer_auth(&user.access_token)
            .header("idempotency-key", "same-key")
            .json(&json!({ "tariff_id": "starter" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let keys: Vec<String> = stub
        .recorded()
        .iter()
        .map(|sent| sent.headers["idempotency-key"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(
        keys[0], keys[1],
        "one client key, two accounts, two Stripe keys"
    );
    assert!(keys[0].contains(ada.id.as_str()), "{}", keys[0]);
    assert!(keys[1].contains(bob.id.as_str()), "{}", keys[1]);
}

//! A soak at a 20% fault rate between the functions and DynamoDB and S3 (throttling,
//! 5xx, late answers, resets, lost answers of applied writes, and the transaction
//! conflicts AWS answers while another transaction holds an item): many accounts post, buy,
//! get grants and read at once, each client retrying with the same idempotency key on
//! 5xx and on answers it "loses" itself. Afterwards nothing is lost or doubled: every
//! balance is its ledger's sum, every paid message exists once with one debit, every
//! paid Checkout Session is credited once, and no answer was a 500.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use natives_local::checkout_page::{SessionFacts, stripe_event};
use natives_local::data_dir::webhook_secret;
use natives_shared::payments::sign_payload;
use natives_shared::store::Store;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, registration, spawn_app_with_faults};
use natives_local::faults::{Fault, FaultPlan};

const FAULT_RATE: f64 = 0.2;
const WORKERS: usize = 6;
const RUN_FOR: Duration = Duration::from_secs(40);
/// How often a client drops an answer it got, as if the network had lost it.
const CLIENT_LOSS: u8 = 25; // out of 256, ~10%

#[derive(Default)]
struct Tally {
    calls: AtomicU64,
    attempts: AtomicU64,
    lost_by_client: AtomicU64,
    status: Mutex<BTreeMap<u16, u64>>,
    paid_messages: Mutex<BTreeSet<String>>,
    paid_sessions: Mutex<BTreeSet<String>>,
    grants: AtomicU64,
}

impl Tally {
    fn saw(&self, status: u16) {
        *self.status.lock().unwrap().entry(status).or_default() += 1;
    }
}

fn chance() -> u8 {
    natives_shared::random::random_bytes::<1>()[0]
}

/// Sends until an answer arrives that is not a 5xx and is not "lost" by the client;
/// the same request (and idempotency key) every time. Panics on a 500.
async fn call(
    app: &TestApp,
    tally: &Tally,
    method: Method,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    tally.calls.fetch_add(1, Ordering::Relaxed);
    for attempt in 0..40 {
        tally.attempts.fetch_add(1, Ordering::Relaxed);
        let mut request = app.client.request(method.clone(), app.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let Ok(response) = request.send().await else {
            continue;
        };
        let status = response.status().as_u16();
        tally.saw(status);
        assert_ne!(
            status,
            500,
            "{method} {path} answered 500: {:?}",
            response.text().await
        );
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status >= 500 {
            tokio::time::sleep(Duration::from_millis(20 + 10 * attempt)).await;
            continue;
        }
        // Only requests that are safe to repeat are "lost": with a key, or reads.
        if (key.is_some() || method == Method::GET) && chance() < CLIENT_LOSS {
            tally.lost_by_client.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        return (status, body);
    }
    panic!("{method} {path}: no answer after 40 attempts");
}

/// A Stripe delivery of a paid Checkout Session, redelivered on 5xx as Stripe does.
async fn deliver(app: &TestApp, tally: &Tally, session: &str, account_id: &str) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let event = stripe_event(
        "checkout.session.completed",
        &SessionFacts {
            checkout_session_id: session,
            account_id,
            credits: 100,
            amount_minor: 990,
            currency: "EUR",
            paid: true,
            amount_discount: 0,
            local_promotion_code: None,
        },
        now,
    );
    let secret = webhook_secret(app.data_dir.path()).unwrap();
    for _ in 0..40 {
        let response = app
            .client
            .post(app.url("/v1/webhooks/stripe"))
            .header("content-type", "application/json")
            .header(
                "stripe-signature",
                sign_payload(event.as_bytes(), &secret, now),
            )
            .body(event.clone())
            .send()
            .await;
        let Ok(response) = response else { continue };
        let status = response.status().as_u16();
        tally.saw(status);
        assert_ne!(status, 500, "the webhook answered 500");
        if status == 200 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    panic!("the webhook was never acknowledged");
}

async fn register(app: &TestApp, tally: &Tally, email: &str) -> TestUser {
    // A registration whose answer was lost and is sent again finds its e-mail taken:
    // it was made.
    let (status, account) = call(
        app,
        tally,
        Method::POST,
        "/v1/accounts",
        None,
        None,
        Some(&registration(email)),
    )
    .await;
    assert!(status == 201 || status == 409, "{status} {account}");
    let (status, tokens) = call(
        app,
        tally,
        Method::POST,
        "/v1/sessions",
        None,
        None,
        Some(&json!({ "email": email, "password": "correct horse battery" })),
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    let (_, me) = call(app, tally, Method::GET, "/v1/me", Some(&token), None, None).await;
    TestUser {
        id: me["id"].as_str().unwrap().to_owned(),
        email: email.to_owned(),
        password: "correct horse battery".into(),
        access_token: token,
        refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
    }
}

async fn worker(app: &TestApp, tally: &Tally, n: usize, admin: &TestUser, deadline: Instant) {
    let user = register(app, tally, &format!("soak-{n}@example.com")).await;
    let mut thread: Option<String> = None;
    let mut i = 0;
    while Instant::now() < deadline {
        i += 1;
        let key = format!("soak-{n}-{i}");
        match chance() % 5 {
            0 | 1 => {
                let (path, body) = match &thread {
                    None => (
                        "/v1/threads".to_owned(),
                        json!({ "language": "de", "title": format!("Faden {n}"), "text": format!("Nachricht {i}") }),
                    ),
                    Some(id) => (
                        format!("/v1/threads/{id}/messages"),
                        json!({ "text": format!("Nachricht {i}") }),
                    ),
                };
                let (status, answer) = call(
                    app,
                    tally,
                    Method::POST,
                    &path,
                    Some(&user.access_token),
                    Some(&key),
                    Some(&body),
                )
                .await;
                match status {
                    201 => {
                        let message = if thread.is_none() {
                            thread = Some(answer["id"].as_str().unwrap().to_owned());
                            answer["first_message"]["id"].as_str().unwrap().to_owned()
                        } else {
                            answer["id"].as_str().unwrap().to_owned()
                        };
                        tally.paid_messages.lock().unwrap().insert(message);
                    }
                    402 => {}
                    other => panic!("a post answered {other}: {answer}"),
                }
            }
            2 => {
                let (status, session) = call(
                    app,
                    tally,
                    Method::POST,
                    "/v1/checkout",
                    Some(&user.access_token),
                    Some(&key),
                    Some(&json!({ "tariff_id": "starter" })),
                )
                .await;
                assert_eq!(status, 201, "{session}");
                let session = session["checkout_session_id"].as_str().unwrap().to_owned();
                deliver(app, tally, &session, &user.id).await;
                if chance() < 64 {
                    deliver(app, tally, &session, &user.id).await; // a duplicate delivery
                }
                tally.paid_sessions.lock().unwrap().insert(session);
            }
            3 => {
                let path = format!("/v1/admin/accounts/{}/credit-grants", user.id);
                let (status, answer) = call(
                    app,
                    tally,
                    Method::POST,
                    &path,
                    Some(&admin.access_token),
                    Some(&key),
                    Some(&json!({ "credits": 3, "reason": "soak" })),
                )
                .await;
                assert_eq!(status, 201, "{answer}");
                tally.grants.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                let (status, _) = call(
                    app,
                    tally,
                    Method::GET,
                    "/v1/me/balance",
                    Some(&user.access_token),
                    None,
                    None,
                )
                .await;
                assert_eq!(status, 200);
                if let Some(id) = &thread {
                    let (status, _) = call(
                        app,
                        tally,
                        Method::GET,
                        &format!("/v1/threads/{id}/messages"),
                        None,
                        None,
                        None,
                    )
                    .await;
                    assert_eq!(status, 200);
                }
            }
        }
    }
}

fn text(item: &BTreeMap<String, AttributeValue>, name: &str) -> String {
    match item.get(name) {
        Some(AttributeValue::S(value)) => value.clone(),
        Some(AttributeValue::N(value)) => value.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_twenty_percent_fault_rate_nothing_is_lost_or_doubled_and_nothing_answers_500() {
    let app = spawn_app_with_faults(FaultPlan {
        kinds: Fault::ALL,
        ..FaultPlan::at_rate(FAULT_RATE)
    })
    .await;
    let tally = Tally::default();
    let started = Instant::now();
    let admin = register(&app, &tally, "soak-admin@example.com").await;
    let clean = clean_store(&app).await;
    clean
        .set_roles_by_operator(
            &admin.account_id(),
            &[
                natives_shared::domain::Role::User,
                natives_shared::domain::Role::Admin,
            ],
            app.stack.app.now(),
        )
        .await
        .unwrap();
    let deadline = Instant::now() + RUN_FOR;
    futures::future::join_all((0..WORKERS).map(|n| worker(&app, &tally, n, &admin, deadline)))
        .await;
    let ran = started.elapsed();

    // Everything the table holds now, read without faults.
    let mut items: Vec<BTreeMap<String, AttributeValue>> = Vec::new();
    let mut start = None;
    loop {
        let page = clean
            .client()
            .scan()
            .table_name(clean.table())
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        items.extend(page.items().iter().map(|i| i.clone().into_iter().collect()));
        match page.last_evaluated_key {
            Some(key) => start = Some(key),
            None => break,
        }
    }
    let sk = |item: &BTreeMap<String, AttributeValue>| text(item, "sk");
    let ledger: Vec<&BTreeMap<String, AttributeValue>> = items
        .iter()
        .filter(|i| sk(i).starts_with("LEDGER#"))
        .collect();

    // every balance is its ledger's sum
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for entry in &ledger {
        *sums.entry(text(entry, "account_id")).or_default() +=
            text(entry, "credits").parse::<i64>().unwrap();
    }
    for account in items.iter().filter(|i| sk(i) == "ACCOUNT") {
        let id = text(account, "id");
        let balance: i64 = text(account, "balance_credits").parse().unwrap();
        assert_eq!(
            balance,
            sums.get(&id).copied().unwrap_or(0),
            "the balance of {id}"
        );
        assert!(balance >= 0);
    }
    // every paid message once, with one debit; no debit without its message
    let messages: BTreeSet<String> = items
        .iter()
        .filter(|i| sk(i).starts_with("MESSAGE#"))
        .map(|m| text(m, "id"))
        .collect();
    let paid = tally.paid_messages.lock().unwrap().clone();
    for message in &paid {
        assert!(messages.contains(message), "paid message {message} exists");
    }
    let mut debits: BTreeMap<String, usize> = BTreeMap::new();
    for entry in ledger.iter().filter(|e| text(e, "kind") == "spend") {
        *debits.entry(text(entry, "reference")).or_default() += 1;
    }
    for message in &messages {
        assert_eq!(debits.get(message), Some(&1), "one debit for {message}");
    }
    assert_eq!(debits.len(), messages.len(), "no debit without its message");
    assert_eq!(
        messages.len(),
        paid.len(),
        "no message the clients did not get a 201 for"
    );
    // every paid Checkout Session credited once
    let mut credits: BTreeMap<String, usize> = BTreeMap::new();
    for entry in ledger.iter().filter(|e| text(e, "kind") == "purchase") {
        *credits.entry(text(entry, "reference")).or_default() += 1;
    }
    for session in tally.paid_sessions.lock().unwrap().iter() {
        assert_eq!(credits.get(session), Some(&1), "{session} credited once");
    }
    let grants = ledger.iter().filter(|e| text(e, "kind") == "grant").count() as u64;
    assert_eq!(
        grants,
        tally.grants.load(Ordering::Relaxed),
        "each grant once"
    );

    let faults = &app.stack.faults;
    assert!(faults.faults() > 0, "faults were injected");
    assert!(
        faults.conflicts.load(Ordering::Relaxed) > 0,
        "transaction conflicts were among them"
    );
    println!(
        "soak: {:.0} s, {WORKERS} clients; {} calls in {} attempts ({} answers dropped by the clients); statuses {:?}; {} paid messages, {} paid sessions, {} grants; faults: {}",
        ran.as_secs_f64(),
        tally.calls.load(Ordering::Relaxed),
        tally.attempts.load(Ordering::Relaxed),
        tally.lost_by_client.load(Ordering::Relaxed),
        tally.status.lock().unwrap(),
        paid.len(),
        tally.paid_sessions.lock().unwrap().len(),
        tally.grants.load(Ordering::Relaxed),
        faults.summary(),
    );
}

async fn clean_store(app: &TestApp) -> Store {
    let sdk = natives_local::embedded::sdk_config(&app.stack.endpoints.dynamodb).await;
    Store::connect(&sdk, natives_local::TABLE_NAME)
}

/// With every request to DynamoDB failing, the SDK's bounded retries give up well
/// within a Lambda's timeout, and the answer is 503 with Retry-After — for a webhook
/// too, so Stripe delivers again.
#[tokio::test]
async fn a_fault_that_outlasts_the_retries_is_a_503_with_retry_after_in_bounded_time() {
    let app = spawn_app_with_faults(FaultPlan::at_rate(1.0)).await;
    let started = Instant::now();
    let response = app.client.get(app.url("/v1/tariffs")).send().await.unwrap();
    let took = started.elapsed();
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "temporarily_unavailable");
    assert!(
        took < Duration::from_secs(9),
        "answered in {took:?}, under the 10 s Lambda timeout"
    );

    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let event = stripe_event(
        "checkout.session.completed",
        &SessionFacts {
            checkout_session_id: "cs_test_unreachable",
            account_id: "01J00000000000000000000000",
            credits: 100,
            amount_minor: 990,
            currency: "EUR",
            paid: true,
            amount_discount: 0,
            local_promotion_code: None,
        },
        now,
    );
    let secret = webhook_secret(app.data_dir.path()).unwrap();
    let response = app
        .client
        .post(app.url("/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            sign_payload(event.as_bytes(), &secret, now),
        )
        .body(event)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503, "Stripe redelivers on 5xx");
}

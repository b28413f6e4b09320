//! Corporate clients' invoices at Stripe: the company becomes a Stripe customer once per
//! account (the exact form Stripe gets; reused later; sent again when the company is set
//! again), the customer's Checkout Session asks Stripe for an invoice, and Stripe's signed
//! invoice events record one invoice per invoice, however often and in whatever order they
//! arrive, listed with Stripe's links to the client and to partner managers.

use futures::future::join_all;
use natives_local::checkout_page::{SessionFacts, stripe_event};
use natives_shared::domain::{Account, AccountId, Role};
use natives_shared::payments::sign_payload;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::companies::company;
use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app_with};
use crate::stripe_stub::{Recorded, STUB_PROMOTION_ID, StripeStub};

/// The id the stub's Stripe gives every customer.
const STUB_CUSTOMER: &str = "cus_StubCompany0001";
/// The Checkout Session id the stub's Stripe opens.
const STUB_SESSION: &str = "cs_test_stub_0001";

async fn with_stripe(stub: &StripeStub) -> TestApp {
    let stub_url = stub.url.clone();
    spawn_app_with(Some(Box::new(move |settings| {
        settings.payments.stripe_secret_key = Some("sk_test_stub".into());
        settings.payments.stripe_api_base = stub_url;
    })))
    .await
}

async fn corporate_user(app: &TestApp, email: &str, legal_name: &str) -> TestUser {
    let user = app.registered_user(email).await;
    let response = app.set_company(&user, &company(legal_name)).await;
    assert_eq!(response.status(), StatusCode::OK);
    user
}

async fn checkout(app: &TestApp, user: &TestUser, promotion_code: Option<&str>) -> Value {
    let response = app
        .send(
            Method::POST,
            "/v1/checkout",
            Some(&user.access_token),
            Some(&json!({ "tariff_id": "starter", "promotion_code": promotion_code })),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

fn sorted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    pairs.sort();
    pairs
}

/// The requests to `path`, in order, each with its form sorted.
fn sent_to(stub: &StripeStub, path: &str) -> Vec<Recorded> {
    stub.recorded()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|mut r| {
            r.form.sort();
            r
        })
        .collect()
}

fn field<'a>(request: &'a Recorded, name: &str) -> &'a str {
    request
        .form
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("{name} in {:?}", request.form))
}

async fn account(app: &TestApp, user: &TestUser) -> Account {
    app.stack
        .app
        .store
        .get_account(&AccountId::parse(&user.id).unwrap())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_corporate_checkout_makes_the_company_a_stripe_customer_once_and_asks_for_an_invoice() {
    let stub = StripeStub::start(200).await;
    let app = with_stripe(&stub).await;
    let ada = corporate_user(&app, "ada@example.com", "Ada Ltd").await;

    checkout(&app, &ada, Some("spring10")).await;

    let customers = sent_to(&stub, "/v1/customers");
    assert_eq!(customers.len(), 1, "one customer is created");
    assert_eq!(customers[0].method, "POST");
    assert_eq!(
        customers[0].form,
        sorted(&[
            ("name", "Ada Ltd"),
            ("address[line1]", "Unter den Linden 1"),
            ("address[city]", "Berlin"),
            ("address[postal_code]", "10117"),
            ("address[country]", "DE"),
            ("tax_id_data[0][type]", "eu_vat"),
            ("tax_id_data[0][value]", "DE123456789"),
            ("metadata[account_id]", ada.id.as_str()),
        ]),
        "exactly the company's legal identity: no contact, no e-mail"
    );
    let key = customers[0].headers["idempotency-key"].to_str().unwrap();
    assert!(
        key.starts_with(&format!("customer-{}-", ada.id)),
        "the account's key: {key}"
    );
    let linked = account(&app, &ada).await.stripe_customer.expect("kept");
    assert_eq!(linked.id, STUB_CUSTOMER);

    let sessions = sent_to(&stub, "/v1/checkout/sessions");
    assert_eq!(sessions.len(), 1);
    let purchase_id = field(&sessions[0], "metadata[purchase_id]");
    assert_eq!(
        sessions[0].form,
        sorted(&[
            ("cancel_url", "https://natives.chat/checkout/cancel"),
            ("client_reference_id", ada.id.as_str()),
            ("customer", STUB_CUSTOMER),
            ("discounts[0][promotion_code]", STUB_PROMOTION_ID),
            ("invoice_creation[enabled]", "true"),
            (
                "invoice_creation[invoice_data][metadata][account_id]",
                ada.id.as_str()
            ),
            (
                "invoice_creation[invoice_data][metadata][purchase_id]",
                purchase_id
            ),
            ("line_items[0][price_data][currency]", "eur"),
            (
                "line_items[0][price_data][product_data][name]",
                "Starter (100 credits)"
            ),
            ("line_items[0][price_data][unit_amount]", "990"),
            ("line_items[0][quantity]", "1"),
            ("metadata[account_id]", ada.id.as_str()),
            ("metadata[credits]", "100"),
            ("metadata[purchase_id]", purchase_id),
            ("metadata[tariff_id]", "starter"),
            ("mode", "payment"),
            ("success_url", "https://natives.chat/checkout/success"),
        ]),
        "the customer's session, with an invoice (and no customer_email beside the customer)"
    );

    // The next checkout reuses the customer.
    checkout(&app, &ada, None).await;
    assert_eq!(
        sent_to(&stub, "/v1/customers").len(),
        1,
        "no second customer"
    );
    let sessions = sent_to(&stub, "/v1/checkout/sessions");
    assert_eq!(field(&sessions[1], "customer"), STUB_CUSTOMER);
    assert_eq!(field(&sessions[1], "invoice_creation[enabled]"), "true");
    assert!(
        !sessions[1]
            .form
            .iter()
            .any(|(k, _)| k.starts_with("discounts"))
    );

    // The company set again (moved to Austria): the customer is sent its new name,
    // address and tax ID first.
    let mut moved = company("Ada Holding GmbH");
    moved["legal_address"] = json!({"line1": "Ringstr. 2", "line2": "3. Stock", "city": "Wien", "postal_code": "1010", "country": "AT"});
    moved["tax_id"] = json!({"type": "eu_vat", "value": "ATU12345678"});
    let response = app.set_company(&ada, &moved).await;
    assert_eq!(response.status(), StatusCode::OK);
    let set: Value = response.json().await.unwrap();
    let before = stub.recorded().len();
    checkout(&app, &ada, None).await;
    let path = format!("/v1/customers/{STUB_CUSTOMER}");
    let steps: Vec<(String, String)> = stub.recorded()[before..]
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    let step = |method: &str, path: String| (method.to_owned(), path);
    assert_eq!(
        steps,
        [
            step("POST", path.clone()),
            step("GET", format!("{path}/tax_ids")),
            step("POST", format!("{path}/tax_ids")),
            step("DELETE", format!("{path}/tax_ids/txi_1")),
            step("POST", "/v1/checkout/sessions".into()),
        ],
        "the new tax ID added before the old one is removed, then the session"
    );
    assert_eq!(
        sent_to(&stub, &format!("{path}/tax_ids"))
            .into_iter()
            .find(|r| r.method == "POST")
            .unwrap()
            .form,
        sorted(&[("type", "eu_vat"), ("value", "ATU12345678")])
    );
    let updates = sent_to(&stub, &path);
    assert_eq!(updates.len(), 1, "one update");
    assert_eq!(updates[0].method, "POST");
    assert_eq!(
        updates[0].form,
        sorted(&[
            ("name", "Ada Holding GmbH"),
            ("address[line1]", "Ringstr. 2"),
            ("address[line2]", "3. Stock"),
            ("address[city]", "Wien"),
            ("address[postal_code]", "1010"),
            ("address[country]", "AT"),
        ])
    );
    assert_eq!(
        sent_to(&stub, "/v1/customers").len(),
        1,
        "still one customer"
    );
    let linked = account(&app, &ada).await.stripe_customer.unwrap();
    assert_eq!(linked.id, STUB_CUSTOMER);
    assert_eq!(
        json!(linked.company_updated_at),
        set["updated_at"],
        "the version Stripe now has"
    );
    checkout(&app, &ada, None).await;
    assert_eq!(sent_to(&stub, &path).len(), 1, "sent once per change");
    assert_eq!(sent_to(&stub, "/v1/checkout/sessions").len(), 4);
}

#[tokio::test]
async fn concurrent_first_checkouts_of_an_account_ask_stripe_for_one_customer() {
    let stub = StripeStub::start(200).await;
    let app = with_stripe(&stub).await;
    let ada = corporate_user(&app, "ada@example.com", "Ada Ltd").await;

    let opened = join_all((0..4).map(|_| checkout(&app, &ada, None))).await;
    assert_eq!(opened.len(), 4);
    let keys: std::collections::BTreeSet<String> = sent_to(&stub, "/v1/customers")
        .iter()
        .map(|r| r.headers["idempotency-key"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        keys.len(),
        1,
        "one idempotency key, so one customer: {keys:?}"
    );
    assert_eq!(
        account(&app, &ada).await.stripe_customer.unwrap().id,
        STUB_CUSTOMER
    );
}

/// A signed Stripe event of `kind` about the fixture's invoice, made out for `purchase_id`
/// of `account_id` with `status`.
fn invoice_event(kind: &str, invoice_id: &str, metadata: Value, status: &str) -> String {
    let mut invoice: Value =
        serde_json::from_str(include_str!("../../../shared/fixtures/invoice.json")).unwrap();
    invoice["id"] = json!(invoice_id);
    invoice["metadata"] = metadata;
    invoice["status"] = json!(status);
    json!({
        "id": format!("evt_{}", ulid::Ulid::new()), "object": "event",
        "api_version": "2025-03-31.basil", "created": now(), "livemode": false,
        "pending_webhooks": 1, "request": { "id": null, "idempotency_key": null },
        "type": kind, "data": { "object": invoice }
    })
    .to_string()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

const HOSTED: &str = "https://invoice.stripe.com/i/acct_1Natives/test_YWNjdF8xTmF0aXZlcw";
const PDF: &str = "https://pay.stripe.com/invoice/acct_1Natives/test_YWNjdF8xTmF0aXZlcw/pdf?s=ap";

#[tokio::test]
async fn stripes_invoice_events_record_one_invoice_listed_with_its_links_and_credit_once() {
    let stub = StripeStub::start(200).await;
    let app = with_stripe(&stub).await;
    let ada = corporate_user(&app, "ada@example.com", "Ada Ltd").await;
    checkout(&app, &ada, Some("spring10")).await;
    let sessions = sent_to(&stub, "/v1/checkout/sessions");
    let purchase_id = field(&sessions[0], "metadata[purchase_id]").to_owned();

    // Paid (10% off), delivered twice: credited once.
    let paid = stripe_event(
        "checkout.session.completed",
        &SessionFacts {
            checkout_session_id: STUB_SESSION,
            account_id: &ada.id,
            credits: 100,
            amount_minor: 891,
            amount_discount: 99,
            currency: "EUR",
            paid: true,
            local_promotion_code: None,
        },
        now(),
    );
    for _ in 0..2 {
        assert_eq!(app.deliver_signed(&paid).await.status(), StatusCode::OK);
    }
    assert_eq!(app.balance(&ada.access_token).await.0, 100);

    let ours = json!({ "account_id": ada.id, "purchase_id": purchase_id });
    let finalized = invoice_event("invoice.finalized", "in_1Ada", ours.clone(), "open");
    assert_eq!(
        app.deliver_signed(&finalized).await.status(),
        StatusCode::OK
    );
    let invoices = app.invoices(&ada).await;
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0]["status"], "open");

    // Paid, delivered twice, and the finalized event again late: still one invoice, paid.
    let paid_invoice = invoice_event("invoice.paid", "in_1Ada", ours.clone(), "paid");
    for body in [&paid_invoice, &paid_invoice, &finalized] {
        assert_eq!(app.deliver_signed(body).await.status(), StatusCode::OK);
    }
    let invoices = app.invoices(&ada).await;
    assert_eq!(invoices.len(), 1, "one invoice: {invoices:?}");
    assert_eq!(
        invoices[0],
        json!({
            "id": "in_1Ada",
            "number": "6F1A2B3C-0001",
            "purchase_id": purchase_id,
            "amount": { "amount_minor": 891, "currency": "EUR" },
            "discount": { "amount_minor": 99, "currency": "EUR" },
            "status": "paid",
            "hosted_invoice_url": HOSTED,
            "pdf_url": PDF,
            "issued_at": "2025-11-24T16:00:00.000Z",
        })
    );
    assert_eq!(
        app.balance(&ada.access_token).await.0,
        100,
        "invoices credit nothing"
    );

    // The partner manager sees the invoice with Stripe's links beside the purchase.
    let manager = app
        .staff_logged_in("manager@example.com", &[Role::PartnerManager])
        .await;
    let companies = app
        .list_items("/v1/admin/companies", &manager.access_token)
        .await;
    let listed = companies
        .iter()
        .find(|c| c["account_id"] == ada.id.as_str())
        .expect("Ada's company");
    assert_eq!(listed["invoices"], json!([invoices[0].clone()]));
    assert_eq!(listed["purchases"][0]["purchase_id"], purchase_id.as_str());
    assert_eq!(listed["purchases"][0]["status"], "paid");

    // A forged or unsigned event records nothing.
    let forged = invoice_event("invoice.paid", "in_forged", ours.clone(), "paid");
    let wrong = sign_payload(forged.as_bytes(), "whsec_wrong", now());
    assert_problem(
        app.deliver(&forged, Some(&wrong)).await,
        400,
        "invalid_signature",
    )
    .await;
    assert_problem(app.deliver(&forged, None).await, 400, "invalid_signature").await;
    // An invoice none of our checkouts made is acknowledged and not recorded; one of ours
    // without its links is refused (Stripe delivers it again).
    let foreign = invoice_event("invoice.paid", "in_foreign", json!({}), "paid");
    assert_eq!(app.deliver_signed(&foreign).await.status(), StatusCode::OK);
    let mut incomplete: Value = serde_json::from_str(&invoice_event(
        "invoice.paid",
        "in_incomplete",
        ours,
        "paid",
    ))
    .unwrap();
    incomplete["data"]["object"]["hosted_invoice_url"] = Value::Null;
    assert_problem(
        app.deliver_signed(&incomplete.to_string()).await,
        422,
        "incomplete_invoice",
    )
    .await;
    assert_eq!(app.invoices(&ada).await.len(), 1, "only the one invoice");
}

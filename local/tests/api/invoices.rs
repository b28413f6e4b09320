//! Invoices on the local stack: a corporate client's purchase paid on the local checkout
//! page is invoiced once (however often the webhook is delivered) to the company as it
//! was set, listed by GET /v1/me/invoices and shown on its unguessable page; a personal
//! purchase is not invoiced.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};

impl TestApp {
    /// Buys `tariff` through the local checkout page, paying it `payments` times (each a
    /// signed `checkout.session.completed` delivered to the webhook).
    pub(crate) async fn bought_on_the_local_page(
        &self,
        user: &TestUser,
        tariff: &str,
        payments: usize,
    ) {
        let response = self
            .send(
                Method::POST,
                "/v1/checkout",
                Some(&user.access_token),
                Some(&json!({ "tariff_id": tariff })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        let url = body["checkout_url"].as_str().unwrap();
        for _ in 0..payments {
            let paid = self.client.post(format!("{url}/pay")).send().await.unwrap();
            assert_eq!(paid.status(), StatusCode::OK);
        }
    }

    pub(crate) async fn invoices(&self, user: &TestUser) -> Vec<Value> {
        let response = self
            .send(
                Method::GET,
                "/v1/me/invoices",
                Some(&user.access_token),
                None,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["items"].as_array().unwrap().clone()
    }
}

#[tokio::test]
async fn a_corporate_purchase_is_invoiced_once_to_the_company_and_a_personal_one_not_at_all() {
    let app = spawn_app().await;
    let corporate = app.registered_user("ada@example.com").await;
    let company = app
        .set_company(&corporate, &crate::companies::company("Ada Ltd"))
        .await;
    assert_eq!(company.status(), StatusCode::OK);
    app.bought_on_the_local_page(&corporate, "starter", 2).await;

    let invoices = app.invoices(&corporate).await;
    assert_eq!(
        invoices.len(),
        1,
        "the webhook delivered twice invoices once: {invoices:?}"
    );
    let invoice = &invoices[0];
    assert_eq!(invoice["status"], "paid");
    assert_eq!(
        invoice["amount"],
        json!({"amount_minor": 990, "currency": "EUR"})
    );
    assert!(invoice.get("discount").is_none(), "{invoice}");
    assert!(invoice["number"].as_str().unwrap().starts_with("NC-"));
    assert!(!invoice["purchase_id"].as_str().unwrap().is_empty());
    assert!(invoice["issued_at"].is_string());
    let id = invoice["id"].as_str().unwrap();
    assert!(
        id.starts_with("in_local_") && id.len() > "in_local_".len() + 26 + 20,
        "a ULID and a token: {id}"
    );

    let url = invoice["hosted_invoice_url"].as_str().unwrap();
    assert!(url.starts_with(&app.address) && url.ends_with(id), "{url}");
    let page = app.client.get(url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for shown in [
        "Ada Ltd",
        "Unter den Linden 1",
        "10117 Berlin",
        "Postfach 1234",
        "c/o Buchhaltung",
        "eu_vat DE123456789",
        invoice["number"].as_str().unwrap(),
        "9.90 EUR",
        &invoice["issued_at"].as_str().unwrap()[..10],
    ] {
        assert!(html.contains(shown), "{shown} on the invoice page: {html}");
    }
    let pdf = app
        .client
        .get(invoice["pdf_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);

    // the link is the secret: a guessed token finds nothing
    let guessed = format!("{}AAAA", &url[..url.len() - 4]);
    let missing = app.client.get(&guessed).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let personal = app.registered_user("bob@example.com").await;
    app.bought_on_the_local_page(&personal, "starter", 1).await;
    assert_eq!(
        app.balance(&personal.access_token).await.0,
        100,
        "paid and credited"
    );
    assert_eq!(
        app.invoices(&personal).await,
        Vec::<Value>::new(),
        "no company, no invoice"
    );
    assert_eq!(
        app.invoices(&corporate).await.len(),
        1,
        "each sees only their own"
    );
}

//! A stand-in for Stripe's API that records what we send and answers like Stripe.

use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: http::HeaderMap,
    pub form: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
}

/// The one promotion code the stub's Stripe account has (active, 10% off).
pub const STUB_PROMOTION_CODE: &str = "SPRING10";
pub const STUB_PROMOTION_ID: &str = "promo_1StubSpring10";

pub struct StripeStub {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

/// The tax IDs (`txi_…`, type, value) the stub's one customer has, as created, added and
/// deleted.
type TaxIds = Arc<Mutex<Vec<(String, String, String)>>>;

impl StripeStub {
    /// Answers every request with `status`; 200 answers a Checkout Session.
    pub async fn start(status: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let recorded = requests.clone();
        let tax_ids = TaxIds::default();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let recorded = recorded.clone();
                let tax_ids = tax_ids.clone();
                tokio::spawn(async move {
                    let service =
                        service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                            let recorded = recorded.clone();
                            let tax_ids = tax_ids.clone();
                            async move {
                                let (parts, body) = request.into_parts();
                                let bytes = body.collect().await.unwrap().to_bytes();
                                let form: Vec<(String, String)> =
                                    form_urlencoded::parse(&bytes).into_owned().collect();
                                let query: Vec<(String, String)> = form_urlencoded::parse(
                                    parts.uri.query().unwrap_or_default().as_bytes(),
                                )
                                .into_owned()
                                .collect();
                                recorded.lock().unwrap().push(Recorded {
                                    method: parts.method.to_string(),
                                    path: parts.uri.path().to_owned(),
                                    headers: parts.headers.clone(),
                                    form: form.clone(),
                                    query: query.clone(),
                                });
                                let path = parts.uri.path();
                                let body = match (status, path) {
                                    (200, "/v1/promotion_codes") => promotion_codes_for(&query),
                                    (200, path) if path.contains("/tax_ids") => {
                                        tax_ids_answer(&tax_ids, &parts.method, path, &form)
                                    }
                                    (200, path) if path.starts_with("/v1/customers") => {
                                        if path == "/v1/customers" {
                                            created_tax_id(&tax_ids, &form);
                                        }
                                        customer_for(&form)
                                    }
                                    (200, _) => session_for(&form),
                                    _ => stripe_error(),
                                };
                                Ok::<_, std::convert::Infallible>(
                                    hyper::Response::builder()
                                        .status(status)
                                        .header("content-type", "application/json")
                                        .header("request-id", "req_stub")
                                        .body(Full::new(Bytes::from(body.to_string())))
                                        .unwrap(),
                                )
                            }
                        });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        Self { url, requests }
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

/// A realistic Checkout Session echoing what was asked for.
fn session_for(form: &[(String, String)]) -> Value {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut session: Value = serde_json::from_str(include_str!(
        "../../../shared/fixtures/checkout_session.json"
    ))
    .unwrap();
    let id = "cs_test_stub_0001";
    session["id"] = json!(id);
    session["url"] = json!(format!("https://checkout.stripe.com/c/pay/{id}"));
    session["client_reference_id"] = json!(field("client_reference_id"));
    session["customer_email"] = json!(field("customer_email"));
    session["success_url"] = json!(field("success_url"));
    session["cancel_url"] = json!(field("cancel_url"));
    session["metadata"] = json!({
        "account_id": field("metadata[account_id]"),
        "tariff_id": field("metadata[tariff_id]"),
        "credits": field("metadata[credits]"),
    });
    session
}

/// Stripe's list of active promotion codes with the code asked for (case-insensitive).
fn promotion_codes_for(query: &[(String, String)]) -> Value {
    let code = query
        .iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.as_str());
    let data = match code {
        Some(code) if code.eq_ignore_ascii_case(STUB_PROMOTION_CODE) => vec![json!({
            "id": STUB_PROMOTION_ID, "object": "promotion_code", "active": true,
            "code": STUB_PROMOTION_CODE, "created": 1_764_000_000, "customer": null,
            "expires_at": null, "livemode": false, "max_redemptions": null, "metadata": {},
            "coupon": { "id": "SPRING", "object": "coupon", "percent_off": 10.0, "valid": true },
            "restrictions": { "first_time_transaction": false },
            "times_redeemed": 3
        })],
        _ => vec![],
    };
    json!({ "object": "list", "url": "/v1/promotion_codes", "has_more": false, "data": data })
}

/// A Customer (the stub's one: created or updated) echoing what was asked for.
fn customer_for(form: &[(String, String)]) -> Value {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    json!({
        "id": "cus_StubCompany0001", "object": "customer", "name": field("name"),
        "email": field("email"), "created": 1_764_000_000, "livemode": false
    })
}

/// A new customer's `tax_id_data[0]`, kept as its tax ID.
fn created_tax_id(tax_ids: &TaxIds, form: &[(String, String)]) {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if let (Some(kind), Some(value)) = (
        field("tax_id_data[0][type]"),
        field("tax_id_data[0][value]"),
    ) {
        *tax_ids.lock().unwrap() = vec![("txi_1".into(), kind, value)];
    }
}

/// The customer's tax IDs: listed (GET), one added (POST), one deleted (DELETE).
fn tax_ids_answer(
    tax_ids: &TaxIds,
    method: &http::Method,
    path: &str,
    form: &[(String, String)],
) -> Value {
    let mut held = tax_ids.lock().unwrap();
    let object = |(id, kind, value): &(String, String, String)| {
        json!({ "id": id, "object": "tax_id", "type": kind, "value": value,
                "customer": "cus_StubCompany0001", "country": null, "created": 1_764_000_000,
                "livemode": false, "verification": null })
    };
    match *method {
        http::Method::GET => json!({
            "object": "list", "url": path, "has_more": false,
            "data": held.iter().map(object).collect::<Vec<_>>()
        }),
        http::Method::POST => {
            let field = |name: &str| {
                form.iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            let added = (
                format!("txi_{}", held.len() + 2),
                field("type"),
                field("value"),
            );
            held.push(added.clone());
            object(&added)
        }
        _ => {
            let id = path.rsplit('/').next().unwrap_or_default().to_owned();
            held.retain(|(held_id, _, _)| *held_id != id);
            json!({ "id": id, "object": "tax_id", "deleted": true })
        }
    }
}

fn stripe_error() -> Value {
    json!({ "error": { "type": "api_error", "message": "Something went wrong on Stripe's end." } })
}

//! The local stand-in for Stripe Checkout (used when `STRIPE_SECRET_KEY` is unset): a
//! page that shows the purchase and, when "paid", delivers a correctly signed
//! `checkout.session.completed` webhook to the stack's own webhook function, so the
//! whole paid flow works offline.

use http_body_util::Full;
use hyper::body::Bytes;
use lambda_http::Body;
use natives_functions::App;
use natives_functions::Function;
use natives_shared::domain::{Money, Purchase, PurchaseStatus};
use natives_shared::payments::{LOCAL_PROMOTION_CODE, sign_payload};
use serde_json::{Value, json};

pub const PREFIX: &str = "/local/checkout/";
/// Back to the web client's credits page, served by the same stack (where Stripe would
/// send the buyer to the success or cancel URL).
const BACK: &str = r#"<p><a href="/#/credits">Back to Natives.Chat</a></p>"#;

/// What a Stripe event says about one Checkout Session.
pub struct SessionFacts<'a> {
    pub checkout_session_id: &'a str,
    pub account_id: &'a str,
    pub credits: i64,
    /// What is paid, after the discount.
    pub amount_minor: i64,
    pub amount_discount: i64,
    pub currency: &'a str,
    pub paid: bool,
    pub local_promotion_code: Option<&'a str>,
}

impl<'a> SessionFacts<'a> {
    /// A local purchase, paid (or not) at its discounted price.
    pub fn of(purchase: &'a Purchase, paid: bool) -> Self {
        let discount = local_discount(purchase);
        Self {
            checkout_session_id: &purchase.checkout_session_id,
            account_id: purchase.account_id.as_str(),
            credits: purchase.credits,
            amount_minor: purchase.price.amount_minor - discount,
            amount_discount: discount,
            currency: &purchase.price.currency,
            paid,
            local_promotion_code: purchase.promotion.as_ref().map(|p| p.code.as_ref()),
        }
    }
}

/// What a local promotion code takes off the purchase's price.
fn local_discount(purchase: &Purchase) -> i64 {
    purchase
        .promotion
        .as_ref()
        .and_then(|p| p.expected_discount_minor)
        .unwrap_or(0)
}

/// A Stripe event of `event_type` whose object is a complete Checkout Session, shaped
/// as Stripe sends it (the same shape async-stripe parses).
pub fn stripe_event(event_type: &str, facts: &SessionFacts<'_>, created: i64) -> String {
    let mut session: Value =
        serde_json::from_str(include_str!("../../shared/fixtures/checkout_session.json"))
            .expect("fixture");
    session["id"] = json!(facts.checkout_session_id);
    session["client_reference_id"] = json!(facts.account_id);
    let mut metadata = json!({
        "account_id": facts.account_id,
        "credits": facts.credits.to_string(),
    });
    if let Some(code) = facts.local_promotion_code {
        metadata[LOCAL_PROMOTION_CODE] = json!(code);
    }
    session["metadata"] = metadata;
    session["amount_total"] = json!(facts.amount_minor);
    session["amount_subtotal"] = json!(facts.amount_minor + facts.amount_discount);
    session["total_details"]["amount_discount"] = json!(facts.amount_discount);
    session["currency"] = json!(facts.currency.to_ascii_lowercase());
    session["payment_status"] = json!(if facts.paid { "paid" } else { "unpaid" });
    session["status"] = json!(if event_type == "checkout.session.expired" {
        "expired"
    } else {
        "complete"
    });
    session["url"] = Value::Null;
    json!({
        "id": format!("evt_local_{}", ulid::Ulid::new()),
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": created,
        "data": { "object": session },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": event_type,
    })
    .to_string()
}

pub async fn handle(app: &App, method: &http::Method, path: &str) -> hyper::Response<Full<Bytes>> {
    let rest = path.strip_prefix(PREFIX).unwrap_or_default();
    let (session_id, pay) = match rest.strip_suffix("/pay") {
        Some(id) => (id, true),
        None => (rest, false),
    };
    let purchase = match app.store.get_checkout(session_id).await {
        Ok(Some(purchase)) => purchase,
        Ok(None) => {
            return page(
                404,
                "No such checkout",
                "<p>This checkout does not exist.</p>",
            );
        }
        Err(error) => {
            return page(
                500,
                "Error",
                &format!("<p>{}</p>", escape(&error.to_string())),
            );
        }
    };
    match (pay, method.as_str()) {
        (false, "GET") => show(&purchase),
        (true, "POST") if purchase.status == PurchaseStatus::Pending => {
            pay_and_notify(app, &purchase).await
        }
        (true, "POST") => show(&purchase),
        _ => page(
            405,
            "Method not allowed",
            "<p>GET the page, POST …/pay.</p>",
        ),
    }
}

fn show(purchase: &Purchase) -> hyper::Response<Full<Bytes>> {
    let discount = local_discount(purchase);
    let price = Money {
        amount_minor: purchase.price.amount_minor - discount,
        ..purchase.price.clone()
    }
    .display();
    let promotion = match &purchase.promotion {
        Some(promotion) if discount > 0 => format!(
            "<p>Promotion code <b>{}</b>: {} off {}.</p>",
            escape(promotion.code.as_ref()),
            Money {
                amount_minor: discount,
                ..purchase.price.clone()
            }
            .display(),
            purchase.price.display()
        ),
        _ => String::new(),
    };
    let action = match purchase.status {
        PurchaseStatus::Pending => format!(
            r#"<form method="post" action="{PREFIX}{id}/pay"><button type="submit">Pay {price}</button></form>"#,
            id = escape(&purchase.checkout_session_id)
        ),
        PurchaseStatus::Paid => "<p>Paid. The credits are on the account.</p>".into(),
        PurchaseStatus::Failed => "<p>This checkout failed or expired.</p>".into(),
    };
    page(
        200,
        "Local checkout",
        &format!(
            "<p>Tariff <b>{}</b>: {} credits for {price}.</p>{promotion}{action}{BACK}<p><small>Local stack: no money moves; paying sends a signed checkout.session.completed webhook to this stack.</small></p>",
            escape(purchase.tariff_id.as_ref()),
            purchase.credits
        ),
    )
}

async fn pay_and_notify(app: &App, purchase: &Purchase) -> hyper::Response<Full<Bytes>> {
    let Some(secret) = app.settings.payments.stripe_webhook_secret.as_deref() else {
        return page(500, "Error", "<p>No webhook secret is configured.</p>");
    };
    let now = app.now().unix_timestamp();
    let event = stripe_event(
        "checkout.session.completed",
        &SessionFacts::of(purchase, true),
        now,
    );
    let request = http::Request::builder()
        .method("POST")
        .uri("/v1/webhooks/stripe")
        .header("content-type", "application/json")
        .header(
            "stripe-signature",
            sign_payload(event.as_bytes(), secret, now),
        )
        .body(Body::Text(event))
        .expect("a webhook request");
    let response = Function::StripeWebhook.handle_http(app, request).await;
    if response.status() == 200 {
        page(
            200,
            "Paid",
            &format!(
                "<p>Paid: {} credits were added to the account.</p>{BACK}",
                purchase.credits
            ),
        )
    } else if response.status() == 422 && purchase.promotion.is_some() {
        page(
            409,
            "Promotion code used up",
            &format!(
                "<p>The promotion code was used up before this payment: nothing was charged.</p>{BACK}"
            ),
        )
    } else {
        page(
            502,
            "Webhook refused",
            &format!("<p>The webhook answered {}.</p>", response.status()),
        )
    }
}

pub(crate) fn page(status: u16, title: &str, body: &str) -> hyper::Response<Full<Bytes>> {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"/favicon.svg\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
    );
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/html; charset=utf-8")
        .body(Full::new(Bytes::from(html)))
        .expect("a page")
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

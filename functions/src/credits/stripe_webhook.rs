//! `POST /v1/webhooks/stripe`: Stripe tells us a Checkout Session was paid, failed or
//! expired, or that it issued or settled a corporate client's invoice. Nothing is
//! believed before the signature over the raw body is verified; credits are added
//! exactly once per session and an invoice recorded once, whatever the order and number
//! of deliveries.

use natives_shared::domain::decide::credits::{
    CheckoutPayment, CheckoutRefusal, CheckoutSettlement,
};
use natives_shared::domain::{AccountId, PromotionCodeText, StripeInvoiceReading};
use natives_shared::http::{ApiError, json};
use natives_shared::payments::{PaymentEvent, parse_event, verify_signature};
use serde::Serialize;

/// The acknowledgement Stripe waits for.
#[derive(Serialize)]
struct Received {
    received: bool,
}

use crate::app::CheckoutProvider;
use crate::{App, HandlerResult, Visitor};

/// Stripe events are small; this bounds what is hashed before it is trusted.
const MAX_EVENT_BYTES: usize = 256 * 1024;

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let raw = natives_shared::http::body_bytes(&request);
    if raw.len() > MAX_EVENT_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit_bytes: MAX_EVENT_BYTES,
        });
    }
    let secret = app
        .settings
        .payments
        .stripe_webhook_secret
        .as_deref()
        .ok_or_else(|| ApiError::Internal("STRIPE_WEBHOOK_SECRET is not configured".into()))?;
    let header = request
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = app.now();
    verify_signature(header, raw, secret, now.unix_timestamp()).map_err(|error| {
        ApiError::BadRequest {
            code: "invalid_signature",
            detail: format!("The Stripe-Signature does not verify: {error}."),
        }
    })?;
    let text = std::str::from_utf8(raw)
        .map_err(|_| ApiError::Malformed("the body is not UTF-8".into()))?;
    let event = parse_event(text).map_err(ApiError::Malformed)?;
    match event {
        PaymentEvent::Paid {
            checkout_session_id,
            account_id,
            credits,
            amount_minor,
            amount_discount,
            local_promotion_code,
            currency,
        } => {
            let Ok(account_id) = AccountId::parse(&account_id) else {
                tracing::warn!(%checkout_session_id, %account_id, "paid session whose account id is not one of ours");
                return Ok(received());
            };
            let (Some(amount_minor), Some(currency)) = (amount_minor, currency) else {
                return Err(mismatch(&checkout_session_id, &["amount", "currency"]));
            };
            let local_promotion_code = match local_promotion_code
                .as_deref()
                .map(PromotionCodeText::parse)
            {
                None => None,
                Some(Ok(code)) => Some(code),
                Some(Err(_)) => return Err(mismatch(&checkout_session_id, &["promotion_code"])),
            };
            let payment = CheckoutPayment {
                checkout_session_id,
                account_id,
                credits,
                amount_minor,
                amount_discount,
                currency,
                local_promotion_code,
            };
            let session = &payment.checkout_session_id;
            // The local stack issues corporate clients' invoices itself; Stripe issues
            // its own.
            let invoice_page_base = match &app.checkout {
                CheckoutProvider::Local { base_url } => Some(base_url.as_str()),
                _ => None,
            };
            match app
                .store
                .credit_checkout(&payment, invoice_page_base, now)
                .await?
            {
                CheckoutSettlement::Credited(entry) => {
                    tracing::info!(checkout_session_id = %session, credits, ledger_entry = %entry.id, "purchase credited");
                }
                CheckoutSettlement::AlreadySettled => {
                    tracing::info!(checkout_session_id = %session, "duplicate or late delivery: already settled");
                }
                CheckoutSettlement::UnknownSession => {
                    tracing::warn!(checkout_session_id = %session, "paid session that matches no purchase of ours");
                }
                CheckoutSettlement::Mismatch(fields) => return Err(mismatch(session, &fields)),
                CheckoutSettlement::PromotionUsedUp => {
                    tracing::warn!(checkout_session_id = %session, "local promotion code used up before this payment: not credited");
                    return Err(CheckoutRefusal::InvalidPromotionCode.into());
                }
            }
        }
        PaymentEvent::Failed {
            checkout_session_id,
        } => {
            app.store.fail_checkout(&checkout_session_id, now).await?;
        }
        PaymentEvent::Invoiced(invoice) => match invoice.reading() {
            // One conditional put: a repeated event, or `invoice.finalized` arriving
            // after `invoice.paid`, leaves the one record as it is.
            StripeInvoiceReading::Ours(record) => {
                app.store.record_invoice(&record).await?;
                tracing::info!(invoice = %record.id, purchase_id = %record.purchase_id, status = ?record.status, "invoice recorded");
            }
            StripeInvoiceReading::NotOurs => {
                tracing::warn!(invoice = %invoice.id, "invoice made by none of our checkouts: ignored");
            }
            StripeInvoiceReading::Incomplete(fields) => {
                tracing::error!(invoice = %invoice.id, fields = %fields.join(","), "invoice event lacks what a finalized invoice has: refused");
                return Err(ApiError::Unprocessable {
                    code: "incomplete_invoice",
                    detail: format!(
                        "The invoice of one of our purchases has no {}.",
                        fields.join(", ")
                    ),
                });
            }
        },
        PaymentEvent::AwaitingPayment { .. } | PaymentEvent::Ignored => {}
    }
    Ok(received())
}

fn received() -> lambda_http::Response<lambda_http::Body> {
    json(200, &Received { received: true })
}

/// A signed payment for one of our purchases that is not what the purchase recorded
/// (account, credits, amount or currency): nothing is credited, and an operator must
/// look, so it is logged as an error and answered with a refusal (Stripe shows the
/// failed delivery and retries it, each time refused and logged again).
fn mismatch(checkout_session_id: &str, fields: &[&str]) -> ApiError {
    tracing::error!(
        %checkout_session_id,
        fields = %fields.join(","),
        "signed payment does not match its purchase: refused, nothing credited"
    );
    ApiError::Unprocessable {
        code: "purchase_mismatch",
        detail: format!(
            "The event's {} do not match the purchase recorded for this Checkout Session.",
            fields.join(", ")
        ),
    }
}

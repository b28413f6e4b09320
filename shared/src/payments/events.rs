//! What a verified Stripe event means for a purchase.

use std::collections::HashMap;

use serde::Deserialize;

use crate::domain::StripeInvoice;

#[derive(Debug, PartialEq, Eq)]
pub enum PaymentEvent {
    /// Money arrived: credit the session's purchase (once), if what was paid is what
    /// the purchase recorded.
    Paid {
        checkout_session_id: String,
        account_id: String,
        credits: i64,
        /// `amount_total`: what the buyer paid, in the currency's minor unit.
        amount_minor: Option<i64>,
        /// `total_details.amount_discount`: what a promotion took off.
        amount_discount: i64,
        /// The local stack's promotion code (its checkout page's sessions only).
        local_promotion_code: Option<String>,
        /// Upper case, as purchases store it (Stripe sends lower case).
        currency: Option<String>,
    },
    /// Completed but not yet paid (a delayed payment method): wait for the async event.
    AwaitingPayment { checkout_session_id: String },
    /// Expired or the delayed payment failed.
    Failed { checkout_session_id: String },
    /// Stripe issued (`invoice.finalized`) or settled (`invoice.paid`) a corporate
    /// client's invoice for a purchase: record it (it credits nothing).
    Invoiced(StripeInvoice),
    /// Not an event about our purchases.
    Ignored,
}

/// The part of an event every type shares: its type (Stripe's dotted name; we act on six,
/// async-stripe-webhook's `EventType` enum of every type was a build's longest crate for
/// a few) and `data.object`, untyped until the type says it is a Checkout Session or an
/// Invoice. Deserialising `stripe_webhook::Event` (a union of every
/// Stripe object) or even a whole `stripe_shared::CheckoutSession` (with every object it
/// can embed) links megabytes of decoders: the function's zip was 9.7 MiB, then 7.7 MiB.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    data: EnvelopeData,
}

#[derive(Deserialize)]
struct EnvelopeData {
    object: serde_json::Value,
}

/// The fields of a Checkout Session that decide what happens to its purchase.
#[derive(Deserialize)]
struct CheckoutSession {
    id: String,
    payment_status: PaymentStatus,
    #[serde(default)]
    metadata: Option<HashMap<String, String>>,
    #[serde(default)]
    amount_total: Option<i64>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    total_details: Option<TotalDetails>,
}

#[derive(Deserialize)]
struct TotalDetails {
    #[serde(default)]
    amount_discount: i64,
}

/// The fields of an Invoice that the account's record of it keeps.
#[derive(Deserialize)]
struct Invoice {
    id: String,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    hosted_invoice_url: Option<String>,
    #[serde(default)]
    invoice_pdf: Option<String>,
    total: i64,
    currency: String,
    created: i64,
    #[serde(default)]
    metadata: Option<HashMap<String, String>>,
    #[serde(default)]
    total_discount_amounts: Option<Vec<DiscountAmount>>,
}

#[derive(Deserialize)]
struct DiscountAmount {
    amount: i64,
}

impl Invoice {
    fn into_stripe_invoice(self) -> StripeInvoice {
        let meta = |key: &str| self.metadata.as_ref().and_then(|m| m.get(key)).cloned();
        StripeInvoice {
            account_id: meta("account_id"),
            purchase_id: meta("purchase_id"),
            discount: self
                .total_discount_amounts
                .iter()
                .flatten()
                .map(|d| d.amount)
                .sum(),
            id: self.id,
            number: self.number,
            status: self.status,
            hosted_invoice_url: self.hosted_invoice_url,
            invoice_pdf: self.invoice_pdf,
            total: self.total,
            currency: self.currency,
            created: self.created,
        }
    }
}

/// A Checkout Session's `payment_status`. Our own three words: async-stripe-shared's enum
/// needs its `deserialize` feature, serde decoders for every shared Stripe type, a long
/// compile of the release build (docs/performance.md, "Release build").
#[derive(Deserialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum PaymentStatus {
    Paid,
    Unpaid,
    NoPaymentRequired,
    #[serde(other)]
    Other,
}

/// The Checkout Session metadata key under which the local checkout page names the
/// local promotion code of a purchase (sessions opened at Stripe never carry it).
pub const LOCAL_PROMOTION_CODE: &str = "local_promotion_code";

/// Interprets the raw body of a delivery whose signature was verified.
pub fn parse_event(raw: &str) -> Result<PaymentEvent, String> {
    let Envelope { kind, data } =
        serde_json::from_str(raw).map_err(|e| format!("not a Stripe event: {e}"))?;
    let session = |object| {
        serde_json::from_value::<CheckoutSession>(object)
            .map_err(|e| format!("{kind} does not hold a Checkout Session: {e}"))
    };
    Ok(match kind.as_str() {
        "checkout.session.completed" => {
            let session = session(data.object)?;
            if session.payment_status == PaymentStatus::Paid {
                paid(&session)
            } else {
                PaymentEvent::AwaitingPayment {
                    checkout_session_id: session.id,
                }
            }
        }
        "checkout.session.async_payment_succeeded" => paid(&session(data.object)?),
        "checkout.session.async_payment_failed" | "checkout.session.expired" => {
            PaymentEvent::Failed {
                checkout_session_id: session(data.object)?.id,
            }
        }
        "invoice.finalized" | "invoice.paid" => PaymentEvent::Invoiced(
            serde_json::from_value::<Invoice>(data.object)
                .map_err(|e| format!("{kind} does not hold an Invoice: {e}"))?
                .into_stripe_invoice(),
        ),
        _ => PaymentEvent::Ignored,
    })
}

/// Our sessions carry the account and credits in their metadata (set at checkout and
/// covered by the signature); a session without them is not ours.
fn paid(session: &CheckoutSession) -> PaymentEvent {
    let metadata = session.metadata.as_ref();
    let account_id = metadata.and_then(|m| m.get("account_id")).cloned();
    let credits = metadata
        .and_then(|m| m.get("credits"))
        .and_then(|c| c.parse::<i64>().ok());
    match (account_id, credits) {
        (Some(account_id), Some(credits)) if credits > 0 => PaymentEvent::Paid {
            checkout_session_id: session.id.clone(),
            account_id,
            credits,
            amount_minor: session.amount_total,
            amount_discount: session
                .total_details
                .as_ref()
                .map_or(0, |t| t.amount_discount),
            local_promotion_code: metadata.and_then(|m| m.get(LOCAL_PROMOTION_CODE)).cloned(),
            currency: session.currency.as_deref().map(str::to_ascii_uppercase),
        },
        _ => PaymentEvent::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const SESSION_ID: &str = "cs_test_a1Natives0000000000000000000000000000000000000000000000";

    /// A Stripe event of `kind` about `object`.
    fn event_of(kind: &str, object: Value) -> String {
        json!({
            "id": "evt_1", "object": "event", "type": kind, "created": 1_764_000_000,
            "livemode": false, "pending_webhooks": 1, "data": { "object": object }
        })
        .to_string()
    }

    fn event(kind: &str, payment_status: &str) -> String {
        let mut session: Value =
            serde_json::from_str(include_str!("../../fixtures/checkout_session.json")).unwrap();
        session["payment_status"] = json!(payment_status);
        event_of(kind, session)
    }

    #[test]
    fn checkout_session_events_map_to_what_they_mean_for_the_purchase() {
        let paid = PaymentEvent::Paid {
            checkout_session_id: SESSION_ID.into(),
            account_id: "01JEXAMPLEACCOUNT000000000".into(),
            credits: 100,
            amount_minor: Some(990),
            amount_discount: 0,
            local_promotion_code: None,
            currency: Some("EUR".into()),
        };
        let completed_paid = event("checkout.session.completed", "paid");
        assert_eq!(parse_event(&completed_paid), Ok(paid));
        assert_eq!(
            parse_event(&event("checkout.session.completed", "unpaid")),
            Ok(PaymentEvent::AwaitingPayment {
                checkout_session_id: SESSION_ID.into()
            })
        );
        for kind in [
            "checkout.session.expired",
            "checkout.session.async_payment_failed",
        ] {
            assert_eq!(
                parse_event(&event(kind, "unpaid")),
                Ok(PaymentEvent::Failed {
                    checkout_session_id: SESSION_ID.into()
                })
            );
        }
        assert!(matches!(
            parse_event(&event("checkout.session.async_payment_succeeded", "paid")),
            Ok(PaymentEvent::Paid { .. })
        ));
    }

    fn invoice_event(kind: &str) -> String {
        event_of(
            kind,
            serde_json::from_str(include_str!("../../fixtures/invoice.json")).unwrap(),
        )
    }

    #[test]
    fn the_invoice_fixture_is_a_stripe_invoice() {
        let text = include_str!("../../fixtures/invoice.json");
        let invoice: stripe_shared::Invoice = serde_json::from_str(text).expect("an Invoice");
        assert_eq!(invoice.number.as_deref(), Some("6F1A2B3C-0001"));
    }

    #[test]
    fn invoice_events_hold_what_the_accounts_record_of_the_invoice_needs() {
        let expected = StripeInvoice {
            id: "in_1NativesInvoice0001".into(),
            number: Some("6F1A2B3C-0001".into()),
            status: Some("paid".into()),
            hosted_invoice_url: Some(
                "https://invoice.stripe.com/i/acct_1Natives/test_YWNjdF8xTmF0aXZlcw".into(),
            ),
            invoice_pdf: Some(
                "https://pay.stripe.com/invoice/acct_1Natives/test_YWNjdF8xTmF0aXZlcw/pdf?s=ap"
                    .into(),
            ),
            total: 891,
            discount: 99,
            currency: "eur".into(),
            created: 1_764_000_000,
            account_id: Some("01JEXAMPLEACCOUNT000000000".into()),
            purchase_id: Some("01JEXAMPLEPURCHASE00000000".into()),
        };
        for kind in ["invoice.finalized", "invoice.paid"] {
            assert_eq!(
                parse_event(&invoice_event(kind)),
                Ok(PaymentEvent::Invoiced(expected.clone())),
                "{kind}"
            );
        }
        assert_eq!(
            parse_event(&invoice_event("invoice.created")),
            Ok(PaymentEvent::Ignored)
        );
        let broken = json!({ "type": "invoice.paid", "data": { "object": { "id": "in_1" } } });
        assert!(parse_event(&broken.to_string()).is_err());
    }

    #[test]
    fn other_types_are_ignored_and_broken_checkout_events_refused() {
        let other = json!({ "type": "invoice.created", "data": { "object": { "id": "in_1" } } });
        assert_eq!(parse_event(&other.to_string()), Ok(PaymentEvent::Ignored));
        let broken = json!({ "type": "checkout.session.completed", "data": { "object": {} } });
        assert!(parse_event(&broken.to_string()).is_err());
        assert!(parse_event("not json").is_err());
        assert!(parse_event(r#"{"type":"checkout.session.completed"}"#).is_err());
    }
}

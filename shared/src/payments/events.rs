//! What a verified Stripe event means for a purchase.

use stripe_shared::CheckoutSessionPaymentStatus;
use stripe_webhook::{Event, EventObject};

#[derive(Debug, PartialEq, Eq)]
pub enum PaymentEvent {
    /// Money arrived: credit the session's purchase (once).
    Paid {
        checkout_session_id: String,
        account_id: String,
        credits: i64,
    },
    /// Completed but not yet paid (a delayed payment method): wait for the async event.
    AwaitingPayment { checkout_session_id: String },
    /// Expired or the delayed payment failed.
    Failed { checkout_session_id: String },
    /// Not an event about our purchases.
    Ignored,
}

/// Interprets the raw body of a delivery whose signature was verified.
pub fn parse_event(raw: &str) -> Result<PaymentEvent, String> {
    let event: Event = match serde_json::from_str(raw) {
        Ok(event) => event,
        Err(error) => {
            // Types we do not subscribe to may not parse into Stripe's typed objects;
            // they are acknowledged and ignored. Ours must parse.
            let kind = serde_json::from_str::<serde_json::Value>(raw)
                .map_err(|e| format!("not JSON: {e}"))?
                .get("type")
                .and_then(|t| t.as_str().map(str::to_owned))
                .ok_or("an event without a type")?;
            return if kind.starts_with("checkout.session.") {
                Err(format!("{kind} does not parse: {error}"))
            } else {
                Ok(PaymentEvent::Ignored)
            };
        }
    };
    Ok(match event.data.object {
        EventObject::CheckoutSessionCompleted(session) => {
            if session.payment_status == CheckoutSessionPaymentStatus::Paid {
                paid(&session)
            } else {
                PaymentEvent::AwaitingPayment {
                    checkout_session_id: session.id.to_string(),
                }
            }
        }
        EventObject::CheckoutSessionAsyncPaymentSucceeded(session) => paid(&session),
        EventObject::CheckoutSessionAsyncPaymentFailed(session)
        | EventObject::CheckoutSessionExpired(session) => PaymentEvent::Failed {
            checkout_session_id: session.id.to_string(),
        },
        _ => PaymentEvent::Ignored,
    })
}

/// Our sessions carry the account and credits in their metadata (set at checkout and
/// covered by the signature); a session without them is not ours.
fn paid(session: &stripe_shared::CheckoutSession) -> PaymentEvent {
    let metadata = session.metadata.as_ref();
    let account_id = metadata.and_then(|m| m.get("account_id")).cloned();
    let credits = metadata
        .and_then(|m| m.get("credits"))
        .and_then(|c| c.parse::<i64>().ok());
    match (account_id, credits) {
        (Some(account_id), Some(credits)) if credits > 0 => PaymentEvent::Paid {
            checkout_session_id: session.id.to_string(),
            account_id,
            credits,
        },
        _ => PaymentEvent::Ignored,
    }
}

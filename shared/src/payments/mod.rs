//! Prepayment through Stripe Checkout: opening a session, and trusting a webhook only
//! when its signature proves Stripe sent it.

mod checkout;
mod customers;
mod events;
mod signature;

pub use checkout::{CheckoutOrder, CheckoutSession, PaymentError, StripeCheckout};
pub use events::{LOCAL_PROMOTION_CODE, PaymentEvent, parse_event};
pub use signature::{SIGNATURE_TOLERANCE_SECONDS, SignatureError, sign_payload, verify_signature};

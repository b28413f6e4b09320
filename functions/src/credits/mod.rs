//! Prepaid credits: tariffs, checkout, the Stripe webhook, the ledger, admin grants.

pub mod create_checkout;
pub mod get_balance;
pub mod grant_credits;
pub mod list_invoices;
pub mod list_tariffs;
pub mod put_tariff;
pub mod stripe_webhook;

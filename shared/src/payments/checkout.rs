//! Opening a Stripe Checkout Session (mode `payment`) for one tariff.
//!
//! async-stripe is the client (authentication, errors, retries, idempotency keys); the
//! request's parameters are our own small form. async-stripe-checkout's
//! `CreateCheckoutSession` describes every optional parameter of the API, and its
//! encoders made create-checkout's zip 6.46 MiB and its fat-LTO link ~25 minutes
//! (docs/performance.md).

use serde::Serialize;
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy};
use stripe_client_core::{RequestBuilder, StripeMethod};

use crate::domain::{StripePromotion, Tariff};

/// The fields of Stripe's answer (a whole Checkout Session) that we use. Decoding the full
/// `stripe_shared::CheckoutSession` links the decoders of every object it can embed
/// (customer, invoice, payment intent…); measured, this saved 0.13 MiB of the zip.
#[derive(miniserde::Deserialize)]
struct CreatedSession {
    id: String,
    url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("payment provider: {0}")]
    Provider(String),
}

/// What one checkout sells to whom.
pub struct CheckoutOrder<'a> {
    /// Stable across retries of the same purchase, so Stripe opens one session for it.
    pub idempotency_key: &'a str,
    pub account_id: &'a str,
    pub customer_email: &'a str,
    /// A corporate client's Stripe customer (`cus_…`): the session is theirs, and Stripe
    /// issues an invoice to it for the payment.
    pub customer: Option<&'a str>,
    pub tariff: &'a Tariff,
    /// Ours, carried in the session's metadata.
    pub purchase_id: &'a str,
    /// Stripe's `promo_…` to apply.
    pub promotion_code: Option<&'a str>,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
}

pub struct CheckoutSession {
    pub id: String,
    pub url: String,
}

/// The parameters of `POST /v1/checkout/sessions` that we send, and nothing else: one
/// line item priced inline. async-stripe's form encoder (`serde_qs`, as for its own
/// request types) writes nested fields as `line_items[0][price_data][currency]`.
#[derive(Serialize)]
struct SessionParams<'a> {
    mode: &'static str,
    line_items: [LineItem; 1],
    client_reference_id: &'a str,
    /// Stripe takes one of `customer` and `customer_email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invoice_creation: Option<InvoiceCreation<'a>>,
    metadata: Metadata<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    discounts: Option<[SessionDiscount<'a>; 1]>,
    success_url: &'a str,
    cancel_url: &'a str,
}

/// Stripe issues an invoice for the payment, carrying what the webhook needs to record it
/// as the account's invoice for the purchase.
#[derive(Serialize)]
struct InvoiceCreation<'a> {
    enabled: bool,
    invoice_data: InvoiceData<'a>,
}

#[derive(Serialize)]
struct InvoiceData<'a> {
    metadata: InvoiceMetadata<'a>,
}

#[derive(Serialize)]
struct InvoiceMetadata<'a> {
    account_id: &'a str,
    purchase_id: &'a str,
}

#[derive(Serialize)]
struct SessionDiscount<'a> {
    promotion_code: &'a str,
}

#[derive(Serialize)]
struct LineItem {
    price_data: PriceData,
    quantity: u32,
}

#[derive(Serialize)]
struct PriceData {
    /// Stripe's currency codes are lower-case ISO 4217.
    currency: String,
    unit_amount: i64,
    product_data: ProductData,
}

#[derive(Serialize)]
struct ProductData {
    name: String,
}

/// What the webhook reads back to credit the purchase.
#[derive(Serialize)]
struct Metadata<'a> {
    account_id: &'a str,
    tariff_id: &'a str,
    credits: String,
    purchase_id: &'a str,
}

impl<'a> SessionParams<'a> {
    fn for_order(order: &'a CheckoutOrder<'a>) -> Self {
        let tariff = order.tariff;
        Self {
            mode: "payment",
            line_items: [LineItem {
                price_data: PriceData {
                    currency: tariff.price.currency.to_ascii_lowercase(),
                    unit_amount: tariff.price.amount_minor,
                    product_data: ProductData {
                        name: format!("{} ({} credits)", tariff.name, tariff.credits),
                    },
                },
                quantity: 1,
            }],
            client_reference_id: order.account_id,
            customer: order.customer,
            customer_email: order.customer.is_none().then_some(order.customer_email),
            invoice_creation: order.customer.map(|_| InvoiceCreation {
                enabled: true,
                invoice_data: InvoiceData {
                    metadata: InvoiceMetadata {
                        account_id: order.account_id,
                        purchase_id: order.purchase_id,
                    },
                },
            }),
            metadata: Metadata {
                account_id: order.account_id,
                tariff_id: tariff.id.as_ref(),
                credits: tariff.credits.to_string(),
                purchase_id: order.purchase_id,
            },
            discounts: order
                .promotion_code
                .map(|promotion_code| [SessionDiscount { promotion_code }]),
            success_url: order.success_url,
            cancel_url: order.cancel_url,
        }
    }
}

/// `GET /v1/promotion_codes`'s query: the active code a customer typed.
#[derive(Serialize)]
struct PromotionCodeQuery<'a> {
    code: &'a str,
    active: bool,
    limit: u8,
}

/// The fields of a listed promotion code that decide whether it may be redeemed.
#[derive(miniserde::Deserialize)]
struct ListedPromotionCode {
    id: String,
    active: bool,
    expires_at: Option<i64>,
    max_redemptions: Option<i64>,
    times_redeemed: i64,
}

#[derive(miniserde::Deserialize)]
struct PromotionCodeList {
    data: Vec<ListedPromotionCode>,
}

pub struct StripeCheckout {
    pub(super) client: Client,
}

impl StripeCheckout {
    /// `api_base` is Stripe's own API in production and a local stub in tests.
    pub fn new(secret_key: &str, api_base: &str) -> Result<Self, PaymentError> {
        let client = ClientBuilder::new(secret_key)
            .url(api_base)
            .build()
            .map_err(|e| PaymentError::Provider(e.to_string()))?;
        Ok(Self { client })
    }

    pub async fn create_session(
        &self,
        order: &CheckoutOrder<'_>,
    ) -> Result<CheckoutSession, PaymentError> {
        let key = IdempotencyKey::new(order.idempotency_key)
            .map_err(|e| PaymentError::Provider(format!("idempotency key: {e}")))?;
        let session = RequestBuilder::new(StripeMethod::Post, "/checkout/sessions")
            .form(&SessionParams::for_order(order))
            .customize::<CreatedSession>()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(|e| PaymentError::Provider(e.to_string()))?;
        let url = session
            .url
            .ok_or_else(|| PaymentError::Provider("the Checkout Session has no url".into()))?;
        Ok(CheckoutSession {
            id: session.id,
            url,
        })
    }

    /// The active promotion code a customer typed (Stripe compares codes without case).
    pub async fn find_promotion_code(
        &self,
        code: &str,
    ) -> Result<Option<StripePromotion>, PaymentError> {
        let list = RequestBuilder::new(StripeMethod::Get, "/promotion_codes")
            .query(&PromotionCodeQuery {
                code,
                active: true,
                limit: 1,
            })
            .customize::<PromotionCodeList>()
            .send(&self.client)
            .await
            .map_err(|e| PaymentError::Provider(e.to_string()))?;
        Ok(list.data.into_iter().next().map(|p| StripePromotion {
            id: p.id,
            active: p.active,
            expires_at: p.expires_at,
            max_redemptions: p.max_redemptions,
            times_redeemed: p.times_redeemed,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::CreatedSession;

    #[test]
    fn the_checkout_session_fixture_is_what_the_client_parses() {
        let text = include_str!("../../fixtures/checkout_session.json");
        let session: stripe_shared::CheckoutSession =
            serde_json::from_str(text).expect("a Checkout Session");
        let created: CreatedSession = miniserde::json::from_str(text).expect("id and url");
        assert_eq!(created.id, session.id.as_str());
        assert_eq!(created.url, session.url);
        assert!(created.url.is_some());
    }
}

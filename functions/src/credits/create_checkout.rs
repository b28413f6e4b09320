//! `POST /v1/checkout`: open a Stripe Checkout Session for a tariff at its current
//! price, and record the purchase as pending with that price.

use natives_shared::domain::decide::company::{CustomerStep, customer_step};
use natives_shared::domain::decide::credits::{self, CheckoutRefusal};
use natives_shared::domain::{Account, Company, PromotionCodeText, StripeCustomer, TariffId};
use natives_shared::gate::Gate;
use natives_shared::http::{ApiError, json_body};
use natives_shared::ids::new_id;
use natives_shared::payments::{CheckoutOrder, CheckoutSession, PaymentError, StripeCheckout};
use natives_shared::store::{CheckoutOf, CheckoutRecorded};
use serde::{Deserialize, Serialize};

use crate::access::Payer;
use crate::app::CheckoutProvider;
use crate::{App, HandlerResult, idempotency};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckoutRequest {
    tariff_id: String,
    /// A promotion code the customer typed.
    #[serde(default)]
    promotion_code: Option<String>,
}

/// Where the buyer pays.
#[derive(Serialize)]
struct CheckoutOpened<'a> {
    checkout_session_id: &'a str,
    checkout_url: &'a str,
}

fn unknown_tariff() -> ApiError {
    CheckoutRefusal::UnknownTariff.into()
}

fn provider_error(error: PaymentError) -> ApiError {
    ApiError::BadGateway {
        code: "payment_provider_error",
        detail: "The payment provider did not open a checkout; try again.".into(),
        cause: error.to_string(),
    }
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Payer) -> HandlerResult {
    let body: CheckoutRequest = json_body(&request)?;
    let tariff_id = TariffId::parse(&body.tariff_id).map_err(|_| unknown_tariff())?;
    let code = body
        .promotion_code
        .as_deref()
        .map(PromotionCodeText::parse)
        .transpose()
        .map_err(|_| ApiError::from(CheckoutRefusal::InvalidPromotionCode))?;
    let now = app.now();
    // A local code is read with the account and tariff; Stripe's is looked up there.
    let local_code = match &app.checkout {
        CheckoutProvider::Stripe(_) => None,
        _ => code.as_ref(),
    };
    let CheckoutOf {
        account,
        company,
        tariff,
        promotion,
    } = app
        .store
        .checkout_of(&caller, tariff_id.as_ref(), local_code, now)
        .await?;
    let promotion = match (&app.checkout, &code) {
        (CheckoutProvider::Stripe(stripe), Some(code)) => {
            let found = stripe
                .find_promotion_code(code.as_ref())
                .await
                .map_err(provider_error)?;
            Some(credits::stripe_promotion(code, found, now)?)
        }
        _ => promotion,
    };

    let key = idempotency::request_under_key(&request, &caller)?;
    let purchase_id = new_id();
    // Under the client's key, Stripe answers a retry with the session it opened first;
    // the key is the account's own, so another account's same key opens its own session.
    let stripe_key = match &key {
        Some(key) => key.provider_key("checkout"),
        None => format!("checkout-{purchase_id}"),
    };
    let session = match &app.checkout {
        CheckoutProvider::Stripe(stripe) => {
            let customer = match &company {
                Some(company) => {
                    Some(stripe_customer(app, stripe, &caller, &account, company, now).await?)
                }
                None => None,
            };
            stripe
                .create_session(&CheckoutOrder {
                    idempotency_key: &stripe_key,
                    account_id: account.id.as_str(),
                    customer_email: account.email.as_ref(),
                    customer: customer.as_deref(),
                    tariff: &tariff,
                    purchase_id: &purchase_id,
                    promotion_code: promotion.as_ref().and_then(|p| p.stripe_id.as_deref()),
                    success_url: &app.settings.payments.success_url,
                    cancel_url: &app.settings.payments.cancel_url,
                })
                .await
                .map_err(provider_error)?
        }
        CheckoutProvider::Local { base_url } => {
            let id = format!("cs_local_{purchase_id}");
            CheckoutSession {
                url: format!("{base_url}/local/checkout/{id}"),
                id,
            }
        }
        CheckoutProvider::Unavailable => {
            return Err(ApiError::Internal(
                "no payment provider is configured".into(),
            ));
        }
    };
    let answer = idempotency::answer(
        201,
        &CheckoutOpened {
            checkout_session_id: &session.id,
            checkout_url: &session.url,
        },
    );
    let purchase = credits::purchase(
        &purchase_id,
        &account.id,
        &tariff,
        promotion,
        &session.id,
        now,
    );
    let remember = key.as_ref().map(|request| (request, answer.clone()));
    match app.store.record_checkout(&purchase, remember, now).await? {
        CheckoutRecorded::Recorded => Ok(idempotency::respond(&answer, false)),
        CheckoutRecorded::KeyUsed => {
            idempotency::replay(app, &caller, key.as_ref().expect("a key was used")).await
        }
    }
}

/// The Stripe customer a corporate client's checkout is for: created at its first
/// checkout, reused after, sent the company again when it was set again since; the
/// account keeps it. The creation's idempotency key is the account's and the company
/// version's, so checkouts racing to create it get one customer from Stripe.
async fn stripe_customer(
    app: &App,
    stripe: &StripeCheckout,
    caller: &Gate,
    account: &Account,
    company: &Company,
    now: time::OffsetDateTime,
) -> Result<String, ApiError> {
    let id = match customer_step(account, company) {
        CustomerStep::Reuse(id) => return Ok(id),
        CustomerStep::Create => {
            let key = format!("customer-{}-{}", account.id, company.updated_at);
            stripe
                .create_customer(&key, account.id.as_str(), company)
                .await
                .map_err(provider_error)?
        }
        CustomerStep::Update(id) => {
            stripe
                .update_customer(&id, company)
                .await
                .map_err(provider_error)?;
            id
        }
    };
    let customer = StripeCustomer {
        id,
        company_updated_at: company.updated_at,
    };
    app.store
        .link_stripe_customer(caller, account, &customer, now)
        .await?;
    Ok(customer.id)
}

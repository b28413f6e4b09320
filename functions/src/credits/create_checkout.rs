//! `POST /v1/checkout`: open a Stripe Checkout Session for a tariff at its current
//! price, and record the purchase as pending with that price.

use natives_shared::domain::TariffId;
use natives_shared::domain::decide::credits::{self, CheckoutRefusal};
use natives_shared::http::{ApiError, json_body};
use natives_shared::ids::new_id;
use natives_shared::payments::{CheckoutOrder, CheckoutSession};
use natives_shared::store::CheckoutRecorded;
use serde::{Deserialize, Serialize};

use crate::access::Payer;
use crate::app::CheckoutProvider;
use crate::{App, HandlerResult, idempotency};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckoutRequest {
    tariff_id: String,
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

pub async fn handle(app: &App, request: lambda_http::Request, caller: Payer) -> HandlerResult {
    let body: CheckoutRequest = json_body(&request)?;
    let tariff_id = TariffId::parse(&body.tariff_id).map_err(|_| unknown_tariff())?;
    let now = app.now();
    let (account, tariff) = app
        .store
        .checkout_of(&caller, tariff_id.as_ref(), now)
        .await?;

    let key = idempotency::request_under_key(&request, &caller)?;
    let purchase_id = new_id();
    // Under the client's key, Stripe answers a retry with the session it opened first.
    let stripe_key = match &key {
        Some(key) => format!("checkout-{}", key.key_digest),
        None => format!("checkout-{purchase_id}"),
    };
    let session = match &app.checkout {
        CheckoutProvider::Stripe(stripe) => stripe
            .create_session(&CheckoutOrder {
                idempotency_key: &stripe_key,
                account_id: account.id.as_str(),
                customer_email: account.email.as_ref(),
                tariff: &tariff,
                success_url: &app.settings.payments.success_url,
                cancel_url: &app.settings.payments.cancel_url,
            })
            .await
            .map_err(|error| ApiError::BadGateway {
                code: "payment_provider_error",
                detail: "The payment provider did not open a checkout; try again.".into(),
                cause: error.to_string(),
            })?,
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
    let purchase = credits::purchase(&account.id, &tariff, &session.id, now);
    let remember = key.as_ref().map(|request| (request, answer.clone()));
    match app.store.record_checkout(&purchase, remember, now).await? {
        CheckoutRecorded::Recorded => Ok(idempotency::respond(&answer, false)),
        CheckoutRecorded::KeyUsed => {
            idempotency::replay(app, key.as_ref().expect("a key was used")).await
        }
    }
}

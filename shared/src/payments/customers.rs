//! A corporate client's company as a Stripe customer: the name, address and tax ID
//! Stripe's invoices are made out to. Like the Checkout Session, our own small forms
//! sent through async-stripe's client (async-stripe-core's customer request types
//! describe every parameter of the API and would grow the payments zip).
//!
//! Only the company's legal identity is sent: no contact, representative or e-mail
//! address, so erasing the account leaves nothing personal at Stripe.

use serde::Serialize;
use stripe::{IdempotencyKey, RequestStrategy};
use stripe_client_core::{RequestBuilder, StripeMethod};

use super::checkout::{PaymentError, StripeCheckout};
use crate::domain::Company;
use crate::domain::company::Address;

/// The fields of Stripe's answer (a whole Customer) that we use.
#[derive(miniserde::Deserialize)]
struct CustomerAnswer {
    id: String,
}

/// `POST /v1/customers`: the company's legal name, legal address and tax ID.
#[derive(Serialize)]
struct NewCustomer<'a> {
    name: &'a str,
    address: AddressForm<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tax_id_data: Option<[TaxIdData<'a>; 1]>,
    metadata: CustomerMetadata<'a>,
}

/// `POST /v1/customers/{id}`: what a company set again may have changed (Stripe's update
/// takes no `tax_id_data`; see [`StripeCheckout::update_customer`]).
#[derive(Serialize)]
struct ChangedCustomer<'a> {
    name: &'a str,
    address: AddressForm<'a>,
}

#[derive(Serialize)]
struct AddressForm<'a> {
    line1: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line2: Option<&'a str>,
    city: &'a str,
    postal_code: &'a str,
    country: &'a str,
}

impl<'a> AddressForm<'a> {
    fn of(address: &'a Address) -> Self {
        Self {
            line1: address.line1.as_ref(),
            line2: address.line2.as_ref().map(AsRef::as_ref),
            city: address.city.as_ref(),
            postal_code: address.postal_code.as_ref(),
            country: address.country.as_ref(),
        }
    }
}

#[derive(Serialize)]
struct TaxIdData<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'a str,
}

/// Whose company the customer is, for whoever looks at it in Stripe's dashboard.
#[derive(Serialize)]
struct CustomerMetadata<'a> {
    account_id: &'a str,
}

impl StripeCheckout {
    /// Creates the Stripe customer of `account_id`'s company. `idempotency_key` is the
    /// account's (and the company version's): concurrent first checkouts of one account
    /// get one customer.
    pub async fn create_customer(
        &self,
        idempotency_key: &str,
        account_id: &str,
        company: &Company,
    ) -> Result<String, PaymentError> {
        let key = IdempotencyKey::new(idempotency_key)
            .map_err(|e| PaymentError::Provider(format!("idempotency key: {e}")))?;
        let form = NewCustomer {
            name: company.legal_name.as_ref(),
            address: AddressForm::of(&company.legal_address),
            tax_id_data: company.tax_id.as_ref().map(|tax_id| {
                [TaxIdData {
                    kind: tax_id.kind.as_str(),
                    value: &tax_id.value,
                }]
            }),
            metadata: CustomerMetadata { account_id },
        };
        let customer = RequestBuilder::new(StripeMethod::Post, "/customers")
            .form(&form)
            .customize::<CustomerAnswer>()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(|e| PaymentError::Provider(e.to_string()))?;
        Ok(customer.id)
    }

    /// Sends Stripe the company's name and address as the company now has them. A
    /// changed tax ID is not replaced: Stripe keeps tax IDs as objects of their own
    /// under the customer (not in this update).
    pub async fn update_customer(
        &self,
        customer_id: &str,
        company: &Company,
    ) -> Result<(), PaymentError> {
        let form = ChangedCustomer {
            name: company.legal_name.as_ref(),
            address: AddressForm::of(&company.legal_address),
        };
        // An update sets the same values however often it is sent: safe to retry.
        RequestBuilder::new(StripeMethod::Post, format!("/customers/{customer_id}"))
            .form(&form)
            .customize::<CustomerAnswer>()
            .send(&self.client)
            .await
            .map_err(|e| PaymentError::Provider(e.to_string()))?;
        Ok(())
    }
}

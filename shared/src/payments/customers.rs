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
/// takes no `tax_id_data`: tax IDs are sent on their own, [`StripeCheckout::update_customer`]).
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

#[derive(Serialize, Debug, PartialEq)]
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

    /// Sends Stripe the company as it now is: its name and address (one update), and its
    /// tax ID, which Stripe keeps as objects of their own under the customer: the
    /// company's is added if missing, then any other removed (so the customer is never
    /// without one the company has). Each step converges, so a checkout that fails half
    /// way through does it again next time (the account records the company version
    /// only after this succeeded).
    pub async fn update_customer(
        &self,
        customer_id: &str,
        company: &Company,
    ) -> Result<(), PaymentError> {
        let form = ChangedCustomer {
            name: company.legal_name.as_ref(),
            address: AddressForm::of(&company.legal_address),
        };
        RequestBuilder::new(StripeMethod::Post, format!("/customers/{customer_id}"))
            .form(&form)
            .customize::<CustomerAnswer>()
            .send(&self.client)
            .await
            .map_err(provider)?;
        let tax_ids = format!("/customers/{customer_id}/tax_ids");
        let listed = RequestBuilder::new(StripeMethod::Get, tax_ids.as_str())
            .query(&TaxIdQuery { limit: 100 })
            .customize::<TaxIdList>()
            .send(&self.client)
            .await
            .map_err(provider)?;
        let wanted = company.tax_id.as_ref().map(|t| TaxIdData {
            kind: t.kind.as_str(),
            value: &t.value,
        });
        let changes = tax_id_changes(&listed.data, wanted.as_ref());
        if let Some(missing) = changes.create {
            RequestBuilder::new(StripeMethod::Post, tax_ids.as_str())
                .form(missing)
                .customize::<CustomerAnswer>()
                .send(&self.client)
                .await
                .map_err(provider)?;
        }
        for stale in changes.delete {
            RequestBuilder::new(StripeMethod::Delete, format!("{tax_ids}/{stale}"))
                .customize::<CustomerAnswer>()
                .send(&self.client)
                .await
                .map_err(provider)?;
        }
        Ok(())
    }
}

fn provider(error: stripe::StripeError) -> PaymentError {
    PaymentError::Provider(error.to_string())
}

/// `GET /v1/customers/{id}/tax_ids`'s query: every one (a customer has a few).
#[derive(Serialize)]
struct TaxIdQuery {
    limit: u8,
}

#[derive(miniserde::Deserialize)]
struct TaxIdList {
    data: Vec<ListedTaxId>,
}

/// A tax ID Stripe keeps under a customer.
#[derive(miniserde::Deserialize)]
struct ListedTaxId {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

/// What brings a customer's tax IDs to the company's one (or none).
#[derive(Debug, PartialEq)]
struct TaxIdChanges<'a, 'w> {
    create: Option<&'w TaxIdData<'a>>,
    /// Stripe's `txi_…` ids.
    delete: Vec<&'w str>,
}

fn tax_id_changes<'a, 'w>(
    listed: &'w [ListedTaxId],
    wanted: Option<&'w TaxIdData<'a>>,
) -> TaxIdChanges<'a, 'w> {
    let is_wanted =
        |t: &ListedTaxId| wanted.is_some_and(|w| w.kind == t.kind && w.value == t.value);
    TaxIdChanges {
        create: wanted.filter(|_| !listed.iter().any(is_wanted)),
        delete: listed
            .iter()
            .filter(|t| !is_wanted(t))
            .map(|t| t.id.as_str())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: &str, kind: &str, value: &str) -> ListedTaxId {
        ListedTaxId {
            id: id.into(),
            kind: kind.into(),
            value: value.into(),
        }
    }

    #[test]
    fn the_customers_tax_ids_are_brought_to_the_companys_one() {
        let new = TaxIdData {
            kind: "eu_vat",
            value: "FR12345678901",
        };
        let old = [listed("txi_1", "eu_vat", "DE123456789")];
        assert_eq!(
            tax_id_changes(&old, Some(&new)),
            TaxIdChanges {
                create: Some(&new),
                delete: vec!["txi_1"]
            }
        );
        let same = [listed("txi_2", "eu_vat", "FR12345678901")];
        assert_eq!(
            tax_id_changes(&same, Some(&new)),
            TaxIdChanges {
                create: None,
                delete: vec![]
            },
            "nothing to do"
        );
        assert_eq!(
            tax_id_changes(&old, None),
            TaxIdChanges {
                create: None,
                delete: vec!["txi_1"]
            },
            "a company without a tax ID any more"
        );
        let other_kind = [listed("txi_3", "ch_vat", "FR12345678901")];
        assert_eq!(
            tax_id_changes(&other_kind, Some(&new)).delete,
            vec!["txi_3"]
        );
    }
}

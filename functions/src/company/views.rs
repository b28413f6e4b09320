//! What clients see of a company.

use natives_shared::domain::company::{
    Address, LegalName, PhoneNumber, RegisteredOn, RegistrationNumber, Representative,
};
use natives_shared::domain::{AccountId, Company, Purchase, TaxId, Timestamp};
use natives_shared::store::ListedCompany;
use serde::Serialize;

use crate::views::InvoiceView;

/// A company as its account and partner managers see it (`contact_phone` and
/// `representative` are `null` once the account was erased).
#[derive(Serialize)]
pub struct CompanyView<'a> {
    legal_name: &'a LegalName,
    registration_number: &'a RegistrationNumber,
    registered_on: RegisteredOn,
    legal_address: &'a Address,
    postal_address: &'a Address,
    tax_id: Option<&'a TaxId>,
    contact_phone: Option<&'a PhoneNumber>,
    representative: Option<&'a Representative>,
    updated_at: Timestamp,
}

impl<'a> From<&'a Company> for CompanyView<'a> {
    fn from(c: &'a Company) -> Self {
        Self {
            legal_name: &c.legal_name,
            registration_number: &c.registration_number,
            registered_on: c.registered_on,
            legal_address: &c.legal_address,
            postal_address: &c.postal_address,
            tax_id: c.tax_id.as_ref(),
            contact_phone: c.contact_phone.as_ref(),
            representative: c.representative.as_ref(),
            updated_at: c.updated_at,
        }
    }
}

/// A corporate client as partner managers list it.
#[derive(Serialize)]
pub struct ListedCompanyView<'a> {
    account_id: &'a AccountId,
    company: CompanyView<'a>,
    purchases: &'a [Purchase],
    invoices: Vec<InvoiceView<'a>>,
}

impl<'a> From<&'a ListedCompany> for ListedCompanyView<'a> {
    fn from(listed: &'a ListedCompany) -> Self {
        Self {
            account_id: &listed.account_id,
            company: CompanyView::from(&listed.company),
            purchases: &listed.purchases,
            invoices: listed.invoices.iter().map(InvoiceView::from).collect(),
        }
    }
}

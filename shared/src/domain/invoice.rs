//! Invoices issued to corporate clients for their purchases: by Stripe (recorded from its
//! invoice events) or, on the local stack without Stripe, by the local checkout page.
//! Invoices are accounting records: they are kept for the legal retention period, also
//! when the account is erased.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::company::Address;
use super::{AccountId, Company, Money, Timestamp};

/// How long invoices are kept (accounting law: ten years in the strictest member states),
/// stated in the export and in the data model.
pub const INVOICE_RETENTION_YEARS: u32 = 10;

/// What the export says about every invoice.
pub const INVOICE_RETENTION_NOTE: &str = "Invoices are accounting records: they are kept for the legal retention period (10 years) even after the account is erased.";

/// An invoice's state, as Stripe words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Open,
    Paid,
    Void,
    Uncollectible,
}

impl InvoiceStatus {
    /// Stripe's word for it.
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "draft" => Self::Draft,
            "open" => Self::Open,
            "paid" => Self::Paid,
            "void" => Self::Void,
            "uncollectible" => Self::Uncollectible,
            _ => return None,
        })
    }

    /// How far along the invoice is: a late event never takes it back (Stripe may deliver
    /// `invoice.finalized` after `invoice.paid`).
    fn rank(self) -> u8 {
        match self {
            Self::Draft => 0,
            Self::Open => 1,
            Self::Paid | Self::Void | Self::Uncollectible => 2,
        }
    }

    /// The statuses a recorded invoice may be in for this one to replace it.
    pub fn behind(self) -> Vec<Self> {
        [
            Self::Draft,
            Self::Open,
            Self::Paid,
            Self::Void,
            Self::Uncollectible,
        ]
        .into_iter()
        .filter(|s| s.rank() < self.rank())
        .collect()
    }
}

/// Whom an invoice the platform issues itself is made out to, as the company's details
/// were when it was issued (Stripe's invoices carry their own copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilledTo {
    pub legal_name: String,
    /// Address lines, as printed.
    pub legal_address: Vec<String>,
    pub postal_address: Vec<String>,
    /// "eu_vat DE123456789".
    #[serde(default)]
    pub tax_id: Option<String>,
}

/// One invoice for one purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// Stripe's `in_…`, or `in_local_…`.
    pub id: String,
    pub account_id: AccountId,
    pub number: String,
    /// The purchase's id (its Checkout Session's metadata `purchase_id`).
    pub purchase_id: String,
    /// What was charged.
    pub amount: Money,
    #[serde(default)]
    pub discount: Option<Money>,
    pub status: InvoiceStatus,
    pub hosted_invoice_url: String,
    pub pdf_url: String,
    pub issued_at: Timestamp,
    #[serde(default)]
    pub billed_to: Option<BilledTo>,
}

impl BilledTo {
    /// The company's legal identity as an invoice prints it.
    pub fn of(company: &Company) -> Self {
        Self {
            legal_name: company.legal_name.as_ref().to_owned(),
            legal_address: address_lines(&company.legal_address),
            postal_address: address_lines(&company.postal_address),
            tax_id: company
                .tax_id
                .as_ref()
                .map(|t| format!("{} {}", t.kind.as_str(), t.value)),
        }
    }
}

fn address_lines(address: &Address) -> Vec<String> {
    let mut lines = vec![address.line1.as_ref().to_owned()];
    lines.extend(address.line2.as_ref().map(|l| l.as_ref().to_owned()));
    lines.push(format!(
        "{} {}",
        address.postal_code.as_ref(),
        address.city.as_ref()
    ));
    lines.push(address.country.as_ref().to_owned());
    lines
}

/// The local stack's invoice ids begin so (Stripe's are `in_…`).
pub const LOCAL_INVOICE_PREFIX: &str = "in_local_";

/// Where the local stack serves its invoice pages: `/local/invoices/{account_id}/{id}`.
pub const LOCAL_INVOICE_PATH: &str = "/local/invoices/";

/// What a paid purchase is invoiced for, as its payment says.
pub struct InvoicedPayment<'a> {
    pub account_id: &'a AccountId,
    pub purchase_id: &'a str,
    pub amount_minor: i64,
    pub amount_discount: i64,
    pub currency: &'a str,
}

/// The invoice the local stack issues for a paid purchase: only a corporate client (an
/// account with a company) is invoiced. `id` is drawn by the caller (a ULID followed by a
/// random token: the invoice page is reached by its link alone, so the link must be
/// unguessable); the number is the id's ULID, unique and in issue order.
pub fn issue_local(
    payment: &InvoicedPayment<'_>,
    company: Option<&Company>,
    ulid: &str,
    token: &str,
    page_base: &str,
    now: OffsetDateTime,
) -> Option<Invoice> {
    let company = company?;
    let id = format!("{LOCAL_INVOICE_PREFIX}{ulid}{token}");
    let page = format!("{page_base}{LOCAL_INVOICE_PATH}{}/{id}", payment.account_id);
    Some(Invoice {
        account_id: payment.account_id.clone(),
        number: format!("NC-{ulid}"),
        purchase_id: payment.purchase_id.to_owned(),
        amount: Money {
            amount_minor: payment.amount_minor,
            currency: payment.currency.to_owned(),
        },
        discount: (payment.amount_discount > 0).then(|| Money {
            amount_minor: payment.amount_discount,
            currency: payment.currency.to_owned(),
        }),
        status: InvoiceStatus::Paid,
        pdf_url: format!("{page}?print=1"),
        hosted_invoice_url: page,
        issued_at: Timestamp::at(now),
        billed_to: Some(BilledTo::of(company)),
        id,
    })
}

/// What a signed Stripe invoice event (`invoice.finalized`, `invoice.paid`) says of the
/// invoice, as Stripe wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeInvoice {
    /// `in_…`.
    pub id: String,
    pub number: Option<String>,
    pub status: Option<String>,
    pub hosted_invoice_url: Option<String>,
    pub invoice_pdf: Option<String>,
    /// `total`: what the invoice charges, discounts taken off, in the minor unit.
    pub total: i64,
    /// The sum of `total_discount_amounts`.
    pub discount: i64,
    /// Lower case, as Stripe writes it.
    pub currency: String,
    /// `created`, Unix time: fixed for the invoice, so every event about it names the
    /// same stored item.
    pub created: i64,
    /// The metadata the checkout gave the invoice (`invoice_creation[invoice_data]`).
    pub account_id: Option<String>,
    pub purchase_id: Option<String>,
}

/// What a Stripe invoice event comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeInvoiceReading {
    /// One of our purchases' invoices, to record.
    Ours(Box<Invoice>),
    /// Not made by one of our checkouts (no account and purchase in its metadata).
    NotOurs,
    /// Ours, but without these fields a finalized invoice has.
    Incomplete(Vec<&'static str>),
}

impl StripeInvoice {
    /// The invoice to record: the account and purchase its checkout named, the number
    /// and links Stripe gave it, what it charges, its status and when it was created.
    pub fn reading(&self) -> StripeInvoiceReading {
        let (Some(account_id), Some(purchase_id)) = (
            self.account_id
                .as_deref()
                .and_then(|a| AccountId::parse(a).ok()),
            self.purchase_id.as_deref().filter(|p| !p.is_empty()),
        ) else {
            return StripeInvoiceReading::NotOurs;
        };
        let status = self.status.as_deref().and_then(InvoiceStatus::parse);
        let issued_at = OffsetDateTime::from_unix_timestamp(self.created).ok();
        let present =
            |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
        let currency = Some(self.currency.to_ascii_uppercase()).filter(|c| c.len() == 3);
        match (
            present(&self.number),
            present(&self.hosted_invoice_url),
            present(&self.invoice_pdf),
            status,
            issued_at,
            currency,
        ) {
            (Some(number), Some(hosted), Some(pdf), Some(status), Some(at), Some(currency)) => {
                StripeInvoiceReading::Ours(Box::new(Invoice {
                    id: self.id.clone(),
                    account_id,
                    number,
                    purchase_id: purchase_id.to_owned(),
                    amount: Money {
                        amount_minor: self.total,
                        currency: currency.clone(),
                    },
                    discount: (self.discount > 0).then_some(Money {
                        amount_minor: self.discount,
                        currency,
                    }),
                    status,
                    hosted_invoice_url: hosted,
                    pdf_url: pdf,
                    issued_at: Timestamp::at(at),
                    billed_to: None,
                }))
            }
            (number, hosted, pdf, status, at, currency) => {
                let mut missing = Vec::new();
                for (field, absent) in [
                    ("number", number.is_none()),
                    ("hosted_invoice_url", hosted.is_none()),
                    ("invoice_pdf", pdf.is_none()),
                    ("status", status.is_none()),
                    ("created", at.is_none()),
                    ("currency", currency.is_none()),
                ] {
                    if absent {
                        missing.push(field);
                    }
                }
                StripeInvoiceReading::Incomplete(missing)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InvoiceStatus::*;
    use super::*;
    use crate::domain::company::tests::sample_company;

    fn payment(account_id: &AccountId) -> InvoicedPayment<'_> {
        InvoicedPayment {
            account_id,
            purchase_id: "01PURCHASE",
            amount_minor: 900,
            amount_discount: 100,
            currency: "EUR",
        }
    }

    #[test]
    fn a_personal_purchase_is_not_invoiced() {
        let account = AccountId::new();
        let now = OffsetDateTime::now_utc();
        assert_eq!(
            issue_local(&payment(&account), None, "01U", "tok", "http://x", now),
            None
        );
    }

    #[test]
    fn a_corporate_purchase_is_invoiced_paid_to_the_company_at_its_unguessable_page() {
        let account = AccountId::new();
        let company = sample_company();
        let now = OffsetDateTime::now_utc();
        let invoice = issue_local(
            &payment(&account),
            Some(&company),
            "01U",
            "tok",
            "http://x",
            now,
        )
        .expect("invoiced");
        assert_eq!(invoice.id, "in_local_01Utok");
        assert_eq!(invoice.number, "NC-01U");
        assert_eq!(invoice.status, Paid);
        assert_eq!(invoice.amount.amount_minor, 900);
        assert_eq!(invoice.discount.map(|d| d.amount_minor), Some(100));
        assert_eq!(
            invoice.hosted_invoice_url,
            format!("http://x/local/invoices/{account}/in_local_01Utok")
        );
        let billed = invoice.billed_to.expect("billed to the company");
        assert_eq!(billed.legal_name, company.legal_name.as_ref());
        assert_eq!(
            billed.legal_address.first().map(String::as_str),
            Some(company.legal_address.line1.as_ref())
        );
        assert!(billed.tax_id.is_some_and(|t| t.starts_with("eu_vat ")));
    }

    fn stripe_invoice(account_id: &AccountId) -> StripeInvoice {
        StripeInvoice {
            id: "in_1".into(),
            number: Some("ABCD-0001".into()),
            status: Some("paid".into()),
            hosted_invoice_url: Some("https://invoice.stripe.com/i/1".into()),
            invoice_pdf: Some("https://pay.stripe.com/invoice/1/pdf".into()),
            total: 891,
            discount: 99,
            currency: "eur".into(),
            created: 1_764_000_000,
            account_id: Some(account_id.to_string()),
            purchase_id: Some("01PURCHASE".into()),
        }
    }

    #[test]
    fn a_stripe_invoice_of_our_checkout_is_read_with_stripes_links_and_amounts() {
        let account = AccountId::new();
        let StripeInvoiceReading::Ours(invoice) = stripe_invoice(&account).reading() else {
            panic!("ours");
        };
        assert_eq!(invoice.id, "in_1");
        assert_eq!(invoice.account_id, account);
        assert_eq!(invoice.purchase_id, "01PURCHASE");
        assert_eq!(invoice.number, "ABCD-0001");
        assert_eq!(invoice.status, Paid);
        assert_eq!(invoice.hosted_invoice_url, "https://invoice.stripe.com/i/1");
        assert_eq!(invoice.pdf_url, "https://pay.stripe.com/invoice/1/pdf");
        assert_eq!(
            (
                invoice.amount.amount_minor,
                invoice.amount.currency.as_str()
            ),
            (891, "EUR")
        );
        assert_eq!(invoice.discount.map(|d| d.amount_minor), Some(99));
        assert_eq!(invoice.issued_at.to_string(), "2025-11-24T16:00:00.000Z");
        assert_eq!(
            invoice.billed_to, None,
            "Stripe's invoice carries its own copy"
        );
    }

    #[test]
    fn an_invoice_without_our_metadata_is_not_ours_and_one_without_its_links_is_incomplete() {
        let account = AccountId::new();
        for (account_id, purchase_id) in [
            (None, Some("01PURCHASE")),
            (Some("not-an-account"), Some("01PURCHASE")),
            (Some(account.as_str()), None),
        ] {
            let invoice = StripeInvoice {
                account_id: account_id.map(str::to_owned),
                purchase_id: purchase_id.map(str::to_owned),
                ..stripe_invoice(&account)
            };
            assert_eq!(invoice.reading(), StripeInvoiceReading::NotOurs);
        }
        let draft = StripeInvoice {
            number: None,
            status: Some("draft".into()),
            hosted_invoice_url: None,
            invoice_pdf: Some(String::new()),
            ..stripe_invoice(&account)
        };
        assert_eq!(
            draft.reading(),
            StripeInvoiceReading::Incomplete(vec!["number", "hosted_invoice_url", "invoice_pdf"])
        );
        let no_discount = StripeInvoice {
            discount: 0,
            ..stripe_invoice(&account)
        };
        assert!(matches!(
            no_discount.reading(),
            StripeInvoiceReading::Ours(invoice) if invoice.discount.is_none()
        ));
    }

    #[test]
    fn a_late_event_never_takes_an_invoice_back() {
        assert_eq!(Draft.behind(), []);
        assert_eq!(Open.behind(), [Draft]);
        assert_eq!(Paid.behind(), [Draft, Open]);
        assert!(!Paid.behind().contains(&Paid), "a repeat changes nothing");
    }
}

//! Invoices issued to corporate clients for their purchases: by Stripe (recorded from its
//! invoice events) or, on the local stack without Stripe, by the local checkout page.
//! Invoices are accounting records: they are kept for the legal retention period, also
//! when the account is erased.

use serde::{Deserialize, Serialize};

use super::{AccountId, Money, Timestamp};

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

#[cfg(test)]
mod tests {
    use super::InvoiceStatus::*;

    #[test]
    fn a_late_event_never_takes_an_invoice_back() {
        assert_eq!(Draft.behind(), []);
        assert_eq!(Open.behind(), [Draft]);
        assert_eq!(Paid.behind(), [Draft, Open]);
        assert!(!Paid.behind().contains(&Paid), "a repeat changes nothing");
    }
}

//! Prepaid credits: money, tariffs, action costs and ledger entries.

use serde::{Deserialize, Serialize};

use super::AccountId;

/// An amount in minor units (cents) of an ISO 4217 currency, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: String,
}

impl Money {
    pub const MAX_AMOUNT_MINOR: i64 = 100_000_000;

    pub fn parse(amount_minor: i64, currency: &str) -> Result<Self, String> {
        if !(1..=Self::MAX_AMOUNT_MINOR).contains(&amount_minor) {
            return Err(format!(
                "amount_minor must be from 1 to {}",
                Self::MAX_AMOUNT_MINOR
            ));
        }
        let currency = currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err("currency must be a three-letter ISO 4217 code".into());
        }
        Ok(Self {
            amount_minor,
            currency,
        })
    }
}

/// A tariff's id: lower-case letters, digits and hyphens, as it appears in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TariffId(String);

impl TariffId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok = (1..=40).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err("must be 1 to 40 lower-case letters, digits or hyphens".into())
        }
    }
}

impl AsRef<str> for TariffId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Credits bought or granted in one go: a positive whole number with a sane ceiling.
pub const MAX_CREDITS_PER_ENTRY: i64 = 1_000_000;

pub fn parse_credits(raw: i64) -> Result<i64, String> {
    if (1..=MAX_CREDITS_PER_ENTRY).contains(&raw) {
        Ok(raw)
    } else {
        Err(format!("must be from 1 to {MAX_CREDITS_PER_ENTRY}"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tariff {
    pub id: String,
    pub name: String,
    pub credits: i64,
    pub price: Money,
    pub active: bool,
    pub updated_at: String,
}

/// What each paid action costs, in credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCosts {
    pub text_message: i64,
    pub voice_message: i64,
    pub new_thread: i64,
}

impl Default for ActionCosts {
    fn default() -> Self {
        Self {
            text_message: 1,
            voice_message: 3,
            new_thread: 5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    Purchase,
    Spend,
    Grant,
}

/// One change of an account's balance. Entries are only ever appended, in id order.
/// The balance after each entry is not stored (writing it would need the balance read
/// first, a second request); readers derive it from the account's balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: String,
    pub account_id: AccountId,
    pub kind: LedgerKind,
    /// Positive for purchases and grants, negative for spending.
    pub credits: i64,
    pub created_at: String,
    /// What the change was for: a Checkout Session, a message, a grant.
    pub reference: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A ledger entry with the balance it left behind, as its account holder sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLine {
    pub entry: LedgerEntry,
    pub balance_after: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseStatus {
    Pending,
    Paid,
    Failed,
}

/// A Checkout Session we opened, with the price it was made at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    pub checkout_session_id: String,
    pub account_id: AccountId,
    pub tariff_id: String,
    pub credits: i64,
    pub price: Money,
    pub status: PurchaseStatus,
    pub created_at: String,
    #[serde(default)]
    pub settled_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_ids_parse_once() {
        assert_eq!(Money::parse(990, "eur").unwrap().currency, "EUR");
        assert!(Money::parse(0, "EUR").is_err());
        assert!(Money::parse(990, "EURO").is_err());
        assert!(Money::parse(990, "E1R").is_err());
        assert!(TariffId::parse("starter-100").is_ok());
        for bad in ["", "Starter", "-x", "a b", &"x".repeat(41)] {
            assert!(TariffId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse_credits(0).is_err() && parse_credits(1_000_001).is_err());
    }
}

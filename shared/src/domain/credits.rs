//! Prepaid credits: money, tariffs, action costs and ledger entries.

use serde::{Deserialize, Serialize};

use super::{AccountId, Currency, Timestamp};

/// An amount in the minor unit Stripe counts for the currency (cents for EUR, yen for
/// JPY, see [`Currency`]), of a currency Stripe accepts, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: String,
}

impl Money {
    /// Stripe takes amounts of at most eight digits.
    pub const MAX_AMOUNT_MINOR: i64 = 99_999_999;

    pub fn parse(amount_minor: i64, currency: &str) -> Result<Self, String> {
        let currency = Currency::parse(currency)?;
        if !(1..=Self::MAX_AMOUNT_MINOR).contains(&amount_minor) {
            return Err(format!(
                "amount_minor must be from 1 to {}",
                Self::MAX_AMOUNT_MINOR
            ));
        }
        let step = currency.amount_step();
        if amount_minor % step != 0 {
            return Err(format!(
                "amount_minor in {} must be a multiple of {step}",
                currency.as_ref()
            ));
        }
        Ok(Self {
            amount_minor,
            currency: currency.as_ref().to_owned(),
        })
    }

    fn currency(&self) -> Currency {
        Currency::parse(&self.currency).expect("a parsed Money holds an accepted currency")
    }

    /// "9.90 EUR", "1500 JPY", "5.120 KWD".
    pub fn display(&self) -> String {
        let currency = self.currency();
        let per_unit = currency.minor_per_unit();
        let units = self.amount_minor / per_unit;
        match currency.decimals() {
            0 => format!("{units} {}", self.currency),
            digits => format!(
                "{units}.{:0width$} {}",
                self.amount_minor % per_unit,
                self.currency,
                width = digits as usize
            ),
        }
    }
}

/// The most credits one unit of money may buy (one euro, one yen): a guard against a
/// price typed in the wrong unit or a stray digit, not a price policy. The starter tariff
/// sells about 10 credits a euro.
pub const MAX_CREDITS_PER_UNIT: i64 = 1_000;

/// Refuses a tariff that sells more than [`MAX_CREDITS_PER_UNIT`] credits for one unit of
/// its price's currency.
pub fn check_credits_per_unit(credits: i64, price: &Money) -> Result<(), String> {
    let per_unit = price.currency().minor_per_unit();
    // credits / (amount / per_unit) <= MAX, without division; both sides fit an i64
    // (credits <= 10^6, per_unit <= 10^3; amount < 10^8).
    if credits.saturating_mul(per_unit) <= MAX_CREDITS_PER_UNIT.saturating_mul(price.amount_minor) {
        Ok(())
    } else {
        Err(format!(
            "must be at most {MAX_CREDITS_PER_UNIT} credits per 1 {} of the price",
            price.currency
        ))
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

impl std::fmt::Display for TariffId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
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
    pub id: TariffId,
    #[serde(deserialize_with = "super::text::stored")]
    pub name: super::TariffName,
    pub credits: i64,
    pub price: Money,
    pub active: bool,
    pub updated_at: Timestamp,
}

/// What each paid action costs, in credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCosts {
    pub text_message: i64,
    pub voice_message: i64,
    pub new_thread: i64,
    pub correction: i64,
}

impl Default for ActionCosts {
    fn default() -> Self {
        Self {
            text_message: 1,
            voice_message: 3,
            new_thread: 5,
            correction: 1,
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
    pub created_at: Timestamp,
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

impl LedgerLine {
    /// `entries`, newest first, each with the balance it left, from the balance after
    /// the newest (the balance is not stored with each entry: each older one's is the
    /// newer one's minus the newer one's credits); and the balance before the oldest.
    pub fn newest_first(balance_after_newest: i64, entries: Vec<LedgerEntry>) -> (Vec<Self>, i64) {
        let mut balance = balance_after_newest;
        let lines = entries
            .into_iter()
            .map(|entry| {
                let balance_after = balance;
                balance -= entry.credits;
                Self {
                    entry,
                    balance_after,
                }
            })
            .collect();
        (lines, balance)
    }
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
    /// Ours, also in the Checkout Session's (and its invoice's) metadata.
    #[serde(default)]
    pub purchase_id: Option<String>,
    pub checkout_session_id: String,
    pub account_id: AccountId,
    pub tariff_id: TariffId,
    pub credits: i64,
    pub price: Money,
    pub status: PurchaseStatus,
    pub created_at: Timestamp,
    #[serde(default)]
    pub settled_at: Option<Timestamp>,
    /// The promotion code it was opened with.
    #[serde(default)]
    pub promotion: Option<super::AppliedPromotion>,
    /// What was paid, and what the promotion took off (set when it is paid).
    #[serde(default)]
    pub amount_total: Option<i64>,
    #[serde(default)]
    pub amount_discount: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_ids_parse_once() {
        assert_eq!(Money::parse(990, "EUR").unwrap().currency, "EUR");
        assert!(Money::parse(990, "eur").is_err(), "one spelling");
        assert!(Money::parse(0, "EUR").is_err());
        assert!(Money::parse(990, "EURO").is_err());
        assert!(Money::parse(990, "E1R").is_err());
        assert!(Money::parse(990, "XXX").is_err(), "ISO 4217, but no money");
        assert!(Money::parse(99_999_999, "EUR").is_ok());
        assert!(Money::parse(100_000_000, "EUR").is_err(), "nine digits");
        assert!(Money::parse(5125, "KWD").is_err() && Money::parse(5120, "KWD").is_ok());
        assert!(Money::parse(550, "ISK").is_err() && Money::parse(500, "ISK").is_ok());
        assert!(TariffId::parse("starter-100").is_ok());
        for bad in ["", "Starter", "-x", "a b", &"x".repeat(41)] {
            assert!(TariffId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse_credits(0).is_err() && parse_credits(1_000_001).is_err());
    }

    #[test]
    fn each_entry_shows_the_balance_it_left() {
        let entry = |credits| LedgerEntry {
            id: crate::ids::new_id(),
            account_id: crate::domain::AccountId::new(),
            kind: LedgerKind::Spend,
            credits,
            created_at: crate::domain::Timestamp::at(time::OffsetDateTime::UNIX_EPOCH),
            reference: "x".into(),
            reason: None,
        };
        let (lines, before) = LedgerLine::newest_first(96, vec![entry(-1), entry(-3), entry(100)]);
        let after: Vec<i64> = lines.iter().map(|l| l.balance_after).collect();
        assert_eq!(after, [96, 97, 100]);
        assert_eq!(before, 0);
    }

    #[test]
    fn money_displays_in_its_currencys_units() {
        let shown = |amount, currency| Money::parse(amount, currency).unwrap().display();
        assert_eq!(shown(990, "EUR"), "9.90 EUR");
        assert_eq!(shown(5, "EUR"), "0.05 EUR");
        assert_eq!(shown(1500, "JPY"), "1500 JPY");
        assert_eq!(shown(5120, "KWD"), "5.120 KWD");
        assert_eq!(shown(500, "ISK"), "5.00 ISK");
    }

    #[test]
    fn credits_per_unit_of_money_are_bounded() {
        let price = |amount, currency| Money::parse(amount, currency).unwrap();
        assert!(check_credits_per_unit(100, &price(990, "EUR")).is_ok());
        assert!(check_credits_per_unit(9_900, &price(990, "EUR")).is_ok());
        assert!(check_credits_per_unit(9_901, &price(990, "EUR")).is_err());
        assert!(
            check_credits_per_unit(1_000_000, &price(1, "EUR")).is_err(),
            "a cent"
        );
        assert!(
            check_credits_per_unit(1_000, &price(1, "JPY")).is_ok(),
            "a yen"
        );
        assert!(check_credits_per_unit(1_001, &price(1, "JPY")).is_err());
        assert!(
            check_credits_per_unit(1_000, &price(1000, "KWD")).is_ok(),
            "1 KWD"
        );
        assert!(check_credits_per_unit(1_001, &price(1000, "KWD")).is_err());
    }
}

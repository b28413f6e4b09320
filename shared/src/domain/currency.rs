//! The currencies a price may be in: ISO 4217 codes that Stripe accepts as presentment
//! currencies, with how Stripe counts their amounts.
//!
//! Source: Stripe, "Supported currencies" (https://docs.stripe.com/currencies): the
//! presentment currencies for card payments, the zero-decimal and three-decimal lists and
//! the special cases, as published in 2026. Left out: codes that ISO 4217 has withdrawn
//! although Stripe still lists them (STD, replaced by STN; ANG, replaced by XCG) and the
//! codes that replaced them, which Stripe does not list. This is the one place to change
//! when Stripe's list does.

use serde::{Deserialize, Serialize};

/// Amounts count cents (or the like): 990 is 9.90.
const TWO_DECIMAL: &str = "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD \
BWP BYN BZD CAD CDF CHF CNY COP CRC CVE CZK DKK DOP DZD EGP ETB EUR FJD FKP GBP GEL GIP GMD GTQ GYD \
HKD HNL HTG HUF IDR ILS INR JMD KES KGS KHR KYD KZT LAK LBP LKR LRD LSL MAD MDL MKD MMK MNT MOP MUR \
MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SEK \
SGD SHP SLE SOS SRD SZL THB TJS TOP TRY TTD TWD TZS UAH USD UYU UZS WST XCD YER ZAR ZMW";

/// Zero-decimal currencies: the amount is whole units (500 is 500 JPY).
const ZERO_DECIMAL: &str = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF";

/// Three-decimal currencies: the amount counts thousandths, and Stripe requires its last
/// digit to be 0 (5.120 KWD is 5120).
const THREE_DECIMAL: &str = "BHD JOD KWD OMR TND";

/// Stripe's special case: ISK is zero-decimal, but amounts are still sent with two
/// decimals that must be 00 (5 ISK is 500).
const WHOLE_UNITS_IN_CENTS: &str = "ISK";

/// A currency we can charge in, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Currency(String);

impl Currency {
    /// Only the exact upper-case code: one currency, one spelling.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if Self::all().any(|code| code == raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(format!(
                "{raw:?} is not an upper-case ISO 4217 code of a currency Stripe accepts"
            ))
        }
    }

    /// Every accepted code.
    pub fn all() -> impl Iterator<Item = &'static str> {
        [
            TWO_DECIMAL,
            ZERO_DECIMAL,
            THREE_DECIMAL,
            WHOLE_UNITS_IN_CENTS,
        ]
        .into_iter()
        .flat_map(|list| list.split_ascii_whitespace())
    }

    /// How many digits of an amount are below the unit (990 EUR minor units = 9.90 EUR).
    pub fn decimals(&self) -> u32 {
        if in_list(ZERO_DECIMAL, &self.0) {
            0
        } else if in_list(THREE_DECIMAL, &self.0) {
            3
        } else {
            2
        }
    }

    /// What every amount must be a multiple of, in minor units.
    pub fn amount_step(&self) -> i64 {
        if in_list(THREE_DECIMAL, &self.0) {
            10
        } else if in_list(WHOLE_UNITS_IN_CENTS, &self.0) {
            100
        } else {
            1
        }
    }

    /// Minor units in one unit of the currency (100 for EUR, 1 for JPY).
    pub fn minor_per_unit(&self) -> i64 {
        10_i64.pow(self.decimals())
    }
}

fn in_list(list: &str, code: &str) -> bool {
    list.split_ascii_whitespace().any(|c| c == code)
}

impl AsRef<str> for Currency {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn each_code_is_listed_once_as_three_upper_case_letters() {
        let codes: Vec<&str> = Currency::all().collect();
        let unique: BTreeSet<&str> = codes.iter().copied().collect();
        assert_eq!(codes.len(), unique.len(), "a code is listed twice");
        assert!(codes.len() > 130, "Stripe accepts 135+ currencies");
        for code in codes {
            assert!(
                code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()),
                "{code}"
            );
        }
    }

    #[test]
    fn decimals_and_steps_follow_stripe() {
        let facts = |code: &str| {
            let c = Currency::parse(code).unwrap();
            (c.decimals(), c.amount_step(), c.minor_per_unit())
        };
        assert_eq!(facts("EUR"), (2, 1, 100));
        assert_eq!(facts("JPY"), (0, 1, 1));
        assert_eq!(facts("KRW"), (0, 1, 1));
        assert_eq!(facts("KWD"), (3, 10, 1000));
        assert_eq!(facts("ISK"), (2, 100, 100));
        for refused in [
            "eur", "Eur", " EUR", "XXX", "XTS", "EEK", "HRK", "STD", "EURO", "",
        ] {
            assert!(Currency::parse(refused).is_err(), "{refused:?}");
        }
    }
}

//! Promotion codes: the code a customer types at checkout, and the local stack's own codes
//! (Stripe keeps the real ones).

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// A code as a customer types it: 3 to 40 letters, digits, `-` or `_`; compared without
/// case (as Stripe does), kept upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PromotionCodeText(String);

impl PromotionCodeText {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let ok = (3..=40).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(raw.to_ascii_uppercase()))
        } else {
            Err("must be 3 to 40 letters, digits, '-' or '_'".into())
        }
    }
}

impl AsRef<str> for PromotionCodeText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PromotionCodeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A whole-number percentage off, 1 to 100.
pub fn parse_percent_off(raw: i64) -> Result<u8, String> {
    u8::try_from(raw)
        .ok()
        .filter(|p| (1..=100).contains(p))
        .ok_or_else(|| "must be from 1 to 100".into())
}

/// A promotion code of the local stack (`natives-local promotion-codes add`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalPromotionCode {
    pub code: PromotionCodeText,
    pub percent_off: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// Absent when unlimited (the redemption's condition tests for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_redemptions: Option<i64>,
    /// Paid purchases that used it (counted in the transaction that credits them).
    #[serde(default)]
    pub times_redeemed: i64,
    pub created_at: Timestamp,
}

/// What Stripe says of a promotion code (`GET /v1/promotion_codes?code=…&active=true`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripePromotion {
    pub id: String,
    pub active: bool,
    pub expires_at: Option<i64>,
    pub max_redemptions: Option<i64>,
    pub times_redeemed: i64,
}

/// The promotion a purchase was opened with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedPromotion {
    pub code: PromotionCodeText,
    /// Stripe's `promo_…`; absent for a local code (the payment's condition tests for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_id: Option<String>,
    /// The discount known when the checkout opened (a local code's; Stripe computes its
    /// own and the webhook reports it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_discount_minor: Option<i64>,
}

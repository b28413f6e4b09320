//! Every partition and sort key of the single table is built here, and only here.

pub fn account(account_id: &str) -> (String, String) {
    (format!("ACCOUNT#{account_id}"), "ACCOUNT".into())
}

/// The claim that makes an e-mail address unique.
pub fn email_claim(normalized_email: &str) -> (String, String) {
    (format!("EMAIL#{normalized_email}"), "EMAIL".into())
}

/// One login's refresh-token family, under its account.
pub fn session_family(account_id: &str, family_id: &str) -> (String, String) {
    (
        format!("ACCOUNT#{account_id}"),
        format!("SESSION#{family_id}"),
    )
}

/// A refresh token, by the hex SHA-256 of its value.
pub fn refresh_token(digest_hex: &str) -> (String, String) {
    (format!("REFRESH#{digest_hex}"), "REFRESH".into())
}

/// The tariff catalogue: one partition holds every tariff and the action costs, so the
/// public price list is a single query.
pub const CATALOG: &str = "CATALOG";

pub fn tariff(tariff_id: &str) -> (String, String) {
    (CATALOG.into(), format!("TARIFF#{tariff_id}"))
}

pub fn action_costs() -> (String, String) {
    (CATALOG.into(), "ACTION_COSTS".into())
}

/// A purchase, by its Checkout Session id: also the claim that credits it once.
pub fn checkout(checkout_session_id: &str) -> (String, String) {
    (format!("CHECKOUT#{checkout_session_id}"), "CHECKOUT".into())
}

/// Ledger entries of an account sort by their (time-ordered) id.
pub const LEDGER_PREFIX: &str = "LEDGER#";

pub fn ledger_entry(account_id: &str, entry_id: &str) -> (String, String) {
    (
        format!("ACCOUNT#{account_id}"),
        format!("{LEDGER_PREFIX}{entry_id}"),
    )
}

/// The audit log of moderation and admin actions, newest last.
pub fn audit_entry(created_at: &str, entry_id: &str) -> (String, String) {
    ("AUDIT".into(), format!("{created_at}#{entry_id}"))
}

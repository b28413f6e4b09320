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

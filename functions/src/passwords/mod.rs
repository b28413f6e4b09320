//! Passwords: a forgotten one reset with a code sent by e-mail, and a known one changed.

pub mod change;
pub mod confirm_reset;
pub mod request_reset;

use natives_shared::auth::hash_password;
use natives_shared::domain::{Email, Password, Validator};
use natives_shared::http::ApiError;

/// A new password, by the rules of registration: 10 to 128 characters, not the
/// account's e-mail address.
pub(crate) fn check_new_password(
    v: &mut Validator,
    field: &str,
    raw: String,
    email: Option<&Email>,
) -> Option<Password> {
    let password = v.check(field, Password::parse(raw))?;
    if email.is_some_and(|email| {
        password
            .expose()
            .trim()
            .eq_ignore_ascii_case(email.as_ref())
    }) {
        v.fail(field, "must not be the e-mail address");
        return None;
    }
    Some(password)
}

/// The argon2id hash of `password`, made off the request's thread.
pub(crate) async fn hashed(password: Password) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password(password.expose()))
        .await
        .map_err(|e| ApiError::internal("password hashing", e))
}

/// Whether `password` is the one `hash` was made of, checked off the request's thread.
pub(crate) async fn proves(password: String, hash: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || natives_shared::auth::verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::internal("password verification", e))
}

/// Longer inputs are refused before any hashing work is spent on them.
pub(crate) const MAX_PASSWORD_CHARS: usize = 1024;

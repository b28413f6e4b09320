//! Opaque refresh tokens: 256 random bits, base64url; only their SHA-256 is stored.

use crate::random::random_bytes;
use aws_lc_rs::digest;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

#[derive(Clone)]
pub struct RefreshToken(String);

impl RefreshToken {
    const BYTES: usize = 32;
    const ENCODED_LEN: usize = 43;

    pub fn generate() -> Self {
        Self(URL_SAFE_NO_PAD.encode(random_bytes::<{ Self::BYTES }>()))
    }

    /// Accepts only strings shaped like a token we issue.
    pub fn parse(raw: &str) -> Option<Self> {
        let decoded = URL_SAFE_NO_PAD.decode(raw).ok()?;
        (raw.len() == Self::ENCODED_LEN && decoded.len() == Self::BYTES)
            .then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Lower-case hex SHA-256: the only form in which the token is stored.
    pub fn digest_hex(&self) -> String {
        digest::digest(&digest::SHA256, self.0.as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_round_trip() {
        let a = RefreshToken::generate();
        let b = RefreshToken::generate();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 43);
        assert!(RefreshToken::parse(a.expose()).is_some());
        assert_eq!(a.digest_hex().len(), 64);
        assert_ne!(a.digest_hex(), a.expose());
    }

    #[test]
    fn refuses_other_shapes() {
        for raw in [
            "",
            "abc",
            "eyJhbGciOiJFZERTQSJ9.e30.sig",
            &"A".repeat(44),
            &"*".repeat(43),
        ] {
            assert!(RefreshToken::parse(raw).is_none(), "{raw:?}");
        }
    }
}

//! The codes sent by e-mail: six random digits, stored only as a keyed hash
//! (HMAC-SHA-256 under a secret key that is not in the table), bound to the account and
//! the purpose. A copy of the table alone does not give the codes away: a million
//! candidates are a moment's work for a plain hash, not without the key.

use std::fmt;

use aws_lc_rs::hmac;

use crate::domain::{AccountId, CodePurpose, Guardian};
use crate::random::random_bytes;

/// A code as the user types it: exactly six ASCII digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    pub const DIGITS: usize = 6;

    /// A fresh code, uniform over the million six-digit values.
    pub fn generate() -> Self {
        // Rejection sampling: 2^32 is not a multiple of a million.
        const LIMIT: u32 = u32::MAX - (u32::MAX % 1_000_000);
        loop {
            let draw = u32::from_be_bytes(random_bytes::<4>());
            if draw < LIMIT {
                return Self(format!("{:06}", draw % 1_000_000));
            }
        }
    }

    /// A presented code: six digits (spaces around it ignored), else nothing to check.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        (raw.len() == Self::DIGITS && raw.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Code(******)")
    }
}

/// The key codes are hashed under (the `EMAIL_CODE_KEY` secret).
#[derive(Clone)]
pub struct CodeKey(hmac::Key);

impl CodeKey {
    /// At least 32 bytes of key material (the secret as configured).
    pub fn new(secret: &str) -> Result<Self, super::KeyError> {
        if secret.len() < 32 {
            return Err(super::KeyError(
                "EMAIL_CODE_KEY must be at least 32 characters".into(),
            ));
        }
        Ok(Self(hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes())))
    }

    /// The stored form of `code` for `account_id`'s code of `purpose` (hex).
    pub fn digest(&self, account_id: &AccountId, purpose: CodePurpose, code: &Code) -> String {
        let message = format!("{account_id}\n{}\n{}", purpose.as_str(), code.0);
        hmac::sign(&self.0, message.as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The keyed hash of an e-mail address that invitations are known by (hex): what an
    /// opt-out keeps, so a copy of the table does not tell which addresses opted out or
    /// were invited. Labelled apart from the codes' hashes under the same key.
    pub fn address_digest(&self, email: &crate::domain::Email) -> String {
        let message = format!("invitation-address\n{email}");
        hmac::sign(&self.0, message.as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The token a guardian's consent link carries: a keyed hash of the account, the
    /// guardian's address and when they were asked (hex), so nothing is stored and the
    /// link dies if the address changes or the guardian is asked again. Labelled apart
    /// from the other hashes under the same key.
    pub fn guardian_consent_token(&self, account_id: &AccountId, guardian: &Guardian) -> String {
        let asked = guardian
            .consent_requested_at
            .map(|at| at.to_string())
            .unwrap_or_default();
        let message = format!(
            "guardian-consent\n{account_id}\n{}\n{asked}",
            guardian.email
        );
        hmac::sign(&self.0, message.as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Whether `token` is the consent token for this account and guardian as asked
    /// (compared in constant time).
    pub fn proves_guardian_consent(
        &self,
        account_id: &AccountId,
        guardian: &Guardian,
        token: &str,
    ) -> bool {
        let expected = self.guardian_consent_token(account_id, guardian);
        aws_lc_rs::constant_time::verify_slices_are_equal(
            expected.as_bytes(),
            token.trim().as_bytes(),
        )
        .is_ok()
    }
}

impl fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consent_token_proves_only_its_account_and_guardian_as_asked() {
        let key = CodeKey::new(&"k".repeat(32)).unwrap();
        let other_key = CodeKey::new(&"j".repeat(32)).unwrap();
        let (ada, bob) = (AccountId::new(), AccountId::new());
        let guardian = |email: &str, asked: &str| Guardian {
            name: crate::domain::PersonName::parse("Pat").unwrap(),
            email: crate::domain::Email::parse(email).unwrap(),
            consent: true,
            consent_requested_at: Some(crate::domain::Timestamp::parse(asked).unwrap()),
            confirmed_at: None,
        };
        let pat = guardian("pat@example.com", "2027-01-01T00:00:00Z");
        let token = key.guardian_consent_token(&ada, &pat);
        assert_eq!(token.len(), 64);
        let cases: [(&str, &CodeKey, &AccountId, Guardian, &str, bool); 7] = [
            ("the link as sent", &key, &ada, pat.clone(), &token, true),
            ("another account", &key, &bob, pat.clone(), &token, false),
            (
                "address changed",
                &key,
                &ada,
                guardian("sam@example.com", "2027-01-01T00:00:00Z"),
                &token,
                false,
            ),
            (
                "asked again",
                &key,
                &ada,
                guardian("pat@example.com", "2027-01-02T00:00:00Z"),
                &token,
                false,
            ),
            ("another key", &other_key, &ada, pat.clone(), &token, false),
            ("cut short", &key, &ada, pat.clone(), &token[..63], false),
            ("empty", &key, &ada, pat.clone(), "", false),
        ];
        for (name, key, account, guardian, token, proves) in cases {
            assert_eq!(
                key.proves_guardian_consent(account, &guardian, token),
                proves,
                "{name}"
            );
        }
    }

    #[test]
    fn an_address_hash_is_keyed_and_depends_on_the_address_as_parsed() {
        let key = CodeKey::new(&"k".repeat(32)).unwrap();
        let other_key = CodeKey::new(&"j".repeat(32)).unwrap();
        let ada = crate::domain::Email::parse("Ada@Example.com ").unwrap();
        let same = crate::domain::Email::parse("ada@example.com").unwrap();
        let bob = crate::domain::Email::parse("bob@example.com").unwrap();
        let digest = key.address_digest(&ada);
        assert_eq!(digest.len(), 64);
        assert_eq!(digest, key.address_digest(&same), "one address, one hash");
        assert_ne!(digest, key.address_digest(&bob));
        assert_ne!(digest, other_key.address_digest(&ada), "keyed");
        let plain: String =
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, b"ada@example.com")
                .as_ref()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
        assert_ne!(digest, plain, "not a plain hash");
    }

    #[test]
    fn codes_are_six_digits_and_their_hash_depends_on_key_account_and_purpose() {
        let code = Code::generate();
        assert_eq!(code.expose().len(), 6);
        assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(Code::parse(" 012345 ").unwrap().expose(), "012345");
        for bad in ["12345", "1234567", "12a456", "１２３４５６"] {
            assert!(Code::parse(bad).is_none(), "{bad}");
        }
        let key = CodeKey::new(&"k".repeat(32)).unwrap();
        let other_key = CodeKey::new(&"j".repeat(32)).unwrap();
        let (ada, bob) = (AccountId::new(), AccountId::new());
        let code = Code::parse("123456").unwrap();
        let digest = key.digest(&ada, CodePurpose::PasswordReset, &code);
        assert_eq!(digest.len(), 64);
        assert_eq!(digest, key.digest(&ada, CodePurpose::PasswordReset, &code));
        assert_ne!(
            digest,
            other_key.digest(&ada, CodePurpose::PasswordReset, &code)
        );
        assert_ne!(digest, key.digest(&bob, CodePurpose::PasswordReset, &code));
        assert_ne!(digest, key.digest(&ada, CodePurpose::EmailChange, &code));
        assert!(CodeKey::new("short").is_err());
    }
}

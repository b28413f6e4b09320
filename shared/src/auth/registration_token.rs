//! Registration tokens: what `POST /v1/sessions/social` hands a new identity so that
//! `POST /v1/accounts` can open its account without a password. A short-lived JWT (HS256,
//! explicitly typed so no other token passes for one) under a key derived from the
//! e-mail-code secret for this one purpose; it carries the verified provider profile.

use aws_lc_rs::hmac;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::KeyError;
use crate::domain::decide::social::REGISTRATION_TOKEN_LIFETIME;
use crate::domain::social::ProviderProfile;

pub const REGISTRATION_TOKEN_TYPE: &str = "registration+jwt";
const AUDIENCE: &str = "natives.chat/registration";

#[derive(Serialize, Deserialize)]
struct Claims {
    aud: String,
    iat: i64,
    exp: i64,
    profile: ProviderProfile,
}

pub struct RegistrationTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl RegistrationTokens {
    /// Under a key derived from `secret` (the e-mail-code key, at least 32 characters).
    pub fn new(secret: &str) -> Result<Self, KeyError> {
        if secret.len() < 32 {
            return Err(KeyError(
                "the registration token key needs 32 characters".into(),
            ));
        }
        let derived = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()),
            b"natives registration tokens",
        );
        Ok(Self {
            encoding: EncodingKey::from_secret(derived.as_ref()),
            decoding: DecodingKey::from_secret(derived.as_ref()),
        })
    }

    pub fn issue(&self, profile: &ProviderProfile, now: OffsetDateTime) -> String {
        let iat = now.unix_timestamp();
        let claims = Claims {
            aud: AUDIENCE.into(),
            iat,
            exp: iat + REGISTRATION_TOKEN_LIFETIME.whole_seconds(),
            profile: profile.clone(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some(REGISTRATION_TOKEN_TYPE.into());
        jsonwebtoken::encode(&header, &claims, &self.encoding).expect("HS256 signing cannot fail")
    }

    /// The profile `token` carries, if it is one of ours and unexpired at `now`.
    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Option<ProviderProfile> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.typ.as_deref() != Some(REGISTRATION_TOKEN_TYPE) {
            return None;
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "aud"]);
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()?
            .claims;
        (claims.exp > now.unix_timestamp() && claims.iat <= now.unix_timestamp() + 30)
            .then_some(claims.profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Email;
    use crate::domain::social::{Provider, Subject};

    #[test]
    fn a_token_is_good_for_its_lifetime_under_its_own_key_only() {
        let tokens = RegistrationTokens::new(&"k".repeat(32)).unwrap();
        let other = RegistrationTokens::new(&"o".repeat(32)).unwrap();
        let profile = ProviderProfile {
            provider: Provider::Google,
            subject: Subject::parse("42").unwrap(),
            email: Some(Email::parse("ada@example.com").unwrap()),
            email_verified: true,
            name: None,
        };
        let now = time::macros::datetime!(2027-02-01 12:00 UTC);
        let token = tokens.issue(&profile, now);
        assert_eq!(tokens.verify(&token, now), Some(profile.clone()));
        assert_eq!(
            tokens.verify(&token, now + REGISTRATION_TOKEN_LIFETIME),
            None,
            "expired"
        );
        assert_eq!(other.verify(&token, now), None, "another key");
        let (head, rest) = token.split_once('.').unwrap();
        assert!(
            tokens.verify(&format!("{head}x.{rest}"), now).is_none(),
            "altered"
        );
    }
}

//! Access tokens: short-lived EdDSA (Ed25519) JWTs. Functions that only verify tokens
//! hold the public key alone.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::keys::{KeyError, pkcs8_der, raw_public_key};
use crate::domain::{AccountId, Role, SessionId};

/// Clock skew we tolerate between issuer and verifier.
pub const TOKEN_LEEWAY_SECONDS: i64 = 30;
/// The longest lifetime an access token may have.
pub const MAX_ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
const ACCESS: &str = "access";

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    /// Token type: only "access" authenticates a request.
    pub token_use: String,
    /// Session family the token was issued for.
    pub sid: String,
    /// The account's token generation when issued; a newer one revokes this token.
    pub generation: u64,
    /// The roles when issued, for clients to shape their UI. Never used to authorise:
    /// the gate reads the roles of the account item, so a role change takes effect on
    /// the next request.
    pub roles: Vec<Role>,
    /// The display name when issued: what a paid post's answer shows as its author
    /// without a read (reads show the current name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What a verified access token says. The gate (`crate::gate`) checks it against the
/// account item in the same DynamoDB request that serves the route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    pub account_id: AccountId,
    pub roles: Vec<Role>,
    pub token_generation: u64,
    pub session_id: SessionId,
    pub display_name: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("token could not be verified: {0}")]
    Invalid(String),
    #[error("token expired")]
    Expired,
    #[error("not an access token")]
    WrongType,
}

pub struct TokenSigner {
    key: EncodingKey,
    issuer: String,
    audience: String,
    lifetime_seconds: i64,
}

impl TokenSigner {
    pub fn new(
        private_pkcs8_base64: &str,
        issuer: &str,
        audience: &str,
        lifetime_seconds: i64,
    ) -> Result<Self, KeyError> {
        if !(1..=MAX_ACCESS_TOKEN_SECONDS).contains(&lifetime_seconds) {
            return Err(KeyError(format!(
                "access token lifetime must be 1..={MAX_ACCESS_TOKEN_SECONDS} s"
            )));
        }
        let der = pkcs8_der(private_pkcs8_base64)?;
        Ok(Self {
            key: EncodingKey::from_ed_der(&der),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            lifetime_seconds,
        })
    }

    pub fn lifetime_seconds(&self) -> i64 {
        self.lifetime_seconds
    }

    pub fn issue(&self, user: &AuthUser, now: OffsetDateTime) -> String {
        let iat = now.unix_timestamp();
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user.account_id.to_string(),
            iat,
            exp: iat + self.lifetime_seconds,
            token_use: ACCESS.to_owned(),
            sid: user.session_id.to_string(),
            generation: user.token_generation,
            roles: user.roles.clone(),
            name: user.display_name.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &self.key)
            .expect("signing with a parsed Ed25519 key cannot fail")
    }
}

pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl TokenVerifier {
    pub fn new(public_base64url: &str, issuer: &str, audience: &str) -> Result<Self, KeyError> {
        let raw = raw_public_key(public_base64url)?;
        // The algorithm is pinned: a token naming any other `alg` (or `none`) is refused.
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Expiry is checked against the application clock below, so tests can move time.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Ok(Self {
            key: DecodingKey::from_ed_der(&raw),
            validation,
        })
    }

    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Result<AuthUser, TokenError> {
        let claims = jsonwebtoken::decode::<AccessClaims>(token, &self.key, &self.validation)
            .map_err(|e| TokenError::Invalid(e.to_string()))?
            .claims;
        let now = now.unix_timestamp();
        if claims.exp + TOKEN_LEEWAY_SECONDS <= now {
            return Err(TokenError::Expired);
        }
        if claims.iat > now + TOKEN_LEEWAY_SECONDS
            || claims.exp - claims.iat > MAX_ACCESS_TOKEN_SECONDS
        {
            return Err(TokenError::Invalid(
                "implausible issue time or lifetime".into(),
            ));
        }
        if claims.token_use != ACCESS {
            return Err(TokenError::WrongType);
        }
        let (Ok(account_id), Ok(session_id)) =
            (AccountId::parse(&claims.sub), SessionId::parse(&claims.sid))
        else {
            return Err(TokenError::Invalid("sub or sid is not an id".into()));
        };
        Ok(AuthUser {
            account_id,
            roles: claims.roles,
            token_generation: claims.generation,
            session_id,
            display_name: claims.name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Ed25519KeyPair;
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use time::Duration;

    fn user() -> AuthUser {
        AuthUser {
            account_id: AccountId::parse("01JA0000000000000000000001").unwrap(),
            roles: vec![Role::User],
            token_generation: 3,
            session_id: SessionId::parse("01JB0000000000000000000002").unwrap(),
            display_name: Some("Ada".into()),
        }
    }

    fn pair() -> (TokenSigner, TokenVerifier) {
        let keys = Ed25519KeyPair::generate();
        (
            TokenSigner::new(&keys.private_pkcs8_base64, "iss", "aud", 900).unwrap(),
            TokenVerifier::new(&keys.public_base64url, "iss", "aud").unwrap(),
        )
    }

    #[test]
    fn a_fresh_token_verifies_to_its_user() {
        let (signer, verifier) = pair();
        let now = OffsetDateTime::now_utc();
        assert_eq!(
            verifier.verify(&signer.issue(&user(), now), now),
            Ok(user())
        );
    }

    #[test]
    fn expiry_honours_the_leeway_only() {
        let (signer, verifier) = pair();
        let now = OffsetDateTime::now_utc();
        let token = signer.issue(&user(), now);
        assert!(
            verifier
                .verify(&token, now + Duration::seconds(900 + 29))
                .is_ok()
        );
        assert_eq!(
            verifier.verify(&token, now + Duration::seconds(900 + 30)),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn refuses_other_keys_issuers_audiences_and_tampering() {
        let (signer, verifier) = pair();
        let (other_signer, _) = pair();
        let now = OffsetDateTime::now_utc();
        assert!(
            verifier
                .verify(&other_signer.issue(&user(), now), now)
                .is_err()
        );

        let keys = Ed25519KeyPair::generate();
        let other_issuer =
            TokenSigner::new(&keys.private_pkcs8_base64, "evil", "aud", 900).unwrap();
        let same_key_verifier = TokenVerifier::new(&keys.public_base64url, "iss", "aud").unwrap();
        assert!(
            same_key_verifier
                .verify(&other_issuer.issue(&user(), now), now)
                .is_err()
        );

        let token = signer.issue(&user(), now);
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
        payload["roles"] = serde_json::json!(["admin"]);
        parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
        assert!(verifier.verify(&parts.join("."), now).is_err());
    }

    #[test]
    fn refuses_alg_none_and_lifetimes_over_fifteen_minutes() {
        let (signer, verifier) = pair();
        let now = OffsetDateTime::now_utc();
        let token = signer.issue(&user(), now);
        let payload = token.split('.').nth(1).unwrap();
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        assert!(
            verifier
                .verify(&format!("{header}.{payload}."), now)
                .is_err()
        );
        assert!(
            TokenSigner::new(
                &Ed25519KeyPair::generate().private_pkcs8_base64,
                "i",
                "a",
                901
            )
            .is_err()
        );
    }
}

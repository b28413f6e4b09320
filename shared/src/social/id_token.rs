//! ID-token verification (OpenID Connect Core §3.1.3.7) against a provider's published
//! keys: the signature by a key of the JWKS under a pinned algorithm, `iss`, `aud`,
//! `exp`, `iat` and the `nonce` the authorization was made with.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::auth::TOKEN_LEEWAY_SECONDS;

/// What the token must say to be accepted.
pub struct IdTokenCheck<'a> {
    /// The issuer identifiers the provider's tokens may carry (one, or a legacy form too).
    pub issuers: &'a [String],
    /// The client id: the token must be issued to us.
    pub audience: &'a str,
    pub nonce: &'a str,
    pub algorithms: &'a [Algorithm],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    /// No key of the set has the token's `kid` (the set may have rotated: fetch it again).
    #[error("no published key has the token's kid")]
    UnknownKey,
    #[error("invalid ID token: {0}")]
    Invalid(String),
}

/// The claims we read.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub sub: String,
    #[serde(default)]
    pub email: Option<String>,
    /// A boolean, or (some providers) the string "true"/"false".
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    exp: i64,
    iat: i64,
}

impl IdClaims {
    pub fn email_verified(&self) -> bool {
        match &self.email_verified {
            Some(serde_json::Value::Bool(verified)) => *verified,
            Some(serde_json::Value::String(verified)) => verified == "true",
            _ => false,
        }
    }
}

/// Verifies `token` with the keys of `keys` as `check` says, at `now`.
pub fn verify_id_token(
    token: &str,
    keys: &JwkSet,
    check: &IdTokenCheck<'_>,
    now: OffsetDateTime,
) -> Result<IdClaims, IdTokenError> {
    let invalid = |e: &dyn std::fmt::Display| IdTokenError::Invalid(e.to_string());
    let header = jsonwebtoken::decode_header(token).map_err(|e| invalid(&e))?;
    if !check.algorithms.contains(&header.alg) {
        return Err(IdTokenError::Invalid(format!(
            "algorithm {:?} is not accepted",
            header.alg
        )));
    }
    let kid = header
        .kid
        .ok_or_else(|| IdTokenError::Invalid("no kid".into()))?;
    let jwk = keys.find(&kid).ok_or(IdTokenError::UnknownKey)?;
    // A key published for another algorithm does not verify this one's tokens.
    if let Some(published) = jwk.common.key_algorithm
        && published.to_string() != format!("{:?}", header.alg)
    {
        return Err(IdTokenError::Invalid(
            "the key is for another algorithm".into(),
        ));
    }
    let key = DecodingKey::from_jwk(jwk).map_err(|e| invalid(&e))?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(check.issuers);
    validation.set_audience(&[check.audience]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    // Expiry against the application clock, below.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let claims = jsonwebtoken::decode::<IdClaims>(token, &key, &validation)
        .map_err(|e| invalid(&e))?
        .claims;
    let now = now.unix_timestamp();
    if claims.exp.saturating_add(TOKEN_LEEWAY_SECONDS) <= now {
        return Err(IdTokenError::Invalid("expired".into()));
    }
    if claims.iat > now.saturating_add(TOKEN_LEEWAY_SECONDS) {
        return Err(IdTokenError::Invalid("issued in the future".into()));
    }
    if claims.nonce.as_deref() != Some(check.nonce) {
        return Err(IdTokenError::Invalid(
            "the nonce is not this authorization's".into(),
        ));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    const ISSUER: &str = "https://idp.example";
    const LEGACY_ISSUER: &str = "accounts.example.com";
    const CLIENT: &str = "our-client";
    const NONCE: &str = "n-0S6_WzA2Mj";

    struct TestKey {
        kid: &'static str,
        pkcs8: Vec<u8>,
        public: Vec<u8>,
    }

    fn key(kid: &'static str) -> TestKey {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .unwrap()
                .as_ref()
                .to_vec();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8).unwrap();
        TestKey {
            kid,
            public: pair.public_key().as_ref().to_vec(),
            pkcs8,
        }
    }

    fn jwks(keys: &[&TestKey]) -> JwkSet {
        let keys: Vec<_> = keys
            .iter()
            .map(|k| {
                json!({"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": k.kid,
                       "x": URL_SAFE_NO_PAD.encode(&k.public[1..33]),
                       "y": URL_SAFE_NO_PAD.encode(&k.public[33..65])})
            })
            .collect();
        serde_json::from_value(json!({ "keys": keys })).unwrap()
    }

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2027-02-01 12:00 UTC)
    }

    fn sign(key: &TestKey, claims: serde_json::Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(key.kid.into());
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(&key.pkcs8)).unwrap()
    }

    fn claims() -> serde_json::Value {
        let iat = now().unix_timestamp();
        json!({"iss": ISSUER, "aud": CLIENT, "sub": "10769150350006150715113082367",
               "email": "ada@example.com", "email_verified": true, "name": "Ada",
               "nonce": NONCE, "iat": iat, "exp": iat + 3600})
    }

    fn issuers() -> &'static [String] {
        static ISSUERS: std::sync::LazyLock<Vec<String>> =
            std::sync::LazyLock::new(|| vec![ISSUER.to_owned(), LEGACY_ISSUER.to_owned()]);
        &ISSUERS
    }

    fn check() -> IdTokenCheck<'static> {
        IdTokenCheck {
            issuers: issuers(),
            audience: CLIENT,
            nonce: NONCE,
            algorithms: &[Algorithm::ES256],
        }
    }

    fn with(changes: serde_json::Value) -> serde_json::Value {
        let mut claims = claims();
        for (name, value) in changes.as_object().unwrap() {
            claims[name] = value.clone();
        }
        claims
    }

    #[test]
    fn a_token_of_the_providers_key_for_us_with_our_nonce_is_accepted() {
        let published = key("k1");
        let claims = verify_id_token(
            &sign(&published, claims()),
            &jwks(&[&published]),
            &check(),
            now(),
        )
        .unwrap();
        assert_eq!(claims.sub, "10769150350006150715113082367");
        assert!(claims.email_verified());
        // Either issuer identifier the provider publishes (Google: with and without https).
        let legacy = sign(&published, with(json!({"iss": LEGACY_ISSUER})));
        assert!(verify_id_token(&legacy, &jwks(&[&published]), &check(), now()).is_ok());
        let string_flag = sign(&published, with(json!({"email_verified": "true"})));
        assert!(
            verify_id_token(&string_flag, &jwks(&[&published]), &check(), now())
                .unwrap()
                .email_verified()
        );
    }

    #[test]
    fn every_other_token_is_refused() {
        let published = key("k1");
        let other = key("k2");
        // Another key under the published key's id: a forged signature.
        let impostor = TestKey {
            kid: "k1",
            ..key("k1")
        };
        let iat = now().unix_timestamp();
        let cases = [
            ("signed by another key", sign(&impostor, claims())),
            (
                "for another audience",
                sign(&published, with(json!({"aud": "someone-else"}))),
            ),
            (
                "from another issuer (mix-up)",
                sign(&published, with(json!({"iss": "https://evil.example"}))),
            ),
            (
                "expired",
                sign(
                    &published,
                    with(json!({"iat": iat - 7200, "exp": iat - 3600})),
                ),
            ),
            (
                "issued in the future",
                sign(
                    &published,
                    with(json!({"iat": iat + 3600, "exp": iat + 7200})),
                ),
            ),
            (
                "a wrong nonce",
                sign(&published, with(json!({"nonce": "replayed"}))),
            ),
            ("no nonce", sign(&published, with(json!({"nonce": null})))),
            ("no subject", sign(&published, with(json!({"sub": null})))),
            ("unsigned", {
                let token = sign(&published, claims());
                let (head_and_body, _) = token.rsplit_once('.').unwrap();
                format!("{head_and_body}.")
            }),
        ];
        for (case, token) in cases {
            assert!(
                verify_id_token(&token, &jwks(&[&published, &other]), &check(), now()).is_err(),
                "{case}"
            );
        }
        let unknown = sign(&other, claims());
        assert_eq!(
            verify_id_token(&unknown, &jwks(&[&published]), &check(), now()).unwrap_err(),
            IdTokenError::UnknownKey
        );
        // An algorithm the row does not name is refused before any key is looked at.
        let rs_only = IdTokenCheck {
            algorithms: &[Algorithm::RS256],
            ..check()
        };
        assert!(
            verify_id_token(
                &sign(&published, claims()),
                &jwks(&[&published]),
                &rs_only,
                now()
            )
            .is_err()
        );
    }
}

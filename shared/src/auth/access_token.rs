//! Access tokens: short-lived EdDSA (Ed25519) JWTs, typed `at+jwt` (RFC 9068) and naming
//! their signing key by `kid`, so the key can be rotated without logging anyone out:
//! during a rotation the verifiers hold the old and the new public key. Functions that
//! only verify tokens hold public keys alone.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::keys::{Ed25519KeyPair, KeyError, VerificationKey, pkcs8_der, raw_public_key};
use crate::domain::{AccountId, Role, SessionId, SessionScope};

/// Clock skew we tolerate between issuer and verifier.
pub const TOKEN_LEEWAY_SECONDS: i64 = 30;
/// The longest lifetime an access token may have.
pub const MAX_ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
const ACCESS: &str = "access";
/// The JOSE header `typ` of an access token (RFC 9068 §2.1; RFC 8725 §3.11: explicit
/// typing, so no other JWT signed with the same key passes for one).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";

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
    /// The session's scope when it is not the full one (`privacy`): the gate lets such a
    /// token reach only the routes that declare they take it.
    #[serde(default, skip_serializing_if = "SessionScope::is_full")]
    pub scope: SessionScope,
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
    /// The session's scope (a privacy session's tokens reach only the privacy routes).
    pub scope: SessionScope,
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
    kid: String,
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
        let public = Ed25519KeyPair::public_of(private_pkcs8_base64)?;
        Ok(Self {
            key: EncodingKey::from_ed_der(&der),
            kid: super::keys::key_id(&public)?,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            lifetime_seconds,
        })
    }

    /// Names the key `kid` instead of its thumbprint.
    pub fn with_kid(mut self, kid: &str) -> Self {
        self.kid = kid.to_owned();
        self
    }

    /// The key id every token this signer issues names.
    pub fn kid(&self) -> &str {
        &self.kid
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
            scope: user.scope,
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(ACCESS_TOKEN_TYPE.to_owned());
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.key)
            .expect("signing with a parsed Ed25519 key cannot fail")
    }
}

pub struct TokenVerifier {
    /// Every key a valid token may name: one, or two while the signing key is rotated.
    keys: Vec<(String, DecodingKey)>,
    validation: Validation,
}

impl TokenVerifier {
    /// A verifier of the one key `public_base64url`, under its thumbprint.
    pub fn new(public_base64url: &str, issuer: &str, audience: &str) -> Result<Self, KeyError> {
        Self::with_keys(&[VerificationKey::new(public_base64url)?], issuer, audience)
    }

    pub fn with_keys(
        keys: &[VerificationKey],
        issuer: &str,
        audience: &str,
    ) -> Result<Self, KeyError> {
        let keys = keys
            .iter()
            .map(|key| {
                let raw = raw_public_key(&key.public_base64url)?;
                Ok((key.kid.clone(), DecodingKey::from_ed_der(&raw)))
            })
            .collect::<Result<Vec<_>, KeyError>>()?;
        // The algorithm is pinned: a token naming any other `alg` (or `none`) is refused.
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Expiry is checked against the application clock below, so tests can move time.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Ok(Self { keys, validation })
    }

    /// Whether tokens naming `kid` verify with `public_base64url` here.
    pub fn accepts_key(&self, kid: &str, public_base64url: &str) -> bool {
        let Ok(raw) = raw_public_key(public_base64url) else {
            return false;
        };
        let candidate = DecodingKey::from_ed_der(&raw);
        self.keys
            .iter()
            .any(|(id, key)| id == kid && key.as_bytes() == candidate.as_bytes())
    }

    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Result<AuthUser, TokenError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| TokenError::Invalid(e.to_string()))?;
        let typed = header.typ.as_deref().is_some_and(|typ| {
            typ.eq_ignore_ascii_case(ACCESS_TOKEN_TYPE)
                || typ.eq_ignore_ascii_case("application/at+jwt")
        });
        if !typed {
            return Err(TokenError::WrongType);
        }
        let kid = header
            .kid
            .ok_or_else(|| TokenError::Invalid("no kid".into()))?;
        let (_, key) = self
            .keys
            .iter()
            .find(|(id, _)| *id == kid)
            .ok_or_else(|| TokenError::Invalid("unknown kid".into()))?;
        let claims = jsonwebtoken::decode::<AccessClaims>(token, key, &self.validation)
            .map_err(|e| TokenError::Invalid(e.to_string()))?
            .claims;
        let now = now.unix_timestamp();
        if claims.exp.saturating_add(TOKEN_LEEWAY_SECONDS) <= now {
            return Err(TokenError::Expired);
        }
        if claims.iat > now.saturating_add(TOKEN_LEEWAY_SECONDS)
            || claims.exp.saturating_sub(claims.iat) > MAX_ACCESS_TOKEN_SECONDS
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
            scope: claims.scope,
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
            scope: SessionScope::Full,
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
        let privacy = AuthUser {
            scope: SessionScope::Privacy,
            ..user()
        };
        assert_eq!(
            verifier.verify(&signer.issue(&privacy, now), now),
            Ok(privacy),
            "a privacy session's token says so"
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

    /// A token signed by `keys` whose header is `header` (claims of a valid token).
    fn with_header(keys: &Ed25519KeyPair, header: Header, now: OffsetDateTime) -> String {
        let (signer, _) = pair_of(keys);
        let token = signer.issue(&user(), now);
        let claims: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(token.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap();
        let der = pkcs8_der(&keys.private_pkcs8_base64).unwrap();
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(&der)).unwrap()
    }

    fn pair_of(keys: &Ed25519KeyPair) -> (TokenSigner, TokenVerifier) {
        (
            TokenSigner::new(&keys.private_pkcs8_base64, "iss", "aud", 900).unwrap(),
            TokenVerifier::new(&keys.public_base64url, "iss", "aud").unwrap(),
        )
    }

    #[test]
    fn tokens_are_typed_at_jwt_and_name_their_key() {
        let keys = Ed25519KeyPair::generate();
        let (signer, verifier) = pair_of(&keys);
        let now = OffsetDateTime::now_utc();
        let header = jsonwebtoken::decode_header(signer.issue(&user(), now)).unwrap();
        assert_eq!(header.typ.as_deref(), Some("at+jwt"));
        assert_eq!(
            header.kid.as_deref(),
            Some(
                crate::auth::key_id(&keys.public_base64url)
                    .unwrap()
                    .as_str()
            )
        );
        assert_eq!(header.alg, Algorithm::EdDSA);

        let kid = signer.kid().to_owned();
        let header_with = |typ: Option<&str>, kid: Option<&str>| {
            let mut header = Header::new(Algorithm::EdDSA);
            header.typ = typ.map(str::to_owned);
            header.kid = kid.map(str::to_owned);
            header
        };
        let accepted = [
            ("at+jwt", Some("at+jwt")),
            ("media type, any case", Some("Application/AT+JWT")),
        ];
        for (why, typ) in accepted {
            let token = with_header(&keys, header_with(typ, Some(&kid)), now);
            assert!(verifier.verify(&token, now).is_ok(), "{why}");
        }
        let refused = [
            (
                "typ JWT",
                header_with(Some("JWT"), Some(&kid)),
                TokenError::WrongType,
            ),
            (
                "no typ",
                header_with(None, Some(&kid)),
                TokenError::WrongType,
            ),
            (
                "no kid",
                header_with(Some("at+jwt"), None),
                TokenError::Invalid("no kid".into()),
            ),
            (
                "unknown kid",
                header_with(Some("at+jwt"), Some("other")),
                TokenError::Invalid("unknown kid".into()),
            ),
        ];
        for (why, header, error) in refused {
            let token = with_header(&keys, header, now);
            assert_eq!(verifier.verify(&token, now), Err(error), "{why}");
        }
    }

    #[test]
    fn two_keys_verify_during_a_rotation_and_a_kid_binds_its_key() {
        let old = Ed25519KeyPair::generate();
        let new = Ed25519KeyPair::generate();
        let now = OffsetDateTime::now_utc();
        let old_signer = TokenSigner::new(&old.private_pkcs8_base64, "iss", "aud", 900).unwrap();
        let new_signer = TokenSigner::new(&new.private_pkcs8_base64, "iss", "aud", 900)
            .unwrap()
            .with_kid("2026-12");
        let both = TokenVerifier::with_keys(
            &[
                VerificationKey::new(&old.public_base64url).unwrap(),
                VerificationKey::named("2026-12", &new.public_base64url).unwrap(),
            ],
            "iss",
            "aud",
        )
        .unwrap();
        let old_token = old_signer.issue(&user(), now);
        let new_token = new_signer.issue(&user(), now);
        assert_eq!(both.verify(&old_token, now), Ok(user()));
        assert_eq!(both.verify(&new_token, now), Ok(user()));
        assert!(both.accepts_key("2026-12", &new.public_base64url));
        assert!(!both.accepts_key("2026-12", &old.public_base64url));

        // the rotation is over: the old key is gone, its tokens with it
        let after = TokenVerifier::with_keys(
            &[VerificationKey::named("2026-12", &new.public_base64url).unwrap()],
            "iss",
            "aud",
        )
        .unwrap();
        assert!(after.verify(&old_token, now).is_err());
        assert_eq!(after.verify(&new_token, now), Ok(user()));

        // a token signed by the old key but naming the new key's id fails its signature
        let forged = old_signer.with_kid("2026-12").issue(&user(), now);
        assert!(matches!(
            both.verify(&forged, now),
            Err(TokenError::Invalid(_))
        ));
    }

    #[test]
    fn extreme_times_are_refusals_not_panics() {
        let (signer, verifier) = pair();
        for (issued, checked) in [
            (
                OffsetDateTime::now_utc(),
                time::macros::datetime!(9999-12-31 23:59:59 UTC),
            ),
            (
                time::macros::datetime!(1970-01-01 0:00 UTC),
                OffsetDateTime::now_utc(),
            ),
        ] {
            assert!(
                verifier
                    .verify(&signer.issue(&user(), issued), checked)
                    .is_err()
            );
        }
    }
}

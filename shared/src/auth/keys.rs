//! Ed25519 key material in the textual forms our configuration carries.

use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

#[derive(Debug, thiserror::Error)]
#[error("invalid key: {0}")]
pub struct KeyError(pub String);

/// A signing key (base64 PKCS#8 DER) and its public key (base64url, raw 32 bytes).
#[derive(Clone)]
pub struct Ed25519KeyPair {
    pub private_pkcs8_base64: String,
    pub public_base64url: String,
}

impl Ed25519KeyPair {
    pub fn generate() -> Self {
        let pkcs8 = signature::Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .expect("Ed25519 key generation");
        let pair = signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("fresh key parses");
        Self {
            private_pkcs8_base64: STANDARD.encode(pkcs8.as_ref()),
            public_base64url: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        }
    }

    /// The public half of a base64 PKCS#8 private key.
    pub fn public_of(private_pkcs8_base64: &str) -> Result<String, KeyError> {
        let der = pkcs8_der(private_pkcs8_base64)?;
        let pair = signature::Ed25519KeyPair::from_pkcs8(&der)
            .map_err(|e| KeyError(format!("not an Ed25519 PKCS#8 key: {e}")))?;
        Ok(URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()))
    }
}

/// The key id of an Ed25519 public key when none is given: its JWK thumbprint (RFC 7638,
/// SHA-256 of `{"crv":"Ed25519","kty":"OKP","x":…}`), so a key names itself the same
/// way wherever it is configured.
pub fn key_id(public_base64url: &str) -> Result<String, KeyError> {
    let x = URL_SAFE_NO_PAD.encode(raw_public_key(public_base64url)?);
    let jwk = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    Ok(URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, jwk.as_bytes())))
}

/// A public key that verifies access tokens, and the key id tokens name it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationKey {
    pub kid: String,
    /// base64url of the raw 32-byte Ed25519 public key.
    pub public_base64url: String,
}

impl VerificationKey {
    /// A key under its thumbprint.
    pub fn new(public_base64url: &str) -> Result<Self, KeyError> {
        Self::named(&key_id(public_base64url)?, public_base64url)
    }

    pub fn named(kid: &str, public_base64url: &str) -> Result<Self, KeyError> {
        let valid_kid = (1..=64).contains(&kid.len())
            && kid
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if !valid_kid {
            return Err(KeyError(format!(
                "key id {kid:?}: 1-64 letters, digits, '-', '_' or '.'"
            )));
        }
        raw_public_key(public_base64url)?;
        Ok(Self {
            kid: kid.to_owned(),
            public_base64url: public_base64url.trim().to_owned(),
        })
    }

    /// A list as configured: `kid:key` or `key` (then the kid is the key's thumbprint)
    /// entries separated by commas. Two keys while the signing key is rotated.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, KeyError> {
        let keys = text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| match entry.split_once(':') {
                Some((kid, key)) => Self::named(kid.trim(), key),
                None => Self::new(entry),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(KeyError("no public key is listed".into()));
        }
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].iter().any(|earlier| earlier.kid == key.kid) {
                return Err(KeyError(format!("key id {} is listed twice", key.kid)));
            }
        }
        Ok(keys)
    }
}

pub(crate) fn pkcs8_der(private_pkcs8_base64: &str) -> Result<Vec<u8>, KeyError> {
    STANDARD
        .decode(private_pkcs8_base64.trim())
        .map_err(|e| KeyError(format!("private key is not base64: {e}")))
}

pub(crate) fn raw_public_key(public_base64url: &str) -> Result<Vec<u8>, KeyError> {
    let raw = URL_SAFE_NO_PAD
        .decode(public_base64url.trim().trim_end_matches('='))
        .map_err(|e| KeyError(format!("public key is not base64url: {e}")))?;
    if raw.len() == 32 {
        Ok(raw)
    } else {
        Err(KeyError(format!(
            "an Ed25519 public key has 32 bytes, not {}",
            raw.len()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_rfc_7638_thumbprints() {
        // RFC 8037, appendix A.3: the thumbprint of its example Ed25519 key.
        assert_eq!(
            key_id("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").unwrap(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn key_lists_name_each_key_once() {
        let a = Ed25519KeyPair::generate().public_base64url;
        let b = Ed25519KeyPair::generate().public_base64url;
        let keys = VerificationKey::parse_list(&format!(" old:{a} , {b} ")).unwrap();
        assert_eq!(keys[0], VerificationKey::named("old", &a).unwrap());
        assert_eq!(keys[1].kid, key_id(&b).unwrap());
        for bad in [
            String::new(),
            format!("x:{a},x:{b}"),
            format!("bad kid:{a}"),
            format!("k:{}", &a[1..]),
            "k:not base64!".to_owned(),
        ] {
            assert!(VerificationKey::parse_list(&bad).is_err(), "{bad:?}");
        }
    }
}

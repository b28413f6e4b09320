//! Ed25519 key material in the textual forms our configuration carries.

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

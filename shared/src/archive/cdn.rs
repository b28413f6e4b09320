//! CloudFront signed URLs (canned policy, RSA with SHA-256): the archive's distribution
//! serves a recording only under a URL signed by a key of its trusted key group, and only
//! the voice route signs, after checking the caller may see the message. An expiry is
//! rounded up to the end of the next whole window, so every listener of a recording in
//! one window gets the same URL (browsers and the 302 cache it), and a URL handed out just
//! before a message is hidden works for at most two windows.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Signs CloudFront URLs with one key of the distribution's trusted key group.
pub struct CdnSigner {
    base_url: String,
    key_pair_id: String,
    key: RsaKeyPair,
}

impl std::fmt::Debug for CdnSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CdnSigner")
            .field("base_url", &self.base_url)
            .field("key_pair_id", &self.key_pair_id)
            .finish_non_exhaustive()
    }
}

impl CdnSigner {
    /// `private_key`: an RSA private key as PKCS#8, in PEM or as bare base64 of the DER.
    pub fn new(base_url: &str, key_pair_id: &str, private_key: &str) -> Result<Self, String> {
        let base64: String = private_key
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .flat_map(|line| line.chars().filter(|c| !c.is_whitespace()))
            .collect();
        let der = STANDARD
            .decode(base64)
            .map_err(|e| format!("the CDN signing key is not base64 or PEM: {e}"))?;
        let key = RsaKeyPair::from_pkcs8(&der)
            .map_err(|e| format!("the CDN signing key is not an RSA PKCS#8 key: {e}"))?;
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            key_pair_id: key_pair_id.to_owned(),
            key,
        })
    }

    /// When a URL issued at `now` expires: the end of the window after the current one.
    pub fn expiry(now: SystemTime, window: Duration) -> u64 {
        let window = window.as_secs().max(1);
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        (now / window + 2) * window
    }

    /// The signed URL of `key` (an archive object key), valid until `expires` (Unix
    /// seconds).
    pub fn sign(&self, key: &str, expires: u64) -> Result<String, String> {
        let resource = format!("{}/{key}", self.base_url);
        let policy = format!(
            r#"{{"Statement":[{{"Resource":"{resource}","Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}"#
        );
        let mut signature = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                policy.as_bytes(),
                &mut signature,
            )
            .map_err(|e| format!("signing a CDN URL: {e}"))?;
        Ok(format!(
            "{resource}?Expires={expires}&Signature={}&Key-Pair-Id={}&Hash-Algorithm=SHA256",
            url_safe(&STANDARD.encode(signature)),
            self.key_pair_id
        ))
    }
}

/// CloudFront's URL-safe base64: `+` → `-`, `=` → `_`, `/` → `~`.
fn url_safe(base64: &str) -> String {
    base64
        .chars()
        .map(|c| match c {
            '+' => '-',
            '=' => '_',
            '/' => '~',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};

    /// A 2048-bit key made for this test only.
    fn test_key() -> (String, RsaKeyPair) {
        let pkcs8 = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .unwrap()
            .as_der()
            .unwrap();
        let base64 = STANDARD.encode(pkcs8.as_ref());
        let pair = RsaKeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        (base64, pair)
    }

    #[test]
    fn a_signed_url_carries_a_canned_policy_signature_cloudfront_verifies() {
        let (base64, pair) = test_key();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            base64
        );
        let signer =
            CdnSigner::new("https://d111.cloudfront.net/", "K2JCJMDEHXQW5F", &pem).unwrap();
        let url = signer.sign("voice/abc", 1_767_290_400).unwrap();
        let (resource, query) = url.split_once('?').unwrap();
        assert_eq!(resource, "https://d111.cloudfront.net/voice/abc");
        let params: Vec<(&str, &str)> = query
            .split('&')
            .map(|pair| pair.split_once('=').unwrap())
            .collect();
        let get = |name: &str| params.iter().find(|(n, _)| *n == name).unwrap().1;
        assert_eq!(get("Expires"), "1767290400");
        assert_eq!(get("Key-Pair-Id"), "K2JCJMDEHXQW5F");
        assert_eq!(get("Hash-Algorithm"), "SHA256");
        let signature = get("Signature");
        assert!(!signature.contains(['+', '=', '/']));
        let restored: String = signature
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '=',
                '~' => '/',
                c => c,
            })
            .collect();
        let policy = r#"{"Statement":[{"Resource":"https://d111.cloudfront.net/voice/abc","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}"#;
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref())
            .verify(policy.as_bytes(), &STANDARD.decode(restored).unwrap())
            .expect("the signature is over the canned policy");
    }

    #[test]
    fn expiries_are_shared_within_a_window_and_last_at_most_two() {
        let window = Duration::from_secs(300);
        let at = |s: u64| UNIX_EPOCH + Duration::from_secs(s);
        assert_eq!(CdnSigner::expiry(at(3000), window), 3600);
        assert_eq!(CdnSigner::expiry(at(3299), window), 3600);
        assert_eq!(CdnSigner::expiry(at(3300), window), 3900);
        for s in [3000, 3001, 3299] {
            let left = CdnSigner::expiry(at(s), window) - s;
            assert!(left > 300 && left <= 600, "{s}: {left}");
        }
    }

    #[test]
    fn a_key_that_is_not_rsa_pkcs8_is_refused() {
        assert!(CdnSigner::new("https://x", "K", "bm90IGEga2V5").is_err());
        assert!(CdnSigner::new("https://x", "K", "!!").is_err());
    }
}

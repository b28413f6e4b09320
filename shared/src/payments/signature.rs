//! `Stripe-Signature` verification, done here rather than by async-stripe-webhook so
//! that every `v1` signature is tried (Stripe sends several while a secret is rolled).

use aws_lc_rs::hmac;

/// Deliveries signed longer ago than this are refused as replays.
pub const SIGNATURE_TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the signature timestamp is outside the tolerance")]
    Stale,
    #[error("no v1 signature matches")]
    NoMatch,
}

/// Checks `header` against HMAC-SHA256(secret, "{t}.{raw body}"), in constant time.
pub fn verify_signature(
    header: Option<&str>,
    raw_body: &[u8],
    secret: &str,
    now_unix: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" if timestamp.is_none() => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                )
            }
            "t" => return Err(SignatureError::Malformed),
            // A junk value does not spoil the others: it just cannot match.
            "v1" => signatures.extend(decode_hex(value)),
            _ => {} // v0 and future schemes are not trusted
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    // `abs_diff`: the distance of any two i64s fits a u64; `now - t` overflows for
    // t near -2^63 (a panic in debug builds, a wrapped "fresh" stamp in release).
    if now_unix.abs_diff(timestamp) > SIGNATURE_TOLERANCE_SECONDS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let signed = signed_payload(timestamp, raw_body);
    if signatures
        .iter()
        .any(|signature| hmac::verify(&key, &signed, signature).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::NoMatch)
    }
}

/// A `Stripe-Signature` header for `raw_body`, as Stripe computes it (local checkout
/// page, tests).
pub fn sign_payload(raw_body: &[u8], secret: &str, timestamp: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let tag = hmac::sign(&key, &signed_payload(timestamp, raw_body));
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

fn signed_payload(timestamp: i64, raw_body: &[u8]) -> Vec<u8> {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(raw_body);
    signed
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;
    const NOW: i64 = 1_795_838_400;

    fn verify(header: &str) -> Result<(), SignatureError> {
        verify_signature(Some(header), BODY, SECRET, NOW)
    }

    #[test]
    fn accepts_a_fresh_signature_and_any_matching_v1() {
        let good = sign_payload(BODY, SECRET, NOW);
        assert_eq!(verify(&good), Ok(()));
        let v1 = good.split("v1=").nth(1).unwrap();
        assert_eq!(
            verify(&format!("t={NOW},v1={},v1={v1}", "ab".repeat(32))),
            Ok(()),
            "junk v1 first"
        );
        assert_eq!(
            verify(&format!("t={NOW},v1=zz,v1={v1}")),
            Ok(()),
            "non-hex v1 first"
        );
        assert_eq!(
            verify(&format!("t={NOW},v1={v1},v0={}", "cd".repeat(32))),
            Ok(())
        );
    }

    #[test]
    fn refuses_everything_else() {
        let good = sign_payload(BODY, SECRET, NOW);
        let v1 = good.split("v1=").nth(1).unwrap().to_owned();
        let cases = [
            (
                "wrong secret",
                sign_payload(BODY, "whsec_other", NOW),
                SignatureError::NoMatch,
            ),
            (
                "tampered body",
                sign_payload(b"{}", SECRET, NOW),
                SignatureError::NoMatch,
            ),
            (
                "301 s old",
                sign_payload(BODY, SECRET, NOW - 301),
                SignatureError::Stale,
            ),
            (
                "only v0",
                format!("t={NOW},v0={v1}"),
                SignatureError::NoMatch,
            ),
            (
                "no timestamp",
                format!("v1={v1}"),
                SignatureError::Malformed,
            ),
            (
                "two timestamps",
                format!("t={NOW},t={NOW},v1={v1}"),
                SignatureError::Malformed,
            ),
            ("garbage", "garbage".to_owned(), SignatureError::Malformed),
        ];
        for (why, header, expected) in cases {
            assert_eq!(verify(&header), Err(expected), "{why}");
        }
        assert_eq!(
            verify_signature(None, BODY, SECRET, NOW),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(&sign_payload(BODY, SECRET, NOW - 300)),
            Ok(()),
            "300 s is within"
        );
    }

    #[test]
    fn timestamps_at_the_ends_of_i64_are_stale_not_a_panic() {
        for timestamp in [i64::MIN, i64::MIN + 1, i64::MAX, -1, 0] {
            assert_eq!(
                verify(&sign_payload(BODY, SECRET, timestamp)),
                Err(SignatureError::Stale),
                "t={timestamp}"
            );
        }
        for now in [i64::MIN, i64::MAX] {
            assert_eq!(
                verify_signature(Some(&sign_payload(BODY, SECRET, now)), BODY, SECRET, now),
                Ok(()),
                "a clock at {now} still compares"
            );
        }
        for header in [
            "t=9223372036854775808,v1=00",
            "t=-9223372036854775809,v1=00",
            "t=+-1,v1=00",
        ] {
            assert_eq!(verify(header), Err(SignatureError::Malformed), "{header}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_header_is_an_answer_never_a_panic(timestamp: i64, now: i64, junk in ".{0,40}") {
            let header = format!("t={timestamp},v1={junk}");
            let _ = verify_signature(Some(&header), BODY, SECRET, now);
            let _ = verify_signature(Some(&junk), BODY, SECRET, now);
        }
    }
}

//! AWS SDK configuration for a function's cold start.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};

/// The roots AWS service endpoints chain to (Amazon Root CA 1–4, Starfield Services
/// Root G2). Trusting these instead of the system's certificate folder saves reading
/// some 300 files on every cold start.
const AWS_ROOT_CERTIFICATES: &[u8] = include_bytes!("../certs/aws-roots.pem");

/// `aws-config` defaults (region, credentials, `AWS_ENDPOINT_URL_*` from the
/// environment) with an HTTPS client that trusts AWS's roots only.
pub async fn load_sdk_config() -> SdkConfig {
    let trust = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(AWS_ROOT_CERTIFICATES);
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .expect("the bundled AWS root certificates parse");
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(retry_config())
        .timeout_config(timeout_config())
        .load()
        .await
}

/// Three attempts with the SDK's standard backoff: throttling, 5xx, timeouts and broken
/// connections are retried, a write whose answer was lost too (transactions carry a
/// client request token, so DynamoDB applies them once).
pub fn retry_config() -> aws_config::retry::RetryConfig {
    aws_config::retry::RetryConfig::standard().with_max_attempts(3)
}

/// Bounded so that a function always answers within its Lambda timeout (10 s): each
/// attempt at most 2 s, a whole call with its retries at most 5 s; what still fails
/// becomes 503 `temporarily_unavailable`.
pub fn timeout_config() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(1))
        .operation_attempt_timeout(std::time::Duration::from_secs(2))
        .operation_timeout(std::time::Duration::from_secs(5))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_roots_are_the_five_aws_roots_and_parse() {
        let text = std::str::from_utf8(AWS_ROOT_CERTIFICATES).unwrap();
        assert_eq!(text.matches("-----BEGIN CERTIFICATE-----").count(), 5);
        let trust = TrustStore::empty()
            .with_native_roots(false)
            .with_pem_certificate(AWS_ROOT_CERTIFICATES);
        assert!(
            TlsContext::builder()
                .with_trust_store(trust)
                .build()
                .is_ok()
        );
    }
}

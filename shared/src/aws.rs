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
        .load()
        .await
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

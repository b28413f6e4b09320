//! AWS SDK configuration for a function's cold start.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};

/// The roots AWS service endpoints chain to (Amazon Root CA 1–4, Starfield Services
/// Root G2). Trusting these instead of the system's certificate folder saves reading
/// some 300 files on every cold start.
const AWS_ROOT_CERTIFICATES: &[u8] = include_bytes!("../certs/aws-roots.pem");

/// Benchmarks only: a PEM file of one more root to trust beside AWS's, so `bench/coldstart`
/// can measure the first TLS handshake against the embedded DynamoDB behind a test CA.
/// Read only when set; neither the template nor the local stack sets it, so a deployed
/// function trusts the five AWS roots alone (`docs/security.md`).
pub const BENCH_EXTRA_ROOT_VARIABLE: &str = "BENCH_EXTRA_ROOT_CERT_FILE";

/// `aws-config` defaults (region, credentials, `AWS_ENDPOINT_URL_*` from the
/// environment) with an HTTPS client that trusts AWS's roots only (and the bench's
/// test root when [`BENCH_EXTRA_ROOT_VARIABLE`] names one).
pub async fn load_sdk_config() -> SdkConfig {
    let bench_root = std::env::var_os(BENCH_EXTRA_ROOT_VARIABLE).map(|path| {
        std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{BENCH_EXTRA_ROOT_VARIABLE}={}: {e}",
                path.to_string_lossy()
            )
        })
    });
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client(bench_root))
        .retry_config(retry_config())
        .timeout_config(timeout_config())
        .load()
        .await
}

/// The SDK's HTTPS client: rustls on aws-lc-rs, trusting the bundled AWS roots and, if
/// given, one more PEM root (the bench's). Nothing else: no system roots.
pub fn https_client(extra_root_pem: Option<Vec<u8>>) -> aws_sdk_dynamodb::config::SharedHttpClient {
    let mut trust = TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(AWS_ROOT_CERTIFICATES);
    if let Some(pem) = extra_root_pem {
        trust.add_pem_certificate(pem);
    }
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .expect("the bundled AWS root certificates parse");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https()
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
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls;

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

    /// A test CA, as the bench makes one.
    fn test_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
    }

    /// An HTTPS server on loopback for `localhost`, its certificate signed by `ca`, that
    /// answers every request as DynamoDB answers an empty `ListTables`.
    async fn dynamodb_over_tls(ca: &CertifiedIssuer<'static, KeyPair>) -> u16 {
        let key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&key, ca)
            .unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(socket).await else {
                        return; // the client refused the certificate
                    };
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let body = br#"{"TableNames":[]}"#;
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = tls.write_all(head.as_bytes()).await;
                    let _ = tls.write_all(body).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        port
    }

    /// One `ListTables` to `https://{host}:{port}` through the functions' HTTPS client,
    /// without retries.
    async fn list_tables(
        host: &str,
        port: u16,
        extra_root_pem: Option<Vec<u8>>,
    ) -> Result<(), String> {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::for_tests())
            .endpoint_url(format!("https://{host}:{port}"))
            .http_client(https_client(extra_root_pem))
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
            .list_tables()
            .send()
            .await
            .map(|_| ())
            .map_err(|e| format!("{:?}", aws_sdk_dynamodb::error::DisplayErrorContext(e)))
    }

    #[tokio::test]
    async fn without_the_bench_root_a_certificate_of_another_ca_is_refused() {
        let ca = test_ca("not an AWS root");
        let port = dynamodb_over_tls(&ca).await;
        let refused = list_tables("localhost", port, None).await.unwrap_err();
        assert!(refused.contains("UnknownIssuer"), "{refused}");
    }

    #[tokio::test]
    async fn the_bench_root_is_trusted_and_verified_and_any_other_ca_still_refused() {
        let bench_ca = test_ca("bench CA");
        let port = dynamodb_over_tls(&bench_ca).await;
        list_tables("localhost", port, Some(bench_ca.pem().into_bytes()))
            .await
            .expect("a certificate of the bench's CA is trusted when it is given");

        let other_ca = test_ca("another CA");
        let other_port = dynamodb_over_tls(&other_ca).await;
        let refused = list_tables("localhost", other_port, Some(bench_ca.pem().into_bytes()))
            .await
            .unwrap_err();
        assert!(refused.contains("UnknownIssuer"), "{refused}");
    }

    /// The certificate is checked against the name asked for, not only its chain.
    #[tokio::test]
    async fn a_trusted_certificate_for_another_name_is_refused() {
        let bench_ca = test_ca("bench CA");
        let port = dynamodb_over_tls(&bench_ca).await;
        let refused = list_tables("127.0.0.1", port, Some(bench_ca.pem().into_bytes()))
            .await
            .unwrap_err();
        assert!(refused.contains("NotValidForName"), "{refused}");
    }

    /// `.cargo/config.toml` builds AWS-LC without CPU jitter entropy (its seeding cost
    /// ~30 ms on the first TLS handshake of every cold start; docs/security.md). Proven
    /// on what is linked: with jitter entropy, AWS-LC's generator links the jitterentropy
    /// library (`jent_entropy_collector_alloc`, kept in this unstripped test binary's
    /// symbols); without it, that library is not even compiled.
    #[test]
    fn aws_lc_is_built_without_jitter_entropy() {
        let mut draw = [0u8; 16];
        aws_lc_rs::rand::fill(&mut draw).unwrap(); // the generator is linked and used
        let config = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cargo/config.toml"),
        )
        .unwrap();
        assert!(
            config.contains("AWS_LC_SYS_NO_JITTER_ENTROPY = \"1\""),
            ".cargo/config.toml no longer sets AWS_LC_SYS_NO_JITTER_ENTROPY"
        );
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        // The symbol's name, spelt backwards here so that this test's own text does not
        // put it in the binary.
        let needle: Vec<u8> = b"colla_rotcelloc_yportne_tnej"
            .iter()
            .rev()
            .copied()
            .collect();
        assert!(
            !exe.windows(needle.len()).any(|w| w == needle),
            "the linked AWS-LC was built with CPU jitter entropy: \
             AWS_LC_SYS_NO_JITTER_ENTROPY=1 did not reach aws-lc-sys's build"
        );
    }
}

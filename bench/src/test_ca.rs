//! The bench's test CA (coldstart --tls, tlsfirst): a chain with the shape of DynamoDB's
//! (an RSA-2048 root, an RSA-2048 intermediate, an RSA-2048 leaf; the server sends leaf
//! and intermediate), for `127.0.0.1`, and a rustls server configuration for it.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    PKCS_RSA_SHA256, RsaKeySize,
};
use tokio_rustls::rustls;

pub struct TestCa {
    /// The root, PEM: what a client must be told to trust.
    pub root_pem: String,
    #[allow(dead_code)] // coldstart checks its front with it; tlsfirst reads the PEM
    pub root_der: rustls::pki_types::CertificateDer<'static>,
    /// The server's configuration: leaf and intermediate, the leaf's key.
    pub server: Arc<rustls::ServerConfig>,
}

type Error = Box<dyn std::error::Error + Send + Sync>;

pub fn test_ca() -> Result<TestCa, Error> {
    let rsa = || KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048);
    let ca = |name: &str| -> Result<CertificateParams, Error> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        Ok(params)
    };
    let root = CertifiedIssuer::self_signed(ca("natives bench root CA")?, rsa()?)?;
    let intermediate =
        CertifiedIssuer::signed_by(ca("natives bench intermediate")?, rsa()?, &root)?;
    let leaf_key = rsa()?;
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])?;
    leaf.distinguished_name
        .push(DnType::CommonName, "dynamodb.bench.local");
    let leaf = leaf.signed_by(&leaf_key, &intermediate)?;
    let server = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(
        vec![leaf.der().clone(), intermediate.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
    )?;
    Ok(TestCa {
        root_pem: root.pem(),
        root_der: root.der().clone(),
        server: Arc::new(server),
    })
}

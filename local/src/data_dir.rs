//! What the local stack keeps in its data folder besides the databases: its signing keys
//! and, while `serve` runs, the addresses of its embedded services.

use std::path::{Path, PathBuf};

use natives_shared::auth::Ed25519KeyPair;
use serde::{Deserialize, Serialize};

use crate::BoxError;

pub fn dynamodb_file(data_dir: &Path) -> PathBuf {
    data_dir.join("dynamodb.sqlite3")
}

pub fn s3_root(data_dir: &Path) -> PathBuf {
    data_dir.join("s3")
}

#[derive(Serialize, Deserialize)]
struct StoredKeys {
    private_pkcs8_base64: String,
    public_base64url: String,
}

/// The JWT signing keys of this data folder, made on first use, so tokens survive restarts.
pub fn signing_keys(data_dir: &Path) -> Result<Ed25519KeyPair, BoxError> {
    let path = data_dir.join("jwt-ed25519.json");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let stored: StoredKeys = serde_json::from_str(&text)?;
        return Ok(Ed25519KeyPair {
            private_pkcs8_base64: stored.private_pkcs8_base64,
            public_base64url: stored.public_base64url,
        });
    }
    let keys = Ed25519KeyPair::generate();
    let stored = StoredKeys {
        private_pkcs8_base64: keys.private_pkcs8_base64.clone(),
        public_base64url: keys.public_base64url.clone(),
    };
    std::fs::write(&path, serde_json::to_string_pretty(&stored)?)?;
    Ok(keys)
}

/// The Stripe webhook secret of the local checkout page, made on first use.
pub fn webhook_secret(data_dir: &Path) -> Result<String, BoxError> {
    let path = data_dir.join("stripe-webhook-secret");
    if let Ok(secret) = std::fs::read_to_string(&path) {
        return Ok(secret.trim().to_owned());
    }
    let bytes = natives_shared::random::random_bytes::<24>();
    let secret = format!(
        "whsec_local_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    std::fs::write(&path, &secret)?;
    Ok(secret)
}

/// Where a running `serve` can be reached; other commands use it to share its data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Endpoints {
    pub api: String,
    pub dynamodb: String,
    pub s3: String,
}

fn endpoints_file(data_dir: &Path) -> PathBuf {
    data_dir.join("endpoints.json")
}

pub fn write_endpoints(data_dir: &Path, endpoints: &Endpoints) -> Result<(), BoxError> {
    std::fs::write(
        endpoints_file(data_dir),
        serde_json::to_string_pretty(endpoints)?,
    )?;
    Ok(())
}

pub fn remove_endpoints(data_dir: &Path) {
    let _ = std::fs::remove_file(endpoints_file(data_dir));
}

/// The endpoints of a `serve` that is running on this folder now, if any.
pub fn running_endpoints(data_dir: &Path) -> Option<Endpoints> {
    let endpoints: Endpoints =
        serde_json::from_str(&std::fs::read_to_string(endpoints_file(data_dir)).ok()?).ok()?;
    let address = endpoints.dynamodb.strip_prefix("http://")?.parse().ok()?;
    std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_millis(300))
        .ok()
        .map(|_| endpoints)
}

//! What the local stack keeps in its data folder besides the databases: its signing keys
//! and, while `serve` runs, the addresses of its embedded services. Key and secret files
//! are readable by their owner only (mode 0600).

use std::io::Write;
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
    let text = read_or_create_secret(&path, || {
        let keys = Ed25519KeyPair::generate();
        let stored = StoredKeys {
            private_pkcs8_base64: keys.private_pkcs8_base64,
            public_base64url: keys.public_base64url,
        };
        Ok(serde_json::to_string_pretty(&stored)?)
    })?;
    let stored: StoredKeys = serde_json::from_str(&text)?;
    Ok(Ed25519KeyPair {
        private_pkcs8_base64: stored.private_pkcs8_base64,
        public_base64url: stored.public_base64url,
    })
}

/// The Stripe webhook secret of the local checkout page, made on first use.
pub fn webhook_secret(data_dir: &Path) -> Result<String, BoxError> {
    let path = data_dir.join("stripe-webhook-secret");
    let secret = read_or_create_secret(&path, || {
        let bytes = natives_shared::random::random_bytes::<24>();
        Ok(format!(
            "whsec_local_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ))
    })?;
    Ok(secret.trim().to_owned())
}

/// The text of the secret file at `path`, made by `make` if there is none. The file is
/// written whole under a temporary name with mode 0600 and then linked into place, so
/// no reader ever sees it partly written or readable by others, and of two processes
/// starting on one folder the first one's secret wins. A file left by an older version
/// with a wider mode is narrowed to 0600.
fn read_or_create_secret(
    path: &Path,
    make: impl FnOnce() -> Result<String, BoxError>,
) -> Result<String, BoxError> {
    if let Ok(text) = std::fs::read_to_string(path) {
        owner_only(path)?;
        return Ok(text);
    }
    let temporary = path.with_extension(format!("tmp-{}", ulid::Ulid::new()));
    let mut file = secret_file_options().open(&temporary)?;
    file.write_all(make()?.as_bytes())?;
    file.sync_all()?;
    drop(file);
    let linked = std::fs::hard_link(&temporary, path);
    std::fs::remove_file(&temporary)?;
    match linked {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(error.into()),
    }
    Ok(std::fs::read_to_string(path)?)
}

#[cfg(unix)]
fn secret_file_options() -> std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true).mode(0o600);
    options
}

#[cfg(not(unix))]
fn secret_file_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    options
}

#[cfg(unix)]
fn owner_only(path: &Path) -> Result<(), BoxError> {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::metadata(path)?.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn owner_only(_: &Path) -> Result<(), BoxError> {
    Ok(())
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

//! What the local stack keeps in its data folder besides the databases: its signing keys,
//! the lock that lets one process at a time run the folder's embedded services, and,
//! while `serve` runs, their addresses. Key and secret files are readable by their owner
//! only (mode 0600).

use std::fs::File;
use std::io::{Seek, Write};
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

fn signing_keys_file(data_dir: &Path) -> PathBuf {
    data_dir.join("jwt-ed25519.json")
}

/// Whether `data_dir` holds a local stack's data (what `serve` makes on first start: the
/// signing keys, and the embedded DynamoDB's file unless it ran on another DynamoDB).
pub fn is_data_folder(data_dir: &Path) -> bool {
    dynamodb_file(data_dir).is_file() || signing_keys_file(data_dir).is_file()
}

#[derive(Serialize, Deserialize)]
struct StoredKeys {
    private_pkcs8_base64: String,
    public_base64url: String,
}

/// The JWT signing keys of this data folder, made on first use, so tokens survive restarts.
pub fn signing_keys(data_dir: &Path) -> Result<Ed25519KeyPair, BoxError> {
    let path = signing_keys_file(data_dir);
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

/// The local provider stand-ins' P-256 signing key (base64 PKCS#8), made on first use.
pub fn local_idp_key(data_dir: &Path) -> Result<String, BoxError> {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    use base64::Engine;
    let path = data_dir.join("local-idp-key");
    let key = read_or_create_secret(&path, || {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &aws_lc_rs::rand::SystemRandom::new(),
        )
        .map_err(|_| "no P-256 key could be made")?;
        Ok(base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref()))
    })?;
    Ok(key.trim().to_owned())
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
    /// The DynamoDB table.
    #[serde(default = "default_table")]
    pub table: String,
}

fn default_table() -> String {
    crate::TABLE_NAME.to_owned()
}

impl Endpoints {
    /// Whether these are the services `services` names (where it names an endpoint).
    pub fn named_by(&self, services: &crate::services::Services) -> bool {
        services
            .dynamodb_endpoint
            .as_ref()
            .is_none_or(|endpoint| *endpoint == self.dynamodb)
            && services
                .s3_endpoint
                .as_ref()
                .is_none_or(|endpoint| *endpoint == self.s3)
            && services.table == self.table
    }
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

/// The endpoints of a `serve` that is running on this folder now (its API answers), if
/// any. Read only while another process holds the folder's lock (`stack::attach`):
/// whoever takes the lock removes the file a killed `serve` left.
pub fn running_endpoints(data_dir: &Path) -> Option<Endpoints> {
    let endpoints: Endpoints =
        serde_json::from_str(&std::fs::read_to_string(endpoints_file(data_dir)).ok()?).ok()?;
    let address = endpoints.api.strip_prefix("http://")?.parse().ok()?;
    std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_millis(300))
        .ok()
        .map(|_| endpoints)
}

/// The process that runs a data folder's embedded services, as its lock file tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    /// `serve`, or the operator command that opened the folder itself.
    pub command: String,
    /// Where a `serve` answers, once it listens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
}

impl Holder {
    /// This process, running `command`.
    pub fn this(command: &str) -> Self {
        Self {
            pid: std::process::id(),
            command: command.to_owned(),
            api: None,
        }
    }

    pub fn is_serve(&self) -> bool {
        self.command == "serve"
    }
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`natives-local {}` (pid {}", self.command, self.pid)?;
        if let Some(api) = &self.api {
            write!(f, ", on {api}")?;
        }
        write!(f, ")")
    }
}

/// One process at a time runs a data folder's DynamoDB (its SQLite file) and S3: it
/// holds this lock while it lives (the system lets go when the process ends, however it
/// ends), and says in the lock file who it is. Others attach to a running `serve`
/// through `endpoints.json`.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
}

/// The folder is locked by another process (or another stack of this one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Who, if the lock file says (it is written just after the lock is taken).
    pub holder: Option<Holder>,
}

impl std::fmt::Display for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.holder {
            Some(holder) => write!(f, "{holder}"),
            None => write!(f, "another natives-local process"),
        }
    }
}

fn lock_file(data_dir: &Path) -> PathBuf {
    data_dir.join("natives-local.lock")
}

impl FolderLock {
    /// Takes the lock of `data_dir` for `holder`, or says who has it.
    pub fn try_acquire(data_dir: &Path, holder: &Holder) -> Result<Self, LockError> {
        let path = lock_file(data_dir);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|error| LockError::Io(path.clone(), error))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|text| serde_json::from_str(&text).ok());
                return Err(LockError::Held(Held { holder }));
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(LockError::Io(path, error)),
        }
        let mut lock = Self { file };
        lock.describe(holder)
            .map_err(|error| LockError::Io(path, error))?;
        Ok(lock)
    }

    /// Says who holds the lock now (a `serve` adds its address once it listens).
    pub fn describe(&mut self, holder: &Holder) -> std::io::Result<()> {
        let text = serde_json::to_string(holder).map_err(std::io::Error::other)?;
        self.file.set_len(0)?;
        self.file.rewind()?;
        self.file.write_all(text.as_bytes())?;
        self.file.flush()
    }
}

#[derive(Debug)]
pub enum LockError {
    Held(Held),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Held(held) => write!(f, "the data folder is in use by {held}"),
            Self::Io(path, error) => write!(f, "cannot lock {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for LockError {}

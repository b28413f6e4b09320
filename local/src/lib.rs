//! The local stack: every route of the route table on loopback, with the real AWS SDK
//! code talking to an embedded DynamoDB (dynoxide, SQLite) and an embedded S3 (s3s-fs).
//! Never deployed.

pub mod checkout_page;
pub mod data_dir;
pub mod embedded;
pub mod gateway;
pub mod invoke;
pub mod seed;
pub mod stack;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The archive bucket the local stack creates.
pub const ARCHIVE_BUCKET: &str = "natives-archive";
/// The DynamoDB table the local stack creates.
pub const TABLE_NAME: &str = "natives";

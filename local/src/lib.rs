//! The local stack: every route of the route table on loopback, with the real AWS SDK
//! code talking to an embedded DynamoDB (dynoxide, SQLite) and an embedded S3 (s3s-fs),
//! or to another DynamoDB and S3 (`services`). Never deployed.

pub mod checkout_page;
pub mod data_dir;
pub mod embedded;
pub mod examples;
pub mod faults;
pub mod gateway;
pub mod invoice_page;
pub mod invoke;
pub mod live;
pub mod local_idp;
pub mod management;
pub mod outbox;
pub mod seed;
pub mod services;
pub mod stack;
pub mod stream;
pub mod web;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The buckets the local stack creates: uploads land in staging, published recordings
/// in the archive.
pub const STAGING_BUCKET: &str = "natives-voice-staging";
pub const ARCHIVE_BUCKET: &str = "natives-voice-archive";
pub const PHOTOS_BUCKET: &str = "natives-profile-photos";
/// The DynamoDB table the local stack creates unless told another (`--table`).
pub const TABLE_NAME: &str = "natives";

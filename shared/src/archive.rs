//! The voice archive on S3. Clients upload straight to a staging bucket with a
//! presigned PUT whose content type, length and SHA-256 are signed in (S3 refuses other
//! bytes); posting copies a verified upload into the archive bucket, which nothing
//! overwrites, and which only the break-glass path ([`Archive::destroy`]) deletes from
//! (versioning, Object Lock in governance mode and a legal hold per object in the deployed
//! stack). Object keys come from `store::keys::objects`.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumMode, MetadataDirective, ObjectLockLegalHold,
    ObjectLockLegalHoldStatus,
};

use crate::config::ArchiveSettings;
use crate::domain::{AccountId, UploadId};
use crate::store::keys::objects;

mod cdn;
mod photos;
pub use cdn::CdnSigner;
pub use photos::{PhotoFiles, PhotoUrls};

/// The longest an upload or download URL stays valid.
pub const MAX_URL_LIFETIME: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, thiserror::Error)]
#[error("s3: {message}")]
pub struct ArchiveError {
    message: String,
    transient: bool,
}

impl ArchiveError {
    fn from_sdk<E>(
        error: aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    ) -> Self
    where
        E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    {
        Self {
            transient: crate::store::is_transient(&error),
            message: crate::store::error_chain(&error),
        }
    }

    fn local(message: String) -> Self {
        Self {
            message,
            transient: false,
        }
    }

    /// A retry later may succeed (S3 throttled, timed out or failed).
    pub fn is_transient(&self) -> bool {
        self.transient
    }
}

/// A PUT a client may make once, before it expires.
#[derive(Debug, Clone)]
pub struct PresignedUpload {
    pub url: String,
    pub method: String,
    /// Headers the client must send exactly as given (they are signed).
    pub headers: Vec<(String, String)>,
}

/// What S3 holds under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub content_type: Option<String>,
    pub size_bytes: i64,
    /// Base64 SHA-256 of the object's bytes, as S3 verified and stored it.
    pub sha256: Option<String>,
}

/// A staged upload as read for checking: what S3 says of it, the version read, and its
/// bytes.
#[derive(Debug, Clone)]
pub struct StagedBytes {
    pub object: StoredObject,
    /// The version read: archiving it on condition of this ETag archives these bytes.
    pub etag: String,
    /// `None` when the object is larger than the caller's limit (then it is not read).
    pub bytes: Option<Vec<u8>>,
}

/// What an upload declares about its bytes; S3 enforces it through the signature.
#[derive(Debug, Clone)]
pub struct DeclaredObject<'a> {
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
}

#[derive(Clone)]
pub struct Archive {
    client: Client,
    settings: ArchiveSettings,
    /// Set where the settings name a CDN and hold its signing key (the voice route).
    cdn: Option<std::sync::Arc<CdnSigner>>,
}

impl Archive {
    /// Refused when a CDN signing key is given but cannot sign.
    pub fn connect(
        sdk: &aws_config::SdkConfig,
        settings: ArchiveSettings,
    ) -> Result<Self, ArchiveError> {
        let config = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(settings.force_path_style)
            // Only the checksum we declare (SHA-256): a default CRC32 added by the SDK
            // would be signed into the upload URL and could not match the client's bytes.
            .request_checksum_calculation(
                aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
            )
            .build();
        let cdn = match (
            &settings.public_base_url,
            &settings.cdn_key_pair_id,
            &settings.cdn_signing_key,
        ) {
            (Some(base), Some(id), Some(key)) => Some(std::sync::Arc::new(
                CdnSigner::new(base, id, key).map_err(ArchiveError::local)?,
            )),
            _ => None,
        };
        Ok(Self {
            client: Client::from_conf(config),
            settings,
            cdn,
        })
    }

    pub fn settings(&self) -> &ArchiveSettings {
        &self.settings
    }

    /// A presigned PUT into the staging bucket that S3 accepts only with exactly the
    /// declared type, length and SHA-256, until `lifetime` (at most 15 minutes) passes.
    pub async fn presign_upload(
        &self,
        owner: &AccountId,
        upload: &UploadId,
        declared: &DeclaredObject<'_>,
        issued_at: SystemTime,
        lifetime: Duration,
    ) -> Result<PresignedUpload, ArchiveError> {
        let presigned = self
            .client
            .put_object()
            .bucket(&self.settings.staging_bucket)
            .key(objects::staged_upload(owner, upload))
            .content_type(declared.content_type)
            .content_length(declared.size_bytes)
            .checksum_sha256(declared.sha256)
            .presigned(presigning(issued_at, lifetime)?)
            .await
            .map_err(ArchiveError::from_sdk)?;
        Ok(PresignedUpload {
            url: presigned.uri().to_owned(),
            method: presigned.method().to_owned(),
            headers: presigned
                .headers()
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
        })
    }

    /// `owner`'s staged `upload`, read whole when it is at most `max_bytes` (S3 checks
    /// the stored SHA-256 as the bytes arrive).
    pub async fn staged_bytes(
        &self,
        owner: &AccountId,
        upload: &UploadId,
        max_bytes: i64,
    ) -> Result<Option<StagedBytes>, ArchiveError> {
        let result = self
            .client
            .get_object()
            .bucket(&self.settings.staging_bucket)
            .key(objects::staged_upload(owner, upload))
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await;
        let output = match result {
            Ok(output) => output,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Ok(None);
            }
            Err(error) => return Err(ArchiveError::from_sdk(error)),
        };
        let object = StoredObject {
            content_type: output.content_type().map(str::to_owned),
            size_bytes: output.content_length().unwrap_or_default(),
            sha256: output.checksum_sha256().map(str::to_owned),
        };
        let etag = output.e_tag().unwrap_or_default().to_owned();
        let bytes = if object.size_bytes <= max_bytes {
            let body = output.body.collect().await.map_err(|e| ArchiveError {
                message: format!("s3: reading a staged upload: {e}"),
                transient: true,
            })?;
            Some(body.to_vec())
        } else {
            None
        };
        Ok(Some(StagedBytes {
            object,
            etag,
            bytes,
        }))
    }

    /// What the archive bucket holds under `key`.
    pub async fn archived(&self, key: &str) -> Result<Option<StoredObject>, ArchiveError> {
        self.head(&self.settings.archive_bucket, key).await
    }

    async fn head(&self, bucket: &str, key: &str) -> Result<Option<StoredObject>, ArchiveError> {
        let result = self
            .client
            .head_object()
            .bucket(bucket)
            .key(key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await;
        match result {
            Ok(head) => Ok(Some(StoredObject {
                content_type: head.content_type().map(str::to_owned),
                size_bytes: head.content_length().unwrap_or_default(),
                sha256: head.checksum_sha256().map(str::to_owned),
            })),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(error) => Err(ArchiveError::from_sdk(error)),
        }
    }

    /// Copies a verified upload into the archive bucket under a new key, with its
    /// SHA-256 (S3 recomputes it over the copied bytes), only while the staged object is
    /// the version `etag` names (the one that was checked), under a legal hold: with the
    /// bucket's default governance retention, nothing deletes it until the break-glass
    /// path lifts the hold (the bucket policy lets every other role set a hold ON, never
    /// OFF). The local S3 has no Object Lock and ignores the header.
    pub async fn archive(
        &self,
        owner: &AccountId,
        upload: &UploadId,
        archive_key: &str,
        etag: &str,
    ) -> Result<(), ArchiveError> {
        let staged_key = objects::staged_upload(owner, upload);
        self.client
            .copy_object()
            .copy_source(format!("{}/{staged_key}", self.settings.staging_bucket))
            .copy_source_if_match(etag)
            .bucket(&self.settings.archive_bucket)
            .key(archive_key)
            .metadata_directive(MetadataDirective::Copy)
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .object_lock_legal_hold_status(ObjectLockLegalHoldStatus::On)
            .send()
            .await
            .map_err(ArchiveError::from_sdk)?;
        Ok(())
    }

    /// Destroys every version of the archived `key`: lifts each version's legal hold and
    /// deletes it past its governance retention. Only the break-glass function's role may
    /// do either. Idempotent: once nothing is left it deletes nothing. Answers how many
    /// versions it deleted. An unversioned archive (the local S3, without Object Lock)
    /// holds the object as its one version.
    pub async fn destroy(&self, key: &str) -> Result<u32, ArchiveError> {
        if !self.settings.versioned {
            let exists = self.archived(key).await?.is_some();
            if exists {
                self.delete_version(key, None).await?;
            }
            return Ok(u32::from(exists));
        }
        let mut deleted = 0;
        loop {
            let versions = self.versions_of(key).await?;
            if versions.is_empty() {
                return Ok(deleted);
            }
            for (version, is_marker) in versions {
                if !is_marker {
                    self.client
                        .put_object_legal_hold()
                        .bucket(&self.settings.archive_bucket)
                        .key(key)
                        .version_id(&version)
                        .legal_hold(
                            ObjectLockLegalHold::builder()
                                .status(ObjectLockLegalHoldStatus::Off)
                                .build(),
                        )
                        .send()
                        .await
                        .map_err(ArchiveError::from_sdk)?;
                }
                self.delete_version(key, Some(&version)).await?;
                deleted += 1;
            }
        }
    }

    /// The versions (and delete markers: `true`) of exactly `key`.
    async fn versions_of(&self, key: &str) -> Result<Vec<(String, bool)>, ArchiveError> {
        let listed = self
            .client
            .list_object_versions()
            .bucket(&self.settings.archive_bucket)
            .prefix(key)
            .send()
            .await
            .map_err(ArchiveError::from_sdk)?;
        let versions = listed
            .versions()
            .iter()
            .filter(|v| v.key() == Some(key))
            .filter_map(|v| v.version_id().map(|id| (id.to_owned(), false)));
        let markers = listed
            .delete_markers()
            .iter()
            .filter(|m| m.key() == Some(key))
            .filter_map(|m| m.version_id().map(|id| (id.to_owned(), true)));
        Ok(versions.chain(markers).collect())
    }

    async fn delete_version(&self, key: &str, version: Option<&str>) -> Result<(), ArchiveError> {
        self.client
            .delete_object()
            .bucket(&self.settings.archive_bucket)
            .key(key)
            .set_version_id(version.map(str::to_owned))
            .bypass_governance_retention(true)
            .send()
            .await
            .map_err(ArchiveError::from_sdk)?;
        Ok(())
    }

    /// Where a listener fetches an archived recording: a CDN URL signed to expire at the
    /// end of the window after the current one (the CDN serves nothing unsigned), else a
    /// presigned GET valid for `lifetime`. Answers the URL and how long it stays valid.
    pub async fn download_url(
        &self,
        archive_key: &str,
        issued_at: SystemTime,
        lifetime: Duration,
    ) -> Result<(String, Duration), ArchiveError> {
        if self.settings.public_base_url.is_some() {
            let signer = self.cdn.as_ref().ok_or_else(|| {
                ArchiveError::local(
                    "the CDN serves signed URLs only, and this function has no signing key".into(),
                )
            })?;
            let expires = CdnSigner::expiry(issued_at, lifetime);
            let url = signer
                .sign(archive_key, expires)
                .map_err(ArchiveError::local)?;
            let now = issued_at
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs();
            return Ok((url, Duration::from_secs(expires.saturating_sub(now))));
        }
        let lifetime = lifetime.min(MAX_URL_LIFETIME);
        let presigned = self
            .client
            .get_object()
            .bucket(&self.settings.archive_bucket)
            .key(archive_key)
            .presigned(presigning(issued_at, lifetime)?)
            .await
            .map_err(ArchiveError::from_sdk)?;
        Ok((presigned.uri().to_owned(), lifetime))
    }
}

/// Signed as of `issued_at` (the application's clock, so tests can move it), valid for
/// `lifetime`, at most [`MAX_URL_LIFETIME`].
fn presigning(issued_at: SystemTime, lifetime: Duration) -> Result<PresigningConfig, ArchiveError> {
    PresigningConfig::builder()
        .start_time(issued_at)
        .expires_in(lifetime.min(MAX_URL_LIFETIME))
        .build()
        .map_err(|e| ArchiveError::local(format!("presigning: {e}")))
}

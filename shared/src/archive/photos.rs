//! Profile photos in the photos bucket: not the archive (no Object Lock, no retention),
//! because a photo is personal data its owner may delete. Each photo's files are under a
//! key that names the upload it was made from, so a new photo has new URLs and a deleted
//! one's presigned URLs answer 404.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::primitives::ByteStream;

use super::{Archive, ArchiveError, presigning};
use crate::domain::{AccountId, UploadId};
use crate::store::keys::objects;

/// Where a photo and its thumbnail are fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoUrls {
    pub url: String,
    pub thumbnail_url: String,
}

/// The two JPEG files of one photo, as published.
pub struct PhotoFiles<'a> {
    pub photo: &'a [u8],
    pub thumbnail: &'a [u8],
}

impl Archive {
    /// Writes a photo's files (JPEG, re-encoded: nothing of the upload's metadata).
    pub async fn publish_photo(
        &self,
        owner: &AccountId,
        photo: &UploadId,
        files: PhotoFiles<'_>,
    ) -> Result<(), ArchiveError> {
        for (key, bytes) in [
            (objects::profile_photo(owner, photo), files.photo),
            (objects::profile_thumbnail(owner, photo), files.thumbnail),
        ] {
            self.client
                .put_object()
                .bucket(&self.settings.photos_bucket)
                .key(key)
                .content_type("image/jpeg")
                .body(ByteStream::from(bytes.to_vec()))
                .send()
                .await
                .map_err(ArchiveError::from_sdk)?;
        }
        Ok(())
    }

    /// Deletes a photo's files; deleting what is already gone succeeds.
    pub async fn delete_photo(
        &self,
        owner: &AccountId,
        photo: &UploadId,
    ) -> Result<(), ArchiveError> {
        for key in [
            objects::profile_photo(owner, photo),
            objects::profile_thumbnail(owner, photo),
        ] {
            self.client
                .delete_object()
                .bucket(&self.settings.photos_bucket)
                .key(key)
                .send()
                .await
                .map_err(ArchiveError::from_sdk)?;
        }
        Ok(())
    }

    /// Presigned GETs of a photo's files, signed as of `issued_at` for `lifetime`.
    pub async fn photo_urls(
        &self,
        owner: &AccountId,
        photo: &UploadId,
        issued_at: SystemTime,
        lifetime: Duration,
    ) -> Result<PhotoUrls, ArchiveError> {
        let url = |key: String| async move {
            self.client
                .get_object()
                .bucket(&self.settings.photos_bucket)
                .key(key)
                .presigned(presigning(issued_at, lifetime)?)
                .await
                .map(|presigned| presigned.uri().to_owned())
                .map_err(ArchiveError::from_sdk)
        };
        Ok(PhotoUrls {
            url: url(objects::profile_photo(owner, photo)).await?,
            thumbnail_url: url(objects::profile_thumbnail(owner, photo)).await?,
        })
    }
}

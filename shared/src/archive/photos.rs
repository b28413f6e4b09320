//! Profile photos in the photos bucket: not the archive (no Object Lock, no retention),
//! because a photo is personal data its owner may delete. Each photo's files are under a
//! key that names the upload it was made from, so a new photo has new URLs and a deleted
//! one's presigned URLs answer 404.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::primitives::ByteStream;

use time::OffsetDateTime;

use super::{Archive, ArchiveError, presigning};
use crate::domain::decide::photos::{PhotoSweep, StoredPhotoFile, photo_files_to_delete};
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

    /// Deletes the files of `owner`'s photos that `sweep` names
    /// ([`photo_files_to_delete`]), among all of them listed; deleting what is already gone
    /// succeeds. Listing rather than naming the files is what lets a later sweep delete
    /// what an earlier one failed to.
    pub async fn sweep_photos(
        &self,
        owner: &AccountId,
        sweep: PhotoSweep<'_>,
        now: OffsetDateTime,
    ) -> Result<(), ArchiveError> {
        let files = self.photo_files(owner).await?;
        for key in photo_files_to_delete(&files, sweep, now) {
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

    /// Every file of `owner`'s photos, page after page.
    async fn photo_files(&self, owner: &AccountId) -> Result<Vec<StoredPhotoFile>, ArchiveError> {
        let mut files = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.settings.photos_bucket)
            .prefix(objects::photos_of(owner))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(ArchiveError::from_sdk)?;
            for object in page.contents() {
                let Some(key) = object.key() else { continue };
                let (Some(photo), Some(written)) =
                    (objects::photo_of_file(owner, key), object.last_modified())
                else {
                    continue;
                };
                let written_at = OffsetDateTime::from_unix_timestamp(written.secs())
                    .map_err(|e| ArchiveError::local(format!("a photo file's date: {e}")))?;
                files.push(StoredPhotoFile {
                    key: key.to_owned(),
                    photo,
                    written_at,
                });
            }
        }
        Ok(files)
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

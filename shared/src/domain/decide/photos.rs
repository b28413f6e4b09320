//! Profile photos: a staged upload judged (the declared type, size and SHA-256, then an
//! image of that type within the limits, re-encoded without metadata by
//! `natives_media::process_photo`), and the account's photo set or removed on condition
//! that it is still the one read, so the files of the photo replaced or removed are
//! known and deleted.

use natives_media::{InvalidImage, PhotoContentType, PhotoRefusal, ProcessedPhoto, process_photo};
use time::OffsetDateTime;

use crate::domain::{
    Account, AccountCondition, AccountUpdate, AccountWrite, MAX_PHOTO_BYTES, ProfilePhoto,
    Timestamp, UploadId, photo_limits,
};
use crate::gate::{Gate, Refusal};

/// A staged upload as the staging bucket returned it.
#[derive(Debug, Clone, Copy)]
pub struct StagedPhoto<'a> {
    pub content_type: Option<&'a str>,
    pub size_bytes: i64,
    /// Base64 SHA-256 S3 verified when the bytes arrived.
    pub sha256: Option<&'a str>,
    /// `None` when the object was too large to be read.
    pub bytes: Option<&'a [u8]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoUploadRefusal {
    /// Not JPEG, PNG or WebP.
    NotAnAcceptedType,
    /// Empty, or larger than [`MAX_PHOTO_BYTES`].
    Size,
    /// Uploaded without its SHA-256.
    NoChecksum,
    /// The bytes read do not hash to the SHA-256 S3 holds.
    ChecksumMismatch,
    /// Not an image of its declared type, or over the limits (the reason is for the log).
    InvalidImage(InvalidImage),
}

/// The photo and thumbnail a staged upload makes, or why it makes none.
pub fn verify_photo(staged: StagedPhoto<'_>) -> Result<ProcessedPhoto, PhotoUploadRefusal> {
    let content_type = staged
        .content_type
        .and_then(|t| PhotoContentType::parse(t).ok())
        .ok_or(PhotoUploadRefusal::NotAnAcceptedType)?;
    if !(1..=MAX_PHOTO_BYTES).contains(&staged.size_bytes) {
        return Err(PhotoUploadRefusal::Size);
    }
    let bytes = staged.bytes.ok_or(PhotoUploadRefusal::Size)?;
    let sha256 = staged.sha256.ok_or(PhotoUploadRefusal::NoChecksum)?;
    if super::recording::sha256_base64(bytes) != sha256 {
        return Err(PhotoUploadRefusal::ChecksumMismatch);
    }
    process_photo(bytes, content_type, &photo_limits()).map_err(|refusal| match refusal {
        PhotoRefusal::InvalidImage { reason } => PhotoUploadRefusal::InvalidImage(reason),
    })
}

/// What setting a photo does to the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoSet {
    /// Written; the photo it replaced (whose files are to be deleted), if any.
    Replaced {
        write: Box<AccountWrite>,
        replaced: Option<ProfilePhoto>,
    },
    /// This upload is the current photo already (the same request again): no write.
    AlreadyCurrent,
}

/// The photo made from `upload` becomes the account's, replacing the one read.
pub fn set_photo(
    gate: &Gate,
    account: Option<&Account>,
    upload: &UploadId,
    (width, height): (u32, u32),
    now: OffsetDateTime,
) -> Result<PhotoSet, Refusal> {
    gate.admit(account, now)?;
    let account = account.expect("admitted");
    if account.photo.as_ref().is_some_and(|p| p.id == *upload) {
        return Ok(PhotoSet::AlreadyCurrent);
    }
    let photo = ProfilePhoto {
        id: upload.clone(),
        width,
        height,
        set_at: Timestamp::at(now),
    };
    Ok(PhotoSet::Replaced {
        write: Box::new(photo_write(gate, account, Some(photo), now)),
        replaced: account.photo.clone(),
    })
}

/// The account's photo `removed` (whose files were deleted; `None`: it had none) is
/// removed from it, on condition that it is still the one read; nothing to write when
/// the account shows another one by now (a newer photo, whose files are not deleted,
/// stays).
pub fn remove_photo(
    gate: &Gate,
    account: Option<&Account>,
    removed: Option<&UploadId>,
    now: OffsetDateTime,
) -> Result<Option<AccountWrite>, Refusal> {
    gate.admit(account, now)?;
    let account = account.expect("admitted");
    let current = account.photo.as_ref().map(|p| &p.id);
    Ok((current == removed).then(|| photo_write(gate, account, None, now)))
}

/// How long a photo's files may exist before the account names them: longer than a
/// photo can take to be set (the function's timeout), so a sweep never deletes the files
/// of a photo another request is setting.
pub const PHOTO_SETTING_WINDOW: time::Duration = time::Duration::minutes(15);

/// One file of an account's photos, as the photos bucket lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhotoFile {
    pub key: String,
    /// The photo (the upload it was made from) the file belongs to.
    pub photo: UploadId,
    pub written_at: OffsetDateTime,
}

/// Which of an account's photo files are to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoSweep<'a> {
    /// The account is being erased: every file.
    Everything,
    /// The account shows `keep` (if any) and `gone` was just replaced or is being
    /// removed: `gone`'s files, and every file of any other photo written before the
    /// setting window (what a delete that failed earlier left behind).
    Leftovers {
        keep: Option<&'a UploadId>,
        gone: Option<&'a UploadId>,
    },
}

/// The keys of the files `sweep` deletes among `files`.
pub fn photo_files_to_delete<'f>(
    files: &'f [StoredPhotoFile],
    sweep: PhotoSweep<'_>,
    now: OffsetDateTime,
) -> Vec<&'f str> {
    files
        .iter()
        .filter(|file| match sweep {
            PhotoSweep::Everything => true,
            PhotoSweep::Leftovers { keep, gone } => {
                Some(&file.photo) != keep
                    && (Some(&file.photo) == gone || file.written_at + PHOTO_SETTING_WINDOW <= now)
            }
        })
        .map(|file| file.key.as_str())
        .collect()
}

fn photo_write(
    gate: &Gate,
    account: &Account,
    photo: Option<ProfilePhoto>,
    now: OffsetDateTime,
) -> AccountWrite {
    AccountWrite {
        account_id: account.id.clone(),
        update: AccountUpdate {
            photo: Some(photo),
            updated_at: Some(Timestamp::at(now)),
            ..Default::default()
        },
        requires: vec![
            AccountCondition::Gate(gate.clone()),
            AccountCondition::PhotoAsRead(account.photo.as_ref().map(|p| p.id.clone())),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::{account, gate_of};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    fn staged<'a>(content_type: &'a str, bytes: &'a [u8], sha256: &'a str) -> StagedPhoto<'a> {
        StagedPhoto {
            content_type: Some(content_type),
            size_bytes: bytes.len() as i64,
            sha256: Some(sha256),
            bytes: Some(bytes),
        }
    }

    /// A real PNG (with a text chunk) from the media fixtures.
    const PNG: &[u8] = include_bytes!("../../../../media/fixtures/photo-text.png");

    #[test]
    fn an_upload_must_be_what_was_declared_before_it_is_decoded() {
        let bytes = PNG.to_vec();
        let sha = crate::domain::decide::recording::sha256_base64(&bytes);
        assert!(verify_photo(staged("image/png", &bytes, &sha)).is_ok());
        assert_eq!(
            verify_photo(staged("image/svg+xml", &bytes, &sha)),
            Err(PhotoUploadRefusal::NotAnAcceptedType)
        );
        let other = crate::domain::decide::recording::sha256_base64(b"other");
        assert_eq!(
            verify_photo(staged("image/png", &bytes, &other)),
            Err(PhotoUploadRefusal::ChecksumMismatch)
        );
        assert!(matches!(
            verify_photo(staged("image/jpeg", &bytes, &sha)),
            Err(PhotoUploadRefusal::InvalidImage(
                InvalidImage::NotTheDeclaredType { .. }
            ))
        ));
        let too_large = StagedPhoto {
            size_bytes: MAX_PHOTO_BYTES + 1,
            bytes: None,
            ..staged("image/png", &bytes, &sha)
        };
        assert_eq!(verify_photo(too_large), Err(PhotoUploadRefusal::Size));
        let random = [7u8; 64];
        let sha = crate::domain::decide::recording::sha256_base64(&random);
        assert!(matches!(
            verify_photo(staged("image/png", &random, &sha)),
            Err(PhotoUploadRefusal::InvalidImage(_))
        ));
    }

    #[test]
    fn setting_a_photo_replaces_the_one_read_and_the_same_upload_again_writes_nothing() {
        let mut ada = account(&[]);
        let first = UploadId::new();
        let PhotoSet::Replaced { write, replaced } =
            set_photo(&gate_of(&ada), Some(&ada), &first, (512, 384), NOW).unwrap()
        else {
            panic!("a first photo is written");
        };
        assert_eq!(replaced, None);
        assert!(
            write
                .requires
                .contains(&AccountCondition::PhotoAsRead(None))
        );
        let Some(Some(photo)) = write.update.photo.clone() else {
            panic!("a photo is set");
        };
        ada.photo = Some(photo.clone());
        assert_eq!(
            set_photo(&gate_of(&ada), Some(&ada), &first, (512, 384), NOW),
            Ok(PhotoSet::AlreadyCurrent)
        );
        let second = UploadId::new();
        let PhotoSet::Replaced { write, replaced } =
            set_photo(&gate_of(&ada), Some(&ada), &second, (96, 96), NOW).unwrap()
        else {
            panic!("a new photo is written");
        };
        assert_eq!(replaced, Some(photo));
        assert!(
            write
                .requires
                .contains(&AccountCondition::PhotoAsRead(Some(first.clone())))
        );
    }

    #[test]
    fn removing_clears_only_the_photo_whose_files_were_deleted() {
        let mut ada = account(&[]);
        let id = UploadId::new();
        assert_eq!(
            remove_photo(&gate_of(&ada), Some(&ada), Some(&id), NOW),
            Ok(None)
        );
        let none_read = remove_photo(&gate_of(&ada), Some(&ada), None, NOW)
            .unwrap()
            .unwrap();
        assert!(
            none_read
                .requires
                .contains(&AccountCondition::PhotoAsRead(None))
        );
        ada.photo = Some(ProfilePhoto {
            id: id.clone(),
            width: 1,
            height: 1,
            set_at: Timestamp::at(NOW),
        });
        let write = remove_photo(&gate_of(&ada), Some(&ada), Some(&id), NOW)
            .unwrap()
            .unwrap();
        assert_eq!(write.update.photo, Some(None));
        assert_eq!(
            remove_photo(&gate_of(&ada), Some(&ada), Some(&UploadId::new()), NOW),
            Ok(None)
        );
    }

    #[test]
    fn a_blocked_account_cannot_change_its_photo() {
        let mut ada = account(&[]);
        let gate = gate_of(&ada);
        ada.status = crate::domain::AccountStatus::Blocked;
        assert!(set_photo(&gate, Some(&ada), &UploadId::new(), (1, 1), NOW).is_err());
    }

    #[test]
    fn a_sweep_deletes_the_gone_photo_and_old_leftovers_never_the_kept_one_or_one_being_set() {
        let (kept, gone, leftover, being_set) = (
            UploadId::new(),
            UploadId::new(),
            UploadId::new(),
            UploadId::new(),
        );
        let file = |photo: &UploadId, age_minutes: i64| StoredPhotoFile {
            key: format!("photos/a/{photo}/photo.jpg"),
            photo: photo.clone(),
            written_at: NOW - time::Duration::minutes(age_minutes),
        };
        let files = [
            file(&kept, 600),
            file(&gone, 1),
            file(&leftover, 16),
            file(&being_set, 14),
        ];
        let key = |photo: &UploadId| format!("photos/a/{photo}/photo.jpg");
        let leftovers = photo_files_to_delete(
            &files,
            PhotoSweep::Leftovers {
                keep: Some(&kept),
                gone: Some(&gone),
            },
            NOW,
        );
        assert_eq!(leftovers, [key(&gone), key(&leftover)]);
        // Removing the photo: nothing is kept, what may be being set still stays.
        let removal = photo_files_to_delete(
            &files,
            PhotoSweep::Leftovers {
                keep: None,
                gone: Some(&kept),
            },
            NOW,
        );
        assert_eq!(removal, [key(&kept), key(&leftover)]);
        assert_eq!(
            photo_files_to_delete(&files, PhotoSweep::Everything, NOW).len(),
            files.len()
        );
        // The window's edge: a file exactly as old as the window is a leftover.
        let at_edge = [file(&leftover, 15)];
        let sweep = PhotoSweep::Leftovers {
            keep: None,
            gone: None,
        };
        assert_eq!(photo_files_to_delete(&at_edge, sweep, NOW).len(), 1);
    }
}

//! A staged voice upload judged before it is posted: it must be what was declared (an
//! accepted type, within the size limit, with the SHA-256 S3 verified, and these bytes
//! hashing to it) and a recording in that container no longer than the limit. A refused
//! upload is never posted, so it costs nothing and never reaches the archive.

use std::time::Duration;

use natives_media::{AudioRefusal, InvalidAudio, probe_recording};

use super::posting::PostContent;
use crate::domain::{MAX_VOICE_BYTES, UploadId, VoiceContentType, voice_limits};

/// A staged upload as the staging bucket returned it.
#[derive(Debug, Clone, Copy)]
pub struct StagedRecording<'a> {
    pub content_type: Option<&'a str>,
    pub size_bytes: i64,
    /// Base64 SHA-256 S3 verified when the bytes arrived.
    pub sha256: Option<&'a str>,
    pub etag: &'a str,
    /// `None` when the object was too large to be read.
    pub bytes: Option<&'a [u8]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordingRefusal {
    /// Not one of the accepted audio types.
    NotAnAcceptedType,
    /// Empty, or larger than [`MAX_VOICE_BYTES`].
    Size,
    /// Uploaded without its SHA-256.
    NoChecksum,
    /// The bytes read do not hash to the SHA-256 S3 holds.
    ChecksumMismatch,
    /// Not audio in the declared container (the reason is for the log).
    InvalidAudio(InvalidAudio),
    /// Longer than the limit.
    TooLong { limit: Duration },
}

/// The post content a staged upload makes, or why it cannot be posted.
pub fn verify_recording(
    upload_id: UploadId,
    staged: StagedRecording<'_>,
) -> Result<PostContent, RecordingRefusal> {
    let content_type = staged
        .content_type
        .and_then(|t| VoiceContentType::parse(t).ok())
        .ok_or(RecordingRefusal::NotAnAcceptedType)?;
    if !(1..=MAX_VOICE_BYTES).contains(&staged.size_bytes) {
        return Err(RecordingRefusal::Size);
    }
    let bytes = staged.bytes.ok_or(RecordingRefusal::Size)?;
    let sha256 = staged.sha256.ok_or(RecordingRefusal::NoChecksum)?;
    if sha256_base64(bytes) != sha256 {
        return Err(RecordingRefusal::ChecksumMismatch);
    }
    let recording =
        probe_recording(bytes, content_type, &voice_limits()).map_err(|refusal| match refusal {
            AudioRefusal::InvalidAudio(reason) => RecordingRefusal::InvalidAudio(reason),
            AudioRefusal::TooLong { limit } => RecordingRefusal::TooLong { limit },
        })?;
    Ok(PostContent::Voice {
        upload_id,
        content_type,
        size_bytes: staged.size_bytes,
        sha256: sha256.to_owned(),
        duration: recording.duration,
        etag: staged.etag.to_owned(),
    })
}

/// Base64 SHA-256, as S3's `x-amz-checksum-sha256` carries it.
pub(crate) fn sha256_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OGG: &[u8] = include_bytes!("../../../../media/fixtures/sentence.ogg");
    const MP3: &[u8] = include_bytes!("../../../../media/fixtures/sentence.mp3");
    const SIX_MINUTES: &[u8] = include_bytes!("../../../../media/fixtures/six-minutes.ogg");

    fn staged<'a>(content_type: &'a str, bytes: &'a [u8], sha256: &'a str) -> StagedRecording<'a> {
        StagedRecording {
            content_type: Some(content_type),
            size_bytes: bytes.len() as i64,
            sha256: Some(sha256),
            etag: "\"v1\"",
            bytes: Some(bytes),
        }
    }

    /// Whether a refusal is the one a case expects.
    type Expected = fn(&RecordingRefusal) -> bool;

    fn judged(staged: StagedRecording<'_>) -> Result<Duration, RecordingRefusal> {
        verify_recording(UploadId::new(), staged).map(|content| match content {
            PostContent::Voice { duration, .. } => duration,
            PostContent::Text(_) => unreachable!("a recording is voice"),
        })
    }

    #[test]
    fn a_recording_is_posted_with_its_measured_duration_and_the_version_read() {
        let sha = sha256_base64(OGG);
        let content = verify_recording(UploadId::new(), staged("audio/ogg", OGG, &sha)).unwrap();
        let PostContent::Voice {
            content_type,
            duration,
            etag,
            sha256,
            ..
        } = content
        else {
            panic!("voice");
        };
        assert_eq!(content_type, VoiceContentType::Ogg);
        assert!((duration.as_secs_f64() - 6.42).abs() < 0.3, "{duration:?}");
        assert_eq!(etag, "\"v1\"");
        assert_eq!(sha256, sha);
    }

    #[test]
    fn what_is_not_the_declared_recording_is_refused() {
        let ogg_sha = sha256_base64(OGG);
        let mp3_sha = sha256_base64(MP3);
        let six_sha = sha256_base64(SIX_MINUTES);
        let noise = b"OggS\x00\x02 noise that is no recording".as_slice();
        let noise_sha = sha256_base64(noise);
        let too_large = StagedRecording {
            size_bytes: MAX_VOICE_BYTES + 1,
            bytes: None,
            ..staged("audio/ogg", OGG, &ogg_sha)
        };
        let unchecked = StagedRecording {
            sha256: None,
            ..staged("audio/ogg", OGG, &ogg_sha)
        };
        let cases: Vec<(&str, StagedRecording<'_>, Expected)> = vec![
            (
                "a type not accepted",
                staged("audio/wav", OGG, &ogg_sha),
                |r| *r == RecordingRefusal::NotAnAcceptedType,
            ),
            ("too large to read", too_large, |r| {
                *r == RecordingRefusal::Size
            }),
            ("no checksum", unchecked, |r| {
                *r == RecordingRefusal::NoChecksum
            }),
            (
                "other bytes than hashed",
                staged("audio/ogg", MP3, &ogg_sha),
                |r| *r == RecordingRefusal::ChecksumMismatch,
            ),
            (
                "random bytes behind OggS",
                staged("audio/ogg", noise, &noise_sha),
                |r| matches!(r, RecordingRefusal::InvalidAudio(_)),
            ),
            (
                "an MP3 declared as Ogg",
                staged("audio/ogg", MP3, &mp3_sha),
                |r| matches!(r, RecordingRefusal::InvalidAudio(_)),
            ),
            (
                "six minutes",
                staged("audio/ogg", SIX_MINUTES, &six_sha),
                |r| matches!(r, RecordingRefusal::TooLong { .. }),
            ),
        ];
        for (why, staged, expected) in cases {
            let refusal = judged(staged).expect_err(why);
            assert!(expected(&refusal), "{why}: {refusal:?}");
        }
    }
}

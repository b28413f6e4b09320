//! Checks of uploaded media, as pure functions over the bytes of a staged upload: no S3,
//! no clock, no settings of their own (the caller passes the limits).
//!
//! - [`audio::probe_recording`]: is a voice recording audio in the container its content
//!   type names, and how long is it.
//! - [`photo::process_photo`]: is a profile photo an image of its declared type within the
//!   limits, and the photo and thumbnail to publish, re-encoded without its metadata.
//!
//! Each module's doc states what it guarantees. A crate of its own so the demuxers and
//! codecs build once, beside the rest of the workspace, and the benchmarks (`bench/`) link
//! them without the AWS SDK.

pub mod audio;
pub mod photo;

/// A declared media type as clients send it: its essence without parameters, any case,
/// one of `known` (named by `name`).
fn parse_declared<T: Copy>(
    raw: &str,
    known: &[T],
    name: impl Fn(&T) -> &'static str,
) -> Result<T, String> {
    let essence = raw.trim().to_ascii_lowercase();
    known
        .iter()
        .copied()
        .find(|t| name(t) == essence)
        .ok_or_else(|| {
            let names: Vec<_> = known.iter().map(&name).collect();
            format!("must be one of {}", names.join(", "))
        })
}

pub use audio::{
    AudioLimits, AudioRefusal, InvalidAudio, Recording, VOICE_CONTENT_TYPES, VoiceContentType,
    probe_recording,
};
pub use photo::{
    EncodedImage, InvalidImage, PHOTO_CONTENT_TYPES, PhotoContentType, PhotoLimits, PhotoRefusal,
    ProcessedPhoto, process_photo,
};

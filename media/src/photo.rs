//! A staged profile photo, turned into the two images that are published.
//!
//! [`process_photo`] guarantees, for any input:
//!
//! - **An image of its declared type**: the magic bytes name the declared format (a JPEG
//!   declared `image/png`, an SVG or random bytes are refused) and the image decodes with
//!   that format's decoder (`image`: JPEG, PNG and WebP are the only codecs linked).
//! - **Limits before pixels**: more than `max_bytes` is refused unread; the header's
//!   dimensions are read first and more than `max_pixels` (or a side longer than
//!   `max_side`) is refused before any pixel buffer exists, and the decoded buffer may not
//!   exceed `max_alloc`, so a small file that declares a huge image (a decompression bomb)
//!   costs a header read.
//! - **Upright, small, without metadata**: the EXIF orientation is applied (a phone photo
//!   does not come out sideways), then the image is scaled to fit `PHOTO_SIDE` and
//!   `THUMBNAIL_SIDE` pixels on its longest side (never enlarged) and encoded afresh from
//!   pixels as baseline JPEG. Nothing of the upload's EXIF (GPS), XMP, IPTC, ICC profile,
//!   comments or PNG text chunks reaches the output: the encoder writes a JFIF header,
//!   quantisation and Huffman tables and pixels. Transparency is flattened onto white.
//!
//! Why JPEG: photos are what people upload, and at 512 px a quality-85 JPEG is a few tens
//! of KB; `image` encodes WebP only losslessly, several times larger, and PNG likewise.
//! Colours are taken as they are encoded (sRGB assumed): an embedded ICC profile is dropped
//! without conversion, which dulls wide-gamut photos slightly.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

/// The longest side of the published photo.
pub const PHOTO_SIDE: u32 = 512;
/// The longest side of its thumbnail.
pub const THUMBNAIL_SIDE: u32 = 96;
/// The JPEG quality of both.
const JPEG_QUALITY: u8 = 85;

/// The media types a profile photo may have.
pub const PHOTO_CONTENT_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp"];

/// A photo's declared media type, one of [`PHOTO_CONTENT_TYPES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhotoContentType {
    Jpeg,
    Png,
    WebP,
}

impl PhotoContentType {
    const ALL: [PhotoContentType; 3] = [Self::Jpeg, Self::Png, Self::WebP];

    /// The media type without parameters, any case (`Image/JPEG`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        crate::parse_declared(raw, &Self::ALL, Self::as_str)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::WebP => ImageFormat::WebP,
        }
    }
}

/// What one photo may cost, fixed before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoLimits {
    /// Larger uploads are refused unread (the upload limit).
    pub max_bytes: usize,
    /// Width × height, from the header.
    pub max_pixels: u64,
    /// Width or height, from the header.
    pub max_side: u32,
    /// The decoded pixel buffer, in bytes (`image::Limits::max_alloc`).
    pub max_alloc: u64,
}

impl PhotoLimits {
    /// Limits for uploads of at most `max_bytes`: 40 megapixels, 20,000 px a side, and a
    /// decoded buffer of 4 bytes a pixel (RGBA8 at 40 MP; a 16-bit image gets half as many
    /// pixels).
    pub fn new(max_bytes: usize) -> Self {
        let max_pixels = 40_000_000;
        Self {
            max_bytes,
            max_pixels,
            max_side: 20_000,
            max_alloc: max_pixels * 4,
        }
    }
}

/// One published image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedImage {
    pub bytes: Vec<u8>,
    /// Always `image/jpeg`.
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// What is published for one upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedPhoto {
    /// At most [`PHOTO_SIDE`] px on its longest side.
    pub photo: EncodedImage,
    /// At most [`THUMBNAIL_SIDE`] px on its longest side.
    pub thumbnail: EncodedImage,
}

/// Why a photo is refused: always the API's `invalid_image`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoRefusal {
    #[error("not a usable image of its declared type: {reason}")]
    InvalidImage { reason: InvalidImage },
}

/// What exactly was wrong, for the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidImage {
    #[error("{size} bytes, more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("declared {declared}, but its magic bytes say {found}")]
    NotTheDeclaredType {
        declared: &'static str,
        found: String,
    },
    #[error("{width}x{height} is more than {max_pixels} pixels or {max_side} px a side")]
    TooManyPixels {
        width: u32,
        height: u32,
        max_pixels: u64,
        max_side: u32,
    },
    #[error("decoding needs {needed} bytes, more than the limit of {limit}")]
    TooMuchMemory { needed: u64, limit: u64 },
    #[error("the decoder refused it: {0}")]
    Undecodable(String),
    #[error("encoding failed: {0}")]
    Unencodable(String),
}

impl From<InvalidImage> for PhotoRefusal {
    fn from(reason: InvalidImage) -> Self {
        PhotoRefusal::InvalidImage { reason }
    }
}

/// Checks that `bytes` are an image of the `declared` type within `limits` and returns
/// the photo and thumbnail to publish (the module doc says what is guaranteed).
pub fn process_photo(
    bytes: &[u8],
    declared: PhotoContentType,
    limits: &PhotoLimits,
) -> Result<ProcessedPhoto, PhotoRefusal> {
    if bytes.len() > limits.max_bytes {
        return Err(InvalidImage::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        }
        .into());
    }
    let found = image::guess_format(bytes).ok();
    if found != Some(declared.format()) {
        return Err(InvalidImage::NotTheDeclaredType {
            declared: declared.as_str(),
            found: found.map_or("no image format".into(), |f| f.to_mime_type().into()),
        }
        .into());
    }
    let (pixels, orientation) = decode(bytes, declared, limits)?;
    let photo = DynamicImage::ImageRgb8(upright_within(&pixels, orientation, PHOTO_SIDE));
    drop(pixels);
    let thumbnail = fit_within(&photo, THUMBNAIL_SIDE);
    let photo = photo.into_rgb8();
    Ok(ProcessedPhoto {
        photo: encode(&photo)?,
        thumbnail: encode(&thumbnail)?,
    })
}

/// The header first: its dimensions and buffer size against the limits, then the pixels.
fn decode(
    bytes: &[u8],
    declared: PhotoContentType,
    limits: &PhotoLimits,
) -> Result<(DynamicImage, Orientation), InvalidImage> {
    let undecodable = |e: image::ImageError| InvalidImage::Undecodable(e.to_string());
    let mut decoder_limits = Limits::default();
    decoder_limits.max_image_width = Some(limits.max_side);
    decoder_limits.max_image_height = Some(limits.max_side);
    decoder_limits.max_alloc = Some(limits.max_alloc);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), declared.format());
    reader.limits(decoder_limits);
    let too_many_pixels = |(width, height): (u32, u32)| InvalidImage::TooManyPixels {
        width,
        height,
        max_pixels: limits.max_pixels,
        max_side: limits.max_side,
    };
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            // Only the sides are checked this early; say which.
            let dimensions = ImageReader::with_format(Cursor::new(bytes), declared.format())
                .into_dimensions()
                .unwrap_or((0, 0));
            too_many_pixels(dimensions)
        }
        e => undecodable(e),
    })?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(too_many_pixels((width, height)));
    }
    let needed = decoder.total_bytes();
    if needed > limits.max_alloc {
        return Err(InvalidImage::TooMuchMemory {
            needed,
            limit: limits.max_alloc,
        });
    }
    let orientation = decoder.orientation().map_err(undecodable)?;
    let pixels = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    Ok((pixels, orientation))
}

/// Scaled to fit `side` once upright, then turned upright: scaling first turns a small
/// image instead of the full-size one.
fn upright_within(pixels: &DynamicImage, orientation: Orientation, side: u32) -> RgbImage {
    let mut small = DynamicImage::ImageRgb8(fit_within(pixels, side));
    small.apply_orientation(orientation);
    small.into_rgb8()
}

/// At most `side` px on the longest side, never enlarged, in RGB8 with any transparency
/// flattened onto white. Area averaging: every source pixel counts once.
fn fit_within(pixels: &DynamicImage, side: u32) -> RgbImage {
    let (width, height) = (pixels.width(), pixels.height());
    let scaled = if width.max(height) > side {
        pixels.thumbnail(side, side)
    } else {
        pixels.clone()
    };
    if scaled.color().has_alpha() {
        flatten_onto_white(&scaled)
    } else {
        scaled.into_rgb8()
    }
}

fn flatten_onto_white(pixels: &DynamicImage) -> RgbImage {
    let rgba = pixels.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            // Exact: c·a + 255·(255 − a) ≤ 255², so the quotient fits a byte.
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

fn encode(pixels: &RgbImage) -> Result<EncodedImage, InvalidImage> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode_image(pixels)
        .map_err(|e| InvalidImage::Unencodable(e.to_string()))?;
    Ok(EncodedImage {
        bytes,
        content_type: PhotoContentType::Jpeg.as_str(),
        width: pixels.width(),
        height: pixels.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_parse_once() {
        let names: Vec<_> = PhotoContentType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names, PHOTO_CONTENT_TYPES);
        for t in PhotoContentType::ALL {
            assert_eq!(PhotoContentType::parse(t.as_str()), Ok(t));
        }
        assert_eq!(
            PhotoContentType::parse("Image/JPEG"),
            Ok(PhotoContentType::Jpeg)
        );
        assert!(PhotoContentType::parse("image/svg+xml").is_err());
        assert!(PhotoContentType::parse("image/gif").is_err());
    }

    #[test]
    fn transparency_is_flattened_onto_white() {
        let mut rgba = image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([10, 20, 30, 255]));
        let flat = flatten_onto_white(&DynamicImage::ImageRgba8(rgba));
        assert_eq!(flat.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(flat.get_pixel(1, 0).0, [10, 20, 30]);
    }

    #[test]
    fn scaling_keeps_the_aspect_and_never_enlarges() {
        let wide = DynamicImage::new_rgb8(2000, 1000);
        let fitted = fit_within(&wide, PHOTO_SIDE);
        assert_eq!(fitted.dimensions(), (512, 256));
        let small = DynamicImage::new_rgb8(300, 200);
        assert_eq!(fit_within(&small, PHOTO_SIDE).dimensions(), (300, 200));
    }

    #[test]
    fn turning_upright_after_scaling_swaps_the_sides() {
        let portrait_stored_sideways = DynamicImage::new_rgb8(2000, 1000);
        let upright = upright_within(&portrait_stored_sideways, Orientation::Rotate90, PHOTO_SIDE);
        assert_eq!(upright.dimensions(), (256, 512));
    }
}

//! Photo processing against real files: the output's bytes are inspected, not trusted.

mod common;

use std::io::Cursor;

use common::{fixture, noise};
use image::{ImageFormat, RgbImage};
use natives_media::{
    InvalidImage, PhotoContentType, PhotoLimits, PhotoRefusal, ProcessedPhoto, process_photo,
};
use proptest::prelude::*;

const FIVE_MIB: usize = 5 * 1024 * 1024;

fn limits() -> PhotoLimits {
    PhotoLimits::new(FIVE_MIB)
}

fn process(name: &str, declared: PhotoContentType) -> ProcessedPhoto {
    process_photo(&fixture(name), declared, &limits()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn refusal(bytes: &[u8], declared: PhotoContentType) -> InvalidImage {
    match process_photo(bytes, declared, &limits()) {
        Err(PhotoRefusal::InvalidImage { reason }) => reason,
        Ok(photo) => panic!("accepted as {}x{}", photo.photo.width, photo.photo.height),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The JPEG's segments up to the scan: only the JFIF header, tables and the frame, so no
/// EXIF (APP1), XMP (APP1), ICC (APP2), IPTC (APP13) or comment (COM) can be there.
fn assert_bare_jpeg(bytes: &[u8], what: &str) {
    assert_eq!(&bytes[..2], [0xFF, 0xD8], "{what}: no SOI");
    let mut at = 2;
    loop {
        assert_eq!(bytes[at], 0xFF, "{what}: no marker at {at}");
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        match marker {
            0xE0 => assert_eq!(
                &bytes[at + 4..at + 9],
                b"JFIF\0",
                "{what}: APP0 is not JFIF"
            ),
            0xDB | 0xC4 | 0xC0 => {}
            0xDA => break,
            other => panic!("{what}: segment {other:#04X} in the output"),
        }
        at += 2 + length;
    }
    assert_eq!(&bytes[bytes.len() - 2..], [0xFF, 0xD9], "{what}: no EOI");
}

fn decoded(bytes: &[u8]) -> RgbImage {
    image::load_from_memory_with_format(bytes, ImageFormat::Jpeg)
        .unwrap()
        .to_rgb8()
}

fn assert_published(processed: &ProcessedPhoto, photo: (u32, u32), thumbnail: (u32, u32)) {
    for (image, size, what) in [
        (&processed.photo, photo, "photo"),
        (&processed.thumbnail, thumbnail, "thumbnail"),
    ] {
        assert_eq!(image.content_type, "image/jpeg");
        assert_eq!((image.width, image.height), size, "{what}");
        assert_eq!(
            decoded(&image.bytes).dimensions(),
            size,
            "{what} as decoded"
        );
        assert_bare_jpeg(&image.bytes, what);
    }
}

fn near(pixel: [u8; 3], expected: [u8; 3]) -> bool {
    pixel.iter().zip(expected).all(|(a, b)| a.abs_diff(b) <= 24)
}

/// What the upload carried (checked in the fixture) and neither published image may.
fn assert_removed(original: &[u8], processed: &ProcessedPhoto, carried: &[&[u8]]) {
    for needle in carried {
        assert!(contains(original, needle), "the fixture lacks {needle:?}");
        for bytes in [&processed.photo.bytes, &processed.thumbnail.bytes] {
            assert!(!contains(bytes, needle), "{needle:?} survived");
        }
    }
}

#[test]
fn a_phone_photo_comes_out_upright_scaled_and_without_its_exif() {
    let original = fixture("photo-exif-gps.jpg");
    // Its EXIF (big-endian) holds the GPS IFD's tag, 0x8825.
    assert!(contains(&original, b"Exif\0\0MM") && contains(&original, b"\x88\x25"));
    let processed = process("photo-exif-gps.jpg", PhotoContentType::Jpeg);
    // Stored 800x600 with orientation 6: a 600x800 portrait, scaled to 384x512.
    assert_published(&processed, (384, 512), (72, 96));
    let carried: [&[u8]; 5] = [
        b"Exif",
        b"PhoneMaker",
        b"Ann Example",
        b"taken at home",
        b"xmpmeta",
    ];
    assert_removed(&original, &processed, &carried);
    // The red block stored top left is top right once turned 90° clockwise.
    let photo = decoded(&processed.photo.bytes);
    assert!(near(photo.get_pixel(383 - 10, 10).0, [255, 0, 0]));
    assert!(near(photo.get_pixel(10, 10).0, [128, 128, 128]));
    assert!(near(photo.get_pixel(383 - 10, 511 - 10).0, [128, 128, 128]));
}

#[test]
fn a_png_loses_its_text_chunks_and_its_transparency() {
    let original = fixture("photo-text.png");
    let processed = process("photo-text.png", PhotoContentType::Png);
    // 600x400 → 512x341.
    assert_published(&processed, (512, 341), (96, 64));
    assert_removed(
        &original,
        &processed,
        &[b"tEXt", b"secret note", b"Ann Example"],
    );
    let photo = decoded(&processed.photo.bytes);
    // Transparent background onto white; the opaque green box stays green.
    assert!(near(photo.get_pixel(5, 5).0, [255, 255, 255]));
    assert!(near(photo.get_pixel(170, 128).0, [0, 127, 0]));
}

#[test]
fn a_webp_is_accepted_without_its_exif() {
    let original = fixture("photo.webp");
    assert!(contains(&original, b"\x88\x25"));
    let processed = process("photo.webp", PhotoContentType::WebP);
    // 700x500 → 512x365.7, rounded.
    assert_published(&processed, (512, 366), (96, 69));
    assert_removed(&original, &processed, &[b"EXIF"]);
}

#[test]
fn a_small_photo_is_never_enlarged() {
    let mut png = Vec::new();
    RgbImage::from_pixel(100, 80, image::Rgb([10, 200, 30]))
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .unwrap();
    let processed = process_photo(&png, PhotoContentType::Png, &limits()).unwrap();
    assert_published(&processed, (100, 80), (96, 77));
}

#[test]
fn what_is_not_an_image_of_its_declared_type_is_refused() {
    let jpeg = fixture("photo-exif-gps.jpg");
    let png = fixture("photo-text.png");
    let svg = fixture("drawing.svg");
    let cases: [(&str, &[u8], PhotoContentType); 7] = [
        ("a JPEG declared PNG", &jpeg, PhotoContentType::Png),
        ("a PNG declared JPEG", &png, PhotoContentType::Jpeg),
        ("a PNG declared WebP", &png, PhotoContentType::WebP),
        ("an SVG declared PNG", &svg, PhotoContentType::Png),
        ("an SVG declared JPEG", &svg, PhotoContentType::Jpeg),
        (
            "random bytes declared PNG",
            &noise(50_000, 1),
            PhotoContentType::Png,
        ),
        ("nothing", &[], PhotoContentType::Jpeg),
    ];
    for (what, bytes, declared) in cases {
        assert!(
            matches!(
                refusal(bytes, declared),
                InvalidImage::NotTheDeclaredType { .. }
            ),
            "{what}"
        );
    }
    // The right magic bytes are not enough: the image must decode.
    for (signature, declared) in [
        (&b"\x89PNG\r\n\x1a\n"[..], PhotoContentType::Png),
        (b"\xFF\xD8\xFF\xE0", PhotoContentType::Jpeg),
        (b"RIFF\0\0\0\0WEBPVP8 ", PhotoContentType::WebP),
    ] {
        let mut bytes = signature.to_vec();
        bytes.extend(noise(50_000, 2));
        assert!(
            matches!(refusal(&bytes, declared), InvalidImage::Undecodable(_)),
            "{signature:?} + noise"
        );
    }
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    let bomb = fixture("bomb-100000x100000.png");
    assert!(bomb.len() < 2000);
    assert_eq!(
        refusal(&bomb, PhotoContentType::Png),
        InvalidImage::TooManyPixels {
            width: 100_000,
            height: 100_000,
            max_pixels: 40_000_000,
            max_side: 20_000
        }
    );
    assert_eq!(
        refusal(&fixture("bomb-45mp.png"), PhotoContentType::Png),
        InvalidImage::TooManyPixels {
            width: 9000,
            height: 5000,
            max_pixels: 40_000_000,
            max_side: 20_000
        }
    );
}

#[test]
fn the_limits_are_the_callers() {
    let jpeg = fixture("photo-exif-gps.jpg");
    let small = PhotoLimits::new(jpeg.len() - 1);
    assert!(matches!(
        process_photo(&jpeg, PhotoContentType::Jpeg, &small),
        Err(PhotoRefusal::InvalidImage {
            reason: InvalidImage::TooLarge { .. }
        })
    ));
    let few_pixels = PhotoLimits {
        max_pixels: 800 * 600 - 1,
        ..limits()
    };
    assert!(matches!(
        process_photo(&jpeg, PhotoContentType::Jpeg, &few_pixels),
        Err(PhotoRefusal::InvalidImage {
            reason: InvalidImage::TooManyPixels { .. }
        })
    ));
    let little_memory = PhotoLimits {
        max_alloc: 800 * 600 * 3 - 1,
        ..limits()
    };
    assert!(matches!(
        process_photo(&jpeg, PhotoContentType::Jpeg, &little_memory),
        Err(PhotoRefusal::InvalidImage {
            reason: InvalidImage::TooMuchMemory { .. }
        })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::fuzz_cases(48)))]

    /// Damaged real images: refused, or published within the sizes, never a panic.
    #[test]
    fn damaged_images_are_refused_or_published(
        file in 0usize..3,
        cut in any::<prop::sample::Index>(),
        writes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
    ) {
        let (name, declared) = [
            ("photo-exif-gps.jpg", PhotoContentType::Jpeg),
            ("photo-text.png", PhotoContentType::Png),
            ("photo.webp", PhotoContentType::WebP),
        ][file];
        let mut bytes = fixture(name);
        let len = bytes.len();
        for (at, byte) in &writes {
            bytes[at.index(len)] = *byte;
        }
        if writes.is_empty() {
            bytes.truncate(cut.index(len));
        }
        if let Ok(processed) = process_photo(&bytes, declared, &limits()) {
            prop_assert!(processed.photo.width.max(processed.photo.height) <= 512);
            prop_assert!(processed.thumbnail.width.max(processed.thumbnail.height) <= 96);
        }
    }
}

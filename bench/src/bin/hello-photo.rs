//! The floor (`hello`) plus one call of the photo pipeline on the request body: its size
//! beside `hello`'s is what linking the image codecs adds to a function's zip (`sizes.sh`).

#[path = "../floor.rs"]
mod floor;

use natives_media::{PhotoContentType, PhotoLimits, process_photo};

fn main() -> Result<(), lambda_http::Error> {
    floor::serve(|content_type, body| {
        let declared = content_type
            .and_then(|v| PhotoContentType::parse(v).ok())
            .unwrap_or(PhotoContentType::Jpeg);
        match process_photo(body, declared, &PhotoLimits::new(5 << 20)) {
            Ok(processed) => processed.photo.bytes,
            Err(refusal) => refusal.to_string().into_bytes(),
        }
    })
}

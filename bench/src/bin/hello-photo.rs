//! The floor (`hello`) plus one call of the photo pipeline on the request body: its size
//! beside `hello`'s is what linking the image codecs adds to a function's zip (`sizes.sh`).

use lambda_http::{Body, Error, Request, Response, service_fn};
use natives_media::{PhotoContentType, PhotoLimits, process_photo};

fn main() -> Result<(), Error> {
    let limits = PhotoLimits::new(5 << 20);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(lambda_http::run(service_fn(|request: Request| {
            let limits = limits.clone();
            async move {
                let declared = request
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| PhotoContentType::parse(v).ok())
                    .unwrap_or(PhotoContentType::Jpeg);
                let body = match process_photo(request.body(), declared, &limits) {
                    Ok(processed) => Body::from(processed.photo.bytes),
                    Err(refusal) => Body::from(refusal.to_string()),
                };
                Ok::<_, Error>(Response::builder().status(200).body(body)?)
            }
        })))
}

//! The floor (`hello`) plus one call of the recording probe on the request body: its size
//! beside `hello`'s is what linking the demuxers adds to a function's zip (`sizes.sh`).

use lambda_http::{Body, Error, Request, Response, service_fn};
use natives_media::{AudioLimits, VoiceContentType, probe_recording};

fn main() -> Result<(), Error> {
    let limits = AudioLimits::new(10 << 20, std::time::Duration::from_secs(300));
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
                    .and_then(|v| VoiceContentType::parse(v).ok())
                    .unwrap_or(VoiceContentType::Ogg);
                let answer = match probe_recording(request.body(), declared, &limits) {
                    Ok(recording) => format!("{}", recording.duration_seconds()),
                    Err(refusal) => refusal.to_string(),
                };
                Ok::<_, Error>(Response::builder().status(200).body(Body::from(answer))?)
            }
        })))
}

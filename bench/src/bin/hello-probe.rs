//! The floor (`hello`) plus one call of the recording probe on the request body: its size
//! beside `hello`'s is what linking the demuxers adds to a function's zip (`sizes.sh`).

#[path = "../floor.rs"]
mod floor;

use natives_media::{AudioLimits, VoiceContentType, probe_recording};

fn main() -> Result<(), lambda_http::Error> {
    floor::serve(|content_type, body| {
        let declared = content_type
            .and_then(|v| VoiceContentType::parse(v).ok())
            .unwrap_or(VoiceContentType::Ogg);
        let limits = AudioLimits::new(10 << 20, std::time::Duration::from_secs(300));
        match probe_recording(body, declared, &limits) {
            Ok(recording) => recording.duration_seconds().to_string().into_bytes(),
            Err(refusal) => refusal.to_string().into_bytes(),
        }
    })
}

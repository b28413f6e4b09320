//! A staged voice recording, checked before it is archived.
//!
//! [`probe_recording`] reads the bytes of an upload with the demuxer of the container its
//! declared content type names (`symphonia`; nothing is decoded) and walks the packets of
//! its audio track. It guarantees, for any input:
//!
//! - **Audio in the declared container**: the container parses as the declared one (an MP3
//!   declared `audio/ogg` is refused), it has an audio track in a codec that container
//!   carries when browsers record (Opus or Vorbis in Ogg and WebM, MP3 in MPEG, AAC in
//!   MP4), its packets read without error to the end of the bytes (a recording cut short
//!   counts up to the cut), and they are most of the file: at most
//!   [`MAX_FOREIGN_BYTES`] or half of the file, whichever is more, is anything else
//!   (container framing, tags), so a short recording cannot carry megabytes of other data
//!   into the permanent archive.
//! - **The duration measured, not declared**: the end of the last packet minus the start of
//!   the first, on the track's time base. Headers are not trusted: MediaRecorder's WebM has
//!   no duration, a fragmented MP4 says 0 and a header can lie.
//! - **Bounded work**: more than `max_bytes` is refused before anything is read; the walk
//!   stops at `max_duration` ([`AudioRefusal::TooLong`]) or after `max_packets`
//!   (refused), and the demuxer's buffers grow with the bytes it has read, never with a
//!   size a header claims. Truncated and mutated real files are refused or measured, never
//!   a panic or a hang (the property tests in `tests/audio.rs`; Symphonia's MP4 demuxer is
//!   patched for the panics they found, `media/vendor/README.md`).
//!
//! The recording is archived as uploaded: this module only decides.

use std::io::Cursor;
use std::time::Duration;

use symphonia::core::codecs::CodecParameters;
use symphonia::core::codecs::audio::AudioCodecId;
use symphonia::core::codecs::audio::well_known::{
    CODEC_ID_AAC, CODEC_ID_MP3, CODEC_ID_OPUS, CODEC_ID_VORBIS,
};
use symphonia::core::errors::Error as DemuxError;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::units::TimeBase;
use symphonia::default::formats::{IsoMp4Reader, MkvReader, MpaReader, OggReader};

/// The media types a voice message may have.
pub const VOICE_CONTENT_TYPES: &[&str] = &["audio/ogg", "audio/webm", "audio/mpeg", "audio/mp4"];

/// A recording's declared media type, one of [`VOICE_CONTENT_TYPES`]: what browsers'
/// MediaRecorder writes (Firefox Ogg, Chromium WebM, Safari MP4) and MP3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VoiceContentType {
    Ogg,
    WebM,
    Mpeg,
    Mp4,
}

impl VoiceContentType {
    const ALL: [VoiceContentType; 4] = [Self::Ogg, Self::WebM, Self::Mpeg, Self::Mp4];

    /// The media type without parameters, any case (`Audio/OGG`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        crate::parse_declared(raw, &Self::ALL, Self::as_str)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Ogg => "audio/ogg",
            Self::WebM => "audio/webm",
            Self::Mpeg => "audio/mpeg",
            Self::Mp4 => "audio/mp4",
        }
    }

    /// The codecs this container may carry a recording in.
    fn codecs(self) -> &'static [AudioCodecId] {
        match self {
            Self::Ogg | Self::WebM => &[CODEC_ID_OPUS, CODEC_ID_VORBIS],
            Self::Mpeg => &[CODEC_ID_MP3],
            Self::Mp4 => &[CODEC_ID_AAC],
        }
    }
}

/// The most bytes other than the audio track's packets a recording may hold, when that is
/// more than half of it (a short recording's headers).
pub const MAX_FOREIGN_BYTES: usize = 64 * 1024;

/// The shortest packet any accepted codec writes (Opus: 2.5 ms), so `max_packets` can be
/// derived from the longest duration.
const SHORTEST_PACKET: Duration = Duration::from_micros(2500);

/// What one probe may cost, fixed before it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioLimits {
    /// Larger recordings are refused unread (the upload limit).
    pub max_bytes: usize,
    /// Longer recordings are [`AudioRefusal::TooLong`]; the walk stops there.
    pub max_duration: Duration,
    /// A recording with more packets is refused: bounds the walk on files whose
    /// timestamps do not advance.
    pub max_packets: u64,
}

impl AudioLimits {
    /// Limits for recordings of at most `max_bytes` and `max_duration`, with room for
    /// packets as short as any accepted codec writes.
    pub fn new(max_bytes: usize, max_duration: Duration) -> Self {
        let shortest = SHORTEST_PACKET.as_micros();
        let packets = max_duration.as_micros().div_ceil(shortest);
        Self {
            max_bytes,
            max_duration,
            max_packets: u64::try_from(packets)
                .unwrap_or(u64::MAX)
                .saturating_add(1000),
        }
    }
}

/// A recording that is audio in its declared container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recording {
    /// Measured from the packets' timestamps.
    pub duration: Duration,
}

impl Recording {
    /// The duration in seconds, to the millisecond (`voice.duration_seconds`).
    pub fn duration_seconds(&self) -> f64 {
        self.duration.as_millis() as f64 / 1000.0
    }
}

/// Why a recording is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AudioRefusal {
    /// Not audio in the declared container (the API's `invalid_audio`).
    #[error("not audio in the declared container: {0}")]
    InvalidAudio(InvalidAudio),
    /// Longer than the limit (the API's `recording_too_long`).
    #[error("longer than {limit:?}")]
    TooLong { limit: Duration },
}

/// What exactly was wrong, for the log; the client only learns `invalid_audio`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAudio {
    #[error("{size} bytes, more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("the {container} demuxer refused it: {reason}")]
    NotTheContainer {
        container: &'static str,
        reason: String,
    },
    #[error("no audio track in an accepted codec")]
    NoAudioTrack,
    #[error("the audio track has no time base")]
    NoTimeBase,
    #[error("malformed packets: {0}")]
    Malformed(String),
    #[error("no packet of audio")]
    NoPackets,
    #[error("more than {0} packets")]
    TooManyPackets(u64),
    #[error("{foreign} of {size} bytes are not audio")]
    MostlyNotAudio { foreign: usize, size: usize },
}

impl From<InvalidAudio> for AudioRefusal {
    fn from(reason: InvalidAudio) -> Self {
        AudioRefusal::InvalidAudio(reason)
    }
}

/// Checks that `bytes` are a recording in the container `declared` names and measures its
/// duration (the module doc says what is guaranteed).
pub fn probe_recording(
    bytes: &[u8],
    declared: VoiceContentType,
    limits: &AudioLimits,
) -> Result<Recording, AudioRefusal> {
    if bytes.len() > limits.max_bytes {
        return Err(InvalidAudio::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        }
        .into());
    }
    let mut reader = open(bytes, declared).map_err(|e| InvalidAudio::NotTheContainer {
        container: declared.as_str(),
        reason: e.to_string(),
    })?;
    let (track_id, time_base) = audio_track(reader.as_ref(), declared)?;
    let walked = walk(reader.as_mut(), track_id, time_base, limits)?;
    let foreign = bytes.len().saturating_sub(walked.payload_bytes);
    if foreign > MAX_FOREIGN_BYTES && foreign > bytes.len() / 2 {
        return Err(InvalidAudio::MostlyNotAudio {
            foreign,
            size: bytes.len(),
        }
        .into());
    }
    Ok(Recording {
        duration: walked.duration,
    })
}

/// The demuxer of the declared container, and only that one: no probing among formats.
fn open<'s>(
    bytes: &'s [u8],
    declared: VoiceContentType,
) -> Result<Box<dyn FormatReader + 's>, DemuxError> {
    let source = MediaSourceStream::new(
        Box::new(Cursor::new(bytes)),
        MediaSourceStreamOptions::default(),
    );
    let options = FormatOptions::default();
    Ok(match declared {
        VoiceContentType::Ogg => Box::new(OggReader::try_new(source, options)?),
        VoiceContentType::WebM => Box::new(MkvReader::try_new(source, options)?),
        VoiceContentType::Mpeg => Box::new(MpaReader::try_new(source, options)?),
        VoiceContentType::Mp4 => Box::new(IsoMp4Reader::try_new(source, options)?),
    })
}

/// The first audio track in a codec the declared container may carry.
fn audio_track(
    reader: &dyn FormatReader,
    declared: VoiceContentType,
) -> Result<(u32, TimeBase), InvalidAudio> {
    let track = reader
        .tracks()
        .iter()
        .filter(|t| t.track_type() == Some(TrackType::Audio))
        .find(|t| match &t.codec_params {
            Some(CodecParameters::Audio(audio)) => declared.codecs().contains(&audio.codec),
            _ => false,
        })
        .ok_or(InvalidAudio::NoAudioTrack)?;
    let time_base = track.time_base.ok_or(InvalidAudio::NoTimeBase)?;
    Ok((track.id, time_base))
}

struct Walked {
    duration: Duration,
    payload_bytes: usize,
}

/// Reads every packet, keeping the span of the audio track's timestamps and the bytes of
/// its packets. Stops as soon as the span passes `max_duration`.
fn walk(
    reader: &mut dyn FormatReader,
    track_id: u32,
    time_base: TimeBase,
    limits: &AudioLimits,
) -> Result<Walked, AudioRefusal> {
    let mut packets = 0u64;
    let mut first: Option<i64> = None;
    let mut end = i64::MIN;
    let mut payload_bytes = 0usize;
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            // A WebM written as a live stream (MediaRecorder's) has no size and ends
            // where the bytes do; a recording cut short is still a recording up to there.
            Err(DemuxError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(InvalidAudio::Malformed(e.to_string()).into()),
        };
        packets += 1;
        if packets > limits.max_packets {
            return Err(InvalidAudio::TooManyPackets(limits.max_packets).into());
        }
        if packet.track_id != track_id {
            continue;
        }
        payload_bytes = payload_bytes.saturating_add(packet.data.len());
        let start = packet.pts.get();
        let start = *first.get_or_insert(start);
        end = end.max(packet.pts.get().saturating_add_unsigned(packet.dur.get()));
        let span = span(time_base, start, end);
        if span > limits.max_duration {
            return Err(AudioRefusal::TooLong {
                limit: limits.max_duration,
            });
        }
    }
    let Some(start) = first else {
        return Err(InvalidAudio::NoPackets.into());
    };
    Ok(Walked {
        duration: span(time_base, start, end),
        payload_bytes,
    })
}

/// `end - start` ticks of `time_base`, saturating (hostile timestamps are only large).
fn span(time_base: TimeBase, start: i64, end: i64) -> Duration {
    let ticks = u128::try_from(end.saturating_sub(start)).unwrap_or(0);
    let nanos = ticks * u128::from(time_base.numer.get()) * 1_000_000_000
        / u128::from(time_base.denom.get());
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_parse_once() {
        let names: Vec<_> = VoiceContentType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names, VOICE_CONTENT_TYPES);
        for t in VoiceContentType::ALL {
            assert_eq!(VoiceContentType::parse(t.as_str()), Ok(t));
        }
        assert_eq!(
            VoiceContentType::parse(" Audio/OGG "),
            Ok(VoiceContentType::Ogg)
        );
        assert!(VoiceContentType::parse("audio/wav").is_err());
        assert!(VoiceContentType::parse("video/mp4").is_err());
    }

    #[test]
    fn packets_allowed_follow_the_duration() {
        let limits = AudioLimits::new(1 << 20, Duration::from_secs(300));
        assert_eq!(limits.max_packets, 120_000 + 1000);
    }

    #[test]
    fn spans_convert_time_bases_and_saturate() {
        let ms = TimeBase::try_new(1, 1000).unwrap();
        assert_eq!(span(ms, 0, 6540), Duration::from_millis(6540));
        assert_eq!(span(ms, 10, 5), Duration::ZERO);
        let hz = TimeBase::try_new(1, 48000).unwrap();
        assert_eq!(span(hz, 0, 48000 * 300), Duration::from_secs(300));
        assert!(span(ms, i64::MIN, i64::MAX) > Duration::from_secs(u64::from(u32::MAX)));
    }

    #[test]
    fn seconds_keep_milliseconds() {
        let recording = Recording {
            duration: Duration::from_micros(6_420_291),
        };
        assert_eq!(recording.duration_seconds(), 6.42);
    }
}

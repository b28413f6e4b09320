//! Verified voice from outside: posting reads the staged recording, refuses what is not
//! audio in its declared container or is too long (free of charge, never archived), and
//! shows the duration it measured.

use std::path::Path;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::conversations::put_upload;
use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../media/fixtures");

/// A fixture recording's bytes.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURES).join(name)).expect("a media fixture")
}

/// The duration ffprobe measured for a fixture (`media/fixtures/durations.tsv`).
fn ffprobe_seconds(name: &str) -> f64 {
    let table = std::fs::read_to_string(Path::new(FIXTURES).join("durations.tsv")).unwrap();
    table
        .lines()
        .find_map(|line| {
            let (file, seconds) = line.split_once('\t')?;
            (file == name).then(|| seconds.parse().unwrap())
        })
        .expect("the fixture's duration")
}

/// Files the archive bucket holds.
pub(crate) fn archived_files(app: &TestApp) -> usize {
    fn count(dir: &Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() { count(&path) } else { 1 }
                })
                .sum()
        })
    }
    count(
        &natives_local::data_dir::s3_root(app.data_dir.path()).join(natives_local::ARCHIVE_BUCKET),
    )
}

impl TestApp {
    /// Declares, uploads and posts `bytes` as `content_type` in `thread_id`.
    pub(crate) async fn post_recording(
        &self,
        user: &TestUser,
        thread_id: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let slot = self.upload_slot(user, content_type, &bytes).await;
        let put = put_upload(&slot, &slot["upload_headers"], bytes).await;
        assert!(put.status().is_success(), "S3 took the declared bytes");
        self.reply(
            user,
            thread_id,
            &json!({ "voice_upload_id": slot["upload_id"] }),
        )
        .await
    }
}

#[tokio::test]
async fn recordings_of_every_browser_container_are_posted_with_their_measured_duration() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 100).await;
    let thread = app.thread(&ada, "Hör mal").await;
    let thread_id = thread["id"].as_str().unwrap();
    for (file, declared, shown) in [
        ("sentence.ogg", "audio/ogg", "audio/ogg"),
        ("sentence.webm", "audio/webm", "audio/webm"),
        // as Chromium's MediaRecorder declares it
        (
            "sentence-mediarecorder.webm",
            "audio/webm;codecs=opus",
            "audio/webm",
        ),
        ("sentence.mp3", "audio/mpeg", "audio/mpeg"),
        ("sentence.m4a", "audio/mp4", "audio/mp4"),
        ("sentence-fragmented.m4a", "audio/mp4", "audio/mp4"),
    ] {
        let bytes = fixture(file);
        let response = app
            .post_recording(&ada, thread_id, declared, bytes.clone())
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "{file}");
        let message: Value = response.json().await.unwrap();
        let voice = &message["voice"];
        assert_eq!(voice["content_type"], shown, "{file}");
        let measured = voice["duration_seconds"].as_f64().expect("a duration");
        let expected = ffprobe_seconds(file);
        assert!(
            (measured - expected).abs() < 0.3,
            "{file}: {measured} s measured, ffprobe says {expected} s"
        );
        // shown on every read, and the archived bytes are the posted ones
        let read: Value = app
            .get(&format!("/v1/messages/{}", message["id"].as_str().unwrap()))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(read["voice"]["duration_seconds"], voice["duration_seconds"]);
        let redirect = app.get(voice["url"].as_str().unwrap()).await;
        let location = redirect.headers()["location"].to_str().unwrap().to_owned();
        let listened = reqwest::get(&location)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(listened.as_ref(), bytes.as_slice(), "{file}");
    }
}

#[tokio::test]
async fn what_is_not_a_recording_in_its_container_or_too_long_is_refused_free_and_unarchived() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 20).await;
    let thread = app.thread(&ada, "Hör mal").await;
    let thread_id = thread["id"].as_str().unwrap();
    let balance = app.balance(&ada.access_token).await.0;
    let archived = archived_files(&app);

    let mut noise = b"OggS".to_vec();
    noise.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    for (why, declared, bytes, code) in [
        (
            "random bytes behind OggS",
            "audio/ogg",
            noise,
            "invalid_audio",
        ),
        (
            "an MP3 declared as Ogg",
            "audio/ogg",
            fixture("sentence.mp3"),
            "invalid_audio",
        ),
        (
            "a video without sound",
            "audio/webm",
            fixture("video-only.webm"),
            "invalid_audio",
        ),
        (
            "six minutes",
            "audio/ogg",
            fixture("six-minutes.ogg"),
            "recording_too_long",
        ),
    ] {
        let response = app.post_recording(&ada, thread_id, declared, bytes).await;
        let problem = assert_problem(response, 422, code).await;
        assert!(problem["detail"].is_string(), "{why}: {problem}");
        assert_eq!(
            app.balance(&ada.access_token).await.0,
            balance,
            "{why}: not charged"
        );
    }
    assert_eq!(
        archived_files(&app),
        archived,
        "nothing reached the archive"
    );
    let messages: Value = app
        .get(&format!("/v1/threads/{thread_id}/messages"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(messages["items"].as_array().unwrap().len(), 1, "no post");

    // A new thread opened with a recording is checked the same way.
    let too_long = fixture("six-minutes.ogg");
    let slot = app.upload_slot(&ada, "audio/ogg", &too_long).await;
    put_upload(&slot, &slot["upload_headers"], too_long).await;
    let opened = app
        .start_thread(
            &ada,
            &json!({ "language": "de", "title": "Lang", "voice_upload_id": slot["upload_id"] }),
        )
        .await;
    assert_problem(opened, 422, "recording_too_long").await;
    assert_eq!(app.balance(&ada.access_token).await.0, balance);
}

//! What a refused request is told: the words name what was wrong, and the local S3
//! keeps of a refused upload what AWS keeps (nothing), so the answer is the deployed one.

use serde_json::{Value, json};

use crate::conversations::put_upload;
use crate::helpers::{assert_problem, spawn_app};

const NOTHING_UPLOADED: &str = "No recording was uploaded for this voice_upload_id (or it has expired): PUT the declared bytes to its upload_url, then post again.";

#[tokio::test]
async fn a_voice_upload_s3_never_kept_is_said_to_be_missing() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 20).await;
    let thread = app.thread(&ada, "Wie sagt man das?").await;
    let thread_id = thread["id"].as_str().unwrap();
    let recording = crate::voice::fixture("sentence.ogg");
    let post = |upload_id: String| {
        let (app, ada) = (&app, &ada);
        async move {
            app.reply(ada, thread_id, &json!({ "voice_upload_id": upload_id }))
                .await
        }
    };

    // Never PUT.
    let slot = app.upload_slot(&ada, "audio/ogg", &recording).await;
    let missing = assert_problem(post(upload_id(&slot)).await, 404, "not_found").await;
    assert_eq!(missing["detail"], NOTHING_UPLOADED);

    // PUT with other bytes of the same length: S3 refuses them and keeps nothing.
    let mut other = recording.clone();
    other[6] ^= 1;
    let refused = put_upload(&slot, &slot["upload_headers"], other).await;
    assert_eq!(refused.status(), 400, "BadDigest");
    let missing = assert_problem(post(upload_id(&slot)).await, 404, "not_found").await;
    assert_eq!(missing["detail"], NOTHING_UPLOADED);

    // A refused PUT after an accepted one leaves the accepted bytes as they were.
    let slot = app.upload_slot(&ada, "audio/ogg", &recording).await;
    let stored = put_upload(&slot, &slot["upload_headers"], recording.clone()).await;
    assert!(stored.status().is_success());
    let mut other = recording.clone();
    other[0] ^= 1;
    let refused = put_upload(&slot, &slot["upload_headers"], other).await;
    assert_eq!(refused.status(), 400);
    let posted = post(upload_id(&slot)).await;
    assert_eq!(posted.status(), 201);
    let message: Value = posted.json().await.unwrap();
    let listened = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(2))
        .build()
        .unwrap()
        .get(app.url(message["voice"]["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        listened.bytes().await.unwrap().as_ref(),
        recording.as_slice()
    );
}

fn upload_id(slot: &Value) -> String {
    slot["upload_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_told_so() {
    let app = spawn_app().await;
    for (body, kind) in [
        ("[1]", "an array"),
        ("[]", "an array"),
        ("\"ada\"", "a string"),
    ] {
        let response = app
            .post_raw("/v1/sessions", Some("application/json"), body)
            .await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(
            problem["errors"],
            json!([{ "field": "body", "message": format!("expected a JSON object, not {kind}") }]),
            "{body}"
        );
    }
}

//! A hidden or removed voice message's recording stops being served, and a removed one
//! can be destroyed for a legal reason through the one audited break-glass path; against
//! moto's S3, the archive's governance lock and legal hold refuse a plain delete and that
//! path's own code destroys every version.

use std::time::Duration;

use natives_shared::archive::Archive;
use natives_shared::config::ArchiveSettings;
use natives_shared::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Moto, TestApp, TestUser, assert_problem, spawn_app, spawn_app_with};
use crate::voice::{archived_files, fixture};

/// The local voice links of these tests live this long.
const LINK_SECONDS: u64 = 2;

impl TestApp {
    async fn voice_message_by(&self, author: &TestUser) -> Value {
        self.fund(author, 100).await;
        let thread = self.thread(author, "Hör mal").await;
        let response = self
            .post_recording(
                author,
                thread["id"].as_str().unwrap(),
                "audio/ogg",
                fixture("sentence.ogg"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// The voice route's answer to `reader` (or a visitor).
    async fn listen(&self, message_id: &str, reader: Option<&TestUser>) -> reqwest::Response {
        self.send(
            Method::GET,
            &format!("/v1/messages/{message_id}/voice"),
            reader.map(|r| r.access_token.as_str()),
            None,
        )
        .await
    }

    async fn moderate(&self, moderator: &TestUser, message_id: &str, action: &str) {
        let response = self
            .send(
                Method::POST,
                &format!("/v1/moderation/messages/{message_id}/actions"),
                Some(&moderator.access_token),
                Some(&json!({ "action": action, "reason": "Against the rules." })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{action}");
    }

    async fn destroy(
        &self,
        caller: &TestUser,
        message_id: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.send(
            Method::POST,
            &format!("/v1/admin/messages/{message_id}/recording-destruction"),
            Some(&caller.access_token),
            Some(body),
        )
        .await
    }
}

fn court_order() -> Value {
    json!({ "reason": "Order 2027/14 of the district court", "legal_basis": "court_order" })
}

#[tokio::test]
async fn a_hidden_recording_is_served_only_to_its_author_and_moderators_and_old_links_expire() {
    let app = spawn_app_with(Some(Box::new(|settings| {
        settings.conversations.voice_url_seconds = LINK_SECONDS;
    })))
    .await;
    let author = app.registered_user("author@example.com").await;
    let reader = app.registered_user("reader@example.com").await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let message = app.voice_message_by(&author).await;
    let id = message["id"].as_str().unwrap();
    // the message links the route, never the recording itself
    assert_eq!(message["voice"]["url"], format!("/v1/messages/{id}/voice"));

    let redirect = app.listen(id, None).await;
    assert_eq!(redirect.status(), StatusCode::FOUND);
    assert!(
        redirect.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private"),
        "a redirect is never in a shared cache"
    );
    let early_link = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert!(early_link.contains(&format!("X-Amz-Expires={LINK_SECONDS}")));
    let fetched = reqwest::get(&early_link).await.unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);

    app.moderate(&moderator, id, "hide").await;
    for who in [None, Some(&reader)] {
        assert_problem(app.listen(id, who).await, 404, "not_found").await;
    }
    for who in [&author, &moderator] {
        assert_eq!(app.listen(id, Some(who)).await.status(), StatusCode::FOUND);
    }

    app.moderate(&moderator, id, "remove").await;
    assert_problem(app.listen(id, None).await, 404, "not_found").await;
    // the link handed out while the message was visible dies within its lifetime
    tokio::time::sleep(Duration::from_secs(LINK_SECONDS + 1)).await;
    let late = reqwest::get(&early_link).await.unwrap();
    assert_eq!(
        late.status(),
        StatusCode::FORBIDDEN,
        "an expired link serves nothing"
    );
}

#[tokio::test]
async fn an_admin_destroys_a_removed_recording_once_audited_and_a_retry_finishes_the_job() {
    let app = spawn_app().await;
    let author = app.registered_user("author@example.com").await;
    let user = app.registered_user("user@example.com").await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let admin = app.staff("admin@example.com", &[Role::Admin]).await;
    let message = app.voice_message_by(&author).await;
    let id = message["id"].as_str().unwrap();

    // the role check comes first: whatever the body or the id
    for (path_id, body) in [
        (id, court_order()),
        (id, json!({ "nonsense": true })),
        ("not-an-id", json!({})),
    ] {
        assert_problem(app.destroy(&user, path_id, &body).await, 403, "forbidden").await;
        assert_problem(
            app.destroy(&moderator, path_id, &body).await,
            403,
            "forbidden",
        )
        .await;
    }
    // only a removed message's recording
    assert_problem(
        app.destroy(&admin, id, &court_order()).await,
        409,
        "message_not_removed",
    )
    .await;
    app.moderate(&moderator, id, "hide").await;
    assert_problem(
        app.destroy(&admin, id, &court_order()).await,
        409,
        "message_not_removed",
    )
    .await;
    app.moderate(&moderator, id, "remove").await;
    // a reason and a legal basis the law names
    for body in [
        json!({ "reason": "", "legal_basis": "court_order" }),
        json!({ "reason": "Order", "legal_basis": "boredom" }),
        json!({ "reason": "Order" }),
    ] {
        let refused = app.destroy(&admin, id, &body).await;
        assert!(refused.status().is_client_error(), "{body}");
        assert_eq!(archived_files(&app), 1, "nothing deleted on {body}");
    }

    let archived = archived_files(&app);
    let destroyed = app.destroy(&admin, id, &court_order()).await;
    assert_eq!(destroyed.status(), StatusCode::OK);
    let destroyed: Value = destroyed.json().await.unwrap();
    assert_eq!(destroyed["message_id"], id);
    assert_eq!(destroyed["versions_deleted"], 1);
    assert_eq!(archived_files(&app), archived - 1, "the object is gone");

    // the message has no recording any more, for anyone
    let seen: Value = app
        .send(
            Method::GET,
            &format!("/v1/messages/{id}"),
            Some(&moderator.access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(seen["voice"].is_null(), "{seen}");
    for who in [&author, &moderator] {
        assert_problem(app.listen(id, Some(who)).await, 404, "not_found").await;
    }

    // a retry answers the same destruction and writes no second audit entry
    let again = app.destroy(&admin, id, &court_order()).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["destroyed_at"], destroyed["destroyed_at"]);
    assert_eq!(again["versions_deleted"], 0);
    let audit = app
        .list_items(
            &format!("/v1/moderation/audit?account_id={}", author.id),
            &moderator.access_token,
        )
        .await;
    let entries: Vec<&Value> = audit
        .iter()
        .filter(|e| e["action"] == "recording.destroy")
        .collect();
    assert_eq!(entries.len(), 1, "{audit:?}");
    assert_eq!(entries[0]["target"], format!("message:{id}"));
    assert_eq!(
        entries[0]["reason"],
        "court_order: Order 2027/14 of the district court"
    );

    // a text message has no recording
    let text = app.thread(&author, "Nur Text").await;
    let text_id = text["first_message"]["id"].as_str().unwrap();
    app.moderate(&moderator, text_id, "remove").await;
    assert_problem(
        app.destroy(&admin, text_id, &court_order()).await,
        409,
        "no_recording",
    )
    .await;
}

#[tokio::test]
async fn the_archive_lock_refuses_a_plain_delete_and_the_break_glass_code_destroys_every_version() {
    let Some(moto) = Moto::start() else { return };
    let sdk = natives_local::embedded::sdk_config(&moto.url).await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    let bucket = "natives-voice-archive";
    s3.create_bucket()
        .bucket(bucket)
        .object_lock_enabled_for_bucket(true)
        .send()
        .await
        .unwrap();
    let key = "voice/t1/m1";
    let mut versions = Vec::new();
    // two versions, each as the deployed archive keeps it: governance retention and a hold
    for body in ["first", "second"] {
        let put = s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(body.as_bytes().to_vec().into())
            .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Sha256)
            .object_lock_mode(aws_sdk_s3::types::ObjectLockMode::Governance)
            .object_lock_retain_until_date(aws_sdk_s3::primitives::DateTime::from_secs(
                4_102_444_800,
            ))
            .object_lock_legal_hold_status(aws_sdk_s3::types::ObjectLockLegalHoldStatus::On)
            .send()
            .await
            .unwrap();
        versions.push(put.version_id().unwrap().to_owned());
    }
    for version in &versions {
        for bypass in [false, true] {
            let refused = s3
                .delete_object()
                .bucket(bucket)
                .key(key)
                .version_id(version)
                .bypass_governance_retention(bypass)
                .send()
                .await;
            assert!(
                refused.is_err(),
                "a held version is not deleted (bypass: {bypass})"
            );
        }
    }

    let archive = Archive::connect(
        &sdk,
        ArchiveSettings {
            staging_bucket: "natives-voice-staging".into(),
            archive_bucket: bucket.into(),
            photos_bucket: "natives-profile-photos".into(),
            public_base_url: None,
            cdn_key_pair_id: None,
            cdn_signing_key: None,
            force_path_style: true,
            versioned: true,
        },
    )
    .unwrap();
    assert_eq!(archive.destroy(key).await.unwrap(), 2);
    let left = s3
        .list_object_versions()
        .bucket(bucket)
        .prefix(key)
        .send()
        .await
        .unwrap();
    assert!(left.versions().is_empty() && left.delete_markers().is_empty());
    assert_eq!(
        archive.destroy(key).await.unwrap(),
        0,
        "a retry finds nothing"
    );
}

//! Corrections under moderation, from outside: complaints about a correction follow the
//! rules of complaints about messages (one open each, trusted reporters hide it, a
//! blocked reporter's complaints are dismissed), the review queue names what it holds,
//! moderators decide, and a hidden correction leaves the public list and the message's
//! count but stays with its author and moderators. A correction's earlier versions are
//! listed like a message's.

use natives_shared::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

/// A trusted reporter: a verified address and credits had.
async fn trusted(app: &TestApp, email: &str) -> TestUser {
    let user = app.registered_user(email).await;
    app.verify(&user).await;
    app.fund(&user, 1).await;
    user
}

/// Ada's message, and Bob's correction of it: `(ada, bob, message_id, correction_id)`.
async fn a_correction(app: &TestApp) -> (TestUser, TestUser, String, String) {
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 5).await;
    let thread = app.thread(&ada, "Ich habe nach Hause gegangen.").await;
    let message_id = thread["first_message"]["id"].as_str().unwrap().to_owned();
    let bob = app.registered_user("bob@example.com").await;
    app.fund(&bob, 5).await;
    let response = app
        .send(
            Method::POST,
            &format!("/v1/messages/{message_id}/corrections"),
            Some(&bob.access_token),
            Some(&json!({
                "revision": 0,
                "corrected_text": "Ich bin nach Hause gegangen.",
                "note": "Gehen takes sein."
            })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let correction: Value = response.json().await.unwrap();
    let correction_id = correction["id"].as_str().unwrap().to_owned();
    (ada, bob, message_id, correction_id)
}

async fn complain(
    app: &TestApp,
    user: &TestUser,
    message_id: &str,
    correction_id: &str,
    comment: &str,
) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/v1/messages/{message_id}/corrections/{correction_id}/complaints"),
        Some(&user.access_token),
        Some(&json!({ "reason": "offensive", "comment": comment })),
    )
    .await
}

async fn act(
    app: &TestApp,
    moderator: &TestUser,
    message_id: &str,
    correction_id: &str,
    action: &str,
) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/v1/moderation/messages/{message_id}/corrections/{correction_id}/actions"),
        Some(&moderator.access_token),
        Some(&json!({ "action": action, "reason": "The note mocks the author." })),
    )
    .await
}

/// The ids of the corrections `token` (none: a visitor) is shown.
async fn listed(app: &TestApp, message_id: &str, token: Option<&str>) -> Vec<Value> {
    let response = app
        .send(
            Method::GET,
            &format!("/v1/messages/{message_id}/corrections"),
            token,
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

async fn corrections_count(app: &TestApp, message_id: &str) -> i64 {
    let message: Value = app
        .get(&format!("/v1/messages/{message_id}"))
        .await
        .json()
        .await
        .unwrap();
    message["corrections_count"].as_i64().unwrap()
}

async fn revisions_status(
    app: &TestApp,
    message_id: &str,
    correction_id: &str,
    token: Option<&str>,
) -> (u16, Value) {
    let response = app
        .send(
            Method::GET,
            &format!("/v1/messages/{message_id}/corrections/{correction_id}/revisions"),
            token,
            None,
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn three_trusted_reporters_hide_a_correction_from_the_public_and_a_moderator_decides() {
    let app = spawn_app().await;
    let (ada, bob, message, correction) = a_correction(&app).await;
    let reporters = [
        trusted(&app, "r1@example.com").await,
        trusted(&app, "r2@example.com").await,
        trusted(&app, "r3@example.com").await,
    ];
    for reporter in &reporters[..2] {
        let filed = complain(&app, reporter, &message, &correction, "Rude note.").await;
        assert_eq!(filed.status(), StatusCode::CREATED);
        let filed: Value = filed.json().await.unwrap();
        assert_eq!(filed["kind"], "correction");
        assert_eq!(filed["correction_id"], correction.as_str());
        assert_eq!(filed["message_id"], message.as_str());
    }
    assert_problem(
        complain(&app, &reporters[0], &message, &correction, "Again.").await,
        409,
        "complaint_exists",
    )
    .await;
    assert_eq!(
        listed(&app, &message, None).await.len(),
        1,
        "two: still public"
    );
    assert_eq!(corrections_count(&app, &message).await, 1);

    // the third trusted reporter hides it: gone for a visitor and for the message's author
    assert_eq!(
        complain(&app, &reporters[2], &message, &correction, "Rude.")
            .await
            .status(),
        StatusCode::CREATED
    );
    assert!(listed(&app, &message, None).await.is_empty());
    assert!(
        listed(&app, &message, Some(&ada.access_token))
            .await
            .is_empty()
    );
    assert_eq!(corrections_count(&app, &message).await, 0, "not counted");
    assert_eq!(
        revisions_status(&app, &message, &correction, None).await.0,
        404
    );
    // its author sees it, and why
    let own = listed(&app, &message, Some(&bob.access_token)).await;
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["status"], "hidden");
    assert_eq!(own[0]["moderation"]["action"], "auto_hide");
    assert_eq!(
        revisions_status(&app, &message, &correction, Some(&bob.access_token))
            .await
            .0,
        200
    );
    // a complaint about content one cannot see: 404
    let late = trusted(&app, "r4@example.com").await;
    assert_problem(
        complain(&app, &late, &message, &correction, "Me too.").await,
        404,
        "not_found",
    )
    .await;

    // moderators see it, and the queue names what it holds
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let seen = listed(&app, &message, Some(&moderator.access_token)).await;
    assert_eq!(seen[0]["status"], "hidden");
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    assert_eq!(queue.len(), 1);
    let entry = &queue[0];
    assert_eq!(entry["kind"], "correction");
    assert_eq!(entry["message_id"], message.as_str());
    assert_eq!(entry["correction_id"], correction.as_str());
    assert_eq!(entry["open_complaints"], 3);
    assert_eq!(entry["author"]["id"], bob.id.as_str());
    assert_eq!(
        entry["correction"]["corrected_text"],
        "Ich bin nach Hause gegangen."
    );
    assert!(
        entry["complaints"][0]["reported_text"]
            .as_str()
            .unwrap()
            .contains("Gehen takes sein."),
        "the note is part of what was reported"
    );

    // restore: public again and counted again; reporters learn the outcome
    let restored = act(&app, &moderator, &message, &correction, "restore").await;
    assert_eq!(restored.status(), StatusCode::OK);
    let restored: Value = restored.json().await.unwrap();
    assert_eq!(
        (
            restored["kind"].as_str(),
            restored["status"].as_str(),
            restored["settled_complaints"].as_i64()
        ),
        (Some("correction"), Some("visible"), Some(3))
    );
    assert_eq!(listed(&app, &message, None).await.len(), 1);
    assert_eq!(corrections_count(&app, &message).await, 1);
    for reporter in &reporters {
        let mine = app
            .list_items("/v1/me/complaints", &reporter.access_token)
            .await;
        assert_eq!(mine[0]["kind"], "correction");
        assert_eq!(mine[0]["outcome"], "restored");
    }
    assert!(
        app.list_items("/v1/moderation/queue", &moderator.access_token)
            .await
            .is_empty()
    );

    // a new round: a reporter may complain again; remove is final
    assert_eq!(
        complain(&app, &reporters[0], &message, &correction, "Still rude.")
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        act(&app, &moderator, &message, &correction, "remove")
            .await
            .status(),
        StatusCode::OK
    );
    assert!(listed(&app, &message, None).await.is_empty());
    assert_eq!(corrections_count(&app, &message).await, 0);
    assert_problem(
        act(&app, &moderator, &message, &correction, "restore").await,
        409,
        "action_not_applicable",
    )
    .await;
    // the audit log names the kind and the correction
    let audit = app
        .list_items(
            &format!("/v1/moderation/audit?account_id={}", bob.id),
            &moderator.access_token,
        )
        .await;
    let decisions: Vec<(&str, &str)> = audit
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("correction."))
        .map(|e| (e["action"].as_str().unwrap(), e["target"].as_str().unwrap()))
        .collect();
    let target = format!("correction:{message}#{correction}");
    assert_eq!(
        decisions,
        [
            ("correction.remove", target.as_str()),
            ("correction.restore", target.as_str())
        ]
    );
    // a moderator's own correction is not theirs to decide
    app.fund(&moderator, 1).await;
    let own = app
        .send(
            Method::POST,
            &format!("/v1/messages/{message}/corrections"),
            Some(&moderator.access_token),
            Some(&json!({ "revision": 0, "corrected_text": "Ich ging nach Hause." })),
        )
        .await;
    assert_eq!(own.status(), StatusCode::CREATED);
    let own: Value = own.json().await.unwrap();
    assert_problem(
        act(
            &app,
            &moderator,
            &message,
            own["id"].as_str().unwrap(),
            "hide",
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn blocking_a_reporter_dismisses_their_complaints_about_corrections_too() {
    let app = spawn_app().await;
    let (_, _, message, correction) = a_correction(&app).await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let reporters = [
        trusted(&app, "r1@example.com").await,
        trusted(&app, "r2@example.com").await,
        trusted(&app, "r3@example.com").await,
    ];
    for reporter in &reporters {
        assert_eq!(
            complain(&app, reporter, &message, &correction, "Rude.")
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    assert!(listed(&app, &message, None).await.is_empty(), "hidden");
    let blocked = app
        .send(
            Method::POST,
            &format!("/v1/moderation/accounts/{}/blocks", reporters[0].id),
            Some(&moderator.access_token),
            Some(&json!({ "reason": "Complaints in bad faith." })),
        )
        .await;
    assert_eq!(blocked.status(), StatusCode::CREATED);
    assert_eq!(
        listed(&app, &message, None).await.len(),
        1,
        "two counted complaints are below the threshold"
    );
    assert_eq!(corrections_count(&app, &message).await, 1);
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    assert_eq!(queue[0]["kind"], "correction");
    assert_eq!(queue[0]["open_complaints"], 2);
}

#[tokio::test]
async fn an_erased_reporter_leaves_no_copy_of_their_comment_on_a_correction() {
    let app = spawn_app().await;
    let (_, _, message, correction) = a_correction(&app).await;
    let reporter = app.registered_user("reporter@example.com").await;
    let comment = "Quentin Zarathustra reporting";
    assert_eq!(
        complain(&app, &reporter, &message, &correction, comment)
            .await
            .status(),
        StatusCode::CREATED
    );
    let copies = |strings: Vec<String>| strings.iter().filter(|s| s.contains(comment)).count();
    assert!(
        copies(app.every_string_in_the_table().await) >= 2,
        "the complaint and the queue's copy"
    );
    let erased = app.erase(&reporter.access_token, &reporter.password).await;
    assert_eq!(erased.status(), StatusCode::OK);
    assert_eq!(copies(app.every_string_in_the_table().await), 0);
}

#[tokio::test]
async fn a_corrections_earlier_versions_are_listed_oldest_first() {
    let app = spawn_app().await;
    let (_, bob, message, correction) = a_correction(&app).await;
    for (text, note) in [
        ("Ich bin nach Hause gegangen!", json!("Sein, not haben.")),
        ("Ich bin heim gegangen.", Value::Null),
    ] {
        let edited = app
            .send(
                Method::PATCH,
                &format!("/v1/messages/{message}/corrections/{correction}"),
                Some(&bob.access_token),
                Some(&json!({ "corrected_text": text, "note": note })),
            )
            .await;
        assert_eq!(edited.status(), StatusCode::OK);
    }
    let (status, page) = revisions_status(&app, &message, &correction, None).await;
    assert_eq!(status, 200);
    let versions: Vec<(i64, &str, Value)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap(),
                r["corrected_text"].as_str().unwrap(),
                r["note"].clone(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            (
                0,
                "Ich bin nach Hause gegangen.",
                json!("Gehen takes sein.")
            ),
            (1, "Ich bin nach Hause gegangen!", json!("Sein, not haben.")),
        ]
    );
    // another message's id with this correction's: no such correction
    let other_message = format!("{}01J0000000000000000000000A", &message[..26]);
    assert_eq!(
        revisions_status(&app, &other_message, &correction, None)
            .await
            .0,
        404
    );
}

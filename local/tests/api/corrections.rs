//! Corrections from outside: a reader pays to correct a text of someone else's message,
//! everyone reads it with its word-level diff, and the message counts it.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::conversations::put_upload;
use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

impl TestApp {
    async fn correct(
        &self,
        user: &TestUser,
        message_id: &str,
        body: &Value,
        key: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(&format!("/v1/messages/{message_id}/corrections")))
            .bearer_auth(&user.access_token)
            .json(body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send().await.unwrap()
    }

    async fn corrections_of(&self, message_id: &str) -> Vec<Value> {
        let response = self
            .get(&format!("/v1/messages/{message_id}/corrections"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.unwrap();
        page["items"].as_array().unwrap().clone()
    }

    async fn message_json(&self, message_id: &str) -> Value {
        self.get(&format!("/v1/messages/{message_id}"))
            .await
            .json()
            .await
            .unwrap()
    }
}

/// Ada's thread with a first message; Bob, funded with `credits`, reads it.
async fn a_learner_and_a_native(app: &TestApp, credits: i64) -> (TestUser, TestUser, String) {
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 20).await;
    let thread = app
        .thread(&ada, "Ich habe gestern nach Hause gegangen.")
        .await;
    let message_id = thread["first_message"]["id"].as_str().unwrap().to_owned();
    let bob = app.registered_user("bob@example.com").await;
    app.fund(&bob, credits).await;
    (ada, bob, message_id)
}

#[tokio::test]
async fn a_correction_is_paid_once_shown_with_its_diff_and_counted_on_the_message() {
    let app = spawn_app().await;
    let (_, bob, message_id) = a_learner_and_a_native(&app, 10).await;
    let body = json!({
        "revision": 0,
        "corrected_text": "Ich bin gestern nach Hause gegangen.",
        "note": "Gehen takes sein in the perfect tense."
    });

    let response = app.correct(&bob, &message_id, &body, Some("k-1")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let correction: Value = response.json().await.unwrap();
    assert_eq!(correction["message_id"], message_id.as_str());
    assert_eq!(correction["revision"], 0);
    assert_eq!(correction["author"]["id"], bob.id.as_str());
    assert_eq!(correction["note"], "Gehen takes sein in the perfect tense.");
    assert_eq!(
        correction["diff"],
        json!([
            { "op": "equal", "text": "Ich " },
            { "op": "delete", "text": "habe" },
            { "op": "insert", "text": "bin" },
            { "op": "equal", "text": " gestern nach Hause gegangen." },
        ])
    );
    let (balance, entries) = app.balance(&bob.access_token).await;
    assert_eq!(balance, 9, "a correction costs one credit");
    assert_eq!(entries[0]["reference"], correction["id"]);

    // a retry under the same key: the first answer, not paid again
    let retried = app.correct(&bob, &message_id, &body, Some("k-1")).await;
    assert_eq!(retried.status(), StatusCode::CREATED);
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    let retried: Value = retried.json().await.unwrap();
    assert_eq!(retried["id"], correction["id"]);
    assert_eq!(app.balance(&bob.access_token).await.0, 9);

    // everyone reads it; the message counts it
    let listed = app.corrections_of(&message_id).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], correction["id"]);
    assert_eq!(listed[0]["diff"], correction["diff"]);
    assert_eq!(listed[0]["author"]["id"], bob.id.as_str());
    assert_ne!(listed[0]["author"]["display_name"], "Former member");
    assert_eq!(app.message_json(&message_id).await["corrections_count"], 1);

    // the price is in the price list
    let tariffs: Value = app.get("/v1/tariffs").await.json().await.unwrap();
    assert_eq!(tariffs["action_costs"]["correction"], 1);

    // the corrector's erasure keeps the correction, by "Former member"
    let erased = app.erase(&bob.access_token, &bob.password).await;
    assert_eq!(erased.status(), StatusCode::OK);
    let listed = app.corrections_of(&message_id).await;
    assert_eq!(listed[0]["author"]["display_name"], "Former member");
    assert_eq!(
        listed[0]["corrected_text"],
        "Ich bin gestern nach Hause gegangen."
    );
}

#[tokio::test]
async fn an_earlier_text_stays_correctable_and_a_revision_that_does_not_exist_is_refused() {
    let app = spawn_app().await;
    let (ada, bob, message_id) = a_learner_and_a_native(&app, 10).await;
    let edited = app
        .send(
            Method::PATCH,
            &format!("/v1/messages/{message_id}"),
            Some(&ada.access_token),
            Some(&json!({ "text": "Ich habe gestern nach Hause gelaufen." })),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK);

    let earlier = app
        .correct(
            &bob,
            &message_id,
            &json!({ "revision": 0, "corrected_text": "Ich bin gestern nach Hause gegangen." }),
            None,
        )
        .await;
    assert_eq!(earlier.status(), StatusCode::CREATED);
    let earlier: Value = earlier.json().await.unwrap();
    assert_eq!(
        earlier["diff"][1],
        json!({ "op": "delete", "text": "habe" })
    );
    assert_eq!(earlier["note"], Value::Null);

    let current = app
        .correct(
            &bob,
            &message_id,
            &json!({ "revision": 1, "corrected_text": "Ich bin gestern nach Hause gelaufen." }),
            None,
        )
        .await;
    assert_eq!(current.status(), StatusCode::CREATED);

    let missing = app
        .correct(
            &bob,
            &message_id,
            &json!({ "revision": 2, "corrected_text": "Ich bin gestern nach Hause gelaufen." }),
            None,
        )
        .await;
    assert_problem(missing, 422, "revision_not_found").await;
    assert_eq!(
        app.balance(&bob.access_token).await.0,
        8,
        "refused: not paid"
    );
    assert_eq!(app.message_json(&message_id).await["corrections_count"], 2);
}

#[tokio::test]
async fn own_messages_voice_messages_and_rule_breaking_text_are_refused_and_not_paid() {
    let app = spawn_app().await;
    let (ada, bob, message_id) = a_learner_and_a_native(&app, 10).await;
    let fix = json!({ "revision": 0, "corrected_text": "Ich bin gestern nach Hause gegangen." });

    let own = app.correct(&ada, &message_id, &fix, None).await;
    assert_problem(own, 403, "forbidden").await;

    let recording = crate::voice::fixture("sentence.ogg");
    let slot = app.upload_slot(&ada, "audio/ogg", &recording).await;
    put_upload(&slot, &slot["upload_headers"], recording).await;
    let thread_id = message_id[..26].to_owned();
    let voice: Value = app
        .reply(
            &ada,
            &thread_id,
            &json!({ "voice_upload_id": slot["upload_id"] }),
        )
        .await
        .json()
        .await
        .unwrap();
    let on_voice = app
        .correct(&bob, voice["id"].as_str().unwrap(), &fix, None)
        .await;
    assert_problem(on_voice, 422, "voice_not_correctable").await;

    for (field, body) in [
        (
            "corrected_text",
            json!({ "revision": 0, "corrected_text": "Ich bin auf example.com gegangen." }),
        ),
        (
            "note",
            json!({ "revision": 0, "corrected_text": "Ich bin gestern nach Hause gegangen.",
                    "note": "Write to me: bob@example.com" }),
        ),
    ] {
        let broken = app.correct(&bob, &message_id, &body, None).await;
        let problem = assert_problem(broken, 422, "content_rule_violation").await;
        assert_eq!(problem["field"], field);
    }
    let unchanged = app
        .correct(
            &bob,
            &message_id,
            &json!({ "revision": 0, "corrected_text": "Ich habe gestern nach Hause gegangen." }),
            None,
        )
        .await;
    assert_problem(unchanged, 422, "correction_unchanged").await;
    let nowhere = app
        .correct(
            &bob,
            "01AAAAAAAAAAAAAAAAAAAAAAA301BBBBBBBBBBBBBBBBBBBBBBB6",
            &fix,
            None,
        )
        .await;
    assert_problem(nowhere, 404, "not_found").await;

    assert_eq!(app.balance(&bob.access_token).await.0, 10);
    assert!(app.corrections_of(&message_id).await.is_empty());
    assert_eq!(app.message_json(&message_id).await["corrections_count"], 0);
}

#[tokio::test]
async fn concurrent_corrections_spend_exactly_the_balance_there_is() {
    let app = spawn_app().await;
    let (_, bob, message_id) = a_learner_and_a_native(&app, 3).await;
    let attempts = (0..8).map(|i| {
        let body = json!({
            "revision": 0,
            "corrected_text": format!("Ich bin gestern nach Hause gegangen ({i})."),
        });
        let (app, bob, message_id) = (&app, &bob, &message_id);
        async move { app.correct(bob, message_id, &body, None).await.status() }
    });
    let statuses = join_all(attempts).await;
    let made = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::PAYMENT_REQUIRED)
        .count();
    assert_eq!((made, refused), (3, 5), "{statuses:?}");
    assert_eq!(
        app.balance(&bob.access_token).await.0,
        0,
        "never below zero"
    );
    assert_eq!(app.corrections_of(&message_id).await.len(), 3);
    assert_eq!(app.message_json(&message_id).await["corrections_count"], 3);
}

#[tokio::test]
async fn its_author_edits_a_correction_which_keeps_what_it_replaced_and_its_diff_base() {
    let app = spawn_app().await;
    let (ada, bob, message_id) = a_learner_and_a_native(&app, 10).await;
    let made = app
        .correct(
            &bob,
            &message_id,
            &json!({
                "revision": 0,
                "corrected_text": "Ich bin gestern nach Hause gegangen",
                "note": "sein"
            }),
            None,
        )
        .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    let path = format!(
        "/v1/messages/{message_id}/corrections/{}",
        made["id"].as_str().unwrap()
    );
    let patch = |user: &TestUser, body: Value| {
        let token = user.access_token.clone();
        let app = &app;
        let path = path.clone();
        async move {
            app.send(Method::PATCH, &path, Some(&token), Some(&body))
                .await
        }
    };

    // the note stays when not named; the diff is against the same text as before
    let edited = patch(
        &bob,
        json!({ "corrected_text": "Ich bin gestern nach Hause gegangen." }),
    )
    .await;
    let status = edited.status();
    let edited: Value = edited.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["id"], made["id"]);
    assert_eq!(edited["revision"], 0);
    assert_eq!(edited["note"], "sein");
    assert!(edited["edited_at"].is_string());
    assert_eq!(
        edited["diff"],
        json!([
            { "op": "equal", "text": "Ich " },
            { "op": "delete", "text": "habe" },
            { "op": "insert", "text": "bin" },
            { "op": "equal", "text": " gestern nach Hause gegangen." },
        ])
    );
    // `null` removes the note
    let second = patch(
        &bob,
        json!({ "corrected_text": "Ich bin gestern heimgegangen.", "note": null }),
    )
    .await;
    assert_eq!(second.status(), StatusCode::OK);
    let listed = app.corrections_of(&message_id).await;
    assert_eq!(listed.len(), 1, "an edit is no new correction");
    assert_eq!(listed[0]["corrected_text"], "Ich bin gestern heimgegangen.");
    assert_eq!(listed[0]["note"], Value::Null);
    assert_eq!(app.message_json(&message_id).await["corrections_count"], 1);
    assert_eq!(app.balance(&bob.access_token).await.0, 9, "editing is free");

    // both versions it replaced are kept, in its author's export
    let export = app.export(&bob).await;
    let kept = export["sections"]["correction_revisions"]
        .as_array()
        .unwrap();
    let texts: Vec<(&Value, &Value, &Value)> = kept
        .iter()
        .map(|r| (&r["number"], &r["corrected_text"], &r["note"]))
        .collect();
    assert_eq!(
        texts,
        [
            (
                &json!(0),
                &json!("Ich bin gestern nach Hause gegangen"),
                &json!("sein")
            ),
            (
                &json!(1),
                &json!("Ich bin gestern nach Hause gegangen."),
                &json!("sein")
            ),
        ]
    );

    // not someone else's, not back to the text it corrects, the content rules, no such one
    let theirs = patch(&ada, json!({ "corrected_text": "Ich ging." })).await;
    assert_problem(theirs, 403, "forbidden").await;
    let unchanged = patch(
        &bob,
        json!({ "corrected_text": "Ich habe gestern nach Hause gegangen." }),
    )
    .await;
    assert_problem(unchanged, 422, "correction_unchanged").await;
    let link = patch(
        &bob,
        json!({ "corrected_text": "Ich bin gegangen, see example.com" }),
    )
    .await;
    assert_problem(link, 422, "content_rule_violation").await;
    let noted = patch(
        &bob,
        json!({ "corrected_text": "Ich bin gegangen.", "note": "mail me: bob@example.com" }),
    )
    .await;
    assert_problem(noted, 422, "content_rule_violation").await;
    let listed = app.corrections_of(&message_id).await;
    assert_eq!(listed[0]["corrected_text"], "Ich bin gestern heimgegangen.");
    let missing = app
        .send(
            Method::PATCH,
            &format!("/v1/messages/{message_id}/corrections/01ARZ3NDEKTSV4RRFFQ69G5FAV"),
            Some(&bob.access_token),
            Some(&json!({ "corrected_text": "Ich ging." })),
        )
        .await;
    assert_problem(missing, 404, "not_found").await;
}

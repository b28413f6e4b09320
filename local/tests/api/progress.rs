//! Progress statistics from outside: real posts, replies, recordings and corrections,
//! counted from the table's stream, exact however often a batch is delivered, with
//! streaks over UTC days.

use natives_shared::domain::ItemKind;
use natives_shared::store::keys::kind_of;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, Time};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};
use crate::voice::fixture;

impl TestApp {
    async fn progress(&self, user: &TestUser) -> Vec<Value> {
        self.progress_with(&user.access_token).await
    }

    async fn progress_with(&self, token: &str) -> Vec<Value> {
        let response = self
            .send(Method::GET, "/v1/me/progress", Some(token), None)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["languages"].as_array().unwrap().clone()
    }

    /// The caller's statistics in one language.
    async fn progress_in(&self, user: &TestUser, language: &str) -> Value {
        self.progress_with(&user.access_token)
            .await
            .into_iter()
            .find(|l| l["language"] == language)
            .unwrap_or_else(|| panic!("no statistics in {language}"))
    }

    /// A new access token of `user` (the clock moved past the old one's life).
    async fn token_of(&self, user: &TestUser) -> String {
        self.logged_in(&user.email, &user.password).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn german_progress_with(&self, token: &str) -> Value {
        self.progress_with(token)
            .await
            .into_iter()
            .find(|l| l["language"] == "de")
            .expect("statistics in German")
    }

    /// Every message and correction stored, each as the stream record of its insertion.
    async fn posts_as_stream_records(&self) -> Vec<Value> {
        let store = &self.stack.app.store;
        let scan = store
            .client()
            .scan()
            .table_name(store.table())
            .send()
            .await
            .unwrap();
        scan.items
            .unwrap_or_default()
            .into_iter()
            .filter(|item| {
                matches!(
                    kind_of(item),
                    Some(ItemKind::Message | ItemKind::Correction)
                )
            })
            .map(natives_local::stream::inserted_item)
            .collect()
    }
}

/// Ada (learning German) starts a thread and records a voice message; Bob replies to her
/// first message, corrects it, and replies to his own reply; Chloé posts in French.
async fn a_conversation(app: &TestApp) -> (TestUser, TestUser, f64) {
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 20).await;
    let thread = app
        .thread(&ada, "Ich habe gestern nach Hause gegangen.")
        .await;
    let thread_id = thread["id"].as_str().unwrap().to_owned();
    let first = thread["first_message"]["id"].as_str().unwrap().to_owned();
    let voice = app
        .post_recording(&ada, &thread_id, "audio/ogg", fixture("sentence.ogg"))
        .await;
    assert_eq!(voice.status(), StatusCode::CREATED);
    let voice: Value = voice.json().await.unwrap();
    let seconds = voice["voice"]["duration_seconds"].as_f64().unwrap();

    let bob = app.registered_user("bob@example.com").await;
    app.fund(&bob, 20).await;
    let reply = app
        .reply(
            &bob,
            &thread_id,
            &json!({ "text": "Fast!", "reply_to": first }),
        )
        .await;
    assert_eq!(reply.status(), StatusCode::CREATED);
    let reply: Value = reply.json().await.unwrap();
    let own = app
        .reply(
            &bob,
            &thread_id,
            &json!({ "text": "Also: bin.", "reply_to": reply["id"] }),
        )
        .await;
    assert_eq!(own.status(), StatusCode::CREATED);
    let correction = app
        .send(
            Method::POST,
            &format!("/v1/messages/{first}/corrections"),
            Some(&bob.access_token),
            Some(&json!({
                "revision": 0,
                "corrected_text": "Ich bin gestern nach Hause gegangen."
            })),
        )
        .await;
    assert_eq!(correction.status(), StatusCode::CREATED);

    let chloe = app.registered_user("chloe@example.com").await;
    app.fund(&chloe, 20).await;
    let french = app
        .start_thread(
            &chloe,
            &json!({ "language": "fr", "title": "Bonjour", "text": "Salut tout le monde" }),
        )
        .await;
    assert_eq!(french.status(), StatusCode::CREATED);
    let french: Value = french.json().await.unwrap();
    let in_french = app
        .reply(
            &bob,
            french["id"].as_str().unwrap(),
            &json!({ "text": "Salut Chloé" }),
        )
        .await;
    assert_eq!(in_french.status(), StatusCode::CREATED);
    (ada, bob, seconds)
}

fn today() -> String {
    OffsetDateTime::now_utc().date().to_string()
}

#[tokio::test]
async fn posts_replies_recordings_and_corrections_are_counted_per_language() {
    let app = spawn_app().await;
    let (ada, bob, seconds) = a_conversation(&app).await;
    assert!(
        app.progress(&ada).await.is_empty(),
        "nothing counted before the stream is read"
    );
    app.stack.process_stream().await.unwrap();

    let ada_de = app.progress_in(&ada, "de").await;
    assert_eq!(
        ada_de,
        json!({
            "language": "de",
            "messages": 2,
            "voice_messages": 1,
            "voice_seconds": seconds,
            "replies_received": 1,
            "corrections_received": 1,
            "corrections_given": 0,
            "active_days": 1,
            "current_streak_days": 1,
            "longest_streak_days": 1,
            "last_active_on": today(),
        })
    );
    assert_eq!(
        app.progress(&ada).await.len(),
        1,
        "Ada posted in German only"
    );

    let bob_languages = app.progress(&bob).await;
    assert_eq!(
        bob_languages
            .iter()
            .map(|l| l["language"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["de", "fr"],
        "the most active language first"
    );
    let bob_de = &bob_languages[0];
    assert_eq!(bob_de["messages"], 2);
    assert_eq!(bob_de["voice_messages"], 0);
    assert_eq!(bob_de["voice_seconds"], 0.0);
    assert_eq!(
        bob_de["replies_received"], 0,
        "a reply to one's own message is no reply received"
    );
    assert_eq!(bob_de["corrections_given"], 1);
    assert_eq!(bob_de["corrections_received"], 0);
    assert_eq!(bob_languages[1]["messages"], 1);

    // The public summary the profile shows, from the same counters.
    let profile: Value = app.profile(&ada.id).await.json().await.unwrap();
    assert_eq!(
        profile["progress"],
        json!({"messages": 2, "voice_minutes": (seconds / 6.0).round() / 10.0})
    );
}

#[tokio::test]
async fn progress_is_exact_after_a_batch_is_delivered_twice() {
    let app = spawn_app().await;
    let (ada, bob, _) = a_conversation(&app).await;
    app.stack.process_stream().await.unwrap();
    let (ada_before, bob_before) = (app.progress(&ada).await, app.progress(&bob).await);

    // The same batch handed to the counter twice, a record twice within it too.
    let mut records = app.posts_as_stream_records().await;
    assert_eq!(records.len(), 7, "six messages and a correction");
    records.push(records[0].clone());
    let batch = json!({ "Records": records });
    let function = natives_functions::Function::CountProgress;
    for _ in 0..2 {
        let report = function
            .handle_event(&app.stack.app, batch.clone())
            .await
            .unwrap();
        assert_eq!(report["counted"], 0, "every post was counted before");
        assert_eq!(report["already_counted"], 8);
    }
    // And the whole stream again, as the pump of a restarted stack delivers it.
    let app = app.restarted(None).await;
    assert!(app.stack.process_stream().await.unwrap() > 0);
    assert_eq!(app.progress(&ada).await, ada_before);
    assert_eq!(app.progress(&bob).await, bob_before);
    assert_eq!(ada_before[0]["messages"], 2);
    assert_eq!(ada_before[0]["replies_received"], 1);
}

#[tokio::test]
async fn a_batch_counted_for_the_first_time_counts_each_post_once_even_when_repeated() {
    let app = spawn_app().await;
    let (ada, _, _) = a_conversation(&app).await;
    // Not through the pump: the batch below is the first delivery.
    let mut records = app.posts_as_stream_records().await;
    let repeated: Vec<Value> = records.clone();
    records.extend(repeated);
    let report = natives_functions::Function::CountProgress
        .handle_event(&app.stack.app, json!({ "Records": records }))
        .await
        .unwrap();
    assert_eq!(report["counted"], 7);
    assert_eq!(report["already_counted"], 7);
    let ada_de = app.progress_in(&ada, "de").await;
    assert_eq!(ada_de["messages"], 2);
    assert_eq!(ada_de["corrections_received"], 1);
}

#[tokio::test]
async fn streaks_run_across_a_utc_day_boundary_and_end_after_a_whole_day_without_posts() {
    let app = spawn_app().await;
    // Two minutes before the next UTC midnight.
    let now = OffsetDateTime::now_utc();
    let midnight = (now.date() + Duration::days(1))
        .with_time(Time::MIDNIGHT)
        .assume_utc();
    app.clock.advance(midnight - now - Duration::minutes(2));
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 20).await;
    let thread = app.thread(&ada, "Gute Nacht").await;
    let thread_id = thread["id"].as_str().unwrap().to_owned();
    let first_day = (midnight - Duration::days(1)).date().to_string();

    app.clock.advance(Duration::minutes(4));
    let after = app
        .reply(&ada, &thread_id, &json!({ "text": "Guten Morgen" }))
        .await;
    assert_eq!(after.status(), StatusCode::CREATED);
    app.stack.process_stream().await.unwrap();
    let second_day = midnight.date().to_string();
    let german = app.progress_in(&ada, "de").await;
    assert_eq!(german["active_days"], 2);
    assert_eq!(german["current_streak_days"], 2);
    assert_eq!(german["longest_streak_days"], 2);
    assert_eq!(german["last_active_on"], second_day.as_str());
    assert_ne!(first_day, second_day);

    // The next day the streak still stands; the day after that it is over.
    app.clock.advance(Duration::days(1));
    let token = app.token_of(&ada).await;
    assert_eq!(
        app.german_progress_with(&token).await["current_streak_days"],
        2
    );
    app.clock.advance(Duration::days(1));
    let token = app.token_of(&ada).await;
    let german = app.german_progress_with(&token).await;
    assert_eq!(german["current_streak_days"], 0);
    assert_eq!(german["longest_streak_days"], 2);

    // A new post starts a new streak of one.
    let again = app
        .send(
            Method::POST,
            &format!("/v1/threads/{thread_id}/messages"),
            Some(&token),
            Some(&json!({ "text": "Wieder da" })),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    app.stack.process_stream().await.unwrap();
    let german = app.german_progress_with(&token).await;
    assert_eq!(german["current_streak_days"], 1);
    assert_eq!(german["longest_streak_days"], 2);
    assert_eq!(german["active_days"], 3);
}

#[tokio::test]
async fn the_statistics_are_exported_and_erased_with_the_account() {
    let app = spawn_app().await;
    let (ada, _, _) = a_conversation(&app).await;
    app.stack.process_stream().await.unwrap();
    let export = app.export(&ada).await;
    let progress = export["sections"]["progress"].as_array().unwrap();
    assert_eq!(progress.len(), 1);
    assert_eq!(progress[0]["language"], "de");
    assert_eq!(progress[0]["messages"], 2);
    assert_eq!(progress[0]["days"], json!([today()]));

    let erased = app
        .send(
            Method::POST,
            "/v1/me/erasure",
            Some(&ada.access_token),
            Some(&json!({ "password": ada.password })),
        )
        .await;
    assert_eq!(erased.status(), StatusCode::OK);
    let (_, counters) = app
        .stack
        .app
        .store
        .account_and_progress(&ada.account_id())
        .await
        .unwrap();
    assert!(counters.is_empty(), "erasure deleted {counters:?}");
    let gone = app
        .send(
            Method::GET,
            "/v1/me/progress",
            Some(&ada.access_token),
            None,
        )
        .await;
    assert_problem(gone, 401, "unauthorized").await;
}

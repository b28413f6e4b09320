//! Conversations from outside: visitors read and listen for free, users pay to post,
//! recordings go through S3 and into the archive, edits keep every earlier text.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

pub(crate) fn sha256(bytes: &[u8]) -> String {
    STANDARD.encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref())
}

impl TestApp {
    pub(crate) async fn start_thread(&self, user: &TestUser, body: &Value) -> reqwest::Response {
        self.send(
            Method::POST,
            "/v1/threads",
            Some(&user.access_token),
            Some(body),
        )
        .await
    }

    /// A thread with a first text message; returns the thread's answer.
    pub(crate) async fn thread(&self, user: &TestUser, text: &str) -> Value {
        let response = self
            .start_thread(
                user,
                &json!({ "language": "de", "title": "Feierabend", "text": text }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    pub(crate) async fn reply(
        &self,
        user: &TestUser,
        thread_id: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.send(
            Method::POST,
            &format!("/v1/threads/{thread_id}/messages"),
            Some(&user.access_token),
            Some(body),
        )
        .await
    }

    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.send(Method::GET, path, None, None).await
    }

    /// Asks for an upload of `bytes` declared as `content_type`.
    pub(crate) async fn upload_slot(
        &self,
        user: &TestUser,
        content_type: &str,
        bytes: &[u8],
    ) -> Value {
        let response = self
            .send(
                Method::POST,
                "/v1/voice-uploads",
                Some(&user.access_token),
                Some(&json!({
                    "content_type": content_type,
                    "size_bytes": bytes.len(),
                    "sha256": sha256(bytes),
                })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }
}

/// PUTs `body` to a presigned upload as a client would, with the given headers.
pub(crate) async fn put_upload(slot: &Value, headers: &Value, body: Vec<u8>) -> reqwest::Response {
    let mut request = reqwest::Client::new().put(slot["upload_url"].as_str().unwrap());
    for (name, value) in headers.as_object().unwrap() {
        request = request.header(name, value.as_str().unwrap());
    }
    request.body(body).send().await.unwrap()
}

#[tokio::test]
async fn a_voice_message_goes_from_the_client_through_s3_into_the_archive_and_back() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 20).await;
    let thread = app.thread(&ada, "Wie sagt man das?").await;
    let thread_id = thread["id"].as_str().unwrap();
    let recording = crate::voice::fixture("sentence.ogg");

    let slot = app.upload_slot(&ada, "audio/ogg", &recording).await;
    assert_eq!(slot["upload_method"], "PUT");
    let headers = slot["upload_headers"].clone();
    assert!(
        headers.get("x-amz-checksum-sha256").is_some(),
        "the checksum is signed in: {headers}"
    );
    // S3 itself refuses other bytes, another type, another length.
    let mut other_bytes = recording.clone();
    other_bytes[5] ^= 1;
    assert!(
        !put_upload(&slot, &headers, other_bytes)
            .await
            .status()
            .is_success()
    );
    let mut other_type = headers.clone();
    other_type["content-type"] = json!("audio/webm");
    assert!(
        !put_upload(&slot, &other_type, recording.clone())
            .await
            .status()
            .is_success()
    );
    // (its own length in `content-length`, as an HTTP client sends it: not the signed one)
    let mut longer = recording.clone();
    longer.push(b'!');
    let mut other_length = headers.clone();
    other_length["content-length"] = json!(longer.len().to_string());
    assert!(
        !put_upload(&slot, &other_length, longer)
            .await
            .status()
            .is_success()
    );
    // The declared bytes go in.
    assert!(
        put_upload(&slot, &headers, recording.clone())
            .await
            .status()
            .is_success()
    );

    let upload_id = slot["upload_id"].as_str().unwrap();
    let bob = app.registered_user("bob@example.com").await;
    app.fund(&bob, 20).await;
    assert_problem(
        app.reply(&bob, thread_id, &json!({ "voice_upload_id": upload_id }))
            .await,
        404,
        "not_found",
    )
    .await;

    let response = app
        .reply(&ada, thread_id, &json!({ "voice_upload_id": upload_id }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let message: Value = response.json().await.unwrap();
    assert_eq!(message["kind"], "voice");
    assert_eq!(message["voice"]["sha256"], sha256(&recording));
    assert_eq!(message["voice"]["size_bytes"], recording.len());
    assert_eq!(message["voice"]["content_type"], "audio/ogg");
    assert_eq!(app.balance(&ada.access_token).await.0, 20 - 5 - 3);

    // attached once
    assert_problem(
        app.reply(&ada, thread_id, &json!({ "voice_upload_id": upload_id }))
            .await,
        409,
        "upload_already_attached",
    )
    .await;
    assert_eq!(app.balance(&ada.access_token).await.0, 12, "charged once");

    // Anyone listens: a redirect to the archived recording, the same bytes.
    let voice_path = message["voice"]["url"].as_str().unwrap();
    let redirect = app.get(voice_path).await;
    assert_eq!(redirect.status(), StatusCode::FOUND);
    let location = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("natives-voice-archive"), "{location}");
    let listened = reqwest::get(&location).await.unwrap();
    assert_eq!(listened.status(), StatusCode::OK);
    assert_eq!(
        listened.bytes().await.unwrap().as_ref(),
        recording.as_slice()
    );
}

#[tokio::test]
async fn an_upload_url_expires() {
    let app = spawn_app().await;
    // The app's clock runs 16 minutes behind S3's: an upload URL it signs "now" (valid
    // for 15 minutes) has expired by the time it reaches S3.
    app.clock.advance(time::Duration::minutes(-16));
    let ada = app.registered_user("ada@example.com").await;
    let recording = b"OggS late".to_vec();
    let slot = app.upload_slot(&ada, "audio/ogg", &recording).await;
    let expires_at = slot["expires_at"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(expires_at, &time::format_description::well_known::Rfc3339)
            .unwrap()
            < time::OffsetDateTime::now_utc()
    );
    let response = put_upload(&slot, &slot["upload_headers"].clone(), recording).await;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "{:?}",
        response.text().await
    );
}

#[tokio::test]
async fn visitors_read_threads_messages_revisions_and_listen_without_a_token() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 20).await;
    let thread = app.thread(&ada, "Erste Fassung").await;
    let thread_id = thread["id"].as_str().unwrap();
    let message_id = thread["first_message"]["id"].as_str().unwrap();
    let edited = app
        .send(
            Method::PATCH,
            &format!("/v1/messages/{message_id}"),
            Some(&ada.access_token),
            Some(&json!({ "text": "Zweite Fassung" })),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK);

    let list: Value = app
        .get("/v1/threads?language=de")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["id"], thread_id);
    assert_eq!(list["items"][0]["author"]["display_name"], "Ada");
    let read: Value = app
        .get(&format!("/v1/threads/{thread_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["title"], "Feierabend");
    let messages: Value = app
        .get(&format!("/v1/threads/{thread_id}/messages"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(messages["items"][0]["text"], "Zweite Fassung");
    assert!(messages["items"][0]["edited_at"].is_string());
    let revisions: Value = app
        .get(&format!("/v1/messages/{message_id}/revisions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revisions["items"][0]["text"], "Erste Fassung");
    assert_eq!(revisions["items"][0]["revision"], 0);

    // the author's current name, everywhere, at read time
    app.patch_me(&ada.access_token, &json!({ "display_name": "Ada L." }))
        .await;
    let message: Value = app
        .get(&format!("/v1/messages/{message_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(message["author"]["display_name"], "Ada L.");
    assert_eq!(message["author"]["id"], ada.id);
}

#[tokio::test]
async fn public_reads_are_cacheable_and_revalidate_with_304() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 20).await;
    let thread = app.thread(&ada, "Hallo").await;
    let path = format!("/v1/threads/{}/messages", thread["id"].as_str().unwrap());

    let first = app.get(&path).await;
    assert_eq!(first.headers()["cache-control"], "public, max-age=5");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    // a new message changes the validator
    app.reply(
        &ada,
        thread["id"].as_str().unwrap(),
        &json!({ "text": "Noch was" }),
    )
    .await;
    let changed = app
        .client
        .get(app.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);

    // an answer shaped by a token is the caller's alone
    let mine = app
        .send(Method::GET, &path, Some(&ada.access_token), None)
        .await;
    assert_eq!(mine.headers()["cache-control"], "private, no-cache");
}

#[tokio::test]
async fn thirty_concurrent_paid_posts_against_credits_for_five_post_exactly_five() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 10).await;
    let thread = app.thread(&ada, "Los geht's").await; // 5 of the 10
    let thread_id = thread["id"].as_str().unwrap().to_owned();
    let before = app.item_count().await;

    let posts = (0..30).map(|i| {
        let app = &app;
        let ada = &ada;
        let thread_id = &thread_id;
        async move {
            app.reply(ada, thread_id, &json!({ "text": format!("Nachricht {i}") }))
                .await
        }
    });
    let responses = join_all(posts).await;
    let mut created = 0;
    for response in responses {
        match response.status().as_u16() {
            201 => created += 1,
            402 => {
                let problem = assert_problem(response, 402, "insufficient_credits").await;
                assert_eq!(problem["required"], 1);
                assert_eq!(problem["available"], 0);
            }
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert_eq!(created, 5);
    let (credits, entries) = app.balance(&ada.access_token).await;
    assert_eq!(credits, 0);
    let debits = entries.iter().filter(|e| e["kind"] == "spend").count();
    assert_eq!(debits, 6, "the thread and five replies");
    let messages = all_messages(&app, &thread_id).await;
    assert_eq!(messages.len(), 6);
    // each reply wrote its message and its ledger entry, and nothing else
    assert_eq!(app.item_count().await, before + 2 * 5);
}

async fn all_messages(app: &TestApp, thread_id: &str) -> Vec<Value> {
    let mut messages = Vec::new();
    let mut path = format!("/v1/threads/{thread_id}/messages?limit=3");
    loop {
        let page: Value = app.get(&path).await.json().await.unwrap();
        messages.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/v1/threads/{thread_id}/messages?limit=3&cursor={cursor}")
            }
            None => return messages,
        }
    }
}

#[tokio::test]
async fn paging_walks_every_message_once_while_messages_are_being_posted() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 200).await;
    let thread = app.thread(&ada, "0").await;
    let thread_id = thread["id"].as_str().unwrap().to_owned();
    for i in 1..10 {
        app.reply(&ada, &thread_id, &json!({ "text": format!("{i}") }))
            .await;
    }
    let writer = async {
        for i in 10..40 {
            let response = app
                .reply(&ada, &thread_id, &json!({ "text": format!("{i}") }))
                .await;
            assert_eq!(response.status(), StatusCode::CREATED);
        }
    };
    let reader = async {
        let mut seen = Vec::new();
        let mut path = format!("/v1/threads/{thread_id}/messages?limit=2");
        loop {
            let page: Value = app.get(&path).await.json().await.unwrap();
            seen.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["id"].as_str().unwrap().to_owned()),
            );
            match page["next_cursor"].as_str() {
                Some(cursor) => {
                    path = format!("/v1/threads/{thread_id}/messages?limit=2&cursor={cursor}")
                }
                None => return seen,
            }
        }
    };
    let ((), seen) = tokio::join!(writer, reader);
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no message twice");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(sorted, seen, "oldest first, in commit order");
    // what the walk saw is a prefix of the thread: nothing skipped
    let all: Vec<String> = all_messages(&app, &thread_id)
        .await
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all.len(), 40);
    assert_eq!(&all[..seen.len()], seen.as_slice());
    assert!(seen.len() >= 10);
}

#[tokio::test]
async fn only_the_author_edits_and_a_rule_breaking_edit_changes_nothing() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let bob = app.registered_user("bob@example.com").await;
    app.fund(&ada, 20).await;
    let thread = app.thread(&ada, "Original").await;
    let message_id = thread["first_message"]["id"].as_str().unwrap();
    let path = format!("/v1/messages/{message_id}");

    assert_problem(
        app.send(
            Method::PATCH,
            &path,
            Some(&bob.access_token),
            Some(&json!({ "text": "Hijacked" })),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    for (text, rule) in [
        ("Schreib mir: ada@example.com", "email"),
        ("Besuch example . com", "url"),
        ("Ruf an: +49 30 1234567", "phone_number"),
    ] {
        let problem = assert_problem(
            app.send(
                Method::PATCH,
                &path,
                Some(&ada.access_token),
                Some(&json!({ "text": text })),
            )
            .await,
            422,
            "content_rule_violation",
        )
        .await;
        assert_eq!(problem["rule"], rule, "{text}");
        assert_eq!(problem["field"], "text");
    }
    let message: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(message["text"], "Original");
    assert_eq!(message["revision"], 0);
    assert!(message.get("edited_at").is_none());
    let revisions: Value = app
        .get(&format!("{path}/revisions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revisions["items"], json!([]));

    // and a good edit keeps the history, oldest first
    for text in ["Zweite", "Dritte"] {
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&ada.access_token),
                Some(&json!({ "text": text })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let revisions: Value = app
        .get(&format!("{path}/revisions"))
        .await
        .json()
        .await
        .unwrap();
    let texts: Vec<&str> = revisions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Original", "Zweite"]);
    let message: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(
        (message["text"].as_str(), message["revision"].as_i64()),
        (Some("Dritte"), Some(2))
    );
}

#[tokio::test]
async fn posts_that_break_a_rule_or_cannot_be_paid_write_nothing() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let before = app.item_count().await;

    let problem = assert_problem(
        app.start_thread(
            &ada,
            &json!({ "language": "de", "title": "Hallo", "text": "Hi" }),
        )
        .await,
        402,
        "insufficient_credits",
    )
    .await;
    assert_eq!(
        (problem["required"].as_i64(), problem["available"].as_i64()),
        (Some(5), Some(0))
    );
    app.fund(&ada, 10).await;
    let after_funding = app.item_count().await;
    assert!(after_funding > before);

    let problem = assert_problem(
        app.start_thread(
            &ada,
            &json!({ "language": "de", "title": "Mehr auf www.example.com", "text": "Hi" }),
        )
        .await,
        422,
        "content_rule_violation",
    )
    .await;
    assert_eq!(
        (problem["rule"].as_str(), problem["field"].as_str()),
        (Some("url"), Some("title"))
    );
    for bad in [
        json!({ "language": "de", "title": "Hallo" }),
        json!({ "language": "de", "title": "Hallo", "text": "a", "voice_upload_id": "x" }),
        json!({ "language": "not a language", "title": "Hallo", "text": "Hi" }),
        json!({ "language": " de", "title": "Hallo", "text": "Hi" }),
        json!({ "language": "de", "title": "\u{202e}olleH", "text": "Hi" }),
        json!({ "language": "de", "title": "Hallo", "text": null, "voice_upload_id": null }),
        json!({ "language": "de", "title": "Hallo", "text": "Hi", "voice_upload_id": null }),
    ] {
        assert_problem(app.start_thread(&ada, &bad).await, 422, "validation_failed").await;
    }
    assert_eq!(app.item_count().await, after_funding, "nothing written");
    assert_eq!(app.balance(&ada.access_token).await.0, 10);

    // a reply to a message of another thread, to a thread that does not exist
    let first = app.thread(&ada, "Eins").await;
    let _second = app.thread(&ada, "Zwei").await; // 0 credits left
    app.fund(&ada, 5).await;
    let other = app.thread(&ada, "Drei").await;
    let written = app.item_count().await;
    assert_problem(
        app.reply(
            &ada,
            other["id"].as_str().unwrap(),
            &json!({ "text": "Re", "reply_to": first["first_message"]["id"] }),
        )
        .await,
        422,
        "reply_target_not_found",
    )
    .await;
    assert_problem(
        app.reply(&ada, "01J00000000000000000000000", &json!({ "text": "Re" }))
            .await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(app.item_count().await, written);

    // a revoked token posts nothing
    app.fund(&ada, 5).await;
    let written = app.item_count().await;
    app.post_with_token("/v1/sessions/revoke-all", &ada.access_token)
        .await;
    assert_problem(
        app.reply(
            &ada,
            first["id"].as_str().unwrap(),
            &json!({ "text": "Spät" }),
        )
        .await,
        401,
        "unauthorized",
    )
    .await;
    assert_eq!(app.item_count().await, written);
}

#[tokio::test]
async fn a_reply_names_the_message_it_answers() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 10).await;
    let thread = app.thread(&ada, "Frage").await;
    let first = thread["first_message"]["id"].as_str().unwrap();
    let response = app
        .reply(
            &ada,
            thread["id"].as_str().unwrap(),
            &json!({ "text": "Antwort", "reply_to": first }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let reply: Value = response.json().await.unwrap();
    assert_eq!(reply["reply_to"], first);
    let read: Value = app
        .get(&format!("/v1/threads/{}", thread["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["message_count"], 2);
    assert_eq!(read["last_activity_at"], reply["created_at"]);
}

#[tokio::test]
async fn a_busy_languages_list_is_written_across_shards_and_read_as_one() {
    let app = crate::helpers::spawn_app_with(Some(Box::new(|settings| {
        settings
            .conversations
            .thread_list_shards
            .insert("de".into(), 4);
    })))
    .await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 200).await;
    let mut opened = Vec::new();
    for i in 0..12 {
        let thread = app.thread(&ada, &format!("Faden {i}")).await;
        opened.push(thread["id"].as_str().unwrap().to_owned());
    }
    // the oldest thread gets a reply: it moves to the top
    app.reply(&ada, &opened[0], &json!({ "text": "Wieder oben" }))
        .await;
    let mut expected: Vec<String> = opened[1..].iter().rev().cloned().collect();
    expected.insert(0, opened[0].clone());

    let mut listed = Vec::new();
    let mut path = "/v1/threads?language=de&limit=5".to_owned();
    loop {
        let response = app.get(&path).await;
        let requests = crate::budget::requests(&response);
        let page: Value = response.json().await.unwrap();
        assert_eq!(
            requests,
            4 + 1,
            "one query per shard, one batch read of authors"
        );
        listed.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/threads?language=de&limit=5&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(listed, expected);
    // a tag is taken as written: no spaces around it, and a cursor is one the list gave
    for path in ["/v1/threads?language=%20de", "/v1/threads?language=de%20"] {
        assert_problem(app.get(path).await, 422, "validation_failed").await;
    }
    assert_problem(
        app.get("/v1/threads?language=de&cursor=bm90LWEtY3Vyc29y")
            .await,
        400,
        "invalid_cursor",
    )
    .await;
    // the threads really are spread over the shards
    let store = &app.stack.app.store;
    let mut shards = BTreeSet::new();
    for shard in 0..4 {
        let count = store
            .client()
            .query()
            .table_name(store.table())
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(
                ":pk",
                aws_sdk_dynamodb::types::AttributeValue::S(format!("THREADS#de#{shard}")),
            )
            .send()
            .await
            .unwrap()
            .count();
        if count > 0 {
            shards.insert(shard);
        }
    }
    assert!(shards.len() >= 2, "threads in shards {shards:?}");
}

/// Upload URLs go only to accounts the gate admits, and at most so many an hour per
/// account: a revoked token gets 401, the next URL over the limit 429 with `Retry-After`.
#[tokio::test]
async fn upload_urls_need_an_admitted_account_and_are_limited_per_account_per_hour() {
    let app = crate::helpers::spawn_app_with(Some(Box::new(|settings| {
        settings.conversations.uploads_per_hour = 2;
    })))
    .await;
    let ada = app.registered_user("ada@example.com").await;
    let bob = app.registered_user("bob@example.com").await;
    let declare = |user: &TestUser| {
        let token = user.access_token.clone();
        let app = &app;
        async move {
            app.send(
                Method::POST,
                "/v1/voice-uploads",
                Some(&token),
                Some(&json!({
                    "content_type": "audio/ogg",
                    "size_bytes": 4,
                    "sha256": sha256(b"OggS"),
                })),
            )
            .await
        }
    };
    for _ in 0..2 {
        assert_eq!(declare(&ada).await.status(), StatusCode::CREATED);
    }
    let third = declare(&ada).await;
    assert!(third.headers().contains_key("retry-after"));
    assert_problem(third, 429, "too_many_uploads").await;
    // per account: another account still gets its own
    assert_eq!(declare(&bob).await.status(), StatusCode::CREATED);
    // a revoked token gets no URL
    app.post_with_token("/v1/sessions/revoke-all", &bob.access_token)
        .await;
    assert_problem(declare(&bob).await, 401, "unauthorized").await;
    // an hour later the count starts again (with a new login: tokens live 15 minutes)
    app.clock.advance(time::Duration::hours(1));
    let tokens = app.logged_in(&ada.email, &ada.password).await;
    let ada = TestUser {
        access_token: tokens["access_token"].as_str().unwrap().to_owned(),
        ..ada
    };
    assert_eq!(declare(&ada).await.status(), StatusCode::CREATED);
}

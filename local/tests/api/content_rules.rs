//! The content rules from outside: every public text (display names at registration and
//! in `PATCH /v1/me`, thread titles, messages and their edits) is refused with 422
//! `content_rule_violation` naming the rule and the field when it carries a contact
//! detail however it is disguised, and nothing is written or charged; ordinary text in
//! every script passes.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, registration, spawn_app};

/// One probe of each way of disguising a contact detail, and the rule that catches it.
const PROBES: &[(&str, &str)] = &[
    ("𝐞𝐱𝐚𝐦𝐩𝐥𝐞.𝐜𝐨𝐦", "url"),
    ("ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ", "url"),
    ("example﹒com", "url"),
    ("example․com", "url"),
    ("example·com", "url"),
    ("example‧com", "url"),
    ("example.соm", "url"),
    (
        "e\u{332}x\u{332}a\u{332}m\u{332}p\u{332}l\u{332}e\u{332}.c\u{332}o\u{332}m\u{332}",
        "url",
    ),
    ("Spamsite.Com", "url"),
    ("example.sbs", "url"),
    ("example.cfd", "url"),
    ("example.cyou", "url"),
    ("example.bond", "url"),
    ("example.lol", "url"),
    ("example.zip", "url"),
    ("example.mov", "url"),
    ("example.quest", "url"),
    ("example.chat", "url"),
    ("xn--e1afmkfd.xn--p1ai", "url"),
    ("1.2.3.4/login", "url"),
    ("ada@gmail", "email"),
    ("ada at gmail", "email"),
    ("𝟎𝟕𝟕𝟎𝟎 𝟗𝟎𝟎 𝟏𝟐𝟑", "phone_number"),
    ("⁰⁷⁷⁰⁰ ⁹⁰⁰ ¹²³", "phone_number"),
    ("⓪⑦⑦⓪⓪ ⑨⓪⓪ ①②③", "phone_number"),
    ("௦௭௭௦௦ ௯௦௦ ௧௨௩", "phone_number"),
    ("໐໗໗໐໐ ໙໐໐ ໑໒໓", "phone_number"),
    ("០៧៧០០ ៩០០ ១២៣", "phone_number"),
    ("૦૭૭૦૦ ૯૦૦ ૧૨૩", "phone_number"),
    ("07700—900—123", "phone_number"),
    ("07700_900_123", "phone_number"),
    ("07700·900·123", "phone_number"),
    ("07700,900,123", "phone_number"),
    ("07700~900~123", "phone_number"),
    ("O77OO 9OO l23", "phone_number"),
    ("WhatsApp 07700900123", "phone_number"),
];

/// Ordinary text that looks a little like a contact detail, in several scripts.
const ORDINARY: &[&str] = &[
    "e.g. this one, 3.5 hours, report.pdf, Mr.Smith",
    "Ich habe am 28.11.2026 um 10:30 Uhr Prüfung, das Buch kostet 12,50 €.",
    "В 2025 году я прочитал 12 книг, учебник стоит 1 299 руб.",
    "毎朝7時30分から1時間勉強します。試験料は6,500円でした。",
    "ولدت في عام ١٩٩٥ والسعر ٢٥٠ ريال.",
    "मेरा जन्म २००१ में हुआ था, कीमत ₹1,500 है।",
    "La vil·la és a prop; バーゲン・セール",
];

fn assert_rule(problem: &Value, field: &str, rule: &str, probe: &str) {
    assert_eq!(
        (problem["field"].as_str(), problem["rule"].as_str()),
        (Some(field), Some(rule)),
        "{probe:?}: {problem}"
    );
}

/// A stack with a funded user and their thread of one message "Original": the thread's
/// and the message's ids.
async fn funded_thread() -> (TestApp, TestUser, String, String) {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 100).await;
    let thread = app.thread(&ada, "Original").await;
    let thread_id = thread["id"].as_str().unwrap().to_owned();
    let message_id = thread["first_message"]["id"].as_str().unwrap().to_owned();
    (app, ada, thread_id, message_id)
}

impl TestApp {
    async fn edit(&self, user: &TestUser, message_id: &str, text: &str) -> reqwest::Response {
        self.send(
            Method::PATCH,
            &format!("/v1/messages/{message_id}"),
            Some(&user.access_token),
            Some(&json!({ "text": text })),
        )
        .await
    }
}

#[tokio::test]
async fn registration_refuses_a_display_name_with_a_contact_detail() {
    let app = spawn_app().await;
    let before = app.item_count().await;
    for (name, rule) in [
        ("WhatsApp 07700900123", "phone_number"),
        ("Ada ada@example.com", "email"),
        ("Ada | spamsite.com", "url"),
        ("𝐀𝐝𝐚 ⓢⓟⓐⓜ.ⓒⓞⓜ", "url"),
        ("Ada the idiot", "blocklisted_word"),
    ] {
        let mut body = registration("ada@example.com");
        body["display_name"] = json!(name);
        let problem =
            assert_problem(app.register(&body).await, 422, "content_rule_violation").await;
        assert_rule(&problem, "display_name", rule, name);
    }
    assert_eq!(app.item_count().await, before, "nothing written");
    // malformed fields are reported first, all of them
    let mut body = registration("ada@example.com");
    body["display_name"] = json!("spamsite.com");
    body["country"] = json!("XX");
    assert_problem(app.register(&body).await, 422, "validation_failed").await;
    // the address was never taken
    let response = app.register(&registration("ada@example.com")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn patch_me_refuses_a_display_name_with_a_contact_detail() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    for (name, rule) in [
        ("WhatsApp 07700900123", "phone_number"),
        ("Ada (ada@gmail)", "email"),
        ("Ada example.соm", "url"),
    ] {
        let response = app
            .patch_me(&ada.access_token, &json!({ "display_name": name }))
            .await;
        let problem = assert_problem(response, 422, "content_rule_violation").await;
        assert_rule(&problem, "display_name", rule, name);
    }
    // nothing else of the request is applied either
    let response = app
        .patch_me(
            &ada.access_token,
            &json!({ "display_name": "Ada 07700 900 123", "city": "Leeds" }),
        )
        .await;
    assert_problem(response, 422, "content_rule_violation").await;
    let me: Value = app.get_me(&ada.access_token).await.json().await.unwrap();
    assert_eq!(
        (me["display_name"].as_str(), me["city"].as_str()),
        (Some("Ada"), None)
    );
    let response = app
        .patch_me(
            &ada.access_token,
            &json!({ "display_name": "Ada Lovelace" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_disguise_is_refused_in_edits_titles_and_posts_and_nothing_is_charged() {
    let (app, ada, thread_id, message_id) = funded_thread().await;
    let (balance, _) = app.balance(&ada.access_token).await;
    for (probe, rule) in PROBES {
        let text = format!("Hallo! {probe}");
        let problem = assert_problem(
            app.edit(&ada, &message_id, &text).await,
            422,
            "content_rule_violation",
        )
        .await;
        assert_rule(&problem, "text", rule, probe);
        let reply = app.reply(&ada, &thread_id, &json!({ "text": text })).await;
        let problem = assert_problem(reply, 422, "content_rule_violation").await;
        assert_rule(&problem, "text", rule, probe);
    }
    let titled = app
        .start_thread(
            &ada,
            &json!({ "language": "de", "title": "Ruf an: O77OO 9OO l23", "text": "Hi" }),
        )
        .await;
    let problem = assert_problem(titled, 422, "content_rule_violation").await;
    assert_rule(&problem, "title", "phone_number", "title");
    assert_eq!(
        app.balance(&ada.access_token).await.0,
        balance,
        "nothing charged"
    );
    let message: Value = app
        .get(&format!("/v1/messages/{message_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (message["text"].as_str(), message["revision"].as_i64()),
        (Some("Original"), Some(0))
    );
}

#[tokio::test]
async fn ordinary_text_in_every_script_is_published() {
    let (app, ada, thread_id, message_id) = funded_thread().await;
    for text in ORDINARY {
        let edited = app.edit(&ada, &message_id, text).await;
        assert_eq!(edited.status(), StatusCode::OK, "{text:?}");
        let reply = app.reply(&ada, &thread_id, &json!({ "text": text })).await;
        assert_eq!(reply.status(), StatusCode::CREATED, "{text:?}");
    }
    for name in [
        "José María 2001",
        "Мария К.",
        "山田 太郎",
        "Ana·Lucía",
        "Dr. Ada L. 3rd",
    ] {
        let response = app
            .patch_me(&ada.access_token, &json!({ "display_name": name }))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{name:?}");
    }
}

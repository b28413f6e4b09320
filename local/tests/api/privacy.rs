//! Privacy rights, as a user and an admin meet them: the export (complete, no secrets,
//! only one's own), terms and consents with their history, privacy requests and their
//! deadlines, erasure, restriction, breach notices and the outbox.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::AttributeValue;
use natives_shared::domain::decide::erasure::FORMER_MEMBER;
use natives_shared::domain::decide::outbox::QueueRefusal;
use natives_shared::domain::{AccountStatus, Consents, EmailKind, EmailStatus, Role};
use natives_shared::gate::Gate;
use natives_shared::store::ErasureOutcome;
use natives_shared::store::ownership::{Belongs, ITEM_KINDS};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::conversations::{put_upload, sha256};
use crate::helpers::{
    Moto, TestApp, TestUser, assert_problem, registration, spawn_app, spawn_app_on,
};

impl TestApp {
    pub(crate) async fn export(&self, user: &TestUser) -> Value {
        let response = self
            .send(Method::GET, "/v1/me/export", Some(&user.access_token), None)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["cache-control"], "private, no-store");
        response.json().await.unwrap()
    }

    pub(crate) async fn file_request(&self, user: &TestUser, kind: &str) -> Value {
        let response = self
            .send(
                Method::POST,
                "/v1/me/privacy-requests",
                Some(&user.access_token),
                Some(&json!({ "kind": kind, "details": "Please." })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// An admin completes `request`: its account is notified (and e-mailed).
    pub(crate) async fn complete_request(&self, admin: &TestUser, request: &Value) {
        let completed = self
            .send(
                Method::POST,
                &format!(
                    "/v1/admin/privacy-requests/{}/complete",
                    request["id"].as_str().unwrap()
                ),
                Some(&admin.access_token),
                Some(&json!({ "response": "Here is everything." })),
            )
            .await;
        assert_eq!(completed.status(), StatusCode::OK);
    }

    /// `POST /v1/me/erasure` with `password`.
    pub(crate) async fn erase(&self, token: &str, password: &str) -> reqwest::Response {
        self.send(
            Method::POST,
            "/v1/me/erasure",
            Some(token),
            Some(&json!({ "password": password })),
        )
        .await
    }

    async fn accept_terms(&self, token: &str, version: &str) -> reqwest::Response {
        self.send(
            Method::POST,
            "/v1/me/terms-acceptances",
            Some(token),
            Some(&json!({ "version": version })),
        )
        .await
    }

    /// `user` logged in again (after the clock moved past their token's life).
    async fn fresh_login(&self, user: TestUser) -> TestUser {
        let tokens = self.logged_in(&user.email, &user.password).await;
        TestUser {
            access_token: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
            ..user
        }
    }

    /// The admins' queue of open requests.
    async fn open_queue(&self, token: &str) -> Vec<Value> {
        self.list_items("/v1/admin/privacy-requests?status=open", token)
            .await
    }

    async fn notifications(&self, user: &TestUser) -> Vec<Value> {
        self.list_items("/v1/me/notifications", &user.access_token)
            .await
    }

    /// Every string in the table, every attribute of every item (keys included).
    pub(crate) async fn every_string_in_the_table(&self) -> Vec<String> {
        fn collect(value: &AttributeValue, out: &mut Vec<String>) {
            match value {
                AttributeValue::S(text) => out.push(text.clone()),
                AttributeValue::L(list) => list.iter().for_each(|v| collect(v, out)),
                AttributeValue::M(map) => map.iter().for_each(|(k, v)| {
                    out.push(k.clone());
                    collect(v, out);
                }),
                AttributeValue::Ss(list) => out.extend(list.iter().cloned()),
                _ => {}
            }
        }
        let store = &self.stack.app.store;
        let mut strings = Vec::new();
        let mut start = None;
        loop {
            let page = store
                .client()
                .scan()
                .table_name(store.table())
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap();
            for item in page.items() {
                for value in item.values() {
                    collect(value, &mut strings);
                }
            }
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return strings,
            }
        }
    }
}

/// The stream record of a new outbox e-mail, as Lambda delivers it.
fn outbox_record(id: &str) -> Value {
    natives_local::stream::inserted(&format!("OUTBOX#{id}"), "OUTBOX")
}

/// Every kind of item an account can own (or that is kept about it) is created for one
/// caller, and each is found in the caller's export: a kind added to the ownership list
/// later fails here until the export covers it (and this test creates it).
#[tokio::test]
async fn the_export_holds_every_kind_of_item_the_caller_owns_and_no_secret() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    app.fund(&user, 100).await; // a ledger entry, and a staff action about me
    let checkout = app
        .send(
            Method::POST,
            "/v1/checkout",
            Some(&user.access_token),
            Some(&json!({ "tariff_id": "starter" })),
        )
        .await;
    assert_eq!(checkout.status(), StatusCode::CREATED, "a purchase");
    let thread = app.thread(&user, "Wie sagt man das?").await;
    let thread_id = thread["id"].as_str().unwrap();
    let first = thread["first_message"]["id"].as_str().unwrap().to_owned();
    let edited = app
        .send(
            Method::PATCH,
            &format!("/v1/messages/{first}"),
            Some(&user.access_token),
            Some(&json!({ "text": "Wie sagt man das auf Englisch?" })),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK, "a revision");
    let recording = crate::voice::fixture("sentence.ogg");
    let slot = app.upload_slot(&user, "audio/ogg", &recording).await;
    let put = put_upload(&slot, &slot["upload_headers"], recording.clone()).await;
    assert!(put.status().is_success());
    let voice = app
        .reply(
            &user,
            thread_id,
            &json!({ "voice_upload_id": slot["upload_id"] }),
        )
        .await;
    assert_eq!(voice.status(), StatusCode::CREATED, "an upload claim");
    let voice: Value = voice.json().await.unwrap();
    // a complaint filed, and a paid post under an idempotency key (its remembered answer)
    let someone = app.registered_user("someone@example.com").await;
    app.fund(&someone, 10).await;
    let theirs = app.thread(&someone, "Etwas anderes").await;
    let complained = app
        .send(
            Method::POST,
            &format!(
                "/v1/messages/{}/complaints",
                theirs["first_message"]["id"].as_str().unwrap()
            ),
            Some(&user.access_token),
            Some(&json!({ "reason": "spam", "comment": "Looks like an advert." })),
        )
        .await;
    assert_eq!(complained.status(), StatusCode::CREATED, "a complaint");
    let corrected = app
        .send(
            Method::POST,
            &format!(
                "/v1/messages/{}/corrections",
                theirs["first_message"]["id"].as_str().unwrap()
            ),
            Some(&user.access_token),
            Some(&json!({ "revision": 0, "corrected_text": "Etwas ganz anderes" })),
        )
        .await;
    assert_eq!(corrected.status(), StatusCode::CREATED, "a correction");
    let corrected: Value = corrected.json().await.unwrap();
    let recorrected = app
        .send(
            Method::PATCH,
            &format!(
                "/v1/messages/{}/corrections/{}",
                theirs["first_message"]["id"].as_str().unwrap(),
                corrected["id"].as_str().unwrap()
            ),
            Some(&user.access_token),
            Some(&json!({ "corrected_text": "Etwas völlig anderes" })),
        )
        .await;
    assert_eq!(
        recorrected.status(),
        StatusCode::OK,
        "a correction's revision"
    );
    let keyed = app
        .client
        .post(app.url(&format!("/v1/threads/{thread_id}/messages")))
        .bearer_auth(&user.access_token)
        .header("idempotency-key", "export-test")
        .json(&json!({ "text": "Mit Schlüssel" }))
        .send()
        .await
        .unwrap();
    assert_eq!(keyed.status(), StatusCode::CREATED, "a remembered answer");
    let request = app.file_request(&user, "access").await;
    let admin = app.admin_user("admin@example.com").await;
    app.complete_request(&admin, &request).await; // a notification, an e-mail

    // a live connection, listening to the thread
    let mut live = app.live(Some(&user.access_token)).await;
    let subscribed = live
        .ask(&json!({ "action": "subscribe", "thread_id": thread_id }))
        .await;
    assert_eq!(subscribed["type"], "subscribed", "a live subscription");

    // the address moved (an entry of the e-mail history; the code that proved it)
    let asked = app
        .send(
            Method::POST,
            "/v1/me/email-change",
            Some(&user.access_token),
            Some(&json!({ "new_email": "ada@new.example", "password": user.password })),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let code = app.code_sent("ada@new.example", "new e-mail address").await;
    let moved = app
        .send(
            Method::POST,
            "/v1/me/email-change/confirm",
            Some(&user.access_token),
            Some(&json!({ "code": code })),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK, "an e-mail history entry");

    // a provider identity, linked with the password (what the provider shared)
    let mut link = crate::social::provider_callback(&app, "vk", "ada@new.example", true)
        .await
        .body("vk");
    link["password"] = json!(user.password);
    let linked = app
        .send(
            Method::POST,
            "/v1/me/identities",
            Some(&user.access_token),
            Some(&link),
        )
        .await;
    assert_eq!(linked.status(), StatusCode::CREATED, "a linked identity");

    // a friend invited (the invitation, and the claim on the address)
    let invited = app
        .send(
            Method::POST,
            "/v1/me/invitations",
            Some(&user.access_token),
            Some(&json!({ "email": "friend@example.com" })),
        )
        .await;
    assert_eq!(invited.status(), StatusCode::CREATED, "an invitation");

    // the progress counters of those posts, kept from the table's stream
    let company = app
        .set_company(&user, &crate::companies::company("Ada Ltd"))
        .await;
    assert_eq!(company.status(), StatusCode::OK);
    // an invoice: a corporate client's purchase paid on the local checkout page
    app.bought_on_the_local_page(&user, "starter", 1).await;
    app.stack.process_stream().await.unwrap();

    let export = app.export(&user).await;
    assert_eq!(export["format"], "natives.chat/personal-data-export");
    assert_eq!(export["format_version"], 1);
    assert_eq!(export["account_id"], user.id.as_str());
    let sections = export["sections"].as_object().unwrap();
    assert_the_format_page_documents(sections);
    for spec in ITEM_KINDS {
        let section = spec.kind.export_section();
        match spec.belongs {
            Belongs::ToAccount(_) | Belongs::ToPlatformAbout(_) => {
                let section = section
                    .unwrap_or_else(|| panic!("{:?} has no section in the export", spec.kind));
                let items = sections[section].as_array().unwrap();
                assert!(
                    !items.is_empty(),
                    "{:?} (section {section}) is missing from the export",
                    spec.kind
                );
            }
            Belongs::ToPlatform => assert_eq!(section, None, "{:?}", spec.kind),
        }
    }
    let account = &sections["account"][0];
    assert_eq!(account["email"], "ada@new.example");
    assert!(
        account["email_verified_at"].is_string(),
        "proved by the code"
    );
    assert_eq!(account["display_name"], "Ada");
    let exported_voice = sections["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == voice["id"])
        .expect("the voice message");
    assert_eq!(exported_voice["voice"]["sha256"], sha256(&recording));
    assert_eq!(
        exported_voice["voice"]["url"],
        format!("/v1/messages/{}/voice", voice["id"].as_str().unwrap())
    );
    let listened = app
        .get(exported_voice["voice"]["url"].as_str().unwrap())
        .await;
    assert_eq!(listened.status(), StatusCode::FOUND, "the link leads to it");
    assert_eq!(
        sections["terms_acceptances"][0]["version"],
        json!(app.stack.app.settings.terms_version)
    );
    let text = export.to_string();
    for secret in [
        "password_hash",
        "$argon2",
        "token_generation",
        "ended_sessions",
        "REFRESH#",
        user.refresh_token.as_str(),
        user.password.as_str(),
    ] {
        assert!(!text.contains(secret), "the export contains {secret}");
    }
}

#[tokio::test]
async fn an_export_holds_only_the_callers_own_data_and_needs_a_live_token() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let bob = app.registered_user("bob@example.com").await;
    let bobs = app.export(&bob).await;
    let text = bobs.to_string();
    assert_eq!(bobs["account_id"], bob.id.as_str());
    assert!(!text.contains(&ada.id) && !text.contains("ada@example.com"));
    // No parameter names another account: a query or a path is not heard.
    let asked = app
        .send(
            Method::GET,
            &format!("/v1/me/export?account_id={}", ada.id),
            Some(&bob.access_token),
            None,
        )
        .await;
    let asked: Value = asked.json().await.unwrap();
    assert_eq!(asked["account_id"], bob.id.as_str());
    let nobody = app.send(Method::GET, "/v1/me/export", None, None).await;
    assert_problem(nobody, 401, "unauthorized").await;
    let revoked = app
        .post_with_token("/v1/sessions/revoke-all", &ada.access_token)
        .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let stale = app
        .send(Method::GET, "/v1/me/export", Some(&ada.access_token), None)
        .await;
    assert_problem(stale, 401, "unauthorized").await;
}

#[tokio::test]
async fn requests_are_due_a_month_later_and_extended_once_and_the_requester_sees_each_step() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let admin = app.admin_user("admin@example.com").await;
    let first = app.file_request(&user, "access").await;
    app.clock.advance(Duration::seconds(2));
    let second = app.file_request(&user, "portability").await;
    assert_eq!(first["status"], "received");
    assert_eq!(first["overdue"], false);
    let received = time::OffsetDateTime::parse(
        first["received_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(
        first["due_at"],
        natives_shared::clock::rfc3339::format(natives_shared::domain::add_calendar_months(
            received, 1
        ))
    );
    let bad = app
        .send(
            Method::POST,
            "/v1/me/privacy-requests",
            Some(&user.access_token),
            Some(&json!({ "kind": "delete_everything" })),
        )
        .await;
    assert_problem(bad, 422, "validation_failed").await;
    // `details` is optional: left out, never `null`.
    let null = app
        .send(
            Method::POST,
            "/v1/me/privacy-requests",
            Some(&user.access_token),
            Some(&json!({ "kind": "access", "details": null })),
        )
        .await;
    assert_problem(null, 422, "validation_failed").await;

    let open = app.open_queue(&admin.access_token).await;
    let ids: Vec<&str> = open.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            first["id"].as_str().unwrap(),
            second["id"].as_str().unwrap()
        ],
        "earliest due first"
    );
    assert_eq!(open[0]["account_id"], user.id.as_str());
    let denied = app
        .send(
            Method::GET,
            "/v1/admin/privacy-requests",
            Some(&user.access_token),
            None,
        )
        .await;
    assert_problem(denied, 403, "forbidden").await;

    // A month and a day later, both are overdue.
    app.clock.advance(Duration::days(32));
    // (Tokens live fifteen minutes: both log in again.)
    let admin = app.fresh_login(admin).await;
    let user = app.fresh_login(user).await;
    let open = app.open_queue(&admin.access_token).await;
    assert!(open.iter().all(|r| r["overdue"] == true), "{open:?}");

    let step = |id: &str, action: &str, body: Value| {
        let path = format!("/v1/admin/privacy-requests/{id}/{action}");
        let token = admin.access_token.clone();
        let app = &app;
        async move {
            app.send(Method::POST, &path, Some(&token), Some(&body))
                .await
        }
    };
    let first_id = first["id"].as_str().unwrap();
    let extended = step(first_id, "extend", json!({ "reason": "Many requests." })).await;
    assert_eq!(extended.status(), StatusCode::OK);
    let extended: Value = extended.json().await.unwrap();
    assert_eq!(extended["status"], "extended");
    assert_eq!(
        extended["due_at"],
        natives_shared::clock::rfc3339::format(natives_shared::domain::add_calendar_months(
            received, 2
        )),
        "one more month, counted from receipt"
    );
    assert_eq!(extended["overdue"], false);
    let again = step(first_id, "extend", json!({ "reason": "Still busy." })).await;
    assert_problem(again, 409, "already_extended").await;
    let completed = step(first_id, "complete", json!({ "response": "Attached." })).await;
    assert_eq!(completed.status(), StatusCode::OK);
    let completed: Value = completed.json().await.unwrap();
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["overdue"], false);
    let twice = step(first_id, "complete", json!({ "response": "Again." })).await;
    assert_problem(twice, 409, "already_completed").await;
    let late = step(first_id, "extend", json!({ "reason": "Too late." })).await;
    assert_problem(late, 409, "already_completed").await;
    let unknown = step(
        &format!("{}{}", user.id, ulid::Ulid::new()),
        "complete",
        json!({ "response": "?" }),
    )
    .await;
    assert_problem(unknown, 404, "not_found").await;

    let open = app.open_queue(&admin.access_token).await;
    assert_eq!(open.len(), 1, "the completed one left the open queue");
    let done: Value = app
        .send(
            Method::GET,
            "/v1/admin/privacy-requests?status=completed",
            Some(&admin.access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["items"][0]["id"], first_id);

    // The requester sees every step, and was told of each.
    let mine: Value = app
        .send(
            Method::GET,
            "/v1/me/privacy-requests",
            Some(&user.access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let mine = mine["items"].as_array().unwrap();
    let seen = mine.iter().find(|r| r["id"] == first_id).unwrap();
    assert_eq!(seen["status"], "completed");
    assert_eq!(seen["response"], "Attached.");
    assert_eq!(seen["extension_reason"], "Many requests.");
    let told = app.notifications(&user).await;
    let kinds: Vec<&str> = told.iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["privacy_request_completed", "privacy_request_extended"],
        "newest first"
    );
    assert!(told.iter().all(|n| n["reference"] == first_id));
    // Each step also queued an e-mail; without notification consent it is not sent.
    app.stack.process_stream().await.unwrap();
    let outbox = app.outbox_but_codes().await;
    assert_eq!(outbox.len(), 2);
    assert!(outbox.iter().all(|e| e.status == EmailStatus::Skipped));
}

#[tokio::test]
async fn erasure_leaves_no_personal_data_and_keeps_the_messages_under_an_anonymous_name() {
    let app = spawn_app().await;
    let mut body = registration("zebulon.quixote@example.com");
    body["display_name"] = json!("Zebulon");
    body["full_name"] = json!("Zebulon Quixote");
    body["city"] = json!("Xanthorp");
    body["gender"] = json!("nonbinary");
    body["guardian"] =
        json!({ "name": "Yolanda Quixote", "email": "yolanda.q@example.com", "consent": true });
    body["consents"] = json!({ "marketing_emails": true, "notification_emails": true });
    assert_eq!(app.register(&body).await.status(), StatusCode::CREATED);
    let tokens = app
        .logged_in("zebulon.quixote@example.com", "correct horse battery")
        .await;
    let user = TestUser {
        id: app
            .stack
            .app
            .store
            .account_id_for_email(
                &natives_shared::domain::Email::parse("zebulon.quixote@example.com").unwrap(),
            )
            .await
            .unwrap()
            .unwrap()
            .to_string(),
        email: "zebulon.quixote@example.com".into(),
        password: "correct horse battery".into(),
        access_token: tokens["access_token"].as_str().unwrap().to_owned(),
        refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
    };
    app.fund(&user, 20).await;
    let thread = app.thread(&user, "Guten Abend zusammen").await;
    let thread_id = thread["id"].as_str().unwrap().to_owned();
    app.file_request(&user, "erasure").await;
    // An open complaint: the review queue keeps a copy of it for moderators.
    let other = app.registered_user("other@example.com").await;
    app.fund(&other, 20).await;
    let others = app.thread(&other, "Ein anderes Thema").await;
    let complained = app
        .send(
            Method::POST,
            &format!(
                "/v1/messages/{}/complaints",
                others["first_message"]["id"].as_str().unwrap()
            ),
            Some(&user.access_token),
            Some(&json!({ "reason": "other", "comment": "Zebulon Quixote from Xanthorp here" })),
        )
        .await;
    assert_eq!(complained.status(), StatusCode::CREATED);
    assert!(
        app.every_string_in_the_table()
            .await
            .iter()
            .filter(|s| s.contains("Zebulon Quixote from Xanthorp"))
            .count()
            >= 2,
        "the complaint and the queue's copy"
    );
    // Staff text about the person: a grant's reason (ledger and audit), a moderator's
    // note on their message (the message and the audit). Contact details are refused in
    // it by construction; first names, surnames and places are redacted on erasure.
    let admin = app.admin_user("admin@example.com").await;
    let grant = |reason: &'static str| {
        let app = &app;
        let path = format!("/v1/admin/accounts/{}/credit-grants", user.id);
        let token = admin.access_token.clone();
        async move {
            app.send(
                Method::POST,
                &path,
                Some(&token),
                Some(&json!({ "credits": 1, "reason": reason })),
            )
            .await
        }
    };
    for with_contact in [
        "Zebulon asked on +44 7700 900123",
        "Zebulon wrote from zeb.q@example.org",
    ] {
        assert_problem(grant(with_contact).await, 422, "validation_failed").await;
    }
    assert_eq!(
        grant("Zebulon from Xanthorp, a goodwill gesture for Quixote")
            .await
            .status(),
        StatusCode::CREATED
    );
    let moderator = app
        .staff(
            "moderator@example.com",
            &[natives_shared::domain::Role::Moderator],
        )
        .await;
    let first_message = thread["first_message"]["id"].as_str().unwrap();
    for (action, reason) in [
        ("hide", "Zebulon of Xanthorp advertising"),
        ("restore", "Quixote explained it, Zebulon is fine"),
    ] {
        let acted = app
            .send(
                Method::POST,
                &format!("/v1/moderation/messages/{first_message}/actions"),
                Some(&moderator.access_token),
                Some(&json!({ "action": action, "reason": reason })),
            )
            .await;
        assert!(acted.status().is_success(), "{action}");
    }

    let wrong = app.erase(&user.access_token, "not my password").await;
    assert_problem(wrong, 403, "wrong_password").await;

    let erased = app.erase(&user.access_token, &user.password).await;
    assert_eq!(erased.status(), StatusCode::OK);
    let erased: Value = erased.json().await.unwrap();
    assert_eq!(erased["status"], "closed");

    // Every session ended; the e-mail and password open nothing, and the answer does
    // not send anyone to log in.
    let closed = assert_problem(app.get_me(&user.access_token).await, 401, "unauthorized").await;
    assert_eq!(
        closed["detail"],
        "This account was closed and its personal data erased; it cannot be used again."
    );
    assert_eq!(
        app.refresh(&user.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_problem(
        app.login(&user.email, &user.password).await,
        401,
        "invalid_credentials",
    )
    .await;
    // The messages are still public, under the anonymous name.
    let page: Value = app
        .get(&format!("/v1/threads/{thread_id}/messages"))
        .await
        .json()
        .await
        .unwrap();
    let message = &page["items"][0];
    assert_eq!(message["text"], "Guten Abend zusammen");
    assert_eq!(message["author"]["id"], user.id.as_str());
    assert_eq!(message["author"]["display_name"], FORMER_MEMBER);
    // No trace of the person anywhere in the table.
    let strings = app.every_string_in_the_table().await;
    for personal in [
        "zebulon",
        "quixote",
        "xanthorp",
        "yolanda",
        "nonbinary",
        "7700 900123",
        "zeb.q@",
    ] {
        let found: Vec<&String> = strings
            .iter()
            .filter(|s| s.to_lowercase().contains(personal))
            .collect();
        assert!(
            found.is_empty(),
            "{personal} is still in the table: {found:?}"
        );
    }
    let account = app
        .stack
        .app
        .store
        .get_account(&user.account_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.status, AccountStatus::Closed);
    assert_eq!(account.balance_credits, 16, "the ledger keeps its amounts");
    // The address is free again.
    let again = app
        .register(&registration("zebulon.quixote@example.com"))
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    // Erasing again changes nothing.
    let before = app.every_string_in_the_table().await;
    let outcome = app
        .stack
        .app
        .store
        .erase_account(&user.account_id(), app.stack.app.now())
        .await
        .unwrap();
    assert!(matches!(outcome, ErasureOutcome::AlreadyErased { .. }));
    let after = app.every_string_in_the_table().await;
    assert_eq!(
        before.iter().collect::<BTreeSet<_>>(),
        after.iter().collect::<BTreeSet<_>>()
    );
}

/// A crash half way through an erasure: the account is still whole (its owner can log
/// in and ask again), and asking again finishes the job.
#[tokio::test]
async fn an_erasure_interrupted_half_way_is_finished_by_the_retry() {
    let app = spawn_app().await;
    let user = app.registered_user("quentin.marlowe@example.com").await;
    let admin = app.admin_user("admin@example.com").await;
    let grant = app
        .send(
            Method::POST,
            &format!("/v1/admin/accounts/{}/credit-grants", user.id),
            Some(&admin.access_token),
            Some(&json!({ "credits": 5, "reason": "Goodwill for Quentin Marlowe" })),
        )
        .await;
    assert_eq!(grant.status(), StatusCode::CREATED);
    app.file_request(&user, "access").await;
    let store = &app.stack.app.store;
    let writes = store
        .erase_interrupted(&user.account_id(), 2)
        .await
        .unwrap();
    assert_eq!(writes, 2, "the crash came after two writes");
    // Not erased yet: the account is whole, and its owner still gets in.
    let tokens = app.logged_in(&user.email, &user.password).await;
    let retry = app
        .erase(tokens["access_token"].as_str().unwrap(), &user.password)
        .await;
    assert_eq!(retry.status(), StatusCode::OK);
    let strings = app.every_string_in_the_table().await;
    assert!(
        !strings
            .iter()
            .any(|s| s.to_lowercase().contains("quentin") || s.to_lowercase().contains("marlowe")),
        "the address and the name are gone, from the grant's reason too"
    );
    let audit: Vec<&String> = strings
        .iter()
        .filter(|s| s.contains("Goodwill for"))
        .collect();
    assert!(
        audit.iter().all(|s| s.contains("[erased]")),
        "staff reasons keep their words but lose the name: {audit:?}"
    );
}

#[tokio::test]
async fn a_terms_change_stops_paid_actions_until_the_new_version_is_accepted() {
    let app = spawn_app().await;
    let terms: Value = app.get("/v1/terms").await.json().await.unwrap();
    assert_eq!(terms["version"], "2026-11-01");
    assert!(terms["url"].is_string() && terms["effective_at"].is_string());
    let user = app.registered_user("ada@example.com").await;
    app.fund(&user, 50).await;

    // The operator publishes new terms.
    let app = app
        .restarted(Some(Box::new(|settings| {
            settings.terms_version = "2027-01-01".into();
            settings.terms_effective_at = "2027-01-01T00:00:00.000Z".into();
        })))
        .await;
    let terms: Value = app.get("/v1/terms").await.json().await.unwrap();
    assert_eq!(terms["version"], "2027-01-01");
    let refused = app
        .start_thread(
            &user,
            &json!({ "language": "de", "title": "Hallo", "text": "Guten Tag" }),
        )
        .await;
    assert_problem(refused, 403, "terms_not_accepted").await;
    let checkout = app
        .send(
            Method::POST,
            "/v1/checkout",
            Some(&user.access_token),
            Some(&json!({ "tariff_id": "starter" })),
        )
        .await;
    assert_problem(checkout, 403, "terms_not_accepted").await;
    let (balance, _) = app.balance(&user.access_token).await;
    assert_eq!(balance, 50, "nothing was charged");
    // Reading and free routes go on.
    assert_eq!(
        app.get_me(&user.access_token).await.status(),
        StatusCode::OK
    );

    let old = app.accept_terms(&user.access_token, "2026-11-01").await;
    assert_problem(old, 422, "terms_version_not_current").await;
    let accepted = app.accept_terms(&user.access_token, "2027-01-01").await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
    let thread = app
        .start_thread(
            &user,
            &json!({ "language": "de", "title": "Hallo", "text": "Guten Tag" }),
        )
        .await;
    assert_eq!(thread.status(), StatusCode::CREATED);
    let thread: Value = thread.json().await.unwrap();
    let reply = app
        .reply(
            &user,
            thread["id"].as_str().unwrap(),
            &json!({ "text": "Noch einmal" }),
        )
        .await;
    assert_eq!(reply.status(), StatusCode::CREATED);
    assert_eq!(
        crate::budget::requests(&reply),
        1,
        "the terms check costs no request"
    );

    let export = app.export(&user).await;
    let versions: Vec<&str> = export["sections"]["terms_acceptances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["version"].as_str().unwrap())
        .collect();
    assert_eq!(
        versions,
        ["2026-11-01", "2027-01-01"],
        "every acceptance kept"
    );
    // A registration names the current version.
    let mut body = registration("bob@example.com");
    let stale = app.register(&body).await;
    assert_problem(stale, 422, "terms_not_accepted").await;
    body["accepted_terms_version"] = json!("2027-01-01");
    assert_eq!(app.register(&body).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn consents_keep_their_history_and_withdrawal_objection_and_restriction_act_at_once() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let store = &app.stack.app.store;
    let now = app.stack.app.now();
    let account = || async {
        store
            .get_account(&user.account_id())
            .await
            .unwrap()
            .unwrap()
    };
    // Registered without consent: no marketing is queued.
    let refused = store
        .queue_email(&account().await, EmailKind::Marketing, "Offer", "Buy", now)
        .await
        .map_err(|f| f.refusal());
    assert_eq!(refused.err(), Some(Some(QueueRefusal::NotAllowed)));
    assert!(app.outbox_but_codes().await.is_empty());

    let set = app
        .send(
            Method::PUT,
            "/v1/me/consents",
            Some(&user.access_token),
            Some(&json!({ "marketing_emails": true, "notification_emails": true })),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let me: Value = app.get_me(&user.access_token).await.json().await.unwrap();
    assert_eq!(me["consents"]["marketing_emails"], true);
    let unverified = store
        .queue_email(&account().await, EmailKind::Marketing, "Offer", "Buy", now)
        .await
        .map_err(|f| f.refusal());
    assert_eq!(
        unverified.err(),
        Some(Some(QueueRefusal::NotAllowed)),
        "not before the address is verified"
    );
    app.verify(&user).await;
    let queued = store
        .queue_email(&account().await, EmailKind::Marketing, "Offer", "Buy", now)
        .await;
    assert!(queued.is_ok(), "queued with consent, to a verified address");

    // Withdrawn before the queued e-mail went out: it is not sent.
    app.file_request(&user, "withdraw_consent").await;
    let me: Value = app.get_me(&user.access_token).await.json().await.unwrap();
    assert_eq!(
        me["consents"],
        json!({ "marketing_emails": false, "notification_emails": false })
    );
    app.stack.process_stream().await.unwrap();
    let outbox = app.outbox_but_codes().await;
    assert_eq!(outbox[0].status, EmailStatus::Skipped);
    assert!(app.sent_but_codes().await.is_empty());

    // Consent again, then restriction: marketing is refused while restricted.
    app.send(
        Method::PUT,
        "/v1/me/consents",
        Some(&user.access_token),
        Some(&json!({ "marketing_emails": true, "notification_emails": true })),
    )
    .await;
    app.file_request(&user, "restriction").await;
    let restricted = account().await;
    assert!(restricted.restricted_at.is_some());
    assert!(!restricted.may_process_for(natives_shared::domain::Purpose::Statistics));
    let refused = store
        .queue_email(&restricted, EmailKind::Marketing, "Offer", "Buy", now)
        .await
        .map_err(|f| f.refusal());
    assert_eq!(refused.err(), Some(Some(QueueRefusal::NotAllowed)));
    // An objection (another account) leaves it out of marketing and statistics too.
    let bob = app.registered_user("bob@example.com").await;
    app.send(
        Method::PUT,
        "/v1/me/consents",
        Some(&bob.access_token),
        Some(&json!({ "marketing_emails": true, "notification_emails": false })),
    )
    .await;
    app.file_request(&bob, "objection").await;
    let objected = store.get_account(&bob.account_id()).await.unwrap().unwrap();
    assert!(!objected.may_process_for(natives_shared::domain::Purpose::Marketing));
    assert!(!objected.may_process_for(natives_shared::domain::Purpose::Statistics));

    let export = app.export(&user).await;
    let history: Vec<(bool, bool, &str)> = export["sections"]["consent_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["marketing_emails"].as_bool().unwrap(),
                c["notification_emails"].as_bool().unwrap(),
                c["source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            (false, false, "registration"),
            (true, true, "settings"),
            (false, false, "privacy_request"),
            (true, true, "settings"),
        ]
    );
    assert!(
        export["sections"]["consent_history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["changed_at"].is_string())
    );
}

#[tokio::test]
async fn a_breach_notice_reaches_the_accounts_it_affects_once() {
    breach_notice_journey(spawn_app().await).await;
}

/// The same on moto's DynamoDB: the stack reads the table's stream through moto's
/// Streams API.
#[tokio::test]
async fn on_motos_dynamodb_a_breach_notice_reaches_the_accounts_it_affects_once() {
    let Some(moto) = Moto::start() else {
        return;
    };
    breach_notice_journey(spawn_app_on(moto.dynamodb()).await).await;
}

async fn breach_notice_journey(app: TestApp) {
    let ada = app.registered_user("ada@example.com").await;
    let bob = app.registered_user("bob@example.com").await;
    let admin = app.admin_user("admin@example.com").await;
    let recorded = app
        .send(
            Method::POST,
            "/v1/admin/breach-notices",
            Some(&admin.access_token),
            Some(&json!({
                "title": "A backup was exposed",
                "description": "Please change your password.",
                "account_ids": [ada.id],
            })),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::CREATED);
    let denied = app
        .send(
            Method::POST,
            "/v1/admin/breach-notices",
            Some(&ada.access_token),
            Some(&json!({ "title": "x", "description": "y" })),
        )
        .await;
    assert_problem(denied, 403, "forbidden").await;
    // Only leaving `account_ids` out means everyone: `null` is refused, and so is what is
    // not an account id.
    for account_ids in [json!(null), json!(["ada@example.com"])] {
        let refused = app
            .send(
                Method::POST,
                "/v1/admin/breach-notices",
                Some(&admin.access_token),
                Some(&json!({ "title": "x", "description": "y", "account_ids": account_ids })),
            )
            .await;
        assert_problem(refused, 422, "validation_failed").await;
    }
    app.stack.process_stream().await.unwrap();
    app.stack.process_stream().await.unwrap();
    let told = app.notifications(&ada).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["kind"], "breach_notice");
    assert_eq!(told[0]["title"], "A backup was exposed");
    assert!(app.notifications(&bob).await.is_empty());
    let sent = app.sent_but_codes().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, "ada@example.com");

    // Everyone: each open account once, however often the stream delivers it.
    let everyone = app
        .send(
            Method::POST,
            "/v1/admin/breach-notices",
            Some(&admin.access_token),
            Some(&json!({ "title": "Second notice", "description": "To all." })),
        )
        .await;
    assert_eq!(everyone.status(), StatusCode::CREATED);
    app.stack.process_stream().await.unwrap();
    let notice_id = everyone.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.stack
        .app
        .store
        .fan_out_breach_notice(&notice_id, app.stack.app.now())
        .await
        .unwrap();
    app.stack.process_stream().await.unwrap();
    for user in [&ada, &bob, &admin] {
        let kinds: Vec<Value> = app
            .notifications(user)
            .await
            .into_iter()
            .filter(|n| n["title"] == "Second notice")
            .collect();
        assert_eq!(kinds.len(), 1, "{}", user.email);
    }
    assert_eq!(app.sent_but_codes().await.len(), 4);
}

/// The sender handed the same stream batch twice (Lambda retries a batch; a record can
/// be delivered again) sends each e-mail once.
#[tokio::test]
async fn the_outbox_sender_run_twice_on_one_batch_sends_each_email_once() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let store = &app.stack.app.store;
    let account = store
        .get_account(&user.account_id())
        .await
        .unwrap()
        .unwrap();
    let mut records = Vec::new();
    for n in 0..3 {
        let email = store
            .queue_email(
                &account,
                EmailKind::BreachNotice,
                &format!("Notice {n}"),
                "Body",
                app.stack.app.now(),
            )
            .await
            .unwrap();
        let record = outbox_record(&email.id);
        records.push(record.clone());
        records.push(record); // the same record twice in one batch
    }
    records.push(natives_local::stream::inserted(
        &format!("ACCOUNT#{}", user.id),
        "ACCOUNT",
    ));
    let batch = json!({ "Records": records });
    let function = natives_functions::Function::SendOutbox;
    let first = function
        .handle_event(&app.stack.app, batch.clone())
        .await
        .unwrap();
    let second = function.handle_event(&app.stack.app, batch).await.unwrap();
    assert_eq!(first["sent"], 3);
    assert_eq!(second["sent"], 0);
    let sent = app.stack.app.mailer.logged();
    let subjects: BTreeSet<&str> = sent.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(sent.len(), 3);
    assert_eq!(subjects.len(), 3);
    assert!(
        app.outbox_but_codes()
            .await
            .iter()
            .all(|e| e.status == EmailStatus::Sent && e.provider_message_id.is_some())
    );
}

/// The SES code path against a server that speaks SES (moto, started by scripts/test,
/// which sets `NATIVES_TEST_SES_ENDPOINT`). Without one the test says so and passes.
#[tokio::test]
async fn the_outbox_sends_through_ses() {
    let Ok(endpoint) = std::env::var("NATIVES_TEST_SES_ENDPOINT") else {
        eprintln!("NATIVES_TEST_SES_ENDPOINT is not set: the SES path was not exercised");
        return;
    };
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .endpoint_url(&endpoint)
        .load()
        .await;
    let domain = format!(
        "{}.example.com",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    aws_sdk_sesv2::Client::new(&sdk)
        .create_email_identity()
        .email_identity(&domain)
        .send()
        .await
        .expect("the SES server verifies the sender's domain");
    let dynamodb = natives_local::embedded::sdk_config(&app.stack.endpoints.dynamodb).await;
    let mut ses_app = natives_functions::App::new(
        &dynamodb,
        app.stack.app.settings.clone(),
        app.clock.clone(),
        None,
    )
    .unwrap();
    ses_app.mailer =
        natives_shared::mail::Mailer::ses(&sdk, &format!("Natives.Chat <no-reply@{domain}>"));
    let account = ses_app
        .store
        .get_account(&user.account_id())
        .await
        .unwrap()
        .unwrap();
    let email = ses_app
        .store
        .queue_email(
            &account,
            EmailKind::BreachNotice,
            "A backup was exposed",
            "Please change your password.",
            ses_app.now(),
        )
        .await
        .unwrap();
    let batch = json!({ "Records": [outbox_record(&email.id)] });
    let function = natives_functions::Function::SendOutbox;
    let first = function
        .handle_event(&ses_app, batch.clone())
        .await
        .unwrap();
    let second = function.handle_event(&ses_app, batch).await.unwrap();
    assert_eq!(
        (first["sent"].as_i64(), second["sent"].as_i64()),
        (Some(1), Some(0))
    );
    // The registration's verification code is in the outbox too: find the notice.
    let stored = ses_app.store.outbox().await.unwrap();
    let notice = stored.iter().find(|e| e.id == email.id).unwrap();
    assert_eq!(notice.status, EmailStatus::Sent);
    let message_id = notice.provider_message_id.clone().unwrap();
    assert!(!message_id.is_empty() && !message_id.starts_with("log-"));
    // The server kept exactly one message from us.
    let sent: Value = reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = sent.to_string();
    assert_eq!(
        text.matches(&message_id).count(),
        1,
        "moto holds the message once"
    );

    // An unverified sender is refused by SES: the claim is given back, the batch fails
    // (and would be delivered again).
    ses_app.mailer =
        natives_shared::mail::Mailer::ses(&sdk, "Natives.Chat <no-reply@unverified.example>");
    let email = ses_app
        .store
        .queue_email(
            &account,
            EmailKind::BreachNotice,
            "Again",
            "Body",
            ses_app.now(),
        )
        .await
        .unwrap();
    let batch = json!({ "Records": [outbox_record(&email.id)] });
    assert!(function.handle_event(&ses_app, batch).await.is_err());
    let again = ses_app.store.outbox().await.unwrap();
    let failed = again.iter().find(|e| e.id == email.id).unwrap();
    assert_eq!(failed.status, EmailStatus::Queued, "back in the queue");
}

/// The gate's terms check, in its read and write forms.
#[tokio::test]
async fn the_gates_terms_check_agrees_in_both_forms() {
    let app = spawn_app().await;
    let keys = app.signing_keys();
    let store = &app.stack.app.store;
    let now = app.stack.app.now();
    let example = natives_local::examples::new_account(&app.stack.app, &keys, &[])
        .await
        .unwrap();
    let account = store.get_account(&example.id).await.unwrap().unwrap();
    let current = account.accepted_terms_version.clone();
    for (required, expected) in [
        (None, Ok(())),
        (Some(current.clone()), Ok(())),
        (
            Some("2099-01-01".to_owned()),
            Err(natives_shared::gate::Refusal::TermsNotAccepted {
                version: "2099-01-01".into(),
            }),
        ),
    ] {
        let caller = Gate {
            account_id: example.id.clone(),
            session_id: example.session_id.clone(),
            generation: 0,
            required_role: None,
            required_terms: required,
            scope: natives_shared::domain::SessionScope::Full,
        };
        assert_eq!(caller.admit(Some(&account), now), expected, "read form");
        let written = store.set_consents(&caller, Consents::default(), now).await;
        assert_eq!(
            written
                .map(drop)
                .map_err(|f| f.refusal().expect("a refusal")),
            expected,
            "write form"
        );
    }
}

/// docs/export-format.md is the export's schema: its table of sections lists exactly the
/// export's sections, and each row names every field its section's entries hold (the
/// first name of each comma-separated entry of its last cell).
fn assert_the_format_page_documents(sections: &serde_json::Map<String, Value>) {
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/export-format.md"
    ))
    .unwrap();
    let table = page
        .split("\n## Sections\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("docs/export-format.md has a section \"Sections\"");
    let mut documented: std::collections::BTreeMap<&str, BTreeSet<&str>> = Default::default();
    for row in table.lines().filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").collect();
        let section = cells[0].trim().trim_matches('`');
        let mut fields = BTreeSet::new();
        let (mut depth, mut entry_start) = (0, true);
        let last = cells.last().unwrap();
        for (at, c) in last.char_indices() {
            match c {
                '(' | '{' => depth += 1,
                ')' | '}' => depth -= 1,
                ',' if depth == 0 => entry_start = true,
                '`' if depth == 0 && entry_start => {
                    let name = &last[at + 1..];
                    fields.insert(&name[..name.find('`').unwrap()]);
                    entry_start = false;
                }
                _ => {}
            }
        }
        documented.insert(section, fields);
    }
    let exported: BTreeSet<&str> = sections.keys().map(String::as_str).collect();
    assert_eq!(
        documented.keys().copied().collect::<BTreeSet<_>>(),
        exported,
        "the sections of docs/export-format.md and of the export"
    );
    for (section, entries) in sections {
        for entry in entries.as_array().unwrap() {
            for field in entry.as_object().unwrap().keys() {
                assert!(
                    documented[section.as_str()].contains(field.as_str()),
                    "docs/export-format.md does not name the field {field} of section {section}"
                );
            }
        }
    }
}

/// Erased is final: no staff action brings an erased account back, blocked or active,
/// with roles or with credits; nothing is written.
#[tokio::test]
async fn an_erased_account_cannot_be_unblocked_blocked_given_roles_or_credits() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let staff = app
        .staff("staff@example.com", &[Role::Moderator, Role::Admin])
        .await;
    assert_eq!(
        app.erase(&user.access_token, &user.password).await.status(),
        StatusCode::OK
    );
    let blocks = format!("/v1/moderation/accounts/{}/blocks", user.id);
    let attempts = [
        (Method::DELETE, blocks.clone(), None),
        (Method::POST, blocks, Some(json!({ "reason": "Spam." }))),
        (
            Method::PUT,
            format!("/v1/admin/accounts/{}/roles", user.id),
            Some(json!({ "roles": ["admin"] })),
        ),
        (
            Method::POST,
            format!("/v1/admin/accounts/{}/credit-grants", user.id),
            Some(json!({ "credits": 5, "reason": "goodwill" })),
        ),
    ];
    let before = app.item_count().await;
    for (method, path, body) in attempts {
        let response = app
            .send(
                method.clone(),
                &path,
                Some(&staff.access_token),
                body.as_ref(),
            )
            .await;
        assert_problem(response, 409, "account_closed").await;
    }
    assert_eq!(app.item_count().await, before, "nothing written");
    let account = app
        .stack
        .app
        .store
        .get_account(&user.account_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.status, AccountStatus::Closed);
    assert!(!account.roles.contains(&Role::Admin));
}

/// The erasure's password check is a guess like a login's: the login throttle counts it
/// and refuses it, so a stolen access token cannot try passwords through erasure without
/// limit, and a wrong one there counts towards the login's backoff.
#[tokio::test]
async fn the_erasure_password_check_is_counted_and_refused_by_the_login_throttle() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    for _ in 0..10 {
        let wrong = app.erase(&user.access_token, "not my password").await;
        assert_problem(wrong, 403, "wrong_password").await;
    }
    // the eleventh guess is not tried, even the right password, here or at login
    let throttled = app.erase(&user.access_token, &user.password).await;
    assert!(throttled.headers().contains_key("retry-after"));
    assert_problem(throttled, 429, "too_many_attempts").await;
    assert_problem(
        app.login(&user.email, &user.password).await,
        429,
        "too_many_attempts",
    )
    .await;
    let account = app
        .stack
        .app
        .store
        .get_account(&user.account_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.status, AccountStatus::Active, "nothing erased");
    assert_eq!(account.failed_logins, 10);
}

/// The export shows what staff decided about the account and in which role, never who
/// the staff member was (their id is public beside their own messages).
#[tokio::test]
async fn the_export_names_the_role_and_the_decision_not_the_staff_member() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let moderator = app.staff("moderator@example.com", &[Role::Moderator]).await;
    let admin = app.staff("admin@example.com", &[Role::Admin]).await;
    let blocks = format!("/v1/moderation/accounts/{}/blocks", user.id);
    let blocked = app
        .send(
            Method::POST,
            &blocks,
            Some(&moderator.access_token),
            Some(&json!({ "reason": "Advertising." })),
        )
        .await;
    assert_eq!(blocked.status(), StatusCode::CREATED);
    let lifted = app
        .send(Method::DELETE, &blocks, Some(&moderator.access_token), None)
        .await;
    assert!(lifted.status().is_success());
    let roles = app
        .send(
            Method::PUT,
            &format!("/v1/admin/accounts/{}/roles", user.id),
            Some(&admin.access_token),
            Some(&json!({ "roles": ["mentor"] })),
        )
        .await;
    assert_eq!(roles.status(), StatusCode::OK);
    let user = app.fresh_login(user).await;
    let export = app.export(&user).await;
    let actions = export["sections"]["staff_actions_about_me"]
        .as_array()
        .unwrap();
    let mut seen: Vec<(String, String)> = actions
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_owned(),
                a["acted_as"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("account.block".to_owned(), "moderator".to_owned()),
            ("account.roles".to_owned(), "admin".to_owned()),
            ("account.unblock".to_owned(), "moderator".to_owned()),
        ]
    );
    let text = export.to_string();
    for staff in [&moderator, &admin] {
        assert!(
            !text.contains(staff.id.as_str()),
            "a staff member's id in the export"
        );
    }
    assert!(actions.iter().all(|a| a.get("actor_id").is_none()));
}

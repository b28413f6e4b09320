//! Thread titles under moderation, from outside: complaints about a thread follow the
//! rules of complaints about messages (one open each, trusted reporters hide it), the
//! review queue names the thread and its title, moderators hide, restore, remove or
//! dismiss, every decision is audited, and a hidden or removed thread is 404 with its
//! messages to everyone but its author and moderators, and out of the language list.

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

/// Ada's thread: `(ada, thread_id, first_message_id)`.
async fn a_thread(app: &TestApp) -> (TestUser, String, String) {
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 5).await;
    let thread = app.thread(&ada, "Wie sagt man das?").await;
    (
        ada,
        thread["id"].as_str().unwrap().to_owned(),
        thread["first_message"]["id"].as_str().unwrap().to_owned(),
    )
}

async fn complain(app: &TestApp, user: &TestUser, thread_id: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/v1/threads/{thread_id}/complaints"),
        Some(&user.access_token),
        Some(&json!({ "reason": "spam", "comment": "The title advertises." })),
    )
    .await
}

async fn act(app: &TestApp, user: &TestUser, thread_id: &str, action: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/v1/moderation/threads/{thread_id}/actions"),
        Some(&user.access_token),
        Some(&json!({ "action": action, "reason": "The title advertises." })),
    )
    .await
}

/// The statuses of the thread, its messages' first page and its first message, as
/// `token` (none: a visitor) reads them.
async fn reads(app: &TestApp, thread: &str, message: &str, token: Option<&str>) -> [u16; 3] {
    let mut statuses = [0; 3];
    for (status, path) in statuses.iter_mut().zip([
        format!("/v1/threads/{thread}"),
        format!("/v1/threads/{thread}/messages"),
        format!("/v1/messages/{message}"),
    ]) {
        *status = app
            .send(Method::GET, &path, token, None)
            .await
            .status()
            .as_u16();
    }
    statuses
}

/// The thread as `reader` reads it.
async fn thread_as(app: &TestApp, thread: &str, reader: &TestUser) -> Value {
    let response = app
        .send(
            Method::GET,
            &format!("/v1/threads/{thread}"),
            Some(&reader.access_token),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn listed(app: &TestApp, thread: &str) -> bool {
    let list: Value = app
        .get("/v1/threads?language=de")
        .await
        .json()
        .await
        .unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == thread)
}

#[tokio::test]
async fn trusted_reporters_hide_a_thread_and_moderators_decide_about_it() {
    let app = spawn_app().await;
    let (ada, thread, message) = a_thread(&app).await;
    let reporters = [
        trusted(&app, "r1@example.com").await,
        trusted(&app, "r2@example.com").await,
        trusted(&app, "r3@example.com").await,
    ];
    for reporter in &reporters[..2] {
        let filed = complain(&app, reporter, &thread).await;
        assert_eq!(filed.status(), StatusCode::CREATED);
        let filed: Value = filed.json().await.unwrap();
        assert_eq!(filed["kind"], "thread");
        assert_eq!(filed["thread_id"], thread.as_str());
        assert!(filed.get("message_id").is_none(), "{filed}");
    }
    assert_problem(
        complain(&app, &reporters[0], &thread).await,
        409,
        "complaint_exists",
    )
    .await;
    assert_eq!(
        reads(&app, &thread, &message, None).await,
        [200; 3],
        "two: still public"
    );
    assert!(listed(&app, &thread).await);

    // the third trusted reporter hides it: gone, with its messages, from everyone else
    assert_eq!(
        complain(&app, &reporters[2], &thread).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(reads(&app, &thread, &message, None).await, [404; 3]);
    assert_eq!(
        reads(&app, &thread, &message, Some(&reporters[0].access_token)).await,
        [404; 3]
    );
    assert!(!listed(&app, &thread).await, "out of the language list");
    // its author sees it, and why
    assert_eq!(
        reads(&app, &thread, &message, Some(&ada.access_token)).await,
        [200; 3]
    );
    let own = thread_as(&app, &thread, &ada).await;
    assert_eq!(own["status"], "hidden");
    assert_eq!(own["moderation"]["action"], "auto_hide");
    // a complaint about a thread one cannot see: 404
    let late = trusted(&app, "r4@example.com").await;
    assert_problem(complain(&app, &late, &thread).await, 404, "not_found").await;

    // a plain user is refused before anything else, whatever the id or the body
    assert_problem(act(&app, &late, &thread, "restore").await, 403, "forbidden").await;
    let nonsense = app
        .send(
            Method::POST,
            "/v1/moderation/threads/not-an-id/actions",
            Some(&late.access_token),
            Some(&json!({ "bogus": true })),
        )
        .await;
    assert_problem(nonsense, 403, "forbidden").await;

    // moderators see it; the queue names it and its title
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    assert_eq!(
        reads(&app, &thread, &message, Some(&moderator.access_token)).await,
        [200; 3]
    );
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    assert_eq!(queue.len(), 1);
    let entry = &queue[0];
    assert_eq!(entry["kind"], "thread");
    assert_eq!(entry["thread_id"], thread.as_str());
    assert_eq!(entry["thread"]["title"], "Feierabend");
    assert_eq!(entry["thread"]["status"], "hidden");
    assert_eq!(entry["open_complaints"], 3);
    assert_eq!(entry["author"]["id"], ada.id.as_str());
    assert_eq!(entry["complaints"][0]["reported_text"], "Feierabend");

    // restore: public and listed again; reporters learn the outcome
    let restored = act(&app, &moderator, &thread, "restore").await;
    assert_eq!(restored.status(), StatusCode::OK);
    let restored: Value = restored.json().await.unwrap();
    assert_eq!(
        (
            restored["kind"].as_str(),
            restored["thread_id"].as_str(),
            restored["status"].as_str(),
            restored["settled_complaints"].as_i64()
        ),
        (
            Some("thread"),
            Some(thread.as_str()),
            Some("visible"),
            Some(3)
        )
    );
    assert_eq!(reads(&app, &thread, &message, None).await, [200; 3]);
    assert!(listed(&app, &thread).await);
    for reporter in &reporters {
        let mine = app
            .list_items("/v1/me/complaints", &reporter.access_token)
            .await;
        assert_eq!(mine[0]["kind"], "thread");
        assert_eq!(mine[0]["outcome"], "restored");
    }
    assert!(
        app.list_items("/v1/moderation/queue", &moderator.access_token)
            .await
            .is_empty()
    );

    // a new round: dismissed leaves it public; hidden by a moderator; remove is final
    assert_eq!(
        complain(&app, &reporters[0], &thread).await.status(),
        StatusCode::CREATED
    );
    let dismissed = act(&app, &moderator, &thread, "dismiss").await;
    assert_eq!(dismissed.status(), StatusCode::OK);
    assert_eq!(reads(&app, &thread, &message, None).await, [200; 3]);
    assert_eq!(
        act(&app, &moderator, &thread, "hide").await.status(),
        StatusCode::OK
    );
    assert_eq!(reads(&app, &thread, &message, None).await, [404; 3]);
    assert!(!listed(&app, &thread).await);
    assert_eq!(
        act(&app, &moderator, &thread, "remove").await.status(),
        StatusCode::OK
    );
    assert_eq!(reads(&app, &thread, &message, None).await, [404; 3]);
    assert_eq!(
        reads(&app, &thread, &message, Some(&ada.access_token)).await,
        [200; 3]
    );
    assert!(!listed(&app, &thread).await);
    assert_problem(
        act(&app, &moderator, &thread, "restore").await,
        409,
        "action_not_applicable",
    )
    .await;

    // the audit log names the kind and the thread, for every decision
    let audit = app
        .list_items(
            &format!("/v1/moderation/audit?account_id={}", ada.id),
            &moderator.access_token,
        )
        .await;
    let decisions: Vec<(&str, &str)> = audit
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("thread."))
        .map(|e| (e["action"].as_str().unwrap(), e["target"].as_str().unwrap()))
        .collect();
    let target = format!("thread:{thread}");
    assert_eq!(
        decisions,
        [
            ("thread.remove", target.as_str()),
            ("thread.hide", target.as_str()),
            ("thread.dismiss", target.as_str()),
            ("thread.restore", target.as_str())
        ]
    );

    // a moderator's own thread is not theirs to decide
    app.fund(&moderator, 5).await;
    let own = app.thread(&moderator, "Meine Frage").await;
    assert_problem(
        act(&app, &moderator, own["id"].as_str().unwrap(), "hide").await,
        403,
        "forbidden",
    )
    .await;
}

/// A correction of `message_id`'s text as posted, by `user`.
async fn correct(app: &TestApp, user: &TestUser, message_id: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/v1/messages/{message_id}/corrections"),
        Some(&user.access_token),
        Some(&json!({ "revision": 0, "corrected_text": "Wie sagt man das bitte?" })),
    )
    .await
}

/// The status of `GET path` for `reader` (none: a visitor).
async fn status_of(app: &TestApp, path: &str, reader: Option<&TestUser>) -> u16 {
    app.send(
        Method::GET,
        path,
        reader.map(|r| r.access_token.as_str()),
        None,
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn a_hidden_thread_takes_no_post_and_serves_nothing_hanging_off_its_messages() {
    let app = spawn_app().await;
    let (ada, thread, first) = a_thread(&app).await;
    let bob = app.registered_user("bob@example.com").await;
    app.fund(&bob, 100).await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    app.fund(&moderator, 100).await;
    // before the hide: bob's recording and text, a correction of ada's text, her edit
    let voice = app
        .post_recording(
            &bob,
            &thread,
            "audio/ogg",
            crate::voice::fixture("sentence.ogg"),
        )
        .await;
    assert_eq!(voice.status(), StatusCode::CREATED);
    let voice: Value = voice.json().await.unwrap();
    let voice = voice["id"].as_str().unwrap().to_owned();
    let text = app
        .reply(&bob, &thread, &json!({ "text": "Feierabend!" }))
        .await;
    assert_eq!(text.status(), StatusCode::CREATED);
    let text: Value = text.json().await.unwrap();
    let text = text["id"].as_str().unwrap().to_owned();
    assert_eq!(
        correct(&app, &bob, &first).await.status(),
        StatusCode::CREATED
    );
    let edited = app
        .send(
            Method::PATCH,
            &format!("/v1/messages/{first}"),
            Some(&ada.access_token),
            Some(&json!({ "text": "Wie sagt man das nur?" })),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let hanging_off = [
        format!("/v1/messages/{voice}/voice"),
        format!("/v1/messages/{first}/revisions"),
        format!("/v1/messages/{first}/corrections"),
    ];
    for path in &hanging_off {
        assert_ne!(status_of(&app, path, None).await, 404, "{path}, visible");
    }

    assert_eq!(
        act(&app, &moderator, &thread, "hide").await.status(),
        StatusCode::OK
    );
    let (bob_credits, _) = app.balance(&bob.access_token).await;
    let count_before = thread_as(&app, &thread, &ada).await;

    // Whoever does not see the thread finds none to post in: text, voice, a reply to one
    // of its messages, a correction. A reply's first attempt is decided without reading
    // (the payment's conditions check the rest), so each of these is also a post whose
    // hide landed between its decision and its commit: the commit's condition on the
    // thread's status is what refuses it.
    for body in [
        json!({ "text": "Noch da?" }),
        json!({ "text": "Noch da?", "reply_to": first }),
    ] {
        assert_problem(app.reply(&bob, &thread, &body).await, 404, "not_found").await;
    }
    let recording = app
        .post_recording(
            &bob,
            &thread,
            "audio/ogg",
            crate::voice::fixture("sentence.ogg"),
        )
        .await;
    assert_problem(recording, 404, "not_found").await;
    assert_problem(correct(&app, &bob, &first).await, 404, "not_found").await;
    // its author and moderators see it, and are told why
    for who in [&ada, &moderator] {
        assert_problem(
            app.reply(who, &thread, &json!({ "text": "Hallo?" })).await,
            409,
            "thread_hidden",
        )
        .await;
    }
    assert_problem(correct(&app, &moderator, &text).await, 409, "thread_hidden").await;
    assert_problem(correct(&app, &ada, &text).await, 409, "thread_hidden").await;
    // nor is anything in it edited (an edit would be pushed to its old listeners)
    let edit = async |who: &TestUser, message: &str| {
        let body = json!({ "text": "Jetzt sauber." });
        app.send(
            Method::PATCH,
            &format!("/v1/messages/{message}"),
            Some(&who.access_token),
            Some(&body),
        )
        .await
    };
    assert_problem(edit(&ada, &first).await, 409, "thread_hidden").await;
    assert_problem(edit(&bob, &text).await, 404, "not_found").await;
    // nothing written, nothing paid
    assert_eq!(app.balance(&bob.access_token).await.0, bob_credits);
    let count_after = thread_as(&app, &thread, &ada).await;
    assert_eq!(count_after["message_count"], count_before["message_count"]);

    // The recording, the revisions and the corrections of its messages are gone with
    // it, for the public and for bob (whose recording it is, in a thread he may not
    // see), as the messages themselves are; its author and moderators still reach them.
    for path in &hanging_off {
        assert_eq!(status_of(&app, path, None).await, 404, "{path}, a visitor");
        assert_eq!(status_of(&app, path, Some(&bob)).await, 404, "{path}, bob");
        for who in [&ada, &moderator] {
            assert_ne!(status_of(&app, path, Some(who)).await, 404, "{path}");
        }
    }
    assert_eq!(
        status_of(&app, &format!("/v1/messages/{voice}"), Some(&bob)).await,
        404
    );

    // restored: posts are taken again and everything is served again
    assert_eq!(
        act(&app, &moderator, &thread, "restore").await.status(),
        StatusCode::OK
    );
    let again = app
        .reply(&bob, &thread, &json!({ "text": "Noch da?" }))
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    for path in &hanging_off {
        assert_ne!(status_of(&app, path, None).await, 404, "{path}, restored");
    }
}

#[tokio::test]
async fn replies_racing_a_hide_are_each_either_taken_and_paid_or_refused_and_free() {
    let app = spawn_app().await;
    let (_ada, thread, _) = a_thread(&app).await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let mut writers = Vec::new();
    for n in 0..6 {
        let user = app.registered_user(&format!("w{n}@example.com")).await;
        app.fund(&user, 10).await;
        writers.push(user);
    }
    let replies = writers.iter().map(|user| async {
        app.reply(user, &thread, &json!({ "text": "Bin dabei!" }))
            .await
            .status()
            .as_u16()
    });
    let (answers, hidden) = tokio::join!(
        futures::future::join_all(replies),
        act(&app, &moderator, &thread, "hide")
    );
    assert_eq!(hidden.status(), StatusCode::OK);
    assert!(
        answers.iter().all(|status| [201, 404].contains(status)),
        "{answers:?}"
    );
    let taken = answers.iter().filter(|status| **status == 201).count();
    // what was taken is in the thread and paid once; what was refused cost nothing
    let messages = app
        .list_items(
            &format!("/v1/threads/{thread}/messages?limit=100"),
            &moderator.access_token,
        )
        .await;
    assert_eq!(messages.len(), 1 + taken, "{answers:?}");
    for (user, status) in writers.iter().zip(&answers) {
        let spent = 10 - app.balance(&user.access_token).await.0;
        assert_eq!(spent, i64::from(*status == 201), "{status}");
    }
    // and once the hide is committed, nobody gets in
    for user in &writers {
        assert_problem(
            app.reply(user, &thread, &json!({ "text": "Zu spät?" }))
                .await,
            404,
            "not_found",
        )
        .await;
    }
}

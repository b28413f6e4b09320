//! Moderation from outside: complaints hide a message, moderators decide and every
//! reporter learns the outcome, blocks end sessions and run out on their own, roles
//! take effect at once, and every staff action is in an append-only audit log.

use futures::future::join_all;
use natives_shared::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

impl TestApp {
    /// A user with a verified address and `credits`: a trusted reporter.
    async fn funded(&self, email: &str, credits: i64) -> TestUser {
        let user = self.registered_user(email).await;
        self.verify(&user).await;
        self.fund(&user, credits).await;
        user
    }

    pub(crate) async fn block(&self, moderator: &TestUser, user: &TestUser) {
        let response = self
            .send(
                Method::POST,
                &format!("/v1/moderation/accounts/{}/blocks", user.id),
                Some(&moderator.access_token),
                Some(&json!({ "reason": "Complaints in bad faith." })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }

    /// A thread by `author`; returns its first message's id.
    async fn message_by(&self, author: &TestUser, text: &str) -> String {
        let response = self
            .send(
                Method::POST,
                "/v1/threads",
                Some(&author.access_token),
                Some(&json!({ "language": "en", "title": "A thread", "text": text })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let thread: Value = response.json().await.unwrap();
        thread["first_message"]["id"].as_str().unwrap().to_owned()
    }

    async fn complain(&self, user: &TestUser, message_id: &str, reason: &str) -> reqwest::Response {
        self.send(
            Method::POST,
            &format!("/v1/messages/{message_id}/complaints"),
            Some(&user.access_token),
            Some(&json!({ "reason": reason, "comment": "Please look at this." })),
        )
        .await
    }

    async fn act(
        &self,
        moderator: &TestUser,
        message_id: &str,
        action: &str,
        reason: &str,
    ) -> reqwest::Response {
        self.send(
            Method::POST,
            &format!("/v1/moderation/messages/{message_id}/actions"),
            Some(&moderator.access_token),
            Some(&json!({ "action": action, "reason": reason })),
        )
        .await
    }

    async fn public_status(&self, message_id: &str) -> u16 {
        self.send(
            Method::GET,
            &format!("/v1/messages/{message_id}"),
            None,
            None,
        )
        .await
        .status()
        .as_u16()
    }

    async fn my_complaints(&self, user: &TestUser) -> Vec<Value> {
        self.list_items("/v1/me/complaints", &user.access_token)
            .await
    }

    async fn audit(&self, moderator: &TestUser, query: &str) -> Vec<Value> {
        self.list_items(
            &format!("/v1/moderation/audit{query}"),
            &moderator.access_token,
        )
        .await
    }
}

#[tokio::test]
async fn three_different_reporters_hide_a_message_and_a_moderator_settles_it_for_all() {
    let app = spawn_app().await;
    let author = app.funded("author@example.com", 10).await;
    let message = app.message_by(&author, "Buy my course at a discount").await;
    let reporters = [
        // trusted reporters: they have had credits
        app.funded("r1@example.com", 1).await,
        app.funded("r2@example.com", 1).await,
        app.funded("r3@example.com", 1).await,
    ];

    // two complaints: still public; the same reporter twice: 409
    for reporter in &reporters[..2] {
        assert_eq!(
            app.complain(reporter, &message, "spam").await.status(),
            StatusCode::CREATED
        );
    }
    assert_problem(
        app.complain(&reporters[0], &message, "offensive").await,
        409,
        "complaint_exists",
    )
    .await;
    // the author's own complaint does not count
    assert_eq!(
        app.complain(&author, &message, "other").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(app.public_status(&message).await, 200);

    // the third different reporter hides it from the public...
    assert_eq!(
        app.complain(&reporters[2], &message, "spam").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(app.public_status(&message).await, 404);
    let thread_id = &message[..26];
    let listed: Value = app
        .send(
            Method::GET,
            &format!("/v1/threads/{thread_id}/messages"),
            None,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]), "hidden from lists too");
    // ...not from its author, who sees why
    let own: Value = app
        .send(
            Method::GET,
            &format!("/v1/messages/{message}"),
            Some(&author.access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["status"], "hidden");
    assert_eq!(own["moderation"]["action"], "auto_hide");

    // the queue shows exactly what was reported
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    let entry = &queue[0];
    assert_eq!(entry["message_id"], message.as_str());
    assert_eq!(entry["open_complaints"], 4);
    assert_eq!(entry["complaints"].as_array().unwrap().len(), 4);
    assert_eq!(
        entry["complaints"][0]["reported_text"],
        "Buy my course at a discount"
    );
    assert_eq!(entry["complaints"][0]["revision"], 0);
    assert_eq!(entry["message"]["text"], "Buy my course at a discount");
    assert_eq!(entry["author"]["id"], author.id.as_str());

    // removal: gone from public view for good, the author sees why, reporters the outcome
    let response = app
        .act(
            &moderator,
            &message,
            "remove",
            "Advertising is against the terms.",
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let decided: Value = response.json().await.unwrap();
    assert_eq!(
        (
            decided["status"].as_str(),
            decided["settled_complaints"].as_i64()
        ),
        (Some("removed"), Some(4))
    );
    assert_eq!(app.public_status(&message).await, 404);
    let own: Value = app
        .send(
            Method::GET,
            &format!("/v1/messages/{message}"),
            Some(&author.access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["status"], "removed");
    assert_eq!(
        own["moderation"]["reason"],
        "Advertising is against the terms."
    );
    for reporter in &reporters {
        let complaints = app.my_complaints(reporter).await;
        assert_eq!(complaints.len(), 1);
        assert_eq!(complaints[0]["status"], "settled");
        assert_eq!(complaints[0]["outcome"], "removed");
    }
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    assert!(queue.is_empty());
    // removal is final
    assert_problem(
        app.act(&moderator, &message, "restore", "Changed my mind")
            .await,
        409,
        "action_not_applicable",
    )
    .await;
    // the author's record counts it
    let entries = app
        .audit(&moderator, &format!("?account_id={}", author.id))
        .await;
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["message.remove", "credits.grant"], "newest first");
    assert_eq!(entries[0]["actor_id"], moderator.id.as_str());
}

#[tokio::test]
async fn ten_concurrent_complaints_from_ten_accounts_hide_the_message_exactly_once() {
    let app = spawn_app().await;
    let author = app.funded("author@example.com", 10).await;
    let message = app.message_by(&author, "Something contested").await;
    let mut reporters = Vec::new();
    for i in 0..10 {
        reporters.push(app.funded(&format!("r{i}@example.com"), 1).await);
    }
    let responses = join_all(
        reporters
            .iter()
            .map(|r| app.complain(r, &message, "offensive")),
    )
    .await;
    // The third counted complaint hides it; from then on it is not there for the others.
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 404).count(),
        7,
        "{statuses:?}"
    );
    let stored = app
        .stack
        .app
        .store
        .message(&natives_shared::domain::MessageId::parse(&message).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.open_complaints, 3);
    assert_eq!(stored.counted_complaints, 3);
    assert_eq!(format!("{:?}", stored.status), "Hidden");
    assert_eq!(stored.moderation.as_ref().unwrap().action, "auto_hide");
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["open_complaints"], 3);
    assert_eq!(queue[0]["complaints"].as_array().unwrap().len(), 3);

    // dismissing makes it public again and tells the three
    assert_eq!(
        app.act(&moderator, &message, "dismiss", "Not against the rules.")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(app.public_status(&message).await, 200);
    let mut told = 0;
    for reporter in &reporters {
        if let Some(complaint) = app.my_complaints(reporter).await.first() {
            assert_eq!(complaint["outcome"], "dismissed");
            told += 1;
        }
    }
    assert_eq!(told, 3);

    // a new round: any reporter may complain again
    for reporter in &reporters[..2] {
        assert_eq!(
            app.complain(reporter, &message, "spam").await.status(),
            StatusCode::CREATED
        );
    }
}

#[tokio::test]
async fn complaints_are_rate_limited_per_account() {
    let app =
        crate::helpers::spawn_app_with(Some(Box::new(|s| s.moderation.complaints_per_hour = 2)))
            .await;
    let author = app.funded("author@example.com", 20).await;
    let reporter = app.registered_user("eager@example.com").await;
    let other = app.registered_user("other@example.com").await;
    let mut messages = Vec::new();
    for i in 0..3 {
        messages.push(app.message_by(&author, &format!("Message {i}")).await);
    }
    for message in &messages[..2] {
        assert_eq!(
            app.complain(&reporter, message, "spam").await.status(),
            StatusCode::CREATED
        );
    }
    let response = app.complain(&reporter, &messages[2], "spam").await;
    let retry_after: u32 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    assert_problem(response, 429, "too_many_complaints").await;
    assert_eq!(
        app.complain(&other, &messages[2], "spam").await.status(),
        StatusCode::CREATED,
        "another account is not affected"
    );
    app.clock.advance(Duration::hours(1));
    let tokens = app.logged_in(&reporter.email, &reporter.password).await;
    let reporter = TestUser {
        access_token: tokens["access_token"].as_str().unwrap().to_owned(),
        ..reporter
    };
    assert_eq!(
        app.complain(&reporter, &messages[2], "spam").await.status(),
        StatusCode::CREATED,
        "the next hour"
    );
}

#[tokio::test]
async fn a_block_ends_every_session_at_once_and_a_temporary_one_ends_by_itself() {
    let app = spawn_app().await;
    let member = app.funded("member@example.com", 10).await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let admin = app.staff("admin@example.com", &[Role::Admin]).await;
    let message = app.message_by(&member, "My published message").await;
    let until = natives_shared::clock::rfc3339::format(app.stack.app.now() + Duration::days(1));

    let response = app
        .send(
            Method::POST,
            &format!("/v1/moderation/accounts/{}/blocks", member.id),
            Some(&moderator.access_token),
            Some(&json!({ "reason": "Insults in three threads.", "until": until })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    // the existing token stops at once: no reading the account, posting, complaining, buying
    assert_problem(app.get_me(&member.access_token).await, 401, "unauthorized").await;
    let post = app
        .send(
            Method::POST,
            &format!("/v1/threads/{}/messages", &message[..26]),
            Some(&member.access_token),
            Some(&json!({ "text": "Hi" })),
        )
        .await;
    assert_problem(post, 401, "unauthorized").await;
    let checkout = app
        .send(
            Method::POST,
            "/v1/checkout",
            Some(&member.access_token),
            Some(&json!({ "tariff_id": "starter" })),
        )
        .await;
    assert_problem(checkout, 401, "unauthorized").await;
    // no login, with when it ends
    let login = app.login(&member.email, &member.password).await;
    let problem = assert_problem(login, 403, "account_blocked").await;
    assert_eq!(problem["blocked_until"], until.as_str());
    // its published messages stay
    assert_eq!(app.public_status(&message).await, 200);

    // the block runs out by itself
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    let tokens = app.logged_in(&member.email, &member.password).await;
    assert_eq!(
        app.get_me(tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );

    // not an admin, not oneself (the moderator's token expired with the day: a new one)
    let tokens = app.logged_in(&moderator.email, &moderator.password).await;
    let moderator = TestUser {
        access_token: tokens["access_token"].as_str().unwrap().to_owned(),
        ..moderator
    };
    for target in [&admin.id, &moderator.id] {
        let response = app
            .send(
                Method::POST,
                &format!("/v1/moderation/accounts/{target}/blocks"),
                Some(&moderator.access_token),
                Some(&json!({ "reason": "No." })),
            )
            .await;
        assert_problem(response, 403, "forbidden").await;
    }

    // a permanent block, lifted
    let response = app
        .send(
            Method::POST,
            &format!("/v1/moderation/accounts/{}/blocks", member.id),
            Some(&moderator.access_token),
            Some(&json!({ "reason": "Again." })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let problem = assert_problem(
        app.login(&member.email, &member.password).await,
        403,
        "account_blocked",
    )
    .await;
    assert!(problem["blocked_until"].is_null() || problem.get("blocked_until").is_none());
    let response = app
        .send(
            Method::DELETE,
            &format!("/v1/moderation/accounts/{}/blocks", member.id),
            Some(&moderator.access_token),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.login(&member.email, &member.password).await.status(),
        StatusCode::OK
    );

    let actions: Vec<String> = app
        .audit(&moderator, &format!("?account_id={}", member.id))
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        [
            "account.unblock",
            "account.block",
            "account.block",
            "credits.grant"
        ],
        "newest first"
    );
}

#[tokio::test]
async fn roles_change_on_the_next_request_and_an_admin_keeps_their_own_admin_role() {
    let app = spawn_app().await;
    let admin = app.staff("admin@example.com", &[Role::Admin]).await;
    let user = app.registered_user("ada@example.com").await;
    let path = format!("/v1/admin/accounts/{}/roles", user.id);

    // the user's token, issued before, opens the queue as soon as the role is given
    assert_problem(
        app.send(
            Method::GET,
            "/v1/moderation/queue",
            Some(&user.access_token),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let response = app
        .send(
            Method::PUT,
            &path,
            Some(&admin.access_token),
            Some(&json!({ "roles": ["moderator", "mentor"] })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["roles"], json!(["user", "moderator", "mentor"]));
    assert_eq!(
        app.send(
            Method::GET,
            "/v1/moderation/queue",
            Some(&user.access_token),
            None
        )
        .await
        .status(),
        StatusCode::OK
    );
    // a moderator cannot grant roles
    let response = app
        .send(
            Method::PUT,
            &format!("/v1/admin/accounts/{}/roles", admin.id),
            Some(&user.access_token),
            Some(&json!({ "roles": [] })),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
    // an admin cannot drop their own admin role
    let own = format!("/v1/admin/accounts/{}/roles", admin.id);
    assert_problem(
        app.send(
            Method::PUT,
            &own,
            Some(&admin.access_token),
            Some(&json!({ "roles": ["moderator"] })),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.send(
            Method::PUT,
            &own,
            Some(&admin.access_token),
            Some(&json!({ "roles": ["admin", "moderator"] }))
        )
        .await
        .status(),
        StatusCode::OK
    );
    // taken away, it is gone on the next request too
    app.send(
        Method::PUT,
        &path,
        Some(&admin.access_token),
        Some(&json!({ "roles": ["mentor"] })),
    )
    .await;
    assert_problem(
        app.send(
            Method::GET,
            "/v1/moderation/queue",
            Some(&user.access_token),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    // mentors show as a badge on their messages
    let admin_grant = app.staff("granter@example.com", &[Role::Admin]).await;
    app.send(
        Method::POST,
        &format!("/v1/admin/accounts/{}/credit-grants", user.id),
        Some(&admin_grant.access_token),
        Some(&json!({ "credits": 5, "reason": "test" })),
    )
    .await;
    let message = app.message_by(&user, "Ask me about grammar").await;
    let read: Value = app
        .send(Method::GET, &format!("/v1/messages/{message}"), None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["author"]["roles"], json!(["mentor"]));
}

#[tokio::test]
async fn every_staff_action_is_audited_once_and_the_log_only_grows() {
    let app = spawn_app().await;
    let author = app.funded("author@example.com", 10).await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let admin = app
        .staff("admin@example.com", &[Role::Admin, Role::Moderator])
        .await;
    let message = app.message_by(&author, "Borderline").await;
    let snapshot = |entries: &[Value]| entries.iter().map(|e| e.to_string()).collect::<Vec<_>>();

    assert_eq!(
        app.act(&moderator, &message, "hide", "Checking it.")
            .await
            .status(),
        StatusCode::OK
    );
    let first = app.audit(&admin, "").await;
    assert_eq!(
        app.act(&moderator, &message, "restore", "It is fine.")
            .await
            .status(),
        StatusCode::OK
    );
    app.send(
        Method::PUT,
        &format!("/v1/admin/accounts/{}/roles", author.id),
        Some(&admin.access_token),
        Some(&json!({ "roles": ["consultant"] })),
    )
    .await;
    let after = app.audit(&admin, "").await;
    // credit grants from the helper are staff actions too
    let actions: Vec<&str> = after
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..3],
        ["account.roles", "message.restore", "message.hide"]
    );
    assert_eq!(actions.iter().filter(|a| **a == "credits.grant").count(), 1);
    // the earlier entries are still there, unchanged
    let earlier = snapshot(&first);
    assert_eq!(&snapshot(&after)[2..], earlier.as_slice());
    for entry in &after {
        for field in ["id", "actor_id", "action", "target", "reason", "created_at"] {
            assert!(entry[field].is_string(), "{field} in {entry}");
        }
    }
    // and only moderators read it
    assert_problem(
        app.send(
            Method::GET,
            "/v1/moderation/audit",
            Some(&author.access_token),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_review_queue_answers_every_time_when_queued_messages_share_an_author() {
    let app = spawn_app().await;
    let author = app.funded("author@example.com", 20).await;
    let first = app.message_by(&author, "First contested message").await;
    let second = app.message_by(&author, "Second contested message").await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    app.fund(&moderator, 10).await;
    let own = app
        .message_by(&moderator, "A moderator's own message")
        .await;
    let reporter = app.registered_user("reporter@example.com").await;
    for message in [&first, &second, &own] {
        assert_eq!(
            app.complain(&reporter, message, "spam").await.status(),
            StatusCode::CREATED
        );
    }
    // The page's messages share an author, and the moderator reading it wrote one of
    // them: one batch read names each account once.
    for call in 0..50 {
        let queue = app
            .send(
                Method::GET,
                "/v1/moderation/queue",
                Some(&moderator.access_token),
                None,
            )
            .await;
        assert_eq!(queue.status(), StatusCode::OK, "call {call}");
        let body: Value = queue.json().await.unwrap();
        assert_eq!(body["items"].as_array().unwrap().len(), 3, "call {call}");
    }
}

/// Hidden content is not leaned on: a hidden or removed message takes no reply, and a
/// thread's `message_count` counts only its visible messages (hidden by complaints or
/// by a moderator, removed, restored).
#[tokio::test]
async fn a_hidden_message_takes_no_reply_and_is_not_counted_in_its_thread() {
    let app = spawn_app().await;
    let author = app.funded("author@example.com", 20).await;
    let replier = app.funded("replier@example.com", 20).await;
    let moderator = app.staff("moderator@example.com", &[Role::Moderator]).await;
    let first = app.message_by(&author, "Hello, how do I say this?").await;
    let message: Value = app
        .get(&format!("/v1/messages/{first}"))
        .await
        .json()
        .await
        .unwrap();
    let thread_id = message["thread_id"].as_str().unwrap().to_owned();
    let reply = |text: &'static str, to: String| {
        let app = &app;
        let token = replier.access_token.clone();
        let path = format!("/v1/threads/{thread_id}/messages");
        async move {
            app.send(
                Method::POST,
                &path,
                Some(&token),
                Some(&json!({ "text": text, "reply_to": to })),
            )
            .await
        }
    };
    let second = reply("Like this.", first.clone()).await;
    assert_eq!(second.status(), StatusCode::CREATED);
    let second: Value = second.json().await.unwrap();
    let second = second["id"].as_str().unwrap().to_owned();
    let count = || {
        let app = &app;
        let path = format!("/v1/threads/{thread_id}");
        async move {
            let thread: Value = app.get(&path).await.json().await.unwrap();
            thread["message_count"].as_u64().unwrap()
        }
    };
    assert_eq!(count().await, 2);

    // hidden by a moderator: not counted, and no reply to it
    assert!(
        app.act(&moderator, &second, "hide", "Check.")
            .await
            .status()
            .is_success()
    );
    assert_eq!(count().await, 1);
    assert_problem(
        reply("A reply to hidden text.", second.clone()).await,
        422,
        "reply_target_not_found",
    )
    .await;
    // restored: counted again, and replies are taken again
    assert!(
        app.act(&moderator, &second, "restore", "Fine.")
            .await
            .status()
            .is_success()
    );
    assert_eq!(count().await, 2);
    assert_eq!(
        reply("Thanks!", second.clone()).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(count().await, 3);
    // hidden by complaints from three people, then removed: counted once as gone
    for n in 0..3 {
        let reporter = app.funded(&format!("r{n}@example.com"), 1).await;
        assert_eq!(
            app.complain(&reporter, &second, "spam").await.status(),
            StatusCode::CREATED
        );
    }
    assert_eq!(app.public_status(&second).await, 404);
    assert_eq!(count().await, 2);
    assert!(
        app.act(&moderator, &second, "remove", "Spam.")
            .await
            .status()
            .is_success()
    );
    assert_eq!(count().await, 2);
    assert_problem(
        reply("Still there?", second.clone()).await,
        422,
        "reply_target_not_found",
    )
    .await;
}

/// One person with free accounts cannot hide anyone's messages: a fresh account that never
/// had credits is not a trusted reporter (its complaint is queued for moderators but does
/// not count towards hiding), and one account files only so many complaints about one
/// author's messages an hour.
#[tokio::test]
async fn fresh_free_accounts_do_not_hide_messages_and_complaints_per_author_are_limited() {
    let app = crate::helpers::spawn_app_with(Some(Box::new(|s| {
        s.moderation.complaints_per_author_per_hour = 2;
    })))
    .await;
    let author = app.funded("author@example.com", 30).await;
    let message = app.message_by(&author, "An ordinary question").await;
    for n in 0..3 {
        let sybil = app.registered_user(&format!("sybil{n}@example.com")).await;
        assert_eq!(
            app.complain(&sybil, &message, "spam").await.status(),
            StatusCode::CREATED
        );
    }
    assert_eq!(app.public_status(&message).await, 200, "still public");
    let moderator = app.staff("moderator@example.com", &[Role::Moderator]).await;
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    assert_eq!(queue.len(), 1, "moderators see the complaints");

    // a day later, per author: two complaints an hour about one author's messages
    app.clock.advance(Duration::hours(25));
    let author = TestUser {
        access_token: app.logged_in(&author.email, &author.password).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned(),
        ..author
    };
    let mut messages = Vec::new();
    for i in 0..3 {
        messages.push(app.message_by(&author, &format!("Message {i}")).await);
    }
    let reporter = app.registered_user("reporter@example.com").await;
    for message in &messages[..2] {
        assert_eq!(
            app.complain(&reporter, message, "spam").await.status(),
            StatusCode::CREATED
        );
    }
    assert_problem(
        app.complain(&reporter, &messages[2], "spam").await,
        429,
        "too_many_complaints",
    )
    .await;
}

/// A complaint counts towards hiding only from a verified address, and blocking a
/// reporter dismisses their open complaints: they stop counting (a message they helped
/// hide is public again below the threshold) and leave the review queue.
#[tokio::test]
async fn unverified_reporters_hide_nothing_and_a_blocked_reporters_complaints_are_dismissed() {
    let app = spawn_app().await;
    let author = app.funded("author@example.com", 10).await;
    let moderator = app.staff("moderator@example.com", &[Role::Moderator]).await;
    let message = app.message_by(&author, "An ordinary question").await;
    // paying but unverified: queued, never counted
    for n in 0..3 {
        let unverified = app
            .registered_user(&format!("unverified{n}@example.com"))
            .await;
        app.fund(&unverified, 1).await;
        assert_eq!(
            app.complain(&unverified, &message, "spam").await.status(),
            StatusCode::CREATED
        );
    }
    assert_eq!(app.public_status(&message).await, 200, "still public");

    let other = app.message_by(&author, "Another ordinary question").await;
    let reporters = [
        app.funded("r1@example.com", 1).await,
        app.funded("r2@example.com", 1).await,
        app.funded("r3@example.com", 1).await,
    ];
    for reporter in &reporters {
        assert_eq!(
            app.complain(reporter, &other, "spam").await.status(),
            StatusCode::CREATED
        );
    }
    assert_eq!(
        app.public_status(&other).await,
        404,
        "three trusted hide it"
    );

    app.block(&moderator, &reporters[0]).await;
    assert_eq!(
        app.public_status(&other).await,
        200,
        "two counted complaints are below the threshold"
    );
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    let entry = queue
        .iter()
        .find(|e| e["message_id"] == other.as_str())
        .unwrap();
    assert_eq!(entry["open_complaints"], 2);
    let reporters_left: Vec<&Value> = entry["complaints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["reporter_id"])
        .collect();
    assert_eq!(reporters_left.len(), 2);
    assert!(!reporters_left.contains(&&json!(reporters[0].id)));
    // blocking again changes nothing more
    app.block(&moderator, &reporters[0]).await;
    // the other two blocked: the message leaves the queue
    app.block(&moderator, &reporters[1]).await;
    app.block(&moderator, &reporters[2]).await;
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    assert!(
        queue.iter().all(|e| e["message_id"] != other.as_str()),
        "no open complaint left"
    );
    assert_eq!(app.public_status(&other).await, 200);
    // a new trusted reporter's complaint counts from zero
    let fresh = app.funded("r4@example.com", 1).await;
    assert_eq!(
        app.complain(&fresh, &other, "spam").await.status(),
        StatusCode::CREATED
    );
    let queue = app
        .list_items("/v1/moderation/queue", &moderator.access_token)
        .await;
    let entry = queue
        .iter()
        .find(|e| e["message_id"] == other.as_str())
        .unwrap();
    assert_eq!(entry["open_complaints"], 1);
    assert_eq!(app.public_status(&other).await, 200);
}

/// A message under review keeps the text the moderator reads: its author cannot clean
/// it up for a restore and put the offence back afterwards (409 until decided, and a
/// removed message is never edited).
#[tokio::test]
async fn a_message_under_review_or_removed_is_not_edited() {
    let app = spawn_app().await;
    let author = app.funded("author@example.com", 20).await;
    let moderator = app.staff("moderator@example.com", &[Role::Moderator]).await;
    let message = app.message_by(&author, "Call me, you know where").await;
    let edit = |text: &'static str| {
        let app = &app;
        let token = author.access_token.clone();
        let path = format!("/v1/messages/{message}");
        async move {
            app.send(
                Method::PATCH,
                &path,
                Some(&token),
                Some(&json!({ "text": text })),
            )
            .await
        }
    };
    assert!(
        app.act(&moderator, &message, "hide", "Check.")
            .await
            .status()
            .is_success()
    );
    assert_problem(
        edit("Nothing to see here").await,
        409,
        "message_under_review",
    )
    .await;
    let seen: Value = app
        .send(
            Method::GET,
            &format!("/v1/messages/{message}"),
            Some(&author.access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        seen["text"], "Call me, you know where",
        "the text the moderator reads"
    );
    assert_eq!(seen["revision"], 0);
    // decided: restored, the author edits again (content rules apply as always)
    assert!(
        app.act(&moderator, &message, "restore", "Fine.")
            .await
            .status()
            .is_success()
    );
    assert_eq!(edit("Call me later").await.status(), StatusCode::OK);
    // removed: never edited
    assert!(
        app.act(&moderator, &message, "remove", "Spam.")
            .await
            .status()
            .is_success()
    );
    assert_problem(edit("Back again").await, 409, "message_removed").await;
}

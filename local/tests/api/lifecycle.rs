//! The account's lifecycle: a forgotten password reset with an e-mailed code, a
//! password changed, the address verified and moved. Codes are read from the outbox as
//! a developer reads them (`natives-local outbox list --json`).

use futures::future::join_all;
use natives_local::outbox::{OutboxRow, rows};
use reqwest::Method;
use serde_json::{Value, json};

use crate::budget::requests;
use crate::helpers::{TestApp, TestUser, assert_problem, code_in, registration, spawn_app};

/// Every e-mail queued to `to`, oldest first.
async fn emails_to(app: &TestApp, to: &str) -> Vec<OutboxRow> {
    rows(&app.stack.app.store)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.to.as_deref() == Some(to))
        .collect()
}

async fn request_reset(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json("/v1/password-resets", &json!({ "email": email }))
        .await
}

async fn confirm_reset(
    app: &TestApp,
    email: &str,
    code: &str,
    password: &str,
) -> reqwest::Response {
    app.post_json(
        "/v1/password-resets/confirm",
        &json!({ "email": email, "code": code, "new_password": password }),
    )
    .await
}

fn other_code(code: &str) -> String {
    let last = code.as_bytes()[5] - b'0';
    format!("{}{}", &code[..5], (last + 1) % 10)
}

#[tokio::test]
async fn a_reset_code_sets_a_new_password_once_and_ends_every_session() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let second = app.logged_in(&ada.email, &ada.password).await;

    let response = request_reset(&app, "ADA@example.com ").await;
    assert_eq!(response.status(), 202);
    let code = app.code_sent(&ada.email, "password reset").await;

    let new_password = "a brand new horse staple";
    assert_eq!(
        confirm_reset(&app, &ada.email, &code, new_password)
            .await
            .status(),
        204
    );
    for token in [&ada.access_token, second["access_token"].as_str().unwrap()] {
        assert_problem(app.get_me(token).await, 401, "unauthorized").await;
    }
    for token in [
        &ada.refresh_token,
        second["refresh_token"].as_str().unwrap(),
    ] {
        assert_problem(app.refresh(token).await, 401, "invalid_refresh_token").await;
    }
    assert_problem(
        app.login(&ada.email, &ada.password).await,
        401,
        "invalid_credentials",
    )
    .await;
    app.logged_in(&ada.email, new_password).await;
    assert_problem(
        confirm_reset(&app, &ada.email, &code, "yet another password").await,
        400,
        "invalid_code",
    )
    .await;
    let told = emails_to(&app, &ada.email).await;
    assert!(
        told.iter()
            .any(|e| e.subject.contains("password was reset")),
        "the account is told"
    );
    let export: Value = app
        .send(
            Method::GET,
            "/v1/me/export",
            Some(
                app.logged_in(&ada.email, new_password).await["access_token"]
                    .as_str()
                    .unwrap(),
            ),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let codes = export["sections"]["email_codes"].as_array().unwrap();
    let reset = codes
        .iter()
        .find(|c| c["purpose"] == "password_reset")
        .expect("the reset code is in the export");
    assert_eq!(reset["live"], false, "used");
    assert!(
        !export.to_string().contains(&"code_hash".to_string()),
        "no code hash leaves"
    );
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_after_the_same_requests() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;

    let known = request_reset(&app, &ada.email).await;
    let unknown = request_reset(&app, "nobody@example.com").await;
    let (known_requests, unknown_requests) = (requests(&known), requests(&unknown));
    assert_eq!(
        (known.status().as_u16(), unknown.status().as_u16()),
        (202, 202)
    );
    let known: Value = known.json().await.unwrap();
    let unknown: Value = unknown.json().await.unwrap();
    assert_eq!(known, unknown);
    assert_eq!(known_requests, unknown_requests);
    assert_eq!(known_requests, 3);
    assert!(emails_to(&app, "nobody@example.com").await.is_empty());

    // A blocked account is as unknown: the same answer, no e-mail.
    let bob = app.registered_user("bob@example.com").await;
    assert_eq!(
        app.post_with_token("/v1/me/block", &bob.access_token)
            .await
            .status(),
        204
    );
    let blocked = request_reset(&app, &bob.email).await;
    assert_eq!(requests(&blocked), 3);
    assert_eq!(blocked.json::<Value>().await.unwrap(), known);
    assert!(
        !emails_to(&app, &bob.email)
            .await
            .iter()
            .any(|e| e.subject.contains("password reset")),
        "a blocked account gets no reset code"
    );
}

#[tokio::test]
async fn five_wrong_codes_end_the_code_and_three_codes_a_day_are_sent() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    request_reset(&app, &ada.email).await;
    let code = app.code_sent(&ada.email, "password reset").await;
    for _ in 0..5 {
        assert_problem(
            confirm_reset(
                &app,
                &ada.email,
                &other_code(&code),
                "a brand new horse staple",
            )
            .await,
            400,
            "invalid_code",
        )
        .await;
    }
    assert_problem(
        confirm_reset(&app, &ada.email, &code, "a brand new horse staple").await,
        400,
        "invalid_code",
    )
    .await;
    app.logged_in(&ada.email, &ada.password).await;

    for _ in 0..3 {
        assert_eq!(request_reset(&app, &ada.email).await.status(), 202);
    }
    let resets = emails_to(&app, &ada.email)
        .await
        .into_iter()
        .filter(|e| e.subject.contains("password reset"))
        .count();
    assert_eq!(resets, 3, "the fourth of the day sends nothing");
    // The newest code works.
    let code = app.code_sent(&ada.email, "password reset").await;
    assert_eq!(
        confirm_reset(&app, &ada.email, &code, "a brand new horse staple")
            .await
            .status(),
        204
    );
}

/// A password change with a wrong current password: refused, and counted.
async fn wrong_password_change(app: &TestApp, token: &str) {
    assert_problem(
        change_password(app, token, "not the password", "a brand new horse staple").await,
        403,
        "wrong_password",
    )
    .await;
}

async fn change_password(
    app: &TestApp,
    token: &str,
    current: &str,
    new: &str,
) -> reqwest::Response {
    app.send(
        Method::POST,
        "/v1/me/password",
        Some(token),
        Some(&json!({ "current_password": current, "new_password": new })),
    )
    .await
}

#[tokio::test]
async fn a_password_change_keeps_only_the_callers_session() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let other = app.logged_in(&ada.email, &ada.password).await;

    wrong_password_change(&app, &ada.access_token).await;
    assert_problem(
        change_password(&app, &ada.access_token, &ada.password, "short").await,
        422,
        "validation_failed",
    )
    .await;
    let changed = change_password(
        &app,
        &ada.access_token,
        &ada.password,
        "a brand new horse staple",
    )
    .await;
    assert_eq!(requests(&changed), 3);
    assert_eq!(changed.status(), 204);

    assert_eq!(
        app.get_me(&ada.access_token).await.status(),
        200,
        "this session stays"
    );
    assert_eq!(app.refresh(&ada.refresh_token).await.status(), 200);
    assert_problem(
        app.get_me(other["access_token"].as_str().unwrap()).await,
        401,
        "unauthorized",
    )
    .await;
    assert_problem(
        app.refresh(other["refresh_token"].as_str().unwrap()).await,
        401,
        "invalid_refresh_token",
    )
    .await;
    assert_problem(
        app.login(&ada.email, &ada.password).await,
        401,
        "invalid_credentials",
    )
    .await;
    app.logged_in(&ada.email, "a brand new horse staple").await;
}

#[tokio::test]
async fn wrong_current_passwords_count_against_the_login_throttle() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    for _ in 0..10 {
        wrong_password_change(&app, &ada.access_token).await;
    }
    assert_problem(
        change_password(
            &app,
            &ada.access_token,
            &ada.password,
            "a brand new horse staple",
        )
        .await,
        429,
        "too_many_attempts",
    )
    .await;
    assert_problem(
        app.login(&ada.email, &ada.password).await,
        429,
        "too_many_attempts",
    )
    .await;
}

#[tokio::test]
async fn registration_sends_a_code_that_verifies_the_address() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let me: Value = app.get_me(&ada.access_token).await.json().await.unwrap();
    assert_eq!(me["email_verified"], false);
    let code = app.code_sent(&ada.email, "Verify").await;

    let confirm = |code: String| {
        let app = &app;
        let token = ada.access_token.clone();
        async move {
            app.send(
                Method::POST,
                "/v1/me/email-verification/confirm",
                Some(&token),
                Some(&json!({ "code": code })),
            )
            .await
        }
    };
    assert_problem(confirm(other_code(&code)).await, 400, "invalid_code").await;
    let confirmed = confirm(code.clone()).await;
    assert_eq!(requests(&confirmed), 2);
    assert_eq!(confirmed.status(), 200);
    let me: Value = app.get_me(&ada.access_token).await.json().await.unwrap();
    assert_eq!(me["email_verified"], true);
    assert_problem(confirm(code).await, 400, "invalid_code").await;
    assert_problem(
        app.post_with_token("/v1/me/email-verification", &ada.access_token)
            .await,
        409,
        "already_verified",
    )
    .await;
}

#[tokio::test]
async fn a_new_verification_code_can_be_asked_for_a_few_times_a_day() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    // Registration sent the first of the day's five.
    for _ in 0..4 {
        let sent = app
            .post_with_token("/v1/me/email-verification", &ada.access_token)
            .await;
        assert_eq!(requests(&sent), 2);
        assert_eq!(sent.status(), 202);
    }
    let refused = app
        .post_with_token("/v1/me/email-verification", &ada.access_token)
        .await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_problem(refused, 429, "too_many_codes").await;
    let code = app.code_sent(&ada.email, "Verify").await;
    let confirmed = app
        .send(
            Method::POST,
            "/v1/me/email-verification/confirm",
            Some(&ada.access_token),
            Some(&json!({ "code": code })),
        )
        .await;
    assert_eq!(confirmed.status(), 200, "the newest code counts");
}

async fn request_change(
    app: &TestApp,
    user: &TestUser,
    new_email: &str,
    password: &str,
) -> reqwest::Response {
    app.send(
        Method::POST,
        "/v1/me/email-change",
        Some(&user.access_token),
        Some(&json!({ "new_email": new_email, "password": password })),
    )
    .await
}

async fn confirm_change(app: &TestApp, user: &TestUser, code: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        "/v1/me/email-change/confirm",
        Some(&user.access_token),
        Some(&json!({ "code": code })),
    )
    .await
}

#[tokio::test]
async fn an_address_change_moves_the_account_and_its_claim_and_tells_the_old_address() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    assert_problem(
        request_change(&app, &ada, "ada@new.example", "not the password").await,
        403,
        "wrong_password",
    )
    .await;
    assert_problem(
        request_change(&app, &ada, &ada.email, &ada.password).await,
        422,
        "validation_failed",
    )
    .await;
    let requested = request_change(&app, &ada, "ADA@new.example", &ada.password).await;
    assert_eq!(requests(&requested), 3);
    assert_eq!(requested.status(), 202);
    let code = app.code_sent("ada@new.example", "new e-mail address").await;
    let me: Value = app.get_me(&ada.access_token).await.json().await.unwrap();
    assert_eq!(
        me["email"], "ada@example.com",
        "nothing changes before the code"
    );

    let confirmed = confirm_change(&app, &ada, &code).await;
    assert_eq!(requests(&confirmed), 2);
    assert_eq!(confirmed.status(), 200);
    let account: Value = confirmed.json().await.unwrap();
    assert_eq!(account["email"], "ada@new.example");
    assert_eq!(account["email_verified"], true);
    assert_eq!(
        app.get_me(&ada.access_token).await.status(),
        200,
        "sessions stay"
    );

    app.logged_in("ada@new.example", &ada.password).await;
    assert_problem(
        app.login("ada@example.com", &ada.password).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert!(
        emails_to(&app, "ada@example.com")
            .await
            .iter()
            .any(
                |e| e.subject.contains("address was changed") && e.text.contains("ada@new.example")
            ),
        "the old address is told"
    );
    assert_eq!(
        app.register(&registration("ada@example.com"))
            .await
            .status(),
        201,
        "the old claim is free"
    );
    assert_problem(
        app.register(&registration("ada@new.example")).await,
        409,
        "email_taken",
    )
    .await;
    assert_problem(confirm_change(&app, &ada, &code).await, 400, "invalid_code").await;
    let export = app.export(&ada).await;
    let history = export["sections"]["email_history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["from"], "ada@example.com");
    assert_eq!(history[0]["to"], "ada@new.example");
}

#[tokio::test]
async fn of_two_accounts_confirming_one_new_address_at_once_exactly_one_gets_it() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let bob = app.registered_user("bob@example.com").await;
    let wanted = "both@example.com";
    for user in [&ada, &bob] {
        assert_eq!(
            request_change(&app, user, wanted, &user.password)
                .await
                .status(),
            202
        );
    }
    let codes: Vec<String> = {
        let emails = emails_to(&app, wanted).await;
        assert_eq!(emails.len(), 2);
        emails.iter().map(|e| code_in(&e.text)).collect()
    };
    // Ada asked first: the older e-mail is hers.
    let answers = join_all([
        confirm_change(&app, &ada, &codes[0]),
        confirm_change(&app, &bob, &codes[1]),
    ])
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let mut owners = 0;
    for user in [&ada, &bob] {
        let me: Value = app.get_me(&user.access_token).await.json().await.unwrap();
        owners += usize::from(me["email"] == wanted);
    }
    assert_eq!(owners, 1);
    for answer in answers {
        if answer.status() == 409 {
            assert_problem(answer, 409, "email_taken").await;
        }
    }
}

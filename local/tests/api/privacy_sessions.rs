//! Privacy sessions from outside: a blocked account logs in with `"scope": "privacy"` and
//! reaches its privacy rights (its account, export, consents, privacy requests, erasure)
//! and nothing else; the scope survives every refresh, is not widened by an unblock, and
//! ends with its session.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use natives_shared::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

impl TestApp {
    async fn privacy_login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/v1/sessions",
            &json!({ "email": email, "password": password, "scope": "privacy" }),
        )
        .await
    }

    /// The status of each privacy route called with `token`.
    async fn privacy_routes(&self, token: &str) -> Vec<(&'static str, u16)> {
        let calls: [(&str, Method, &str, Option<Value>); 5] = [
            ("account", Method::GET, "/v1/me", None),
            ("export", Method::GET, "/v1/me/export", None),
            (
                "consents",
                Method::PUT,
                "/v1/me/consents",
                Some(json!({ "marketing_emails": false, "notification_emails": false })),
            ),
            (
                "new privacy request",
                Method::POST,
                "/v1/me/privacy-requests",
                Some(json!({ "kind": "access", "details": "Everything, please." })),
            ),
            (
                "privacy requests",
                Method::GET,
                "/v1/me/privacy-requests",
                None,
            ),
        ];
        let mut statuses = Vec::new();
        for (name, method, path, body) in calls {
            let response = self.send(method, path, Some(token), body.as_ref()).await;
            statuses.push((name, response.status().as_u16()));
        }
        statuses
    }

    /// Routes outside the privacy rights, a paid one and a staff one among them: each
    /// must answer `token` with 403 `account_blocked`.
    async fn assert_only_privacy(&self, token: &str) {
        let calls: [(Method, &str, Option<Value>); 6] = [
            (
                Method::PATCH,
                "/v1/me",
                Some(json!({ "display_name": "Eve" })),
            ),
            (
                Method::POST,
                "/v1/checkout",
                Some(json!({ "tariff_id": "starter" })),
            ),
            (
                Method::POST,
                "/v1/threads",
                Some(json!({ "language": "de", "title": "Hallo", "text": "Wie geht's?" })),
            ),
            (Method::GET, "/v1/me/notifications", None),
            (Method::GET, "/v1/me/balance", None),
            (Method::GET, "/v1/moderation/queue", None),
        ];
        for (method, path, body) in calls {
            let response = self
                .send(method.clone(), path, Some(token), body.as_ref())
                .await;
            let problem = assert_problem(response, 403, "account_blocked").await;
            assert!(
                problem["detail"].as_str().unwrap().contains("privacy"),
                "{method} {path}: {problem}"
            );
        }
    }
}

/// The `scope` claim of an access token (absent: a full session).
fn scope_claim(access_token: &str) -> Value {
    let payload = access_token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["scope"].clone()
}

fn token(tokens: &Value, name: &str) -> String {
    tokens[name].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_blocked_account_reaches_its_privacy_rights_and_nothing_else() {
    let app = spawn_app().await;
    let member = app.registered_user("blocked@example.com").await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    app.block(&moderator, &member).await;

    // an ordinary login stays refused; a wrong password is a wrong password
    assert_problem(
        app.login(&member.email, &member.password).await,
        403,
        "account_blocked",
    )
    .await;
    assert_problem(
        app.privacy_login(&member.email, "wrong horse battery")
            .await,
        401,
        "invalid_credentials",
    )
    .await;
    let response = app
        .post_json(
            "/v1/sessions",
            &json!({ "email": member.email, "password": member.password, "scope": "admin" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // the privacy login opens the privacy rights
    let response = app.privacy_login(&member.email, &member.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens: Value = response.json().await.unwrap();
    let access = token(&tokens, "access_token");
    assert_eq!(scope_claim(&access), "privacy");
    for (route, status) in app.privacy_routes(&access).await {
        assert!((200..300).contains(&status), "{route}: {status}");
    }
    let me: Value = app.get_me(&access).await.json().await.unwrap();
    assert_eq!(me["status"], "blocked");
    let export: Value = app
        .send(Method::GET, "/v1/me/export", Some(&access), None)
        .await
        .json()
        .await
        .unwrap();
    let scopes: Vec<&str> = export["sections"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|session| session["scope"].as_str().unwrap())
        .collect();
    assert!(
        scopes.contains(&"privacy") && scopes.contains(&"full"),
        "{scopes:?}"
    );
    let requests = app.list_items("/v1/me/privacy-requests", &access).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["kind"], "access");
    app.assert_only_privacy(&access).await;

    // every refresh keeps the scope: each new token is as narrow as the first
    let mut refreshed = tokens;
    for _ in 0..2 {
        let response = app.refresh(&token(&refreshed, "refresh_token")).await;
        assert_eq!(response.status(), StatusCode::OK);
        refreshed = response.json().await.unwrap();
    }
    let access = token(&refreshed, "access_token");
    assert_eq!(scope_claim(&access), "privacy");
    assert_eq!(app.get_me(&access).await.status(), StatusCode::OK);
    app.assert_only_privacy(&access).await;

    // an unblock widens no session: the privacy token still reaches only the privacy
    // rights, and an ordinary login is what opens the rest
    let response = app
        .send(
            Method::DELETE,
            &format!("/v1/moderation/accounts/{}/blocks", member.id),
            Some(&moderator.access_token),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get_me(&access).await.status(), StatusCode::OK);
    assert_problem(
        app.patch_me(&access, &json!({ "display_name": "Eve" }))
            .await,
        403,
        "account_blocked",
    )
    .await;
    let full = app.logged_in(&member.email, &member.password).await;
    assert!(scope_claim(&token(&full, "access_token")).is_null());
    assert_eq!(
        app.patch_me(
            &token(&full, "access_token"),
            &json!({ "display_name": "Eve" })
        )
        .await
        .status(),
        StatusCode::OK
    );

    // logout ends the privacy session: its access token and its refresh token
    let response = app
        .post_json(
            "/v1/sessions/logout",
            &json!({ "refresh_token": token(&refreshed, "refresh_token") }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get_me(&access).await, 401, "unauthorized").await;
    assert_problem(
        app.refresh(&token(&refreshed, "refresh_token")).await,
        401,
        "invalid_refresh_token",
    )
    .await;
}

#[tokio::test]
async fn a_blocked_account_erases_itself_through_a_privacy_session() {
    let app = spawn_app().await;
    let member = app.registered_user("leaving@example.com").await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    app.block(&moderator, &member).await;
    let tokens: Value = app
        .privacy_login(&member.email, &member.password)
        .await
        .json()
        .await
        .unwrap();
    let access = token(&tokens, "access_token");
    let response = app
        .send(
            Method::POST,
            "/v1/me/erasure",
            Some(&access),
            Some(&json!({ "password": member.password })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let erased: Value = response.json().await.unwrap();
    assert_eq!(erased["status"], "closed");
    // closed for good: no session of any scope opens it again
    assert_problem(
        app.privacy_login(&member.email, &member.password).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_problem(app.get_me(&access).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn an_active_account_asking_for_the_privacy_scope_gets_a_restricted_session() {
    let app = spawn_app().await;
    let member = app.registered_user("careful@example.com").await;
    let response = app.privacy_login(&member.email, &member.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens: Value = response.json().await.unwrap();
    let access = token(&tokens, "access_token");
    for (route, status) in app.privacy_routes(&access).await {
        assert!((200..300).contains(&status), "{route}: {status}");
    }
    app.assert_only_privacy(&access).await;
    // the account's own full session is untouched
    assert_eq!(
        app.patch_me(&member.access_token, &json!({ "display_name": "Eve" }))
            .await
            .status(),
        StatusCode::OK
    );
}

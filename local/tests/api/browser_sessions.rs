//! Browser sessions: the refresh token travels only in an `HttpOnly` cookie scoped to
//! `/v1/sessions`, and refresh and logout take it from there only with the browser
//! header, so a cross-site form (which cannot send the header) cannot use it.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

const BROWSER: (&str, &str) = ("x-requested-with", "natives-web");

async fn browser_login(app: &TestApp, email: &str) -> Response {
    app.client
        .post(app.url("/v1/sessions"))
        .header(BROWSER.0, BROWSER.1)
        .json(&json!({ "email": email, "password": "correct horse battery" }))
        .send()
        .await
        .unwrap()
}

/// `natives_refresh=<value>` and the attributes of the one `Set-Cookie` of `response`.
fn set_cookie(response: &Response) -> (String, Vec<String>) {
    let headers: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
    assert_eq!(headers.len(), 1, "one Set-Cookie: {headers:?}");
    let mut parts = headers[0].to_str().unwrap().split("; ");
    let pair = parts.next().unwrap();
    let value = pair
        .strip_prefix("natives_refresh=")
        .unwrap_or_else(|| panic!("the refresh cookie: {pair}"));
    let mut attributes: Vec<String> = parts.map(str::to_owned).collect();
    attributes.sort();
    (value.to_owned(), attributes)
}

/// POST `path` with the refresh cookie `token` and no body, with or without the header.
async fn with_cookie(app: &TestApp, path: &str, token: &str, browser_header: bool) -> Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header("cookie", format!("theme=dark; natives_refresh={token}"));
    if browser_header {
        request = request.header(BROWSER.0, BROWSER.1);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_browser_login_puts_the_refresh_token_in_a_strict_http_only_cookie_only() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;

    let response = browser_login(&app, &user.email).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (token, attributes) = set_cookie(&response);
    let max_age = app.stack.app.settings.refresh_token_days * 24 * 60 * 60;
    assert_eq!(
        attributes,
        [
            "HttpOnly".to_owned(),
            format!("Max-Age={max_age}"),
            "Path=/v1/sessions".to_owned(),
            "SameSite=Strict".to_owned(),
        ],
        "Secure is left out only because the stack answers at http://127.0.0.1"
    );
    assert_eq!(token.len(), user.refresh_token.len());
    let body: Value = response.json().await.unwrap();
    assert!(
        body.get("refresh_token").is_none(),
        "scripts never see it: {body}"
    );
    assert_eq!(
        app.get_me(body["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );

    // Any other host (deployed: the API's own name) gets a Secure cookie.
    let deployed = app
        .client
        .post(app.url("/v1/sessions"))
        .header("host", "api.natives.chat")
        .header(BROWSER.0, BROWSER.1)
        .json(&json!({ "email": user.email, "password": user.password }))
        .send()
        .await
        .unwrap();
    assert!(set_cookie(&deployed).1.contains(&"Secure".to_owned()));

    // Without the header: the token in the body, no cookie (other clients).
    let plain = app.login(&user.email, &user.password).await;
    assert!(plain.headers().get("set-cookie").is_none());
    let body: Value = plain.json().await.unwrap();
    assert!(body["refresh_token"].is_string());
}

#[tokio::test]
async fn the_cookie_refreshes_with_the_browser_header_and_rotates() {
    let app = spawn_app().await;
    app.registered_user("ada@example.com").await;
    let (first, _) = set_cookie(&browser_login(&app, "ada@example.com").await);

    let response = with_cookie(&app, "/v1/sessions/refresh", &first, true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (second, attributes) = set_cookie(&response);
    assert_ne!(second, first, "rotated");
    assert!(attributes.contains(&"HttpOnly".to_owned()));
    let body: Value = response.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "{body}");
    let access = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_me(&access).await.status(), 200);

    // The first cookie again is a reused token: the whole login ends.
    assert_problem(
        with_cookie(&app, "/v1/sessions/refresh", &first, true).await,
        401,
        "invalid_refresh_token",
    )
    .await;
    assert_eq!(app.get_me(&access).await.status(), 401);
    assert_problem(
        with_cookie(&app, "/v1/sessions/refresh", &second, true).await,
        401,
        "invalid_refresh_token",
    )
    .await;
}

#[tokio::test]
async fn without_the_browser_header_the_cookie_is_refused_and_left_unused() {
    let app = spawn_app().await;
    app.registered_user("ada@example.com").await;
    let (token, _) = set_cookie(&browser_login(&app, "ada@example.com").await);

    for path in ["/v1/sessions/refresh", "/v1/sessions/logout"] {
        let refused = with_cookie(&app, path, &token, false).await;
        assert!(refused.headers().get("set-cookie").is_none());
        let problem = assert_problem(refused, 403, "browser_header_required").await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("x-requested-with"),
            "{problem}"
        );
    }
    // What a cross-site form could send: a form body beside the cookie.
    let form = app
        .client
        .post(app.url("/v1/sessions/refresh"))
        .header("cookie", format!("natives_refresh={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("refresh_token=x")
        .send()
        .await
        .unwrap();
    assert_problem(form, 415, "unsupported_media_type").await;

    // Neither request used or ended the session: the cookie still refreshes.
    let response = with_cookie(&app, "/v1/sessions/refresh", &token, true).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_cookie_logout_ends_the_session_and_removes_the_cookie() {
    let app = spawn_app().await;
    app.registered_user("ada@example.com").await;
    let login = browser_login(&app, "ada@example.com").await;
    let (token, _) = set_cookie(&login);
    let body: Value = login.json().await.unwrap();
    let access = body["access_token"].as_str().unwrap().to_owned();

    let response = with_cookie(&app, "/v1/sessions/logout", &token, true).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (cleared, attributes) = set_cookie(&response);
    assert_eq!(cleared, "");
    for attribute in [
        "Max-Age=0",
        "Path=/v1/sessions",
        "HttpOnly",
        "SameSite=Strict",
    ] {
        assert!(
            attributes.contains(&attribute.to_owned()),
            "{attribute} in {attributes:?}"
        );
    }
    assert_eq!(
        app.get_me(&access).await.status(),
        401,
        "its access token died"
    );
    assert_problem(
        with_cookie(&app, "/v1/sessions/refresh", &token, true).await,
        401,
        "invalid_refresh_token",
    )
    .await;
}

#[tokio::test]
async fn without_a_cookie_or_a_body_there_is_no_session_to_refresh() {
    let app = spawn_app().await;
    for browser in [true, false] {
        let post = |path: &'static str| {
            let request = app.client.post(app.url(path));
            match browser {
                true => request.header(BROWSER.0, BROWSER.1),
                false => request,
            }
            .send()
        };
        assert_problem(
            post("/v1/sessions/refresh").await.unwrap(),
            401,
            "invalid_refresh_token",
        )
        .await;
        let logout = post("/v1/sessions/logout").await.unwrap();
        assert_eq!(
            logout.status(),
            StatusCode::NO_CONTENT,
            "logging out twice is harmless"
        );
        // A browser's cookie is removed; other clients get no cookie.
        assert_eq!(logout.headers().get("set-cookie").is_some(), browser);
    }
}

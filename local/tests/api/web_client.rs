//! The web client beside the API: its files at `/`, with the Content-Security-Policy and
//! caching the deployed distribution sends, and the embedded S3 answering a browser's
//! upload preflight as the staging bucket's CORS rule does. (What a person does in it
//! is tested in a real browser: scripts/browser.)

use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers()[name].to_str().unwrap()
}

#[tokio::test]
async fn the_client_is_served_at_the_root_under_a_policy_of_its_own_origin_and_the_archive() {
    let app = spawn_app().await;
    let index = app.get("/").await;
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(header(&index, "content-type"), "text/html");
    assert_eq!(header(&index, "cache-control"), "no-cache");
    let policy = header(&index, "content-security-policy").to_owned();
    // Recordings are played from and uploaded to the embedded S3, on its own port; live
    // updates come over the stack's WebSocket (`ws://` and the page's own host).
    let s3 = &app.stack.endpoints.s3;
    let live = app.address.replacen("http://", "ws://", 1);
    for directive in [
        "default-src 'self'".to_owned(),
        "script-src 'self';".to_owned(),
        format!("media-src 'self' blob: {s3};"),
        format!("connect-src 'self' {s3} {live};"),
        "frame-ancestors 'none'".to_owned(),
    ] {
        assert!(policy.contains(&directive), "{directive} in {policy}");
    }
    let html = index.text().await.unwrap();
    assert!(
        html.contains(r#"<script type="module" src="/app/main.js">"#),
        "{html}"
    );

    let module = app.get("/app/main.js").await;
    assert_eq!(module.status(), StatusCode::OK);
    assert!(header(&module, "content-type").contains("javascript"));

    // The library's folder names its version: browsers keep it.
    let library = app.get("/vendor/preact-11.2.0/preact.js").await;
    assert_eq!(
        header(&library, "cache-control"),
        "public, max-age=31536000, immutable"
    );

    // The API is still the API.
    let api = app.get("/v1/tariffs").await;
    assert_eq!(header(&api, "content-type"), "application/json");
}

#[tokio::test]
async fn a_file_revalidates_with_its_etag_and_nothing_outside_the_folder_is_served() {
    let app = spawn_app().await;
    let first = app.get("/styles.css").await;
    let etag = header(&first, "etag").to_owned();
    let again = app
        .client
        .get(app.url("/styles.css"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    for path in ["/nope.js", "/%2e%2e/Cargo.toml"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // A client that sends `..` as it is (an HTTP client would resolve it first).
    for target in ["/../Cargo.toml", "/app/../../README.md"] {
        let status_line = raw_get(&app, target).await;
        assert!(
            status_line.starts_with("HTTP/1.1 404"),
            "{target}: {status_line}"
        );
    }
}

/// The status line of a GET of `target`, sent byte for byte.
async fn raw_get(app: &TestApp, target: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_embedded_s3_lets_the_clients_origin_upload_and_no_other() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/natives-voice-staging/uploads/x", app.stack.endpoints.s3),
            )
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .header(
                "access-control-request-headers",
                "content-type,x-amz-checksum-sha256",
            )
            .send()
    };
    let allowed = preflight("http://127.0.0.1:3000").await.unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        "http://127.0.0.1:3000"
    );
    assert!(header(&allowed, "access-control-allow-methods").contains("PUT"));
    assert!(header(&allowed, "access-control-allow-headers").contains("x-amz-checksum-sha256"));

    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

/// An invitation e-mail's links and a guardian's consent link are paths (a mail client
/// keeps them as written): the server answers them with the client's page, which shows
/// them under its hash route.
#[tokio::test]
async fn the_paths_an_invitation_e_mail_links_are_the_clients_page() {
    let app = spawn_app().await;
    let index = app.get("/").await.text().await.unwrap();
    for path in [
        "/join?invitation_code=abc",
        "/invitations/opt-out?code=abc",
        "/guardian-consent?account=abc&token=def",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&page, "content-type"), "text/html", "{path}");
        assert_eq!(page.text().await.unwrap(), index, "{path}");
    }
    assert_eq!(app.get("/joinx").await.status(), StatusCode::NOT_FOUND);
}

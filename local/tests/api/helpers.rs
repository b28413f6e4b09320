use std::sync::Arc;

use natives_local::data_dir::signing_keys;
use natives_local::faults::FaultPlan;
use natives_local::services::Services;
use natives_local::stack::{SettingsHook, Stack, StackOptions};
use natives_shared::auth::Ed25519KeyPair;
use natives_shared::clock::ShiftedClock;
use natives_shared::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: Arc<ShiftedClock>,
    pub stack: Stack,
    pub data_dir: TempDir,
}

pub struct TestUser {
    pub id: String,
    pub email: String,
    pub password: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestUser {
    pub fn account_id(&self) -> natives_shared::domain::AccountId {
        natives_shared::domain::AccountId::parse(&self.id).expect("an account id")
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(None).await
}

/// A stack whose settings `configure` changes first.
pub async fn spawn_app_with(configure: Option<SettingsHook>) -> TestApp {
    spawn(configure, None, Services::default(), false).await
}

/// A stack that reads the table's stream by itself, as `serve` does (live pushes).
pub async fn spawn_serving_app() -> TestApp {
    spawn(None, None, Services::default(), true).await
}

/// A stack whose functions reach DynamoDB and S3 through fault proxies doing `plan`.
pub async fn spawn_app_with_faults(plan: FaultPlan) -> TestApp {
    spawn(None, Some(plan), Services::default(), false).await
}

/// A stack on the services `services` names (another DynamoDB, another table).
pub async fn spawn_app_on(services: Services) -> TestApp {
    spawn(None, None, services, false).await
}

async fn spawn(
    configure: Option<SettingsHook>,
    faults: Option<FaultPlan>,
    services: Services,
    poll_stream: bool,
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (stack, clock) = start_stack_on(&data_dir, configure, faults, services, poll_stream).await;
    TestApp {
        address: stack.endpoints.api.clone(),
        // Redirects are answers to check, not to follow (the voice route's 302).
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client"),
        clock,
        stack,
        data_dir,
    }
}

pub async fn start_stack(data_dir: &TempDir) -> (Stack, Arc<ShiftedClock>) {
    start_stack_with(data_dir, None, None).await
}

async fn start_stack_with(
    data_dir: &TempDir,
    configure: Option<SettingsHook>,
    faults: Option<FaultPlan>,
) -> (Stack, Arc<ShiftedClock>) {
    start_stack_on(data_dir, configure, faults, Services::default(), false).await
}

async fn start_stack_on(
    data_dir: &TempDir,
    configure: Option<SettingsHook>,
    faults: Option<FaultPlan>,
    services: Services,
    poll_stream: bool,
) -> (Stack, Arc<ShiftedClock>) {
    let clock = Arc::new(ShiftedClock::default());
    let stack = Stack::start(StackOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.path().to_owned(),
        clock: clock.clone(),
        configure,
        faults,
        services,
        poll_stream,
    })
    .await
    .expect("the local stack starts");
    (stack, clock)
}

/// A registration body that succeeds; tests change one thing at a time.
pub fn registration(email: &str) -> Value {
    json!({
        "email": email,
        "password": "correct horse battery",
        "display_name": "Ada",
        "date_of_birth": "1990-12-10",
        "country": "GB",
        "native_languages": ["en-GB"],
        "learning_languages": ["de"],
        "accepted_terms_version": "2026-11-01"
    })
}

/// The code on a line of its own in an e-mail's text.
pub fn code_in(text: &str) -> String {
    text.lines()
        .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code line in {text}"))
        .to_owned()
}

pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "problem content type"
    );
    let body: Value = response.json().await.expect("a JSON problem");
    assert_eq!(body["code"], code, "problem code in {body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["type"].is_string() && body["detail"].is_string());
    body
}

impl TestApp {
    /// The same data folder served again by a new stack, with `configure` (a deployment
    /// with changed settings).
    pub async fn restarted(self, configure: Option<SettingsHook>) -> TestApp {
        let TestApp {
            client,
            stack,
            data_dir,
            ..
        } = self;
        stack.stop().await;
        let (stack, clock) = start_stack_with(&data_dir, configure, None).await;
        TestApp {
            address: stack.endpoints.api.clone(),
            client,
            clock,
            stack,
            data_dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        let mut request = self.client.post(self.url(path)).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        request.send().await.expect("request")
    }

    pub async fn post_with_token(&self, path: &str, token: &str) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_me(&self, token: &str) -> Response {
        self.client
            .get(self.url("/v1/me"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch_me(&self, token: &str, body: &Value) -> Response {
        self.client
            .patch(self.url("/v1/me"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn register(&self, body: &Value) -> Response {
        self.post_json("/v1/accounts", body).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/v1/sessions",
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post_json(
            "/v1/sessions/refresh",
            &json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    /// Registers `email` and logs in.
    pub async fn registered_user(&self, email: &str) -> TestUser {
        let response = self.register(&registration(email)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let account: Value = response.json().await.unwrap();
        let tokens = self.logged_in(email, "correct horse battery").await;
        TestUser {
            id: account["id"].as_str().unwrap().to_owned(),
            email: email.to_owned(),
            password: "correct horse battery".into(),
            access_token: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn logged_in(&self, email: &str, password: &str) -> Value {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// The stack's signing keys, for crafting tokens in tests.
    pub fn signing_keys(&self) -> Ed25519KeyPair {
        signing_keys(self.data_dir.path()).unwrap()
    }

    /// Registers `email` as an admin (roles are set as the operator command does).
    pub async fn admin_user(&self, email: &str) -> TestUser {
        let user = self.registered_user(email).await;
        let store = &self.stack.app.store;
        store
            .set_roles_by_operator(
                &user.account_id(),
                &[Role::User, Role::Admin],
                self.stack.app.now(),
            )
            .await
            .unwrap();
        // a fresh login carries the role in its token
        let tokens = self.logged_in(email, &user.password).await;
        TestUser {
            access_token: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
            ..user
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request")
    }

    /// The `items` of a list route's first page, read with `token` (the answer must be 200).
    pub async fn list_items(&self, path: &str, token: &str) -> Vec<Value> {
        let response = self
            .send(reqwest::Method::GET, path, Some(token), None)
            .await;
        assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {path}");
        let body: Value = response.json().await.unwrap();
        body["items"].as_array().unwrap().clone()
    }

    /// Opens a checkout of `tariff` for `user`: `{checkout_session_id, checkout_url}`.
    pub async fn open_checkout(&self, user: &TestUser, tariff: &str) -> Value {
        let response = self
            .send(
                reqwest::Method::POST,
                "/v1/checkout",
                Some(&user.access_token),
                Some(&json!({ "tariff_id": tariff })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// Balance and ledger of `token`'s account, every page.
    pub async fn balance(&self, token: &str) -> (i64, Vec<Value>) {
        let mut entries = Vec::new();
        let mut path = "/v1/me/balance?limit=100".to_owned();
        loop {
            let response = self
                .send(reqwest::Method::GET, &path, Some(token), None)
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            let body: Value = response.json().await.unwrap();
            entries.extend(body["entries"]["items"].as_array().unwrap().iter().cloned());
            match body["entries"]["next_cursor"].as_str() {
                Some(cursor) => path = format!("/v1/me/balance?limit=100&cursor={cursor}"),
                None => return (body["credits"].as_i64().unwrap(), entries),
            }
        }
    }

    /// A registered user who also holds `roles` (set as the operator command does).
    pub async fn staff(&self, email: &str, roles: &[Role]) -> TestUser {
        let user = self.registered_user(email).await;
        let mut all = vec![Role::User];
        all.extend_from_slice(roles);
        self.stack
            .app
            .store
            .set_roles_by_operator(&user.account_id(), &all, self.stack.app.now())
            .await
            .unwrap();
        user
    }

    /// Gives `user` `credits` through a new admin's grant; returns the admin.
    pub async fn fund(&self, user: &TestUser, credits: i64) -> TestUser {
        let admin = self
            .staff(
                &format!("admin-{}@example.com", ulid::Ulid::new()),
                &[Role::Admin],
            )
            .await;
        let response = self
            .send(
                reqwest::Method::POST,
                &format!("/v1/admin/accounts/{}/credit-grants", user.id),
                Some(&admin.access_token),
                Some(&json!({ "credits": credits, "reason": "test credits" })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        admin
    }

    /// Sends the request an API Gateway event describes (an example event, filled).
    pub async fn send_event(&self, event: &Value) -> Response {
        use base64::Engine;
        let method = reqwest::Method::from_bytes(
            event["requestContext"]["http"]["method"]
                .as_str()
                .expect("a method")
                .as_bytes(),
        )
        .expect("a valid method");
        let mut url = self.url(event["rawPath"].as_str().expect("a rawPath"));
        if let Some(query) = event["rawQueryString"].as_str().filter(|q| !q.is_empty()) {
            url = format!("{url}?{query}");
        }
        let mut request = self.client.request(method, url);
        for (name, value) in event["headers"].as_object().into_iter().flatten() {
            if name != "host" && name != "content-length" {
                request = request.header(name, value.as_str().unwrap_or_default());
            }
        }
        if let Some(body) = event["body"].as_str() {
            request = if event["isBase64Encoded"] == true {
                request.body(
                    base64::engine::general_purpose::STANDARD
                        .decode(body)
                        .expect("base64 body"),
                )
            } else {
                request.body(body.to_owned())
            };
        }
        request.send().await.expect("request")
    }

    /// Every item in the table but the seeded catalogue: proves what was (not) written.
    pub async fn item_count(&self) -> usize {
        self.count_where("pk <> :value", natives_shared::store::keys::CATALOG)
            .await
    }

    /// How many items of the table have a partition key starting with `prefix`.
    pub async fn stored_under(&self, prefix: &str) -> usize {
        self.count_where("begins_with(pk, :value)", prefix).await
    }

    /// How many items of the table `filter` (naming `:value`) lets through.
    async fn count_where(&self, filter: &str, value: &str) -> usize {
        let store = &self.stack.app.store;
        let output = store
            .client()
            .scan()
            .table_name(store.table())
            .filter_expression(filter)
            .expression_attribute_values(
                ":value",
                aws_sdk_dynamodb::types::AttributeValue::S(value.into()),
            )
            .send()
            .await
            .expect("scan");
        output.count() as usize
    }

    /// The outbox but the codes and security notices (every registration queues a code
    /// that verifies the address).
    pub async fn outbox_but_codes(&self) -> Vec<natives_shared::domain::OutboxEmail> {
        self.stack
            .app
            .store
            .outbox()
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.kind != natives_shared::domain::EmailKind::Security)
            .collect()
    }

    /// What the log mailer sent, but the codes and security notices.
    pub async fn sent_but_codes(&self) -> Vec<natives_shared::mail::SentEmail> {
        let security: Vec<String> = self
            .stack
            .app
            .store
            .outbox()
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == natives_shared::domain::EmailKind::Security)
            .filter_map(|e| e.provider_message_id)
            .collect();
        self.stack
            .app
            .mailer
            .logged()
            .into_iter()
            .filter(|e| !security.contains(&e.provider_message_id))
            .collect()
    }

    /// The newest code e-mailed to `to` whose subject says `about`.
    pub async fn code_sent(&self, to: &str, about: &str) -> String {
        let rows = natives_local::outbox::rows(&self.stack.app.store)
            .await
            .unwrap();
        let email = rows
            .iter()
            .rev()
            .find(|row| row.to.as_deref() == Some(to) && row.subject.contains(about))
            .unwrap_or_else(|| panic!("no e-mail about {about} to {to}"));
        assert_eq!(email.kind, natives_shared::domain::EmailKind::Security);
        code_in(&email.text)
    }

    /// `user` confirms the code registration sent: their address is verified.
    pub async fn verify(&self, user: &TestUser) {
        let code = self.code_sent(&user.email, "Verify").await;
        let confirmed = self
            .send(
                reqwest::Method::POST,
                "/v1/me/email-verification/confirm",
                Some(&user.access_token),
                Some(&json!({ "code": code })),
            )
            .await;
        assert_eq!(confirmed.status(), StatusCode::OK);
    }
}

/// moto's server (from scripts/test-requirements.txt, in `.venv`) on a free port,
/// stopped when dropped.
pub struct Moto {
    process: std::process::Child,
    pub url: String,
}

impl Moto {
    /// `None` when moto is not installed and the run does not require it (a plain
    /// `cargo test` before `scripts/test` made `.venv`); `scripts/test` requires it.
    pub fn start() -> Option<Self> {
        let program = std::env::var("NATIVES_MOTO_SERVER")
            .unwrap_or_else(|_| format!("{}/../.venv/bin/moto_server", env!("CARGO_MANIFEST_DIR")));
        if !std::path::Path::new(&program).exists() {
            assert!(
                std::env::var_os("NATIVES_REQUIRE_MOTO").is_none(),
                "moto_server is required but not at {program}"
            );
            eprintln!("skipped: no moto_server at {program} (scripts/test installs it)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = std::process::Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "moto_server did not listen"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Some(Self {
            process,
            url: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Moto {
    /// The stack's services with moto as its DynamoDB.
    pub fn dynamodb(&self) -> Services {
        Services {
            dynamodb_endpoint: Some(self.url.clone()),
            ..Services::default()
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

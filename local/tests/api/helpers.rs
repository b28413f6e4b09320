use std::sync::Arc;

use natives_local::data_dir::signing_keys;
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
    spawn(configure, None, false).await
}

/// A stack that reads the table's stream by itself, as `serve` does (live pushes).
pub async fn spawn_serving_app() -> TestApp {
    spawn(None, None, true).await
}

/// A stack whose functions reach DynamoDB and S3 through fault proxies at `rate`.
pub async fn spawn_app_with_faults(rate: f64) -> TestApp {
    spawn(None, Some(rate), false).await
}

async fn spawn(
    configure: Option<SettingsHook>,
    fault_rate: Option<f64>,
    poll_stream: bool,
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (stack, clock) = start_stack_with(&data_dir, configure, fault_rate, poll_stream).await;
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
    start_stack_with(data_dir, None, None, false).await
}

async fn start_stack_with(
    data_dir: &TempDir,
    configure: Option<SettingsHook>,
    fault_rate: Option<f64>,
    poll_stream: bool,
) -> (Stack, Arc<ShiftedClock>) {
    let clock = Arc::new(ShiftedClock::default());
    let stack = Stack::start(StackOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.path().to_owned(),
        clock: clock.clone(),
        configure,
        fault_rate,
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
        let (stack, clock) = start_stack_with(&data_dir, configure, None, false).await;
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
        let store = &self.stack.app.store;
        let output = store
            .client()
            .scan()
            .table_name(store.table())
            .filter_expression("pk <> :catalog")
            .expression_attribute_values(
                ":catalog",
                aws_sdk_dynamodb::types::AttributeValue::S(
                    natives_shared::store::keys::CATALOG.into(),
                ),
            )
            .send()
            .await
            .expect("scan");
        output.count() as usize
    }
}

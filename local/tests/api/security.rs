//! The hardening that `docs/security.md` relies on, each proven from outside where it
//! can be seen from outside: over real HTTP against the local stack.

use std::sync::{Arc, Mutex};

use natives_local::checkout_page::{SessionFacts, stripe_event};
use natives_local::data_dir;
use natives_local::gateway::{DYNAMODB_OPERATIONS_HEADER, DYNAMODB_REQUESTS_HEADER};
use natives_shared::auth::{AuthUser, Ed25519KeyPair, TokenSigner, VerificationKey};
use natives_shared::domain::{PurchaseStatus, Role, SessionId};
use natives_shared::payments::sign_payload;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{Moto, TestApp, TestUser, assert_problem, spawn_app, spawn_app_with};

fn retry_after(response: &Response) -> i64 {
    response
        .headers()
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in whole seconds")
}

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response.headers()[name].to_str().unwrap()
}

// Brute force: per-account throttling of logins.

#[tokio::test]
async fn twelve_wrong_passwords_then_the_right_one_get_429_with_retry_after() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let other = app.registered_user("bob@example.com").await;

    for attempt in 1..=10 {
        let response = app.login(&user.email, "not the password").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    for attempt in 11..=12 {
        let response = app.login(&user.email, "not the password").await;
        assert_eq!(response.status(), 429, "attempt {attempt}");
        assert!((1..=30).contains(&retry_after(&response)));
        assert_eq!(
            header(&response, DYNAMODB_OPERATIONS_HEADER),
            "GetItem,GetItem",
            "a throttled guess is not even verified, nor counted"
        );
    }
    let right = app.login(&user.email, &user.password).await;
    let wait = retry_after(&right);
    assert!(
        (1..=30).contains(&wait),
        "the first backoff is 30 s: {wait}"
    );
    assert_problem(right, 429, "too_many_attempts").await;

    // another account is not affected
    app.logged_in(&other.email, &other.password).await;

    // the backoff passes; one more failure starts the next, twice as long
    app.clock.advance(Duration::seconds(wait + 1));
    assert_eq!(app.login(&user.email, "still wrong").await.status(), 401);
    let refused = app.login(&user.email, &user.password).await;
    let wait = retry_after(&refused);
    assert!(
        (31..=60).contains(&wait),
        "the second backoff is 60 s: {wait}"
    );
    assert_problem(refused, 429, "too_many_attempts").await;

    // after it, the right password logs in and starts the count again
    app.clock.advance(Duration::seconds(wait + 1));
    app.logged_in(&user.email, &user.password).await;
    for _ in 1..=9 {
        assert_eq!(
            app.login(&user.email, "not the password").await.status(),
            401
        );
    }
    app.logged_in(&user.email, &user.password).await;
}

#[tokio::test]
async fn the_backoff_grows_to_fifteen_minutes_and_no_further() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let mut waits = Vec::new();
    for _ in 1..=9 {
        app.login(&user.email, "not the password").await;
    }
    for _ in 10..=17 {
        assert_eq!(
            app.login(&user.email, "not the password").await.status(),
            401
        );
        let refused = app.login(&user.email, &user.password).await;
        assert_eq!(refused.status(), 429);
        let wait = retry_after(&refused);
        waits.push(wait);
        app.clock.advance(Duration::seconds(wait + 1));
    }
    let rounded: Vec<i64> = waits.iter().map(|w| (w + 29) / 30 * 30).collect();
    assert_eq!(rounded, [30, 60, 120, 240, 480, 900, 900, 900], "{waits:?}");
}

#[tokio::test]
async fn a_failure_that_raced_a_successful_login_does_not_lock_out() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    for _ in 1..=9 {
        app.login(&user.email, "not the password").await;
    }
    let store = &app.stack.app.store;
    let now = app.stack.app.now();
    // a wrong guess read the account (9 failures) and is slow to verify...
    let stale = store
        .get_account(&user.account_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stale.failed_logins, 9);
    // ...while the owner logs in, which starts the count again...
    app.logged_in(&user.email, &user.password).await;
    // ...so the guess's failure, the tenth by its read, counts for nothing
    store.record_failed_login(Some(&stale), now).await.unwrap();
    let account = store
        .get_account(&user.account_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (account.failed_logins, account.login_locked_until),
        (0, None)
    );
    app.logged_in(&user.email, &user.password).await;
}

// Enumeration: an unknown e-mail costs what a wrong password costs.

#[tokio::test]
async fn unknown_email_and_wrong_password_make_the_same_dynamodb_requests() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;

    let wrong_password = app.login(&user.email, "not the password").await;
    let unknown_email = app.login("nobody@example.com", "not the password").await;
    let requests = |response: &Response| {
        (
            header(response, DYNAMODB_REQUESTS_HEADER).to_owned(),
            header(response, DYNAMODB_OPERATIONS_HEADER).to_owned(),
        )
    };
    assert_eq!(
        requests(&wrong_password),
        ("3".to_owned(), "GetItem,GetItem,UpdateItem".to_owned())
    );
    assert_eq!(requests(&unknown_email), requests(&wrong_password));
    let bodies = [
        assert_problem(wrong_password, 401, "invalid_credentials").await,
        assert_problem(unknown_email, 401, "invalid_credentials").await,
    ];
    assert_eq!(bodies[0], bodies[1]);

    // the unknown address's update wrote nothing anywhere
    let before = app.item_count().await;
    app.login("nobody@example.com", "not the password").await;
    assert_eq!(app.item_count().await, before);
}

// Webhooks: hostile timestamps and payments that do not match their purchase.

async fn deliver(app: &TestApp, body: &str, signature: &str) -> Response {
    app.client
        .post(app.url("/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

fn webhook_secret(app: &TestApp) -> String {
    data_dir::webhook_secret(app.data_dir.path()).unwrap()
}

#[tokio::test]
async fn stripe_signature_timestamps_of_plus_minus_2_63_are_400() {
    let app = spawn_app().await;
    let body = r#"{"type":"checkout.session.completed","data":{"object":{}}}"#;
    let secret = webhook_secret(&app);
    let headers = [
        sign_payload(body.as_bytes(), &secret, i64::MIN),
        sign_payload(body.as_bytes(), &secret, i64::MAX),
        format!("t=-9223372036854775808,v1={}", "0".repeat(64)),
        format!("t=9223372036854775807,v1={}", "0".repeat(64)),
        format!("t=9223372036854775808,v1={}", "0".repeat(64)),
        format!("t=-9223372036854775809,v1={}", "0".repeat(64)),
    ];
    for signature in headers {
        let response = deliver(&app, body, &signature).await;
        assert_eq!(response.status(), 400, "{signature}");
        assert_problem(response, 400, "invalid_signature").await;
    }
}

/// Every event the stack logs while `work` runs (the stack serves on this thread).
async fn logged_during<F: std::future::Future>(work: F) -> (F::Output, String) {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let output = work.await;
    drop(guard);
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    (output, text)
}

#[tokio::test]
async fn a_signed_payment_that_does_not_match_its_purchase_is_refused_and_logged() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let stranger = app.registered_user("eve@example.com").await;
    let session = app.open_checkout(&user, "starter").await["checkout_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    fn facts<'a>(
        session: &'a str,
        account: &'a TestUser,
        credits: i64,
        amount_minor: i64,
        currency: &'a str,
    ) -> SessionFacts<'a> {
        SessionFacts {
            checkout_session_id: session,
            account_id: &account.id,
            credits,
            amount_minor,
            currency,
            paid: true,
            amount_discount: 0,
            local_promotion_code: None,
        }
    }
    let secret = webhook_secret(&app);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let signed = |facts: &SessionFacts<'_>| {
        let body = stripe_event("checkout.session.completed", facts, now);
        let signature = sign_payload(body.as_bytes(), &secret, now);
        (body, signature)
    };
    let cases = [
        ("amount", facts(&session, &user, 100, 1, "EUR")),
        ("currency", facts(&session, &user, 100, 990, "USD")),
        ("account_id", facts(&session, &stranger, 100, 990, "EUR")),
        ("credits", facts(&session, &user, 100_000, 990, "EUR")),
    ];
    for (field, facts) in &cases {
        let (body, signature) = signed(facts);
        let (response, logs) = logged_during(deliver(&app, &body, &signature)).await;
        assert_problem(response, 422, "purchase_mismatch").await;
        let error = logs
            .lines()
            .find(|line| line.contains(r#""level":"ERROR""#) && line.contains(&session))
            .unwrap_or_else(|| panic!("no error logged for a wrong {field}: {logs}"));
        assert!(error.contains(field), "{error}");
    }
    let store = &app.stack.app.store;
    assert_eq!(
        store.get_checkout(&session).await.unwrap().unwrap().status,
        PurchaseStatus::Pending,
        "nothing settled"
    );
    assert_eq!(app.balance(&user.access_token).await.0, 0);
    assert_eq!(app.balance(&stranger.access_token).await.0, 0);

    // the real payment still credits, once
    let (body, signature) = signed(&facts(&session, &user, 100, 990, "EUR"));
    assert_eq!(deliver(&app, &body, &signature).await.status(), 200);
    assert_eq!(deliver(&app, &body, &signature).await.status(), 200);
    assert_eq!(app.balance(&user.access_token).await.0, 100);
    // and a mismatching event after it is still a mismatch, not "already settled"
    let (body, signature) = signed(&facts(&session, &user, 100, 1, "EUR"));
    assert_problem(
        deliver(&app, &body, &signature).await,
        422,
        "purchase_mismatch",
    )
    .await;
}

// Tokens: typed, keyed, and the key rotates without logging anyone out.

fn token_of(user: &TestUser, session: &SessionId, signer: &TokenSigner) -> String {
    signer.issue(
        &AuthUser {
            account_id: user.account_id(),
            roles: vec![Role::User],
            token_generation: 0,
            session_id: session.clone(),
            display_name: None,
            scope: Default::default(),
        },
        time::OffsetDateTime::now_utc(),
    )
}

#[tokio::test]
async fn the_signing_key_rotates_without_logging_anyone_out() {
    let next = Ed25519KeyPair::generate();
    let next_public = next.public_base64url.clone();
    // Step 1 of a rotation: every function verifies with the old and the next key.
    let app = spawn_app_with(Some(Box::new(move |settings| {
        settings
            .jwt_public_keys
            .push(VerificationKey::named("next", &next_public).unwrap());
    })))
    .await;
    let user = app.registered_user("ada@example.com").await;
    let header = jsonwebtoken::decode_header(&user.access_token).unwrap();
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    let old_kid = header.kid.expect("a kid");
    assert_eq!(
        old_kid,
        natives_shared::auth::key_id(&app.signing_keys().public_base64url).unwrap()
    );

    // Step 2: the issuers sign with the next key; tokens of both keys work.
    let next_signer = TokenSigner::new(
        &next.private_pkcs8_base64,
        "natives.chat",
        "natives.chat/api",
        900,
    )
    .unwrap()
    .with_kid("next");
    let session = jsonwebtoken::dangerous::insecure_decode::<Value>(&user.access_token)
        .unwrap()
        .claims["sid"]
        .as_str()
        .map(|sid| SessionId::parse(sid).unwrap())
        .unwrap();
    let next_token = token_of(&user, &session, &next_signer);
    assert_eq!(app.get_me(&user.access_token).await.status(), 200);
    assert_eq!(app.get_me(&next_token).await.status(), 200);
    // a kid binds its key: the next kid on a token the old key signed is refused
    let old_signer = TokenSigner::new(
        &app.signing_keys().private_pkcs8_base64,
        "natives.chat",
        "natives.chat/api",
        900,
    )
    .unwrap();
    let mislabelled = token_of(&user, &session, &old_signer.with_kid("next"));
    assert_problem(app.get_me(&mislabelled).await, 401, "unauthorized").await;

    // Step 3, once every old token has expired: the old key goes.
    let data_dir = app.data_dir;
    app.stack.stop().await;
    let next_public = next.public_base64url.clone();
    let next_private = next.private_pkcs8_base64.clone();
    let stack = natives_local::stack::Stack::start(natives_local::stack::StackOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.path().to_owned(),
        clock: Arc::new(natives_shared::clock::SystemClock),
        faults: None,
        services: Default::default(),
        poll_stream: false,
        configure: Some(Box::new(move |settings| {
            settings.jwt_public_keys = vec![VerificationKey::named("next", &next_public).unwrap()];
            settings.jwt_private_key = Some(next_private);
            settings.jwt_signing_kid = Some("next".into());
        })),
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let me = |token: String| {
        let request = client
            .get(format!("{}/v1/me", stack.endpoints.api))
            .bearer_auth(token);
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(
        me(user.access_token.clone()).await,
        401,
        "the old key is gone"
    );
    assert_eq!(me(next_token).await, 200);
    let login = client
        .post(format!("{}/v1/sessions", stack.endpoints.api))
        .json(&json!({ "email": user.email, "password": user.password }))
        .send()
        .await
        .unwrap();
    let tokens: Value = login.json().await.unwrap();
    let fresh = tokens["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        jsonwebtoken::decode_header(&fresh).unwrap().kid.as_deref(),
        Some("next")
    );
    assert_eq!(me(fresh).await, 200);
    stack.stop().await;
}

#[tokio::test]
async fn a_signing_key_the_verifiers_do_not_hold_is_refused_at_start() {
    let data_dir = tempfile::tempdir().unwrap();
    let started = natives_local::stack::Stack::start(natives_local::stack::StackOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.path().to_owned(),
        clock: Arc::new(natives_shared::clock::SystemClock),
        faults: None,
        services: Default::default(),
        poll_stream: false,
        configure: Some(Box::new(|settings| {
            settings.jwt_private_key = Some(Ed25519KeyPair::generate().private_pkcs8_base64);
        })),
    })
    .await;
    let error = started
        .err()
        .expect("the stack refuses to start")
        .to_string();
    assert!(error.contains("not among JWT_PUBLIC_KEYS"), "{error}");
}

// The local data folder keeps its keys to its owner.

#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_writes_its_key_and_secret_files_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    let mode = |name: &str| {
        std::fs::metadata(app.data_dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    for name in ["jwt-ed25519.json", "stripe-webhook-secret"] {
        assert_eq!(mode(name), 0o600, "{name}");
    }

    // a file left readable by an older version is narrowed when next read
    let path = app.data_dir.path().join("stripe-webhook-secret");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let secret = data_dir::webhook_secret(app.data_dir.path()).unwrap();
    assert_eq!(mode("stripe-webhook-secret"), 0o600);
    assert_eq!(secret, webhook_secret(&app), "the same secret, kept");
    let leftovers: Vec<_> = std::fs::read_dir(app.data_dir.path())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// Secrets: read from SSM SecureString parameters at cold start (against moto).

#[tokio::test]
async fn secrets_are_read_from_ssm_securestring_parameters_at_cold_start() {
    use aws_sdk_ssm::types::ParameterType;
    use natives_shared::config::{Secret, Settings};
    let Some(moto) = Moto::start() else {
        return;
    };
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-central-1"))
        .credentials_provider(aws_sdk_ssm::config::Credentials::new(
            "test", "test", None, None, "moto",
        ))
        .endpoint_url(&moto.url)
        .load()
        .await;
    let ssm = aws_sdk_ssm::Client::new(&sdk);
    let keys = Ed25519KeyPair::generate();
    for (name, value) in [
        (
            "/natives/jwt-private-key",
            keys.private_pkcs8_base64.as_str(),
        ),
        ("/natives/stripe-webhook-secret", "whsec_from_ssm"),
    ] {
        ssm.put_parameter()
            .name(name)
            .value(value)
            .r#type(ParameterType::SecureString)
            .send()
            .await
            .unwrap();
    }

    // what a deployed login's environment gives it: public keys, and a parameter name
    let mut settings = Settings::with_keys("natives", &keys);
    settings.jwt_private_key = None;
    settings.secret_parameters = vec![
        (Secret::JwtPrivateKey, "/natives/jwt-private-key".into()),
        (
            Secret::StripeWebhookSecret,
            "/natives/stripe-webhook-secret".into(),
        ),
    ];
    natives_shared::secrets::resolve(&sdk, &mut settings)
        .await
        .unwrap();
    assert_eq!(
        settings.jwt_private_key.as_deref(),
        Some(keys.private_pkcs8_base64.as_str()),
        "decrypted, not moto's kms:alias/aws/ssm:… ciphertext"
    );
    assert_eq!(
        settings.payments.stripe_webhook_secret.as_deref(),
        Some("whsec_from_ssm")
    );
    assert!(settings.secret_parameters.is_empty());
    // the function it makes signs tokens that the public keys verify
    let app = natives_functions::App::new(
        &sdk,
        settings,
        Arc::new(natives_shared::clock::SystemClock),
        None,
    )
    .unwrap();
    let verifier = natives_shared::auth::TokenVerifier::new(
        &keys.public_base64url,
        "natives.chat",
        "natives.chat/api",
    )
    .unwrap();
    let user = AuthUser {
        account_id: natives_shared::domain::AccountId::new(),
        roles: vec![Role::User],
        token_generation: 0,
        session_id: SessionId::new(),
        display_name: None,
        scope: Default::default(),
    };
    let now = time::OffsetDateTime::now_utc();
    let token = app.signer().unwrap().issue(&user, now);
    assert_eq!(verifier.verify(&token, now), Ok(user));

    // a parameter that cannot be read stops the cold start, naming what is missing
    let mut broken = Settings::with_keys("natives", &keys);
    broken.secret_parameters = vec![(Secret::StripeSecretKey, "/natives/nowhere".into())];
    let error = natives_shared::secrets::resolve(&sdk, &mut broken)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("STRIPE_SECRET_KEY") && error.contains("/natives/nowhere"),
        "{error}"
    );
    // and settings whose secrets were never read do not make a function
    let unread = natives_functions::App::new(
        &sdk,
        broken,
        Arc::new(natives_shared::clock::SystemClock),
        None,
    );
    assert!(unread.is_err());
}

// Input limits: prices Stripe can charge, in the units it counts.

#[tokio::test]
async fn tariffs_are_priced_only_in_currencies_stripe_accepts_counted_in_their_units() {
    let app = spawn_app().await;
    let admin = app.admin_user("root@example.com").await;
    let put = |id: &str, credits: i64, amount_minor: i64, currency: &str| {
        let body = json!({
            "name": "Tariff", "credits": credits, "active": true,
            "price": { "amount_minor": amount_minor, "currency": currency },
        });
        let path = format!("/v1/admin/tariffs/{id}");
        let app = &app;
        let token = admin.access_token.clone();
        async move {
            app.send(Method::PUT, &path, Some(&token), Some(&body))
                .await
        }
    };
    let refused = [
        ("a code for no money", 100, 990, "XXX", "price"),
        ("a withdrawn code", 100, 990, "HRK", "price"),
        ("lower case", 100, 990, "eur", "price"),
        ("nine digits", 100, 100_000_000, "EUR", "price"),
        (
            "KWD not in tens (Stripe's three-decimal rule)",
            100,
            5_125,
            "KWD",
            "price",
        ),
        (
            "ISK not in hundreds (Stripe's special case)",
            100,
            550,
            "ISK",
            "price",
        ),
        (
            "a million credits for a cent",
            1_000_000,
            1,
            "EUR",
            "credits",
        ),
        ("1,001 credits for one yen", 1_001, 1, "JPY", "credits"),
    ];
    for (why, credits, amount, currency, field) in refused {
        let body = assert_problem(
            put("x", credits, amount, currency).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{why}: {body}");
    }

    // zero-decimal: 1500 JPY is 1,500 yen, shown and charged as such
    assert_eq!(put("yen", 100, 1_500, "JPY").await.status(), 200);
    assert_eq!(put("dinar", 100, 5_120, "KWD").await.status(), 200);
    let user = app.registered_user("ada@example.com").await;
    let checkout = app.open_checkout(&user, "yen").await;
    let page = app
        .client
        .get(checkout["checkout_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("1500 JPY"), "{page}");
    let paid = app
        .client
        .post(format!(
            "{}/pay",
            checkout["checkout_url"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        paid.status(),
        200,
        "the webhook took amount 1500, currency jpy"
    );
    assert_eq!(app.balance(&user.access_token).await.0, 100);
}

/// Every list's cursor is parsed and bounded before it is used: a forged one is 400
/// `invalid_cursor`, never a 500, a wrap-around or a silent first page.
#[tokio::test]
async fn every_list_refuses_a_cursor_it_did_not_give_out_with_400() {
    let app = spawn_app().await;
    let staff = app
        .staff("staff@example.com", &[Role::Moderator, Role::Admin])
        .await;
    let token = Some(staff.access_token.as_str());
    let thread = "01JABCDEFGHJKMNPQRSTVWXYZ0";
    for path in [
        "/v1/me/balance?cursor=bm9wZQ".to_owned(),
        "/v1/threads?language=de&cursor=bm9wZQ".to_owned(),
        format!("/v1/threads/{thread}/messages?cursor=7ZZZZZZZZZZZZZZZZZZZZZZZZZ0"),
        "/v1/me/notifications?cursor=not-an-id".to_owned(),
        "/v1/admin/privacy-requests?cursor=%21%21".to_owned(),
        "/v1/moderation/queue?cursor=%24%24".to_owned(),
        "/v1/moderation/audit?cursor=%24%24".to_owned(),
        "/v1/me/complaints?cursor=%24%24".to_owned(),
    ] {
        let response = app.send(Method::GET, &path, token, None).await;
        let body = assert_problem(response, 400, "invalid_cursor").await;
        assert!(body["detail"].is_string(), "{path}: {body}");
    }
}

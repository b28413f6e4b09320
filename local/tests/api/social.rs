//! Social login against the local stack's provider stand-ins, over HTTP as a browser and
//! a client would: start, the provider's form, the callback, and what follows.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, registration, spawn_app};

const PROVIDERS: [&str; 3] = ["google", "facebook", "vk"];
const REDIRECT_URI: &str = "http://127.0.0.1:9/auth/callback";

/// What a provider's redirect brings back: the code, the state and (VK ID) the device id.
#[derive(Clone)]
pub(crate) struct Callback {
    pub code: String,
    pub state: String,
    pub device_id: Option<String>,
}

impl Callback {
    /// The callback's fields of a request body for `provider`.
    pub fn body(&self, provider: &str) -> Value {
        let mut body = json!({ "provider": provider, "code": self.code, "state": self.state });
        if let Some(device_id) = &self.device_id {
            body["device_id"] = json!(device_id);
        }
        body
    }
}

/// The provider's redirect after `email` (named `name`) signed in.
pub(crate) async fn provider_callback(
    app: &TestApp,
    provider: &str,
    email: &str,
    verified: bool,
) -> Callback {
    let started = app
        .post_json(
            &format!("/v1/auth/providers/{provider}/authorizations"),
            &json!({ "redirect_uri": REDIRECT_URI }),
        )
        .await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let started: Value = started.json().await.unwrap();
    let authorize_url = started["authorize_url"].as_str().unwrap().to_owned();
    let url = reqwest::Url::parse(&authorize_url).unwrap();
    let query: std::collections::BTreeMap<String, String> =
        url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["state"], started["state"].as_str().unwrap());
    assert!(query.contains_key("nonce") && !query.contains_key("code_verifier"));
    let page = app.client.get(&authorize_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("name=\"email_verified\"")
    );
    let mut form = vec![("email", email), ("name", "Ada L.")];
    if verified {
        form.push(("email_verified", "on"));
    }
    let redirect = app
        .client
        .post(&authorize_url)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), StatusCode::SEE_OTHER);
    let location = reqwest::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(REDIRECT_URI));
    let back: std::collections::BTreeMap<String, String> =
        location.query_pairs().into_owned().collect();
    // VK ID names the device; the others do not.
    assert_eq!(
        back.contains_key("device_id"),
        provider == "vk",
        "{provider}"
    );
    Callback {
        code: back["code"].clone(),
        state: back["state"].clone(),
        device_id: back.get("device_id").cloned(),
    }
}

async fn social_login(app: &TestApp, provider: &str, callback: &Callback) -> reqwest::Response {
    app.post_json("/v1/sessions/social", &callback.body(provider))
        .await
}

async fn sign_in(app: &TestApp, provider: &str, email: &str, verified: bool) -> reqwest::Response {
    let callback = provider_callback(app, provider, email, verified).await;
    social_login(app, provider, &callback).await
}

/// Registration through a provider: the registration body without e-mail or password.
fn registration_with(token: &str) -> Value {
    let mut body = registration("unused@example.com");
    let fields = body.as_object_mut().unwrap();
    fields.remove("email");
    fields.remove("password");
    fields.insert("registration_token".into(), json!(token));
    body
}

#[tokio::test]
async fn each_provider_registers_a_new_identity_and_then_logs_it_in() {
    let app = spawn_app().await;
    let offered: Value = app
        .client
        .get(app.url("/v1/auth/providers"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = offered["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, PROVIDERS);
    for provider in PROVIDERS {
        let email = format!("{provider}-user@example.com");
        let first = sign_in(&app, provider, &email, true).await;
        assert_eq!(first.status(), StatusCode::OK, "{provider}");
        let first: Value = first.json().await.unwrap();
        assert_eq!(first["registration_required"], true, "{provider}");
        assert_eq!(first["profile"]["email"], email.as_str());
        let token = first["registration_token"].as_str().unwrap();
        let created = app.register(&registration_with(token)).await;
        assert_eq!(created.status(), StatusCode::CREATED, "{provider}");
        let account: Value = created.json().await.unwrap();
        assert_eq!(account["email"], email.as_str());
        // Google vouches for the address; Facebook's Graph and VK ID's user_info do not say.
        assert_eq!(
            account["email_verified"],
            provider == "google",
            "{provider}"
        );
        // The token registers once.
        assert_problem(
            app.register(&registration_with(token)).await,
            409,
            "email_taken",
        )
        .await;

        let again = sign_in(&app, provider, &email, true).await;
        assert_eq!(again.status(), StatusCode::OK, "{provider}");
        let tokens: Value = again.json().await.unwrap();
        let access = tokens["access_token"]
            .as_str()
            .expect("tokens for a known identity");
        let me: Value = app.get_me(access).await.json().await.unwrap();
        assert_eq!(me["id"], account["id"]);
        let identities: Value = app
            .client
            .get(app.url("/v1/me/identities"))
            .bearer_auth(access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(identities["items"][0]["provider"], provider);
        assert_eq!(identities["items"][0]["email"], email.as_str());
        // No password yet: a password login opens nothing.
        assert_eq!(
            app.post_json(
                "/v1/sessions",
                &json!({"email": email, "password": "correct horse battery"})
            )
            .await
            .status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn a_state_is_used_once_and_a_code_is_good_only_for_its_own_sign_in() {
    let app = spawn_app().await;
    for provider in PROVIDERS {
        let callback = provider_callback(&app, provider, "eve@example.com", true).await;
        assert_eq!(
            social_login(&app, provider, &callback).await.status(),
            StatusCode::OK
        );
        assert_problem(
            social_login(&app, provider, &callback).await,
            400,
            "invalid_state",
        )
        .await;
        let unmade = Callback {
            state: "never-made".into(),
            ..callback.clone()
        };
        assert_problem(
            social_login(&app, provider, &unmade).await,
            400,
            "invalid_state",
        )
        .await;

        // A forged code, and another sign-in's code (its own PKCE verifier and state):
        // the provider refuses both.
        let fresh = provider_callback(&app, provider, "eve@example.com", true).await;
        let forged = Callback {
            code: format!("{}x", callback.code),
            ..fresh
        };
        assert_problem(
            social_login(&app, provider, &forged).await,
            400,
            "invalid_code",
        )
        .await;
        let foreign = provider_callback(&app, provider, "mallory@example.com", true).await;
        let fresh = provider_callback(&app, provider, "eve@example.com", true).await;
        let foreign = Callback {
            code: foreign.code,
            ..fresh
        };
        assert_problem(
            social_login(&app, provider, &foreign).await,
            400,
            "invalid_code",
        )
        .await;
    }
    // A state made for one provider does not finish another's sign-in (mix-up).
    let google = provider_callback(&app, "google", "eve@example.com", true).await;
    let mixed = Callback {
        device_id: Some("some-device".into()),
        ..google
    };
    assert_problem(social_login(&app, "vk", &mixed).await, 400, "invalid_state").await;
    // Only loopback redirect URIs locally.
    let refused = app
        .post_json(
            "/v1/auth/providers/google/authorizations",
            &json!({"redirect_uri": "https://evil.example/cb"}),
        )
        .await;
    assert_problem(refused, 422, "validation_failed").await;
}

#[tokio::test]
async fn an_identity_links_to_an_account_only_with_its_password_and_a_verified_address() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;

    // An address the provider did not verify never leads into Ada's account.
    let unverified = sign_in(&app, "google", "ada@example.com", false).await;
    let unverified: Value = unverified.json().await.unwrap();
    assert_eq!(unverified["registration_required"], true);
    let takeover = registration_with(unverified["registration_token"].as_str().unwrap());
    assert_problem(app.register(&takeover).await, 409, "email_taken").await;

    // A verified one asks for a link.
    assert_problem(
        sign_in(&app, "google", "ada@example.com", true).await,
        409,
        "link_required",
    )
    .await;

    let link = |callback: Callback, password: &str| {
        let mut body = callback.body("google");
        body["password"] = json!(password);
        body
    };
    let callback = provider_callback(&app, "google", "ada@example.com", true).await;
    let wrong = app
        .client
        .post(app.url("/v1/me/identities"))
        .bearer_auth(&ada.access_token)
        .json(&link(callback, "not the password at all"))
        .send()
        .await
        .unwrap();
    assert_problem(wrong, 403, "wrong_password").await;
    let callback = provider_callback(&app, "google", "ada@example.com", true).await;
    let linked = app
        .client
        .post(app.url("/v1/me/identities"))
        .bearer_auth(&ada.access_token)
        .json(&link(callback, &ada.password))
        .send()
        .await
        .unwrap();
    assert_eq!(linked.status(), StatusCode::CREATED);

    let signed_in: Value = sign_in(&app, "google", "ada@example.com", true)
        .await
        .json()
        .await
        .unwrap();
    let me: Value = app
        .get_me(signed_in["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], ada.id.as_str());

    // With her password left, Ada may unlink it.
    let unlinked = app
        .client
        .delete(app.url("/v1/me/identities/google"))
        .bearer_auth(&ada.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(unlinked.status(), StatusCode::NO_CONTENT);
    assert_problem(
        sign_in(&app, "google", "ada@example.com", true).await,
        409,
        "link_required",
    )
    .await;
}

#[tokio::test]
async fn the_last_way_to_sign_in_cannot_be_unlinked() {
    let app = spawn_app().await;
    let first: Value = sign_in(&app, "vk", "olga@example.com", true)
        .await
        .json()
        .await
        .unwrap();
    let created = app
        .register(&registration_with(
            first["registration_token"].as_str().unwrap(),
        ))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let tokens: Value = sign_in(&app, "vk", "olga@example.com", true)
        .await
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let refused = app
        .client
        .delete(app.url("/v1/me/identities/vk"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_problem(refused, 409, "last_sign_in_method").await;
    // Still linked: the sign-in still opens the account.
    assert_eq!(
        sign_in(&app, "vk", "olga@example.com", true).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn vk_id_needs_its_device_id_and_its_address_opens_no_existing_account() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;

    // Without the redirect's device_id (or with a malformed one) the exchange is not
    // attempted and the state is not used up: VK ID itself answers the request below.
    let callback = provider_callback(&app, "vk", "ada@example.com", true).await;
    let missing = Callback {
        device_id: None,
        ..callback.clone()
    };
    let refused = assert_problem(
        social_login(&app, "vk", &missing).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "device_id", "{refused}");
    let malformed = Callback {
        device_id: Some("not a device; id".into()),
        ..callback.clone()
    };
    let refused = assert_problem(
        social_login(&app, "vk", &malformed).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "device_id", "{refused}");
    // Linking asks for it the same way.
    let mut link = missing.body("vk");
    link["password"] = json!(ada.password);
    let refused = app
        .client
        .post(app.url("/v1/me/identities"))
        .bearer_auth(&ada.access_token)
        .json(&link)
        .send()
        .await
        .unwrap();
    let refused = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(refused["errors"][0]["field"], "device_id", "{refused}");

    // VK ID checks the device id it named: another one is refused there.
    let other_device = Callback {
        device_id: Some("another-device".into()),
        ..callback.clone()
    };
    assert_problem(
        social_login(&app, "vk", &other_device).await,
        400,
        "invalid_code",
    )
    .await;

    // VK ID's address is never taken as verified: even one its form "verified" and
    // that matches Ada's account leads to registration (which refuses the taken
    // address), never to a link into her account.
    let unverified = sign_in(&app, "vk", "ada@example.com", true).await;
    assert_eq!(unverified.status(), StatusCode::OK);
    let unverified: Value = unverified.json().await.unwrap();
    assert_eq!(unverified["registration_required"], true, "{unverified}");
    assert_eq!(unverified["profile"]["email"], "ada@example.com");
    assert_eq!(unverified["profile"]["display_name"], "Ada L.");
    let takeover = registration_with(unverified["registration_token"].as_str().unwrap());
    assert_problem(app.register(&takeover).await, 409, "email_taken").await;
}

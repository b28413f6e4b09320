use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::future::join_all;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use natives_shared::auth::{AuthUser, Ed25519KeyPair, TokenSigner};
use natives_shared::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

#[tokio::test]
async fn login_answers_a_bearer_token_pair_that_opens_the_account() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;

    let tokens = app.logged_in("ADA@example.com ", &user.password).await;

    assert_eq!(tokens["token_type"], "Bearer");
    let lifetime = tokens["expires_in"].as_i64().unwrap();
    assert!((1..=900).contains(&lifetime), "{lifetime}");
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert!(refresh.len() >= 43, "256 bits of base64url");
    let response = app.get_me(tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;

    let wrong_password = app.login(&user.email, "not the password").await;
    let unknown_email = app.login("nobody@example.com", &user.password).await;
    let not_an_email = app.login("nobody", &user.password).await;

    let mut bodies = Vec::new();
    for response in [wrong_password, unknown_email, not_an_email] {
        bodies.push(assert_problem(response, 401, "invalid_credentials").await);
    }
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[1], bodies[2]);
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_whole_login() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;

    let response = app.refresh(&user.refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let rotated: Value = response.json().await.unwrap();
    let second = rotated["refresh_token"].as_str().unwrap();
    assert_ne!(second, user.refresh_token);
    assert_eq!(
        app.get_me(rotated["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );

    // the first token again: someone has a copy
    assert_problem(
        app.refresh(&user.refresh_token).await,
        401,
        "invalid_refresh_token",
    )
    .await;
    // so its successor is dead too
    assert_problem(app.refresh(second).await, 401, "invalid_refresh_token").await;
    // another login is unaffected
    let other = app.logged_in(&user.email, &user.password).await;
    assert_eq!(
        app.refresh(other["refresh_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_refresh_token_raced_by_two_clients_rotates_at_most_once() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;

    let responses = join_all((0..10).map(|_| app.refresh(&user.refresh_token))).await;

    let mut successors = Vec::new();
    for response in responses {
        match response.status().as_u16() {
            200 => {
                successors.push(response.json::<Value>().await.unwrap()["refresh_token"].clone())
            }
            401 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(
        successors.len() <= 1,
        "{} rotations of one token",
        successors.len()
    );
    // the reuse revoked the family, so no successor works either
    for successor in successors {
        assert_problem(
            app.refresh(successor.as_str().unwrap()).await,
            401,
            "invalid_refresh_token",
        )
        .await;
    }
}

#[tokio::test]
async fn logout_ends_that_login_only() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let other = app.logged_in(&user.email, &user.password).await;

    let logout = |token: String| {
        let app: &TestApp = &app;
        async move {
            app.post_json("/v1/sessions/logout", &json!({ "refresh_token": token }))
                .await
        }
    };
    assert_eq!(
        logout(user.refresh_token.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        logout(user.refresh_token.clone()).await.status(),
        StatusCode::NO_CONTENT,
        "idempotent"
    );
    assert_eq!(
        logout("not-a-token".into()).await.status(),
        StatusCode::NO_CONTENT
    );

    assert_problem(
        app.refresh(&user.refresh_token).await,
        401,
        "invalid_refresh_token",
    )
    .await;
    assert_eq!(
        app.refresh(other["refresh_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn revoke_all_ends_every_token_issued_before_it() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let other = app.logged_in(&user.email, &user.password).await;
    let other_access = other["access_token"].as_str().unwrap();

    let response = app
        .post_with_token("/v1/sessions/revoke-all", &user.access_token)
        .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for token in [user.access_token.as_str(), other_access] {
        assert_problem(app.get_me(token).await, 401, "unauthorized").await;
        assert_problem(
            app.patch_me(token, &json!({ "city": "Paris" })).await,
            401,
            "unauthorized",
        )
        .await;
    }
    for refresh in [
        user.refresh_token.as_str(),
        other["refresh_token"].as_str().unwrap(),
    ] {
        assert_problem(app.refresh(refresh).await, 401, "invalid_refresh_token").await;
    }
    assert_problem(
        app.post_with_token("/v1/sessions/revoke-all", other_access)
            .await,
        401,
        "unauthorized",
    )
    .await;
    let fresh = app.logged_in(&user.email, &user.password).await;
    assert_eq!(
        app.get_me(fresh["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

fn claims_of(user: &TestUser) -> AuthUser {
    AuthUser {
        account_id: user.account_id(),
        roles: vec![Role::User, Role::Admin],
        token_generation: 0,
        session_id: natives_shared::domain::SessionId::new(),
        display_name: None,
        scope: Default::default(),
    }
}

#[tokio::test]
async fn forged_expired_and_misused_tokens_get_401() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let keys = app.signing_keys();
    let now = OffsetDateTime::now_utc();
    let signer = TokenSigner::new(
        &keys.private_pkcs8_base64,
        "natives.chat",
        "natives.chat/api",
        900,
    )
    .unwrap();
    assert_eq!(
        app.get_me(&signer.issue(&claims_of(&user), now))
            .await
            .status(),
        200,
        "the control case"
    );

    let other_key = Ed25519KeyPair::generate();
    let other_signer = TokenSigner::new(
        &other_key.private_pkcs8_base64,
        "natives.chat",
        "natives.chat/api",
        900,
    )
    .unwrap();
    let wrong_audience =
        TokenSigner::new(&keys.private_pkcs8_base64, "natives.chat", "elsewhere", 900).unwrap();
    let genuine = user.access_token.clone();
    let parts: Vec<&str> = genuine.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["roles"] = json!(["user", "admin"]);
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    let hs256_with_public_key = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap(),
        &EncodingKey::from_secret(keys.public_base64url.as_bytes()),
    )
    .unwrap();
    // Signed with the stack's key, under its kid: each case differs from a good token in
    // one thing.
    let signed = |header: Header, claims: &Value| {
        jsonwebtoken::encode(
            &header,
            claims,
            &EncodingKey::from_ed_der(
                &base64::engine::general_purpose::STANDARD
                    .decode(&keys.private_pkcs8_base64)
                    .unwrap(),
            ),
        )
        .unwrap()
    };
    let header = |typ: Option<&str>, kid: Option<&str>| {
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = typ.map(str::to_owned);
        header.kid = kid.map(str::to_owned);
        header
    };
    let good_claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let kid = signer.kid().to_owned();
    assert_eq!(
        app.get_me(&signed(header(Some("at+jwt"), Some(&kid)), &good_claims))
            .await
            .status(),
        200,
        "the control case, signed by hand"
    );
    let mut refresh_payload = good_claims.clone();
    refresh_payload["token_use"] = json!("refresh");
    let wrong_type = signed(header(Some("at+jwt"), Some(&kid)), &refresh_payload);
    let typ_jwt = signed(header(Some("JWT"), Some(&kid)), &good_claims);
    let no_typ = signed(header(None, Some(&kid)), &good_claims);
    let no_kid = signed(header(Some("at+jwt"), None), &good_claims);
    let unknown_kid = signed(header(Some("at+jwt"), Some("another-key")), &good_claims);

    let cases = [
        (
            "expired",
            signer.issue(&claims_of(&user), now - Duration::minutes(16)),
        ),
        (
            "signed with another key",
            other_signer.issue(&claims_of(&user), now),
        ),
        (
            "for another audience",
            wrong_audience.issue(&claims_of(&user), now),
        ),
        ("tampered payload", tampered),
        ("alg none", alg_none),
        ("HS256 keyed with the public key", hs256_with_public_key),
        ("token_use other than access", wrong_type),
        ("typ JWT instead of at+jwt", typ_jwt),
        ("no typ", no_typ),
        ("no kid", no_kid),
        ("a kid the stack does not hold", unknown_kid),
        ("the refresh token", user.refresh_token.clone()),
        ("garbage", "abc.def.ghi".into()),
    ];
    for (description, token) in cases {
        let response = app.get_me(&token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{description}");
        assert_problem(response, 401, "unauthorized").await;
    }

    let no_header = app.client.get(app.url("/v1/me")).send().await.unwrap();
    assert_problem(no_header, 401, "unauthorized").await;
    let basic = app
        .client
        .get(app.url("/v1/me"))
        .header("authorization", format!("Basic {genuine}"))
        .send()
        .await
        .unwrap();
    assert_problem(basic, 401, "unauthorized").await;
}

#[tokio::test]
async fn access_tokens_expire_after_fifteen_minutes_on_the_servers_clock() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    app.clock.advance(Duration::minutes(14));
    assert_eq!(app.get_me(&user.access_token).await.status(), 200);
    app.clock.advance(Duration::seconds(60 + 30));
    assert_problem(app.get_me(&user.access_token).await, 401, "unauthorized").await;
    // the refresh token still works and gives a fresh access token
    let response = app.refresh(&user.refresh_token).await;
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.unwrap();
    assert_eq!(
        app.get_me(tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn refresh_and_logout_refuse_bad_bodies() {
    let app = spawn_app().await;
    for path in [
        "/v1/sessions/refresh",
        "/v1/sessions/logout",
        "/v1/sessions",
    ] {
        assert_problem(
            app.post_raw(path, Some("application/json"), "{").await,
            400,
            "malformed_json",
        )
        .await;
        assert_problem(
            app.post_raw(path, Some("text/plain"), "{}").await,
            415,
            "unsupported_media_type",
        )
        .await;
        assert_problem(
            app.post_json(path, &json!({})).await,
            422,
            "validation_failed",
        )
        .await;
        assert_problem(
            app.post_json(path, &json!({ "refresh_token": "x", "extra": 1 }))
                .await,
            422,
            "validation_failed",
        )
        .await;
    }
    assert_problem(
        app.refresh("not-a-token").await,
        401,
        "invalid_refresh_token",
    )
    .await;
    assert_problem(
        app.refresh(&"A".repeat(43)).await,
        401,
        "invalid_refresh_token",
    )
    .await;
}

/// DynamoDB's TTL deletes an expired item late (typically within days of its time): a
/// refresh token past its lifetime is still in the table meanwhile, and refused all the
/// same.
#[tokio::test]
async fn a_refresh_token_past_its_lifetime_is_refused_while_ttl_has_not_deleted_it() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let rotated: Value = app.refresh(&user.refresh_token).await.json().await.unwrap();
    let refresh = rotated["refresh_token"]
        .as_str()
        .expect("the control case rotates");
    let lifetime = Duration::days(app.stack.app.settings.refresh_token_days);
    app.clock.advance(lifetime + Duration::minutes(1));
    assert!(
        app.stored_under("REFRESH#").await >= 2,
        "the expired tokens are still stored"
    );
    assert_problem(app.refresh(refresh).await, 401, "invalid_refresh_token").await;
}

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn the_owner_reads_their_account() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;

    let response = app.get_me(&user.access_token).await;

    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["id"], user.id.as_str());
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["roles"], json!(["user"]));
    assert_eq!(me["status"], "active");
    assert_eq!(me["balance_credits"], 0);
    assert!(me.get("password_hash").is_none());
}

#[tokio::test]
async fn patch_rectifies_profile_fields_and_clears_optional_ones() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    app.patch_me(
        &user.access_token,
        &json!({ "full_name": "Ada King", "city": "London" }),
    )
    .await;

    let response = app
        .patch_me(
            &user.access_token,
            &json!({
                "display_name": "Ada L.",
                "full_name": null,
                "country": "fr",
                "native_languages": ["en-GB", "fr"],
                "learning_languages": []
            }),
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let patched: Value = response.json().await.unwrap();
    let me: Value = app.get_me(&user.access_token).await.json().await.unwrap();
    for account in [&patched, &me] {
        assert_eq!(account["display_name"], "Ada L.");
        assert_eq!(account["full_name"], Value::Null);
        assert_eq!(account["city"], "London", "untouched");
        assert_eq!(account["country"], "FR");
        assert_eq!(account["native_languages"], json!(["en-GB", "fr"]));
        assert_eq!(account["learning_languages"], json!([]));
    }
}

#[tokio::test]
async fn patch_refuses_fields_that_are_not_the_owners_to_change() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let before: Value = app.get_me(&user.access_token).await.json().await.unwrap();

    for (field, value) in [
        ("roles", json!(["admin"])),
        ("balance_credits", json!(1_000_000)),
        ("status", json!("active")),
        ("email", json!("eve@example.com")),
        ("token_generation", json!(0)),
        ("password_hash", json!("x")),
    ] {
        let body = json!({ "display_name": "Eve", field: value });
        let problem = assert_problem(
            app.patch_me(&user.access_token, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field);
    }

    let after: Value = app.get_me(&user.access_token).await.json().await.unwrap();
    assert_eq!(before, after, "nothing was applied");
}

#[tokio::test]
async fn bad_patches_are_refused() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    for (description, body, field) in [
        ("empty", json!({}), "body"),
        (
            "required field nulled",
            json!({ "display_name": null }),
            "display_name",
        ),
        (
            "native languages nulled",
            json!({ "native_languages": null }),
            "native_languages",
        ),
        (
            "no native language",
            json!({ "native_languages": [] }),
            "native_languages",
        ),
        ("unassigned country", json!({ "country": "XX" }), "country"),
        ("over-long city", json!({ "city": "x".repeat(101) }), "city"),
    ] {
        let problem = assert_problem(
            app.patch_me(&user.access_token, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{description}");
    }
    let response = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&user.access_token)
        .header("content-type", "text/plain")
        .body(r#"{"city":"Paris"}"#)
        .send()
        .await
        .unwrap();
    assert_problem(response, 415, "unsupported_media_type").await;
    let response = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&user.access_token)
        .header("content-type", "application/json")
        .body("{city")
        .send()
        .await
        .unwrap();
    assert_problem(response, 400, "malformed_json").await;
}

#[tokio::test]
async fn blocking_my_own_account_ends_my_sessions_and_logins() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;

    let response = app
        .post_with_token("/v1/me/block", &user.access_token)
        .await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get_me(&user.access_token).await, 401, "unauthorized").await;
    let problem = assert_problem(
        app.login(&user.email, &user.password).await,
        403,
        "account_blocked",
    )
    .await;
    assert!(
        problem.get("blocked_until").is_none_or(Value::is_null),
        "a permanent block"
    );
    assert_problem(
        app.refresh(&user.refresh_token).await,
        403,
        "account_blocked",
    )
    .await;
    assert_problem(
        app.post_with_token("/v1/me/block", &user.access_token)
            .await,
        401,
        "unauthorized",
    )
    .await;
}

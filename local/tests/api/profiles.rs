//! Public profiles: what anyone sees of a person (never anything private), levels in
//! the languages they learn, a private Skype login, and profile photos re-encoded
//! without their metadata.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};

impl TestApp {
    /// `GET /v1/accounts/{id}` without a token.
    pub(crate) async fn profile(&self, account_id: &str) -> reqwest::Response {
        self.client
            .get(self.url(&format!("/v1/accounts/{account_id}")))
            .send()
            .await
            .expect("request")
    }
}

/// A member with a full profile: city, gender, full name, Skype, levels.
async fn member_with_private_data(app: &TestApp) -> TestUser {
    let user = app.registered_user("ada.private@example.com").await;
    let response = app
        .patch_me(
            &user.access_token,
            &json!({
                "full_name": "Ada Lovelace-King",
                "gender": "female",
                "city": "Marylebone",
                "skype": "ada.skype.login",
                "learning_languages": ["de", "fr"],
                "learning_levels": { "de": "B2" }
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    user
}

#[tokio::test]
async fn the_public_profile_shows_the_public_fields_and_never_a_private_one() {
    let app = spawn_app().await;
    let user = member_with_private_data(&app).await;

    let response = app.profile(&user.id).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public"),
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let raw = response.text().await.unwrap();
    for private in [
        "ada.private@example.com",
        "1990-12-10",
        "ada.skype.login",
        "Lovelace",
        "Marylebone",
        "female",
        "country",
        "email",
        "balance",
    ] {
        assert!(!raw.contains(private), "{private} in {raw}");
    }
    let profile: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(profile["id"], user.id.as_str());
    assert_eq!(profile["display_name"], "Ada");
    assert_eq!(profile["native_languages"], json!(["en-GB"]));
    assert_eq!(
        profile["learning_languages"],
        json!([{ "language": "de", "level": "B2" }, { "language": "fr" }])
    );
    assert_eq!(profile["roles"], json!([]));
    assert!(profile["member_since"].as_str().unwrap().len() == 10);
    assert!(profile.get("photo").is_none());

    let again = app
        .client
        .get(app.url(&format!("/v1/accounts/{}", user.id)))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn skype_and_levels_are_the_owners_to_read_and_change() {
    let app = spawn_app().await;
    let user = member_with_private_data(&app).await;

    let me: Value = app.get_me(&user.access_token).await.json().await.unwrap();
    assert_eq!(me["skype"], "ada.skype.login");
    assert_eq!(me["learning_levels"], json!({ "de": "B2" }));
    let export: Value = app
        .send(Method::GET, "/v1/me/export", Some(&user.access_token), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(export.to_string().contains("ada.skype.login"));

    for (field, value) in [
        ("learning_levels", json!({ "de": "D1" })),
        ("learning_levels", json!({ "not a tag": "A1" })),
        ("learning_levels", json!(["B2"])),
        ("skype", json!("x@example.com")),
        ("skype", json!("abc")),
    ] {
        let problem = assert_problem(
            app.patch_me(&user.access_token, &json!({ field: value }))
                .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{value}");
    }

    let cleared: Value = app
        .patch_me(
            &user.access_token,
            &json!({ "skype": null, "learning_levels": null }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["skype"], Value::Null);
    assert_eq!(cleared["learning_levels"], json!({}));
}

#[tokio::test]
async fn a_blocked_accounts_profile_stays_readable_and_an_erased_one_is_a_former_member() {
    let app = spawn_app().await;
    let blocked = app.registered_user("blocked@example.com").await;
    let response = app
        .post_with_token("/v1/me/block", &blocked.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let profile: Value = app.profile(&blocked.id).await.json().await.unwrap();
    assert_eq!(profile["display_name"], "Ada");

    let erased = member_with_private_data(&app).await;
    let response = app.erase(&erased.access_token, &erased.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.profile(&erased.id).await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(
        profile,
        json!({
            "id": erased.id,
            "display_name": "Former member",
            "native_languages": [],
            "learning_languages": [],
            "roles": []
        })
    );

    let unknown = app.profile("01JZZZZZZZZZZZZZZZZZZZZZZZ").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

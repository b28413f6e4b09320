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
    let export = app.export(&user).await;
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

const PHOTO_JPEG: &[u8] = include_bytes!("../../../media/fixtures/photo-exif-gps.jpg");
const PHOTO_PNG: &[u8] = include_bytes!("../../../media/fixtures/photo-text.png");
const DRAWING_SVG: &[u8] = include_bytes!("../../../media/fixtures/drawing.svg");

fn sha256(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The segments of a JPEG before its scan: only JFIF, tables and a baseline frame (no
/// EXIF, XMP, ICC, IPTC or comment can be there); returns the frame's width and height.
fn bare_jpeg_size(bytes: &[u8]) -> (u16, u16) {
    assert_eq!(&bytes[..2], [0xFF, 0xD8], "not a JPEG");
    let mut at = 2;
    let mut size = None;
    loop {
        assert_eq!(bytes[at], 0xFF, "no marker at {at}");
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        match marker {
            0xE0 => assert_eq!(&bytes[at + 4..at + 9], b"JFIF\0"),
            0xDB | 0xC4 => {}
            0xC0 => {
                let height = u16::from_be_bytes([bytes[at + 5], bytes[at + 6]]);
                let width = u16::from_be_bytes([bytes[at + 7], bytes[at + 8]]);
                size = Some((width, height));
            }
            0xDA => break,
            other => panic!("segment {other:#04X} in the published JPEG"),
        }
        at += 2 + length;
    }
    size.expect("a baseline frame")
}

impl TestApp {
    /// Declares `bytes` as `content_type`, and PUTs them to the ticket's URL.
    pub(crate) async fn upload_photo(
        &self,
        user: &TestUser,
        content_type: &str,
        bytes: &[u8],
    ) -> String {
        let response = self
            .send(
                Method::POST,
                "/v1/me/photo-uploads",
                Some(&user.access_token),
                Some(&json!({
                    "content_type": content_type,
                    "size_bytes": bytes.len(),
                    "sha256": sha256(bytes),
                })),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let ticket: Value = response.json().await.unwrap();
        let mut put = self
            .client
            .put(ticket["upload_url"].as_str().unwrap())
            .body(bytes.to_vec());
        for (name, value) in ticket["upload_headers"].as_object().unwrap() {
            put = put.header(name, value.as_str().unwrap());
        }
        let stored = put.send().await.unwrap();
        assert!(stored.status().is_success(), "{}", stored.status());
        ticket["upload_id"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn set_photo(&self, user: &TestUser, upload_id: &str) -> reqwest::Response {
        self.send(
            Method::PUT,
            "/v1/me/photo",
            Some(&user.access_token),
            Some(&json!({ "upload_id": upload_id })),
        )
        .await
    }

    async fn fetch(&self, url: &str) -> reqwest::Response {
        self.client.get(url).send().await.unwrap()
    }

    /// Both URLs of a photo answer 404.
    async fn assert_photo_gone(&self, urls: &Value, what: &str) {
        for url in [&urls["url"], &urls["thumbnail_url"]] {
            let gone = self.fetch(url.as_str().unwrap()).await;
            assert_eq!(gone.status(), StatusCode::NOT_FOUND, "{what}");
        }
    }
}

#[tokio::test]
async fn a_jpeg_with_gps_and_a_png_with_text_come_back_stripped_and_scaled() {
    let app = spawn_app().await;
    let user = app.registered_user("photo@example.com").await;
    // What the uploads carry, checked here so the test cannot pass on clean fixtures.
    for (fixture, needles) in [
        (PHOTO_JPEG, &[&b"Exif"[..], b"Ann Example", b"xmpmeta"][..]),
        (
            PHOTO_PNG,
            &[&b"tEXt"[..], b"secret note", b"Ann Example"][..],
        ),
    ] {
        for needle in needles {
            assert!(contains(fixture, needle));
        }
    }

    for (content_type, bytes, photo_size, thumbnail_size) in [
        // 800x600 stored sideways (EXIF orientation 6): a portrait once upright.
        ("image/jpeg", PHOTO_JPEG, (384, 512), (72, 96)),
        ("image/png", PHOTO_PNG, (512, 341), (96, 64)),
    ] {
        let upload = app.upload_photo(&user, content_type, bytes).await;
        let response = app.set_photo(&user, &upload).await;
        assert_eq!(response.status(), StatusCode::OK, "{content_type}");
        let urls: Value = response.json().await.unwrap();
        let profile: Value = app.profile(&user.id).await.json().await.unwrap();
        assert_eq!(profile["photo"], urls, "the profile shows the new photo");

        for (url, size) in [
            (&urls["url"], photo_size),
            (&urls["thumbnail_url"], thumbnail_size),
        ] {
            let fetched = app.fetch(url.as_str().unwrap()).await;
            assert_eq!(fetched.status(), StatusCode::OK);
            let published = fetched.bytes().await.unwrap();
            assert_eq!(bare_jpeg_size(&published), size, "{content_type}");
            for needle in [
                &b"Exif"[..],
                b"Ann Example",
                b"xmpmeta",
                b"tEXt",
                b"secret note",
                b"taken at home",
            ] {
                assert!(!contains(&published, needle), "{needle:?} survived");
            }
        }
    }
}

#[tokio::test]
async fn what_is_not_an_image_of_its_declared_type_is_refused() {
    let app = spawn_app().await;
    let user = app.registered_user("photo@example.com").await;

    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let upload = app.upload_photo(&user, "image/png", &random).await;
    assert_problem(app.set_photo(&user, &upload).await, 422, "invalid_image").await;

    // A JPEG declared as PNG.
    let upload = app.upload_photo(&user, "image/png", PHOTO_JPEG).await;
    assert_problem(app.set_photo(&user, &upload).await, 422, "invalid_image").await;

    for (content_type, size) in [
        ("image/svg+xml", DRAWING_SVG.len()),
        ("image/jpeg", 5 * 1024 * 1024 + 1),
    ] {
        let response = app
            .send(
                Method::POST,
                "/v1/me/photo-uploads",
                Some(&user.access_token),
                Some(&json!({
                    "content_type": content_type,
                    "size_bytes": size,
                    "sha256": sha256(DRAWING_SVG),
                })),
            )
            .await;
        assert_problem(response, 422, "validation_failed").await;
    }
    let profile: Value = app.profile(&user.id).await.json().await.unwrap();
    assert!(profile.get("photo").is_none(), "nothing was published");
    // Another account's upload is not found under the caller's.
    let other = app.registered_user("other@example.com").await;
    let theirs = app.upload_photo(&other, "image/jpeg", PHOTO_JPEG).await;
    assert_eq!(
        app.set_photo(&user, &theirs).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_replaced_deleted_or_erased_photos_urls_stop_working() {
    let app = spawn_app().await;
    let user = app.registered_user("photo@example.com").await;
    let first = app.upload_photo(&user, "image/jpeg", PHOTO_JPEG).await;
    let first: Value = app.set_photo(&user, &first).await.json().await.unwrap();
    let second = app.upload_photo(&user, "image/png", PHOTO_PNG).await;
    let second: Value = app.set_photo(&user, &second).await.json().await.unwrap();
    app.assert_photo_gone(&first, "the replaced photo").await;
    assert_eq!(
        app.fetch(second["url"].as_str().unwrap()).await.status(),
        StatusCode::OK
    );

    let response = app
        .send(
            Method::DELETE,
            "/v1/me/photo",
            Some(&user.access_token),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    app.assert_photo_gone(&second, "the deleted photo").await;
    let profile: Value = app.profile(&user.id).await.json().await.unwrap();
    assert!(profile.get("photo").is_none());
    let again = app
        .send(
            Method::DELETE,
            "/v1/me/photo",
            Some(&user.access_token),
            None,
        )
        .await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);

    let third = app.upload_photo(&user, "image/jpeg", PHOTO_JPEG).await;
    let third: Value = app.set_photo(&user, &third).await.json().await.unwrap();
    let response = app.erase(&user.access_token, &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    app.assert_photo_gone(&third, "the erased photo").await;
}

impl TestApp {
    /// A client of the stack's own S3, as an operator would reach the photos bucket.
    async fn photos_s3(&self) -> aws_sdk_s3::Client {
        let sdk = natives_local::embedded::sdk_config(&self.stack.endpoints.s3).await;
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        )
    }

    /// Every key of `user`'s photo files in the photos bucket.
    async fn photo_keys(&self, user: &TestUser) -> Vec<String> {
        let listed = self
            .photos_s3()
            .await
            .list_objects_v2()
            .bucket(natives_local::PHOTOS_BUCKET)
            .prefix(format!("photos/{}/", user.id))
            .send()
            .await
            .unwrap();
        let mut keys: Vec<String> = listed
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect();
        keys.sort();
        keys
    }

    /// A file of a photo the account no longer names, as a delete that failed leaves it.
    async fn leave_stray_photo_file(&self, user: &TestUser) -> String {
        let key = format!(
            "photos/{}/{}/photo.jpg",
            user.id,
            natives_shared::domain::UploadId::new()
        );
        self.photos_s3()
            .await
            .put_object()
            .bucket(natives_local::PHOTOS_BUCKET)
            .key(&key)
            .body(PHOTO_JPEG.to_vec().into())
            .send()
            .await
            .unwrap();
        key
    }
}

/// The two files of the photo made from `upload_id`.
fn files_of(user: &TestUser, upload_id: &str) -> Vec<String> {
    ["photo.jpg", "thumbnail.jpg"]
        .map(|file| format!("photos/{}/{upload_id}/{file}", user.id))
        .to_vec()
}

#[tokio::test]
async fn files_a_failed_delete_left_are_swept_by_the_next_change_and_by_erasure() {
    let app = spawn_app().await;
    let user = app.registered_user("stray@example.com").await;
    let first = app.upload_photo(&user, "image/jpeg", PHOTO_JPEG).await;
    assert_eq!(app.set_photo(&user, &first).await.status(), StatusCode::OK);
    let stray = app.leave_stray_photo_file(&user).await;

    // A new photo: the replaced one's files go; the stray file is younger than a photo
    // can take to be set (it may be another request's, being set), so it stays.
    let second = app.upload_photo(&user, "image/png", PHOTO_PNG).await;
    assert_eq!(app.set_photo(&user, &second).await.status(), StatusCode::OK);
    let mut expected = files_of(&user, &second);
    expected.push(stray.clone());
    expected.sort();
    assert_eq!(app.photo_keys(&user).await, expected);

    // Past that window, the next change deletes it with the replaced photo's files. (The
    // upload comes first: its URL is signed at the stack's time, which S3 must accept.)
    let third = app.upload_photo(&user, "image/jpeg", PHOTO_JPEG).await;
    app.clock.advance(time::Duration::minutes(16));
    let session = app.logged_in(&user.email, &user.password).await;
    let first_token = user.access_token.clone();
    let user = TestUser {
        access_token: session["access_token"].as_str().unwrap().to_owned(),
        ..user
    };
    assert_eq!(app.set_photo(&user, &third).await.status(), StatusCode::OK);
    assert_eq!(app.photo_keys(&user).await, files_of(&user, &third));

    // Erasure deletes every file, the current photo's and a fresh stray one alike (back
    // at the first session's time, where both are younger than the window).
    app.clock.advance(time::Duration::minutes(-16));
    app.leave_stray_photo_file(&user).await;
    let response = app.erase(&first_token, &user.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.photo_keys(&user).await, Vec::<String>::new());
}

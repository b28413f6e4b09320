use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, macros::format_description};

use crate::helpers::{assert_problem, registration, spawn_app};

fn date_years_ago(years: i32, extra_days: i64) -> String {
    let today = OffsetDateTime::now_utc().date();
    let date =
        today.replace_year(today.year() - years).unwrap_or(today) + Duration::days(extra_days);
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap()
}

#[tokio::test]
async fn registration_answers_201_with_the_account_and_no_secrets() {
    let app = spawn_app().await;
    let mut body = registration("  Ada@Example.com ");
    body["full_name"] = json!("Ada Lovelace");
    body["consents"] = json!({ "marketing_emails": true, "notification_emails": false });

    let response = app.register(&body).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["location"], "/v1/me");
    let account: Value = response.json().await.unwrap();
    assert_eq!(account["email"], "ada@example.com");
    assert_eq!(account["full_name"], "Ada Lovelace");
    assert_eq!(account["roles"], json!(["user"]));
    assert_eq!(account["status"], "active");
    assert_eq!(account["balance_credits"], 0);
    assert_eq!(account["accepted_terms_version"], "2026-11-01");
    assert!(
        account["terms_accepted_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(account["consents"]["marketing_emails"], true);
    let text = account.to_string();
    for secret in ["password", "argon2", "token_generation"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    // the account item, the e-mail claim, the first terms acceptance and consent
    // record of their histories, and the code that verifies the address with its e-mail
    assert_eq!(app.item_count().await, 6);
}

#[tokio::test]
async fn an_email_is_taken_whatever_its_case_or_spacing() {
    let app = spawn_app().await;
    assert_eq!(
        app.register(&registration("ada@example.com"))
            .await
            .status(),
        201
    );

    for variant in ["ada@example.com", "ADA@example.COM", " ada@example.com\t"] {
        let response = app.register(&registration(variant)).await;
        assert_problem(response, 409, "email_taken").await;
    }
    assert_eq!(app.item_count().await, 6, "nothing more was written");
}

#[tokio::test]
async fn concurrent_registrations_of_one_email_create_exactly_one_account() {
    let app = spawn_app().await;
    let body = registration("race@example.com");
    let responses = join_all((0..20).map(|_| app.register(&body))).await;

    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
    assert_eq!(
        app.item_count().await,
        6,
        "one account, its claim, histories and verification code"
    );
}

#[tokio::test]
async fn minors_register_only_with_a_consenting_guardian() {
    let app = spawn_app().await;
    let minor = |email: &str| {
        let mut body = registration(email);
        body["date_of_birth"] = json!(date_years_ago(18, 1)); // 18 tomorrow
        body
    };

    assert_problem(
        app.register(&minor("teen@example.com")).await,
        422,
        "guardian_required",
    )
    .await;

    let mut refused = minor("teen@example.com");
    refused["guardian"] = json!({ "name": "Pat", "email": "pat@example.com", "consent": false });
    assert_problem(app.register(&refused).await, 422, "guardian_required").await;
    assert_eq!(app.item_count().await, 0);

    let mut consented = minor("teen@example.com");
    consented["guardian"] = json!({ "name": "Pat", "email": "Pat@Example.com", "consent": true });
    let response = app.register(&consented).await;
    assert_eq!(response.status(), 201);
    let account: Value = response.json().await.unwrap();
    assert_eq!(
        account["guardian"],
        json!({
            "name": "Pat",
            "email": "pat@example.com",
            "consent": true,
            "consent_requested_at": account["created_at"],
        })
    );

    let mut adult_today = registration("adult@example.com");
    adult_today["date_of_birth"] = json!(date_years_ago(18, 0));
    assert_eq!(
        app.register(&adult_today).await.status(),
        201,
        "18 today needs no guardian"
    );
}

/// The token of the one consent link e-mailed to `guardian` for `account_id` (the
/// outbox is where the local stack's e-mail goes).
async fn consent_link_token(
    app: &crate::helpers::TestApp,
    guardian: &str,
    account_id: &str,
) -> String {
    let to_guardian: Vec<_> = app
        .stack
        .app
        .store
        .outbox()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.to.as_ref().map(|to| to.to_string()).as_deref() == Some(guardian))
        .collect();
    assert_eq!(to_guardian.len(), 1, "one e-mail to the guardian");
    let link_start = format!("https://natives.chat/guardian-consent?account={account_id}&token=");
    let line = to_guardian[0]
        .body
        .lines()
        .find(|line| line.starts_with(&link_start))
        .expect("the e-mail carries the consent link");
    line[link_start.len()..].to_owned()
}

/// A minor registered naming `guardian`: its id and access token.
async fn minor_registered(
    app: &crate::helpers::TestApp,
    email: &str,
    guardian: &str,
) -> (String, String) {
    let mut body = registration(email);
    body["date_of_birth"] = json!(date_years_ago(15, 0));
    body["guardian"] = json!({ "name": "Pat", "email": guardian, "consent": true });
    assert_eq!(app.register(&body).await.status(), 201);
    let tokens = app.logged_in(email, "correct horse battery").await;
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    let me: Value = app.get_me(&token).await.json().await.unwrap();
    (me["id"].as_str().unwrap().to_owned(), token)
}

/// A consent link proves one account and guardian, and only for its lifetime: a token
/// forged, cut, or made for another minor is refused alike, an old one is told it
/// expired, and none of them lets the account post.
#[tokio::test]
async fn a_consent_link_is_refused_when_forged_borrowed_or_expired() {
    let app = &spawn_app().await;
    let (teen, _) = minor_registered(app, "teen@example.com", "pat@example.com").await;
    let (kid, _) = minor_registered(app, "kid@example.com", "sam@example.com").await;
    let teens_link = consent_link_token(app, "pat@example.com", &teen).await;
    let kids_link = consent_link_token(app, "sam@example.com", &kid).await;
    let confirm = |account: &str, token: &str| {
        let body = json!({ "account_id": account, "token": token });
        async move { app.post_json("/v1/guardian-consents", &body).await }
    };
    let mut flipped = teens_link.clone();
    let last = if flipped.ends_with('0') { "1" } else { "0" };
    flipped.replace_range(63.., last);
    for (why, account, token) in [
        ("one digit changed", teen.as_str(), flipped.as_str()),
        ("cut short", &teen, &teens_link[..32]),
        ("another minor's link", &teen, &kids_link),
        ("empty", &teen, ""),
    ] {
        let problem =
            assert_problem(confirm(account, token).await, 422, "invalid_consent_link").await;
        assert!(
            problem["detail"].as_str().unwrap().contains("not valid"),
            "{why}"
        );
    }

    app.clock.advance(Duration::days(30) + Duration::seconds(1));
    let expired = assert_problem(
        confirm(&teen, &teens_link).await,
        422,
        "consent_link_expired",
    )
    .await;
    assert!(
        expired["detail"].as_str().unwrap().contains("expired"),
        "{expired}"
    );
    // A forged token says nothing about the real link's age.
    assert_problem(confirm(&teen, &flipped).await, 422, "invalid_consent_link").await;
    let open = json!({ "language": "de", "title": "Feierabend", "text": "Hallo zusammen" });
    let me = app
        .logged_in("teen@example.com", "correct horse battery")
        .await;
    let fresh = me["access_token"].as_str().unwrap();
    assert_problem(
        app.send(
            reqwest::Method::POST,
            "/v1/threads",
            Some(fresh),
            Some(&open),
        )
        .await,
        403,
        "guardian_consent_pending",
    )
    .await;
}

/// A minor's self-declared guardian is e-mailed a consent link; until the guardian
/// follows it, the account reads and manages itself but neither posts nor pays.
#[tokio::test]
async fn a_minors_account_posts_and_pays_only_once_the_guardian_confirms() {
    let app = &spawn_app().await;
    let mut body = registration("teen@example.com");
    body["date_of_birth"] = json!(date_years_ago(15, 0));
    body["guardian"] = json!({ "name": "Pat", "email": "pat@example.com", "consent": true });
    assert_eq!(app.register(&body).await.status(), 201);
    let tokens = app
        .logged_in("teen@example.com", "correct horse battery")
        .await;
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    let me: Value = app.get_me(&token).await.json().await.unwrap();
    let account_id = me["id"].as_str().unwrap().to_owned();
    assert!(me["guardian"]["consent_requested_at"].is_string());
    assert!(me["guardian"].get("confirmed_at").is_none(), "pending");

    let link_token = consent_link_token(app, "pat@example.com", &account_id).await;

    let user = crate::helpers::TestUser {
        id: account_id.clone(),
        email: "teen@example.com".into(),
        password: "correct horse battery".into(),
        access_token: token.clone(),
        refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
    };
    app.fund(&user, 100).await;
    let open = json!({ "language": "de", "title": "Feierabend", "text": "Hallo zusammen" });
    let post = || async {
        app.send(
            reqwest::Method::POST,
            "/v1/threads",
            Some(&token),
            Some(&open),
        )
        .await
    };
    let checkout = json!({ "tariff_id": "starter" });
    assert_problem(post().await, 403, "guardian_consent_pending").await;
    assert_problem(
        app.send(
            reqwest::Method::POST,
            "/v1/checkout",
            Some(&token),
            Some(&checkout),
        )
        .await,
        403,
        "guardian_consent_pending",
    )
    .await;
    // It still manages itself.
    assert_eq!(
        app.patch_me(&token, &json!({ "city": "Leeds" }))
            .await
            .status(),
        200
    );

    let confirm = |account: &str, token: &str| {
        let body = json!({ "account_id": account, "token": token });
        async move { app.post_json("/v1/guardian-consents", &body).await }
    };
    let wrong = "0".repeat(link_token.len());
    assert_problem(
        confirm(&account_id, &wrong).await,
        422,
        "invalid_consent_link",
    )
    .await;
    let nobody = natives_shared::domain::AccountId::new().to_string();
    assert_problem(
        confirm(&nobody, &link_token).await,
        422,
        "invalid_consent_link",
    )
    .await;
    assert_problem(
        confirm("not an id", &link_token).await,
        422,
        "invalid_consent_link",
    )
    .await;
    assert_problem(post().await, 403, "guardian_consent_pending").await;

    let first = confirm(&account_id, &link_token).await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    // A link confirms once: followed again it changes nothing and says so.
    let again = assert_problem(
        confirm(&account_id, &link_token).await,
        409,
        "consent_already_confirmed",
    )
    .await;
    assert!(
        again["detail"]
            .as_str()
            .unwrap()
            .contains(first["confirmed_at"].as_str().unwrap()),
        "{again}"
    );

    let me: Value = app.get_me(&token).await.json().await.unwrap();
    assert_eq!(me["guardian"]["confirmed_at"], first["confirmed_at"]);
    assert_eq!(post().await.status(), 201, "posting works once confirmed");

    // An adult, and a minor's guardian link used for an adult account, change nothing.
    let adult = app.registered_user("adult@example.com").await;
    let adult_post = app
        .send(
            reqwest::Method::POST,
            "/v1/threads",
            Some(&adult.access_token),
            Some(&open),
        )
        .await;
    assert_ne!(adult_post.status(), 403, "an adult is not held back");
    assert_problem(
        confirm(&adult.id, &link_token).await,
        422,
        "invalid_consent_link",
    )
    .await;
}

#[tokio::test]
async fn registration_requires_the_current_terms() {
    let app = spawn_app().await;
    let mut body = registration("ada@example.com");
    body["accepted_terms_version"] = json!("2020-01-01");
    assert_problem(app.register(&body).await, 422, "terms_not_accepted").await;
    assert_eq!(app.item_count().await, 0);
}

#[tokio::test]
async fn display_names_are_stored_precomposed_and_refused_with_direction_overrides() {
    let app = spawn_app().await;
    let mut spoofed = registration("mallory@example.com");
    spoofed["display_name"] = json!("Ada\u{202E}ecalevoL");
    let problem = assert_problem(app.register(&spoofed).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "display_name", "{problem}");
    assert_eq!(
        problem["errors"][0]["message"],
        "must not contain invisible or direction-changing characters"
    );

    let mut decomposed = registration("zoe@example.com");
    decomposed["display_name"] = json!("Zoe\u{0308}");
    assert_eq!(
        app.register(&decomposed).await.status(),
        StatusCode::CREATED
    );
    let tokens = app
        .logged_in("zoe@example.com", "correct horse battery")
        .await;
    let me: Value = app
        .get_me(tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["display_name"], "Zo\u{EB}");
}

#[tokio::test]
async fn bad_registrations_get_a_problem_and_write_nothing() {
    let app = spawn_app().await;
    let with = |field: &str, value: Value| {
        let mut body = registration("ada@example.com");
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = registration("ada@example.com");
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let json_cases: Vec<(&str, Value, u16, &str, Option<&str>)> = vec![
        (
            "unknown field",
            with("role", json!("admin")),
            422,
            "validation_failed",
            Some("role"),
        ),
        (
            "missing e-mail",
            without("email"),
            422,
            "validation_failed",
            Some("email"),
        ),
        (
            "missing password",
            without("password"),
            422,
            "validation_failed",
            Some("password"),
        ),
        (
            "e-mail not an address",
            with("email", json!("ada.example.com")),
            422,
            "validation_failed",
            Some("email"),
        ),
        (
            "e-mail too long",
            with("email", json!(format!("{}@example.com", "a".repeat(250)))),
            422,
            "validation_failed",
            Some("email"),
        ),
        (
            "display name too long",
            with("display_name", json!("x".repeat(51))),
            422,
            "validation_failed",
            Some("display_name"),
        ),
        (
            "display name blank",
            with("display_name", json!("   ")),
            422,
            "validation_failed",
            Some("display_name"),
        ),
        (
            "full name too long",
            with("full_name", json!("x".repeat(101))),
            422,
            "validation_failed",
            Some("full_name"),
        ),
        (
            "no such date",
            with("date_of_birth", json!("1990-02-30")),
            422,
            "validation_failed",
            Some("date_of_birth"),
        ),
        (
            "date in another format",
            with("date_of_birth", json!("10/12/1990")),
            422,
            "validation_failed",
            Some("date_of_birth"),
        ),
        (
            "born in the future",
            with("date_of_birth", json!("2999-01-01")),
            422,
            "validation_failed",
            Some("date_of_birth"),
        ),
        (
            "unassigned country",
            with("country", json!("XX")),
            422,
            "validation_failed",
            Some("country"),
        ),
        (
            "bad language tag",
            with("native_languages", json!(["en_GB"])),
            422,
            "validation_failed",
            Some("native_languages"),
        ),
        (
            "no native language",
            with("native_languages", json!([])),
            422,
            "validation_failed",
            Some("native_languages"),
        ),
        (
            "bad learning tag",
            with("learning_languages", json!(["not a tag"])),
            422,
            "validation_failed",
            Some("learning_languages"),
        ),
        (
            "password too short",
            with("password", json!("123456789")),
            422,
            "validation_failed",
            Some("password"),
        ),
        (
            "password too long",
            with("password", json!("x".repeat(129))),
            422,
            "validation_failed",
            Some("password"),
        ),
        (
            "password is the e-mail",
            with("password", json!("ada@example.com")),
            422,
            "validation_failed",
            Some("password"),
        ),
        (
            "guardian without consent field",
            with(
                "guardian",
                json!({ "name": "Pat", "email": "pat@example.com" }),
            ),
            422,
            "validation_failed",
            Some("guardian.consent"),
        ),
        (
            "wrong type",
            with("native_languages", json!("en")),
            422,
            "validation_failed",
            Some("native_languages"),
        ),
        (
            "not an object",
            json!(["ada@example.com"]),
            422,
            "validation_failed",
            None,
        ),
    ];
    for (description, body, status, code, field) in json_cases {
        let response = app.register(&body).await;
        assert_eq!(response.status().as_u16(), status, "{description}");
        let problem = assert_problem(response, status, code).await;
        if let Some(field) = field {
            let fields: Vec<&str> = problem["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("{description}: no errors in {problem}"))
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect();
            assert!(
                fields.contains(&field),
                "{description}: {field} not in {fields:?}"
            );
        }
    }

    let valid = registration("ada@example.com").to_string();
    let raw_cases: Vec<(&str, Option<&str>, String, u16, &str)> = vec![
        (
            "malformed JSON",
            Some("application/json"),
            r#"{"email": "ada@example.com","#.into(),
            400,
            "malformed_json",
        ),
        (
            "not JSON at all",
            Some("application/json"),
            "email=ada@example.com".into(),
            400,
            "malformed_json",
        ),
        (
            "empty body",
            Some("application/json"),
            String::new(),
            400,
            "malformed_json",
        ),
        (
            "wrong content type",
            Some("text/plain"),
            valid.clone(),
            415,
            "unsupported_media_type",
        ),
        (
            "form content type",
            Some("application/x-www-form-urlencoded"),
            valid.clone(),
            415,
            "unsupported_media_type",
        ),
        (
            "no content type",
            None,
            valid.clone(),
            415,
            "unsupported_media_type",
        ),
        (
            "over 64 KiB",
            Some("application/json"),
            format!(r#"{{"email":"{}"}}"#, "a".repeat(65 * 1024)),
            413,
            "payload_too_large",
        ),
    ];
    for (description, content_type, body, status, code) in raw_cases {
        let response = app.post_raw("/v1/accounts", content_type, body).await;
        assert_eq!(response.status().as_u16(), status, "{description}");
        assert_problem(response, status, code).await;
    }

    assert_eq!(app.item_count().await, 0, "no bad request wrote anything");
    assert_eq!(
        app.register(&registration("ada@example.com"))
            .await
            .status(),
        201
    );
}

/// The operator's one-off for a new stack (`natives-local accounts first-admin`): the
/// first admin is appointed once per table, with an audit entry; a second try changes
/// nothing.
#[tokio::test]
async fn the_first_admin_is_appointed_once_and_audited() {
    use natives_shared::store::FirstAdminOutcome;

    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let bob = app.registered_user("bob@example.com").await;
    let store = &app.stack.app.store;
    let now = app.stack.app.now();
    let first = store
        .appoint_first_admin(&ada.account_id(), "Grace", "new stack", now)
        .await
        .unwrap();
    assert!(
        matches!(first, FirstAdminOutcome::Appointed { .. }),
        "{first:?}"
    );
    let again = store
        .appoint_first_admin(&bob.account_id(), "Grace", "new stack", now)
        .await
        .unwrap();
    assert!(
        matches!(&again, FirstAdminOutcome::AlreadyAppointed { account_id, .. } if *account_id == ada.id),
        "{again:?}"
    );

    let ada_me: Value = app.get_me(&ada.access_token).await.json().await.unwrap();
    let bob_me: Value = app.get_me(&bob.access_token).await.json().await.unwrap();
    assert_eq!(ada_me["roles"], json!(["user", "admin"]));
    assert_eq!(bob_me["roles"], json!(["user"]));
    let audit = store
        .client()
        .query()
        .table_name(store.table())
        .key_condition_expression("pk = :audit")
        .expression_attribute_values(
            ":audit",
            aws_sdk_dynamodb::types::AttributeValue::S("AUDIT".into()),
        )
        .send()
        .await
        .unwrap();
    let items = audit.items();
    assert_eq!(
        items.len(),
        1,
        "one audit entry: the appointment that happened"
    );
    let text = format!("{:?}", items[0]);
    assert!(
        text.contains(&ada.id)
            && text.contains("roles.first_admin")
            && text.contains("operator:Grace")
            && text.contains("first admin, appointed by operator Grace: new stack"),
        "{text}"
    );
}

#[tokio::test]
async fn a_registration_applied_twice_is_one_registration_and_anothers_on_its_address_is_refused() {
    use natives_local::examples::{sample_registration, store_registration};
    use natives_shared::domain::decide::accounts::register;

    let app = spawn_app().await;
    let stack = &app.stack.app;
    let registration = |email| {
        let new = sample_registration(stack, email, "Ada", "1990-12-10", None).unwrap();
        register(new, "not a hash".into(), stack.now())
    };
    let first = registration("twice@example.com");
    // The same registration again, as a retry whose first attempt landed sends it.
    store_registration(stack, &first).await.unwrap();
    store_registration(stack, &first).await.unwrap();
    let holder = stack
        .store
        .account_id_for_email(&first.account.email)
        .await
        .unwrap();
    assert_eq!(holder, Some(first.account.id.clone()));
    // Someone else's registration of that address is refused, and nothing of it is kept.
    let other = registration("twice@example.com");
    let refused = store_registration(stack, &other).await.unwrap_err();
    assert!(refused.to_string().ends_with("EmailTaken"), "{refused}");
    assert!(
        stack
            .store
            .get_account(&other.account.id)
            .await
            .unwrap()
            .is_none()
    );
}

//! The caller gate: one rule, two forms (judged on a read item, or as a write's
//! condition) that must agree; and an access token dies with its session.

use natives_local::examples::new_account;
use natives_shared::clock::rfc3339;
use natives_shared::domain::{
    AccountStatus, ContentRules, DisplayName, Role, SessionId, SessionScope,
};
use natives_shared::domain::{ProfileChanges, Timestamp};
use natives_shared::gate::{Gate, Refusal};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// The gate's read form (`admit` on the account as read) and its write form (a profile
/// update conditioned on it) both give `expected`.
async fn both_forms_say(
    store: &natives_shared::store::Store,
    caller: &Gate,
    account: &natives_shared::domain::Account,
    now: time::OffsetDateTime,
    expected: &Result<(), Refusal>,
    name: &str,
) {
    assert_eq!(
        caller.admit(Some(account), now),
        *expected,
        "read form: {name}"
    );
    let changes = ProfileChanges {
        display_name: Some(DisplayName::parse("Renamed", &ContentRules::default()).unwrap()),
        ..Default::default()
    };
    let written = store.update_profile(caller, &changes, now).await;
    assert_eq!(
        written
            .map(drop)
            .map_err(|f| f.refusal().expect("a refusal")),
        *expected,
        "write form: {name}"
    );
}

/// Account states × callers: the read form (`admit`) and the write form (a write
/// conditioned on the gate) give the same verdict in every case.
#[tokio::test]
async fn the_gates_read_form_and_write_form_agree() {
    let app = spawn_app().await;
    let keys = app.signing_keys();
    let store = &app.stack.app.store;
    let now = app.stack.app.now();
    let later = rfc3339::format(now + Duration::hours(1));
    let earlier = rfc3339::format(now - Duration::hours(1));

    type Change = fn(&mut natives_shared::domain::Account, &SessionId, &str, &str);
    type Case = (&'static str, Change, Option<Role>, Result<(), Refusal>);
    let cases: &[Case] = &[
        ("active", |_, _, _, _| {}, None, Ok(())),
        (
            "newer generation",
            |a, _, _, _| a.token_generation = 1,
            None,
            Err(Refusal::Unauthenticated),
        ),
        (
            "this session ended",
            |a, s, _, _| {
                a.ended_sessions.insert(s.clone(), 1);
            },
            None,
            Err(Refusal::Unauthenticated),
        ),
        (
            "another session ended",
            |a, _, _, _| {
                a.ended_sessions.insert(SessionId::new(), 1);
            },
            None,
            Ok(()),
        ),
        (
            "blocked for good",
            |a, _, _, _| a.status = AccountStatus::Blocked,
            None,
            Err(Refusal::Unauthenticated),
        ),
        (
            "blocked until later",
            |a, _, later, _| {
                a.status = AccountStatus::Blocked;
                a.blocked_until = Some(Timestamp::parse(later).unwrap());
            },
            None,
            Err(Refusal::Unauthenticated),
        ),
        (
            "block ran out",
            |a, _, _, earlier| {
                a.status = AccountStatus::Blocked;
                a.blocked_until = Some(Timestamp::parse(earlier).unwrap());
            },
            None,
            Ok(()),
        ),
        (
            "closed",
            |a, _, _, _| a.status = AccountStatus::Closed,
            None,
            Err(Refusal::Closed),
        ),
        (
            "has the role",
            |a, _, _, _| a.roles.push(Role::Admin),
            Some(Role::Admin),
            Ok(()),
        ),
        (
            "lacks the role",
            |_, _, _, _| {},
            Some(Role::Admin),
            Err(Refusal::Forbidden { role: Role::Admin }),
        ),
        (
            "blocked and lacks the role",
            |a, _, _, _| a.status = AccountStatus::Blocked,
            Some(Role::Admin),
            Err(Refusal::Unauthenticated),
        ),
    ];
    // A privacy session's account may be blocked (for good or for a while), never
    // closed; the rest of the rule is the same.
    let privacy_cases: &[Case] = &[
        ("privacy: active", |_, _, _, _| {}, None, Ok(())),
        (
            "privacy: blocked for good",
            |a, _, _, _| a.status = AccountStatus::Blocked,
            None,
            Ok(()),
        ),
        (
            "privacy: blocked until later",
            |a, _, later, _| {
                a.status = AccountStatus::Blocked;
                a.blocked_until = Some(Timestamp::parse(later).unwrap());
            },
            None,
            Ok(()),
        ),
        (
            "privacy: blocked, newer generation",
            |a, _, _, _| {
                a.status = AccountStatus::Blocked;
                a.token_generation = 1;
            },
            None,
            Err(Refusal::Unauthenticated),
        ),
        (
            "privacy: blocked, this session ended",
            |a, s, _, _| {
                a.status = AccountStatus::Blocked;
                a.ended_sessions.insert(s.clone(), 1);
            },
            None,
            Err(Refusal::Unauthenticated),
        ),
        (
            "privacy: closed",
            |a, _, _, _| a.status = AccountStatus::Closed,
            None,
            Err(Refusal::Closed),
        ),
    ];
    let scoped = cases.iter().map(|case| (case, SessionScope::Full)).chain(
        privacy_cases
            .iter()
            .map(|case| (case, SessionScope::Privacy)),
    );
    for ((name, change, role, expected), scope) in scoped {
        let example = new_account(&app.stack.app, &keys, &[]).await.unwrap();
        let mut account = store.get_account(&example.id).await.unwrap().unwrap();
        change(&mut account, &example.session_id, &later, &earlier);
        overwrite_account(&app, &account).await;
        let caller = Gate {
            account_id: example.id.clone(),
            session_id: example.session_id.clone(),
            generation: 0,
            required_role: *role,
            required_terms: None,
            scope,
        };
        both_forms_say(store, &caller, &account, now, expected, name).await;
    }
    // On a paid route (the current terms required) a guardian asked to consent must have
    // confirmed; a guardian never asked (accounts from before) holds nothing back.
    type PaidCase = (
        &'static str,
        fn(&mut natives_shared::domain::Account),
        Result<(), Refusal>,
    );
    fn guardian_of(asked: bool, confirmed: bool) -> natives_shared::domain::Guardian {
        natives_shared::domain::Guardian {
            name: natives_shared::domain::PersonName::parse("Pat").unwrap(),
            email: natives_shared::domain::Email::parse("pat@example.com").unwrap(),
            consent: true,
            consent_requested_at: asked.then(|| Timestamp::parse("2026-01-01T00:00:00Z").unwrap()),
            confirmed_at: confirmed.then(|| Timestamp::parse("2026-01-02T00:00:00Z").unwrap()),
        }
    }
    let paid_cases: &[PaidCase] = &[
        ("paid: no guardian", |_| {}, Ok(())),
        (
            "paid: guardian never asked",
            |a| a.guardian = Some(guardian_of(false, false)),
            Ok(()),
        ),
        (
            "paid: guardian asked, pending",
            |a| a.guardian = Some(guardian_of(true, false)),
            Err(Refusal::GuardianConsentPending),
        ),
        (
            "paid: guardian confirmed",
            |a| a.guardian = Some(guardian_of(true, true)),
            Ok(()),
        ),
    ];
    for (name, change, expected) in paid_cases {
        let example = new_account(&app.stack.app, &keys, &[]).await.unwrap();
        let mut account = store.get_account(&example.id).await.unwrap().unwrap();
        change(&mut account);
        overwrite_account(&app, &account).await;
        let caller = Gate {
            account_id: example.id.clone(),
            session_id: example.session_id.clone(),
            generation: 0,
            required_role: None,
            required_terms: Some(account.accepted_terms_version.clone()),
            scope: SessionScope::Full,
        };
        both_forms_say(store, &caller, &account, now, expected, name).await;
    }
    let nobody = Gate {
        account_id: natives_shared::domain::AccountId::new(),
        session_id: SessionId::new(),
        generation: 0,
        required_role: None,
        required_terms: None,
        scope: SessionScope::Full,
    };
    assert_eq!(
        nobody.admit(None::<&natives_shared::domain::Account>, now),
        Err(Refusal::Unauthenticated)
    );
    let written = store
        .update_profile(&nobody, &ProfileChanges::default(), now)
        .await;
    assert_eq!(
        written
            .map(drop)
            .map_err(|f| f.refusal().expect("a refusal")),
        Err(Refusal::Unauthenticated),
        "no account"
    );
}

async fn overwrite_account(app: &TestApp, account: &natives_shared::domain::Account) {
    let store = &app.stack.app.store;
    let mut item: natives_shared::store::Item = serde_dynamo::to_item(account).unwrap();
    let key = natives_shared::store::keys::account(&account.id);
    item.insert(
        "pk".into(),
        aws_sdk_dynamodb::types::AttributeValue::S(key.pk),
    );
    item.insert(
        "sk".into(),
        aws_sdk_dynamodb::types::AttributeValue::S(key.sk),
    );
    store
        .client()
        .put_item()
        .table_name(store.table())
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
}

/// What a token can still do: read the account, and open a checkout (a money route).
async fn assert_token_works(app: &TestApp, token: &str, works: bool, context: &str) {
    let me = app.get_me(token).await;
    let checkout = app
        .send(
            Method::POST,
            "/v1/checkout",
            Some(token),
            Some(&json!({ "tariff_id": "starter" })),
        )
        .await;
    if works {
        assert_eq!(me.status(), StatusCode::OK, "GET /v1/me: {context}");
        assert_eq!(
            checkout.status(),
            StatusCode::CREATED,
            "checkout: {context}"
        );
    } else {
        assert_problem(me, 401, "unauthorized").await;
        assert_problem(checkout, 401, "unauthorized").await;
    }
}

#[tokio::test]
async fn logout_ends_that_sessions_access_tokens_at_once_and_no_other() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let other_session = app.logged_in(&user.email, &user.password).await;
    let other_token = other_session["access_token"].as_str().unwrap();
    assert_token_works(&app, &user.access_token, true, "before logout").await;

    let response = app
        .post_json(
            "/v1/sessions/logout",
            &json!({ "refresh_token": user.refresh_token }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_token_works(&app, &user.access_token, false, "after logout").await;
    assert_token_works(&app, other_token, true, "the other session").await;
    // A quarter of an hour later the ended session is forgotten at the next login
    // (its tokens have expired on their own by then), and nothing comes back to life.
    app.clock.advance(Duration::minutes(17));
    let fresh = app.logged_in(&user.email, &user.password).await;
    let account = app
        .stack
        .app
        .store
        .get_account(&user.account_id())
        .await
        .unwrap()
        .unwrap();
    assert!(account.ended_sessions.is_empty(), "pruned at login");
    assert_token_works(
        &app,
        fresh["access_token"].as_str().unwrap(),
        true,
        "a new login",
    )
    .await;
    assert_eq!(
        app.get_me(&user.access_token).await.status(),
        401,
        "expired"
    );
}

#[tokio::test]
async fn reuse_detection_ends_the_thiefs_and_the_owners_access_tokens_of_that_login() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let other_session = app.logged_in(&user.email, &user.password).await;

    // The thief refreshes with the stolen token first...
    let response = app.refresh(&user.refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let thief: Value = response.json().await.unwrap();
    let thief_token = thief["access_token"].as_str().unwrap();
    assert_token_works(&app, thief_token, true, "the thief, before").await;

    // ...then the owner presents the same (now used) token: reuse.
    assert_problem(
        app.refresh(&user.refresh_token).await,
        401,
        "invalid_refresh_token",
    )
    .await;

    assert_token_works(&app, thief_token, false, "the thief's fresh token").await;
    assert_token_works(
        &app,
        &user.access_token,
        false,
        "the owner's token of that login",
    )
    .await;
    assert_problem(
        app.refresh(thief["refresh_token"].as_str().unwrap()).await,
        401,
        "invalid_refresh_token",
    )
    .await;
    assert_token_works(
        &app,
        other_session["access_token"].as_str().unwrap(),
        true,
        "another login",
    )
    .await;
}

#[tokio::test]
async fn a_session_cannot_be_refreshed_past_thirty_days_after_login() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    app.clock.advance(Duration::days(29));
    let response = app.refresh(&user.refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK, "day 29");
    let rotated: Value = response.json().await.unwrap();
    // The newest refresh token was issued on day 29; the login it belongs to ends on
    // day 30 whatever the token's own age.
    app.clock.advance(Duration::days(2));
    assert_problem(
        app.refresh(rotated["refresh_token"].as_str().unwrap())
            .await,
        401,
        "invalid_refresh_token",
    )
    .await;
}

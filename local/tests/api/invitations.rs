//! Invitations to friends: the e-mail and its links, joining with the code, the daily
//! limit, one invitation per address, no membership oracle, opting out, and the invited
//! addresses as the inviter's personal data.

use natives_shared::domain::invitation::InvitationStatus;
use natives_shared::domain::{AccountId, InvitationId};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{TestApp, TestUser, assert_problem, registration, spawn_app};

impl TestApp {
    async fn invite(&self, user: &TestUser, email: &str) -> reqwest::Response {
        self.invite_with(&user.access_token, email).await
    }

    async fn invite_with(&self, token: &str, email: &str) -> reqwest::Response {
        self.send(
            Method::POST,
            "/v1/me/invitations",
            Some(token),
            Some(&json!({ "email": email })),
        )
        .await
    }

    /// The invitation as the table holds it (it must be there).
    async fn stored_invitation(
        &self,
        inviter: &TestUser,
        id: &InvitationId,
    ) -> natives_shared::domain::invitation::Invitation {
        self.stack
            .app
            .store
            .invitation(&inviter.account_id(), id)
            .await
            .unwrap()
            .expect("the invitation is stored")
    }

    /// The invitation e-mails queued to `to`, oldest first.
    async fn invitations_to(&self, to: &str) -> Vec<natives_local::outbox::OutboxRow> {
        natives_local::outbox::rows(&self.stack.app.store)
            .await
            .unwrap()
            .into_iter()
            .filter(|row| {
                row.kind == natives_shared::domain::EmailKind::Invitation
                    && row.to.as_deref() == Some(to)
            })
            .collect()
    }

    /// `user` invites `email` (201), and the code of the e-mail that went there.
    async fn invited(&self, user: &TestUser, email: &str) -> String {
        assert_eq!(
            self.invite(user, email).await.status(),
            StatusCode::CREATED,
            "{email} invited"
        );
        let emails = self.invitations_to(email).await;
        code_after(&emails.last().expect("an e-mail").text, "?code=")
    }

    async fn opt_out(&self, code: &str) -> reqwest::Response {
        self.send(
            Method::POST,
            "/v1/invitations/opt-out",
            None,
            Some(&json!({ "code": code })),
        )
        .await
    }
}

/// The code a link of the e-mail carries after `marker` (`invitation_code=`, `code=`).
fn code_after(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {text}"))
        + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
        .collect()
}

#[tokio::test]
async fn an_invitation_e_mails_both_links_and_joining_shows_the_friend_by_name_and_tells_the_inviter()
 {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let sent = app.invite(&ada, " Bob@Example.com ").await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: Value = sent.json().await.unwrap();
    assert_eq!(
        sent["email"], "bob@example.com",
        "parsed once: trimmed, lower case"
    );
    assert_eq!(sent["status"], "sent");
    assert!(sent["id"].is_string() && sent["created_at"].is_string());

    // One e-mail, to the friend, with a registration link and an opt-out link, both
    // carrying the code, under the configured web origin.
    let emails = app.invitations_to("bob@example.com").await;
    assert_eq!(emails.len(), 1, "one e-mail");
    let text = &emails[0].text;
    let origin = &app.stack.app.settings.invitations.web_origin;
    assert!(
        text.contains(&format!("{origin}/join?invitation_code=")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{origin}/invitations/opt-out?code=")),
        "{text}"
    );
    let code = code_after(text, "/join?invitation_code=");
    assert_eq!(code, code_after(text, "/invitations/opt-out?code="));
    // The sender sends it to the friend's address.
    app.stack.process_stream().await.unwrap();
    let delivered: Vec<_> = app
        .sent_but_codes()
        .await
        .into_iter()
        .filter(|e| e.to == "bob@example.com")
        .collect();
    assert_eq!(delivered.len(), 1, "delivered once");
    assert!(delivered[0].body.contains(&code));

    // Unjoined, it expires after 90 days (the table's TTL attribute), and so does the
    // e-mail that carries its code.
    let id = InvitationId::parse(sent["id"].as_str().unwrap()).unwrap();
    let stored = app.stored_invitation(&ada, &id).await;
    let ninety_days = (stored.created_at.time() + Duration::days(90)).unix_timestamp();
    assert_eq!(stored.expires_at_epoch, Some(ninety_days));
    assert_eq!(
        app.stack
            .app
            .store
            .outbox()
            .await
            .unwrap()
            .iter()
            .find(|e| e.to.as_ref().map(AsRef::as_ref) == Some("bob@example.com"))
            .and_then(|e| e.expires_at_epoch),
        Some(ninety_days)
    );
    assert!(
        !text.contains(&stored.code_digest),
        "the table holds only its hash"
    );

    // Bob registers with the code (under another address: the code is what counts).
    let mut body = registration("robert@example.com");
    body["display_name"] = json!("Bob");
    body["invitation_code"] = json!(code);
    let registered = app.register(&body).await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let bob: Value = registered.json().await.unwrap();

    // Ada sees her friend by display name and id, never by address.
    let listed = app
        .send(
            Method::GET,
            "/v1/me/invitations",
            Some(&ada.access_token),
            None,
        )
        .await;
    assert_eq!(listed.status(), StatusCode::OK);
    let raw = listed.text().await.unwrap();
    assert!(!raw.contains("bob@example.com"), "{raw}");
    let listed: Value = serde_json::from_str(&raw).unwrap();
    let item = &listed["items"][0];
    assert_eq!(item["status"], "joined");
    assert_eq!(item["friend"]["display_name"], "Bob");
    assert_eq!(item["friend"]["id"], bob["id"]);
    assert!(item.get("email").is_none());
    let stored = app.stored_invitation(&ada, &id).await;
    assert_eq!(stored.status, InvitationStatus::Joined);
    assert_eq!(
        (stored.email, stored.expires_at_epoch),
        (None, None),
        "kept for good, without the address"
    );

    // And she was told.
    let notifications = app
        .list_items("/v1/me/notifications", &ada.access_token)
        .await;
    assert!(
        notifications
            .iter()
            .any(|n| n["kind"] == "invitation_joined"),
        "{notifications:?}"
    );

    // A code joins once; a code of no invitation is refused, and nothing is created.
    let mut again = registration("carol@example.com");
    again["invitation_code"] = json!(code);
    assert_problem(app.register(&again).await, 422, "invalid_invitation_code").await;
    let mut forged = registration("carol@example.com");
    forged["invitation_code"] = json!(format!(
        "{}.{}.{}",
        ada.id,
        InvitationId::new(),
        &code[code.len() - 43..]
    ));
    assert_problem(app.register(&forged).await, 422, "invalid_invitation_code").await;
    let mut malformed = registration("carol@example.com");
    malformed["invitation_code"] = json!("not-a-code");
    assert_problem(app.register(&malformed).await, 422, "validation_failed").await;
    assert_eq!(
        app.stack
            .app
            .store
            .account_id_for_email(
                &natives_shared::domain::Email::parse("carol@example.com").unwrap()
            )
            .await
            .unwrap(),
        None,
        "a refused registration writes nothing"
    );
}

#[tokio::test]
async fn an_expired_invitation_cannot_be_joined() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let code = app.invited(&ada, "bob@example.com").await;
    app.clock.advance(Duration::days(90) + Duration::seconds(1));
    let mut body = registration("bob@example.com");
    body["invitation_code"] = json!(code);
    assert_problem(app.register(&body).await, 422, "invalid_invitation_code").await;
}

#[tokio::test]
async fn ten_invitations_a_day_then_429_until_tomorrow_and_one_address_once() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    assert_eq!(
        app.invite(&ada, "friend0@example.com").await.status(),
        StatusCode::CREATED
    );
    // The same address again (in any spelling) is a conflict, and is not counted.
    assert_problem(
        app.invite(&ada, "FRIEND0@example.com").await,
        409,
        "already_invited",
    )
    .await;
    for n in 1..10 {
        let sent = app.invite(&ada, &format!("friend{n}@example.com")).await;
        assert_eq!(sent.status(), StatusCode::CREATED, "invitation {n}");
    }
    let refused = app.invite(&ada, "friend10@example.com").await;
    let retry_after: i64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&retry_after), "{retry_after}");
    assert_problem(refused, 429, "too_many_invitations").await;
    assert!(
        app.invitations_to("friend10@example.com").await.is_empty(),
        "nothing queued"
    );
    // Another account has its own ten; and the next day Ada's count starts again.
    let bob = app.registered_user("bob@example.com").await;
    assert_eq!(
        app.invite(&bob, "friend0@example.com").await.status(),
        StatusCode::CREATED
    );
    app.clock.advance(Duration::seconds(retry_after));
    let tomorrow = app.logged_in("ada@example.com", &ada.password).await;
    let token = tomorrow["access_token"].as_str().unwrap();
    assert_eq!(
        app.invite_with(token, "friend10@example.com")
            .await
            .status(),
        StatusCode::CREATED
    );
    // The list pages, newest first.
    let first = app
        .send(Method::GET, "/v1/me/invitations?limit=4", Some(token), None)
        .await;
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    assert_eq!(first["items"][0]["email"], "friend10@example.com");
    let cursor = first["next_cursor"].as_str().expect("more");
    let rest: Value = app
        .send(
            Method::GET,
            &format!("/v1/me/invitations?limit=100&cursor={cursor}"),
            Some(token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 7);
    assert_eq!(rest["items"][6]["email"], "friend0@example.com");
}

#[tokio::test]
async fn the_answer_is_the_same_whether_or_not_the_address_has_an_account() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.registered_user("member@example.com").await;
    let shape = |value: &Value| -> Vec<(String, String)> {
        let mut fields: Vec<(String, String)> = value
            .as_object()
            .unwrap()
            .iter()
            .filter(|(name, _)| !["id", "email", "created_at"].contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), value.to_string()))
            .collect();
        fields.push((
            "keys".into(),
            value
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(","),
        ));
        fields
    };
    let member = app.invite(&ada, "member@example.com").await;
    let stranger = app.invite(&ada, "stranger@example.com").await;
    assert_eq!(member.status(), stranger.status());
    assert_eq!(member.status(), StatusCode::CREATED);
    let (member, stranger): (Value, Value) =
        (member.json().await.unwrap(), stranger.json().await.unwrap());
    assert_eq!(shape(&member), shape(&stranger));
    // Both are e-mailed alike, and a second invitation is refused alike.
    assert_eq!(app.invitations_to("member@example.com").await.len(), 1);
    assert_eq!(app.invitations_to("stranger@example.com").await.len(), 1);
    let again_member = app.invite(&ada, "member@example.com").await;
    let again_stranger = app.invite(&ada, "stranger@example.com").await;
    assert_eq!(again_member.status(), again_stranger.status());
    let (a, b): (Value, Value) = (
        again_member.json().await.unwrap(),
        again_stranger.json().await.unwrap(),
    );
    assert_eq!(a, b, "the same problem");
}

#[tokio::test]
async fn an_opted_out_address_gets_no_invitation_again_and_only_its_keyed_hash_is_kept() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    let dan = app.registered_user("dan@example.com").await;
    let code = app.invited(&ada, "bob@example.com").await;

    assert_eq!(app.opt_out(&code).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.opt_out(&code).await.status(),
        StatusCode::NO_CONTENT,
        "idempotent"
    );
    let unknown = format!(
        "{}.{}.{}",
        ada.id,
        InvitationId::new(),
        &code[code.len() - 43..]
    );
    assert_problem(app.opt_out(&unknown).await, 404, "not_found").await;
    assert_problem(app.opt_out("not-a-code").await, 422, "validation_failed").await;

    // Dan's invitation is answered as any other, and no e-mail goes.
    let answered = app.invite(&dan, "bob@example.com").await;
    assert_eq!(answered.status(), StatusCode::CREATED);
    let answered: Value = answered.json().await.unwrap();
    assert_eq!(
        (answered["status"].as_str(), answered["email"].as_str()),
        (Some("sent"), Some("bob@example.com"))
    );
    assert_eq!(
        app.invitations_to("bob@example.com").await.len(),
        1,
        "only Ada's, from before"
    );
    // Another address of Dan's is e-mailed as usual.
    assert_eq!(
        app.invite(&dan, "eve@example.com").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(app.invitations_to("eve@example.com").await.len(), 1);

    // What the opt-out keeps is the HMAC of the address under the stack's key: not the
    // address, not its plain hash.
    let digest = app
        .stack
        .app
        .code_key()
        .unwrap()
        .address_digest(&natives_shared::domain::Email::parse("bob@example.com").unwrap());
    let strings = app.every_string_in_the_table().await;
    assert!(
        strings.iter().any(|s| s == &format!("OPT_OUT#{digest}")),
        "kept by its keyed hash"
    );
    let plain: String = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, b"bob@example.com")
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(!strings.iter().any(|s| s.contains(&plain)));
}

#[tokio::test]
async fn invited_addresses_are_in_the_inviters_export_and_gone_with_the_inviters_erasure() {
    let app = spawn_app().await;
    let ada = app.registered_user("ada@example.com").await;
    assert_eq!(
        app.invite(&ada, "zebedee@example.com").await.status(),
        StatusCode::CREATED
    );
    let yvette = app.invited(&ada, "yvette@example.com").await;
    assert_eq!(app.opt_out(&yvette).await.status(), StatusCode::NO_CONTENT);

    let export = app.export(&ada).await;
    let invitations = export["sections"]["invitations"].as_array().unwrap();
    assert!(
        invitations
            .iter()
            .any(|i| i["email"] == "zebedee@example.com" && i["status"] == "sent"),
        "{invitations:?}"
    );
    assert_eq!(
        export["sections"]["invited_addresses"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        !export.to_string().contains("code_digest"),
        "no hash of the code"
    );

    let erased = app.erase(&ada.access_token, &ada.password).await;
    assert_eq!(erased.status(), StatusCode::OK);
    let strings = app.every_string_in_the_table().await;
    for address in ["zebedee", "yvette"] {
        let found: Vec<&String> = strings.iter().filter(|s| s.contains(address)).collect();
        assert!(
            found.is_empty(),
            "{address} is still in the table: {found:?}"
        );
    }
    let ada_id: AccountId = ada.account_id();
    for prefix in ["INVITATION#", "INVITED#"] {
        assert!(
            !strings.iter().any(|s| s.starts_with(prefix)),
            "no {prefix} item of {ada_id} is left"
        );
    }
    // The friend's opt-out is not Ada's data: it stays, and still holds.
    let carol = app.registered_user("carol@example.com").await;
    assert_eq!(
        app.invite(&carol, "yvette@example.com").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.invitations_to("yvette@example.com").await.len(),
        0,
        "Ada's e-mail went with her; Carol's is not sent"
    );
}

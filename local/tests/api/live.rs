//! Live conversations over real WebSockets against the local stack: `GET /v1/live`
//! upgraded on the stack's own port, frames through the same functions a Lambda runs,
//! pushes through the real Management API client.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use futures::{SinkExt, StreamExt};
use natives_functions::live::connections::Pushed;
use natives_shared::domain::decide::live::open_connection;
use natives_shared::domain::live::{ClientFrame, ConnectionId, FramePlan, Topic};
use natives_shared::domain::{Role, ThreadId};
use natives_shared::store::{Item, keys};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use crate::helpers::{TestApp, TestUser, spawn_app, spawn_serving_app};

/// How long a test waits for a frame it expects.
const FRAME_WAIT: Duration = Duration::from_secs(5);

pub struct LiveClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl TestApp {
    /// The live WebSocket's URL, with `token` if given.
    pub fn live_url(&self, token: Option<&str>) -> String {
        let base = self.address.replacen("http://", "ws://", 1);
        match token {
            Some(token) => format!("{base}/v1/live?token={token}"),
            None => format!("{base}/v1/live"),
        }
    }

    /// A live connection (a visitor's without a token), open.
    pub async fn live(&self, token: Option<&str>) -> LiveClient {
        let request = self.live_url(token).into_client_request().unwrap();
        let (socket, response) = connect_async(request).await.expect("the upgrade succeeds");
        assert_eq!(response.status(), 101);
        LiveClient { socket }
    }
}

impl LiveClient {
    pub async fn send(&mut self, frame: &Value) {
        self.send_text(&frame.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.socket
            .send(Message::text(text.to_owned()))
            .await
            .expect("the frame is sent");
    }

    /// The next text frame, as JSON.
    pub async fn next(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(FRAME_WAIT, self.socket.next())
                .await
                .expect("a frame within the wait")
                .expect("the socket is open")
                .expect("a frame");
            match message {
                Message::Text(text) => return serde_json::from_str(&text).expect("a JSON frame"),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("not a text frame: {other:?}"),
            }
        }
    }

    /// Sends `frame` and returns the answer.
    pub async fn ask(&mut self, frame: &Value) -> Value {
        self.send(frame).await;
        self.next().await
    }

    /// Nothing arrives for `wait`.
    pub async fn assert_silent(&mut self, wait: Duration) {
        if let Ok(Some(Ok(message))) = tokio::time::timeout(wait, self.socket.next()).await {
            panic!("expected nothing, got {message:?}");
        }
    }

    /// The close frame's code, once the server closes the socket.
    pub async fn closed_with(&mut self) -> Option<u16> {
        loop {
            let next = tokio::time::timeout(FRAME_WAIT, self.socket.next())
                .await
                .expect("the socket closes within the wait");
            match next {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return None,
            }
        }
    }
}

#[tokio::test]
async fn a_visitor_connects_and_is_answered_pong() {
    let app = spawn_app().await;
    let mut live = app.live(None).await;
    assert_eq!(
        live.ask(&json!({"action": "ping"})).await,
        json!({"type": "pong"})
    );
}

#[tokio::test]
async fn a_bad_token_refuses_the_upgrade_with_401() {
    let app = spawn_app().await;
    let request = app
        .live_url(Some("not-a-token"))
        .into_client_request()
        .unwrap();
    match connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401);
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(body["code"], "unauthorized");
        }
        other => panic!("the upgrade was not refused: {other:?}"),
    }
}

#[tokio::test]
async fn a_plain_get_of_the_live_path_is_told_to_upgrade() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/v1/live")).send().await.unwrap();
    assert_eq!(response.status(), 426);
}

#[tokio::test]
async fn a_bad_frame_is_answered_and_the_connection_kept() {
    let app = spawn_app().await;
    let mut live = app.live(None).await;
    for frame in [
        "not json",
        "{}",
        r#"{"action":"shout"}"#,
        r#"{"action":"subscribe","thread_id":"nope"}"#,
    ] {
        live.send_text(frame).await;
        assert_eq!(
            live.next().await,
            json!({"type": "error", "code": "bad_frame"}),
            "{frame}"
        );
    }
    live.socket
        .send(Message::binary(vec![0u8, 159, 146, 150]))
        .await
        .unwrap();
    assert_eq!(
        live.next().await,
        json!({"type": "error", "code": "bad_frame"})
    );
    assert_eq!(
        live.ask(&json!({"action": "ping"})).await,
        json!({"type": "pong"})
    );
}

/// As API Gateway: a frame over 32 KB closes the connection with 1009 (too big).
#[tokio::test]
async fn a_frame_over_32_kb_closes_the_connection_as_api_gateway_does() {
    let app = spawn_app().await;
    let mut live = app.live(None).await;
    let padded = format!(r#"{{"action":"ping","pad":"{}"}}"#, "x".repeat(33 * 1024));
    live.send_text(&padded).await;
    assert_eq!(live.closed_with().await, Some(1009));
}

#[tokio::test]
async fn the_management_api_says_gone_for_a_connection_that_is_not_open() {
    let app = spawn_app().await;
    let connections = app.stack.app.connections().unwrap();
    let nobody = ConnectionId::parse("L0SM9cOFvHcCIhw=").unwrap();
    assert_eq!(connections.push(&nobody, "{}").await, Pushed::Gone);
    assert_eq!(connections.close(&nobody).await, Ok(()));
}

/// How long a test listens to be sure nothing comes: several turns of the stream.
const QUIET: Duration = Duration::from_millis(1500);

impl LiveClient {
    /// Subscribes to a thread and checks the answer.
    async fn listen_to_thread(&mut self, thread_id: &str) {
        assert_eq!(
            self.ask(&json!({"action": "subscribe", "thread_id": thread_id}))
                .await,
            json!({"type": "subscribed", "thread_id": thread_id})
        );
    }
}

impl TestApp {
    /// A funded user with a thread in German: the user, the thread's id and its first
    /// message's id.
    async fn author_with_thread(&self, email: &str) -> (TestUser, String, String) {
        let ada = self.registered_user(email).await;
        self.fund(&ada, 100).await;
        let thread = self.thread(&ada, "Wie sagt man das?").await;
        // What was written so far is pushed before anyone listens.
        self.stack.process_stream().await.unwrap();
        (
            ada,
            thread["id"].as_str().unwrap().to_owned(),
            thread["first_message"]["id"].as_str().unwrap().to_owned(),
        )
    }

    async fn edit_message_text(
        &self,
        user: &TestUser,
        message_id: &str,
        text: &str,
    ) -> reqwest::Response {
        self.send(
            Method::PATCH,
            &format!("/v1/messages/{message_id}"),
            Some(&user.access_token),
            Some(&json!({ "text": text })),
        )
        .await
    }

    /// A reply's answer, posted.
    async fn posted_reply(&self, user: &TestUser, thread_id: &str, text: &str) -> Value {
        let response = self.reply(user, thread_id, &json!({ "text": text })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// The item the table holds for `connection`, if any.
    async fn connection_item(&self, connection: &ConnectionId) -> Option<Item> {
        let store = &self.stack.app.store;
        let key = keys::live_connection(connection);
        store
            .client()
            .get_item()
            .table_name(store.table())
            .key("pk", AttributeValue::S(key.pk))
            .key("sk", AttributeValue::S(key.sk))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
    }
}

#[tokio::test]
async fn a_visitor_subscribed_to_a_thread_receives_a_reply_within_a_second() {
    let app = spawn_serving_app().await;
    let (ada, thread_id, _) = app.author_with_thread("ada@example.com").await;
    let mut visitor = app.live(None).await;
    visitor.listen_to_thread(&thread_id).await;

    let posted_at = Instant::now();
    let reply = app.posted_reply(&ada, &thread_id, "Feierabend!").await;
    let frame = visitor.next().await;
    let took = posted_at.elapsed();
    assert_eq!(frame["type"], "message_posted");
    assert_eq!(frame["thread_id"], thread_id.as_str());
    assert_eq!(frame["message"]["id"], reply["id"]);
    assert_eq!(frame["message"]["text"], "Feierabend!");
    assert_eq!(frame["message"]["author"]["id"], ada.id.as_str());
    assert!(
        took < Duration::from_secs(1),
        "the post arrived after {took:?}"
    );
}

#[tokio::test]
async fn an_unknown_thread_is_answered_not_found_and_the_connection_kept() {
    let app = spawn_serving_app().await;
    let mut live = app.live(None).await;
    let unknown = "01JB8ZZZZZZZZZZZZZZZZZZZZZ";
    assert_eq!(
        live.ask(&json!({"action": "subscribe", "thread_id": unknown}))
            .await,
        json!({"type": "error", "code": "not_found", "thread_id": unknown})
    );
    assert_eq!(
        live.ask(&json!({"action": "ping"})).await,
        json!({"type": "pong"})
    );
}

#[tokio::test]
async fn an_edit_and_a_hide_are_pushed_and_the_hidden_message_never_again() {
    let app = spawn_serving_app().await;
    let (ada, thread_id, first) = app.author_with_thread("ada@example.com").await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let mut visitor = app.live(None).await;
    visitor.listen_to_thread(&thread_id).await;

    let edited = app
        .edit_message_text(&ada, &first, "Wie sagt man das bitte?")
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let edited = visitor.next().await;
    assert_eq!(edited["type"], "message_edited");
    assert_eq!(edited["message"]["id"], first.as_str());
    assert_eq!(edited["message"]["text"], "Wie sagt man das bitte?");

    let hidden = app
        .send(
            Method::POST,
            &format!("/v1/moderation/messages/{first}/actions"),
            Some(&moderator.access_token),
            Some(&json!({ "action": "hide", "reason": "Checking it." })),
        )
        .await;
    assert!(hidden.status().is_success(), "{}", hidden.status());
    assert_eq!(
        visitor.next().await,
        json!({"type": "message_hidden", "thread_id": thread_id, "message_id": first}),
        "its id alone, never its text"
    );

    // Whatever becomes of it now reaches no one (an edit by its author, accepted or
    // not); the next reply is the next frame.
    let _ = app.edit_message_text(&ada, &first, "Und jetzt?").await;
    visitor.assert_silent(QUIET).await;
    let reply = app.posted_reply(&ada, &thread_id, "Noch da?").await;
    let frame = visitor.next().await;
    assert_eq!(frame["type"], "message_posted");
    assert_eq!(frame["message"]["id"], reply["id"]);
}

#[tokio::test]
async fn a_language_subscription_gets_new_threads_of_that_language_only() {
    let app = spawn_serving_app().await;
    let ada = app.registered_user("ada@example.com").await;
    app.fund(&ada, 100).await;
    let mut live = app.live(None).await;
    assert_eq!(
        live.ask(&json!({"action": "subscribe", "language": "DE"}))
            .await,
        json!({"type": "subscribed", "language": "de"})
    );
    let started = app
        .start_thread(
            &ada,
            &json!({ "language": "fr", "title": "Bonjour", "text": "Salut" }),
        )
        .await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let thread = app.thread(&ada, "Hallo").await;
    let frame = live.next().await;
    assert_eq!(frame["type"], "thread_created", "{frame}");
    assert_eq!(frame["language"], "de");
    assert_eq!(frame["thread"]["id"], thread["id"]);
    assert_eq!(frame["thread"]["title"], "Feierabend");
}

#[tokio::test]
async fn unsubscribing_stops_the_frames_and_a_closed_socket_leaves_nothing() {
    let app = spawn_serving_app().await;
    let (ada, thread_id, _) = app.author_with_thread("ada@example.com").await;
    let mut live = app.live(None).await;
    live.listen_to_thread(&thread_id).await;
    assert_eq!(
        live.ask(&json!({"action": "unsubscribe", "thread_id": thread_id}))
            .await,
        json!({"type": "unsubscribed", "thread_id": thread_id})
    );
    app.posted_reply(&ada, &thread_id, "Hört jemand zu?").await;
    live.assert_silent(QUIET).await;

    let topic = Topic::Thread(ThreadId::parse(&thread_id).unwrap());
    assert!(
        app.stack
            .app
            .store
            .live_listeners(&topic)
            .await
            .unwrap()
            .is_empty(),
        "no listener is left"
    );
    live.socket.close(None).await.unwrap();
}

#[tokio::test]
async fn the_twenty_first_subscription_is_refused() {
    let app = spawn_serving_app().await;
    let mut live = app.live(None).await;
    for n in 0..20 {
        // Under the rate limit: at most eight frames in any second.
        if n % 8 == 7 {
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        let language = format!("de-{:03}", 100 + n);
        assert_eq!(
            live.ask(&json!({"action": "subscribe", "language": language}))
                .await["type"],
            "subscribed",
            "{language}"
        );
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        live.ask(&json!({"action": "subscribe", "language": "fr"}))
            .await,
        json!({"type": "error", "code": "too_many_subscriptions"})
    );
    assert_eq!(
        live.ask(&json!({"action": "subscribe", "language": "de-100"}))
            .await,
        json!({"type": "subscribed", "language": "de-100"}),
        "one it holds is no new subscription"
    );
}

#[tokio::test]
async fn an_accounts_own_connection_gets_its_notification_and_nobody_else() {
    let app = spawn_serving_app().await;
    let user = app.registered_user("ada@example.com").await;
    let admin = app.admin_user("admin@example.com").await;
    let mut own = app.live(Some(&user.access_token)).await;
    let mut visitor = app.live(None).await;
    let mut admins = app.live(Some(&admin.access_token)).await;
    // Each connection answers before anything is filed (the upgrade is kept first).
    for live in [&mut own, &mut visitor, &mut admins] {
        assert_eq!(live.ask(&json!({"action": "ping"})).await["type"], "pong");
    }

    let request = app.file_request(&user, "access").await;
    app.complete_request(&admin, &request).await;
    let frame = own.next().await;
    assert_eq!(frame["type"], "notification", "{frame}");
    assert_eq!(frame["notification"]["kind"], "privacy_request_completed");
    assert_eq!(frame["notification"]["reference"], request["id"]);
    visitor.assert_silent(QUIET).await;
    admins.assert_silent(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn fifty_listeners_all_receive_one_post() {
    let app = spawn_serving_app().await;
    let (ada, thread_id, _) = app.author_with_thread("ada@example.com").await;
    let mut listeners = Vec::new();
    for _ in 0..50 {
        let mut live = app.live(None).await;
        live.listen_to_thread(&thread_id).await;
        listeners.push(live);
    }
    let reply = app.posted_reply(&ada, &thread_id, "An alle!").await;
    for (n, live) in listeners.iter_mut().enumerate() {
        let frame = live.next().await;
        assert_eq!(frame["type"], "message_posted", "listener {n}");
        assert_eq!(frame["message"]["id"], reply["id"], "listener {n}");
    }
}

#[tokio::test]
async fn more_than_ten_frames_a_second_is_told_rate_limited_then_closed() {
    let app = spawn_serving_app().await;
    let mut live = app.live(None).await;
    for _ in 0..30 {
        live.send(&json!({"action": "ping"})).await;
    }
    let mut pongs = 0;
    loop {
        let frame = live.next().await;
        if frame == json!({"type": "pong"}) {
            pongs += 1;
            continue;
        }
        assert_eq!(frame, json!({"type": "error", "code": "rate_limited"}));
        break;
    }
    assert!(
        pongs >= 10,
        "at least one second's ten frames answered: {pongs}"
    );
    assert_eq!(live.closed_with().await, Some(1000));
}

#[tokio::test]
async fn a_blocked_accounts_connections_are_closed() {
    let app = spawn_serving_app().await;
    let member = app.registered_user("member@example.com").await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let mut first = app.live(Some(&member.access_token)).await;
    let mut second = app.live(Some(&member.access_token)).await;
    let mut others = app.live(Some(&moderator.access_token)).await;
    for live in [&mut first, &mut second, &mut others] {
        assert_eq!(live.ask(&json!({"action": "ping"})).await["type"], "pong");
    }
    let held = app
        .stack
        .app
        .store
        .live_connections_of(&member.account_id())
        .await
        .unwrap();
    assert_eq!(held.len(), 2, "both connections are the account's");

    let blocked = app
        .send(
            Method::POST,
            &format!("/v1/moderation/accounts/{}/blocks", member.id),
            Some(&moderator.access_token),
            Some(&json!({ "reason": "Insults in three threads." })),
        )
        .await;
    assert_eq!(blocked.status(), StatusCode::CREATED);
    assert_eq!(first.closed_with().await, Some(1000));
    assert_eq!(second.closed_with().await, Some(1000));
    assert_eq!(
        others.ask(&json!({"action": "ping"})).await["type"],
        "pong",
        "another account's connection stays"
    );
    // Their `$disconnect` forgot them.
    let deadline = Instant::now() + FRAME_WAIT;
    while !app
        .stack
        .app
        .store
        .live_connections_of(&member.account_id())
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the closed connections are still held"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // And the blocked account cannot connect again with its token.
    let request = app
        .live_url(Some(&member.access_token))
        .into_client_request()
        .unwrap();
    assert!(matches!(
        connect_async(request).await,
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) if response.status() == 401
    ));
}

/// A connection the table holds but API Gateway does not (gone without `$disconnect`):
/// the first push finds it gone (410) and forgets it with its subscriptions.
#[tokio::test]
async fn a_gone_connection_is_pruned_at_the_first_push() {
    let app = spawn_serving_app().await;
    let (ada, thread_id, _) = app.author_with_thread("ada@example.com").await;
    let store = &app.stack.app.store;
    let now = app.stack.app.now();
    let gone = ConnectionId::parse("R0NFeGFtcGxlPQ=").unwrap();
    store
        .open_live_connection(None, &open_connection(gone.clone(), None, now), now)
        .await
        .unwrap();
    let topic = Topic::Thread(ThreadId::parse(&thread_id).unwrap());
    let plan = store
        .take_live_frame(&gone, &Ok(ClientFrame::Subscribe(topic.clone())), now)
        .await
        .unwrap();
    assert!(matches!(plan, FramePlan::Answer { .. }));
    assert_eq!(
        store.live_listeners(&topic).await.unwrap(),
        vec![gone.clone()]
    );
    let mut visitor = app.live(None).await;
    visitor.listen_to_thread(&thread_id).await;

    app.posted_reply(&ada, &thread_id, "Wer ist da?").await;
    assert_eq!(visitor.next().await["type"], "message_posted");
    let deadline = Instant::now() + FRAME_WAIT;
    while store.live_listeners(&topic).await.unwrap().contains(&gone) {
        assert!(
            Instant::now() < deadline,
            "the gone connection is still listening"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.connection_item(&gone).await,
        None,
        "its connection item is gone too"
    );
}

#[tokio::test]
async fn a_connection_is_kept_for_two_hours_at_most() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let mut live = app.live(Some(&user.access_token)).await;
    assert_eq!(live.ask(&json!({"action": "ping"})).await["type"], "pong");
    let store = &app.stack.app.store;
    let held = store.live_connections_of(&user.account_id()).await.unwrap();
    assert_eq!(held.len(), 1);
    let item = app.connection_item(&held[0]).await.unwrap();
    let expires: i64 = item["expires_at_epoch"].as_n().unwrap().parse().unwrap();
    let now = app.stack.app.now().unix_timestamp();
    assert!(
        (now + 7_200 - 60..=now + 7_200).contains(&expires),
        "expires at {expires}, now {now}"
    );
}

#[tokio::test]
async fn a_frame_on_a_connection_the_table_no_longer_holds_closes_it() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    let mut live = app.live(Some(&user.access_token)).await;
    assert_eq!(live.ask(&json!({"action": "ping"})).await["type"], "pong");
    let store = &app.stack.app.store;
    let held = store.live_connections_of(&user.account_id()).await.unwrap();
    assert_eq!(held.len(), 1);
    // Forgotten (as when its TTL ran out), the socket still open.
    store.close_live_connection(&held[0]).await.unwrap();
    live.send(&json!({"action": "ping"})).await;
    assert_eq!(live.closed_with().await, Some(1000), "closed");
}

#[tokio::test]
async fn a_thread_hidden_and_restored_is_pushed_to_its_listeners() {
    let app = spawn_serving_app().await;
    let (ada, thread_id, first) = app.author_with_thread("ada@example.com").await;
    let moderator = app.staff("mod@example.com", &[Role::Moderator]).await;
    let mut visitor = app.live(None).await;
    visitor.listen_to_thread(&thread_id).await;
    let act = async |action: &str| {
        let body = json!({ "action": action, "reason": "The title advertises." });
        app.send(
            Method::POST,
            &format!("/v1/moderation/threads/{thread_id}/actions"),
            Some(&moderator.access_token),
            Some(&body),
        )
        .await
    };

    assert_eq!(act("hide").await.status(), StatusCode::OK);
    assert_eq!(
        visitor.next().await,
        json!({"type": "thread_hidden", "thread_id": thread_id}),
        "its id alone, never its title"
    );
    // nothing gets into it now, so nothing more is pushed; nobody new may listen
    let refused = app
        .reply(&ada, &thread_id, &json!({ "text": "Hallo?" }))
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    // a moderator hiding and restoring a message inside it shows its listeners nothing
    for action in ["hide", "restore"] {
        let acted = app
            .send(
                Method::POST,
                &format!("/v1/moderation/messages/{first}/actions"),
                Some(&moderator.access_token),
                Some(&json!({ "action": action, "reason": "Checking it." })),
            )
            .await;
        assert!(acted.status().is_success(), "{action}: {}", acted.status());
    }
    visitor.assert_silent(QUIET).await;
    let mut late = app.live(None).await;
    assert_eq!(
        late.ask(&json!({"action": "subscribe", "thread_id": thread_id}))
            .await,
        json!({"type": "error", "code": "not_found", "thread_id": thread_id})
    );

    assert_eq!(act("restore").await.status(), StatusCode::OK);
    let restored = visitor.next().await;
    assert_eq!(restored["type"], "thread_restored", "{restored}");
    assert_eq!(restored["thread_id"], thread_id.as_str());
    assert_eq!(restored["thread"]["id"], thread_id.as_str());
    assert_eq!(restored["thread"]["title"], "Feierabend");
    // a reply moves the thread too, and pushes only itself
    let reply = app.posted_reply(&ada, &thread_id, "Wieder da!").await;
    let frame = visitor.next().await;
    assert_eq!(frame["type"], "message_posted", "{frame}");
    assert_eq!(frame["message"]["id"], reply["id"]);
    visitor.assert_silent(QUIET).await;
}

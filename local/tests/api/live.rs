//! Live conversations over real WebSockets against the local stack: `GET /v1/live`
//! upgraded on the stack's own port, frames through the same functions a Lambda runs,
//! pushes through the real Management API client.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use natives_functions::live::connections::Pushed;
use natives_shared::domain::live::ConnectionId;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use crate::helpers::{TestApp, spawn_app};

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

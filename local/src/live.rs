//! The WebSocket API, locally: `GET /v1/live` upgraded on the stack's own port, as API
//! Gateway's WebSocket API does deployed. The upgrade runs the `$connect` row's function
//! (a refusal is the upgrade's answer), every message the `$default` row's (its answer is
//! sent back, as the route response does), the end `$disconnect`'s, each on the event API
//! Gateway sends its Lambda proxy integration. The open sockets are what the local
//! Management API (`crate::management`) pushes to and closes. API Gateway's limits hold
//! too: frames of 32 KB, messages of 128 KB (larger: closed with 1009), ten idle minutes,
//! two hours at most.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use natives_functions::spec::FunctionSpec;
use natives_functions::{App, FUNCTIONS};
use natives_shared::domain::live::ConnectionId;
use natives_shared::store::count_requests;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message, error::CapacityError};

/// Where the local stack upgrades (deployed: the template's output `LiveUrl`).
pub const PATH: &str = "/v1/live";

/// API Gateway's WebSocket quotas.
const MAX_FRAME_BYTES: usize = 32 * 1024;
const MAX_MESSAGE_BYTES: usize = 128 * 1024;
const IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
const MAX_CONNECTION: Duration = Duration::from_secs(2 * 60 * 60);

/// What is sent to an open socket from outside its task.
#[derive(Debug)]
pub enum Outgoing {
    Frame(Message),
    /// Close it (the Management API's `DeleteConnection`).
    Close,
}

/// One open socket, as the Management API sees it.
struct Socket {
    outbox: mpsc::UnboundedSender<Outgoing>,
    connected_at: time::OffsetDateTime,
    last_active: Instant,
    source_ip: String,
    user_agent: String,
}

/// The open sockets, by connection id.
pub struct Sockets {
    open: Mutex<HashMap<ConnectionId, Socket>>,
    shutdown: watch::Receiver<bool>,
}

/// What the Management API's `GetConnection` tells of a socket.
pub struct SocketInfo {
    pub connected_at: time::OffsetDateTime,
    pub idle: Duration,
    pub source_ip: String,
    pub user_agent: String,
}

impl Sockets {
    pub fn new(shutdown: watch::Receiver<bool>) -> Self {
        Self {
            open: Mutex::new(HashMap::new()),
            shutdown,
        }
    }

    /// Hands `outgoing` to the socket; `false` if it is not open (gone).
    pub fn send(&self, connection: &ConnectionId, outgoing: Outgoing) -> bool {
        let open = self.open.lock().expect("sockets lock");
        open.get(connection)
            .is_some_and(|socket| socket.outbox.send(outgoing).is_ok())
    }

    pub fn info(&self, connection: &ConnectionId) -> Option<SocketInfo> {
        let open = self.open.lock().expect("sockets lock");
        open.get(connection).map(|socket| SocketInfo {
            connected_at: socket.connected_at,
            idle: socket.last_active.elapsed(),
            source_ip: socket.source_ip.clone(),
            user_agent: socket.user_agent.clone(),
        })
    }

    /// How many sockets are open.
    pub fn count(&self) -> usize {
        self.open.lock().expect("sockets lock").len()
    }

    fn touch(&self, connection: &ConnectionId) {
        if let Some(socket) = self.open.lock().expect("sockets lock").get_mut(connection) {
            socket.last_active = Instant::now();
        }
    }

    fn remove(&self, connection: &ConnectionId) {
        self.open.lock().expect("sockets lock").remove(connection);
    }
}

/// Whether `request` is for the live API (a `GET` of its path: other methods are the
/// HTTP API's, which has no such route).
pub fn serves(request: &hyper::Request<Incoming>) -> bool {
    request.method() == hyper::Method::GET && request.uri().path() == PATH
}

/// The upgrade: `$connect` decides, then the socket lives in a task of its own.
pub async fn upgrade(
    app: Arc<App>,
    sockets: Arc<Sockets>,
    mut request: hyper::Request<Incoming>,
    peer: SocketAddr,
) -> hyper::Response<Full<Bytes>> {
    let Some(key) = handshake_key(&request) else {
        return plain(
            426,
            "GET /v1/live is a WebSocket: send an upgrade request (Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Version: 13, Sec-WebSocket-Key)",
        );
    };
    let connection = new_connection_id();
    let client = Client::of(&request, peer);
    let connected_at = time::OffsetDateTime::now_utc();
    let event = connect_event(&request, &connection, &client, connected_at);
    let answer = match run(&app, "$connect", event).await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!(%error, "$connect failed");
            return plain(500, r#"{"message": "Internal server error"}"#);
        }
    };
    if !(200..300).contains(&answer.status) {
        return refused(answer);
    }
    let upgrading = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        let upgraded = match upgrading.await {
            Ok(upgraded) => upgraded,
            Err(error) => {
                tracing::warn!(%error, "the WebSocket upgrade did not complete");
                return;
            }
        };
        let config = WebSocketConfig::default()
            .max_frame_size(Some(MAX_FRAME_BYTES))
            .max_message_size(Some(MAX_MESSAGE_BYTES));
        let socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        let (outbox, inbox) = mpsc::unbounded_channel();
        sockets.open.lock().expect("sockets lock").insert(
            connection.clone(),
            Socket {
                outbox,
                connected_at,
                last_active: Instant::now(),
                source_ip: client.source_ip.clone(),
                user_agent: client.user_agent.clone(),
            },
        );
        let (code, reason) = serve_socket(
            &app,
            &sockets,
            &connection,
            &client,
            connected_at,
            socket,
            inbox,
        )
        .await;
        sockets.remove(&connection);
        let event = disconnect_event(&connection, &client, connected_at, code, &reason);
        if let Err(error) = run(&app, "$disconnect", event).await {
            tracing::error!(%error, %connection, "$disconnect failed");
        }
    });
    let mut response = hyper::Response::new(Full::new(Bytes::new()));
    *response.status_mut() = hyper::StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONNECTION,
        http::HeaderValue::from_static("Upgrade"),
    );
    headers.insert(
        http::header::UPGRADE,
        http::HeaderValue::from_static("websocket"),
    );
    if let Ok(accept) = http::HeaderValue::from_str(
        &tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes()),
    ) {
        headers.insert(http::header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    response
}

/// The upgrade request's key, if it is a WebSocket upgrade of version 13.
fn handshake_key(request: &hyper::Request<Incoming>) -> Option<String> {
    let headers = request.headers();
    let has = |name: http::header::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|value| {
            value
                .to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    let upgrade = request.method() == hyper::Method::GET
        && has(http::header::CONNECTION, "upgrade")
        && has(http::header::UPGRADE, "websocket")
        && headers
            .get(http::header::SEC_WEBSOCKET_VERSION)
            .is_some_and(|v| v == "13");
    headers
        .get(http::header::SEC_WEBSOCKET_KEY)
        .and_then(|key| key.to_str().ok())
        .filter(|_| upgrade)
        .map(str::to_owned)
}

/// Who is at the other end, as API Gateway's `identity` tells it.
#[derive(Clone)]
struct Client {
    source_ip: String,
    user_agent: String,
    host: String,
}

impl Client {
    fn of(request: &hyper::Request<Incoming>, peer: SocketAddr) -> Self {
        let header = |name: http::header::HeaderName| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        Self {
            source_ip: peer.ip().to_string(),
            user_agent: header(http::header::USER_AGENT),
            host: header(http::header::HOST),
        }
    }
}

/// Frames in, answers and pushes out, until the socket closes; then why it closed.
async fn serve_socket(
    app: &App,
    sockets: &Sockets,
    connection: &ConnectionId,
    client: &Client,
    connected_at: time::OffsetDateTime,
    mut socket: WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>,
    mut inbox: mpsc::UnboundedReceiver<Outgoing>,
) -> (u16, String) {
    let mut shutdown = sockets.shutdown.clone();
    let lifetime = tokio::time::sleep(MAX_CONNECTION);
    tokio::pin!(lifetime);
    loop {
        let idle = tokio::time::sleep(IDLE_TIMEOUT);
        let closing = tokio::select! {
            received = socket.next() => match received {
                None => return (1006, "Connection closed abnormally".into()),
                Some(Err(WsError::Capacity(CapacityError::MessageTooLong { .. }))) => {
                    Some((CloseCode::Size, "Message too big"))
                }
                Some(Err(error)) => {
                    tracing::debug!(%error, %connection, "the socket failed");
                    return (1006, "Connection closed abnormally".into());
                }
                Some(Ok(Message::Close(frame))) => {
                    let code = frame.as_ref().map_or(1005, |f| u16::from(f.code));
                    let _ = socket.close(None).await;
                    return (code, "Client-side close frame status code".into());
                }
                Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => {
                    sockets.touch(connection);
                    let event = message_event(connection, client, connected_at, &message);
                    let reply = match run(app, "$default", event).await {
                        Ok(answer) => answer.body,
                        Err(error) => {
                            tracing::error!(%error, %connection, "$default failed");
                            Some(internal_error(connection))
                        }
                    };
                    match reply {
                        Some(body) => match socket.send(Message::text(body)).await {
                            Ok(()) => None,
                            Err(_) => return (1006, "Connection closed abnormally".into()),
                        },
                        None => None,
                    }
                }
                Some(Ok(_)) => None, // pings are answered by the socket itself
            },
            outgoing = inbox.recv() => match outgoing {
                Some(Outgoing::Frame(message)) => match socket.send(message).await {
                    Ok(()) => None,
                    Err(_) => return (1006, "Connection closed abnormally".into()),
                },
                Some(Outgoing::Close) | None => Some((CloseCode::Normal, "Connection closed by the server")),
            },
            _ = idle => Some((CloseCode::Away, "Going away")),
            _ = &mut lifetime => Some((CloseCode::Away, "Going away")),
            _ = shutdown.changed() => Some((CloseCode::Away, "Going away")),
        };
        if let Some((code, reason)) = closing {
            let _ = socket
                .close(Some(CloseFrame {
                    code,
                    reason: reason.into(),
                }))
                .await;
            return (u16::from(code), reason.to_owned());
        }
    }
}

/// What API Gateway sends a client whose frame's integration failed.
fn internal_error(connection: &ConnectionId) -> String {
    json!({
        "message": "Internal server error",
        "connectionId": connection.as_str(),
        "requestId": ulid::Ulid::new().to_string(),
    })
    .to_string()
}

/// A function's answer to a WebSocket event.
struct Answer {
    status: u16,
    headers: serde_json::Map<String, Value>,
    body: Option<String>,
}

/// Runs the function of the WebSocket route `route` on `event`, held to its row's IAM
/// policy as the gateway holds HTTP routes.
async fn run(app: &App, route: &str, event: Value) -> Result<Answer, crate::BoxError> {
    let spec = route_function(route)?;
    let started = Instant::now();
    let (answered, sent) = count_requests(spec.function.handle_event(app, event)).await;
    spec.grants_all(&sent.accesses)?;
    let answer = answered.map_err(|e| format!("{}: {e}", spec.name))?;
    let status = answer["statusCode"].as_u64().unwrap_or(200) as u16;
    tracing::info!(
        route,
        function = spec.name,
        status,
        dynamodb_requests = sent.count(),
        micros = started.elapsed().as_micros() as u64,
        "websocket"
    );
    Ok(Answer {
        status,
        headers: answer["headers"].as_object().cloned().unwrap_or_default(),
        body: answer["body"].as_str().map(str::to_owned),
    })
}

fn route_function(route: &str) -> Result<&'static FunctionSpec, crate::BoxError> {
    FUNCTIONS
        .iter()
        .find(|spec| spec.websocket_route() == Some(route))
        .ok_or_else(|| format!("no function serves the WebSocket route {route}").into())
}

/// A connection id as API Gateway's look: 16 characters of base64.
fn new_connection_id() -> ConnectionId {
    let bytes: [u8; 11] = natives_shared::random::random_bytes();
    ConnectionId::parse(&STANDARD.encode(bytes)).expect("base64 is a connection id")
}

/// The `requestContext` API Gateway gives every event of a connection.
fn request_context(
    route: &str,
    event_type: &str,
    connection: &ConnectionId,
    client: &Client,
    connected_at: time::OffsetDateTime,
) -> Value {
    let now = time::OffsetDateTime::now_utc();
    let request_id = ulid::Ulid::new().to_string();
    json!({
        "routeKey": route,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": now
            .format(time::macros::format_description!(
                "[day]/[month repr:short]/[year]:[hour]:[minute]:[second] +0000"
            ))
            .unwrap_or_default(),
        "messageDirection": "IN",
        "stage": "local",
        "connectedAt": millis(connected_at),
        "requestTimeEpoch": millis(now),
        "identity": { "sourceIp": client.source_ip, "userAgent": client.user_agent },
        "requestId": request_id,
        "domainName": client.host,
        "connectionId": connection.as_str(),
        "apiId": "local",
    })
}

fn millis(at: time::OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// `$connect`'s event: the upgrade request's headers and query.
fn connect_event(
    request: &hyper::Request<Incoming>,
    connection: &ConnectionId,
    client: &Client,
    connected_at: time::OffsetDateTime,
) -> Value {
    let mut headers = serde_json::Map::new();
    let mut multi_headers: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in request.headers() {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        headers.insert(name.as_str().to_owned(), Value::from(value.clone()));
        multi_headers
            .entry(name.as_str().to_owned())
            .or_default()
            .push(value);
    }
    let mut query = serde_json::Map::new();
    let mut multi_query: HashMap<String, Vec<String>> = HashMap::new();
    for (key, value) in form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()) {
        query.insert(
            key.clone().into_owned(),
            Value::from(value.clone().into_owned()),
        );
        multi_query
            .entry(key.into_owned())
            .or_default()
            .push(value.into_owned());
    }
    let mut event = json!({
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "requestContext": request_context("$connect", "CONNECT", connection, client, connected_at),
        "isBase64Encoded": false,
    });
    if !query.is_empty() {
        event["queryStringParameters"] = Value::Object(query);
        event["multiValueQueryStringParameters"] = json!(multi_query);
    }
    event
}

/// `$default`'s event: one message (a binary one as base64).
fn message_event(
    connection: &ConnectionId,
    client: &Client,
    connected_at: time::OffsetDateTime,
    message: &Message,
) -> Value {
    let mut context = request_context("$default", "MESSAGE", connection, client, connected_at);
    context["messageId"] = Value::from(ulid::Ulid::new().to_string());
    let (body, is_base64) = match message {
        Message::Text(text) => (text.as_str().to_owned(), false),
        other => (STANDARD.encode(other.clone().into_data()), true),
    };
    json!({ "requestContext": context, "body": body, "isBase64Encoded": is_base64 })
}

/// `$disconnect`'s event, with the close's status code and reason.
fn disconnect_event(
    connection: &ConnectionId,
    client: &Client,
    connected_at: time::OffsetDateTime,
    code: u16,
    reason: &str,
) -> Value {
    let mut context = request_context(
        "$disconnect",
        "DISCONNECT",
        connection,
        client,
        connected_at,
    );
    context["disconnectStatusCode"] = Value::from(code);
    context["disconnectReason"] = Value::from(reason);
    json!({ "headers": { "Host": client.host }, "requestContext": context, "isBase64Encoded": false })
}

/// `$connect` refused the upgrade: its status, headers and body.
fn refused(answer: Answer) -> hyper::Response<Full<Bytes>> {
    let mut response = plain(answer.status, &answer.body.unwrap_or_default());
    for (name, value) in &answer.headers {
        let (Ok(name), Some(Ok(value))) = (
            http::header::HeaderName::from_bytes(name.as_bytes()),
            value.as_str().map(http::HeaderValue::from_str),
        ) else {
            continue;
        };
        response.headers_mut().insert(name, value);
    }
    response
}

fn plain(status: u16, body: &str) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response
}

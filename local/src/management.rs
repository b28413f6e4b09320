//! The API Gateway Management API, locally: `POST /@connections/{connectionId}` sends its
//! body to the open socket, `DELETE` closes it, `GET` describes it; a connection that is
//! not open is `410 GoneException`, as deployed. The functions' real
//! `aws-sdk-apigatewaymanagement` client posts here (its endpoint is the stack's own
//! address, as deployed it is the WebSocket API's stage).

use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use natives_shared::domain::live::ConnectionId;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::live::{Outgoing, Sockets};

const PREFIX: &str = "/@connections/";

/// What `PostToConnection` takes at most (API Gateway's message payload quota).
const MAX_DATA_BYTES: usize = 128 * 1024;

pub fn serves(path: &str) -> bool {
    path.starts_with(PREFIX)
}

pub async fn handle(
    sockets: Arc<Sockets>,
    request: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let id = request
        .uri()
        .path()
        .strip_prefix(PREFIX)
        .and_then(|raw| percent_encoding::percent_decode_str(raw).decode_utf8().ok())
        .and_then(|id| ConnectionId::parse(&id).ok());
    let Some(connection) = id else {
        return error(400, "BadRequestException", "Invalid connectionId");
    };
    if !signed(&request) {
        return error(403, "ForbiddenException", "Missing Authentication Token");
    }
    let method = request.method().clone();
    match method {
        hyper::Method::POST => {
            let body = match Limited::new(request.into_body(), MAX_DATA_BYTES)
                .collect()
                .await
            {
                Ok(body) => body.to_bytes(),
                Err(_) => return error(413, "PayloadTooLargeException", "Message too long"),
            };
            let message = match String::from_utf8(body.to_vec()) {
                Ok(text) => Message::text(text),
                Err(_) => Message::binary(body),
            };
            if sockets.send(&connection, Outgoing::Frame(message)) {
                empty(200)
            } else {
                gone()
            }
        }
        hyper::Method::DELETE => {
            if sockets.send(&connection, Outgoing::Close) {
                empty(204)
            } else {
                gone()
            }
        }
        hyper::Method::GET => match sockets.info(&connection) {
            Some(info) => {
                let format = &time::format_description::well_known::Rfc3339;
                let last_active = time::OffsetDateTime::now_utc() - info.idle;
                let body = json!({
                    "connectedAt": info.connected_at.format(format).unwrap_or_default(),
                    "lastActiveAt": last_active.format(format).unwrap_or_default(),
                    "identity": { "sourceIp": info.source_ip, "userAgent": info.user_agent },
                });
                respond(200, None, body.to_string())
            }
            None => gone(),
        },
        _ => error(405, "MethodNotAllowedException", "Method not allowed"),
    }
}

/// Whether the request carries SigV4 for `execute-api`, as the Management API demands
/// (the signature itself is not checked locally: the local credentials are public).
fn signed(request: &hyper::Request<Incoming>) -> bool {
    request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value.starts_with("AWS4-HMAC-SHA256") && value.contains("/execute-api/")
        })
}

fn gone() -> hyper::Response<Full<Bytes>> {
    error(410, "GoneException", "")
}

fn error(status: u16, kind: &'static str, message: &str) -> hyper::Response<Full<Bytes>> {
    respond(
        status,
        Some(kind),
        json!({ "message": message }).to_string(),
    )
}

fn empty(status: u16) -> hyper::Response<Full<Bytes>> {
    respond(status, None, String::new())
}

fn respond(status: u16, kind: Option<&'static str>, body: String) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    if let Some(kind) = kind {
        headers.insert("x-amzn-errortype", http::HeaderValue::from_static(kind));
    }
    response
}

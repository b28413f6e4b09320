//! An API Gateway (HTTP API, payload 2.0) in front of the route table: each request goes
//! to the function API Gateway would choose (its route's, or the `$default` route's when
//! no route matches), is turned into the event a Lambda would receive, parsed by
//! `lambda_http` exactly as in AWS, and answered by the function's own handler.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use natives_functions::App;
use natives_functions::routing::{self, DEFAULT_ROUTE};
use natives_functions::spec::FunctionSpec;
use natives_shared::http::ApiError;
use natives_shared::store::{Requests, count_requests};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::{checkout_page, live, management, web};
use tokio::sync::watch;

/// The number of DynamoDB requests the function made for this request.
pub const DYNAMODB_REQUESTS_HEADER: &str = "x-local-dynamodb-requests";
/// Those requests' operations, in order, comma-separated (`GetItem,GetItem,UpdateItem`).
pub const DYNAMODB_OPERATIONS_HEADER: &str = "x-local-dynamodb-operations";
/// Local only: the function that answered (its row's name), as API Gateway chose it.
pub const FUNCTION_HEADER: &str = "x-local-function";
/// Local only: every item action the requests carried, as IAM authorises them
/// (`[{"action","index","leading_key"}]`, JSON with non-ASCII as `\u` escapes), so tests
/// can hold each function to the `dynamodb:LeadingKeys` of its row.
pub const DYNAMODB_KEYS_HEADER: &str = "x-local-dynamodb-keys";

/// API Gateway refuses larger payloads before any function runs.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

pub async fn serve(listener: TcpListener, app: Arc<App>, mut shutdown: watch::Receiver<bool>) {
    let sockets = Arc::new(live::Sockets::new(shutdown.clone()));
    loop {
        let (socket, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    continue;
                }
            },
            _ = shutdown.changed() => return,
        };
        let (app, sockets) = (app.clone(), sockets.clone());
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let (app, sockets) = (app.clone(), sockets.clone());
                async move {
                    // The live API's upgrade and the Management API: the WebSocket API's.
                    if live::serves(&request) {
                        return Ok(live::upgrade(app, sockets, request, peer).await);
                    }
                    if management::serves(request.uri().path()) {
                        return Ok(management::handle(sockets, request).await);
                    }
                    Ok::<_, Infallible>(handle(&app, request, peer).await)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(socket), service)
                .with_upgrades()
                .await;
        });
    }
}

/// One request: the local stand-ins for what is not the API (the checkout page), then
/// the API as API Gateway serves it.
async fn handle(
    app: &App,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
) -> hyper::Response<Full<Bytes>> {
    if web::serves(request.method(), request.uri().path()) {
        return web::handle(app, &request).await;
    }
    if request.uri().path().starts_with(checkout_page::PREFIX) {
        return checkout_page::handle(app, request.method(), request.uri().path()).await;
    }
    if request
        .uri()
        .path()
        .starts_with(crate::invoice_page::PREFIX)
    {
        return crate::invoice_page::handle(app, request.method(), request.uri().path()).await;
    }
    if request.uri().path().starts_with(crate::local_idp::PREFIX) {
        return crate::local_idp::handle(app, request).await;
    }
    call_api(app, request, peer).await
}

async fn call_api(
    app: &App,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
) -> hyper::Response<Full<Bytes>> {
    let started = Instant::now();
    let request_id = ulid::Ulid::new().to_string();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let (spec, path_parameters) = routing::select(method.as_str(), &path);
    let (mut response, sent) =
        match call_function(app, spec, path_parameters, request, peer, &request_id).await {
            Ok(answered) => answered,
            Err(error) => (error.into_response(&request_id), Requests::default()),
        };
    let dynamodb_requests = sent.count();
    tracing::info!(
        %method, %path, function = spec.name, status = response.status().as_u16(),
        dynamodb_requests, micros = started.elapsed().as_micros() as u64, "request"
    );
    response
        .headers_mut()
        .insert(FUNCTION_HEADER, http::HeaderValue::from_static(spec.name));
    // Local only (API Gateway sends no such header): lets tests hold each route to its
    // DynamoDB request budget.
    response
        .headers_mut()
        .insert(DYNAMODB_REQUESTS_HEADER, dynamodb_requests.into());
    if let Ok(operations) = http::HeaderValue::from_str(&sent.operations.join(",")) {
        response
            .headers_mut()
            .insert(DYNAMODB_OPERATIONS_HEADER, operations);
    }
    let keys = ascii_json(&serde_json::to_string(&sent.accesses).unwrap_or_default());
    if let Ok(keys) = http::HeaderValue::from_str(&keys) {
        response.headers_mut().insert(DYNAMODB_KEYS_HEADER, keys);
    }
    to_hyper(response)
}

/// JSON with every non-ASCII character written as `\uXXXX` (still the same JSON), so
/// it fits a header value.
fn ascii_json(json: &str) -> String {
    let mut ascii = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                ascii.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    ascii
}

/// `spec`'s function on the event API Gateway would send it for `request`.
async fn call_function(
    app: &App,
    spec: &'static FunctionSpec,
    path_parameters: HashMap<String, String>,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
    request_id: &str,
) -> Result<(lambda_http::Response<lambda_http::Body>, Requests), ApiError> {
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, MAX_PAYLOAD_BYTES)
        .collect()
        .await
        .map_err(|_| ApiError::PayloadTooLarge {
            limit_bytes: MAX_PAYLOAD_BYTES,
        })?
        .to_bytes();
    let event = api_gateway_event(&parts, &body, spec, &path_parameters, peer, request_id);
    let lambda_request = lambda_http::request::from_str(&event.to_string())
        .map_err(|e| ApiError::internal("building the API Gateway event", e))?;
    let (response, sent) = count_requests(spec.function.handle_http(app, lambda_request)).await;
    // Here the requests ran, so the answer is replaced, loudly, for a test or a
    // developer to see: the row's permissions or leading keys miss them.
    if let Err(refused) = spec.grants_all(&sent.accesses) {
        tracing::error!(function = spec.name, "{refused}");
        return Err(ApiError::Internal(refused));
    }
    Ok((response, sent))
}

/// The payload-2.0 event API Gateway would send for this request.
fn api_gateway_event(
    parts: &http::request::Parts,
    body: &[u8],
    spec: &FunctionSpec,
    path_parameters: &HashMap<String, String>,
    peer: SocketAddr,
    request_id: &str,
) -> Value {
    let mut headers: HashMap<String, String> = HashMap::new();
    let mut cookies = Vec::new();
    for (name, value) in &parts.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name == http::header::COOKIE {
            cookies.extend(value.split("; ").map(str::to_owned));
            continue;
        }
        headers
            .entry(name.as_str().to_owned())
            .and_modify(|existing| {
                existing.push(',');
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    let raw_query = parts.uri.query().unwrap_or("");
    let mut query: HashMap<String, String> = HashMap::new();
    for (key, value) in form_urlencoded::parse(raw_query.as_bytes()) {
        query
            .entry(key.into_owned())
            .and_modify(|existing| {
                existing.push(',');
                existing.push_str(&value);
            })
            .or_insert_with(|| value.into_owned());
    }
    let (body, is_base64) = match std::str::from_utf8(body) {
        _ if body.is_empty() => (Value::Null, false),
        Ok(text) => (json!(text), false),
        Err(_) => (json!(STANDARD.encode(body)), true),
    };
    let now = time::OffsetDateTime::now_utc();
    let route_key = match spec.route() {
        Some((method, path)) => format!("{method} {path}"),
        None => DEFAULT_ROUTE.to_owned(),
    };
    let user_agent = headers.get("user-agent").cloned().unwrap_or_default();
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.uri.path(),
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": headers.get("host").cloned().unwrap_or_else(|| "localhost".into()),
            "domainPrefix": "local",
            "http": {
                "method": parts.method.as_str(),
                "path": parts.uri.path(),
                "protocol": "HTTP/1.1",
                "sourceIp": peer.ip().to_string(),
                "userAgent": user_agent,
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": now.format(&time::format_description::well_known::Rfc2822).unwrap_or_default(),
            "timeEpoch": now.unix_timestamp() * 1000 + i64::from(now.millisecond()),
        },
        "body": body,
        "isBase64Encoded": is_base64,
    });
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if !query.is_empty() {
        event["queryStringParameters"] = json!(query);
    }
    if !path_parameters.is_empty() {
        event["pathParameters"] = json!(path_parameters);
    }
    event
}

fn to_hyper(response: lambda_http::Response<lambda_http::Body>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        lambda_http::Body::Text(text) => Bytes::from(text),
        lambda_http::Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}

//! The WebSocket API's events as its routes' functions take them (API Gateway's Lambda
//! proxy integration, `aws_lambda_events`' WebSocket request), and what they answer.

use std::collections::BTreeMap;

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use natives_shared::domain::live::ConnectionId;
use natives_shared::http::ApiError;
use serde::Serialize;

/// What a WebSocket route's function reads of its event, read once.
#[derive(Debug)]
pub struct LiveEvent {
    pub connection: ConnectionId,
    /// API Gateway's id of this request, for the log.
    pub request_id: String,
    /// `?token=` of the upgrade request (`$connect` only).
    pub token: Option<String>,
    /// The frame's text (`$default` only); a binary frame arrives as base64, and so is
    /// no frame the contract knows.
    pub body: Option<String>,
}

impl TryFrom<ApiGatewayWebsocketProxyRequest> for LiveEvent {
    type Error = lambda_http::Error;

    fn try_from(event: ApiGatewayWebsocketProxyRequest) -> Result<Self, Self::Error> {
        let context = event.request_context;
        let connection = context
            .connection_id
            .as_deref()
            .map(ConnectionId::parse)
            .transpose()?
            .ok_or("the WebSocket event names no connection")?;
        let body = match (event.body, event.is_base64_encoded) {
            (Some(_), true) => Some(String::new()),
            (body, false) => body,
            (None, true) => None,
        };
        Ok(Self {
            connection,
            request_id: context.request_id.unwrap_or_default(),
            token: event
                .query_string_parameters
                .first("token")
                .map(str::to_owned),
            body,
        })
    }
}

/// A WebSocket route's answer to API Gateway: a non-2xx status of `$connect` refuses the
/// upgrade with that status; the body of `$default`'s is the frame sent back (its route
/// response is `$default`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveAnswer {
    pub status_code: u16,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl LiveAnswer {
    pub fn ok() -> Self {
        Self {
            status_code: 200,
            headers: BTreeMap::new(),
            body: None,
        }
    }

    /// A frame sent back to the client.
    pub fn frame(frame: String) -> Self {
        Self {
            status_code: 200,
            headers: BTreeMap::new(),
            body: Some(frame),
        }
    }

    /// A refusal as the HTTP API gives it: the status and its problem document.
    pub fn refused(error: ApiError, request_id: &str) -> Self {
        let response = error.into_response(request_id);
        let status_code = response.status().as_u16();
        let headers = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| BTreeMap::from([("Content-Type", value.to_owned())]))
            .unwrap_or_default();
        let body = match response.into_body() {
            lambda_http::Body::Text(text) => Some(text),
            _ => None,
        };
        Self {
            status_code,
            headers,
            body,
        }
    }
}

//! `natives-local invoke`: one function, one event file, like `sam local invoke`.
//! An HTTP function gets an API Gateway event; a function that is not a route gets the
//! event its trigger delivers (a DynamoDB stream batch) and answers with its result.

use natives_functions::App;
use natives_functions::Function;
use serde_json::{Value, json};

use crate::BoxError;

/// Runs `function` on the API Gateway event in `event_json`; returns the response in
/// the shape API Gateway gets back from a Lambda.
pub async fn invoke(app: &App, function: Function, event_json: &str) -> Result<Value, BoxError> {
    if !function.spec().is_http() {
        let event: Value =
            serde_json::from_str(event_json).map_err(|e| format!("the event is not JSON: {e}"))?;
        return function.handle_event(app, event).await;
    }
    let request = lambda_http::request::from_str(event_json)
        .map_err(|e| format!("the event is not an API Gateway event: {e}"))?;
    let response = function.handle_http(app, request).await;
    let headers: serde_json::Map<String, Value> = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), json!(value.to_str().unwrap_or_default())))
        .collect();
    let body = match response.body() {
        lambda_http::Body::Text(text) => json!(text),
        lambda_http::Body::Binary(bytes) => {
            use base64::Engine;
            return Ok(json!({
                "statusCode": response.status().as_u16(),
                "headers": headers,
                "body": base64::engine::general_purpose::STANDARD.encode(bytes),
                "isBase64Encoded": true,
            }));
        }
        _ => Value::Null,
    };
    Ok(json!({
        "statusCode": response.status().as_u16(),
        "headers": headers,
        "body": body,
        "isBase64Encoded": false,
    }))
}

//! JSON request bodies: media type, size and shape checked before anything else runs.

use lambda_http::{Body, Request};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::error::Category;

use super::ApiError;
use crate::domain::FieldError;

/// Larger bodies are refused with 413 before they are parsed.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn body_bytes(request: &Request) -> &[u8] {
    match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    }
}

fn is_json_media_type(request: &Request) -> bool {
    request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Parses the body into `T` (whose serde attributes refuse unknown fields).
/// 413 too large, 415 not JSON by media type, 400 not JSON by content, 422 wrong shape.
pub fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let bytes = body_bytes(request);
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit_bytes: MAX_BODY_BYTES,
        });
    }
    if !is_json_media_type(request) {
        return Err(ApiError::UnsupportedMediaType);
    }
    if let Some(refused) = not_an_object(bytes) {
        return Err(refused);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let message = without_position(&inner.to_string());
        match inner.classify() {
            Category::Data => ApiError::Validation(vec![field_error(&path, &message)]),
            Category::Syntax | Category::Eof | Category::Io => ApiError::Malformed(message),
        }
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::Malformed(without_position(&e.to_string())))?;
    Ok(value)
}

/// A body that is not a JSON object: 422 naming what it is when it is well-formed JSON
/// (serde would read an array as a struct's fields in order and name an element, not the
/// body), 400 when it is not JSON at all. `None` for what may be an object.
fn not_an_object(bytes: &[u8]) -> Option<ApiError> {
    let kind = match bytes.iter().find(|b| !b.is_ascii_whitespace())? {
        b'{' => return None,
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    };
    Some(
        match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Ok(_) => ApiError::Validation(vec![FieldError {
                field: "body".into(),
                message: format!("expected a JSON object, not {kind}"),
            }]),
            Err(error) => ApiError::Malformed(without_position(&error.to_string())),
        },
    )
}

/// For an optional field that is not nullable: absent is `None`, a value is `Some`, and
/// `null` is refused like any other value of the wrong type (422 naming the field).
/// Use as `#[serde(default, deserialize_with = "not_null")]`; a field left out means
/// what the contract says, and `null` is never read as "left out".
pub fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// serde names a missing field in its message, not in the path.
fn field_error(path: &str, message: &str) -> FieldError {
    let named = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let field = match (path, named) {
        (".", Some(name)) => name.to_owned(),
        (".", None) => "body".to_owned(),
        (path, Some(name)) => format!("{path}.{name}"),
        (path, None) => path.to_owned(),
    };
    FieldError {
        field,
        message: message.to_owned(),
    }
}

fn without_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        flag: bool,
    }

    fn request(content_type: Option<&str>, body: &str) -> Request {
        let mut builder = http::Request::builder().method("POST").uri("/x");
        if let Some(ct) = content_type {
            builder = builder.header("content-type", ct);
        }
        builder.body(Body::Text(body.to_owned())).unwrap()
    }

    fn status(content_type: Option<&str>, body: &str) -> u16 {
        match json_body::<Probe>(&request(content_type, body)) {
            Ok(_) => 200,
            Err(e) => e.status(),
        }
    }

    #[test]
    fn classifies_bad_bodies() {
        let json = Some("application/json");
        for (content_type, body, expected, why) in [
            (json, r#"{"name":"a"}"#, 200, "valid"),
            (
                Some("application/json; charset=utf-8"),
                r#"{"name":"a"}"#,
                200,
                "with charset",
            ),
            (json, r#"{"name":"a""#, 400, "truncated"),
            (json, "name=a", 400, "form body"),
            (json, "", 400, "empty"),
            (json, r#"{"name":"a"} {}"#, 400, "trailing data"),
            (Some("text/plain"), r#"{"name":"a"}"#, 415, "wrong type"),
            (None, r#"{"name":"a"}"#, 415, "no type"),
            (json, r#"{}"#, 422, "missing field"),
            (json, r#"{"name":"a","admin":true}"#, 422, "unknown field"),
            (json, r#"{"name":5}"#, 422, "wrong type of field"),
            (json, r#"[]"#, 422, "not an object"),
            (json, r#"["a"]"#, 422, "an array with a field's value"),
            (json, "\"a\"", 422, "a string"),
            (json, "5", 422, "a number"),
            (json, "null", 422, "null"),
            (json, "[1,", 400, "a truncated array"),
        ] {
            assert_eq!(status(content_type, body), expected, "{why}");
        }
        let big = format!(r#"{{"name":"{}"}}"#, "a".repeat(MAX_BODY_BYTES));
        assert_eq!(status(json, &big), 413, "over 64 KiB");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Optional {
        #[serde(default, deserialize_with = "not_null")]
        note: Option<String>,
    }

    #[test]
    fn an_optional_field_is_absent_or_a_value_never_null() {
        let parse = |body: &str| json_body::<Optional>(&request(Some("application/json"), body));
        assert_eq!(parse("{}").unwrap().note, None);
        assert_eq!(parse(r#"{"note":"a"}"#).unwrap().note.as_deref(), Some("a"));
        match parse(r#"{"note":null}"#) {
            Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "note"),
            other => panic!("null was not refused: {other:?}"),
        }
    }

    #[test]
    fn names_the_offending_field() {
        let field = |body: &str| match json_body::<Probe>(&request(Some("application/json"), body))
        {
            Err(ApiError::Validation(errors)) => errors[0].field.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        };
        assert_eq!(field("{}"), "name");
        assert_eq!(field(r#"{"name":"a","admin":1}"#), "admin");
        assert_eq!(field(r#"{"name":"a","inner":{}}"#), "inner.flag");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_named_as_such() {
        for (body, kind) in [
            (r#"["a", 1]"#, "an array"),
            (" []", "an array"),
            ("\"name\"", "a string"),
            ("true", "a boolean"),
            ("null", "null"),
            ("-1.5", "a number"),
        ] {
            match json_body::<Probe>(&request(Some("application/json"), body)) {
                Err(ApiError::Validation(errors)) => {
                    assert_eq!(errors.len(), 1, "{body}");
                    assert_eq!(errors[0].field, "body", "{body}");
                    assert_eq!(
                        errors[0].message,
                        format!("expected a JSON object, not {kind}"),
                        "{body}"
                    );
                }
                other => panic!("{body}: {other:?}"),
            }
        }
    }
}

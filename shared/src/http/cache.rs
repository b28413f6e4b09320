//! HTTP caching of public reads: an `ETag` from the body, `Cache-Control` by audience,
//! and `304 Not Modified` for a matching `If-None-Match`, so a CDN (or a browser)
//! absorbs repeated reads of a popular thread.

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lambda_http::{Body, Request, Response};

/// Who may keep a copy of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The same for every reader: shared caches may keep it for `max_age` seconds.
    Public { max_age: u32 },
    /// Shaped by the caller's token: only the caller's own client may keep it.
    Private,
}

/// `response` (a 200 with a body) with validators and caching headers, or a 304 when
/// the request's `If-None-Match` names its ETag.
pub fn cached(request: &Request, response: Response<Body>, audience: Audience) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes: &[u8] = match &body {
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    let etag = format!(
        "\"{}\"",
        URL_SAFE_NO_PAD.encode(&digest::digest(&digest::SHA256, bytes).as_ref()[..16])
    );
    let cache_control = match audience {
        Audience::Public { max_age } => format!("public, max-age={max_age}"),
        Audience::Private => "private, no-cache".to_owned(),
    };
    let headers = &mut parts.headers;
    headers.insert(
        "etag",
        etag.parse().expect("an ETag is a valid header value"),
    );
    headers.insert(
        "cache-control",
        cache_control.parse().expect("a valid header value"),
    );
    // A token changes the answer (its author sees more): caches key on it.
    headers.insert("vary", http::HeaderValue::from_static("authorization"));
    if if_none_match(request, &etag) {
        parts.status = http::StatusCode::NOT_MODIFIED;
        headers.remove("content-type");
        return Response::from_parts(parts, Body::Empty);
    }
    Response::from_parts(parts, body)
}

fn if_none_match(request: &Request, etag: &str) -> bool {
    request
        .headers()
        .get_all(http::header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(if_none_match: Option<&str>) -> Request {
        let mut builder = http::Request::builder().uri("/x");
        if let Some(tag) = if_none_match {
            builder = builder.header("if-none-match", tag);
        }
        builder.body(Body::Empty).unwrap()
    }

    fn answer() -> Response<Body> {
        crate::http::json(200, &serde_json::json!({ "a": 1 }))
    }

    #[test]
    fn a_matching_validator_gets_304_and_others_the_body() {
        let first = cached(&request(None), answer(), Audience::Public { max_age: 5 });
        assert_eq!(first.status(), 200);
        assert_eq!(first.headers()["cache-control"], "public, max-age=5");
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        let again = cached(
            &request(Some(&etag)),
            answer(),
            Audience::Public { max_age: 5 },
        );
        assert_eq!(again.status(), 304);
        assert!(matches!(again.body(), Body::Empty));
        assert_eq!(again.headers()["etag"], etag.as_str());
        let listed = format!("\"other\", W/{etag}");
        assert_eq!(
            cached(&request(Some(&listed)), answer(), Audience::Private).status(),
            304
        );
        let stale = cached(&request(Some("\"stale\"")), answer(), Audience::Private);
        assert_eq!(stale.status(), 200);
        assert_eq!(stale.headers()["cache-control"], "private, no-cache");
    }
}

//! The web client (`web/`), served at `/` beside the API under `/v1`, as the deployed
//! distribution serves it (default behaviour → the client's bucket, `/v1/*` → the API):
//! the browser sees one origin, so the API needs no CORS and the session cookie stays
//! `SameSite=Strict`.
//!
//! The files are the deployed files, unbuilt. In debug builds rust-embed reads them from
//! `web/` at each request, so an edit shows on reload without a rebuild; release builds
//! embed them, so the binary serves them alone.

use std::time::{Duration, SystemTime};

use http::{HeaderValue, Method, StatusCode, header};
use http_body_util::Full;
use hyper::body::Bytes;
use natives_functions::App;
use tower_http::cors::{AllowOrigin, Cors};

use crate::checkout_page;

#[derive(rust_embed::Embed)]
#[folder = "../web/"]
struct WebFiles;

/// Files under this folder carry their version in their path, so browsers keep them.
const VERSIONED_PREFIX: &str = "vendor/";

/// Whether this request is for the web client rather than the API or the local pages.
pub fn serves(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && path != "/v1"
        && !path.starts_with("/v1/")
        && !path.starts_with(checkout_page::PREFIX)
        && !path.starts_with(crate::invoice_page::PREFIX)
        && !path.starts_with(crate::local_idp::PREFIX)
}

/// The file the request names, with the headers the deployed distribution sends with it.
pub async fn handle<B>(app: &App, request: &hyper::Request<B>) -> hyper::Response<Full<Bytes>> {
    let name = match request.uri().path().trim_start_matches('/') {
        // The page, and the paths an invitation e-mail and a guardian's consent e-mail
        // link (the client moves them into its hash route).
        "" | "join" | "invitations/opt-out" | "guardian-consent" => "index.html",
        name => name,
    };
    // rust-embed's folder lookups in debug builds join the name to the folder: no way out.
    let file = if name
        .split('/')
        .any(|part| part == ".." || part.contains('\\'))
    {
        None
    } else {
        WebFiles::get(name)
    };
    let Some(file) = file else {
        return plain(StatusCode::NOT_FOUND, "Not found");
    };
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..16]));
    let cache_control = if name.starts_with(VERSIONED_PREFIX) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let not_modified = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut builder = hyper::Response::builder()
        .header(header::ETAG, &etag)
        .header(header::CACHE_CONTROL, cache_control)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "same-origin")
        .header(
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(
                archive_origin(app).await.as_deref(),
                live_origin(request).as_deref(),
            ),
        );
    let body = if not_modified {
        builder = builder.status(StatusCode::NOT_MODIFIED);
        Bytes::new()
    } else {
        builder = builder.header(header::CONTENT_TYPE, file.metadata.mimetype());
        if request.method() == Method::HEAD {
            Bytes::new()
        } else {
            Bytes::from(file.data.into_owned())
        }
    };
    builder.body(Full::new(body)).expect("a file response")
}

/// The page may load and reach only its own origin, the archive for recordings (played
/// from it, uploaded to its staging bucket) and the live WebSocket; `blob:` media is the
/// page's own recording, played back before it is sent. The deployed distribution sends
/// the same policy with the archive's CDN, the staging bucket and the WebSocket API
/// (infra/template.yaml).
pub fn content_security_policy(archive_origin: Option<&str>, live_origin: Option<&str>) -> String {
    let archive = archive_origin.map(|o| format!(" {o}")).unwrap_or_default();
    let live = live_origin.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'{archive}; \
         media-src 'self' blob:{archive}; connect-src 'self'{archive}{live}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The live WebSocket of the stack the page was loaded from (`ws://` and the page's own
/// host: the upgrade is on the stack's own port, `crate::live`).
fn live_origin<B>(request: &hyper::Request<B>) -> Option<String> {
    let host = request.headers().get(header::HOST)?.to_str().ok()?;
    let authority: http::uri::Authority = host.parse().ok()?;
    Some(format!("ws://{authority}"))
}

/// Where the archive's recordings and upload links point: locally the embedded S3's own
/// loopback port, which the stack chooses when it starts. Read off a presigned link
/// (signing is local work: no request is sent).
async fn archive_origin(app: &App) -> Option<String> {
    let (link, _) = app
        .archive()
        .ok()?
        .download_url("voice/origin", SystemTime::now(), Duration::from_secs(60))
        .await
        .ok()?;
    let uri: http::Uri = link.parse().ok()?;
    Some(format!("{}://{}", uri.scheme_str()?, uri.authority()?))
}

/// The embedded S3 answers the browser's preflight for a recording's upload as the
/// staging bucket's `CorsConfiguration` does deployed (infra/template.yaml), for the
/// local stack's origins: loopback, any port.
pub fn with_upload_cors<S>(s3: S) -> Cors<S> {
    Cors::new(s3)
        .allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {
            origin.to_str().is_ok_and(is_loopback_origin)
        }))
        .allow_methods([Method::PUT])
        .allow_headers([
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-amz-checksum-sha256"),
            header::HeaderName::from_static("x-amz-sdk-checksum-algorithm"),
        ])
        .max_age(Duration::from_secs(3000))
}

fn is_loopback_origin(origin: &str) -> bool {
    let Some(host) = origin.strip_prefix("http://") else {
        return false;
    };
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

fn plain(status: StatusCode, text: &'static str) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from_static(text.as_bytes())))
        .expect("a plain response")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_everything_but_the_api_and_the_local_pages() {
        for path in ["/", "/index.html", "/app/main.js", "/v1x"] {
            assert!(serves(&Method::GET, path), "{path}");
        }
        for path in ["/v1", "/v1/threads", "/local/checkout/cs_1"] {
            assert!(!serves(&Method::GET, path), "{path}");
        }
        assert!(!serves(&Method::POST, "/"));
    }

    #[test]
    fn only_loopback_origins_may_upload_locally() {
        for origin in [
            "http://127.0.0.1:3000",
            "http://localhost:8080",
            "http://[::1]:3000",
        ] {
            assert!(is_loopback_origin(origin), "{origin}");
        }
        for origin in [
            "https://127.0.0.1:3000",
            "http://127.0.0.1.evil.example:80",
            "http://example.com",
            "null",
        ] {
            assert!(!is_loopback_origin(origin), "{origin}");
        }
    }

    #[test]
    fn the_policy_adds_the_archive_to_media_images_and_connections_and_the_live_socket_to_connections()
     {
        let policy =
            content_security_policy(Some("http://127.0.0.1:4567"), Some("ws://127.0.0.1:3000"));
        for directive in [
            "media-src 'self' blob: http://127.0.0.1:4567",
            "connect-src 'self' http://127.0.0.1:4567 ws://127.0.0.1:3000;",
            "img-src 'self' http://127.0.0.1:4567",
            "script-src 'self';",
            "default-src 'self';",
        ] {
            assert!(policy.contains(directive), "{directive} in {policy}");
        }
        assert!(!policy.contains("unsafe"), "{policy}");
    }
}

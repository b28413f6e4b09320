//! The refresh token as a browser keeps it: an `HttpOnly` cookie that only the session
//! routes receive, accepted there only from requests that carry the browser header. A
//! cross-site form cannot send a custom header, and a cross-origin script may send one
//! only after a CORS preflight this API never grants; `SameSite=Strict` keeps the cookie
//! off cross-site requests as well. Scripts never see the token: the body of a browser's
//! login or refresh leaves it out.

use cookie::{Cookie, SameSite};
use lambda_http::{Body, Request, Response};

/// The cookie that holds a browser's refresh token.
pub const REFRESH_COOKIE: &str = "natives_refresh";
/// Only the session routes (log in, refresh, log out) receive the cookie.
pub const REFRESH_COOKIE_PATH: &str = "/v1/sessions";
/// The header a browser client sends to ask for (and to use) the cookie. Its value is
/// not read: a header a form cannot send is the point.
pub const BROWSER_HEADER: &str = "x-requested-with";

/// Whether the caller is a browser client that keeps its refresh token in the cookie.
pub fn from_browser(request: &Request) -> bool {
    request
        .headers()
        .get(BROWSER_HEADER)
        .is_some_and(|value| !value.as_bytes().trim_ascii().is_empty())
}

/// The refresh token the request's cookie carries, if any.
pub fn refresh_cookie(request: &Request) -> Option<String> {
    request
        .headers()
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == REFRESH_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|token| !token.is_empty())
}

/// Adds the cookie holding `token` for `max_age` to `response`.
pub fn set_refresh_cookie(
    response: &mut Response<Body>,
    request: &Request,
    token: &str,
    max_age: time::Duration,
) {
    let cookie = base(request, token.to_owned())
        .max_age(cookie::time::Duration::seconds(max_age.whole_seconds()));
    append(response, cookie.build());
}

/// Adds a `Set-Cookie` that removes the cookie to `response`.
pub fn clear_refresh_cookie(response: &mut Response<Body>, request: &Request) {
    append(response, base(request, String::new()).removal().build());
}

fn base(request: &Request, value: String) -> cookie::CookieBuilder<'static> {
    Cookie::build((REFRESH_COOKIE, value))
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(!is_loopback(request))
}

fn append(response: &mut Response<Body>, cookie: Cookie<'_>) {
    let value = http::HeaderValue::from_str(&cookie.to_string())
        .expect("a cookie of base64url characters is a valid header value");
    response
        .headers_mut()
        .append(http::header::SET_COOKIE, value);
}

/// Whether the request was addressed to this machine by a loopback name: the local stack
/// at `http://127.0.0.1` or `http://localhost`, where a browser would drop a `Secure`
/// cookie. Deployed, the host is always the API's own name (CloudFront sends the
/// origin's), so the cookie is always `Secure` there.
fn is_loopback(request: &Request) -> bool {
    let Some(host) = request
        .headers()
        .get(http::header::HOST)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    matches!(name, "127.0.0.1" | "localhost" | "::1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut builder = http::Request::builder().method("POST").uri("/v1/sessions");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::Empty).unwrap()
    }

    fn set_cookie(request: &Request) -> String {
        let mut response = Response::new(Body::Empty);
        set_refresh_cookie(&mut response, request, "tok_en", time::Duration::days(30));
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned()
    }

    fn attributes(header: &str) -> Vec<String> {
        let mut parts: Vec<String> = header.split("; ").map(str::to_owned).collect();
        parts.sort();
        parts
    }

    #[test]
    fn the_cookie_is_http_only_strict_scoped_to_the_session_routes_and_secure() {
        let header = set_cookie(&request(&[("host", "d111.cloudfront.net")]));
        assert_eq!(
            attributes(&header),
            [
                "HttpOnly",
                "Max-Age=2592000",
                "Path=/v1/sessions",
                "SameSite=Strict",
                "Secure",
                "natives_refresh=tok_en",
            ]
        );
    }

    #[test]
    fn secure_is_left_out_only_for_loopback_hosts() {
        for host in [
            "127.0.0.1:3000",
            "localhost:8080",
            "localhost",
            "[::1]:3000",
        ] {
            let header = set_cookie(&request(&[("host", host)]));
            assert!(!header.contains("Secure"), "{host}: {header}");
        }
        for host in [
            "127.0.0.1.example.com",
            "localhost.evil",
            "example.com:3000",
        ] {
            let header = set_cookie(&request(&[("host", host)]));
            assert!(header.contains("Secure"), "{host}: {header}");
        }
        assert!(set_cookie(&request(&[])).contains("Secure"), "no host");
    }

    #[test]
    fn removal_expires_the_same_cookie() {
        let request = request(&[("host", "example.com")]);
        let mut response = Response::new(Body::Empty);
        clear_refresh_cookie(&mut response, &request);
        let header = response.headers()["set-cookie"].to_str().unwrap();
        assert!(header.starts_with("natives_refresh=;"), "{header}");
        for attribute in ["Max-Age=0", "Path=/v1/sessions", "HttpOnly", "Secure"] {
            assert!(header.contains(attribute), "{attribute} in {header}");
        }
    }

    #[test]
    fn reads_the_refresh_cookie_among_others() {
        let with = request(&[("cookie", "a=1; natives_refresh=abc_DEF-1; b=2")]);
        assert_eq!(refresh_cookie(&with).as_deref(), Some("abc_DEF-1"));
        assert_eq!(refresh_cookie(&request(&[("cookie", "a=1")])), None);
        assert_eq!(
            refresh_cookie(&request(&[("cookie", "natives_refresh=")])),
            None
        );
        assert_eq!(refresh_cookie(&request(&[])), None);
    }

    #[test]
    fn the_browser_header_must_have_a_value() {
        assert!(from_browser(&request(&[(
            "x-requested-with",
            "natives-web"
        )])));
        assert!(!from_browser(&request(&[("x-requested-with", " ")])));
        assert!(!from_browser(&request(&[])));
    }
}

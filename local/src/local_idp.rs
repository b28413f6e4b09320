//! The local stand-ins for Google, Facebook and VK ID (used for every provider without
//! credentials): under `/local-idp/{provider}/` an authorize page (an HTML form of
//! `email`, `name`, `email_verified` that redirects to `redirect_uri?code=…&state=…`, VK
//! ID's with `&device_id=…` too), a token endpoint that checks the client, the redirect
//! URI and the PKCE verifier (VK ID's: the device id and the state as well) and answers an
//! ID token signed with the data folder's own P-256 key (Facebook and VK ID: an access
//! token only), the JWKS that publishes that key, Facebook's Graph `me` and VK ID's
//! `oauth2/user_info`. The functions verify what these answer with exactly the code that
//! verifies the real providers. Codes are signed (HMAC) and good once, for ten minutes.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, OnceLock};

use aws_lc_rs::hmac;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use natives_functions::App;
use natives_shared::domain::social::Provider;
use natives_shared::social::{LocalIdp, local_client_secret};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub const PREFIX: &str = "/local-idp/";
const CODE_SECONDS: i64 = 600;
const KEY_ID: &str = "local-idp-1";

/// Codes already exchanged (codes are unique, so one set serves every stack of a process).
static USED_CODES: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();

/// What a code stands for: one sign-in, bound to its client, redirect URI and PKCE
/// challenge.
#[derive(Serialize, Deserialize)]
struct Grant {
    provider: Provider,
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    nonce: Option<String>,
    /// VK ID's: the state and the device id its redirect carried, wanted back.
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    device_id: Option<String>,
    email: String,
    name: String,
    email_verified: bool,
    exp: i64,
    /// Makes every code unique.
    jti: String,
}

/// The provider's id of a person: the same for the same address at the same provider, so
/// a second sign-in is a known identity.
fn subject(provider: Provider, email: &str) -> String {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("{provider}\n{}", email.trim().to_lowercase()).as_bytes(),
    );
    let hex: String = digest.as_ref()[..10]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("local-{hex}")
}

fn key(local: &LocalIdp, purpose: &str) -> hmac::Key {
    hmac::Key::new(
        hmac::HMAC_SHA256,
        format!("{purpose}\n{}", local.secret).as_bytes(),
    )
}

/// `payload` signed: base64url JSON, a dot, base64url HMAC.
fn seal(local: &LocalIdp, purpose: &str, payload: &impl Serialize) -> String {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).expect("serialisable"));
    let tag = hmac::sign(&key(local, purpose), body.as_bytes());
    format!("{body}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

fn open<T: for<'de> Deserialize<'de>>(local: &LocalIdp, purpose: &str, sealed: &str) -> Option<T> {
    let (body, tag) = sealed.split_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    hmac::verify(&key(local, purpose), body.as_bytes(), &tag).ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
}

fn signing_pair(local: &LocalIdp) -> Option<(Vec<u8>, EcdsaKeyPair)> {
    let pkcs8 = STANDARD.decode(&local.signing_key).ok()?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8).ok()?;
    Some((pkcs8, pair))
}

fn response(status: u16, content_type: &str, body: String) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("cache-control", "no-store")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

fn oauth_error(status: u16, error: &str) -> hyper::Response<Full<Bytes>> {
    response(
        status,
        "application/json",
        json!({ "error": error }).to_string(),
    )
}

fn form(text: &[u8]) -> BTreeMap<String, String> {
    form_urlencoded::parse(text).into_owned().collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn loopback(uri: &str) -> bool {
    natives_shared::domain::decide::social::redirect_uri_allowed(uri, &[], true)
}

/// A code for a sign-in as the authorize form would make it (the form's POST, and the
/// local stack's examples).
pub fn issue_code(
    local: &LocalIdp,
    provider: Provider,
    authorize: &BTreeMap<String, String>,
    email: &str,
    name: &str,
    email_verified: bool,
    now: i64,
) -> Result<String, &'static str> {
    let field = |name: &str| authorize.get(name).cloned().unwrap_or_default();
    if field("client_id") != format!("local-{provider}") {
        return Err("unknown client_id");
    }
    if !loopback(&field("redirect_uri")) {
        return Err("redirect_uri must be a loopback address");
    }
    if field("code_challenge_method") != "S256" || field("code_challenge").is_empty() {
        return Err("PKCE with S256 is required");
    }
    let jti = URL_SAFE_NO_PAD.encode(natives_shared::random::random_bytes::<12>());
    // VK ID names the device the sign-in came from and wants it back with the state.
    let device_id = (provider == Provider::Vk)
        .then(|| URL_SAFE_NO_PAD.encode(natives_shared::random::random_bytes::<16>()));
    Ok(seal(
        local,
        "code",
        &Grant {
            provider,
            client_id: field("client_id"),
            redirect_uri: field("redirect_uri"),
            code_challenge: field("code_challenge"),
            nonce: authorize.get("nonce").cloned(),
            state: device_id.is_some().then(|| field("state")),
            device_id,
            email: email.trim().to_owned(),
            name: name.trim().to_owned(),
            email_verified,
            exp: now + CODE_SECONDS,
            jti,
        },
    ))
}

/// The device id VK ID's redirect carries beside `code` (none for the other providers).
pub fn device_id_of(local: &LocalIdp, code: &str) -> Option<String> {
    open::<Grant>(local, "code", code).and_then(|grant| grant.device_id)
}

/// One request under [`PREFIX`].
pub async fn handle(app: &App, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let Some(local) = app.settings.social.local_idp.clone() else {
        return response(404, "text/plain", "no local providers here".into());
    };
    let path = request.uri().path().trim_start_matches(PREFIX).to_owned();
    let query = form(request.uri().query().unwrap_or_default().as_bytes());
    let method = request.method().clone();
    let headers = request.headers().clone();
    let body = match request.into_body().collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return oauth_error(400, "invalid_request"),
    };
    let Some((provider, endpoint)) = path.split_once('/') else {
        return response(404, "text/plain", "not found".into());
    };
    let Ok(provider) = Provider::parse(provider) else {
        return response(404, "text/plain", "no such provider".into());
    };
    let now = app.now().unix_timestamp();
    match (method.as_str(), endpoint) {
        ("GET", "authorize") => authorize_page(provider, &query),
        ("POST", "authorize") => {
            let submitted = form(&body);
            let code = issue_code(
                &local,
                provider,
                &query,
                submitted.get("email").map_or("", String::as_str),
                submitted.get("name").map_or("", String::as_str),
                submitted.contains_key("email_verified"),
                now,
            );
            match code {
                Ok(code) => {
                    let mut back = form_urlencoded::Serializer::new(String::new());
                    back.append_pair("code", &code)
                        .append_pair("state", query.get("state").map_or("", String::as_str));
                    if let Some(device_id) = device_id_of(&local, &code) {
                        back.append_pair("device_id", &device_id);
                    }
                    let redirect = format!("{}?{}", query["redirect_uri"], back.finish());
                    hyper::Response::builder()
                        .status(303)
                        .header("location", redirect)
                        .body(Full::new(Bytes::new()))
                        .expect("a valid response")
                }
                Err(reason) => response(400, "text/plain", reason.into()),
            }
        }
        ("POST", "token") => token(&local, provider, &form(&body), now),
        ("GET", "jwks") => jwks(&local),
        ("GET", "me") if provider == Provider::Facebook => me(&local, &headers, now),
        ("POST", "oauth2/user_info") if provider == Provider::Vk => {
            user_info(&local, provider, &form(&body), now)
        }
        _ => response(404, "text/plain", "not found".into()),
    }
}

fn authorize_page(
    provider: Provider,
    query: &BTreeMap<String, String>,
) -> hyper::Response<Full<Bytes>> {
    if !query.get("redirect_uri").is_some_and(|uri| loopback(uri)) {
        return response(
            400,
            "text/plain",
            "redirect_uri must be a loopback address".into(),
        );
    }
    let action = format!(
        "{PREFIX}{provider}/authorize?{}",
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query.iter())
            .finish()
    );
    let page = format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg"><title>{name} (local)</title></head>
<body><h1>Sign in with {name}</h1><p>The local stack plays {name}: say who signs in.</p>
<form method="post" action="{action}">
<label>E-mail <input name="email" type="email" required></label><br>
<label>Name <input name="name" required></label><br>
<label><input name="email_verified" type="checkbox" checked> {name} verified this address</label><br>
<button type="submit">Continue</button></form></body></html>"#,
        name = escape(provider.display_name()),
        action = escape(&action),
    );
    response(200, "text/html; charset=utf-8", page)
}

fn token(
    local: &LocalIdp,
    provider: Provider,
    form: &BTreeMap<String, String>,
    now: i64,
) -> hyper::Response<Full<Bytes>> {
    let field = |name: &str| form.get(name).map_or("", String::as_str);
    if field("grant_type") != "authorization_code" {
        return oauth_error(400, "unsupported_grant_type");
    }
    if field("client_id") != format!("local-{provider}")
        || field("client_secret") != local_client_secret(&local.secret, provider)
    {
        return oauth_error(401, "invalid_client");
    }
    let Some(grant) = open::<Grant>(local, "code", field("code")) else {
        return oauth_error(400, "invalid_grant");
    };
    let challenge = URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        field("code_verifier").as_bytes(),
    ));
    let fresh = USED_CODES
        .get_or_init(Default::default)
        .lock()
        .expect("not poisoned")
        .insert(grant.jti.clone());
    if !fresh
        || grant.exp <= now
        || grant.provider != provider
        || grant.client_id != field("client_id")
        || grant.redirect_uri != field("redirect_uri")
        || grant.code_challenge != challenge
        || grant
            .device_id
            .as_deref()
            .is_some_and(|id| id != field("device_id"))
        || grant
            .state
            .as_deref()
            .is_some_and(|state| state != field("state"))
    {
        return oauth_error(400, "invalid_grant");
    }
    let sub = subject(provider, &grant.email);
    let access_token = seal(
        local,
        "access",
        &json!({"sub": sub, "email": grant.email, "name": grant.name, "exp": now + 3600}),
    );
    let mut answer =
        json!({"access_token": access_token, "token_type": "Bearer", "expires_in": 3600});
    if provider == Provider::Google {
        let Some((pkcs8, _)) = signing_pair(local) else {
            return oauth_error(500, "server_error");
        };
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some(KEY_ID.into());
        let claims = json!({
            "iss": format!("{}/{provider}", local.base_url),
            "aud": grant.client_id,
            "sub": sub,
            "email": grant.email,
            "email_verified": grant.email_verified,
            "name": grant.name,
            "nonce": grant.nonce,
            "iat": now,
            "exp": now + 3600,
        });
        let Ok(id_token) = jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_ec_der(&pkcs8),
        ) else {
            return oauth_error(500, "server_error");
        };
        answer["id_token"] = json!(id_token);
    }
    response(200, "application/json", answer.to_string())
}

fn jwks(local: &LocalIdp) -> hyper::Response<Full<Bytes>> {
    let Some((_, pair)) = signing_pair(local) else {
        return oauth_error(500, "server_error");
    };
    let point = pair.public_key().as_ref();
    let keys = json!({"keys": [{
        "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": KEY_ID,
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
    }]});
    response(200, "application/json", keys.to_string())
}

fn me(local: &LocalIdp, headers: &http::HeaderMap, now: i64) -> hyper::Response<Full<Bytes>> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(claims) = token.and_then(|t| access_claims(local, t, now)) else {
        return oauth_error(401, "invalid_token");
    };
    let me = json!({"id": claims["sub"], "name": claims["name"], "email": claims["email"]});
    response(200, "application/json", me.to_string())
}

/// What an access token this stand-in issued says, while it has not expired.
fn access_claims(local: &LocalIdp, token: &str, now: i64) -> Option<serde_json::Value> {
    open::<serde_json::Value>(local, "access", token)
        .filter(|claims| claims["exp"].as_i64().is_some_and(|exp| exp > now))
}

/// VK ID's `POST oauth2/user_info`: the form's `client_id` and `access_token`.
fn user_info(
    local: &LocalIdp,
    provider: Provider,
    form: &BTreeMap<String, String>,
    now: i64,
) -> hyper::Response<Full<Bytes>> {
    if form.get("client_id").map(String::as_str) != Some(&format!("local-{provider}")) {
        return oauth_error(401, "invalid_client");
    }
    let token = form.get("access_token").map_or("", String::as_str);
    let Some(claims) = access_claims(local, token, now) else {
        return oauth_error(401, "invalid_token");
    };
    let name = claims["name"].as_str().unwrap_or_default();
    let (first_name, last_name) = name.split_once(' ').unwrap_or((name, ""));
    let user = json!({"user": {
        "user_id": claims["sub"], "first_name": first_name, "last_name": last_name,
        "email": claims["email"],
    }});
    response(200, "application/json", user.to_string())
}

//! The flow against a provider: the authorize URL (state, PKCE S256 challenge, nonce) and,
//! at the callback, the code exchanged (with the verifier and the client secret) and the
//! identity read: from the verified ID token, from Graph `me`, or from VK ID's `user_info`.

use std::collections::HashMap;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::JwkSet;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::RwLock;

use super::id_token::{IdTokenCheck, IdTokenError, verify_id_token};
use super::providers::{IdentitySource, ProviderConfig};
use crate::domain::Email;
use crate::domain::social::{AuthorizationState, DeviceId, ProviderProfile, Subject};

/// Why a callback did not yield an identity.
#[derive(Debug, thiserror::Error)]
pub enum SocialError {
    /// The provider refused the code (unknown, used, of another client or verifier).
    #[error("the provider refused the code: {0}")]
    CodeRefused(String),
    /// What the provider answered does not prove an identity (a bad ID token…).
    #[error("the provider's answer is not acceptable: {0}")]
    Unacceptable(String),
    /// The provider could not be reached or answered nonsense.
    #[error("the provider is unavailable: {0}")]
    Unavailable(String),
    #[error("provider configuration: {0}")]
    Configuration(String),
}

/// What an authorization request carries, and what is kept to finish it.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: String,
}

/// The ID token beside the access token (OpenID Connect), when the provider sends one.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

type TokenAnswer = StandardTokenResponse<IdTokenField, BasicTokenType>;

type Client = oauth2::Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// The most bytes of a provider's answer we read.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// A transport failure, as oauth2 reports its client's.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(String);

/// The HTTP client and the providers' key sets, made once per cold start.
pub struct SocialClient {
    http: HyperClient<Connector, Full<bytes::Bytes>>,
    /// JWKS by URL, fetched when first needed and again when a token names a key the
    /// cached set lacks (the provider rotated its keys).
    key_sets: RwLock<HashMap<String, JwkSet>>,
}

impl Default for SocialClient {
    fn default() -> Self {
        Self::new()
    }
}

impl SocialClient {
    pub fn new() -> Self {
        // AWS-LC, as the SDK's TLS; webpki's roots; no redirects are followed (the
        // token endpoint must not send us elsewhere: oauth2's own advice).
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls_provider())
            .expect("AWS-LC supports TLS 1.2 and 1.3")
            .https_or_http()
            .enable_http1()
            .build();
        Self {
            http: HyperClient::builder(TokioExecutor::new()).build(connector),
            key_sets: RwLock::new(HashMap::new()),
        }
    }

    /// One request, its answer read whole (at most [`MAX_ANSWER_BYTES`]), in 10 s.
    async fn send(
        &self,
        request: oauth2::HttpRequest,
    ) -> Result<oauth2::HttpResponse, TransportError> {
        let failed = |e: &dyn std::fmt::Display| TransportError(e.to_string());
        let (parts, body) = request.into_parts();
        let request = http::Request::from_parts(parts, Full::new(bytes::Bytes::from(body)));
        let exchange = async {
            let response = self.http.request(request).await.map_err(|e| failed(&e))?;
            let (parts, body) = response.into_parts();
            let body = http_body_util::Limited::new(body, MAX_ANSWER_BYTES)
                .collect()
                .await
                .map_err(|e| failed(&e))?
                .to_bytes();
            Ok(http::Response::from_parts(parts, body.to_vec()))
        };
        tokio::time::timeout(Duration::from_secs(10), exchange)
            .await
            .map_err(|_| TransportError("no answer in 10 s".into()))?
    }

    /// A GET of `url` as JSON, with a bearer token if given.
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<T, SocialError> {
        let mut request = http::Request::get(url);
        if let Some(token) = bearer {
            request = request.header(http::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.json_answer(url, request, Vec::new()).await
    }

    /// A POST of `form` (URL-encoded) to `url`, answered as JSON.
    async fn post_form_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        form: &[(&str, &str)],
    ) -> Result<T, SocialError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = http::Request::post(url).header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
        self.json_answer(url, request, body.into_bytes()).await
    }

    /// `request` with `body` sent, its successful answer read as JSON.
    async fn json_answer<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        request: http::request::Builder,
        body: Vec<u8>,
    ) -> Result<T, SocialError> {
        let unavailable =
            |e: &dyn std::fmt::Display| SocialError::Unavailable(format!("{url}: {e}"));
        let request = request
            .header(http::header::ACCEPT, "application/json")
            .body(body)
            .map_err(|e| unavailable(&e))?;
        let response = self.send(request).await.map_err(|e| unavailable(&e))?;
        if !response.status().is_success() {
            return Err(unavailable(&response.status()));
        }
        serde_json::from_slice(response.body()).map_err(|e| unavailable(&e))
    }

    fn oauth(config: &ProviderConfig, redirect_uri: &str) -> Result<Client, SocialError> {
        let bad = |e: &dyn std::fmt::Display| SocialError::Configuration(e.to_string());
        Ok(oauth2::Client::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(config.authorize_url.clone()).map_err(|e| bad(&e))?)
            .set_token_uri(TokenUrl::new(config.token_url.clone()).map_err(|e| bad(&e))?)
            .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| bad(&e))?)
            .set_auth_type(config.client_auth.clone()))
    }

    /// A fresh authorization: random state, PKCE verifier (S256) and nonce.
    pub fn authorize(
        &self,
        config: &ProviderConfig,
        redirect_uri: &str,
    ) -> Result<Authorization, SocialError> {
        let client = Self::oauth(config, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(config.scopes.iter().map(|s| Scope::new((*s).to_owned())))
            .set_pkce_challenge(challenge)
            .add_extra_param("nonce", nonce.secret())
            .url();
        Ok(Authorization {
            url: url.into(),
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            nonce: nonce.secret().clone(),
        })
    }

    /// Exchanges `code` of the authorization `state` and reads who signed in. A provider
    /// whose row asks for it gets the redirect's `device_id` and the state in the
    /// exchange; without a device id it is not asked at all.
    pub async fn profile(
        &self,
        config: &ProviderConfig,
        state: &AuthorizationState,
        code: &str,
        device_id: Option<&DeviceId>,
        now: OffsetDateTime,
    ) -> Result<ProviderProfile, SocialError> {
        let client = Self::oauth(config, &state.redirect_uri)?;
        let mut exchange = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(state.pkce_verifier.clone()));
        if config.exchange_needs_device_id {
            let device_id = device_id.ok_or_else(|| {
                SocialError::CodeRefused("the redirect's device_id is required".into())
            })?;
            exchange = exchange
                .add_extra_param("device_id", device_id.as_str().to_owned())
                .add_extra_param("state", state.state.clone());
        }
        let answer = exchange
            .request_async(&Transport(self))
            .await
            .map_err(|e| match e {
                oauth2::RequestTokenError::ServerResponse(refusal) => {
                    SocialError::CodeRefused(refusal.error().to_string())
                }
                other => SocialError::Unavailable(other.to_string()),
            })?;
        match &config.identity {
            IdentitySource::IdToken {
                issuers,
                jwks_url,
                algorithms,
            } => {
                let token = answer
                    .extra_fields()
                    .id_token
                    .as_deref()
                    .ok_or_else(|| SocialError::Unacceptable("no ID token".into()))?;
                let check = IdTokenCheck {
                    issuers,
                    audience: &config.client_id,
                    nonce: &state.nonce,
                    algorithms,
                };
                let claims = self.verify(token, jwks_url, &check, now).await?;
                profile_of(
                    config,
                    &claims.sub,
                    claims.email.as_deref(),
                    claims.email_verified(),
                    claims.name.clone(),
                )
            }
            IdentitySource::GraphMe { url } => {
                let me = self.graph_me(url, answer.access_token().secret()).await?;
                profile_of(config, &me.id, me.email.as_deref(), false, me.name)
            }
            IdentitySource::UserInfoForm { url } => {
                let form = [
                    ("client_id", config.client_id.as_str()),
                    ("access_token", answer.access_token().secret().as_str()),
                ];
                let UserInfo { user } = self.post_form_json(url, &form).await?;
                let name = [user.first_name, user.last_name]
                    .into_iter()
                    .flatten()
                    .map(|part| part.trim().to_owned())
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                profile_of(
                    config,
                    &user.user_id.to_string(),
                    user.email.as_deref(),
                    false,
                    Some(name),
                )
            }
        }
    }

    async fn verify(
        &self,
        token: &str,
        jwks_url: &str,
        check: &IdTokenCheck<'_>,
        now: OffsetDateTime,
    ) -> Result<super::id_token::IdClaims, SocialError> {
        let unacceptable = |e: IdTokenError| SocialError::Unacceptable(e.to_string());
        let cached = self.key_sets.read().await.get(jwks_url).cloned();
        if let Some(keys) = cached {
            match verify_id_token(token, &keys, check, now) {
                Err(IdTokenError::UnknownKey) => {}
                verified => return verified.map_err(unacceptable),
            }
        }
        let keys = self.fetch_keys(jwks_url).await?;
        let verified = verify_id_token(token, &keys, check, now);
        self.key_sets
            .write()
            .await
            .insert(jwks_url.to_owned(), keys);
        verified.map_err(unacceptable)
    }

    async fn fetch_keys(&self, jwks_url: &str) -> Result<JwkSet, SocialError> {
        self.get_json(jwks_url, None).await
    }

    async fn graph_me(&self, url: &str, access_token: &str) -> Result<GraphMe, SocialError> {
        self.get_json(&format!("{url}?fields=id,name,email"), Some(access_token))
            .await
    }
}

/// oauth2's view of [`SocialClient::send`].
struct Transport<'a>(&'a SocialClient);

impl<'c> oauth2::AsyncHttpClient<'c> for Transport<'_> {
    type Error = TransportError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, TransportError>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(self.0.send(request))
    }
}

fn rustls_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

#[derive(Deserialize)]
struct GraphMe {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

/// VK ID's `oauth2/user_info` answer (the fields we ask for; the rest is ignored).
#[derive(Deserialize)]
struct UserInfo {
    user: VkUser,
}

#[derive(Deserialize)]
struct VkUser {
    user_id: VkUserId,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

/// VK's user id: documented as a string, a number in older answers; both are read.
#[derive(Deserialize)]
#[serde(untagged)]
enum VkUserId {
    Text(String),
    Number(u64),
}

impl std::fmt::Display for VkUserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(id) => f.write_str(id),
            Self::Number(id) => write!(f, "{id}"),
        }
    }
}

/// The identity as our types hold it: an unparseable address is as good as none (and so
/// never verified); a name is kept as the provider sent it, at most 200 characters.
fn profile_of(
    config: &ProviderConfig,
    subject: &str,
    email: Option<&str>,
    email_verified: bool,
    name: Option<String>,
) -> Result<ProviderProfile, SocialError> {
    let subject = Subject::parse(subject).map_err(SocialError::Unacceptable)?;
    let email = email.and_then(|e| Email::parse(e).ok());
    Ok(ProviderProfile {
        provider: config.provider,
        subject,
        email_verified: email_verified && email.is_some(),
        email,
        name: name
            .map(|n| n.trim().chars().take(200).collect::<String>())
            .filter(|n| !n.is_empty()),
    })
}

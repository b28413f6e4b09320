//! The providers as data: endpoints, scopes, how the identity is read. Adding a provider
//! is a row here, not a module.

use std::collections::BTreeMap;

use jsonwebtoken::Algorithm;
use oauth2::AuthType;

use crate::domain::social::Provider;

/// How a provider tells who signed in.
#[derive(Debug, Clone, PartialEq)]
pub enum IdentitySource {
    /// An OpenID Connect ID token in the token response, signed with a key of `jwks_url`
    /// by one of `algorithms` (pinned: a token naming any other is refused).
    IdToken {
        /// The `iss` values accepted (a provider may publish a legacy form beside it).
        issuers: Vec<String>,
        jwks_url: String,
        algorithms: Vec<Algorithm>,
    },
    /// No ID token (Facebook on the web): the Graph API's `me?fields=id,name,email`, read
    /// with the access token. Graph says nothing of whether the address was verified, so
    /// its address counts as unverified.
    GraphMe { url: String },
    /// No ID token to verify against published keys (VK ID publishes no discovery
    /// document and no JWKS): `POST url` with the form `client_id`, `access_token`,
    /// answered `{"user": {"user_id", "first_name", "last_name", "email"}}`. VK does not
    /// say it verified the address, so it counts as unverified.
    UserInfoForm { url: String },
}

/// One provider as configured for this deployment.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub provider: Provider,
    pub client_id: String,
    pub client_secret: String,
    pub authorize_url: String,
    pub token_url: String,
    /// What we ask for: id, name and e-mail, nothing more (the Privacy Policy's list).
    pub scopes: Vec<&'static str>,
    /// How the client secret is sent to the token endpoint.
    pub client_auth: AuthType,
    pub identity: IdentitySource,
    /// Whether the token exchange needs the `device_id` the provider appended to its
    /// redirect, sent with the `state` beside the code (VK ID's exchange).
    pub exchange_needs_device_id: bool,
}

/// A provider's public endpoints (rows), or the local stack's stand-in under `base`.
fn row(
    provider: Provider,
    local_base: Option<&str>,
    client_id: String,
    client_secret: String,
) -> ProviderConfig {
    let local = |path: &str| format!("{}/{provider}/{path}", local_base.unwrap_or_default());
    let (authorize_url, token_url, scopes, client_auth, identity, exchange_needs_device_id) =
        match (provider, local_base) {
            // Google: the endpoints, issuer and JWKS of its discovery document
            // (https://accounts.google.com/.well-known/openid-configuration; reference:
            // developers.google.com/identity/openid-connect/reference), whose `issuer` is
            // "https://accounts.google.com", "however, accounts.google.com is also returned
            // for legacy implementations": both are accepted.
            (Provider::Google, None) => (
                "https://accounts.google.com/o/oauth2/v2/auth".to_owned(),
                "https://oauth2.googleapis.com/token".to_owned(),
                vec!["openid", "email", "profile"],
                AuthType::BasicAuth,
                IdentitySource::IdToken {
                    issuers: vec![
                        "https://accounts.google.com".into(),
                        "accounts.google.com".into(),
                    ],
                    jwks_url: "https://www.googleapis.com/oauth2/v3/certs".into(),
                    algorithms: vec![Algorithm::RS256],
                },
                false,
            ),
            // VK ID (OAuth 2.1 with PKCE): the endpoints of its API reference
            // (id.vk.com/about/business/go/docs/ru/vkid/latest/vk-id/connection/
            // api-integration/api-description). VK publishes no OpenID discovery document and
            // no JWKS for its ID token, so the person is read from `POST oauth2/user_info`
            // with the access token; its token exchange takes the `device_id` the redirect
            // carries, and the `state`.
            (Provider::Vk, None) => (
                "https://id.vk.com/authorize".to_owned(),
                "https://id.vk.com/oauth2/auth".to_owned(),
                vec!["email"],
                AuthType::RequestBody,
                IdentitySource::UserInfoForm {
                    url: "https://id.vk.com/oauth2/user_info".into(),
                },
                true,
            ),
            // Facebook: Graph API v25.0, available until 29 July 2028 (v19.0 and v20.0
            // expired in 2026; developers.facebook.com/docs/graph-api/changelog/versions).
            (Provider::Facebook, None) => (
                "https://www.facebook.com/v25.0/dialog/oauth".to_owned(),
                "https://graph.facebook.com/v25.0/oauth/access_token".to_owned(),
                vec!["email", "public_profile"],
                AuthType::RequestBody,
                IdentitySource::GraphMe {
                    url: "https://graph.facebook.com/v25.0/me".into(),
                },
                false,
            ),
            // The local stand-ins: the same shapes at the stack's own URLs, signing with
            // the stack's own P-256 key (ES256).
            (Provider::Facebook, Some(_)) => (
                local("authorize"),
                local("token"),
                vec!["email", "public_profile"],
                AuthType::RequestBody,
                IdentitySource::GraphMe { url: local("me") },
                false,
            ),
            (Provider::Vk, Some(_)) => (
                local("authorize"),
                local("token"),
                vec!["email"],
                AuthType::RequestBody,
                IdentitySource::UserInfoForm {
                    url: local("oauth2/user_info"),
                },
                true,
            ),
            (Provider::Google, Some(base)) => (
                local("authorize"),
                local("token"),
                vec!["openid", "email", "profile"],
                AuthType::RequestBody,
                IdentitySource::IdToken {
                    issuers: vec![format!("{base}/{provider}")],
                    jwks_url: local("jwks"),
                    algorithms: vec![Algorithm::ES256],
                },
                false,
            ),
        };
    ProviderConfig {
        provider,
        client_id,
        client_secret,
        authorize_url,
        token_url,
        scopes,
        client_auth,
        identity,
        exchange_needs_device_id,
    }
}

/// The local stand-in's client secret for `provider`: what the stack's token endpoint
/// checks, made from the stack's own key material (never deployed).
pub fn local_client_secret(stack_secret: &str, provider: Provider) -> String {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("natives local idp\n{provider}\n{stack_secret}").as_bytes(),
    );
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Social login's settings: client ids (template parameters), client secrets (SSM
/// SecureString parameters, read at cold start), and the redirect URIs clients may use.
#[derive(Clone, Debug, Default)]
pub struct SocialSettings {
    pub client_ids: BTreeMap<Provider, String>,
    pub google_client_secret: Option<String>,
    pub facebook_client_secret: Option<String>,
    pub vk_client_secret: Option<String>,
    /// `SOCIAL_REDIRECT_URIS`: the exact redirect URIs accepted.
    pub redirect_uris: Vec<String>,
    /// The local stack's stand-ins: providers without credentials are played there,
    /// and only loopback redirect URIs are accepted.
    pub local_idp: Option<LocalIdp>,
}

/// The local stack's provider stand-ins (never deployed).
#[derive(Clone, Debug)]
pub struct LocalIdp {
    /// Where they answer: `{base_url}/{provider}/authorize`, `…/token`, `…/jwks`,
    /// `…/me` (Facebook's Graph), `…/oauth2/user_info` (VK ID's).
    pub base_url: String,
    /// What their client secrets and codes are derived from.
    pub secret: String,
    /// Base64 PKCS#8 of their P-256 signing key (the data folder's).
    pub signing_key: String,
}

impl SocialSettings {
    pub fn from_env(optional: impl Fn(&str) -> Option<String>) -> Self {
        let client_ids = Provider::ALL
            .into_iter()
            .filter_map(|p| {
                optional(&format!("{}_CLIENT_ID", p.as_str().to_uppercase())).map(|id| (p, id))
            })
            .collect();
        Self {
            client_ids,
            google_client_secret: optional("GOOGLE_CLIENT_SECRET"),
            facebook_client_secret: optional("FACEBOOK_CLIENT_SECRET"),
            vk_client_secret: optional("VK_CLIENT_SECRET"),
            redirect_uris: optional("SOCIAL_REDIRECT_URIS")
                .map(|list| {
                    list.split(',')
                        .map(|uri| uri.trim().to_owned())
                        .filter(|uri| !uri.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            local_idp: None,
        }
    }

    fn secret(&self, provider: Provider) -> Option<&String> {
        match provider {
            Provider::Google => self.google_client_secret.as_ref(),
            Provider::Facebook => self.facebook_client_secret.as_ref(),
            Provider::Vk => self.vk_client_secret.as_ref(),
        }
    }

    /// `provider` as this deployment can use it: with its credentials, or played by the
    /// local stack; `None`: not offered.
    pub fn provider(&self, provider: Provider) -> Option<ProviderConfig> {
        match (
            self.client_ids.get(&provider),
            self.secret(provider),
            &self.local_idp,
        ) {
            (Some(id), Some(secret), _) => Some(row(provider, None, id.clone(), secret.clone())),
            (_, _, Some(local)) => Some(row(
                provider,
                Some(&local.base_url),
                format!("local-{provider}"),
                local_client_secret(&local.secret, provider),
            )),
            _ => None,
        }
    }

    /// The providers offered, in the API's order.
    pub fn offered(&self) -> Vec<Provider> {
        Provider::ALL
            .into_iter()
            .filter(|p| self.provider(*p).is_some())
            .collect()
    }

    /// Whether loopback redirect URIs are what is accepted (the local stack).
    pub fn loopback_only(&self) -> bool {
        self.local_idp.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_without_credentials_is_not_offered() {
        let settings = SocialSettings::from_env(|name| match name {
            "GOOGLE_CLIENT_ID" => Some("g-id".into()),
            "GOOGLE_CLIENT_SECRET" => Some("g-secret".into()),
            // An id without its secret (or the reverse) is not a configured provider.
            "VK_CLIENT_ID" => Some("vk-id".into()),
            "FACEBOOK_CLIENT_SECRET" => Some("fb-secret".into()),
            _ => None,
        });
        assert_eq!(settings.offered(), vec![Provider::Google]);
        let google = settings.provider(Provider::Google).unwrap();
        assert_eq!(google.client_id, "g-id");
        assert_eq!(google.scopes, vec!["openid", "email", "profile"]);
    }

    #[test]
    fn vk_id_is_read_from_user_info_with_the_device_id_forwarded() {
        let settings = SocialSettings::from_env(|name| match name {
            "VK_CLIENT_ID" => Some("vk-id".into()),
            "VK_CLIENT_SECRET" => Some("vk-secret".into()),
            _ => None,
        });
        let vk = settings.provider(Provider::Vk).unwrap();
        assert_eq!(
            vk.identity,
            IdentitySource::UserInfoForm {
                url: "https://id.vk.com/oauth2/user_info".into()
            }
        );
        assert!(vk.exchange_needs_device_id);
        assert_eq!(vk.token_url, "https://id.vk.com/oauth2/auth");
    }

    #[test]
    fn the_local_stack_plays_every_provider_without_credentials() {
        let mut settings = SocialSettings::from_env(|_| None);
        settings.local_idp = Some(LocalIdp {
            base_url: "http://127.0.0.1:3000/local-idp".into(),
            secret: "k".repeat(32),
            signing_key: String::new(),
        });
        assert_eq!(settings.offered(), Provider::ALL.to_vec());
        let vk = settings.provider(Provider::Vk).unwrap();
        assert_eq!(vk.token_url, "http://127.0.0.1:3000/local-idp/vk/token");
        assert_eq!(
            vk.identity,
            IdentitySource::UserInfoForm {
                url: "http://127.0.0.1:3000/local-idp/vk/oauth2/user_info".into()
            }
        );
        assert!(vk.exchange_needs_device_id);
        let google = settings.provider(Provider::Google).unwrap();
        assert!(matches!(
            google.identity,
            IdentitySource::IdToken { ref issuers, .. } if issuers == &["http://127.0.0.1:3000/local-idp/google"]
        ));
        assert!(!google.exchange_needs_device_id);
        let facebook = settings.provider(Provider::Facebook).unwrap();
        assert_eq!(
            facebook.identity,
            IdentitySource::GraphMe {
                url: "http://127.0.0.1:3000/local-idp/facebook/me".into()
            }
        );
    }
}

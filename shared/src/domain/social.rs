//! Social login's domain types: the providers, the identity a provider vouches for, the
//! authorization state the backend keeps between the redirect and the callback, and an
//! account's linked identities.

use serde::{Deserialize, Serialize};

use super::{AccountId, Email, Timestamp};

/// A provider one can sign in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Google,
    Facebook,
    Vk,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Google, Provider::Facebook, Provider::Vk];

    /// A provider id as the API names it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == raw)
            .ok_or_else(|| "must be one of google, facebook, vk".into())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Google => "google",
            Self::Facebook => "facebook",
            Self::Vk => "vk",
        }
    }

    /// The name people know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Google => "Google",
            Self::Facebook => "Facebook",
            Self::Vk => "VK ID",
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The provider's id of a person (`sub`, Facebook's `id`): printable ASCII, 1-255
/// characters (OpenID Connect Core §2 caps `sub` at 255).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Subject(String);

impl Subject {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() || raw.len() > 255 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("must be 1-255 printable ASCII characters".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The device id a provider appends to its redirect and wants back in the token exchange
/// (VK ID): 1-256 characters of URL-safe and base64 letters (`A-Z a-z 0-9 - . _ ~ + / =`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId(String);

impl DeviceId {
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b);
        if raw.is_empty() || raw.len() > Self::MAX_CHARS || !raw.bytes().all(allowed) {
            return Err(format!(
                "must be 1-{} characters of A-Z, a-z, 0-9 and - . _ ~ + / =",
                Self::MAX_CHARS
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a provider vouched for after a verified exchange: who (provider and subject) and
/// the personal data the policy lets us ask for (name and e-mail), nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderProfile {
    pub provider: Provider,
    pub subject: Subject,
    pub email: Option<Email>,
    /// Whether the provider says it verified `email`.
    pub email_verified: bool,
    pub name: Option<String>,
}

/// What `POST /v1/auth/providers/{provider}/authorizations` keeps under `state` until
/// the callback uses it up (or its TTL removes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationState {
    pub state: String,
    pub provider: Provider,
    pub redirect_uri: String,
    /// The PKCE code verifier (RFC 7636); only its S256 challenge left the backend.
    pub pkce_verifier: String,
    pub nonce: String,
    pub created_at: Timestamp,
    /// Unix time; also the item's TTL attribute.
    pub expires_at_epoch: i64,
}

/// A provider identity linked to an account: the claim that makes (provider, subject)
/// unique, holding what the provider shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub provider: Provider,
    pub subject: Subject,
    pub account_id: AccountId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub linked_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::DeviceId;

    #[test]
    fn a_device_id_is_bounded_and_url_safe() {
        for good in [
            "abc-DEF_123.~",
            "dGVzdA+/==",
            &"a".repeat(DeviceId::MAX_CHARS),
        ] {
            assert_eq!(DeviceId::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "has space",
            "semi;colon",
            "amp&ersand",
            "ünïcode",
            &"a".repeat(DeviceId::MAX_CHARS + 1),
        ] {
            assert!(DeviceId::parse(bad).is_err(), "{bad:?}");
        }
    }
}

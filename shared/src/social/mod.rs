//! Social login's protocol work: the providers as rows of configuration, the OAuth 2.0
//! authorization-code flow with PKCE (the `oauth2` crate), ID tokens verified against the
//! provider's JWKS (`jsonwebtoken`), and Facebook's Graph `me`. One code path serves every
//! provider; the local stack's stand-ins are rows pointing at its own URLs.

mod client;
mod id_token;
mod providers;

pub use client::{Authorization, SocialClient, SocialError};
pub use id_token::{IdTokenCheck, IdTokenError, verify_id_token};
pub use providers::{
    IdentitySource, LocalIdp, ProviderConfig, SocialSettings, local_client_secret,
};

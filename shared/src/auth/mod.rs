//! Passwords, access tokens and refresh tokens.

mod access_token;
mod email_code;
mod invitation_code;
mod keys;
mod password_hash;
mod refresh_token;
mod registration_token;

pub use access_token::{
    ACCESS_TOKEN_TYPE, AccessClaims, AuthUser, MAX_ACCESS_TOKEN_SECONDS, TOKEN_LEEWAY_SECONDS,
    TokenError, TokenSigner, TokenVerifier,
};
pub use email_code::{Code, CodeKey};
pub use invitation_code::InvitationCode;
pub use keys::{Ed25519KeyPair, KeyError, VerificationKey, key_id};
pub use password_hash::{hash_password, verify_against_dummy, verify_password};
pub use refresh_token::RefreshToken;
pub use registration_token::{REGISTRATION_TOKEN_TYPE, RegistrationTokens};

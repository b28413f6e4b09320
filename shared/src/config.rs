//! Settings read once at cold start from the environment.

use std::env;

use crate::auth::{Ed25519KeyPair, VerificationKey};

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

#[derive(Clone, Debug)]
pub struct Settings {
    pub table_name: String,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    /// The public keys that verify access tokens, by key id: one, or two while the
    /// signing key is rotated. Every function that verifies tokens.
    pub jwt_public_keys: Vec<VerificationKey>,
    /// base64 PKCS#8 of the Ed25519 private key; only the functions that issue tokens.
    pub jwt_private_key: Option<String>,
    /// The key id tokens are signed under; default: the signing key's thumbprint.
    pub jwt_signing_kid: Option<String>,
    /// Secrets still to be read from SSM Parameter Store at cold start (deployed
    /// functions get parameter names, never secret values, in their environment).
    pub secret_parameters: Vec<(Secret, String)>,
    /// The version of the Terms of Use a registration must accept.
    pub terms_version: String,
    pub access_token_seconds: i64,
    pub refresh_token_days: i64,
    pub payments: PaymentSettings,
    pub archive: ArchiveSettings,
}

/// Where voice recordings go.
#[derive(Clone, Debug)]
pub struct ArchiveSettings {
    /// Uploads land here first; the bucket's lifecycle rule expires them after a day.
    pub staging_bucket: String,
    /// Published recordings, kept for ever.
    pub archive_bucket: String,
    /// The CDN in front of the archive bucket; unset: listeners get presigned GETs.
    pub public_base_url: Option<String>,
    /// Path-style URLs (`host/bucket/key`): the local stack's S3 needs them.
    pub force_path_style: bool,
}

impl ArchiveSettings {
    fn from_env(optional: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            staging_bucket: optional("STAGING_BUCKET")
                .unwrap_or_else(|| "natives-voice-staging".into()),
            archive_bucket: optional("ARCHIVE_BUCKET")
                .unwrap_or_else(|| "natives-voice-archive".into()),
            public_base_url: optional("ARCHIVE_PUBLIC_BASE_URL"),
            force_path_style: optional("S3_FORCE_PATH_STYLE").is_some_and(|v| v == "true"),
        }
    }
}

/// Stripe Checkout, or the local stack's stand-in for it.
#[derive(Clone, Debug, Default)]
pub struct PaymentSettings {
    /// Unset: no Stripe; checkout uses [`PaymentSettings::local_checkout_base`].
    pub stripe_secret_key: Option<String>,
    pub stripe_webhook_secret: Option<String>,
    pub stripe_api_base: String,
    pub success_url: String,
    pub cancel_url: String,
    /// The local stack's own checkout page, used when there is no Stripe key.
    pub local_checkout_base: Option<String>,
}

impl PaymentSettings {
    /// `STRIPE_*` and `CHECKOUT_*` from the process environment.
    pub fn from_process_env() -> Self {
        Self::from_env(|name| env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    fn from_env(optional: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            stripe_secret_key: optional("STRIPE_SECRET_KEY"),
            stripe_webhook_secret: optional("STRIPE_WEBHOOK_SECRET"),
            stripe_api_base: optional("STRIPE_API_BASE")
                .unwrap_or_else(|| "https://api.stripe.com".into()),
            success_url: optional("CHECKOUT_SUCCESS_URL")
                .unwrap_or_else(|| "https://natives.chat/checkout/success".into()),
            cancel_url: optional("CHECKOUT_CANCEL_URL")
                .unwrap_or_else(|| "https://natives.chat/checkout/cancel".into()),
            local_checkout_base: optional("LOCAL_CHECKOUT_BASE_URL"),
        }
    }
}

/// A secret setting: in the environment locally (`JWT_PRIVATE_KEY`…), or, deployed, the
/// name of an SSM SecureString parameter holding it (`JWT_PRIVATE_KEY_PARAMETER`…), read
/// once at cold start by the functions given that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    JwtPrivateKey,
    StripeSecretKey,
    StripeWebhookSecret,
}

impl Secret {
    pub const ALL: [Secret; 3] = [
        Secret::JwtPrivateKey,
        Secret::StripeSecretKey,
        Secret::StripeWebhookSecret,
    ];

    /// The variable that holds the value itself.
    pub fn variable(self) -> &'static str {
        match self {
            Self::JwtPrivateKey => "JWT_PRIVATE_KEY",
            Self::StripeSecretKey => "STRIPE_SECRET_KEY",
            Self::StripeWebhookSecret => "STRIPE_WEBHOOK_SECRET",
        }
    }

    /// The variable that names the SSM parameter holding the value.
    pub fn parameter_variable(self) -> &'static str {
        match self {
            Self::JwtPrivateKey => "JWT_PRIVATE_KEY_PARAMETER",
            Self::StripeSecretKey => "STRIPE_SECRET_KEY_PARAMETER",
            Self::StripeWebhookSecret => "STRIPE_WEBHOOK_SECRET_PARAMETER",
        }
    }

    fn slot(self, settings: &mut Settings) -> &mut Option<String> {
        match self {
            Self::JwtPrivateKey => &mut settings.jwt_private_key,
            Self::StripeSecretKey => &mut settings.payments.stripe_secret_key,
            Self::StripeWebhookSecret => &mut settings.payments.stripe_webhook_secret,
        }
    }
}

pub const DEFAULT_TERMS_VERSION: &str = "2026-11-01";

impl Settings {
    /// Settings for a stack whose keys are given; everything else takes its default.
    pub fn with_keys(table_name: &str, keys: &Ed25519KeyPair) -> Self {
        Self {
            table_name: table_name.to_owned(),
            jwt_issuer: "natives.chat".into(),
            jwt_audience: "natives.chat/api".into(),
            jwt_public_keys: vec![
                VerificationKey::new(&keys.public_base64url).expect("a generated key parses"),
            ],
            jwt_private_key: Some(keys.private_pkcs8_base64.clone()),
            jwt_signing_kid: None,
            secret_parameters: Vec::new(),
            terms_version: DEFAULT_TERMS_VERSION.into(),
            access_token_seconds: 900,
            refresh_token_days: 30,
            payments: PaymentSettings::from_env(|_| None),
            archive: ArchiveSettings::from_env(|_| None),
        }
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        let optional = |name: &str| env::var(name).ok().filter(|v| !v.trim().is_empty());
        let jwt_private_key = optional(Secret::JwtPrivateKey.variable());
        let keys = |result: Result<Vec<VerificationKey>, crate::auth::KeyError>| {
            result.map_err(|e| ConfigError(e.to_string()))
        };
        // JWT_PUBLIC_KEYS (`kid:key,kid:key` while rotating), else the single-key
        // JWT_PUBLIC_KEY, else the public half of JWT_PRIVATE_KEY (local use).
        let jwt_public_keys = match (
            optional("JWT_PUBLIC_KEYS"),
            optional("JWT_PUBLIC_KEY"),
            &jwt_private_key,
        ) {
            (Some(list), _, _) => keys(VerificationKey::parse_list(&list))?,
            (None, Some(public), _) => keys(VerificationKey::new(&public).map(|k| vec![k]))?,
            (None, None, Some(private)) => keys(
                Ed25519KeyPair::public_of(private)
                    .and_then(|public| VerificationKey::new(&public))
                    .map(|k| vec![k]),
            )?,
            (None, None, None) => {
                return Err(ConfigError("JWT_PUBLIC_KEYS is not set".into()));
            }
        };
        let number = |name: &str, default: i64| -> Result<i64, ConfigError> {
            optional(name).map_or(Ok(default), |v| {
                v.parse()
                    .map_err(|_| ConfigError(format!("{name} must be a whole number")))
            })
        };
        let mut settings = Self {
            table_name: optional("TABLE_NAME").unwrap_or_else(|| "natives".into()),
            jwt_issuer: optional("JWT_ISSUER").unwrap_or_else(|| "natives.chat".into()),
            jwt_audience: optional("JWT_AUDIENCE").unwrap_or_else(|| "natives.chat/api".into()),
            jwt_public_keys,
            jwt_private_key,
            jwt_signing_kid: optional("JWT_SIGNING_KID"),
            secret_parameters: Vec::new(),
            terms_version: optional("TERMS_VERSION")
                .unwrap_or_else(|| DEFAULT_TERMS_VERSION.into()),
            access_token_seconds: number("ACCESS_TOKEN_SECONDS", 900)?,
            refresh_token_days: number("REFRESH_TOKEN_DAYS", 30)?,
            payments: PaymentSettings::from_env(optional),
            archive: ArchiveSettings::from_env(optional),
        };
        for secret in Secret::ALL {
            if let Some(name) = optional(secret.parameter_variable())
                && secret.slot(&mut settings).is_none()
            {
                settings
                    .secret_parameters
                    .push((secret, name.trim().to_owned()));
            }
        }
        Ok(settings)
    }

    /// Sets a secret read from its parameter.
    pub fn set_secret(&mut self, secret: Secret, value: String) {
        *secret.slot(self) = Some(value);
        self.secret_parameters
            .retain(|(pending, _)| *pending != secret);
    }
}

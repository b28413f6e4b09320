//! Settings read once at cold start from the environment.

use std::collections::BTreeMap;
use std::env;

use crate::auth::{Ed25519KeyPair, VerificationKey};
use crate::domain::{ActionCosts, ContentRules};

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
    /// The key e-mailed codes are hashed under (at least 32 characters); only the
    /// functions that send or check codes.
    pub email_code_key: Option<String>,
    /// Secrets still to be read from SSM Parameter Store at cold start (deployed
    /// functions get parameter names, never secret values, in their environment).
    pub secret_parameters: Vec<(Secret, String)>,
    /// The version of the Terms of Use a registration must accept, and an account must
    /// have accepted before its next paid action.
    pub terms_version: String,
    /// When that version took effect (RFC 3339), and where it can be read.
    pub terms_effective_at: String,
    pub terms_url: String,
    pub access_token_seconds: i64,
    pub refresh_token_days: i64,
    pub payments: PaymentSettings,
    pub archive: ArchiveSettings,
    pub conversations: ConversationSettings,
    pub moderation: ModerationSettings,
    pub email: EmailSettings,
    pub social: crate::social::SocialSettings,
    /// Invitations to friends: how many a day an account sends (`INVITATIONS_PER_DAY`,
    /// default 10) and the web client's origin their links lead to (`WEB_ORIGIN`,
    /// default `https://natives.chat`).
    pub invitations: crate::domain::decide::invitations::InvitationSettings,
    /// How long a write may take to reach the table's global secondary index
    /// (`INDEX_SETTLE_MS`, default 1,000): AWS reads an index only eventually
    /// consistently. Erasure walks the account's items again this long after closing it;
    /// an export is complete up to this long before it was made.
    pub index_settle: std::time::Duration,
}

/// How complaints work.
#[derive(Clone, Debug)]
pub struct ModerationSettings {
    /// Complaints from this many different accounts hide a message until a moderator
    /// decides (`COMPLAINT_HIDE_THRESHOLD`).
    pub hide_threshold: u32,
    /// Complaints one account may file in an hour (`COMPLAINTS_PER_HOUR`).
    pub complaints_per_hour: u32,
    /// Complaints one account may file about one author's messages in an hour
    /// (`COMPLAINTS_PER_AUTHOR_PER_HOUR`).
    pub complaints_per_author_per_hour: u32,
}

impl ModerationSettings {
    fn from_env(optional: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let number = |name: &str, default: u32| -> Result<u32, ConfigError> {
            optional(name).map_or(Ok(default), |v| match v.parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => Ok(n),
                _ => Err(ConfigError(format!("{name} must be 1 to 1000"))),
            })
        };
        Ok(Self {
            hide_threshold: number("COMPLAINT_HIDE_THRESHOLD", 3)?,
            complaints_per_hour: number("COMPLAINTS_PER_HOUR", 20)?,
            complaints_per_author_per_hour: number("COMPLAINTS_PER_AUTHOR_PER_HOUR", 5)?,
        })
    }
}

/// How the outbox's e-mails leave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailSettings {
    /// `From:` of every e-mail (`EMAIL_SENDER`), an address of the SES identity.
    pub sender: String,
    /// `EMAIL_DELIVERY`: `ses` (the deployed stack) or `log` (default: written to the
    /// log, as the local stack does).
    pub delivery: EmailDelivery,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailDelivery {
    Ses,
    Log,
}

impl EmailSettings {
    fn from_env(optional: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let delivery = match optional("EMAIL_DELIVERY").as_deref() {
            None | Some("log") => EmailDelivery::Log,
            Some("ses") => EmailDelivery::Ses,
            Some(_) => return Err(ConfigError("EMAIL_DELIVERY is `ses` or `log`".into())),
        };
        Ok(Self {
            sender: optional("EMAIL_SENDER")
                .unwrap_or_else(|| "Natives.Chat <no-reply@natives.chat>".into()),
            delivery,
        })
    }
}

/// Prices of the paid actions, content rules, and the shape of the thread lists.
#[derive(Clone, Debug)]
pub struct ConversationSettings {
    /// What each paid action costs. Configuration, not data: a paid post knows its price
    /// without a read (one DynamoDB request).
    pub action_costs: ActionCosts,
    /// Words public text may not contain (`CONTENT_BLOCKLIST`, comma-separated).
    pub content_rules: ContentRules,
    /// Busy languages' thread lists are written across several partitions
    /// (`THREAD_LIST_SHARDS`, e.g. `en=8,es=4`; others use one). Only ever raise a
    /// number: readers look in shards `0..n`, so a thread written under a smaller `n`
    /// is still found.
    pub thread_list_shards: BTreeMap<String, u32>,
    /// How long a voice upload URL stays valid (at most 15 minutes).
    pub upload_url_seconds: u64,
    /// Voice upload URLs one account is issued per hour (`UPLOADS_PER_HOUR`).
    pub uploads_per_hour: u32,
    /// How long a link to a recording stays valid: a presigned link's lifetime, or the
    /// window a signed CDN URL's expiry is rounded to (it lasts one to two windows).
    pub voice_url_seconds: u64,
}

impl ConversationSettings {
    pub fn thread_list_shards(&self, language: &str) -> u32 {
        self.thread_list_shards
            .get(&language.to_ascii_lowercase())
            .copied()
            .unwrap_or(1)
    }

    fn from_env(optional: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let defaults = ActionCosts::default();
        let cost = |name: &str, default: i64| -> Result<i64, ConfigError> {
            optional(name).map_or(Ok(default), |v| match v.parse::<i64>() {
                Ok(n) if (0..=1_000_000).contains(&n) => Ok(n),
                _ => Err(ConfigError(format!(
                    "{name} must be a whole number of credits"
                ))),
            })
        };
        let seconds = |name: &str, default: u64| -> Result<u64, ConfigError> {
            optional(name).map_or(Ok(default), |v| match v.parse::<u64>() {
                Ok(n) if (1..=900).contains(&n) => Ok(n),
                _ => Err(ConfigError(format!("{name} must be 1 to 900 seconds"))),
            })
        };
        let mut thread_list_shards = BTreeMap::new();
        for pair in optional("THREAD_LIST_SHARDS")
            .unwrap_or_default()
            .split(',')
            .filter(|p| !p.trim().is_empty())
        {
            let (language, shards) = pair.split_once('=').ok_or_else(|| {
                ConfigError("THREAD_LIST_SHARDS is language=shards, comma-separated".into())
            })?;
            let shards: u32 = shards
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=64).contains(n))
                .ok_or_else(|| ConfigError("THREAD_LIST_SHARDS: 1 to 64 shards".into()))?;
            thread_list_shards.insert(language.trim().to_ascii_lowercase(), shards);
        }
        Ok(Self {
            action_costs: ActionCosts {
                text_message: cost("ACTION_COST_TEXT_MESSAGE", defaults.text_message)?,
                voice_message: cost("ACTION_COST_VOICE_MESSAGE", defaults.voice_message)?,
                new_thread: cost("ACTION_COST_NEW_THREAD", defaults.new_thread)?,
                correction: cost("ACTION_COST_CORRECTION", defaults.correction)?,
            },
            content_rules: ContentRules::from_blocklist_setting(
                optional("CONTENT_BLOCKLIST").as_deref(),
            ),
            thread_list_shards,
            upload_url_seconds: seconds("UPLOAD_URL_SECONDS", 900)?,
            uploads_per_hour: optional("UPLOADS_PER_HOUR").map_or(Ok(60), |v| {
                v.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| ConfigError("UPLOADS_PER_HOUR must be 1 to 1000".into()))
            })?,
            voice_url_seconds: seconds("VOICE_URL_SECONDS", 300)?,
        })
    }
}

/// Where voice recordings go.
#[derive(Clone, Debug)]
pub struct ArchiveSettings {
    /// Uploads land here first; the bucket's lifecycle rule expires them after a day.
    pub staging_bucket: String,
    /// Published recordings, kept for ever.
    pub archive_bucket: String,
    /// Profile photos (personal data: deletable, outside the archive).
    pub photos_bucket: String,
    /// The CDN in front of the archive bucket, which serves only URLs signed with
    /// `cdn_signing_key`; unset: listeners get presigned GETs.
    pub public_base_url: Option<String>,
    /// The id CloudFront knows the signing key's public half by (`CDN_KEY_PAIR_ID`).
    pub cdn_key_pair_id: Option<String>,
    /// The RSA private key (PKCS#8) the voice route signs CDN URLs with: from SSM
    /// (`CDN_SIGNING_KEY_PARAMETER`) at cold start, never a deployed variable.
    pub cdn_signing_key: Option<String>,
    /// Path-style URLs (`host/bucket/key`): the local stack's S3 needs them.
    pub force_path_style: bool,
    /// The archive keeps versions under Object Lock (`ARCHIVE_VERSIONED`, default true:
    /// the deployed bucket); the local S3 keeps one version and has no Object Lock.
    pub versioned: bool,
}

impl ArchiveSettings {
    fn from_env(optional: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            staging_bucket: optional("STAGING_BUCKET")
                .unwrap_or_else(|| "natives-voice-staging".into()),
            archive_bucket: optional("ARCHIVE_BUCKET")
                .unwrap_or_else(|| "natives-voice-archive".into()),
            photos_bucket: optional("PHOTOS_BUCKET")
                .unwrap_or_else(|| "natives-profile-photos".into()),
            public_base_url: optional("ARCHIVE_PUBLIC_BASE_URL"),
            cdn_key_pair_id: optional("CDN_KEY_PAIR_ID"),
            cdn_signing_key: optional("CDN_SIGNING_KEY"),
            force_path_style: optional("S3_FORCE_PATH_STYLE").is_some_and(|v| v == "true"),
            versioned: optional("ARCHIVE_VERSIONED").is_none_or(|v| v != "false"),
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
    EmailCodeKey,
    GoogleClientSecret,
    FacebookClientSecret,
    VkClientSecret,
    CdnSigningKey,
}

impl Secret {
    pub const ALL: [Secret; 8] = [
        Secret::JwtPrivateKey,
        Secret::StripeSecretKey,
        Secret::StripeWebhookSecret,
        Secret::EmailCodeKey,
        Secret::GoogleClientSecret,
        Secret::FacebookClientSecret,
        Secret::VkClientSecret,
        Secret::CdnSigningKey,
    ];

    /// The variable that holds the value itself.
    pub fn variable(self) -> &'static str {
        match self {
            Self::JwtPrivateKey => "JWT_PRIVATE_KEY",
            Self::StripeSecretKey => "STRIPE_SECRET_KEY",
            Self::StripeWebhookSecret => "STRIPE_WEBHOOK_SECRET",
            Self::EmailCodeKey => "EMAIL_CODE_KEY",
            Self::GoogleClientSecret => "GOOGLE_CLIENT_SECRET",
            Self::FacebookClientSecret => "FACEBOOK_CLIENT_SECRET",
            Self::VkClientSecret => "VK_CLIENT_SECRET",
            Self::CdnSigningKey => "CDN_SIGNING_KEY",
        }
    }

    /// The variable that names the SSM parameter holding the value.
    pub fn parameter_variable(self) -> &'static str {
        match self {
            Self::JwtPrivateKey => "JWT_PRIVATE_KEY_PARAMETER",
            Self::StripeSecretKey => "STRIPE_SECRET_KEY_PARAMETER",
            Self::StripeWebhookSecret => "STRIPE_WEBHOOK_SECRET_PARAMETER",
            Self::EmailCodeKey => "EMAIL_CODE_KEY_PARAMETER",
            Self::GoogleClientSecret => "GOOGLE_CLIENT_SECRET_PARAMETER",
            Self::FacebookClientSecret => "FACEBOOK_CLIENT_SECRET_PARAMETER",
            Self::VkClientSecret => "VK_CLIENT_SECRET_PARAMETER",
            Self::CdnSigningKey => "CDN_SIGNING_KEY_PARAMETER",
        }
    }

    fn slot(self, settings: &mut Settings) -> &mut Option<String> {
        match self {
            Self::JwtPrivateKey => &mut settings.jwt_private_key,
            Self::StripeSecretKey => &mut settings.payments.stripe_secret_key,
            Self::StripeWebhookSecret => &mut settings.payments.stripe_webhook_secret,
            Self::EmailCodeKey => &mut settings.email_code_key,
            Self::GoogleClientSecret => &mut settings.social.google_client_secret,
            Self::FacebookClientSecret => &mut settings.social.facebook_client_secret,
            Self::VkClientSecret => &mut settings.social.vk_client_secret,
            Self::CdnSigningKey => &mut settings.archive.cdn_signing_key,
        }
    }
}

pub const DEFAULT_TERMS_VERSION: &str = "2026-11-01";
pub const DEFAULT_TERMS_EFFECTIVE_AT: &str = "2026-11-01T00:00:00.000Z";
pub const DEFAULT_TERMS_URL: &str = "https://natives.chat/terms";

/// A local stack's code key: the hex SHA-256 of its signing key, labelled.
fn local_code_key(keys: &Ed25519KeyPair) -> String {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("natives email codes\n{}", keys.private_pkcs8_base64).as_bytes(),
    );
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn process_env(name: &str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Settings {
    /// Settings for a stack whose keys are given; everything else takes its default.
    pub fn with_keys(table_name: &str, keys: &Ed25519KeyPair) -> Self {
        Self::with_keys_from(table_name, keys, |_| None).expect("the defaults are valid")
    }

    /// Settings for a stack whose keys and table are given, everything else from the
    /// process environment as the functions read it (`TERMS_VERSION`, token lifetimes,
    /// prices…): the local stack.
    pub fn with_keys_from_env(
        table_name: &str,
        keys: &Ed25519KeyPair,
    ) -> Result<Self, ConfigError> {
        Self::with_keys_from(table_name, keys, process_env)
    }

    fn with_keys_from(
        table_name: &str,
        keys: &Ed25519KeyPair,
        optional: impl Fn(&str) -> Option<String> + Copy,
    ) -> Result<Self, ConfigError> {
        Self::from_lookup(|name| match name {
            "TABLE_NAME" => Some(table_name.to_owned()),
            "JWT_PUBLIC_KEYS" => None,
            "JWT_PUBLIC_KEY" => Some(keys.public_base64url.clone()),
            "JWT_PRIVATE_KEY" => Some(keys.private_pkcs8_base64.clone()),
            // The stack's own code key, made from its own signing key (never deployed).
            "EMAIL_CODE_KEY" => optional("EMAIL_CODE_KEY").or_else(|| Some(local_code_key(keys))),
            other => optional(other),
        })
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(process_env)
    }

    fn from_lookup(optional: impl Fn(&str) -> Option<String> + Copy) -> Result<Self, ConfigError> {
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
            email_code_key: optional(Secret::EmailCodeKey.variable()),
            secret_parameters: Vec::new(),
            terms_version: optional("TERMS_VERSION")
                .unwrap_or_else(|| DEFAULT_TERMS_VERSION.into()),
            terms_effective_at: match optional("TERMS_EFFECTIVE_AT") {
                None => DEFAULT_TERMS_EFFECTIVE_AT.into(),
                Some(at) => crate::clock::rfc3339::parse(&at)
                    .map(crate::clock::rfc3339::format)
                    .ok_or_else(|| ConfigError("TERMS_EFFECTIVE_AT must be RFC 3339".into()))?,
            },
            terms_url: optional("TERMS_URL").unwrap_or_else(|| DEFAULT_TERMS_URL.into()),
            access_token_seconds: number("ACCESS_TOKEN_SECONDS", 900)?,
            refresh_token_days: number("REFRESH_TOKEN_DAYS", 30)?,
            payments: PaymentSettings::from_env(optional),
            archive: ArchiveSettings::from_env(optional),
            conversations: ConversationSettings::from_env(optional)?,
            moderation: ModerationSettings::from_env(optional)?,
            email: EmailSettings::from_env(optional)?,
            social: crate::social::SocialSettings::from_env(optional),
            invitations: crate::domain::decide::invitations::InvitationSettings {
                per_day: u32::try_from(number("INVITATIONS_PER_DAY", 10)?)
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ConfigError("INVITATIONS_PER_DAY must be positive".into()))?,
                web_origin: optional("WEB_ORIGIN")
                    .unwrap_or_else(|| "https://natives.chat".into())
                    .trim_end_matches('/')
                    .to_owned(),
            },
            index_settle: std::time::Duration::from_millis(
                u64::try_from(number("INDEX_SETTLE_MS", 1000)?)
                    .ok()
                    .filter(|ms| *ms <= 5000)
                    .ok_or_else(|| ConfigError("INDEX_SETTLE_MS must be 0 to 5000".into()))?,
            ),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_with_given_keys_still_reads_the_functions_settings() {
        let keys = Ed25519KeyPair::generate();
        let settings = Settings::with_keys_from("natives", &keys, |name| match name {
            "TERMS_VERSION" => Some("2027-01-01".into()),
            "TERMS_EFFECTIVE_AT" => Some("2027-01-01T00:00:00Z".into()),
            "ACCESS_TOKEN_SECONDS" => Some("300".into()),
            "EMAIL_DELIVERY" => Some("ses".into()),
            "TABLE_NAME" => Some("elsewhere".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(settings.terms_version, "2027-01-01");
        assert_eq!(settings.terms_effective_at, "2027-01-01T00:00:00.000Z");
        assert_eq!(settings.access_token_seconds, 300);
        assert_eq!(settings.email.delivery, EmailDelivery::Ses);
        assert_eq!(settings.table_name, "natives", "the stack's own table");
        assert_eq!(settings.jwt_public_keys.len(), 1, "the stack's own key");
        let defaults = Settings::with_keys("natives", &keys);
        assert_eq!(defaults.terms_version, DEFAULT_TERMS_VERSION);
        assert_eq!(defaults.email.delivery, EmailDelivery::Log);
        assert!(
            Settings::with_keys_from("natives", &keys, |name| (name == "TERMS_EFFECTIVE_AT")
                .then(|| "soon".into()))
            .is_err()
        );
    }
}

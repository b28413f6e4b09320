//! What a cold start builds once and every invocation borrows.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use aws_config::SdkConfig;
use natives_shared::archive::Archive;
use natives_shared::auth::Ed25519KeyPair;
use natives_shared::auth::{CodeKey, TokenSigner, TokenVerifier};
use natives_shared::clock::{Clock, SystemClock};
use natives_shared::config::{ConfigError, Settings};
use natives_shared::http::ApiError;
use natives_shared::mail::Mailer;
use natives_shared::payments::StripeCheckout;
use natives_shared::social::{ProviderConfig, SocialClient};
use natives_shared::store::Store;
use time::OffsetDateTime;

use crate::binaries::{Deployment, Whole};
use crate::live::connections::Connections;
use crate::spec::FunctionSpec;

pub struct App {
    pub store: Store,
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub checkout: CheckoutProvider,
    /// How the outbox's e-mails leave (SES deployed, the log locally). A binary without
    /// the outbox sender has the log: it sends nothing and links no SES client.
    pub mailer: Mailer,
    verifier: TokenVerifier,
    /// Only functions that issue tokens are configured with the private key.
    signer: Option<TokenSigner>,
    /// Only functions whose row grants them a bucket build an S3 client.
    archive: Option<Archive>,
    /// Only functions whose row grants them the WebSocket API's connections build a
    /// Management API client.
    connections: Option<Connections>,
    /// Only functions that send or check e-mailed codes are given the code key.
    code_key: Option<CodeKey>,
    /// Social login's HTTP client and the providers' key sets, made by the first social
    /// request of a cold start (so binaries without social routes do not link it).
    social: std::sync::OnceLock<SocialClient>,
}

/// Where checkouts are opened.
pub enum CheckoutProvider {
    Stripe(Box<StripeCheckout>),
    /// The local stack's checkout page (no Stripe key configured).
    Local {
        base_url: String,
    },
    Unavailable,
}

impl App {
    /// The deployed way: settings from the environment, AWS clients from `aws-config`
    /// defaults (so `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_S3` can point them
    /// anywhere), and only the clients `spec`'s function uses, of those its binary `D`
    /// links.
    ///
    /// A function whose row grants it a secret (login, refresh-session, create-checkout,
    /// stripe-webhook) reads the secrets its environment names by SSM parameter; the
    /// others never build an SSM client, and a parameter name given to them is refused
    /// at start (they may not read it).
    pub async fn from_env<D: Deployment>(spec: &FunctionSpec) -> Result<Self, lambda_http::Error> {
        let mut settings = Settings::from_env()?;
        let sdk = natives_shared::aws::load_sdk_config().await;
        if const { D::CLIENTS.ssm } && spec.reads_secrets() {
            // Boxed: awaited in place, the reading's future would be part of this
            // future's type, and so linked by binaries that never read a secret.
            let reading: Pin<Box<dyn Future<Output = Result<(), ConfigError>> + Send + '_>> =
                Box::pin(natives_shared::secrets::resolve(&sdk, &mut settings));
            reading.await?;
        }
        let archive_sdk = spec.uses_s3().then_some(&sdk);
        let mut app = Self::build::<D>(&sdk, settings, Arc::new(SystemClock), archive_sdk)?;
        if const { D::CLIENTS.connections } && spec.manages_connections() {
            app.connections = Some(Connections::new(&sdk));
        }
        Ok(app)
    }

    /// An `App` with every client the table uses (the local stack, tests).
    /// `archive_sdk`: where S3 is, for an `App` that uses the archive.
    pub fn new(
        sdk: &SdkConfig,
        settings: Settings,
        clock: Arc<dyn Clock>,
        archive_sdk: Option<&SdkConfig>,
    ) -> Result<Self, lambda_http::Error> {
        Self::build::<Whole>(sdk, settings, clock, archive_sdk)
    }

    /// Builds what `D` links: a client `D::CLIENTS` leaves out is neither built nor, the
    /// branch being constant, linked into `D`'s binary.
    fn build<D: Deployment>(
        sdk: &SdkConfig,
        settings: Settings,
        clock: Arc<dyn Clock>,
        archive_sdk: Option<&SdkConfig>,
    ) -> Result<Self, lambda_http::Error> {
        Self::ready(&settings)?;
        let payments = &settings.payments;
        let checkout = match (&payments.stripe_secret_key, &payments.local_checkout_base) {
            (Some(key), _) if const { D::CLIENTS.stripe } => CheckoutProvider::Stripe(Box::new(
                StripeCheckout::new(key, &payments.stripe_api_base)?,
            )),
            (_, Some(base)) => CheckoutProvider::Local {
                base_url: base.trim_end_matches('/').to_owned(),
            },
            _ => CheckoutProvider::Unavailable,
        };
        let verifier = TokenVerifier::with_keys(
            &settings.jwt_public_keys,
            &settings.jwt_issuer,
            &settings.jwt_audience,
        )?;
        let signer = settings
            .jwt_private_key
            .as_deref()
            .map(|key| signer(&settings, &verifier, key))
            .transpose()?;
        let archive = match archive_sdk {
            Some(s3) if const { D::CLIENTS.s3 } => {
                Some(Archive::connect(s3, settings.archive.clone())?)
            }
            _ => None,
        };
        let mailer = if const { D::CLIENTS.ses } {
            Mailer::new(sdk, &settings.email)
        } else {
            Mailer::log()
        };
        let code_key = settings
            .email_code_key
            .as_deref()
            .map(CodeKey::new)
            .transpose()
            .map_err(|e| ConfigError(e.to_string()))?;
        Ok(Self {
            code_key,
            store: Store::connect(sdk, &settings.table_name)
                .with_index_settle(settings.index_settle),
            mailer,
            settings,
            clock,
            checkout,
            verifier,
            signer,
            archive,
            connections: None,
            social: std::sync::OnceLock::new(),
        })
    }

    /// This `App` reaching the WebSocket API's connections through the Management API at
    /// the endpoint `sdk` names (the local stack, tests).
    pub fn with_connections(mut self, sdk: &SdkConfig) -> Self {
        self.connections = Some(Connections::new(sdk));
        self
    }

    /// A deployed function's settings are complete only once the secrets named by
    /// parameter have been read.
    fn ready(settings: &Settings) -> Result<(), ConfigError> {
        match settings.secret_parameters.first() {
            None => Ok(()),
            Some((secret, name)) => Err(ConfigError(format!(
                "{} is still to be read from SSM parameter {name}",
                secret.variable()
            ))),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn verifier(&self) -> &TokenVerifier {
        &self.verifier
    }

    pub fn signer(&self) -> Result<&TokenSigner, ApiError> {
        self.signer.as_ref().ok_or_else(|| {
            ApiError::Internal("JWT_PRIVATE_KEY is not configured for this function".into())
        })
    }

    pub fn connections(&self) -> Result<&Connections, ApiError> {
        self.connections.as_ref().ok_or_else(|| {
            ApiError::Internal(
                "this function's row grants it no WebSocket connections: no Management API client"
                    .into(),
            )
        })
    }

    pub fn code_key(&self) -> Result<&CodeKey, ApiError> {
        self.code_key.as_ref().ok_or_else(|| {
            ApiError::Internal("EMAIL_CODE_KEY is not configured for this function".into())
        })
    }

    pub fn social(&self) -> &SocialClient {
        self.social.get_or_init(SocialClient::new)
    }

    /// `provider` as configured here; a provider without credentials is not offered
    /// (404).
    pub fn provider(
        &self,
        provider: natives_shared::domain::social::Provider,
    ) -> Result<ProviderConfig, ApiError> {
        self.settings.social.provider(provider).ok_or_else(|| {
            ApiError::NotFoundDetail(format!(
                "{} sign-in is not offered here.",
                provider.display_name()
            ))
        })
    }

    /// The signer and verifier of registration tokens, under the code key.
    pub fn registration_tokens(
        &self,
    ) -> Result<natives_shared::auth::RegistrationTokens, ApiError> {
        let secret = self.settings.email_code_key.as_deref().ok_or_else(|| {
            ApiError::Internal("EMAIL_CODE_KEY is not configured for this function".into())
        })?;
        natives_shared::auth::RegistrationTokens::new(secret)
            .map_err(|e| ApiError::Internal(e.to_string()))
    }

    pub fn archive(&self) -> Result<&Archive, ApiError> {
        self.archive.as_ref().ok_or_else(|| {
            ApiError::Internal("this function's row grants it no bucket: no S3 client".into())
        })
    }
}

/// The signer of `key` under the configured kid (or the key's thumbprint), refused unless
/// the verifiers accept what it signs: a token signed with a key the other functions do
/// not hold would log everyone out.
fn signer(
    settings: &Settings,
    verifier: &TokenVerifier,
    key: &str,
) -> Result<TokenSigner, lambda_http::Error> {
    let mut signer = TokenSigner::new(
        key,
        &settings.jwt_issuer,
        &settings.jwt_audience,
        settings.access_token_seconds,
    )?;
    if let Some(kid) = &settings.jwt_signing_kid {
        signer = signer.with_kid(kid);
    }
    let public = Ed25519KeyPair::public_of(key)?;
    if !verifier.accepts_key(signer.kid(), &public) {
        return Err(ConfigError(format!(
            "the signing key (kid {}) is not among JWT_PUBLIC_KEYS under that kid",
            signer.kid()
        ))
        .into());
    }
    Ok(signer)
}

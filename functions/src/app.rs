//! What a cold start builds once and every invocation borrows.

use std::sync::Arc;

use aws_config::SdkConfig;
use lambda_http::Request;
use natives_shared::auth::{AuthUser, TokenSigner, TokenVerifier};
use natives_shared::clock::{Clock, SystemClock};
use natives_shared::config::Settings;
use natives_shared::domain::{Account, Role, Standing};
use natives_shared::http::{ApiError, authenticate};
use natives_shared::payments::StripeCheckout;
use natives_shared::store::Store;
use time::OffsetDateTime;

pub struct App {
    pub store: Store,
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub checkout: CheckoutProvider,
    verifier: TokenVerifier,
    /// Only functions that issue tokens are configured with the private key.
    signer: Option<TokenSigner>,
}

impl App {
    /// The deployed way: settings from the environment, AWS clients from `aws-config`
    /// defaults (so `AWS_ENDPOINT_URL_DYNAMODB` can point them anywhere).
    pub async fn from_env() -> Result<Self, lambda_http::Error> {
        let settings = Settings::from_env()?;
        let sdk = natives_shared::aws::load_sdk_config().await;
        Self::new(&sdk, settings, Arc::new(SystemClock))
    }

    pub fn new(
        sdk: &SdkConfig,
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, lambda_http::Error> {
        let payments = &settings.payments;
        let checkout = match (&payments.stripe_secret_key, &payments.local_checkout_base) {
            (Some(key), _) => CheckoutProvider::Stripe(Box::new(StripeCheckout::new(
                key,
                &payments.stripe_api_base,
            )?)),
            (None, Some(base)) => CheckoutProvider::Local {
                base_url: base.trim_end_matches('/').to_owned(),
            },
            (None, None) => CheckoutProvider::Unavailable,
        };
        let verifier = TokenVerifier::new(
            &settings.jwt_public_key,
            &settings.jwt_issuer,
            &settings.jwt_audience,
        )?;
        let signer = settings
            .jwt_private_key
            .as_deref()
            .map(|key| {
                TokenSigner::new(
                    key,
                    &settings.jwt_issuer,
                    &settings.jwt_audience,
                    settings.access_token_seconds,
                )
            })
            .transpose()?;
        Ok(Self {
            store: Store::connect(sdk, &settings.table_name),
            settings,
            clock,
            checkout,
            verifier,
            signer,
        })
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn signer(&self) -> Result<&TokenSigner, ApiError> {
        self.signer.as_ref().ok_or_else(|| {
            ApiError::Internal("JWT_PRIVATE_KEY is not configured for this function".into())
        })
    }

    /// The caller by their access token alone (no store request).
    pub fn authenticate(&self, request: &Request) -> Result<AuthUser, ApiError> {
        authenticate(request, &self.verifier, self.now())
    }

    /// The caller and their account, refused with 401 when the account can no longer act
    /// with this token (blocked, closed, or tokens revoked since it was issued).
    pub async fn caller_account(&self, request: &Request) -> Result<(AuthUser, Account), ApiError> {
        let caller = self.authenticate(request)?;
        let account = self
            .store
            .get_account(&caller.account_id)
            .await?
            .filter(|a| a.token_generation == caller.token_generation)
            .filter(|a| a.standing(self.now()) == Standing::Active)
            .ok_or_else(revoked_token)?;
        Ok((caller, account))
    }
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
    /// The caller's account, refused with 403 unless it has `role`.
    pub async fn caller_with_role(
        &self,
        request: &Request,
        role: Role,
    ) -> Result<(AuthUser, Account), ApiError> {
        let (caller, account) = self.caller_account(request).await?;
        if account.has_role(role) {
            Ok((caller, account))
        } else {
            Err(ApiError::Forbidden {
                code: "forbidden",
                detail: format!("This needs the {} role.", role.as_str()),
                blocked_until: None,
            })
        }
    }
}

/// The answer for a token that verifies but whose account no longer accepts it.
pub fn revoked_token() -> ApiError {
    ApiError::unauthorized("The access token has been revoked.")
}

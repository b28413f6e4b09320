//! Runnable example events. `events/<function>.json` is the API Gateway event of a
//! successful call; values that cannot be written down in advance are placeholders,
//! filled here from fresh, real data in the local stack's store:
//!
//! | placeholder | becomes |
//! |---|---|
//! | `REPLACE_WITH_ACCESS_TOKEN` | the caller's access token (for a visitor the `authorization` header goes) |
//! | `REPLACE_WITH_REFRESH_TOKEN` | a refresh token of the caller's session |
//! | `REPLACE_WITH_EMAIL` | the caller's e-mail (password [`EXAMPLE_PASSWORD`]) |
//! | `REPLACE_WITH_NEW_EMAIL` | an address no account uses yet |
//! | `REPLACE_WITH_CALLER_ID` | the caller's account id |
//! | `REPLACE_WITH_ACCOUNT_ID` | another account (the one an admin or moderator acts on) |
//! | `REPLACE_WITH_CHECKOUT_SESSION_ID` | a pending purchase of the starter tariff by the caller |
//! | `REPLACE_WITH_SIGNATURE` | a `Stripe-Signature` over the filled body, with the stack's webhook secret |
//!
//! `natives-local invoke` and `natives-local example-event` fill them; the request
//! budget test and the authorization matrix run every function's event through here,
//! so a new function is covered by adding its event.

use std::sync::OnceLock;

use natives_functions::App;
use natives_functions::spec::{Access, FunctionSpec};
use natives_shared::auth::{AuthUser, Ed25519KeyPair, RefreshToken, TokenSigner, hash_password};
use natives_shared::clock::rfc3339;
use natives_shared::domain::{
    Account, AccountId, AccountStatus, Consents, Purchase, PurchaseStatus, Role, SessionId,
};
use natives_shared::gate::Caller;
use natives_shared::payments::sign_payload;
use natives_shared::store::{CheckoutPayment, RefreshRecord, SessionFamily};
use serde_json::Value;
use time::Duration;

use crate::BoxError;

/// Every example account's password.
pub const EXAMPLE_PASSWORD: &str = "correct horse battery";

/// Who makes the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Visitor,
    /// An account with these roles besides `user`.
    Account(&'static [Role]),
    /// An account whose block ended its sessions (its token is one the block revoked).
    Blocked,
}

impl Who {
    /// The caller a function's row asks for on its successful path.
    pub fn for_access(access: Access) -> Self {
        match access {
            Access::Role(Role::Admin) => Who::Account(&[Role::Admin]),
            Access::Role(Role::Moderator) => Who::Account(&[Role::Moderator]),
            Access::Role(Role::Mentor) => Who::Account(&[Role::Mentor]),
            Access::Role(Role::Consultant) => Who::Account(&[Role::Consultant]),
            _ => Who::Account(&[]),
        }
    }
}

/// One account made for an example.
pub struct ExampleAccount {
    pub id: AccountId,
    pub email: String,
    pub access_token: String,
    pub session_id: SessionId,
}

/// Fills `event` (the text of `events/<function>.json`) for a call by `who`.
pub async fn fill(
    app: &App,
    keys: &Ed25519KeyPair,
    event: &str,
    who: Who,
) -> Result<Value, BoxError> {
    let mut text = event.to_owned();
    let caller = match who {
        Who::Visitor => None,
        Who::Account(roles) => Some(new_account(app, keys, roles).await?),
        Who::Blocked => {
            let account = new_account(app, keys, &[]).await?;
            let caller = Caller {
                account_id: account.id.clone(),
                session_id: account.session_id.clone(),
                generation: 0,
                required_role: None,
            };
            app.store.block_own_account(&caller, app.now()).await??;
            Some(account)
        }
    };
    if text.contains("REPLACE_WITH_NEW_EMAIL") {
        text = text.replace("REPLACE_WITH_NEW_EMAIL", &unique_email());
    }
    if text.contains("REPLACE_WITH_ACCOUNT_ID") {
        let other = new_account(app, keys, &[]).await?;
        text = text.replace("REPLACE_WITH_ACCOUNT_ID", other.id.as_str());
    }
    // Placeholders about the caller; a visitor's become the world's plain user's (a
    // public route such as login needs someone's e-mail).
    let needs_someone = ["EMAIL", "REFRESH_TOKEN", "CALLER_ID", "CHECKOUT_SESSION_ID"]
        .iter()
        .any(|p| text.contains(&format!("REPLACE_WITH_{p}")));
    let fallback = match (&caller, needs_someone) {
        (None, true) => Some(new_account(app, keys, &[]).await?),
        _ => None,
    };
    let someone = caller.as_ref().or(fallback.as_ref());
    if let Some(account) = someone {
        text = text
            .replace("REPLACE_WITH_EMAIL", &account.email)
            .replace("REPLACE_WITH_CALLER_ID", account.id.as_str());
        if text.contains("REPLACE_WITH_REFRESH_TOKEN") {
            let refresh = refresh_token(app, &account.id, &account.session_id).await?;
            text = text.replace("REPLACE_WITH_REFRESH_TOKEN", &refresh);
        }
        if text.contains("REPLACE_WITH_CHECKOUT_SESSION_ID") {
            let session = pending_purchase(app, &account.id).await?;
            text = text.replace("REPLACE_WITH_CHECKOUT_SESSION_ID", &session);
        }
    }
    let mut event: Value = serde_json::from_str(&text)?;
    let headers = event["headers"]
        .as_object_mut()
        .ok_or("the event has no headers")?;
    match &caller {
        Some(account) => {
            headers.insert(
                "authorization".into(),
                Value::from(format!("Bearer {}", account.access_token)),
            );
        }
        None => {
            headers.remove("authorization");
        }
    }
    if headers
        .get("stripe-signature")
        .and_then(Value::as_str)
        .is_some_and(|v| v.contains("REPLACE_WITH_SIGNATURE"))
    {
        let secret = app
            .settings
            .payments
            .stripe_webhook_secret
            .as_deref()
            .ok_or("no webhook secret is configured")?;
        let body = event["body"].as_str().unwrap_or_default().to_owned();
        let signature = sign_payload(body.as_bytes(), secret, app.now().unix_timestamp());
        event["headers"]["stripe-signature"] = Value::from(signature);
    }
    Ok(event)
}

/// The event file of `spec`'s function, as text.
pub fn event_file(spec: &FunctionSpec) -> Result<String, BoxError> {
    let path = format!(
        "{}/../events/{}.json",
        env!("CARGO_MANIFEST_DIR"),
        spec.name
    );
    std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}").into())
}

/// A new active account with `roles` (and `user`), an access token of a new session,
/// and the example password. Written straight to the store: no password hashing per
/// account (they share one hash), so examples are cheap.
pub async fn new_account(
    app: &App,
    keys: &Ed25519KeyPair,
    roles: &[Role],
) -> Result<ExampleAccount, BoxError> {
    let now = app.now();
    let id = AccountId::new();
    let email = unique_email();
    let mut all_roles = vec![Role::User];
    all_roles.extend_from_slice(roles);
    let account = Account {
        id: id.clone(),
        email: email.clone(),
        password_hash: shared_password_hash().to_owned(),
        display_name: "Ada".into(),
        full_name: None,
        gender: None,
        date_of_birth: "1990-12-10".into(),
        country: "GB".into(),
        city: None,
        native_languages: vec!["en-GB".into()],
        learning_languages: vec!["de".into()],
        guardian: None,
        consents: Consents::default(),
        accepted_terms_version: app.settings.terms_version.clone(),
        terms_accepted_at: rfc3339::format(now),
        roles: all_roles.clone(),
        status: AccountStatus::Active,
        blocked_until: None,
        balance_credits: 0,
        ledger_head: None,
        token_generation: 0,
        ended_sessions: Default::default(),
        failed_logins: 0,
        login_locked_until: None,
        created_at: rfc3339::format(now),
        updated_at: rfc3339::format(now),
    };
    app.store
        .create_account(&account)
        .await
        .map_err(|e| format!("creating an example account: {e}"))?;
    // Every example account has bought the starter tariff: paid routes can be paid
    // for, and its ledger is not empty.
    let purchase = pending_purchase(app, &id).await?;
    let payment = CheckoutPayment {
        checkout_session_id: purchase,
        account_id: id.clone(),
        credits: 100,
        amount_minor: 990,
        currency: "EUR".into(),
    };
    app.store.credit_checkout(&payment, now).await?;
    let session_id = SessionId::new();
    let signer = TokenSigner::new(
        &keys.private_pkcs8_base64,
        &app.settings.jwt_issuer,
        &app.settings.jwt_audience,
        app.settings.access_token_seconds,
    )?;
    let access_token = signer.issue(
        &AuthUser {
            account_id: id.clone(),
            roles: all_roles,
            token_generation: 0,
            session_id: session_id.clone(),
        },
        now,
    );
    Ok(ExampleAccount {
        id,
        email,
        access_token,
        session_id,
    })
}

/// A refresh token of the session `session_id` (its family is written now).
async fn refresh_token(
    app: &App,
    account_id: &AccountId,
    session_id: &SessionId,
) -> Result<String, BoxError> {
    let now = app.now();
    let account = app
        .store
        .get_account(account_id)
        .await?
        .ok_or("the example account is gone")?;
    let expires = (now + Duration::days(app.settings.refresh_token_days)).unix_timestamp();
    let family = SessionFamily {
        account_id: account_id.clone(),
        family_id: session_id.clone(),
        token_generation: account.token_generation,
        created_at: rfc3339::format(now),
        last_used_at: rfc3339::format(now),
        revoked_at: None,
        expires_at_epoch: expires,
    };
    let token = RefreshToken::generate();
    let record = RefreshRecord {
        account_id: account_id.clone(),
        family_id: session_id.clone(),
        token_generation: account.token_generation,
        created_at: rfc3339::format(now),
        used_at: None,
        expires_at_epoch: expires,
    };
    app.store
        .start_session(&account, &family, &token.digest_hex(), &record, now)
        .await?;
    Ok(token.expose().to_owned())
}

/// A pending purchase of the starter tariff (100 credits, 9.90 EUR), as checkout
/// records it; returns its Checkout Session id.
async fn pending_purchase(app: &App, account_id: &AccountId) -> Result<String, BoxError> {
    let now = app.now();
    let session = format!("cs_example_{}", ulid::Ulid::new());
    app.store
        .record_checkout(&Purchase {
            checkout_session_id: session.clone(),
            account_id: account_id.clone(),
            tariff_id: "starter".into(),
            credits: 100,
            price: natives_shared::domain::Money::parse(990, "EUR")?,
            status: PurchaseStatus::Pending,
            created_at: rfc3339::format(now),
            settled_at: None,
        })
        .await?;
    Ok(session)
}

fn unique_email() -> String {
    format!(
        "example-{}@example.com",
        ulid::Ulid::new().to_string().to_lowercase()
    )
}

fn shared_password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(EXAMPLE_PASSWORD))
}

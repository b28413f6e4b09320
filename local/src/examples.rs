//! Runnable example events. `events/<function>.json` is the API Gateway event of a
//! successful call; values that cannot be written down in advance are placeholders,
//! filled here from fresh, real data in the local stack's store:
//!
//! | placeholder | becomes |
//! |---|---|
//! | `REPLACE_WITH_ACCESS_TOKEN` | the caller's access token (for a visitor the `authorization` header goes); in a WebSocket event's query too |
//! | `REPLACE_WITH_REFRESH_TOKEN` | a refresh token of the caller's session |
//! | `REPLACE_WITH_EMAIL` | the caller's e-mail (password [`EXAMPLE_PASSWORD`]) |
//! | `REPLACE_WITH_NEW_EMAIL` | an address no account uses yet |
//! | `REPLACE_WITH_CALLER_ID` | the caller's account id |
//! | `REPLACE_WITH_ACCOUNT_ID` | another account (the one an admin or moderator acts on) |
//! | `REPLACE_WITH_CHECKOUT_SESSION_ID` | a pending purchase of the starter tariff by the caller |
//! | `REPLACE_WITH_SIGNATURE` | a `Stripe-Signature` over the filled body, with the stack's webhook secret |
//! | `REPLACE_WITH_THREAD_ID` | a thread the caller started, in [`EXAMPLE_LANGUAGE`] |
//! | `REPLACE_WITH_THREAD_LANGUAGE` | that thread's language |
//! | `REPLACE_WITH_MESSAGE_ID` | that thread's first message, a text by the caller |
//! | `REPLACE_WITH_VOICE_MESSAGE_ID` | a voice message by the caller, its recording archived |
//! | `REPLACE_WITH_PHOTO_UPLOAD_ID` | a photo (JPEG) the caller uploaded to staging, not yet made their profile photo |
//! | `REPLACE_WITH_VOICE_UPLOAD_ID` | a recording the caller uploaded to staging, not yet posted ([`as_voice_post`] puts it in a text post's place) |
//! | `REPLACE_WITH_OTHERS_MESSAGE_ID` | a text message by another account (one a moderator may act on) |
//! | `REPLACE_WITH_REMOVED_VOICE_MESSAGE_ID` | a voice message by another account, removed by a moderator, its recording archived |
//! | `REPLACE_WITH_OTHERS_THREAD_ID` | a thread another account started (one a moderator may act on) |
//! | `REPLACE_WITH_OTHERS_CORRECTION_ID`, `REPLACE_WITH_OTHERS_CORRECTED_MESSAGE_ID` | a correction by another account, of a third account's message (one a reporter or a moderator acts on) |
//! | `REPLACE_WITH_BLOCKED_ACCOUNT_ID` | another account, blocked by a moderator |
//! | `REPLACE_WITH_TOMORROW` | this time tomorrow (RFC 3339) |
//! | `REPLACE_WITH_TERMS_VERSION` | the terms version the stack is configured with (`TERMS_VERSION`) |
//! | `REPLACE_WITH_PRIVACY_REQUEST_ID` | an access request the caller filed |
//! | `REPLACE_WITH_OUTBOX_EMAIL_ID` | an e-mail (a breach notice) queued to the caller |
//! | `REPLACE_WITH_CONNECTION_ID` | a live connection of the caller, kept as `$connect` keeps it (no socket is open) |
//! | `REPLACE_WITH_VERIFICATION_CODE` | the code registration sent to verify the caller's address |
//! | `REPLACE_WITH_RESET_CODE` | a password-reset code sent to the caller's address |
//! | `REPLACE_WITH_EMAIL_CHANGE_CODE` | a code sent to a new address the caller asked to move to |
//! | `REPLACE_WITH_INVITATION_CODE` | the code of an invitation the caller sent to a new address |
//! | `REPLACE_WITH_MINOR_ACCOUNT_ID`, `REPLACE_WITH_GUARDIAN_CONSENT_TOKEN` | a minor's account whose guardian was asked to consent and has not yet, and the token of the link e-mailed to that guardian |
//!
//! Events of functions that are not routes (the table's stream) have no headers; their
//! placeholders are filled the same way.
//!
//! `natives-local invoke` and `natives-local example-event` fill them; the request
//! budget test and the authorization matrix run every function's event through here,
//! so a new function is covered by adding its event.

use std::sync::OnceLock;

use natives_functions::App;
use natives_functions::spec::{Access, FunctionSpec};
use natives_shared::archive::DeclaredObject;
use natives_shared::auth::{
    AuthUser, Code, Ed25519KeyPair, RefreshToken, TokenSigner, hash_password,
};
use natives_shared::clock::rfc3339;
use natives_shared::domain::CodePurpose;
use natives_shared::domain::decide::accounts::{
    NewAccount, Registration, ask_guardian_consent, register,
};
use natives_shared::domain::decide::corrections::NewCorrection;
use natives_shared::domain::decide::credits::CheckoutPayment;
use natives_shared::domain::decide::email_codes::{FreshCode, verification_for};
use natives_shared::domain::decide::live::open_connection;
use natives_shared::domain::decide::posting::{NewPost, NewThread, PostContent};
use natives_shared::domain::decide::recording::{StagedRecording, verify_recording};
use natives_shared::domain::decide::sessions::login;
use natives_shared::domain::live::ConnectionId;
use natives_shared::domain::social::{DeviceId, Provider};
use natives_shared::domain::{
    AccountId, BirthDate, Consents, ContentRules, CountryCode, DisplayName, Email, EmailKind,
    Guardian, LanguageList, LanguageTag, MAX_VOICE_BYTES, MessageId, MessageText, PersonName,
    PrivacyRequestKind, Purchase, PurchaseStatus, Role, SessionId, SessionScope, ThreadTitle,
    Timestamp, UploadId,
};
use natives_shared::gate::Gate;
use natives_shared::payments::sign_payload;
use natives_shared::store::keys::objects;
use serde_json::Value;
use std::time::{Duration as StdDuration, SystemTime};
use time::Duration;

use crate::BoxError;

/// Every example account's password.
pub const EXAMPLE_PASSWORD: &str = "correct horse battery";

/// The language of example threads.
pub const EXAMPLE_LANGUAGE: &str = "en-GB";

/// An example recording: a spoken sentence in Ogg/Opus (posting probes it).
pub const EXAMPLE_RECORDING: &[u8] = include_bytes!("../../media/fixtures/sentence.ogg");

/// The photo example photo uploads carry (a JPEG with EXIF GPS).
pub const EXAMPLE_PHOTO: &[u8] = include_bytes!("../../media/fixtures/photo-exif-gps.jpg");

/// Who makes the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Visitor,
    /// An account with these roles besides `user`.
    Account(&'static [Role]),
    /// An account whose block ended its sessions (its token is one the block revoked).
    Blocked,
    /// A blocked account logged in to a privacy session (`"scope": "privacy"`): its token
    /// reaches only its privacy rights.
    Privacy,
}

impl Who {
    /// The caller a function's row asks for on its successful path.
    pub fn for_access(access: Access) -> Self {
        match access {
            Access::Role(Role::Admin) => Who::Account(&[Role::Admin]),
            Access::Role(Role::Moderator) => Who::Account(&[Role::Moderator]),
            Access::Role(Role::Mentor) => Who::Account(&[Role::Mentor]),
            Access::Role(Role::Consultant) => Who::Account(&[Role::Consultant]),
            Access::Role(Role::PartnerManager) => Who::Account(&[Role::PartnerManager]),
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
    /// The code registration sent to verify its address.
    pub verification_code: String,
}

/// Fills `event` (the text of `events/<function>.json`) for a call by `who`.
pub async fn fill(
    app: &App,
    keys: &Ed25519KeyPair,
    event: &str,
    who: Who,
) -> Result<Value, BoxError> {
    fill_with(app, keys, event, who, &Staged::default()).await
}

/// What the staged-upload placeholders upload (the bench measures set-photo on a
/// 12-megapixel photo and post-message on a 1 MiB recording this way).
pub struct Staged<'a> {
    /// `REPLACE_WITH_PHOTO_UPLOAD_ID`'s JPEG.
    pub photo: &'a [u8],
    /// `REPLACE_WITH_VOICE_UPLOAD_ID`'s recording and its content type.
    pub recording: (&'a str, &'a [u8]),
}

impl Default for Staged<'_> {
    fn default() -> Self {
        Self {
            photo: EXAMPLE_PHOTO,
            recording: ("audio/ogg", EXAMPLE_RECORDING),
        }
    }
}

/// `event` (an example event's text) with its body's `text` replaced by a staged
/// recording (`REPLACE_WITH_VOICE_UPLOAD_ID`): the same post, as a voice message.
pub fn as_voice_post(event: &str) -> Result<String, BoxError> {
    let mut event: Value = serde_json::from_str(event)?;
    let mut body: Value = serde_json::from_str(event["body"].as_str().unwrap_or("null"))?;
    let fields = body
        .as_object_mut()
        .filter(|fields| fields.contains_key("text"))
        .ok_or("the example event's body has no text to post as a recording")?;
    fields.remove("text");
    fields.insert(
        "voice_upload_id".into(),
        "REPLACE_WITH_VOICE_UPLOAD_ID".into(),
    );
    event["body"] = body.to_string().into();
    Ok(event.to_string())
}

/// [`fill`], staging `staged`'s files for the upload placeholders.
pub async fn fill_with(
    app: &App,
    keys: &Ed25519KeyPair,
    event: &str,
    who: Who,
    staged: &Staged<'_>,
) -> Result<Value, BoxError> {
    let mut text = event.to_owned();
    let caller = match who {
        Who::Visitor => None,
        Who::Account(roles) => Some(new_account(app, keys, roles).await?),
        Who::Blocked => {
            let account = new_account(app, keys, &[]).await?;
            app.store
                .block_own_account(&gate_of(&account), app.now())
                .await?;
            Some(account)
        }
        Who::Privacy => {
            let mut account = new_account(app, keys, &[]).await?;
            app.store
                .block_own_account(&gate_of(&account), app.now())
                .await?;
            account.access_token = privacy_token(app, keys, &account).await?;
            Some(account)
        }
    };
    text = text.replace("REPLACE_WITH_TERMS_VERSION", &app.settings.terms_version);
    // Reading a company needs one: the caller's own, or (for the partner managers' list)
    // another account's.
    if text.contains("\"GET /v1/me/company\"")
        && let Some(account) = caller.as_ref().filter(|_| matches!(who, Who::Account(_)))
    {
        app.store
            .set_company(&gate_of(account), sample_company(app.now()), app.now())
            .await?;
    }
    if text.contains("\"GET /v1/admin/companies\"") {
        let other = new_account(app, keys, &[]).await?;
        app.store
            .set_company(&gate_of(&other), sample_company(app.now()), app.now())
            .await?;
    }
    if text.contains("REPLACE_WITH_NEW_EMAIL") {
        text = text.replace("REPLACE_WITH_NEW_EMAIL", &unique_email());
    }
    if text.contains("REPLACE_WITH_MINOR_ACCOUNT_ID") {
        let (minor, token) = minor_awaiting_guardian(app).await?;
        text = text
            .replace("REPLACE_WITH_MINOR_ACCOUNT_ID", minor.as_str())
            .replace("REPLACE_WITH_GUARDIAN_CONSENT_TOKEN", &token);
    }
    if text.contains("REPLACE_WITH_ACCOUNT_ID") {
        let other = new_account(app, keys, &[]).await?;
        text = text.replace("REPLACE_WITH_ACCOUNT_ID", other.id.as_str());
    }
    if text.contains("REPLACE_WITH_OTHERS_MESSAGE_ID") {
        let other = new_account(app, keys, &[]).await?;
        let message = post(
            app,
            &other,
            PostContent::Text(
                MessageText::parse("Buy cheap credits now!", &ContentRules::default())
                    .expect("sample text passes the content rules"),
            ),
        )
        .await?;
        text = text.replace("REPLACE_WITH_OTHERS_MESSAGE_ID", &message.to_string());
    }
    if text.contains("REPLACE_WITH_REMOVED_VOICE_MESSAGE_ID") {
        let other = new_account(app, keys, &[]).await?;
        let message = voice_message(app, &other).await?;
        let moderator = new_account(app, keys, &[Role::Moderator]).await?;
        app.store
            .act_on(
                &gate_of(&moderator),
                &natives_shared::domain::ComplaintTarget::Message(message.clone()),
                natives_shared::domain::ModerationAction::Remove,
                "Unlawful content.",
                app.now(),
            )
            .await
            .map_err(|failure| format!("the example removal was refused: {failure}"))?;
        text = text.replace(
            "REPLACE_WITH_REMOVED_VOICE_MESSAGE_ID",
            &message.to_string(),
        );
    }
    if text.contains("REPLACE_WITH_OTHERS_THREAD_ID") {
        let other = new_account(app, keys, &[]).await?;
        let message = post(
            app,
            &other,
            PostContent::Text(
                MessageText::parse("Cheap credits, ask me how", &ContentRules::default())
                    .expect("sample text passes the content rules"),
            ),
        )
        .await?;
        text = text.replace("REPLACE_WITH_OTHERS_THREAD_ID", message.thread().as_str());
    }
    if text.contains("REPLACE_WITH_OTHERS_CORRECTION_ID") {
        let other = new_account(app, keys, &[]).await?;
        let (message, correction) = correction_by(app, keys, &other).await?;
        text = text
            .replace(
                "REPLACE_WITH_OTHERS_CORRECTED_MESSAGE_ID",
                &message.to_string(),
            )
            .replace("REPLACE_WITH_OTHERS_CORRECTION_ID", correction.as_str());
    }
    if text.contains("REPLACE_WITH_CORRECTED_MESSAGE_ID") {
        let message = corrected_message(app, keys).await?;
        text = text.replace("REPLACE_WITH_CORRECTED_MESSAGE_ID", &message.to_string());
    }
    if text.contains("REPLACE_WITH_BLOCKED_ACCOUNT_ID") {
        let other = new_account(app, keys, &[]).await?;
        app.store
            .block_own_account(&gate_of(&other), app.now())
            .await?;
        text = text.replace("REPLACE_WITH_BLOCKED_ACCOUNT_ID", other.id.as_str());
    }
    if text.contains("REPLACE_WITH_SOCIAL_STATE") {
        let (state, code, _) = social_callback(app, Provider::Google, &unique_email()).await?;
        text = text
            .replace("REPLACE_WITH_SOCIAL_STATE", &state)
            .replace("REPLACE_WITH_SOCIAL_CODE", &code);
    }
    // (A blocked caller links nothing: the route refuses it before the identity matters.)
    if text.contains("REPLACE_WITH_LINKED_PROVIDER")
        && let Some(account) = caller.as_ref().filter(|_| matches!(who, Who::Account(_)))
    {
        let (state, code, device_id) = social_callback(app, Provider::Vk, &unique_email()).await?;
        let config = app.provider(Provider::Vk).map_err(|e| format!("{e:?}"))?;
        let taken = app
            .store
            .take_social_authorization(&state)
            .await?
            .ok_or("the example's state is gone")?;
        let profile = app
            .social()
            .profile(&config, &taken, &code, device_id.as_ref(), app.now())
            .await?;
        let stored = app
            .store
            .get_account(&account.id)
            .await?
            .ok_or("the example account is gone")?;
        app.store
            .link_social_identity(
                &gate_of(account),
                &stored.password_hash,
                &profile,
                app.now(),
            )
            .await
            .map_err(|failure| format!("no example identity: {failure:?}"))?;
        text = text.replace("REPLACE_WITH_LINKED_PROVIDER", Provider::Vk.as_str());
    }
    text = text.replace("REPLACE_WITH_LINKED_PROVIDER", Provider::Vk.as_str());
    if text.contains("REPLACE_WITH_TOMORROW") {
        let tomorrow = rfc3339::format(app.now() + Duration::days(1));
        text = text.replace("REPLACE_WITH_TOMORROW", &tomorrow);
    }
    // Placeholders about the caller. A visitor's, and a blocked account's (which can
    // post nothing), become another account's: a public route such as login needs
    // someone's e-mail, a read needs someone's message.
    let needs_someone = [
        "EMAIL",
        "REFRESH_TOKEN",
        "CALLER_ID",
        "CHECKOUT_SESSION_ID",
        "THREAD",
        "MESSAGE_ID",
        "VOICE_MESSAGE_ID",
        "PHOTO_UPLOAD_ID",
        "VOICE_UPLOAD_ID",
        "PRIVACY_REQUEST_ID",
        "OUTBOX_EMAIL_ID",
        "VERIFICATION_CODE",
        "RESET_CODE",
        "EMAIL_CHANGE_CODE",
        "OWN_CORRECTION_ID",
        "INVITATION_CODE",
    ]
    .iter()
    .any(|p| text.contains(&format!("REPLACE_WITH_{p}")));
    let caller_acts = matches!(who, Who::Account(_));
    let fallback = match (caller_acts, needs_someone) {
        (false, true) => Some(new_account(app, keys, &[]).await?),
        _ => None,
    };
    let someone = caller
        .as_ref()
        .filter(|_| caller_acts)
        .or(fallback.as_ref());
    if let Some(account) = someone {
        text = text.replace("REPLACE_WITH_VERIFICATION_CODE", &account.verification_code);
        if text.contains("REPLACE_WITH_RESET_CODE") {
            let code = Code::generate();
            app.store
                .request_password_reset(
                    &Email::parse(&account.email)?,
                    app.code_key()?,
                    &code,
                    app.now(),
                )
                .await?;
            text = text.replace("REPLACE_WITH_RESET_CODE", code.expose());
        }
        if text.contains("REPLACE_WITH_INVITATION_CODE") {
            let code = invitation_sent(app, account).await?;
            text = text.replace("REPLACE_WITH_INVITATION_CODE", &code);
        }
        if text.contains("REPLACE_WITH_EMAIL_CHANGE_CODE") {
            let code = Code::generate();
            let stored = app
                .store
                .get_account(&account.id)
                .await?
                .ok_or("the example account is gone")?;
            app.store
                .request_email_change(
                    &gate_of(account),
                    &stored,
                    &Email::parse(&unique_email())?,
                    app.code_key()?,
                    &code,
                    app.now(),
                )
                .await
                .map_err(|failure| format!("no example address change: {failure:?}"))?;
            text = text.replace("REPLACE_WITH_EMAIL_CHANGE_CODE", code.expose());
        }
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
        // (`REPLACE_WITH_MESSAGE_ID` is not part of `REPLACE_WITH_VOICE_MESSAGE_ID`.)
        if text.contains("REPLACE_WITH_THREAD_ID")
            || text.contains("REPLACE_WITH_THREAD_LANGUAGE")
            || text.contains("REPLACE_WITH_MESSAGE_ID")
        {
            let message = post(
                app,
                account,
                PostContent::Text(
                    MessageText::parse("Hello! How do you say this?", &ContentRules::default())
                        .expect("sample text passes the content rules"),
                ),
            )
            .await?;
            text = text
                .replace("REPLACE_WITH_THREAD_ID", message.thread().as_str())
                .replace("REPLACE_WITH_THREAD_LANGUAGE", EXAMPLE_LANGUAGE)
                .replace("REPLACE_WITH_MESSAGE_ID", &message.to_string())
                .replace("REPLACE_WITH_MESSAGE_LOCAL_ID", message.local());
        }
        if text.contains("REPLACE_WITH_OWN_CORRECTION_ID") {
            let (message, correction) = correction_by(app, keys, account).await?;
            text = text
                .replace(
                    "REPLACE_WITH_OWN_CORRECTED_MESSAGE_ID",
                    &message.to_string(),
                )
                .replace("REPLACE_WITH_OWN_CORRECTION_ID", correction.as_str());
        }
        if text.contains("REPLACE_WITH_VOICE_MESSAGE_ID") {
            let message = voice_message(app, account).await?;
            text = text.replace("REPLACE_WITH_VOICE_MESSAGE_ID", &message.to_string());
        }
        if text.contains("REPLACE_WITH_PHOTO_UPLOAD_ID") {
            let upload = staged_upload(app, account, "image/jpeg", staged.photo).await?;
            text = text.replace("REPLACE_WITH_PHOTO_UPLOAD_ID", upload.as_str());
        }
        if text.contains("REPLACE_WITH_VOICE_UPLOAD_ID") {
            let (content_type, bytes) = staged.recording;
            let upload = staged_upload(app, account, content_type, bytes).await?;
            text = text.replace("REPLACE_WITH_VOICE_UPLOAD_ID", upload.as_str());
        }
        if text.contains("REPLACE_WITH_PRIVACY_REQUEST_ID") {
            let request = app
                .store
                .file_privacy_request(
                    &gate_of(account),
                    PrivacyRequestKind::Access,
                    None,
                    app.now(),
                )
                .await?;
            text = text.replace("REPLACE_WITH_PRIVACY_REQUEST_ID", &request.id.to_string());
        }
        if text.contains("REPLACE_WITH_OUTBOX_EMAIL_ID") {
            let stored = app
                .store
                .get_account(&account.id)
                .await?
                .ok_or("the example account is gone")?;
            let email = app
                .store
                .queue_email(
                    &stored,
                    EmailKind::BreachNotice,
                    "Example notice",
                    "What happened, and what we did about it.",
                    app.now(),
                )
                .await
                .map_err(|failure| format!("an example e-mail was not queued: {failure}"))?;
            text = text.replace("REPLACE_WITH_OUTBOX_EMAIL_ID", &email.id);
        }
    }
    if text.contains("REPLACE_WITH_CONNECTION_ID") {
        let id = ConnectionId::parse(&ulid::Ulid::new().to_string())?;
        let gate = caller.as_ref().map(gate_of);
        let connection = open_connection(
            id.clone(),
            gate.as_ref().map(|g| g.account_id.clone()),
            app.now(),
        );
        app.store
            .open_live_connection(gate.as_ref(), &connection, app.now())
            .await
            .map_err(|failure| format!("an example connection was not kept: {failure}"))?;
        text = text.replace("REPLACE_WITH_CONNECTION_ID", id.as_str());
    }
    if let Some(account) = &caller {
        text = text.replace("REPLACE_WITH_ACCESS_TOKEN", &account.access_token);
    }
    let mut event: Value = serde_json::from_str(&text)?;
    if event["requestContext"]["connectionId"].is_string() {
        // A WebSocket event: its token, if any, is in the query (filled above).
        return Ok(event);
    }
    let Some(headers) = event["headers"].as_object_mut() else {
        // Not an HTTP event: nothing to sign or authorise.
        return Ok(event);
    };
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
    let email = unique_email();
    let new = sample_registration(app, &email, "Ada", "1990-12-10", None)?;
    let mut registration = register(new, shared_password_hash().to_owned(), now);
    // Staff roles straight away: examples stand for accounts an admin appointed.
    registration.account.roles.extend_from_slice(roles);
    let id = registration.account.id.clone();
    let code = store_registration(app, &registration).await?;
    // Every example account has bought the starter tariff: paid routes can be paid
    // for, and its ledger is not empty.
    let purchase = pending_purchase(app, &id).await?;
    let payment = CheckoutPayment {
        checkout_session_id: purchase,
        account_id: id.clone(),
        credits: 100,
        amount_minor: 990,
        amount_discount: 0,
        currency: "EUR".into(),
        local_promotion_code: None,
    };
    app.store.credit_checkout(&payment, None, now).await?;
    let session_id = SessionId::new();
    let access_token = signer(app, keys)?.issue(
        &AuthUser {
            account_id: id.clone(),
            roles: registration.account.roles,
            token_generation: 0,
            session_id: session_id.clone(),
            display_name: Some("Ada".into()),
            scope: SessionScope::Full,
        },
        now,
    );
    Ok(ExampleAccount {
        id,
        email,
        access_token,
        session_id,
        verification_code: code.expose().to_owned(),
    })
}

/// The signer of the stack's access tokens.
fn signer(app: &App, keys: &Ed25519KeyPair) -> Result<TokenSigner, BoxError> {
    Ok(TokenSigner::new(
        &keys.private_pkcs8_base64,
        &app.settings.jwt_issuer,
        &app.settings.jwt_audience,
        app.settings.access_token_seconds,
    )?)
}

/// An access token of a new privacy session of `account` (as a privacy login issues:
/// the account's current generation, whatever its standing).
async fn privacy_token(
    app: &App,
    keys: &Ed25519KeyPair,
    account: &ExampleAccount,
) -> Result<String, BoxError> {
    let stored = app
        .store
        .get_account(&account.id)
        .await?
        .ok_or("the example account is gone")?;
    Ok(signer(app, keys)?.issue(
        &AuthUser {
            account_id: account.id.clone(),
            roles: stored.roles,
            token_generation: stored.token_generation,
            session_id: SessionId::new(),
            display_name: Some("Ada".into()),
            scope: SessionScope::Privacy,
        },
        app.now(),
    ))
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
    let lifetime = Duration::days(app.settings.refresh_token_days);
    let mut plan = login(&account, SessionScope::Full, lifetime, now)
        .map_err(|refusal| format!("the example account cannot log in: {refusal:?}"))?;
    // The session its access token names.
    plan.family.family_id = session_id.clone();
    plan.token.family_id = session_id.clone();
    let token = RefreshToken::generate();
    app.store
        .start_session(&plan, &token.digest_hex(), now)
        .await?;
    Ok(token.expose().to_owned())
}

/// A pending purchase of the starter tariff (100 credits, 9.90 EUR), as checkout
/// records it; returns its Checkout Session id.
async fn pending_purchase(app: &App, account_id: &AccountId) -> Result<String, BoxError> {
    let now = app.now();
    let session = format!("cs_example_{}", ulid::Ulid::new());
    app.store
        .record_checkout(
            &Purchase {
                checkout_session_id: session.clone(),
                account_id: account_id.clone(),
                tariff_id: natives_shared::domain::TariffId::parse("starter")?,
                credits: 100,
                price: natives_shared::domain::Money::parse(990, "EUR")?,
                status: PurchaseStatus::Pending,
                created_at: Timestamp::at(now),
                settled_at: None,
                purchase_id: None,
                promotion: None,
                amount_total: None,
                amount_discount: None,
            },
            None,
            now,
        )
        .await?;
    Ok(session)
}

fn gate_of(account: &ExampleAccount) -> Gate {
    Gate {
        account_id: account.id.clone(),
        session_id: account.session_id.clone(),
        generation: 0,
        required_role: None,
        required_terms: None,
        scope: SessionScope::Full,
    }
}

/// A thread by `account` in [`EXAMPLE_LANGUAGE`] whose first message says `content`.
async fn post(
    app: &App,
    account: &ExampleAccount,
    content: PostContent,
) -> Result<MessageId, BoxError> {
    let new = NewThread {
        language: LanguageTag::parse(EXAMPLE_LANGUAGE)?,
        title: ThreadTitle::parse("How do you say this?", &ContentRules::default())
            .expect("sample text passes the content rules"),
    };
    let post = NewPost {
        content,
        reply_to: None,
    };
    let shards = app
        .settings
        .conversations
        .thread_list_shards(EXAMPLE_LANGUAGE);
    let plan = app
        .store
        .start_thread(&gate_of(account), &new, &post, 0, shards, None, app.now())
        .await
        .map_err(|failure| format!("an example post was refused: {failure}"))?;
    Ok(plan.message.id)
}

/// Someone's message that a third account corrected.
async fn corrected_message(app: &App, keys: &Ed25519KeyPair) -> Result<MessageId, BoxError> {
    let corrector = new_account(app, keys, &[]).await?;
    Ok(correction_by(app, keys, &corrector).await?.0)
}

/// A correction `account` made of another account's message.
async fn correction_by(
    app: &App,
    keys: &Ed25519KeyPair,
    account: &ExampleAccount,
) -> Result<(MessageId, natives_shared::domain::CorrectionId), BoxError> {
    let rules = ContentRules::default();
    let author = new_account(app, keys, &[]).await?;
    let message = post(
        app,
        &author,
        PostContent::Text(MessageText::parse("I have went home.", &rules).expect("sample text")),
    )
    .await?;
    let correction = NewCorrection {
        message_id: message.clone(),
        revision: 0,
        corrected_text: MessageText::parse("I went home.", &rules).expect("sample text"),
        note: None,
    };
    let plan = app
        .store
        .correct_message(&gate_of(account), &correction, 0, None, app.now())
        .await
        .map_err(|failure| format!("an example correction was refused: {failure}"))?;
    Ok((message, plan.correction.id))
}

/// A voice message by `account`: the recording uploaded to staging with a presigned
/// PUT, posted, and archived, as the routes do it.
async fn voice_message(app: &App, account: &ExampleAccount) -> Result<MessageId, BoxError> {
    let archive = app.archive().map_err(|e| format!("{e}"))?;
    let upload_id = staged_upload(app, account, "audio/ogg", EXAMPLE_RECORDING).await?;
    let staged = archive
        .staged_bytes(&account.id, &upload_id, MAX_VOICE_BYTES)
        .await?
        .ok_or("the example recording is not staged")?;
    let content = verify_recording(
        upload_id.clone(),
        StagedRecording {
            content_type: staged.object.content_type.as_deref(),
            size_bytes: staged.object.size_bytes,
            sha256: staged.object.sha256.as_deref(),
            etag: &staged.etag,
            bytes: staged.bytes.as_deref(),
        },
    )
    .map_err(|refusal| format!("the example recording was refused: {refusal:?}"))?;
    let message_id = post(app, account, content).await?;
    archive
        .archive(
            &account.id,
            &upload_id,
            &objects::archived_voice(&message_id),
            &staged.etag,
        )
        .await?;
    Ok(message_id)
}

/// `bytes` uploaded by `account` to staging with a presigned PUT, as a client does.
async fn staged_upload(
    app: &App,
    account: &ExampleAccount,
    content_type: &str,
    bytes: &[u8],
) -> Result<UploadId, BoxError> {
    use base64::Engine;
    let archive = app.archive().map_err(|e| format!("{e}"))?;
    let upload_id = UploadId::new();
    let sha256 = base64::engine::general_purpose::STANDARD
        .encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref());
    let declared = DeclaredObject {
        content_type,
        size_bytes: bytes.len() as i64,
        sha256: &sha256,
    };
    let upload = archive
        .presign_upload(
            &account.id,
            &upload_id,
            &declared,
            SystemTime::from(app.now()),
            StdDuration::from_secs(60),
        )
        .await?;
    let mut request = reqwest::Client::new().put(&upload.url);
    for (name, value) in &upload.headers {
        request = request.header(name, value);
    }
    let response = request.body(bytes.to_vec()).send().await?;
    if !response.status().is_success() {
        return Err(format!("uploading an example {content_type}: {}", response.status()).into());
    }
    Ok(upload_id)
}

/// An invitation `account` sent to a new address: the code its e-mail carries.
async fn invitation_sent(app: &App, account: &ExampleAccount) -> Result<String, BoxError> {
    let friend = Email::parse(&unique_email())?;
    let id = natives_shared::domain::InvitationId::new();
    let code = natives_shared::auth::InvitationCode::generate(&account.id, &id);
    let fresh = natives_shared::domain::decide::invitations::FreshInvitation {
        id,
        code: code.expose(),
        code_digest: code.digest_hex(),
        address_digest: app.code_key()?.address_digest(&friend),
    };
    app.store
        .invite(
            &gate_of(account),
            &friend,
            &fresh,
            &app.settings.invitations,
            app.now(),
        )
        .await
        .map_err(|failure| format!("no example invitation: {failure:?}"))?;
    Ok(code.expose())
}

/// A minor's account (fifteen) whose guardian was e-mailed a consent link and has not
/// followed it, and that link's token.
async fn minor_awaiting_guardian(app: &App) -> Result<(AccountId, String), BoxError> {
    let now = app.now();
    let today = now.date();
    let born = today.replace_year(today.year() - 15)?;
    let guardian = Guardian {
        name: PersonName::parse("Pat")?,
        email: Email::parse(&unique_email())?,
        consent: true,
        consent_requested_at: None,
        confirmed_at: None,
    };
    let new = sample_registration(
        app,
        &unique_email(),
        "Kim",
        &born.to_string(),
        Some(guardian),
    )?;
    let mut registration = register(new, shared_password_hash().to_owned(), now);
    let key = app.code_key()?;
    let mut token = String::new();
    ask_guardian_consent(
        &mut registration,
        |account, guardian| {
            token = key.guardian_consent_token(account, guardian);
            token.clone()
        },
        &app.settings.invitations.web_origin,
        now,
    );
    store_registration(app, &registration).await?;
    Ok((registration.account.id, token))
}

/// An example registration in Britain, speaking English and learning German.
/// A valid registration of `email` (what the examples and the tests register).
pub fn sample_registration(
    app: &App,
    email: &str,
    display_name: &str,
    born: &str,
    guardian: Option<Guardian>,
) -> Result<NewAccount, BoxError> {
    Ok(NewAccount {
        email: Email::parse(email)?,
        display_name: DisplayName::parse(display_name, &ContentRules::default())
            .expect("sample text passes the content rules"),
        full_name: None,
        gender: None,
        date_of_birth: BirthDate::parse(born, app.now().date())?,
        country: CountryCode::parse("GB")?,
        city: None,
        native_languages: LanguageList::parse(&["en-GB".to_owned()], 1)?,
        learning_languages: LanguageList::parse(&["de".to_owned()], 0)?,
        guardian,
        consents: Consents::default(),
        accepted_terms_version: app.settings.terms_version.clone(),
    })
}

/// Writes `registration` as registering does, with its verification code (returned).
pub async fn store_registration(app: &App, registration: &Registration) -> Result<Code, BoxError> {
    let now = app.now();
    let code = Code::generate();
    let fresh = FreshCode {
        digits: code.expose(),
        digest: app.code_key()?.digest(
            &registration.account.id,
            CodePurpose::EmailVerification,
            &code,
        ),
    };
    let verification = verification_for(&registration.account, None, &fresh, now)
        .map_err(|refusal| format!("no example verification code: {refusal:?}"))?;
    app.store
        .create_account(registration, &verification)
        .await
        .map_err(|e| format!("creating an example account: {e}"))?;
    Ok(code)
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

/// A finished provider redirect of the local stand-in for `provider` (the person
/// `email`, verified): the state kept for it, the code it sent back and the device id
/// VK ID's redirect carries.
pub async fn social_callback(
    app: &App,
    provider: Provider,
    email: &str,
) -> Result<(String, String, Option<DeviceId>), BoxError> {
    let config = app.provider(provider).map_err(|e| format!("{e:?}"))?;
    let local = app
        .settings
        .social
        .local_idp
        .clone()
        .ok_or("no local providers")?;
    let redirect_uri = "http://127.0.0.1:3000/auth/callback";
    let authorization = app.social().authorize(&config, redirect_uri)?;
    let state = natives_shared::domain::decide::social::authorization(
        provider,
        redirect_uri.to_owned(),
        authorization.state.clone(),
        authorization.pkce_verifier,
        authorization.nonce,
        app.now(),
    );
    app.store.put_social_authorization(&state).await?;
    let url = reqwest::Url::parse(&authorization.url)?;
    let query: std::collections::BTreeMap<String, String> =
        url.query_pairs().into_owned().collect();
    let code = crate::local_idp::issue_code(
        &local,
        provider,
        &query,
        email,
        "Example Person",
        true,
        app.now().unix_timestamp(),
    )?;
    let device_id = crate::local_idp::device_id_of(&local, &code)
        .map(|id| DeviceId::parse(&id))
        .transpose()?;
    Ok((authorization.state, code, device_id))
}

/// A company with every field given, as a corporate client sets it.
pub fn sample_company(now: time::OffsetDateTime) -> natives_shared::domain::Company {
    use natives_shared::domain::company::{
        Address, AddressLine, LegalName, PhoneNumber, Position, PostalCode, RegisteredOn,
        RegistrationNumber, Representative,
    };
    use natives_shared::domain::{City, Company, CountryCode, PersonName, TaxId, TaxIdKind};
    let address = Address {
        line1: AddressLine::parse("Unter den Linden 1").expect("a sample"),
        line2: None,
        city: City::parse("Berlin").expect("a sample"),
        postal_code: PostalCode::parse("10117").expect("a sample"),
        country: CountryCode::parse("DE").expect("a sample"),
    };
    Company {
        legal_name: LegalName::parse("Sprachschule Berlin GmbH").expect("a sample"),
        registration_number: RegistrationNumber::parse("HRB 12345").expect("a sample"),
        registered_on: RegisteredOn::parse("2001-02-03", now.date()).expect("a sample"),
        legal_address: address.clone(),
        postal_address: address,
        tax_id: Some(TaxId::parse(TaxIdKind::EuVat, "DE123456789").expect("a sample")),
        contact_phone: Some(PhoneNumber::parse("+49 30 1234567").expect("a sample")),
        representative: Some(Representative {
            name: PersonName::parse("Ada Lovelace").expect("a sample"),
            position: Position::parse("Director").expect("a sample"),
        }),
        updated_at: natives_shared::domain::Timestamp::at(now),
    }
}

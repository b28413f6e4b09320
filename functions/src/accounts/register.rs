//! `POST /v1/accounts`: register a new account.

use lambda_http::{Body, Request, Response};
use natives_shared::auth::{Code, InvitationCode, hash_password};
use natives_shared::domain::CodePurpose;
use natives_shared::domain::decide::accounts::{
    NewAccount, RegisterRefusal, ask_guardian_consent, may_register, register,
};
use natives_shared::domain::decide::email_codes::{FreshCode, verification_for};
use natives_shared::domain::decide::invitations::{join, joinable};
use natives_shared::domain::decide::social::{registered_identity, registration_email};
use natives_shared::domain::social::ProviderProfile;
use natives_shared::domain::{
    Account, BirthDate, City, Consents, ContentRules, CountryCode, DisplayName, Email, FullName,
    Gender, Guardian, Invalid, LanguageList, Password, PersonName, Validator,
};
use natives_shared::http::{ApiError, json, json_body, not_null};
use serde::Deserialize;
use time::Date;

use crate::views::AccountView;
use crate::{App, HandlerResult, Visitor};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterRequest {
    /// With a registration token, optional: the provider's address by default.
    #[serde(default, deserialize_with = "not_null")]
    email: Option<String>,
    /// Or `registration_token`: exactly one of the two.
    #[serde(default, deserialize_with = "not_null")]
    password: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    registration_token: Option<String>,
    display_name: String,
    date_of_birth: String,
    country: String,
    native_languages: Vec<String>,
    learning_languages: Vec<String>,
    accepted_terms_version: String,
    #[serde(default, deserialize_with = "not_null")]
    full_name: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    gender: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    city: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    guardian: Option<GuardianRequest>,
    #[serde(default, deserialize_with = "not_null")]
    consents: Option<ConsentsRequest>,
    /// The code of the invitation the new account joins (from the e-mail's link).
    #[serde(default, deserialize_with = "not_null")]
    invitation_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardianRequest {
    name: String,
    email: String,
    consent: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentsRequest {
    marketing_emails: bool,
    notification_emails: bool,
}

/// How the new account will sign in.
enum Credential {
    Password(Password),
    /// The provider identity a registration token carried (verified).
    Provider(ProviderProfile),
}

/// The request's every field parsed, the credential (`provider`: the profile of the
/// registration token, verified, if one was sent) and the invitation code, if any.
fn parse(
    request: RegisterRequest,
    provider: Option<ProviderProfile>,
    today: Date,
    rules: &ContentRules,
) -> Result<(NewAccount, Credential, Option<InvitationCode>), Invalid> {
    let mut v = Validator::new();
    let invitation_code = v.check_optional(
        "invitation_code",
        request.invitation_code.as_deref().map(|raw| {
            InvitationCode::parse(raw).ok_or_else(|| "is not an invitation code".to_owned())
        }),
    );
    let email = match (&request.email, &provider) {
        (Some(email), _) => v.check("email", Email::parse(email)),
        (None, Some(profile)) => match registration_email(None, profile) {
            Some(email) => Some(email),
            None => {
                v.fail(
                    "email",
                    "is required: the provider shared no e-mail address",
                );
                None
            }
        },
        (None, None) => {
            v.fail("email", "is required");
            None
        }
    };
    let credential = match (request.password, provider) {
        (Some(_), Some(_)) => {
            v.fail("password", "must not be sent with a registration_token");
            None
        }
        (Some(password), None) => v
            .check("password", Password::parse(password))
            .map(Credential::Password),
        (None, Some(profile)) => Some(Credential::Provider(profile)),
        (None, None) => {
            v.fail("password", "is required (or a registration_token)");
            None
        }
    };
    if let (Some(email), Some(Credential::Password(password))) = (&email, &credential)
        && password
            .expose()
            .trim()
            .eq_ignore_ascii_case(email.as_ref())
    {
        v.fail("password", "must not be the e-mail address");
    }
    let display_name = v.check_published(
        "display_name",
        DisplayName::parse(&request.display_name, rules),
    );
    let full_name = v.check_optional(
        "full_name",
        request.full_name.as_deref().map(FullName::parse),
    );
    let gender = v.check_optional("gender", request.gender.as_deref().map(Gender::parse));
    let city = v.check_optional("city", request.city.as_deref().map(City::parse));
    let date_of_birth = v.check(
        "date_of_birth",
        BirthDate::parse(&request.date_of_birth, today),
    );
    let country = v.check("country", CountryCode::parse(&request.country));
    let native_languages = v.check(
        "native_languages",
        LanguageList::parse(&request.native_languages, 1),
    );
    let learning_languages = v.check(
        "learning_languages",
        LanguageList::parse(&request.learning_languages, 0),
    );
    let guardian = request.guardian.map(|g| {
        let name = v.check("guardian.name", PersonName::parse(&g.name));
        let email = v.check("guardian.email", Email::parse(&g.email));
        (name, email, g.consent)
    });
    if request.accepted_terms_version.chars().count() > 32 {
        v.fail("accepted_terms_version", "must be at most 32 characters");
    }
    v.finish(|| {
        (
            NewAccount {
                email: email.expect("checked"),
                display_name: display_name.expect("checked"),
                full_name: full_name.expect("checked"),
                gender: gender.expect("checked"),
                date_of_birth: date_of_birth.expect("checked"),
                country: country.expect("checked"),
                city: city.expect("checked"),
                native_languages: native_languages.expect("checked"),
                learning_languages: learning_languages.expect("checked"),
                guardian: guardian.map(|(name, email, consent)| Guardian {
                    name: name.expect("checked"),
                    email: email.expect("checked"),
                    consent,
                    consent_requested_at: None,
                    confirmed_at: None,
                }),
                consents: request
                    .consents
                    .map_or_else(Consents::default, |c| Consents {
                        marketing_emails: c.marketing_emails,
                        notification_emails: c.notification_emails,
                    }),
                accepted_terms_version: request.accepted_terms_version,
            },
            credential.expect("checked"),
            invitation_code.expect("checked"),
        )
    })
}

pub async fn handle(app: &App, request: Request, _: Visitor) -> HandlerResult {
    let body: RegisterRequest = json_body(&request)?;
    let now = app.now();
    let provider = match &body.registration_token {
        Some(token) => Some(
            app.registration_tokens()?
                .verify(token, now)
                .ok_or(RegisterRefusal::InvalidRegistrationToken)?,
        ),
        None => None,
    };
    let (new, credential, invitation_code) = parse(
        body,
        provider,
        now.date(),
        &app.settings.conversations.content_rules,
    )?;
    // Refused before any hashing work is spent.
    may_register(&new, &app.settings.terms_version, now).map_err(ApiError::from)?;
    let invitation = match &invitation_code {
        None => None,
        Some(code) => {
            let stored = app
                .store
                .invitation(&code.inviter_id, &code.invitation_id)
                .await?;
            Some(
                joinable(stored.as_ref(), &code.digest_hex(), now)
                    .cloned()
                    .ok_or(RegisterRefusal::InvalidInvitationCode)?,
            )
        }
    };
    let (password_hash, profile) = match credential {
        Credential::Password(password) => {
            let password = password.expose().to_owned();
            let hash = tokio::task::spawn_blocking(move || hash_password(&password))
                .await
                .map_err(|e| ApiError::internal("password hashing", e))?;
            (hash, None)
        }
        // No password until the owner sets one (password reset).
        Credential::Provider(profile) => (String::new(), Some(profile)),
    };
    let mut registration = register(new, password_hash, now);
    let identity = profile.map(|profile| {
        let (identity, verified_at) = registered_identity(&profile, &registration.account, now);
        registration.account.email_verified_at = verified_at;
        registration
            .account
            .identities
            .insert(identity.provider, identity.subject.clone());
        identity
    });
    let code_key = app.code_key()?;
    ask_guardian_consent(
        &mut registration,
        |account, guardian| code_key.guardian_consent_token(account, guardian),
        &app.settings.invitations.web_origin,
        now,
    );
    let account = &registration.account;
    let joined = invitation.map(|invitation| join(&invitation, &account.id, now));
    let verification = if account.email_verified_at.is_some() {
        None
    } else {
        let code = Code::generate();
        let purpose = CodePurpose::EmailVerification;
        let fresh = FreshCode {
            digits: code.expose(),
            digest: code_key.digest(&account.id, purpose, &code),
        };
        Some(verification_for(account, None, &fresh, now).expect("a new account has sent no code"))
    };
    app.store
        .create_account_with(
            &registration,
            verification.as_ref(),
            identity.as_ref(),
            joined.as_ref(),
        )
        .await?;
    Ok(created(&registration.account))
}

fn created(account: &Account) -> Response<Body> {
    let mut response = json(201, &AccountView::from(account));
    response
        .headers_mut()
        .insert("location", http::HeaderValue::from_static("/v1/me"));
    response
}

//! `POST /v1/accounts`: register a new account.

use lambda_http::{Body, Request, Response};
use natives_shared::auth::{Code, hash_password};
use natives_shared::domain::CodePurpose;
use natives_shared::domain::decide::accounts::{NewAccount, may_register, register};
use natives_shared::domain::decide::email_codes::{FreshCode, verification_for};
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
    email: String,
    password: String,
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

/// The request's every field parsed, and the password.
fn parse(
    request: RegisterRequest,
    today: Date,
    rules: &ContentRules,
) -> Result<(NewAccount, Password), Invalid> {
    let mut v = Validator::new();
    let email = v.check("email", Email::parse(&request.email));
    let password = v.check("password", Password::parse(request.password));
    if let (Some(email), Some(password)) = (&email, &password)
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
                }),
                consents: request
                    .consents
                    .map_or_else(Consents::default, |c| Consents {
                        marketing_emails: c.marketing_emails,
                        notification_emails: c.notification_emails,
                    }),
                accepted_terms_version: request.accepted_terms_version,
            },
            password.expect("checked"),
        )
    })
}

pub async fn handle(app: &App, request: Request, _: Visitor) -> HandlerResult {
    let body: RegisterRequest = json_body(&request)?;
    let now = app.now();
    let (new, password) = parse(body, now.date(), &app.settings.conversations.content_rules)?;
    // Refused before any hashing work is spent.
    may_register(&new, &app.settings.terms_version, now).map_err(ApiError::from)?;
    let password = password.expose().to_owned();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::internal("password hashing", e))?;
    let registration = register(new, password_hash, now);
    let account = &registration.account;
    let code = Code::generate();
    let purpose = CodePurpose::EmailVerification;
    let fresh = FreshCode {
        digits: code.expose(),
        digest: app.code_key()?.digest(&account.id, purpose, &code),
    };
    let verification =
        verification_for(account, None, &fresh, now).expect("a new account has sent no code");
    app.store
        .create_account(&registration, &verification)
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

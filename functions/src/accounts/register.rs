//! `POST /v1/accounts`: register a new account.

use lambda_http::{Body, Request, Response};
use natives_shared::auth::hash_password;
use natives_shared::clock::rfc3339;
use natives_shared::domain::{
    Account, AccountId, AccountStatus, BirthDate, City, Consents, ContentRules, CountryCode,
    DisplayName, Email, FullName, Gender, Guardian, Invalid, LanguageList, Password, PersonName,
    Role, Validator,
};
use natives_shared::http::{ApiError, json, json_body, not_null};
use natives_shared::store::CreateAccountError;
use serde::Deserialize;
use time::Date;

use crate::views::AccountView;
use crate::{App, HandlerResult, Visitor};

/// Below this age a guardian must consent (the age of majority).
const MAJORITY_AGE: i32 = 18;

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

/// A registration whose every field has been parsed.
struct Registration {
    email: Email,
    password: Password,
    display_name: DisplayName,
    full_name: Option<FullName>,
    gender: Option<Gender>,
    date_of_birth: BirthDate,
    country: CountryCode,
    city: Option<City>,
    native_languages: LanguageList,
    learning_languages: LanguageList,
    guardian: Option<Guardian>,
    consents: Consents,
    accepted_terms_version: String,
}

impl Registration {
    fn parse(request: RegisterRequest, today: Date, rules: &ContentRules) -> Result<Self, Invalid> {
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
        v.finish(|| Self {
            email: email.expect("checked"),
            password: password.expect("checked"),
            display_name: display_name.expect("checked"),
            full_name: full_name.expect("checked"),
            gender: gender.expect("checked"),
            date_of_birth: date_of_birth.expect("checked"),
            country: country.expect("checked"),
            city: city.expect("checked"),
            native_languages: native_languages.expect("checked"),
            learning_languages: learning_languages.expect("checked"),
            guardian: guardian.map(|(name, email, consent)| Guardian {
                name: name.expect("checked").as_ref().to_owned(),
                email: email.expect("checked").as_ref().to_owned(),
                consent,
            }),
            consents: request
                .consents
                .map_or_else(Consents::default, |c| Consents {
                    marketing_emails: c.marketing_emails,
                    notification_emails: c.notification_emails,
                }),
            accepted_terms_version: request.accepted_terms_version,
        })
    }
}

pub async fn handle(app: &App, request: Request, _: Visitor) -> HandlerResult {
    let body: RegisterRequest = json_body(&request)?;
    let now = app.now();
    let registration =
        Registration::parse(body, now.date(), &app.settings.conversations.content_rules)?;

    if registration.accepted_terms_version != app.settings.terms_version {
        return Err(ApiError::Unprocessable {
            code: "terms_not_accepted",
            detail: format!(
                "Registration requires accepting the Terms of Use version {}.",
                app.settings.terms_version
            ),
        });
    }
    let minor = registration.date_of_birth.age_on(now.date()) < MAJORITY_AGE;
    if minor && !registration.guardian.as_ref().is_some_and(|g| g.consent) {
        return Err(ApiError::Unprocessable {
            code: "guardian_required",
            detail: "Users under 18 register with a parent or guardian who consents: send `guardian` with `consent: true`.".into(),
        });
    }

    let password = registration.password.expose().to_owned();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::internal("password hashing", e))?;
    let timestamp = rfc3339::format(now);
    let account = Account {
        id: AccountId::new(),
        email: registration.email.as_ref().to_owned(),
        password_hash,
        display_name: registration.display_name.as_ref().to_owned(),
        full_name: registration.full_name.map(|v| v.as_ref().to_owned()),
        gender: registration.gender.map(|v| v.as_ref().to_owned()),
        date_of_birth: registration.date_of_birth.to_iso(),
        country: registration.country.as_ref().to_owned(),
        city: registration.city.map(|v| v.as_ref().to_owned()),
        native_languages: registration.native_languages.to_strings(),
        learning_languages: registration.learning_languages.to_strings(),
        guardian: registration.guardian,
        consents: registration.consents,
        accepted_terms_version: registration.accepted_terms_version,
        terms_accepted_at: timestamp.clone(),
        roles: vec![Role::User],
        status: AccountStatus::Active,
        blocked_until: None,
        balance_credits: 0,
        ledger_head: None,
        token_generation: 0,
        ended_sessions: Default::default(),
        moderation_record: Default::default(),
        complaint_window: None,
        complaints_in_window: 0,
        failed_logins: 0,
        login_locked_until: None,
        created_at: timestamp.clone(),
        updated_at: timestamp,
        restricted_at: None,
        objected_at: None,
        erased_at: None,
    };
    match app.store.create_account(&account).await {
        Ok(()) => Ok(created(&account)),
        Err(CreateAccountError::EmailTaken) => Err(ApiError::Conflict {
            code: "email_taken",
            detail: "An account with this e-mail address already exists.".into(),
        }),
        Err(CreateAccountError::Store(error)) => Err(error.into()),
    }
}

fn created(account: &Account) -> Response<Body> {
    let mut response = json(201, &AccountView::from(account));
    response
        .headers_mut()
        .insert("location", http::HeaderValue::from_static("/v1/me"));
    response
}

//! `PATCH /v1/me`: rectify profile fields. Anything else in the body (roles, balance,
//! status, e-mail…) is refused with 422 and nothing is applied.

use std::collections::BTreeMap;

use natives_shared::domain::ProfileChanges;
use natives_shared::domain::{
    City, ContentRules, CountryCode, DisplayName, FullName, Gender, Invalid, LanguageList,
    LearningLevels, SkypeName, Validator,
};
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body};
use serde::{Deserialize, Deserializer};

use crate::views::AccountView;
use crate::{App, HandlerResult};

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateMeRequest {
    #[serde(default, deserialize_with = "present")]
    display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    full_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    gender: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    country: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    city: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    native_languages: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "present")]
    learning_languages: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "present")]
    learning_levels: Option<Option<BTreeMap<String, String>>>,
    #[serde(default, deserialize_with = "present")]
    skype: Option<Option<String>>,
}

const REQUIRED: &str = "must not be null";

impl UpdateMeRequest {
    fn parse(self, rules: &ContentRules) -> Result<ProfileChanges, Invalid> {
        let mut v = Validator::new();
        let required = |v: &mut Validator, field: &str, value: Option<Option<String>>| match value {
            Some(None) => {
                v.fail(field, REQUIRED);
                None
            }
            other => other.flatten(),
        };
        let display_name = required(&mut v, "display_name", self.display_name)
            .and_then(|raw| v.check_published("display_name", DisplayName::parse(&raw, rules)));
        let country = required(&mut v, "country", self.country)
            .and_then(|raw| v.check("country", CountryCode::parse(&raw)));
        let full_name = nullable(&mut v, "full_name", self.full_name, FullName::parse);
        let gender = nullable(&mut v, "gender", self.gender, Gender::parse);
        let city = nullable(&mut v, "city", self.city, City::parse);
        let native_languages = match self.native_languages {
            Some(None) => {
                v.fail("native_languages", REQUIRED);
                None
            }
            Some(Some(list)) => v.check("native_languages", LanguageList::parse(&list, 1)),
            None => None,
        };
        let learning_languages = match self.learning_languages {
            Some(None) => {
                v.fail("learning_languages", REQUIRED);
                None
            }
            Some(Some(list)) => v.check("learning_languages", LanguageList::parse(&list, 0)),
            None => None,
        };
        let learning_levels = match self.learning_levels {
            // null: no levels.
            Some(None) => Some(LearningLevels::none()),
            Some(Some(levels)) => v.check("learning_levels", LearningLevels::parse(&levels)),
            None => None,
        };
        let skype = nullable(&mut v, "skype", self.skype, SkypeName::parse);
        let changes = ProfileChanges {
            display_name,
            full_name,
            gender,
            country,
            city,
            native_languages,
            learning_languages,
            learning_levels,
            skype,
        };
        if v.is_empty() && changes.is_empty() {
            v.fail("body", "name at least one field to change");
        }
        v.finish(|| changes)
    }
}

/// An optional field: absent = unchanged, `null` = cleared, a value = parsed.
fn nullable<T>(
    v: &mut Validator,
    field: &str,
    value: Option<Option<String>>,
    parse: fn(&str) -> Result<T, String>,
) -> Option<Option<T>> {
    match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(raw)) => v.check(field, parse(&raw)).map(Some),
    }
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: UpdateMeRequest = json_body(&request)?;
    let changes = body.parse(&app.settings.conversations.content_rules)?;
    let account = app
        .store
        .update_profile(&caller, &changes, app.now())
        .await?;
    Ok(json(200, &AccountView::from(&account)))
}

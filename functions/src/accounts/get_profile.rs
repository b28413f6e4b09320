//! `GET /v1/accounts/{account_id}`: a person's public profile. Public and cacheable; only
//! the account item's public attributes and the progress counters' totals are read, so
//! nothing private can appear.

use lambda_http::Request;
use natives_shared::domain::{
    AccountId, LearningLanguage, ProgressSummary, PublicProfile, public_profile,
};
use natives_shared::http::{ApiError, Audience, cached, json, path_id};
use serde::Serialize;

use crate::views::{PhotoView, photo_view};
use crate::{App, HandlerResult, Visitor};

#[derive(Serialize)]
struct ProfileView<'a> {
    id: &'a str,
    display_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    photo: Option<PhotoView>,
    native_languages: &'a [String],
    learning_languages: &'a [LearningLanguage],
    roles: &'a [natives_shared::domain::Role],
    /// `YYYY-MM-DD`; absent for a former member.
    #[serde(skip_serializing_if = "Option::is_none")]
    member_since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    progress: Option<ProgressSummary>,
}

pub async fn handle(app: &App, request: Request, _: Visitor) -> HandlerResult {
    let account_id: AccountId = path_id(&request, "account_id")?;
    let (account, progress) = app
        .store
        .public_account_with_progress(&account_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let profile: PublicProfile = public_profile(account, progress);
    let photo = match &profile.photo {
        Some(photo) => Some(photo_view(app, &profile.id, photo).await?),
        None => None,
    };
    let view = ProfileView {
        id: profile.id.as_str(),
        display_name: &profile.display_name,
        photo,
        native_languages: &profile.native_languages,
        learning_languages: &profile.learning_languages,
        roles: &profile.roles,
        member_since: profile.member_since.map(|d| d.to_string()),
        progress: profile.progress,
    };
    Ok(cached(
        &request,
        json(200, &view),
        Audience::Public { max_age: 5 },
    ))
}

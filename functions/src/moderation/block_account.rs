//! `POST /v1/moderation/accounts/{account_id}/blocks`: block an account for good or
//! until a moment, with a reason; every session ends at once. Not an admin, not oneself.

use lambda_http::Request;
use natives_shared::clock::rfc3339;
use natives_shared::domain::{AccountId, StaffReason, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body, not_null, path_id};
use natives_shared::store::AccountAction;
use serde::Deserialize;
use serde_json::json;
use time::Duration;

use super::audit;
use crate::{App, HandlerResult};

/// The longest temporary block; longer means for good (send no `until`).
const MAX_BLOCK: Duration = Duration::days(10 * 366);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockRequest {
    reason: String,
    #[serde(default, deserialize_with = "not_null")]
    until: Option<String>,
}

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let target: AccountId = path_id(&request, "account_id")?;
    let body: BlockRequest = json_body(&request)?;
    let now = app.now();
    let mut v = Validator::new();
    let reason = v.check("reason", StaffReason::parse(&body.reason));
    let until = v.check_optional(
        "until",
        body.until.as_deref().map(|raw| match rfc3339::parse(raw) {
            Some(at) if at > now && at - now <= MAX_BLOCK => Ok(rfc3339::format(at)),
            Some(_) => Err("must be in the future, at most ten years ahead".to_owned()),
            None => Err("must be an RFC 3339 time".to_owned()),
        }),
    );
    let (reason, until) = v.finish(|| (reason.expect("checked"), until.expect("checked")))?;
    let entry = audit(
        &caller,
        "account.block",
        format!("account:{target}"),
        Some(&target),
        match &until {
            Some(until) => format!("until {until}: {}", reason.as_ref()),
            None => reason.as_ref().to_owned(),
        },
        now,
    );
    match app
        .store
        .block_account(&caller, &target, until.as_deref(), &entry, now)
        .await?
    {
        AccountAction::Done(account) | AccountAction::Unchanged(account) => Ok(json(
            201,
            &json!({
                "account_id": account.id,
                "status": account.status,
                "blocked_until": account.blocked_until,
                "reason": reason.as_ref(),
            }),
        )),
        other => Err(refused(other)),
    }
}

/// What a staff action on an account that did not happen answers.
pub fn refused(outcome: AccountAction) -> ApiError {
    match outcome {
        AccountAction::Refused(refusal) => refusal.into(),
        AccountAction::NoSuchAccount => ApiError::NotFound,
        AccountAction::Own => ApiError::forbidden("Staff cannot do this to their own account."),
        AccountAction::TargetIsAdmin => ApiError::forbidden("Moderators cannot block an admin."),
        AccountAction::Done(_) | AccountAction::Unchanged(_) => {
            ApiError::Internal("a staff action that happened is not a refusal".into())
        }
    }
}

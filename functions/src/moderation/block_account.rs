//! `POST /v1/moderation/accounts/{account_id}/blocks`: block an account for good or
//! until a moment, with a reason; every session ends at once. Not an admin, not oneself.
//! The account's open complaints are dismissed once it is blocked (it can file no more
//! then): they stop counting towards hiding and leave the review queue. A crash between
//! the two leaves some open; blocking again dismisses them.

use lambda_http::Request;
use natives_shared::domain::{AccountId, StaffReason, Timestamp, Validator};
use natives_shared::http::{json, json_body, not_null, path_id};
use serde::Deserialize;
use time::Duration;

use super::views::BlockView;
use crate::access::{Moderator, Staff};
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

pub async fn handle(app: &App, request: Request, moderator: Staff<Moderator>) -> HandlerResult {
    let target: AccountId = path_id(&request, "account_id")?;
    let body: BlockRequest = json_body(&request)?;
    let now = app.now();
    let mut v = Validator::new();
    let reason = v.check("reason", StaffReason::parse(&body.reason));
    let until = v.check_optional(
        "until",
        body.until.as_deref().map(|raw| {
            Timestamp::parse(raw).and_then(|at| {
                if at > now && at.time() - now <= MAX_BLOCK {
                    Ok(at)
                } else {
                    Err("must be in the future, at most ten years ahead".to_owned())
                }
            })
        }),
    );
    let (reason, until) = v.finish(|| (reason.expect("checked"), until.expect("checked")))?;
    let account = app
        .store
        .block_account(&moderator, &target, until, reason.as_ref(), now)
        .await?;
    let dismissed = app
        .store
        .dismiss_complaints_of(&target, &app.settings.moderation, now)
        .await?;
    if dismissed > 0 {
        tracing::info!(account_id = %target, dismissed, "a blocked reporter's complaints dismissed");
    }
    Ok(json(201, &BlockView::new(&account, reason.as_ref())))
}

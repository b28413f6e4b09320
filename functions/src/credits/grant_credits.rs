//! `POST /v1/admin/accounts/{account_id}/credit-grants`: an admin grants credits (free
//! or discounted access, the Terms' "special conditions"); it is in the ledger and
//! in the audit log.

use lambda_http::RequestExt;
use natives_shared::clock::rfc3339;
use natives_shared::domain::{LedgerLine, Role, StaffReason, Validator, parse_credits};
use natives_shared::http::{ApiError, json, json_body};
use natives_shared::ids::new_id;
use natives_shared::store::{AuditEntry, BalanceOutcome};
use serde::Deserialize;

use crate::views::LedgerEntryView;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantRequest {
    credits: i64,
    reason: String,
}

pub async fn handle(app: &App, request: lambda_http::Request) -> HandlerResult {
    // The role and the token's standing are checked inside the grant's transaction.
    let caller = app.authenticate(&request)?;
    if !caller.roles.contains(&Role::Admin) {
        return Err(forbidden(NOT_ADMIN));
    }
    let body: GrantRequest = json_body(&request)?;
    let account_id = request
        .path_parameters_ref()
        .and_then(|p| p.first("account_id"))
        .unwrap_or_default()
        .to_owned();
    if account_id == caller.account_id {
        // Separation of duties (and one transaction cannot touch the admin's account
        // item twice): another admin grants to an admin.
        return Err(forbidden(
            "Admins cannot grant credits to their own account.",
        ));
    }
    let mut v = Validator::new();
    let credits = v.check("credits", parse_credits(body.credits));
    let reason = v.check("reason", StaffReason::parse(&body.reason));
    let (credits, reason) = v.finish(|| (credits.expect("checked"), reason.expect("checked")))?;
    let now = app.now();
    let audit = AuditEntry {
        id: new_id(),
        actor_id: caller.account_id.clone(),
        action: "credits.grant".into(),
        target: format!("account:{account_id}"),
        reason: format!("{credits} credits: {}", reason.as_ref()),
        created_at: rfc3339::format(now),
    };
    match app
        .store
        .grant_credits(&caller, &account_id, credits, reason.as_ref(), &audit, now)
        .await?
    {
        BalanceOutcome::Applied {
            entry,
            balance_after: Some(balance_after),
        } => Ok(json(
            201,
            &LedgerEntryView::from(&LedgerLine {
                entry,
                balance_after,
            }),
        )),
        BalanceOutcome::NoAccount => Err(ApiError::NotFound),
        BalanceOutcome::Refused { index: 0 } => Err(forbidden(NOT_ADMIN)),
        other => Err(ApiError::Internal(format!(
            "a grant was refused: {other:?}"
        ))),
    }
}

const NOT_ADMIN: &str = "Only a current admin may grant credits.";

fn forbidden(detail: &str) -> ApiError {
    ApiError::Forbidden {
        code: "forbidden",
        detail: detail.into(),
        blocked_until: None,
    }
}

//! `POST /v1/admin/accounts/{account_id}/credit-grants`: an admin grants credits (free
//! or discounted access, the Terms' "special conditions"); it is in the ledger and
//! in the audit log.

use natives_shared::domain::AuditEntry;
use natives_shared::domain::{
    AccountId, AuditEntryId, LedgerLine, StaffReason, Timestamp, Validator, parse_credits,
};
use natives_shared::http::{ApiError, json_body, path_id};
use natives_shared::store::{CreditGrant, GrantAnswer, GrantOutcome};
use serde::Deserialize;

use crate::access::{Admin, Staff};
use crate::views::LedgerEntryView;
use crate::{App, HandlerResult, idempotency};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantRequest {
    credits: i64,
    reason: String,
}

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    caller: Staff<Admin>,
) -> HandlerResult {
    let body: GrantRequest = json_body(&request)?;
    let account_id: AccountId = path_id(&request, "account_id")?;
    let mut v = Validator::new();
    let credits = v.check("credits", parse_credits(body.credits));
    let reason = v.check("reason", StaffReason::parse(&body.reason));
    let (credits, reason) = v.finish(|| (credits.expect("checked"), reason.expect("checked")))?;
    let now = app.now();
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: caller.account_id.clone().into(),
        action: "credits.grant".into(),
        target: format!("account:{account_id}"),
        target_account_id: Some(account_id.clone()),
        reason: format!("{credits} credits: {}", reason.as_ref()),
        created_at: Timestamp::at(now),
    };
    let key = idempotency::request_under_key(&request, &caller)?;
    let render = |line: &LedgerLine| idempotency::answer(201, &LedgerEntryView::from(line));
    let remember = key.as_ref().map(|request| GrantAnswer {
        request,
        answer: &render,
    });
    match app
        .store
        .grant_credits(
            &caller,
            &CreditGrant {
                target: &account_id,
                credits,
                reason: reason.as_ref(),
            },
            &audit,
            remember.as_ref(),
            now,
        )
        .await?
    {
        GrantOutcome::Granted(line) => Ok(idempotency::respond(&render(&line), false)),
        GrantOutcome::KeyUsed => {
            idempotency::replay(app, key.as_ref().expect("a key was used")).await
        }
        GrantOutcome::Refused(refusal) => Err(refusal.into()),
        GrantOutcome::NoSuchAccount => Err(ApiError::NotFound),
        // Separation of duties: another admin grants to an admin.
        GrantOutcome::OwnAccount => Err(ApiError::forbidden(
            "Admins cannot grant credits to their own account.",
        )),
    }
}

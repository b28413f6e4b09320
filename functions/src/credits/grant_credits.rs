//! `POST /v1/admin/accounts/{account_id}/credit-grants`: an admin grants credits (free
//! or discounted access, the Terms' "special conditions"); it is in the ledger and
//! in the audit log.

use natives_shared::domain::decide::credits::GrantRefusal;
use natives_shared::domain::{AccountId, LedgerLine, StaffReason, Validator, parse_credits};
use natives_shared::http::{json_body, path_id};
use natives_shared::store::{Failure, GrantAnswer};
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
    let key = idempotency::request_under_key(&request, &caller)?;
    let render = |line: &LedgerLine| idempotency::answer(201, &LedgerEntryView::from(line));
    let remember = key.as_ref().map(|request| GrantAnswer {
        request,
        answer: &render,
    });
    let granted = app
        .store
        .grant_credits(
            &caller,
            &account_id,
            credits,
            reason.as_ref(),
            remember.as_ref(),
            app.now(),
        )
        .await;
    match granted {
        Ok(plan) => {
            let line = LedgerLine {
                entry: plan.ledger.entry,
                balance_after: plan.ledger.balance_after.unwrap_or_default(),
            };
            Ok(idempotency::respond(&render(&line), false))
        }
        Err(Failure::Refused(GrantRefusal::KeyUsed)) => {
            idempotency::replay(app, key.as_ref().expect("a key was used")).await
        }
        Err(failure) => Err(failure.into()),
    }
}

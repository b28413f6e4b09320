//! `DELETE /v1/moderation/accounts/{account_id}/blocks`: lift a block. The account logs
//! in again (its sessions ended with the block).

use lambda_http::Request;
use natives_shared::domain::AccountId;
use natives_shared::gate::Caller;
use natives_shared::http::{no_content, path_id};
use natives_shared::store::AccountAction;

use super::audit;
use super::block_account::refused;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let target: AccountId = path_id(&request, "account_id")?;
    let now = app.now();
    let entry = audit(
        &caller,
        "account.unblock",
        format!("account:{target}"),
        Some(&target),
        "block lifted".into(),
        now,
    );
    match app
        .store
        .unblock_account(&caller, &target, &entry, now)
        .await?
    {
        AccountAction::Done(_) | AccountAction::Unchanged(_) => Ok(no_content()),
        other => Err(refused(other)),
    }
}

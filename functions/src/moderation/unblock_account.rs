//! `DELETE /v1/moderation/accounts/{account_id}/blocks`: lift a block. The account logs
//! in again (its sessions ended with the block).

use lambda_http::Request;
use natives_shared::domain::AccountId;
use natives_shared::http::{no_content, path_id};

use crate::access::{Moderator, Staff};
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, moderator: Staff<Moderator>) -> HandlerResult {
    let target: AccountId = path_id(&request, "account_id")?;
    app.store
        .unblock_account(&moderator, &target, app.now())
        .await?;
    Ok(no_content())
}

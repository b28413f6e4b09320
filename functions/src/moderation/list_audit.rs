//! `GET /v1/moderation/audit?limit=&cursor=&account_id=`: every moderation and admin
//! action, newest first — who, what, target, reason, when; or only those about one
//! account. Entries are only ever appended.

use lambda_http::{Request, RequestExt};
use natives_shared::domain::{AccountId, FieldError};
use natives_shared::http::{ApiError, json};

use super::views::{AuditView, Page};
use crate::access::{Moderator, Staff};
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, moderator: Staff<Moderator>) -> HandlerResult {
    let page = super::pagination(&request)?;
    let about = request
        .query_string_parameters_ref()
        .and_then(|q| q.first("account_id"))
        .map(|raw| {
            AccountId::parse(raw).map_err(|message| {
                ApiError::Validation(vec![FieldError {
                    field: "account_id".into(),
                    message,
                }])
            })
        })
        .transpose()?;
    // The moderator's standing and role first (one read), then the log (one query).
    app.store.caller_account(&moderator, app.now()).await?;
    let (entries, next) = app
        .store
        .audit_page(about.as_ref(), page.limit, page.cursor.as_deref())
        .await?;
    let items: Vec<AuditView> = entries.iter().map(AuditView::from).collect();
    Ok(json(200, &Page::new(items, next)))
}

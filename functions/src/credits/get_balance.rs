//! `GET /v1/me/balance`: my credits and my ledger, newest first.

use lambda_http::RequestExt;
use natives_shared::domain::FieldError;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, Pagination, json};
use natives_shared::store::LedgerCursor;
use serde_json::json;

use crate::views::LedgerEntryView;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let account = app.store.caller_account(&caller, app.now()).await?;
    let query = request.query_string_parameters();
    let parameters = query
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let page = Pagination::parse(&parameters)?;
    let cursor = match page.cursor.as_deref() {
        None => None,
        Some(raw) => Some(LedgerCursor::parse(raw).ok_or_else(|| {
            ApiError::Validation(vec![FieldError {
                field: "cursor".into(),
                message: "is not a cursor this list gave out".into(),
            }])
        })?),
    };
    let (lines, next) = app
        .store
        .ledger_page(&account, page.limit, cursor.as_ref())
        .await?;
    let items: Vec<LedgerEntryView> = lines.iter().map(LedgerEntryView::from).collect();
    Ok(json(
        200,
        &json!({
            "credits": account.balance_credits,
            "entries": { "items": items, "next_cursor": next.map(|c| c.encode()) },
        }),
    ))
}

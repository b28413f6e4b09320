//! `GET /v1/me/balance`: my credits and my ledger, newest first.

use natives_shared::gate::Caller;
use natives_shared::http::{Pagination, json};
use natives_shared::store::LedgerCursor;
use serde::Serialize;

use crate::views::{LedgerEntryView, Page};
use crate::{App, HandlerResult};

/// The credits, and the ledger's first (or next) page.
#[derive(Serialize)]
struct Balance<'a> {
    credits: i64,
    entries: Page<LedgerEntryView<'a>>,
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let account = app.store.caller_account(&caller, app.now()).await?;
    let page = Pagination::from_request(&request)?
        .with_cursor_from(|raw| LedgerCursor::parse(raw).is_some())?;
    let cursor = page.cursor.as_deref().and_then(LedgerCursor::parse);
    let (lines, next) = app
        .store
        .ledger_page(&account, page.limit, cursor.as_ref())
        .await?;
    let items: Vec<LedgerEntryView> = lines.iter().map(LedgerEntryView::from).collect();
    Ok(json(
        200,
        &Balance {
            credits: account.balance_credits,
            entries: Page::new(items, next.map(|c| c.encode())),
        },
    ))
}

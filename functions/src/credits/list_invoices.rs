//! `GET /v1/me/invoices`: my invoices (a corporate client's, one per paid purchase),
//! newest first.

use natives_shared::gate::Caller;
use natives_shared::http::{Pagination, json};
use natives_shared::store::is_invoice_cursor;

use crate::views::{InvoiceView, Page};
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let account = app.store.caller_account(&caller, app.now()).await?;
    let page = Pagination::from_request(&request)?.with_cursor_from(is_invoice_cursor)?;
    let (invoices, next) = app
        .store
        .invoices_of(&account.id, Some(page.limit), page.cursor.as_deref())
        .await?;
    let items: Vec<InvoiceView> = invoices.iter().map(InvoiceView::from).collect();
    Ok(json(200, &Page::new(items, next)))
}

//! `GET /v1/me/invoices`: my invoices (a corporate client's, one per paid purchase),
//! newest first.

use natives_shared::domain::{Invoice, InvoiceStatus, Money, Timestamp};
use natives_shared::gate::Caller;
use natives_shared::http::{Pagination, json};
use natives_shared::store::is_invoice_cursor;
use serde::Serialize;

use crate::views::Page;
use crate::{App, HandlerResult};

/// One invoice as its owner sees it.
#[derive(Serialize)]
struct InvoiceView<'a> {
    id: &'a str,
    number: &'a str,
    purchase_id: &'a str,
    amount: &'a Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    discount: Option<&'a Money>,
    status: InvoiceStatus,
    hosted_invoice_url: &'a str,
    pdf_url: &'a str,
    issued_at: Timestamp,
}

impl<'a> From<&'a Invoice> for InvoiceView<'a> {
    fn from(invoice: &'a Invoice) -> Self {
        Self {
            id: &invoice.id,
            number: &invoice.number,
            purchase_id: &invoice.purchase_id,
            amount: &invoice.amount,
            discount: invoice.discount.as_ref(),
            status: invoice.status,
            hosted_invoice_url: &invoice.hosted_invoice_url,
            pdf_url: &invoice.pdf_url,
            issued_at: invoice.issued_at,
        }
    }
}

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

//! The local stand-in for Stripe's hosted invoice page: the invoice the local stack
//! issued for a corporate client's paid purchase, printable. A plain link cannot tell its
//! owner from anyone else, so the link is the secret: its invoice id is a ULID followed
//! by 128 random bits (see `issue_local`), and an id of any other shape is not looked up.

use http_body_util::Full;
use hyper::body::Bytes;
use natives_functions::App;
use natives_shared::domain::{AccountId, Invoice, LOCAL_INVOICE_PATH, LOCAL_INVOICE_PREFIX};

use crate::checkout_page::{escape, page};

pub const PREFIX: &str = LOCAL_INVOICE_PATH;

pub async fn handle(app: &App, method: &http::Method, path: &str) -> hyper::Response<Full<Bytes>> {
    if method != http::Method::GET && method != http::Method::HEAD {
        return page(405, "Method not allowed", "<p>Invoices are only read.</p>");
    }
    let place = path
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once('/'))
        .filter(|(_, id)| id.starts_with(LOCAL_INVOICE_PREFIX))
        .and_then(|(account, id)| Some((AccountId::parse(account).ok()?, id)));
    let found = match place {
        None => Ok(None),
        Some((account_id, id)) => app.store.invoice(&account_id, id).await,
    };
    match found {
        Ok(Some(invoice)) => show(&invoice),
        Ok(None) => page(
            404,
            "No such invoice",
            "<p>This invoice does not exist.</p>",
        ),
        Err(error) => page(
            500,
            "Error",
            &format!("<p>{}</p>", escape(&error.to_string())),
        ),
    }
}

fn show(invoice: &Invoice) -> hyper::Response<Full<Bytes>> {
    let lines = |lines: &[String]| {
        lines
            .iter()
            .map(|l| escape(l))
            .collect::<Vec<_>>()
            .join("<br>")
    };
    let billed_to = match &invoice.billed_to {
        Some(to) => format!(
            "<h2>Billed to</h2><p><b>{}</b></p><h3>Legal address</h3><p>{}</p><h3>Postal address</h3><p>{}</p>{}",
            escape(&to.legal_name),
            lines(&to.legal_address),
            lines(&to.postal_address),
            to.tax_id
                .as_deref()
                .map(|t| format!("<p>Tax ID: {}</p>", escape(t)))
                .unwrap_or_default(),
        ),
        None => String::new(),
    };
    let discount = invoice
        .discount
        .as_ref()
        .map(|d| format!("<p>Discount: {}</p>", d.display()))
        .unwrap_or_default();
    let date = invoice.issued_at.time().date();
    page(
        200,
        &format!("Invoice {}", escape(&invoice.number)),
        &format!(
            "<p>Issued by Natives.Chat on {date}. Status: {status:?}.</p>{billed_to}\
             <h2>Purchase {purchase}</h2><p>Amount paid: <b>{amount}</b></p>{discount}",
            status = invoice.status,
            purchase = escape(&invoice.purchase_id),
            amount = invoice.amount.display(),
        ),
    )
}

//! `GET /v1/admin/companies?limit=&cursor=`: corporate clients' companies with their
//! purchases, a page at a time, for partner managers only (an admin without the role is
//! refused like anyone else); every company read is audited.

use natives_shared::domain::AccountId;
use natives_shared::http::{Pagination, json};

use super::views::ListedCompanyView;
use crate::access::{PartnerManager, Staff};
use crate::views::Page;
use crate::{App, HandlerResult};

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    reader: Staff<PartnerManager>,
) -> HandlerResult {
    let page = Pagination::from_request(&request)?
        .with_cursor_from(natives_shared::store::is_company_cursor)?;
    let after = page
        .cursor
        .as_deref()
        .and_then(|cursor| AccountId::parse(cursor).ok());
    let (companies, next) = app
        .store
        .companies_page(&reader, page.limit, after.as_ref(), app.now())
        .await?;
    let items: Vec<ListedCompanyView> = companies.iter().map(ListedCompanyView::from).collect();
    Ok(json(200, &Page::new(items, next.map(|id| id.to_string()))))
}

//! `GET /v1/me/company`: the caller's company, 404 until it has set one.

use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json};

use super::views::CompanyView;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, _request: lambda_http::Request, caller: Caller) -> HandlerResult {
    match app.store.own_company(&caller, app.now()).await? {
        Some(company) => Ok(json(200, &CompanyView::from(&company))),
        None => Err(ApiError::NotFoundDetail(
            "This account has set no company; PUT /v1/me/company sets one.".into(),
        )),
    }
}

//! `GET /v1/tariffs`: the active tariffs and what each paid action costs. Public.

use natives_shared::domain::ActionCosts;
use natives_shared::http::json;
use serde::Serialize;

use crate::views::TariffView;

/// The tariffs on sale, and what each paid action costs.
#[derive(Serialize)]
struct PriceList<'a> {
    items: Vec<TariffView<'a>>,
    action_costs: ActionCosts,
}
use crate::{App, HandlerResult, Visitor};

pub async fn handle(app: &App, _request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let mut tariffs = app.store.tariffs().await?;
    tariffs.retain(|t| t.active);
    tariffs.sort_by_key(|t| (t.price.amount_minor, t.credits));
    let items: Vec<TariffView> = tariffs.iter().map(TariffView::from).collect();
    Ok(json(
        200,
        &PriceList {
            items,
            action_costs: app.settings.conversations.action_costs,
        },
    ))
}

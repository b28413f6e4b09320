//! `PUT /v1/admin/tariffs/{tariff_id}`: create or change a tariff (admins). Purchases
//! already made keep the price they were made at: they carry their own copy.

use natives_shared::domain::decide::credits::TariffInput;
use natives_shared::domain::{
    Money, TariffId, TariffName, Validator, check_credits_per_unit, parse_credits,
};
use natives_shared::http::{json, json_body, path_param};
use serde::Deserialize;

use crate::access::{Admin, Staff};
use crate::views::TariffView;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PutTariffRequest {
    name: String,
    credits: i64,
    price: PriceRequest,
    active: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceRequest {
    amount_minor: i64,
    currency: String,
}

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    caller: Staff<Admin>,
) -> HandlerResult {
    let body: PutTariffRequest = json_body(&request)?;
    let raw_id = path_param(&request, "tariff_id")?;
    let mut v = Validator::new();
    let id = v.check("tariff_id", TariffId::parse(raw_id));
    let rules = &app.settings.conversations.content_rules;
    let name = v.check_published("name", TariffName::parse(&body.name, rules));
    let credits = v.check("credits", parse_credits(body.credits));
    let price = v.check(
        "price",
        Money::parse(body.price.amount_minor, &body.price.currency),
    );
    if let (Some(credits), Some(price)) = (credits, &price) {
        v.check("credits", check_credits_per_unit(credits, price));
    }
    let input = v.finish(|| TariffInput {
        id: id.expect("checked"),
        name: name.expect("checked"),
        credits: credits.expect("checked"),
        price: price.expect("checked"),
        active: body.active,
    })?;
    let tariff = app.store.put_tariff(&caller, &input, app.now()).await?;
    Ok(json(200, &TariffView::from(&tariff)))
}

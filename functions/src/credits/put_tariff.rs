//! `PUT /v1/admin/tariffs/{tariff_id}`: create or change a tariff (admins). Purchases
//! already made keep the price they were made at: they carry their own copy.

use lambda_http::RequestExt;
use natives_shared::clock::rfc3339;
use natives_shared::domain::{Money, Role, Tariff, TariffId, TariffName, Validator, parse_credits};
use natives_shared::http::{json, json_body};
use natives_shared::ids::new_id;
use natives_shared::store::AuditEntry;
use serde::Deserialize;

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

pub async fn handle(app: &App, request: lambda_http::Request) -> HandlerResult {
    let (caller, _) = app.caller_with_role(&request, Role::Admin).await?;
    let body: PutTariffRequest = json_body(&request)?;
    let raw_id = request
        .path_parameters_ref()
        .and_then(|p| p.first("tariff_id"))
        .unwrap_or_default()
        .to_owned();
    let mut v = Validator::new();
    let id = v.check("tariff_id", TariffId::parse(&raw_id));
    let name = v.check("name", TariffName::parse(&body.name));
    let credits = v.check("credits", parse_credits(body.credits));
    let price = v.check(
        "price",
        Money::parse(body.price.amount_minor, &body.price.currency),
    );
    let now = app.now();
    let tariff = v.finish(|| Tariff {
        id: id.expect("checked").as_ref().to_owned(),
        name: name.expect("checked").into(),
        credits: credits.expect("checked"),
        price: price.expect("checked"),
        active: body.active,
        updated_at: rfc3339::format(now),
    })?;
    let audit = AuditEntry {
        id: new_id(),
        actor_id: caller.account_id,
        action: "tariff.put".into(),
        target: format!("tariff:{}", tariff.id),
        reason: format!(
            "{}: {} credits for {} {} (minor units), {}",
            tariff.name,
            tariff.credits,
            tariff.price.amount_minor,
            tariff.price.currency,
            if tariff.active { "active" } else { "inactive" }
        ),
        created_at: rfc3339::format(now),
    };
    app.store.put_tariff(&tariff, &audit).await?;
    Ok(json(200, &TariffView::from(&tariff)))
}

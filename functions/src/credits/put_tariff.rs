//! `PUT /v1/admin/tariffs/{tariff_id}`: create or change a tariff (admins). Purchases
//! already made keep the price they were made at: they carry their own copy.

use natives_shared::clock::rfc3339;
use natives_shared::domain::{
    AuditEntryId, Money, Tariff, TariffId, TariffName, Validator, check_credits_per_unit,
    parse_credits,
};
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body, path_param};
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

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
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
        id: AuditEntryId::new(),
        actor_id: caller.account_id.clone(),
        action: "tariff.put".into(),
        target: format!("tariff:{}", tariff.id),
        target_account_id: None,
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
    app.store
        .put_tariff(&caller, &tariff, &audit, now)
        .await??;
    Ok(json(200, &TariffView::from(&tariff)))
}

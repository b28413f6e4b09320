//! The default catalogue a new local stack starts with. A deployed stack gets its
//! tariffs through `PUT /v1/admin/tariffs/{tariff_id}` (see README).

use natives_shared::domain::Timestamp;
use natives_shared::domain::{ContentRules, Money, Tariff, TariffId, TariffName};
use time::OffsetDateTime;

pub fn default_tariffs(now: OffsetDateTime) -> Vec<Tariff> {
    [
        ("starter", "Starter", 100, 990),
        ("standard", "Standard", 300, 2490),
        ("intensive", "Intensive", 1000, 6990),
    ]
    .into_iter()
    .map(|(id, name, credits, cents)| Tariff {
        id: TariffId::parse(id).expect("a valid id"),
        name: TariffName::parse(name, &ContentRules::default()).expect("a valid name"),
        credits,
        price: Money::parse(cents, "EUR").expect("a valid price"),
        active: true,
        updated_at: Timestamp::at(now),
    })
    .collect()
}

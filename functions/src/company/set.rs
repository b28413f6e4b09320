//! `PUT /v1/me/company`: the caller sets (or replaces) its company and becomes a
//! corporate client. Every field is parsed into its domain type at once; each refused
//! field is named in the 422.

use natives_shared::domain::company::{
    Address, AddressLine, LegalName, PhoneNumber, Position, PostalCode, RegisteredOn,
    RegistrationNumber, Representative,
};
use natives_shared::domain::{
    City, Company, CountryCode, Invalid, PersonName, TaxId, TaxIdKind, Timestamp, Validator,
};
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body};
use serde::Deserialize;
use time::OffsetDateTime;

use super::views::CompanyView;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetCompanyRequest {
    legal_name: String,
    registration_number: String,
    registered_on: String,
    legal_address: AddressRequest,
    postal_address: AddressRequest,
    #[serde(default)]
    tax_id: Option<TaxIdRequest>,
    contact_phone: String,
    representative: RepresentativeRequest,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressRequest {
    line1: String,
    #[serde(default)]
    line2: Option<String>,
    city: String,
    postal_code: String,
    country: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxIdRequest {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RepresentativeRequest {
    name: String,
    position: String,
}

impl AddressRequest {
    fn parse(self, v: &mut Validator, field: &str) -> Option<Address> {
        let at = |name: &str| format!("{field}.{name}");
        let line1 = v.check(&at("line1"), AddressLine::parse(&self.line1));
        let line2 = v.check_optional(
            &at("line2"),
            self.line2.map(|line| AddressLine::parse(&line)),
        );
        let city = v.check(&at("city"), City::parse(&self.city));
        let postal_code = v.check(&at("postal_code"), PostalCode::parse(&self.postal_code));
        let country = v.check(&at("country"), CountryCode::parse(&self.country));
        Some(Address {
            line1: line1?,
            line2: line2?,
            city: city?,
            postal_code: postal_code?,
            country: country?,
        })
    }
}

impl SetCompanyRequest {
    fn parse(self, now: OffsetDateTime) -> Result<Company, Invalid> {
        let today = now.date();
        let mut v = Validator::new();
        let legal_name = v.check("legal_name", LegalName::parse(&self.legal_name));
        let registration_number = v.check(
            "registration_number",
            RegistrationNumber::parse(&self.registration_number),
        );
        let registered_on = v.check(
            "registered_on",
            RegisteredOn::parse(&self.registered_on, today),
        );
        let legal_address = self.legal_address.parse(&mut v, "legal_address");
        let postal_address = self.postal_address.parse(&mut v, "postal_address");
        let tax_id = v.check_optional(
            "tax_id",
            self.tax_id.map(|tax_id| {
                TaxIdKind::parse(&tax_id.kind)
                    .map_err(|message| format!("type {message}"))
                    .and_then(|kind| TaxId::parse(kind, &tax_id.value))
            }),
        );
        let contact_phone = v.check("contact_phone", PhoneNumber::parse(&self.contact_phone));
        let name = v.check(
            "representative.name",
            PersonName::parse(&self.representative.name),
        );
        let position = v.check(
            "representative.position",
            Position::parse(&self.representative.position),
        );
        v.finish(|| Company {
            legal_name: legal_name.expect("checked"),
            registration_number: registration_number.expect("checked"),
            registered_on: registered_on.expect("checked"),
            legal_address: legal_address.expect("checked"),
            postal_address: postal_address.expect("checked"),
            tax_id: tax_id.expect("checked"),
            contact_phone,
            representative: Some(Representative {
                name: name.expect("checked"),
                position: position.expect("checked"),
            }),
            updated_at: Timestamp::at(now),
        })
    }
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: SetCompanyRequest = json_body(&request)?;
    let now = app.now();
    let company = body.parse(now)?;
    let company = app.store.set_company(&caller, company, now).await?;
    Ok(json(200, &CompanyView::from(&company)))
}

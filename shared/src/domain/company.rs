//! A corporate client's company: its legal identity (what an invoice names), its
//! addresses, its tax ID, and whom the platform talks to there. Private: only the
//! account, the staff with the `partner_manager` role and the invoices read it, so its
//! texts are private text types (the content rules are for what others read).
//!
//! Erasure of the account removes the contact (`contact_phone`, `representative`) and
//! keeps the legal identity the invoices already issued need for the legal retention
//! period: a stored company may lack both.

use serde::{Deserialize, Serialize};
use time::{Date, macros::format_description};

use super::public_text::{TextLimits, parse_public_text};
use super::{City, CountryCode, PersonName, Timestamp};

/// A private single-line text of a company's record.
macro_rules! company_text {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const LIMITS: TextLimits = TextLimits::single_line($max);

            pub fn parse(raw: &str) -> Result<Self, String> {
                parse_public_text(raw, Self::LIMITS).map(Self)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

company_text!(
    /// The company's name as registered (what an invoice is made out to).
    LegalName,
    200
);
company_text!(
    /// The number the company register gave the company.
    RegistrationNumber,
    50
);
company_text!(
    /// A street line of an address.
    AddressLine,
    200
);
company_text!(
    /// A postal code, as the country writes it.
    PostalCode,
    20
);
company_text!(
    /// The representative's position in the company (director, accountant…).
    Position,
    100
);

/// An address, in the shape Stripe's customer address takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: AddressLine,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<AddressLine>,
    pub city: City,
    pub postal_code: PostalCode,
    pub country: CountryCode,
}

/// The kinds of tax ID the platform accepts, named as Stripe's `tax_id` types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxIdKind {
    /// A VAT number of an EU member state (or Northern Ireland's `XI`), with its prefix.
    EuVat,
    /// A United Kingdom VAT number, `GB` and the number.
    GbVat,
    /// A Swiss VAT number, `CHE-123.456.789 MWST`.
    ChVat,
    /// A Norwegian VAT number, `123456789MVA`.
    NoVat,
    /// A United States Employer Identification Number, `12-3456789`.
    UsEin,
    /// A Russian taxpayer number (INN), 10 digits for a company, 12 for a person.
    RuInn,
}

impl TaxIdKind {
    pub const ALL: [Self; 6] = [
        Self::EuVat,
        Self::GbVat,
        Self::ChVat,
        Self::NoVat,
        Self::UsEin,
        Self::RuInn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EuVat => "eu_vat",
            Self::GbVat => "gb_vat",
            Self::ChVat => "ch_vat",
            Self::NoVat => "no_vat",
            Self::UsEin => "us_ein",
            Self::RuInn => "ru_inn",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|kind| kind.as_str()).collect();
                format!("must be one of {}", known.join(", "))
            })
    }

    /// The shapes of a normalised value of this kind (see [`matches_shape`]).
    fn shapes(self) -> &'static [&'static str] {
        match self {
            Self::EuVat => &[],
            Self::GbVat => &["GB#########", "GB############", "GBGD###", "GBHA###"],
            Self::ChVat => &[
                "CHE#########",
                "CHE#########MWST",
                "CHE#########TVA",
                "CHE#########IVA",
            ],
            Self::NoVat => &["#########MVA"],
            Self::UsEin => &["#########"],
            Self::RuInn => &["##########", "############"],
        }
    }
}

/// The shapes of each EU member state's VAT numbers after its prefix (`EL` is Greece's,
/// `XI` Northern Ireland's): `#` a digit, `@` a letter, `*` a letter or a digit, anything
/// else itself. From the European Commission's VIES format list.
const EU_VAT_SHAPES: &[(&str, &[&str])] = &[
    ("AT", &["U########"]),
    ("BE", &["0#########", "1#########"]),
    ("BG", &["#########", "##########"]),
    ("CY", &["########@"]),
    ("CZ", &["########", "#########", "##########"]),
    ("DE", &["#########"]),
    ("DK", &["########"]),
    ("EE", &["#########"]),
    ("EL", &["#########"]),
    ("ES", &["@########", "########@", "@#######@"]),
    ("FI", &["########"]),
    ("FR", &["**#########"]),
    ("HR", &["###########"]),
    ("HU", &["########"]),
    ("IE", &["#######@", "#######@@", "#*#####@"]),
    ("IT", &["###########"]),
    ("LT", &["#########", "############"]),
    ("LU", &["########"]),
    ("LV", &["###########"]),
    ("MT", &["########"]),
    ("NL", &["#########B##"]),
    ("PL", &["##########"]),
    ("PT", &["#########"]),
    (
        "RO",
        &[
            "##",
            "###",
            "####",
            "#####",
            "######",
            "#######",
            "########",
            "#########",
            "##########",
        ],
    ),
    ("SE", &["##########01"]),
    ("SI", &["########"]),
    ("SK", &["##########"]),
    ("XI", &["#########", "############", "GD###", "HA###"]),
];

/// Whether `value` has `shape`: `#` a digit, `@` a letter, `*` either, anything else
/// itself.
fn matches_shape(value: &str, shape: &str) -> bool {
    value.len() == shape.len()
        && value.bytes().zip(shape.bytes()).all(|(v, s)| match s {
            b'#' => v.is_ascii_digit(),
            b'@' => v.is_ascii_uppercase(),
            b'*' => v.is_ascii_digit() || v.is_ascii_uppercase(),
            other => v == other,
        })
}

/// A tax ID of a kind, its value normalised (upper case, without the spaces, dots and
/// dashes people write it with) and of the kind's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxId {
    #[serde(rename = "type")]
    pub kind: TaxIdKind,
    pub value: String,
}

impl TaxId {
    pub fn parse(kind: TaxIdKind, raw: &str) -> Result<Self, String> {
        let value: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect::<String>()
            .to_ascii_uppercase();
        let fits = match kind {
            TaxIdKind::EuVat => {
                let (prefix, number) = value.split_at_checked(2).unwrap_or(("", ""));
                EU_VAT_SHAPES
                    .iter()
                    .find(|(country, _)| *country == prefix)
                    .is_some_and(|(_, shapes)| {
                        shapes.iter().any(|shape| matches_shape(number, shape))
                    })
            }
            other => other
                .shapes()
                .iter()
                .any(|shape| matches_shape(&value, shape)),
        };
        if fits {
            Ok(Self { kind, value })
        } else {
            Err(match kind {
                TaxIdKind::EuVat => "must be an EU VAT number: its country prefix (DE, FR, EL…) and the number in that country's format".to_owned(),
                other => format!("is not a valid {} number", other.as_str()),
            })
        }
    }
}

/// A phone number in E.164 (`+4930123456`), read by the content rules' phone reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, String> {
        super::content_rules::e164_phone_number(raw)
            .map(Self)
            .ok_or_else(|| {
                "must be a phone number with its country calling code, e.g. +49 30 1234567"
                    .to_owned()
            })
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The day the company was registered: a calendar date, not in the future. Written
/// `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisteredOn(Date);

const ISO_DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

impl RegisteredOn {
    pub fn parse(raw: &str, today: Date) -> Result<Self, String> {
        let date = Date::parse(raw.trim(), ISO_DATE)
            .map_err(|_| "must be a calendar date written YYYY-MM-DD".to_owned())?;
        if date > today {
            return Err("must not be in the future".into());
        }
        Ok(Self(date))
    }

    pub fn date(self) -> Date {
        self.0
    }
}

impl Serialize for RegisteredOn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.format(ISO_DATE).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

/// As stored: a calendar date (checked against the day it was given when it was parsed
/// at the edge).
impl<'de> Deserialize<'de> for RegisteredOn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Date::parse(&raw, ISO_DATE)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

/// Whom the platform deals with at the company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representative {
    pub name: PersonName,
    pub position: Position,
}

/// A corporate client's company, as the account last set it. `contact_phone` and
/// `representative` are always given; they are absent only from a company whose account
/// was erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub legal_name: LegalName,
    pub registration_number: RegistrationNumber,
    pub registered_on: RegisteredOn,
    pub legal_address: Address,
    pub postal_address: Address,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<TaxId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<PhoneNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<Representative>,
    pub updated_at: Timestamp,
}

/// The Stripe customer that stands for an account's company at Stripe (its invoices are
/// made out to it), and the version of the company (its `updated_at`) Stripe last got:
/// a company set again since is sent to the customer before the next checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeCustomer {
    /// Stripe's `cus_…`.
    pub id: String,
    pub company_updated_at: Timestamp,
}

/// The attributes of a stored company that erasure removes (the contact); the rest is
/// the legal identity invoices need.
pub const COMPANY_CONTACT_ATTRIBUTES: &[&str] = &["contact_phone", "representative"];

/// What the export says about how long the company's record is kept.
pub const COMPANY_RETENTION: &str = "The company's legal identity (legal name, registration number and date, \
addresses, tax ID) and the invoices issued to it are kept for the legal retention period of accounting records \
after the account is erased; the contact phone and the representative are removed when the account is erased.";

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A German company with every field given.
    pub(crate) fn sample_company() -> Company {
        let address = Address {
            line1: AddressLine::parse("Unter den Linden 1").unwrap(),
            line2: None,
            city: City::parse("Berlin").unwrap(),
            postal_code: PostalCode::parse("10117").unwrap(),
            country: CountryCode::parse("DE").unwrap(),
        };
        Company {
            legal_name: LegalName::parse("Sprachschule GmbH").unwrap(),
            registration_number: RegistrationNumber::parse("HRB 12345").unwrap(),
            registered_on: RegisteredOn::parse("2001-02-03", today()).unwrap(),
            legal_address: address.clone(),
            postal_address: address,
            tax_id: Some(TaxId::parse(TaxIdKind::EuVat, "DE123456789").unwrap()),
            contact_phone: Some(PhoneNumber::parse("+49 30 1234567").unwrap()),
            representative: Some(Representative {
                name: PersonName::parse("Ada Lovelace").unwrap(),
                position: Position::parse("Director").unwrap(),
            }),
            updated_at: Timestamp::parse("2026-12-07T00:00:00.000Z").unwrap(),
        }
    }

    fn today() -> Date {
        Date::from_calendar_date(2026, time::Month::December, 7).unwrap()
    }

    #[test]
    fn eu_vat_numbers_are_held_to_their_countrys_shape() {
        let accepted = [
            ("DE123456789", "DE123456789"),
            ("de 123 456 789", "DE123456789"),
            ("ATU12345678", "ATU12345678"),
            ("FR 12 345678901", "FR12345678901"),
            ("FRXX345678901", "FRXX345678901"),
            ("EL123456789", "EL123456789"),
            ("ESX1234567X", "ESX1234567X"),
            ("ES12345678Z", "ES12345678Z"),
            ("NL123456789B01", "NL123456789B01"),
            ("SE123456789001", "SE123456789001"),
            ("IE1234567T", "IE1234567T"),
            ("IE1234567TW", "IE1234567TW"),
            ("RO12", "RO12"),
            ("BE0123.456.789", "BE0123456789"),
            ("XI123456789", "XI123456789"),
        ];
        for (raw, stored) in accepted {
            let parsed =
                TaxId::parse(TaxIdKind::EuVat, raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(parsed.value, stored, "{raw}");
        }
        let refused = [
            "",
            "DE12345678",   // one digit short
            "DE1234567890", // one too many
            "DEX23456789",  // a letter where Germany has digits
            "AT12345678",   // Austria's U missing
            "GR123456789",  // Greece's prefix is EL
            "GB123456789",  // not in the EU: gb_vat
            "US123456789",
            "123456789",      // no prefix
            "NL123456789X01", // the B is fixed
            "SE123456789002", // Sweden ends in 01
            "BE2123456789",   // Belgium starts with 0 or 1
            "DE12345678٩",    // digits of another script
        ];
        for raw in refused {
            assert!(TaxId::parse(TaxIdKind::EuVat, raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn every_member_state_has_a_shape_and_every_shape_is_well_formed() {
        let states =
            "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK";
        for state in states.split(' ') {
            assert!(
                EU_VAT_SHAPES.iter().any(|(country, _)| *country == state),
                "{state}"
            );
        }
        for (_, shapes) in EU_VAT_SHAPES {
            assert!(!shapes.is_empty());
            for shape in *shapes {
                assert!(shape.bytes().all(|b| b.is_ascii_graphic()), "{shape}");
            }
        }
    }

    #[test]
    fn other_tax_ids_are_held_to_their_kinds_shape() {
        let accepted = [
            (TaxIdKind::GbVat, "GB 123 4567 89", "GB123456789"),
            (TaxIdKind::GbVat, "GBGD123", "GBGD123"),
            (TaxIdKind::ChVat, "CHE-123.456.789 MWST", "CHE123456789MWST"),
            (TaxIdKind::NoVat, "123456789MVA", "123456789MVA"),
            (TaxIdKind::UsEin, "12-3456789", "123456789"),
            (TaxIdKind::RuInn, "7707083893", "7707083893"),
        ];
        for (kind, raw, stored) in accepted {
            assert_eq!(TaxId::parse(kind, raw).unwrap().value, stored, "{raw}");
        }
        let refused = [
            (TaxIdKind::GbVat, "DE123456789"),
            (TaxIdKind::GbVat, "GB12345678"),
            (TaxIdKind::ChVat, "CHE-123.456.78"),
            (TaxIdKind::NoVat, "123456789"),
            (TaxIdKind::UsEin, "12-345678"),
            (TaxIdKind::RuInn, "77070838931"),
        ];
        for (kind, raw) in refused {
            assert!(TaxId::parse(kind, raw).is_err(), "{kind:?} {raw}");
        }
        assert_eq!(TaxIdKind::parse("eu_vat"), Ok(TaxIdKind::EuVat));
        assert!(
            TaxIdKind::parse("vat")
                .unwrap_err()
                .contains("eu_vat, gb_vat")
        );
    }

    #[test]
    fn phone_numbers_are_stored_in_e164() {
        for (raw, stored) in [
            ("+49 30 1234567", "+49301234567"),
            ("+44 20 7946 0958", "+442079460958"),
            ("+1 (415) 555-2671", "+14155552671"),
            ("+7 495 123-45-67", "+74951234567"),
            ("＋４９ ３０ １２３４５６７", "+49301234567"),
        ] {
            assert_eq!(
                PhoneNumber::parse(raw).map(|p| p.0),
                Ok(stored.into()),
                "{raw}"
            );
        }
        for raw in [
            "",
            "030 1234567",          // no calling code
            "+49",                  // no number
            "+999 123456789",       // no such calling code
            "+44 20 7946 09581234", // too long for the code
            "+49 30 1234567 ext 5",
            "call +49 30 1234567",
        ] {
            assert!(PhoneNumber::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn a_registration_date_is_a_past_calendar_date() {
        assert_eq!(
            RegisteredOn::parse("2001-02-03", today())
                .unwrap()
                .date()
                .to_string(),
            "2001-02-03"
        );
        assert!(RegisteredOn::parse("2026-12-07", today()).is_ok(), "today");
        for raw in ["2026-12-08", "2001-02-30", "03.02.2001", ""] {
            assert!(RegisteredOn::parse(raw, today()).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn a_company_reads_back_what_it_stored_and_an_erased_one_without_its_contact() {
        let company = sample_company();
        let json = serde_json::to_value(&company).unwrap();
        assert_eq!(json["tax_id"]["type"], "eu_vat");
        assert_eq!(json["registered_on"], "2001-02-03");
        assert_eq!(
            serde_json::from_value::<Company>(json.clone()).unwrap(),
            company
        );
        let mut erased = json;
        for attribute in COMPANY_CONTACT_ATTRIBUTES {
            erased.as_object_mut().unwrap().remove(*attribute);
        }
        let erased: Company = serde_json::from_value(erased).unwrap();
        assert_eq!(erased.contact_phone, None);
        assert_eq!(erased.representative, None);
        assert_eq!(erased.legal_name, company.legal_name);
    }
}

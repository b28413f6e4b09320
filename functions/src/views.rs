//! What clients see of our records.

use natives_shared::domain::{
    Account, AccountId, AccountStatus, BirthDate, City, Consents, CountryCode, DisplayName, Email,
    FullName, Gender, Guardian, LanguageList, LearningLevels, LedgerKind, LedgerLine, Money, Role,
    SkypeName, Tariff, Timestamp,
};
use natives_shared::domain::{
    Invoice, InvoiceStatus, PHOTO_URL_LIFETIME_SECONDS, ProfilePhoto, photo_urls_signed_at,
};
use natives_shared::http::ApiError;
use serde::Serialize;
use std::time::{Duration, SystemTime};

use crate::App;

/// An account as its owner sees it: never the password hash or token generation.
#[derive(Serialize)]
pub struct AccountView<'a> {
    id: &'a AccountId,
    email: &'a Email,
    email_verified: bool,
    display_name: &'a DisplayName,
    full_name: Option<&'a FullName>,
    gender: Option<&'a Gender>,
    date_of_birth: Option<BirthDate>,
    country: Option<&'a CountryCode>,
    city: Option<&'a City>,
    native_languages: &'a LanguageList,
    learning_languages: &'a LanguageList,
    learning_levels: &'a LearningLevels,
    skype: Option<&'a SkypeName>,
    guardian: Option<&'a Guardian>,
    consents: Consents,
    accepted_terms_version: &'a str,
    terms_accepted_at: Timestamp,
    roles: &'a [Role],
    status: AccountStatus,
    blocked_until: Option<Timestamp>,
    balance_credits: i64,
    corporate: bool,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl<'a> From<&'a Account> for AccountView<'a> {
    fn from(a: &'a Account) -> Self {
        Self {
            id: &a.id,
            email: &a.email,
            email_verified: a.email_verified_at.is_some(),
            display_name: &a.display_name,
            full_name: a.full_name.as_ref(),
            gender: a.gender.as_ref(),
            date_of_birth: a.date_of_birth,
            country: a.country.as_ref(),
            city: a.city.as_ref(),
            native_languages: &a.native_languages,
            learning_languages: &a.learning_languages,
            learning_levels: &a.learning_levels,
            skype: a.skype.as_ref(),
            guardian: a.guardian.as_ref(),
            consents: a.consents,
            accepted_terms_version: &a.accepted_terms_version,
            terms_accepted_at: a.terms_accepted_at,
            roles: &a.roles,
            status: a.status,
            blocked_until: a.blocked_until,
            balance_credits: a.balance_credits,
            corporate: a.corporate,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// Where a profile photo and its thumbnail are fetched.
#[derive(Serialize)]
pub struct PhotoView {
    pub url: String,
    pub thumbnail_url: String,
}

/// Where `owner`'s `photo` is fetched right now: presigned GETs of the photos bucket,
/// signed as of the current window's start so readers in one window get the same URLs.
pub async fn photo_view(
    app: &App,
    owner: &AccountId,
    photo: &ProfilePhoto,
) -> Result<PhotoView, ApiError> {
    let urls = app
        .archive()?
        .photo_urls(
            owner,
            &photo.id,
            SystemTime::from(photo_urls_signed_at(app.now())),
            Duration::from_secs(PHOTO_URL_LIFETIME_SECONDS),
        )
        .await?;
    Ok(PhotoView {
        url: urls.url,
        thumbnail_url: urls.thumbnail_url,
    })
}

/// A page of a list: its items, and where the next page starts (`null`: no more).
#[derive(Serialize)]
pub struct Page<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, next_cursor: Option<String>) -> Self {
        Self { items, next_cursor }
    }
}

#[derive(Serialize)]
pub struct TokenPair {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    /// Left out for a browser, whose refresh token travels only in its cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

#[derive(Serialize)]
pub struct TariffView<'a> {
    id: &'a str,
    name: &'a str,
    credits: i64,
    price: &'a Money,
    active: bool,
}

impl<'a> From<&'a Tariff> for TariffView<'a> {
    fn from(t: &'a Tariff) -> Self {
        Self {
            id: t.id.as_ref(),
            name: t.name.as_ref(),
            credits: t.credits,
            price: &t.price,
            active: t.active,
        }
    }
}

/// A ledger entry as its account holder sees it.
#[derive(Serialize)]
pub struct LedgerEntryView<'a> {
    id: &'a str,
    kind: LedgerKind,
    credits: i64,
    balance_after: i64,
    created_at: Timestamp,
    reference: &'a str,
    reason: Option<&'a str>,
}

impl<'a> From<&'a LedgerLine> for LedgerEntryView<'a> {
    fn from(line: &'a LedgerLine) -> Self {
        let e = &line.entry;
        Self {
            id: &e.id,
            kind: e.kind,
            credits: e.credits,
            balance_after: line.balance_after,
            created_at: e.created_at,
            reference: &e.reference,
            reason: e.reason.as_deref(),
        }
    }
}

/// An invoice as its client and partner managers see it (whom it was billed to stays in
/// the store; the company is shown beside it where it matters).
#[derive(Serialize)]
pub struct InvoiceView<'a> {
    id: &'a str,
    number: &'a str,
    purchase_id: &'a str,
    amount: &'a Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    discount: Option<&'a Money>,
    status: InvoiceStatus,
    hosted_invoice_url: &'a str,
    pdf_url: &'a str,
    issued_at: Timestamp,
}

impl<'a> From<&'a Invoice> for InvoiceView<'a> {
    fn from(invoice: &'a Invoice) -> Self {
        Self {
            id: &invoice.id,
            number: &invoice.number,
            purchase_id: &invoice.purchase_id,
            amount: &invoice.amount,
            discount: invoice.discount.as_ref(),
            status: invoice.status,
            hosted_invoice_url: &invoice.hosted_invoice_url,
            pdf_url: &invoice.pdf_url,
            issued_at: invoice.issued_at,
        }
    }
}

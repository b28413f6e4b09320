//! The export of everything held about an account (access and portability): the
//! account's items found through the ownership list, grouped by kind, each kind mapped
//! explicitly. The mapping is a `match` on [`ItemKind`] with no wildcard, so a kind added
//! later does not compile until it says how it is exported. Secrets never leave: the
//! password hash, refresh tokens' hashes (their keys), token generations and the ended
//! sessions are dropped here. The document's schema is `docs/export-format.md`.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::ownership::ItemKind;
use super::{Item, StoreError, from_item};
use crate::clock::rfc3339;
use crate::domain::{Account, AccountId, Message};
use crate::store::{RefreshRecord, SessionFamily};

/// The export's format name and version; a change of the format bumps the version and
/// `docs/export-format.md` says what changed.
pub const EXPORT_FORMAT: &str = "natives.chat/personal-data-export";
pub const EXPORT_FORMAT_VERSION: u32 = 1;

/// What the export needs beyond the items.
pub struct ExportContext<'a> {
    /// Where archived recordings are served (the CDN); `None`: the API's own
    /// `/v1/messages/{id}/voice`, which redirects to the recording.
    pub voice_base_url: Option<&'a str>,
}

impl ItemKind {
    /// The section of the export that holds this kind's items; `None` for the
    /// platform's own items, which are never found under an account.
    pub fn export_section(self) -> Option<&'static str> {
        Some(match self {
            ItemKind::Account => "account",
            ItemKind::EmailClaim => "email_addresses",
            ItemKind::SessionFamily => "sessions",
            ItemKind::RefreshToken => "refresh_tokens",
            ItemKind::LedgerEntry => "ledger_entries",
            ItemKind::Purchase => "purchases",
            ItemKind::AuditEntry => "staff_actions_about_me",
            ItemKind::Thread => "threads",
            ItemKind::ThreadStarted => "threads_started",
            ItemKind::Message => "messages",
            ItemKind::Revision => "message_revisions",
            ItemKind::UploadClaim => "voice_uploads",
            ItemKind::TermsAcceptance => "terms_acceptances",
            ItemKind::ConsentChange => "consent_history",
            ItemKind::PrivacyRequest => "privacy_requests",
            ItemKind::Notification => "notifications",
            ItemKind::OutboxEmail => "emails",
            ItemKind::Complaint => "complaints_filed",
            ItemKind::IdempotencyRecord => "remembered_answers",
            ItemKind::Tariff
            | ItemKind::FirstAdminClaim
            | ItemKind::BreachNotice
            | ItemKind::ComplaintOutcome
            | ItemKind::QueueEntry => return None,
        })
    }
}

/// One item as exported, by its kind's mapping.
fn export_item(
    kind: ItemKind,
    item: Item,
    context: &ExportContext<'_>,
) -> Result<Option<Value>, StoreError> {
    Ok(Some(match kind {
        ItemKind::Account => {
            let a: Account = from_item(item)?;
            json!({
                "id": a.id,
                "email": a.email,
                "display_name": a.display_name,
                "full_name": a.full_name,
                "gender": a.gender,
                "date_of_birth": a.date_of_birth,
                "country": a.country,
                "city": a.city,
                "native_languages": a.native_languages,
                "learning_languages": a.learning_languages,
                "guardian": a.guardian,
                "consents": a.consents,
                "accepted_terms_version": a.accepted_terms_version,
                "terms_accepted_at": a.terms_accepted_at,
                "roles": a.roles,
                "status": a.status,
                "blocked_until": a.blocked_until,
                "balance_credits": a.balance_credits,
                "moderation_record": a.moderation_record,
                "restricted_at": a.restricted_at,
                "objected_at": a.objected_at,
                "created_at": a.created_at,
                "updated_at": a.updated_at,
            })
        }
        ItemKind::EmailClaim => {
            let email = match item.get("pk") {
                Some(aws_sdk_dynamodb::types::AttributeValue::S(pk)) => {
                    super::keys::email_of_claim(pk)
                        .unwrap_or_default()
                        .to_owned()
                }
                _ => String::new(),
            };
            let mut value = plain(item)?;
            value.insert("email".into(), json!(email));
            Value::Object(value)
        }
        ItemKind::SessionFamily => {
            let f: SessionFamily = from_item(item)?;
            json!({
                "session_id": f.family_id,
                "created_at": f.created_at,
                "last_used_at": f.last_used_at,
                "revoked_at": f.revoked_at,
                "expires_at": epoch_text(f.expires_at_epoch),
            })
        }
        // The token's hash is its key: only when it was made and used is exported.
        ItemKind::RefreshToken => {
            let r: RefreshRecord = from_item(item)?;
            json!({
                "session_id": r.family_id,
                "created_at": r.created_at,
                "used_at": r.used_at,
                "expires_at": epoch_text(r.expires_at_epoch),
            })
        }
        ItemKind::Message => {
            let message: Message = from_item(item)?;
            let voice = message.voice.as_ref().map(|voice| {
                json!({
                    "url": voice_url(&message, &voice.key, context),
                    "content_type": voice.content_type,
                    "size_bytes": voice.size_bytes,
                    "sha256": voice.sha256,
                })
            });
            json!({
                "id": message.id,
                "thread_id": message.thread_id,
                "kind": message.kind,
                "text": message.text,
                "voice": voice,
                "reply_to": message.reply_to,
                "created_at": message.created_at,
                "edited_at": message.edited_at,
                "revision": message.revision,
            })
        }
        ItemKind::LedgerEntry
        | ItemKind::Purchase
        | ItemKind::AuditEntry
        | ItemKind::Thread
        | ItemKind::ThreadStarted
        | ItemKind::Revision
        | ItemKind::UploadClaim
        | ItemKind::TermsAcceptance
        | ItemKind::ConsentChange
        | ItemKind::PrivacyRequest
        | ItemKind::Notification
        | ItemKind::OutboxEmail
        | ItemKind::Complaint
        | ItemKind::IdempotencyRecord => Value::Object(plain(item)?),
        ItemKind::Tariff
        | ItemKind::FirstAdminClaim
        | ItemKind::BreachNotice
        | ItemKind::ComplaintOutcome
        | ItemKind::QueueEntry => return Ok(None),
    }))
}

/// The whole export of `account_id` from its items.
pub fn export_document(
    account_id: &AccountId,
    items: Vec<(ItemKind, Item)>,
    context: &ExportContext<'_>,
    now: OffsetDateTime,
) -> Result<Value, StoreError> {
    let mut sections = Map::new();
    for spec in super::ownership::ITEM_KINDS {
        if let Some(section) = spec.kind.export_section() {
            sections.insert(section.into(), Value::Array(Vec::new()));
        }
    }
    for (kind, item) in items {
        let (Some(section), Some(value)) =
            (kind.export_section(), export_item(kind, item, context)?)
        else {
            continue;
        };
        if let Some(Value::Array(list)) = sections.get_mut(section) {
            list.push(value);
        }
    }
    Ok(json!({
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": rfc3339::format(now),
        "account_id": account_id,
        "sections": sections,
    }))
}

/// An item's attributes without the table's keys (the data, not where it is kept).
fn plain(item: Item) -> Result<Map<String, Value>, StoreError> {
    let value: Value = from_item(item)?;
    let Value::Object(mut map) = value else {
        return Err(StoreError::Corrupt("an item is not a map".into()));
    };
    for key in ["pk", "sk", "gsi1pk", "gsi1sk"] {
        map.remove(key);
    }
    Ok(map)
}

fn epoch_text(epoch: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .map(rfc3339::format)
}

fn voice_url(message: &Message, key: &str, context: &ExportContext<'_>) -> String {
    match context.voice_base_url {
        Some(base) => format!("{}/{key}", base.trim_end_matches('/')),
        None => format!("/v1/messages/{}/voice", message.id),
    }
}

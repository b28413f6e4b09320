//! `POST /v1/admin/breach-notices`: record a personal-data breach and the accounts it
//! affects (absent: every account). Recording is one transaction with its audit entry;
//! the table's stream then gives each affected account a notification and queues an
//! e-mail to it (`send-outbox`), once each.

use std::collections::BTreeSet;

use natives_shared::domain::AuditEntry;
use natives_shared::domain::{
    AccountId, AuditEntryId, BreachNotice, TextLimits, ThreadTitle, Timestamp, Validator,
    parse_public_text,
};
use natives_shared::http::{json, json_body, not_null};
use natives_shared::ids::new_id;
use serde::Deserialize;
use serde_json::json;

use crate::access::{Admin, Staff};
use crate::{App, HandlerResult};

const DESCRIPTION_LIMITS: TextLimits = TextLimits::multi_line(4000, 100);
/// At most this many accounts named in one notice (more: notify everyone).
const MAX_ACCOUNTS: usize = 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeRequest {
    title: String,
    description: String,
    #[serde(default, deserialize_with = "not_null")]
    account_ids: Option<Vec<String>>,
}

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    caller: Staff<Admin>,
) -> HandlerResult {
    let body: NoticeRequest = json_body(&request)?;
    let mut v = Validator::new();
    let title = v.check("title", ThreadTitle::parse(&body.title));
    let description = v.check(
        "description",
        parse_public_text(&body.description, DESCRIPTION_LIMITS),
    );
    let account_ids = match body.account_ids {
        None => Some(None),
        Some(raw) if raw.is_empty() || raw.len() > MAX_ACCOUNTS => {
            v.fail(
                "account_ids",
                format!("name 1 to {MAX_ACCOUNTS} accounts, or leave it out for every account"),
            );
            None
        }
        Some(raw) => {
            let parsed: Result<BTreeSet<AccountId>, String> =
                raw.iter().map(|id| AccountId::parse(id)).collect();
            v.check("account_ids", parsed)
                .map(|ids| Some(ids.into_iter().collect::<Vec<_>>()))
        }
    };
    let (title, description, account_ids) = v.finish(|| {
        (
            title.expect("checked"),
            description.expect("checked"),
            account_ids.expect("checked"),
        )
    })?;
    let now = app.now();
    let notice = BreachNotice {
        id: new_id(),
        title: title.as_ref().to_owned(),
        description,
        account_ids,
        recorded_by: caller.account_id.clone(),
        created_at: Timestamp::at(now),
    };
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: caller.account_id.clone().into(),
        action: "breach_notice.record".into(),
        target: format!("breach_notice:{}", notice.id),
        target_account_id: None,
        reason: notice.title.clone(),
        created_at: notice.created_at,
    };
    app.store
        .record_breach_notice(&caller, &notice, &audit, now)
        .await?;
    Ok(json(
        201,
        &json!({
            "id": notice.id,
            "title": notice.title,
            "description": notice.description,
            "account_ids": notice.account_ids,
            "created_at": notice.created_at,
        }),
    ))
}

//! `POST /v1/admin/breach-notices`: record a personal-data breach and the accounts it
//! affects (absent: every account). Recording is one transaction with its audit entry;
//! the table's stream then gives each affected account a notification and queues an
//! e-mail to it (`send-outbox`), once each.

use std::collections::BTreeSet;

use natives_shared::clock::rfc3339;
use natives_shared::domain::{
    AccountId, AuditEntryId, BreachNotice, NoticeDescription, NoticeTitle, Validator,
};
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body, not_null};
use natives_shared::ids::new_id;
use natives_shared::store::AuditEntry;
use serde::Deserialize;
use serde_json::json;

use crate::{App, HandlerResult};

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

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: NoticeRequest = json_body(&request)?;
    let mut v = Validator::new();
    let title = v.check("title", NoticeTitle::parse(&body.title));
    let description = v.check(
        "description",
        NoticeDescription::parse(&body.description).map(String::from),
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
        created_at: rfc3339::format(now),
    };
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: caller.account_id.clone(),
        action: "breach_notice.record".into(),
        target: format!("breach_notice:{}", notice.id),
        target_account_id: None,
        reason: notice.title.clone(),
        created_at: notice.created_at.clone(),
    };
    app.store
        .record_breach_notice(&caller, &notice, &audit, now)
        .await??;
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

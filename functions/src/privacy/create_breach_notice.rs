//! `POST /v1/admin/breach-notices`: record a personal-data breach and the accounts it
//! affects (absent: every account). Recording is one transaction with its audit entry;
//! the table's stream then gives each affected account a notification and queues an
//! e-mail to it (`send-outbox`), once each.

use std::collections::BTreeSet;

use natives_shared::domain::decide::outbox::NewBreachNotice;
use natives_shared::domain::{
    AccountId, BreachNotice, NoticeDescription, NoticeTitle, Timestamp, Validator,
};
use natives_shared::http::{json, json_body, not_null};
use serde::{Deserialize, Serialize};

use crate::access::{Admin, Staff};
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

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    caller: Staff<Admin>,
) -> HandlerResult {
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
    let new = NewBreachNotice {
        title: title.as_ref().to_owned(),
        description,
        account_ids,
    };
    let plan = app
        .store
        .record_breach_notice(&caller, &new, app.now())
        .await?;
    Ok(json(201, &NoticeView::from(&plan.notice)))
}

/// A breach notice as recorded.
#[derive(Serialize)]
struct NoticeView<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    account_ids: Option<&'a [AccountId]>,
    created_at: Timestamp,
}

impl<'a> From<&'a BreachNotice> for NoticeView<'a> {
    fn from(notice: &'a BreachNotice) -> Self {
        Self {
            id: &notice.id,
            title: &notice.title,
            description: &notice.description,
            account_ids: notice.account_ids.as_deref(),
            created_at: notice.created_at,
        }
    }
}

//! `GET /v1/moderation/queue`: messages with open complaints, most complained first,
//! with what exactly was reported, the message as it is now, and its author's record.

use std::collections::HashMap;

use lambda_http::Request;
use natives_shared::domain::{Author, ModerationRecord, Viewer};
use natives_shared::gate::Caller;
use natives_shared::http::json;
use serde::Serialize;
use serde_json::json;

use super::list_my_complaints::pagination;
use super::views::ReportView;
use crate::conversations::views::MessageView;
use crate::{App, HandlerResult};

#[derive(Serialize)]
struct AuthorRecord<'a> {
    id: &'a str,
    display_name: &'a str,
    status: natives_shared::domain::AccountStatus,
    moderation_record: ModerationRecord,
}

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let page = pagination(&request)?;
    let (items, next) = app
        .store
        .review_queue(&caller, page.limit, page.cursor.as_deref(), app.now())
        .await??;
    let moderator = Viewer {
        account_id: caller.account_id.clone(),
        moderator: true,
    };
    let authors: HashMap<_, _> = items
        .iter()
        .filter_map(|i| i.author.as_ref())
        .map(|a| {
            (
                a.id.clone(),
                Author {
                    id: a.id.clone(),
                    display_name: a.display_name.clone(),
                    badges: Vec::new(),
                },
            )
        })
        .collect();
    let entries: Vec<_> = items
        .iter()
        .map(|item| {
            json!({
                "message_id": item.entry.message_id.to_string(),
                "thread_id": item.entry.thread_id.as_str(),
                "open_complaints": item.entry.open_complaints,
                "first_complaint_at": item.entry.first_complaint_at,
                "message": item.message.as_ref().map(|m| MessageView::new(app, m, &authors, Some(&moderator))),
                "complaints": item.entry.complaints.iter().map(ReportView::from).collect::<Vec<_>>(),
                "author": item.author.as_ref().map(|a| AuthorRecord {
                    id: a.id.as_str(),
                    display_name: &a.display_name,
                    status: a.status,
                    moderation_record: a.moderation_record,
                }),
            })
        })
        .collect();
    Ok(json(200, &json!({ "items": entries, "next_cursor": next })))
}

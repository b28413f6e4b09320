//! `GET /v1/threads/{thread_id}/messages?limit=&cursor=`: a thread's messages, oldest
//! first. Free to read: public and cacheable for visitors.

use lambda_http::{Request, RequestExt};
use natives_shared::domain::{FieldError, ThreadId};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, Audience, Pagination, cached, json, path_id};
use serde_json::json;

use super::views::MessageView;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, viewer: Option<Caller>) -> HandlerResult {
    let thread_id: ThreadId = path_id(&request, "thread_id")?;
    let parameters = request
        .query_string_parameters()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let page = Pagination::parse(&parameters)?;
    let after = match page.cursor.as_deref() {
        None => None,
        Some(raw) if is_cursor(raw) => Some(raw.to_owned()),
        Some(_) => {
            return Err(ApiError::Validation(vec![FieldError {
                field: "cursor".into(),
                message: "is not a cursor this list gave out".into(),
            }]));
        }
    };
    let page = app
        .store
        .messages_page(&thread_id, page.limit, after.as_deref())
        .await?;
    if after.is_none() && page.thread.is_none() {
        return Err(ApiError::NotFound);
    }
    let (authors, seen_by) = app
        .store
        .authors(
            page.messages.iter().map(|m| &m.author_id),
            viewer.as_deref(),
            app.now(),
        )
        .await?;
    // Hidden and removed messages are not there for anyone but their author and
    // moderators.
    let items: Vec<MessageView> = page
        .messages
        .iter()
        .filter(|m| m.visible_to(seen_by.as_ref()))
        .map(|m| MessageView::new(app, m, &authors, seen_by.as_ref()))
        .collect();
    let body = json!({ "items": items, "next_cursor": page.next });
    Ok(cached(&request, json(200, &body), audience(&viewer)))
}

/// Visitors all see the same; a caller with a token may see more (their own hidden
/// messages), so their answer is theirs alone.
pub fn audience(viewer: &Option<Caller>) -> Audience {
    match viewer {
        None => Audience::Public { max_age: 5 },
        Some(_) => Audience::Private,
    }
}

/// Whether a cursor can be one this list gives out: the id of the last message of a page,
/// the message's own part (a ULID, canonical spelling: the pattern `docs/openapi.yaml`
/// states).
pub fn is_cursor(raw: &str) -> bool {
    ulid::Ulid::from_string(raw).is_ok_and(|u| u.to_string() == raw)
}

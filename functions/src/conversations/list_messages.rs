//! `GET /v1/threads/{thread_id}/messages?limit=&cursor=`: a thread's messages, oldest
//! first. Free to read: public and cacheable for visitors.

use lambda_http::Request;
use natives_shared::domain::ThreadId;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, Pagination, cached, json, path_id};

use crate::views::Page;

use super::audience;
use super::views::MessageView;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, viewer: Option<Caller>) -> HandlerResult {
    let thread_id: ThreadId = path_id(&request, "thread_id")?;
    let page = Pagination::from_request(&request)?.with_cursor_from(is_cursor)?;
    let after = page.cursor.clone();
    let page = app
        .store
        .messages_page(&thread_id, page.limit, after.as_deref())
        .await?;
    // A later page reads its thread too: a hidden or removed thread's messages are
    // gone with it, on every page.
    let thread = match page.thread {
        Some(thread) => thread,
        None if after.is_some() => app
            .store
            .thread(&thread_id)
            .await?
            .ok_or(ApiError::NotFound)?,
        None => return Err(ApiError::NotFound),
    };
    let (authors, seen_by) = app
        .store
        .authors(
            page.messages.iter().map(|m| &m.author_id),
            viewer.as_deref(),
            app.now(),
        )
        .await?;
    if !thread.visible_to(seen_by.as_ref()) {
        return Err(ApiError::NotFound);
    }
    // Hidden and removed messages are not there for anyone but their author and
    // moderators.
    let items: Vec<MessageView> = page
        .messages
        .iter()
        .filter(|m| m.visible_to(seen_by.as_ref()))
        .map(|m| MessageView::new(m, &authors, seen_by.as_ref()))
        .collect();
    let body = Page::new(items, page.next);
    Ok(cached(&request, json(200, &body), audience(&viewer)))
}

/// Whether a cursor can be one this list gives out: the id of the last message of a page,
/// the message's own part (a ULID, canonical spelling: the pattern `docs/openapi.yaml`
/// states).
pub fn is_cursor(raw: &str) -> bool {
    ulid::Ulid::from_string(raw).is_ok_and(|u| u.to_string() == raw)
}

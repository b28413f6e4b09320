//! `GET /v1/threads?language=&limit=&cursor=`: one language's threads, most recently
//! active first. Public and cacheable.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lambda_http::{Request, RequestExt};
use natives_shared::domain::{FieldError, LanguageTag};
use natives_shared::http::{ApiError, Audience, Pagination, cached, json};

use super::views::ThreadView;
use crate::views::Page;
use crate::{App, HandlerResult, Visitor};

pub async fn handle(app: &App, request: Request, _: Visitor) -> HandlerResult {
    let query = request.query_string_parameters();
    let page = Pagination::from_request(&request)?;
    let language = query
        .first("language")
        .ok_or_else(|| {
            invalid(
                "language",
                "is required: threads are listed by language".into(),
            )
        })
        .and_then(|raw| LanguageTag::parse(raw).map_err(|e| invalid("language", e)))?;
    let before = page
        .cursor
        .as_deref()
        .map(|raw| {
            decode_cursor(raw)
                .ok_or_else(|| invalid("cursor", "is not a cursor this list gave out".into()))
        })
        .transpose()?;
    let shards = app
        .settings
        .conversations
        .thread_list_shards(language.as_ref());
    let threads = app
        .store
        .threads_page(language.as_ref(), shards, page.limit, before.as_deref())
        .await?;
    let (authors, _) = app
        .store
        .authors(
            threads.threads.iter().map(|t| &t.author_id),
            None,
            app.now(),
        )
        .await?;
    let items: Vec<ThreadView> = threads
        .threads
        .iter()
        .map(|t| ThreadView::new(t, &authors))
        .collect();
    let body = Page::new(
        items,
        threads
            .next
            .map(|position| URL_SAFE_NO_PAD.encode(position)),
    );
    Ok(cached(
        &request,
        json(200, &body),
        Audience::Public { max_age: 5 },
    ))
}

fn invalid(field: &str, message: String) -> ApiError {
    ApiError::Validation(vec![FieldError {
        field: field.into(),
        message,
    }])
}

/// A list position: `<RFC 3339 time>#<thread id>`.
fn decode_cursor(raw: &str) -> Option<String> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).ok()?).ok()?;
    let (at, id) = text.split_once('#')?;
    (natives_shared::clock::rfc3339::parse(at).is_some()
        && natives_shared::domain::ThreadId::parse(id).is_ok())
    .then_some(text)
}

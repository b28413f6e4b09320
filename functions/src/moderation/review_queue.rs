//! `GET /v1/moderation/queue`: messages with open complaints, most complained first,
//! with what exactly was reported, the message as it is now, and its author's record.

use std::collections::HashMap;

use lambda_http::Request;
use natives_shared::domain::{Author, Viewer};
use natives_shared::http::json;

use super::views::{Page, ReviewEntryView};
use crate::access::{Moderator, Staff};
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, moderator: Staff<Moderator>) -> HandlerResult {
    let page = super::pagination(&request)?;
    let (items, next) = app
        .store
        .review_queue(&moderator, page.limit, page.cursor.as_deref(), app.now())
        .await?;
    let viewer = Viewer {
        account_id: moderator.account_id.clone(),
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
                    display_name: a.display_name.to_string(),
                    badges: Vec::new(),
                },
            )
        })
        .collect();
    let entries: Vec<ReviewEntryView> = items
        .iter()
        .map(|item| ReviewEntryView::new(item, &authors, &viewer))
        .collect();
    Ok(json(200, &Page::new(entries, next)))
}

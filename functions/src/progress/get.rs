//! `GET /v1/me/progress`: the caller's statistics per language of the threads it posted
//! in, on today's UTC date (streaks depend on it), read with the account in one request.

use natives_shared::domain::decide::progress::every_language;
use natives_shared::domain::{Day, LanguageProgress};
use natives_shared::gate::Caller;
use natives_shared::http::json;
use serde::Serialize;

use crate::{App, HandlerResult};

#[derive(Serialize)]
struct ProgressView {
    languages: Vec<LanguageProgress>,
}

pub async fn handle(app: &App, _request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let now = app.now();
    let counters = app.store.own_progress(&caller, now).await?;
    let languages = every_language(&counters, Day::of(now));
    Ok(json(200, &ProgressView { languages }))
}

//! `DELETE /v1/me/photo`: the caller's profile photo is deleted: its files first (a photo
//! is personal data: once this answers, the bytes are gone and its URLs answer 404), then
//! the account's pointer to it, on condition that it is still the one read. No photo:
//! 204 all the same.

use lambda_http::Request;
use natives_shared::domain::decide::photos::PhotoSweep;
use natives_shared::gate::Caller;
use natives_shared::http::no_content;

use crate::{App, HandlerResult};

pub async fn handle(app: &App, _request: Request, caller: Caller) -> HandlerResult {
    let now = app.now();
    let account = app.store.caller_account(&caller, now).await?;
    let photo = account.photo.as_ref().map(|p| &p.id);
    let sweep = PhotoSweep::Leftovers {
        keep: None,
        gone: photo,
    };
    app.archive()?
        .sweep_photos(&caller.account_id, sweep, now)
        .await?;
    app.store
        .remove_photo(&caller, &account, photo, now)
        .await?;
    Ok(no_content())
}

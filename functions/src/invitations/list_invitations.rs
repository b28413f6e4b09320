//! `GET /v1/me/invitations`: the friends I invited, newest first; one who joined shows
//! as their account (display name), never their address.

use natives_shared::gate::Caller;
use natives_shared::http::{Pagination, json};

use super::views::InvitationView;
use crate::views::Page;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let page = Pagination::from_request(&request)?
        .with_cursor_from(natives_shared::store::is_invitation_cursor)?;
    let (invitations, next) = app
        .store
        .invitations(&caller, page.limit, page.cursor.as_deref(), app.now())
        .await?;
    let items: Vec<InvitationView> = invitations
        .iter()
        .map(|listed| InvitationView::new(&listed.invitation, listed.friend.as_ref()))
        .collect();
    Ok(json(200, &Page::new(items, next)))
}

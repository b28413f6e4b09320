//! `POST /v1/me/invitations`: the caller invites a friend by e-mail. The answer is the
//! same whether or not the address has an account, or opted out of invitations (then no
//! e-mail goes, and nothing says so).

use natives_shared::auth::InvitationCode;
use natives_shared::domain::decide::invitations::FreshInvitation;
use natives_shared::domain::{Email, InvitationId, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body};
use serde::Deserialize;

use super::views::InvitationView;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InviteRequest {
    email: String,
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: InviteRequest = json_body(&request)?;
    let mut v = Validator::new();
    let email = v.check("email", Email::parse(&body.email));
    let email = v.finish(|| email.expect("checked"))?;
    let id = InvitationId::new();
    let code = InvitationCode::generate(&caller.account_id, &id);
    let fresh = FreshInvitation {
        id,
        code: code.expose(),
        code_digest: code.digest_hex(),
        address_digest: app.code_key()?.address_digest(&email),
    };
    let invitation = app
        .store
        .invite(
            &caller,
            &email,
            &fresh,
            &app.settings.invitations,
            app.now(),
        )
        .await?;
    Ok(json(201, &InvitationView::new(&invitation, None)))
}

//! `POST /v1/invitations/opt-out`: whoever holds an invitation's code (the friend, from
//! the e-mail) stops every invitation to its address. Only the address's keyed hash is
//! kept. An unknown code is 404: the code is a secret only the e-mail carried, so the
//! answer tells its holder nothing they did not know.

use natives_shared::auth::InvitationCode;
use natives_shared::domain::Validator;
use natives_shared::http::json_body;
use serde::Deserialize;

use crate::{App, HandlerResult, Visitor};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptOutRequest {
    code: String,
}

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let body: OptOutRequest = json_body(&request)?;
    let mut v = Validator::new();
    let code = v.check(
        "code",
        InvitationCode::parse(&body.code).ok_or_else(|| "is not an invitation code".to_owned()),
    );
    let code = v.finish(|| code.expect("checked"))?;
    app.store
        .opt_out_of_invitations(
            &code.inviter_id,
            &code.invitation_id,
            &code.digest_hex(),
            app.now(),
        )
        .await?;
    Ok(natives_shared::http::no_content())
}

//! `POST /v1/me/email-change/confirm`: the code sent to the new address; the account
//! moves there (its uniqueness claim with it, in one transaction) and the old address
//! is told.

use natives_shared::domain::CodePurpose;
use natives_shared::gate::Caller;

use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    super::confirm(app, &request, &caller, CodePurpose::EmailChange).await
}

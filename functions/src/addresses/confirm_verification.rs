//! `POST /v1/me/email-verification/confirm`: the code sent to the account's address;
//! the address is verified.

use natives_shared::domain::CodePurpose;
use natives_shared::gate::Caller;

use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    super::confirm(app, &request, &caller, CodePurpose::EmailVerification).await
}

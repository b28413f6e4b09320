//! The account's e-mail address: verified with a code sent there, or moved to a new
//! one with a code sent to the new one.

pub mod confirm_change;
pub mod confirm_verification;
pub mod request_change;
pub mod request_verification;

use natives_shared::auth::Code;
use natives_shared::domain::CodePurpose;
use natives_shared::domain::decide::email_codes::CodeRefusal;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body};
use serde::Deserialize;

use crate::views::AccountView;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmCode {
    code: String,
}

/// The `{code}` of a confirmation: not six digits is no code of ours.
fn presented_code(request: &lambda_http::Request) -> Result<Code, ApiError> {
    let body: ConfirmCode = json_body(request)?;
    Code::parse(&body.code).ok_or_else(|| CodeRefusal::InvalidCode.into())
}

/// A confirmation of the caller's code of `purpose`: 200 with the account as it is now.
async fn confirm(
    app: &App,
    request: &lambda_http::Request,
    caller: &Caller,
    purpose: CodePurpose,
) -> HandlerResult {
    let code = presented_code(request)?;
    let account = app
        .store
        .confirm_code(caller, purpose, app.code_key()?, &code, app.now())
        .await?;
    Ok(json(200, &AccountView::from(&account)))
}

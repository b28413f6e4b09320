//! The account's e-mail address: verified with a code sent there, or moved to a new
//! one with a code sent to the new one.

pub mod confirm_change;
pub mod confirm_verification;
pub mod request_change;
pub mod request_verification;

use natives_shared::auth::Code;
use natives_shared::domain::decide::email_codes::CodeRefusal;
use natives_shared::http::{ApiError, json_body};
use serde::Deserialize;

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

//! `POST /v1/me/email-verification/confirm`: the code sent to the account's address;
//! the address is verified.

use natives_shared::domain::CodePurpose;
use natives_shared::gate::Caller;
use natives_shared::http::json;

use super::presented_code;
use crate::views::AccountView;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let code = presented_code(&request)?;
    let account = app
        .store
        .confirm_code(
            &caller,
            CodePurpose::EmailVerification,
            app.code_key()?,
            &code,
            app.now(),
        )
        .await?;
    Ok(json(200, &AccountView::from(&account)))
}

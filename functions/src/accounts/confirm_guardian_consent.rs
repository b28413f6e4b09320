//! `POST /v1/guardian-consents`: a minor's guardian follows the link their e-mail
//! carries and confirms consent; until then the minor's account neither pays nor posts.
//! The token is a keyed hash of the account and the guardian as asked (address, time),
//! so only that e-mail holds it. A link that proves nothing is one answer (422
//! `invalid_consent_link`) whatever the reason, so it tells no more than the token
//! proves; a proven link confirms once (409 `consent_already_confirmed` after) and
//! within its lifetime (422 `consent_link_expired` after).

use natives_shared::domain::AccountId;
use natives_shared::domain::Timestamp;
use natives_shared::domain::decide::accounts::GuardianConsentRefusal;
use natives_shared::http::{json, json_body};
use serde::{Deserialize, Serialize};

use crate::{App, HandlerResult, Visitor};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentRequest {
    account_id: String,
    token: String,
}

#[derive(Serialize)]
struct ConsentResponse {
    account_id: AccountId,
    confirmed_at: Timestamp,
}

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let body: ConsentRequest = json_body(&request)?;
    let account_id = AccountId::parse(body.account_id.trim())
        .map_err(|_| GuardianConsentRefusal::InvalidLink)?;
    let key = app.code_key()?;
    let token = body.token.as_str();
    let confirmed_at = app
        .store
        .confirm_guardian_consent(
            &account_id,
            |guardian| key.proves_guardian_consent(&account_id, guardian, token),
            app.now(),
        )
        .await?;
    Ok(json(
        200,
        &ConsentResponse {
            account_id,
            confirmed_at,
        },
    ))
}

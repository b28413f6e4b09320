//! `PUT /v1/admin/accounts/{account_id}/roles`: an admin sets an account's roles
//! (`user` always stays). The change applies from the account's next request. An admin
//! cannot drop their own admin role.

use lambda_http::Request;
use natives_shared::domain::{AccountId, Role};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body, path_id};
use natives_shared::store::AccountAction;
use serde::Deserialize;
use serde_json::json;

use super::audit;
use super::block_account::refused;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesRequest {
    roles: Vec<Role>,
}

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let target: AccountId = path_id(&request, "account_id")?;
    let body: RolesRequest = json_body(&request)?;
    let mut roles = vec![Role::User];
    for role in body.roles {
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    let now = app.now();
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let entry = audit(
        &caller,
        "account.roles",
        format!("account:{target}"),
        Some(&target),
        format!("roles: {}", names.join(", ")),
        now,
    );
    match app
        .store
        .set_roles_by_admin(&caller, &target, &roles, &entry, now)
        .await?
    {
        AccountAction::Done(account) => Ok(json(
            200,
            &json!({ "account_id": account.id, "roles": account.roles }),
        )),
        AccountAction::Own => Err(ApiError::forbidden(
            "Admins cannot remove their own admin role; another admin can.",
        )),
        other => Err(refused(other)),
    }
}

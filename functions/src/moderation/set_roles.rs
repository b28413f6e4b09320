//! `PUT /v1/admin/accounts/{account_id}/roles`: an admin sets an account's roles
//! (`user` always stays). The change applies from the account's next request. An admin
//! cannot drop their own admin role.

use lambda_http::Request;
use natives_shared::domain::{AccountId, Role};
use natives_shared::http::{json, json_body, path_id};
use serde::Deserialize;

use super::views::RolesView;
use crate::access::{Admin, Staff};
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesRequest {
    roles: Vec<Role>,
}

pub async fn handle(app: &App, request: Request, admin: Staff<Admin>) -> HandlerResult {
    let target: AccountId = path_id(&request, "account_id")?;
    let body: RolesRequest = json_body(&request)?;
    let account = app
        .store
        .set_roles(&admin, &target, &body.roles, app.now())
        .await?;
    Ok(json(200, &RolesView::from(&account)))
}

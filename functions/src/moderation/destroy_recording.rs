//! `POST /v1/admin/messages/{message_id}/recording-destruction`: the break-glass path.
//! An admin destroys a removed message's recording for a legal reason: the message is
//! marked destroyed with its audit entry, then every archived version goes (legal hold
//! lifted, governance retention bypassed). A retry finishes an interrupted deletion.

use lambda_http::Request;
use natives_shared::domain::{LegalBasis, MessageId, StaffReason, Timestamp, Validator};
use natives_shared::http::{json, json_body, path_id};
use serde::{Deserialize, Serialize};

use crate::access::{Admin, Staff};
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DestructionRequest {
    reason: String,
    legal_basis: LegalBasis,
}

#[derive(Serialize)]
struct DestructionView {
    message_id: String,
    destroyed_at: Timestamp,
    /// Archived versions this request deleted (0 on a retry that found none left).
    versions_deleted: u32,
}

pub async fn handle(app: &App, request: Request, admin: Staff<Admin>) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let body: DestructionRequest = json_body(&request)?;
    let mut v = Validator::new();
    let reason = v.check("reason", StaffReason::parse(&body.reason));
    let reason = v.finish(|| reason.expect("checked"))?;
    let plan = app
        .store
        .destroy_recording(&admin, &message_id, body.legal_basis, &reason, app.now())
        .await?;
    let versions_deleted = app.archive()?.destroy(&plan.archive_key).await?;
    Ok(json(
        200,
        &DestructionView {
            message_id: plan.message_id.to_string(),
            destroyed_at: plan.destroyed_at,
            versions_deleted,
        },
    ))
}

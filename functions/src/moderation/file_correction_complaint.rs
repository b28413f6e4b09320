//! `POST /v1/messages/{message_id}/corrections/{correction_id}/complaints`: a complaint
//! about a correction, under the same rules as one about a message.

use lambda_http::Request;
use natives_shared::domain::{ComplaintTarget, CorrectionId, MessageId};
use natives_shared::gate::Caller;
use natives_shared::http::path_id;

use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let correction_id: CorrectionId = path_id(&request, "correction_id")?;
    let target = ComplaintTarget::Correction(message_id, correction_id);
    super::file_complaint::file(app, request, caller, target).await
}

//! `POST /v1/moderation/messages/{message_id}/corrections/{correction_id}/actions`: a
//! moderator's decision about a correction, as about a message: it settles the
//! correction's open complaints, and a hidden or removed correction leaves public view.

use lambda_http::Request;
use natives_shared::domain::{ComplaintTarget, CorrectionId, MessageId};
use natives_shared::http::path_id;

use crate::access::{Moderator, Staff};
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, moderator: Staff<Moderator>) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let correction_id: CorrectionId = path_id(&request, "correction_id")?;
    let target = ComplaintTarget::Correction(message_id, correction_id);
    super::act_on_message::decide(app, request, moderator, target).await
}

//! `Idempotency-Key` on paid and money routes (Stripe's convention): a retry with the
//! same key and body gets the first answer and writes nothing more; the same key with
//! another body is 422 `idempotency_key_reused`.

use lambda_http::{Body, Request, Response};
use natives_shared::domain::idempotency::{IdempotentRequest, Replay, StoredAnswer};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, body_bytes};

use crate::{App, HandlerResult};

const HEADER: &str = "idempotency-key";

/// The request under its key, when the client sent one.
pub fn request_under_key(
    request: &Request,
    caller: &Caller,
) -> Result<Option<IdempotentRequest>, ApiError> {
    let Some(value) = request.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .filter(|k| is_key(k))
        .ok_or_else(|| ApiError::BadRequest {
            code: "invalid_idempotency_key",
            detail: "Idempotency-Key is 1 to 255 visible ASCII characters.".into(),
        })?;
    Ok(Some(IdempotentRequest::new(
        &caller.account_id,
        key,
        request.method().as_str(),
        request.uri().path(),
        body_bytes(request),
    )))
}

/// What a key may be: 1 to 255 visible ASCII characters (the pattern `docs/openapi.yaml`
/// states for the header).
pub fn is_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The first answer under a key that was used before.
pub async fn replay(app: &App, request: &IdempotentRequest) -> HandlerResult {
    match app.store.replay(request, app.now()).await? {
        Replay::Answer(answer) => Ok(respond(&answer, true)),
        Replay::KeyReused => Err(ApiError::Unprocessable {
            code: "idempotency_key_reused",
            detail: "This Idempotency-Key was used with another request.".into(),
        }),
        // The write that took the key has not committed (or the key expired as it was
        // read): the client's retry will write or replay.
        Replay::Nothing => Err(ApiError::Conflict {
            code: "idempotency_key_in_use",
            detail: "A request with this Idempotency-Key is in progress; retry shortly.".into(),
        }),
    }
}

/// A JSON answer, remembered as it is sent.
pub fn answer(status: u16, body: &impl serde::Serialize) -> StoredAnswer {
    StoredAnswer {
        status,
        body: serde_json::to_string(body).expect("answers serialise"),
    }
}

/// The response for an answer (`replayed`: it was remembered, not made now).
pub fn respond(answer: &StoredAnswer, replayed: bool) -> Response<Body> {
    let mut builder = Response::builder()
        .status(answer.status)
        .header("content-type", "application/json");
    if replayed {
        builder = builder.header("idempotent-replayed", "true");
    }
    builder
        .body(Body::Text(answer.body.clone()))
        .expect("a remembered answer is well-formed")
}

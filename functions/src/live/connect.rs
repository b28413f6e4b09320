//! `$connect`: the WebSocket upgrade. An optional `?token=` (a browser cannot set headers
//! on a WebSocket) makes the connection the account's, through the same gate as the HTTP
//! routes (the token verified, then the gate's condition on the account with the
//! connection's write); a bad token refuses the upgrade (401). Visitors connect without
//! one. The connection is kept in the table for two hours at most.

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use natives_shared::domain::decide::live::open_connection;
use natives_shared::gate::{Caller, scope_reaches};
use natives_shared::http::ApiError;

use super::{LiveAnswer, LiveEvent};
use crate::App;

pub async fn handle(
    app: &App,
    event: ApiGatewayWebsocketProxyRequest,
) -> Result<LiveAnswer, lambda_http::Error> {
    let event = LiveEvent::try_from(event)?;
    let caller = match gate_token(app, event.token.as_deref()) {
        Ok(caller) => caller,
        Err(error) => return Ok(LiveAnswer::refused(error, &event.request_id)),
    };
    let now = app.now();
    let gate = caller.as_ref().map(|caller| &caller.gate);
    let connection = open_connection(
        event.connection.clone(),
        gate.map(|gate| gate.account_id.clone()),
        now,
    );
    if let Err(failure) = app.store.open_live_connection(gate, &connection, now).await {
        return Ok(LiveAnswer::refused(failure.into(), &event.request_id));
    }
    tracing::info!(
        connection = %event.connection,
        account = caller.as_ref().map(|c| c.account_id.to_string()),
        "connected"
    );
    Ok(LiveAnswer::ok())
}

/// The gate's token step for a token in the query: none is a visitor, a bad one a 401, a
/// privacy session's a 403 (live updates are not among its privacy rights).
fn gate_token(app: &App, token: Option<&str>) -> Result<Option<Caller>, ApiError> {
    let Some(token) = token else {
        return Ok(None);
    };
    let token = app.verifier().verify(token, app.now()).map_err(|error| {
        tracing::debug!(%error, "access token refused");
        ApiError::unauthorized("The access token is invalid or expired.")
    })?;
    scope_reaches(token.scope, false)?;
    Ok(Some(Caller::new(token, None)))
}

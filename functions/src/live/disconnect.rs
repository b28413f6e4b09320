//! `$disconnect`: the connection is gone (closed by the client, by us, or by API Gateway
//! after two hours or ten idle minutes); its items go with it.

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;

use super::{LiveAnswer, LiveEvent};
use crate::App;

pub async fn handle(
    app: &App,
    event: ApiGatewayWebsocketProxyRequest,
) -> Result<LiveAnswer, lambda_http::Error> {
    let event = LiveEvent::try_from(event)?;
    app.store.close_live_connection(&event.connection).await?;
    tracing::info!(connection = %event.connection, "disconnected");
    Ok(LiveAnswer::ok())
}

//! `$default`: every frame a client sends. Parsed by the domain, counted and answered
//! as the domain decides (`decide::live::decide_frame`), the subscription it asks for
//! kept by the store; the answer is the route's response. A client over the rate limit
//! is told `rate_limited` through the Management API and its connection closed.

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use natives_shared::domain::live::{FramePlan, parse_frame};

use super::{LiveAnswer, LiveEvent};
use crate::App;

pub async fn handle(
    app: &App,
    event: ApiGatewayWebsocketProxyRequest,
) -> Result<LiveAnswer, lambda_http::Error> {
    let event = LiveEvent::try_from(event)?;
    let frame = parse_frame(event.body.as_deref().unwrap_or_default());
    if let Err(bad) = &frame {
        tracing::info!(connection = %event.connection, why = bad.0, "bad frame");
    }
    let plan = app
        .store
        .take_live_frame(&event.connection, &frame, app.now())
        .await?;
    match plan {
        FramePlan::Answer { answer, .. } => Ok(LiveAnswer::frame(answer.to_json())),
        FramePlan::Close => {
            let connections = app.connections()?;
            tracing::info!(connection = %event.connection, "rate limited: closing");
            let _ = connections
                .push(&event.connection, &FramePlan::rate_limited().to_json())
                .await;
            connections.close(&event.connection).await?;
            Ok(LiveAnswer::ok())
        }
        FramePlan::Forgotten => {
            tracing::info!(connection = %event.connection, "not held: closing");
            app.connections()?.close(&event.connection).await?;
            Ok(LiveAnswer::ok())
        }
    }
}

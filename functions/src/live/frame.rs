//! `$default`: every frame a client sends. Parsed by the domain; answered with the
//! contract's frame (sent back by the route's response). A client over the rate limit is
//! told `rate_limited` and its connection closed.

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use natives_shared::domain::live::{Answer, ClientFrame, FrameError, parse_frame};

use super::{LiveAnswer, LiveEvent};
use crate::App;

pub async fn handle(
    _app: &App,
    event: ApiGatewayWebsocketProxyRequest,
) -> Result<LiveAnswer, lambda_http::Error> {
    let event = LiveEvent::try_from(event)?;
    let answer = match parse_frame(event.body.as_deref().unwrap_or_default()) {
        Err(bad) => {
            tracing::info!(connection = %event.connection, why = bad.0, "bad frame");
            Answer::error(FrameError::BadFrame)
        }
        Ok(ClientFrame::Ping) => Answer::Pong,
        Ok(ClientFrame::Subscribe(topic)) => Answer::Subscribed(topic),
        Ok(ClientFrame::Unsubscribe(topic)) => Answer::Unsubscribed(topic),
    };
    Ok(LiveAnswer::frame(answer.to_json()))
}

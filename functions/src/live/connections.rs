//! The WebSocket API's connections, as the functions reach them: the API Gateway
//! Management API (`PostToConnection`, `DeleteConnection`) through the AWS SDK. Its
//! endpoint is the API's stage (`AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI` deployed; the
//! local stack's own address locally).

use aws_config::SdkConfig;
use aws_sdk_apigatewaymanagement::Client;
use aws_sdk_apigatewaymanagement::error::SdkError;
use aws_sdk_apigatewaymanagement::operation::delete_connection::DeleteConnectionError;
use aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use natives_shared::domain::live::ConnectionId;

/// What became of one push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    Delivered,
    /// The connection is gone (410): its items are to be deleted.
    Gone,
    /// Not delivered for another reason (throttled after the SDK's retries, the
    /// service failing): the frame is lost for this connection.
    Failed(String),
}

pub struct Connections {
    client: Client,
}

impl Connections {
    /// A client for the endpoint `sdk` names (deployed: the one
    /// `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI` names).
    pub fn new(sdk: &SdkConfig) -> Self {
        Self {
            client: Client::new(sdk),
        }
    }

    /// Sends `frame` to the connection.
    pub async fn push(&self, connection: &ConnectionId, frame: &str) -> Pushed {
        let sent = self
            .client
            .post_to_connection()
            .connection_id(connection.as_str())
            .data(Blob::new(frame.as_bytes()))
            .send()
            .await;
        match sent {
            Ok(_) => Pushed::Delivered,
            Err(SdkError::ServiceError(error))
                if matches!(error.err(), PostToConnectionError::GoneException(_)) =>
            {
                Pushed::Gone
            }
            Err(error) => Pushed::Failed(
                aws_sdk_apigatewaymanagement::error::DisplayErrorContext(error).to_string(),
            ),
        }
    }

    /// Closes the connection (its `$disconnect` route runs then). One already gone is
    /// closed too.
    pub async fn close(&self, connection: &ConnectionId) -> Result<(), String> {
        let closed = self
            .client
            .delete_connection()
            .connection_id(connection.as_str())
            .send()
            .await;
        match closed {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(error))
                if matches!(error.err(), DeleteConnectionError::GoneException(_)) =>
            {
                Ok(())
            }
            Err(error) => {
                Err(aws_sdk_apigatewaymanagement::error::DisplayErrorContext(error).to_string())
            }
        }
    }
}

//! Sending e-mail: Amazon SES (v2 `SendEmail`) in the deployed stack; locally, the log.

use std::sync::{Arc, Mutex};

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

use crate::config::{EmailDelivery, EmailSettings};

#[derive(Debug, thiserror::Error)]
#[error("sending e-mail failed: {0}")]
pub struct MailError(pub String);

/// One e-mail as it left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub provider_message_id: String,
}

#[derive(Clone)]
pub enum Mailer {
    Ses {
        client: aws_sdk_sesv2::Client,
        sender: String,
    },
    /// Writes each e-mail to the log (and remembers it, for tests and the local stack).
    Log { sent: Arc<Mutex<Vec<SentEmail>>> },
}

impl Mailer {
    pub fn new(sdk: &aws_config::SdkConfig, settings: &EmailSettings) -> Self {
        match settings.delivery {
            EmailDelivery::Ses => Self::ses(sdk, &settings.sender),
            EmailDelivery::Log => Self::log(),
        }
    }

    /// SES on the endpoint `sdk` points at (`AWS_ENDPOINT_URL_SESV2` moves it).
    pub fn ses(sdk: &aws_config::SdkConfig, sender: &str) -> Self {
        Self::Ses {
            client: aws_sdk_sesv2::Client::new(sdk),
            sender: sender.to_owned(),
        }
    }

    pub fn log() -> Self {
        Self::Log {
            sent: Arc::default(),
        }
    }

    /// Sends one plain-text e-mail; returns the provider's message id.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<String, MailError> {
        match self {
            Self::Ses { client, sender } => {
                let text = |data: &str| {
                    Content::builder()
                        .data(data)
                        .charset("UTF-8")
                        .build()
                        .map_err(|e| MailError(e.to_string()))
                };
                let message = Message::builder()
                    .subject(text(subject)?)
                    .body(Body::builder().text(text(body)?).build())
                    .build();
                let output = client
                    .send_email()
                    .from_email_address(sender)
                    .destination(Destination::builder().to_addresses(to).build())
                    .content(EmailContent::builder().simple(message).build())
                    .send()
                    .await
                    .map_err(|e| MailError(crate::store::error_chain(&e)))?;
                Ok(output.message_id.unwrap_or_default())
            }
            Self::Log { sent } => {
                let id = format!("log-{}", crate::ids::new_id());
                tracing::info!(to, subject, message_id = %id, "e-mail (local outbox: not sent)");
                sent.lock().expect("mail log lock").push(SentEmail {
                    to: to.to_owned(),
                    subject: subject.to_owned(),
                    body: body.to_owned(),
                    provider_message_id: id.clone(),
                });
                Ok(id)
            }
        }
    }

    /// What the log mailer has "sent" so far (empty for SES).
    pub fn logged(&self) -> Vec<SentEmail> {
        match self {
            Self::Log { sent } => sent.lock().expect("mail log lock").clone(),
            Self::Ses { .. } => Vec::new(),
        }
    }
}

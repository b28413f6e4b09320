//! The live fan-out, a consumer of the table's stream like the outbox sender: each
//! change a client may see becomes a frame, pushed to every connection that listens
//! (`decide::live::push_of` says what and to whom); an account blocked or closed has its
//! connections closed. A connection a push finds gone (410) is forgotten with its
//! subscriptions.
//!
//! Delivery is the stream's: at least once. A push that fails otherwise is logged and
//! dropped, never retried by failing the batch (which would push the frame again to
//! every connection that had it); a batch fails only when the table does, and is then
//! delivered again, so a client may see a frame twice. Frames carry the message's id
//! (and its `revision`), so a client replaces what it holds.

pub mod delivery;
pub mod frames;

use aws_lambda_events::event::dynamodb::Event;
use natives_shared::domain::decide::live::{
    Audience, Push, message_push_needs_thread, push_of, thread_shows_message_pushes,
};
use natives_shared::domain::live::{ConnectionId, MessagePush, ThreadPush};
use natives_shared::store::live_change;
use serde::Serialize;

use crate::App;

/// What one batch pushed.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub frames: usize,
    pub delivered: usize,
    pub pruned: usize,
    pub failed: usize,
    pub closed: usize,
}

pub async fn handle(app: &App, event: Event) -> Result<Report, lambda_http::Error> {
    let mut report = Report::default();
    for record in event.records {
        let change = record.change;
        let Some(change) = live_change(
            &record.event_name,
            change.keys,
            change.old_image,
            change.new_image,
        ) else {
            continue;
        };
        let Some((audience, push)) = push_of(change) else {
            continue;
        };
        if let Push::Message(message_push, message) = &push
            && message_push_needs_thread(*message_push)
        {
            let thread = app.store.thread(&message.thread_id).await?;
            if !thread_shows_message_pushes(thread.as_ref()) {
                continue;
            }
        }
        let targets = match &audience {
            Audience::Topic(topic) => app.store.live_listeners(topic).await?,
            Audience::Account(account) => app.store.live_connections_of(account).await?,
        };
        if targets.is_empty() {
            continue;
        }
        let connections = app.connections()?;
        let frame = match push {
            Push::Close => {
                report.closed += close_all(app, &targets).await;
                continue;
            }
            Push::Message(MessagePush::Hidden, message) => {
                frames::message(MessagePush::Hidden, &message, &Default::default())
            }
            Push::Message(push, message) => {
                let (authors, _) = app
                    .store
                    .authors([&message.author_id], None, app.now())
                    .await?;
                frames::message(push, &message, &authors)
            }
            Push::ThreadCreated(thread) => {
                let (authors, _) = app
                    .store
                    .authors([&thread.author_id], None, app.now())
                    .await?;
                frames::thread_created(&thread, &authors)
            }
            Push::Thread(ThreadPush::Hidden, thread) => {
                frames::thread(ThreadPush::Hidden, &thread, &Default::default())
            }
            Push::Thread(push, thread) => {
                let (authors, _) = app
                    .store
                    .authors([&thread.author_id], None, app.now())
                    .await?;
                frames::thread(push, &thread, &authors)
            }
            Push::Notification(notification) => frames::notification(&notification),
        };
        let delivery = delivery::push_to_all(connections, &targets, &frame).await;
        report.frames += 1;
        report.delivered += delivery.delivered;
        report.failed += delivery.failed;
        for gone in &delivery.gone {
            app.store.close_live_connection(gone).await?;
            report.pruned += 1;
        }
    }
    tracing::info!(?report, "live changes pushed");
    Ok(report)
}

/// Closes each connection (its `$disconnect` forgets it); returns how many closed.
async fn close_all(app: &App, targets: &[ConnectionId]) -> usize {
    let Ok(connections) = app.connections() else {
        return 0;
    };
    let mut closed = 0;
    for connection in targets {
        match connections.close(connection).await {
            Ok(()) => closed += 1,
            Err(error) => tracing::warn!(%connection, %error, "a connection did not close"),
        }
    }
    closed
}

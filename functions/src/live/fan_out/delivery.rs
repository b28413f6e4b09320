//! Pushing one frame to every connection of an audience, many at once, and what becomes
//! of each: a gone connection (410) is pruned, a failed push is counted and dropped (the
//! batch is not retried for it, which would push the frame again to every connection
//! that had it).

use futures_util::StreamExt;
use natives_shared::domain::live::ConnectionId;
use serde::Serialize;

use crate::live::connections::{Connections, Pushed};

/// Pushes in flight at once in one invocation: enough to keep a few thousand pushes a
/// second going at ~20 ms each (docs/scaling.md, "Live updates").
pub const PARALLEL_PUSHES: usize = 64;

/// What became of one frame's pushes.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub delivered: usize,
    /// Connections that are gone (410): to be deleted with their subscriptions.
    pub gone: Vec<ConnectionId>,
    /// Pushes that failed otherwise: lost for those connections.
    pub failed: usize,
}

impl Delivery {
    /// Tallies what became of each push.
    pub fn of(results: impl IntoIterator<Item = (ConnectionId, Pushed)>) -> Self {
        let mut delivery = Delivery::default();
        for (connection, pushed) in results {
            match pushed {
                Pushed::Delivered => delivery.delivered += 1,
                Pushed::Gone => delivery.gone.push(connection),
                Pushed::Failed(error) => {
                    tracing::warn!(%connection, %error, "a push failed");
                    delivery.failed += 1;
                }
            }
        }
        delivery.gone.sort();
        delivery
    }
}

/// Pushes `frame` to each of `targets`, [`PARALLEL_PUSHES`] at a time.
pub async fn push_to_all(
    connections: &Connections,
    targets: &[ConnectionId],
    frame: &str,
) -> Delivery {
    // The pushes made first, then run: a stream combinator's closure over borrowed
    // targets makes the handler's future not `Send` for every lifetime.
    let pushes: Vec<_> = targets
        .iter()
        .map(|connection| push_one(connections, connection, frame))
        .collect();
    let results: Vec<(ConnectionId, Pushed)> = futures_util::stream::iter(pushes)
        .buffer_unordered(PARALLEL_PUSHES)
        .collect()
        .await;
    Delivery::of(results)
}

async fn push_one(
    connections: &Connections,
    connection: &ConnectionId,
    frame: &str,
) -> (ConnectionId, Pushed) {
    (
        connection.clone(),
        connections.push(connection, frame).await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: &str) -> ConnectionId {
        ConnectionId::parse(raw).unwrap()
    }

    #[test]
    fn gone_connections_and_only_they_are_pruned() {
        let delivery = Delivery::of([
            (id("a"), Pushed::Delivered),
            (id("gone2"), Pushed::Gone),
            (id("b"), Pushed::Failed("LimitExceededException".into())),
            (id("gone1"), Pushed::Gone),
            (id("c"), Pushed::Delivered),
        ]);
        assert_eq!(
            delivery,
            Delivery {
                delivered: 2,
                gone: vec![id("gone1"), id("gone2")],
                failed: 1,
            }
        );
    }

    #[test]
    fn nothing_pushed_prunes_nothing() {
        assert_eq!(Delivery::of([]), Delivery::default());
    }
}

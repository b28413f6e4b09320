//! Live connections and what they listen to. A connection is one item (whose it is,
//! its topics, its frames counted this second); each topic it listens to is one more
//! item among that topic's listeners, so a topic's listeners are one query. Both expire
//! with API Gateway's longest connection (TTL). What a frame does is decided in
//! [`crate::domain::decide::live`]; here it is read and committed.

use time::OffsetDateTime;

use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, delete, delete_if, put_if, put_new, update};
use super::{
    Failure, Item, Store, StoreError, account_writes::account_part, from_item, indexed, key_item,
    keys, n, s, to_item, value,
};
use crate::domain::decide::live::decide_frame;
use crate::domain::live::{
    BadFrame, ClientFrame, ConnectionId, FramePlan, LiveChange, LiveConnection, LiveSubscription,
    SubscriptionChange, Topic,
};
use crate::domain::{
    Account, AccountId, AccountStatus, AccountWrite, ItemKind, Message, Notification, Thread,
};
use crate::gate::{Gate, Refusal};

#[derive(Debug, Clone, Copy, PartialEq)]
enum OpenPart {
    Account,
    Connection,
}

impl Store {
    /// Keeps a connection just opened: a visitor's with one write; an account's in one
    /// transaction with the gate's condition on the account (refused: the account is
    /// read and judged by the gate).
    pub async fn open_live_connection(
        &self,
        gate: Option<&Gate>,
        connection: &LiveConnection,
        now: OffsetDateTime,
    ) -> Result<(), Failure<Refusal>> {
        let item = connection_item(connection);
        let Some(gate) = gate else {
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .send()
                .await
                .map_err(StoreError::backend)?;
            return Ok(());
        };
        retrying(move |_| {
            let item = item.clone();
            async move {
                let result = Transaction::new()
                    .part(
                        OpenPart::Account,
                        account_part(&self.table, &AccountWrite::gate_check(gate), now),
                    )
                    .part(OpenPart::Connection, put_if(&self.table, item, None))
                    .commit(self)
                    .await;
                match result {
                    Ok(()) => Ok(()),
                    Err(error) if error.refused(OpenPart::Account) => {
                        let account: Option<Account> =
                            self.get_as(keys::account(&gate.account_id)).await?;
                        match gate.admit(account.as_ref(), now) {
                            Err(refusal) => Err(Attempt::Refused(refusal)),
                            Ok(()) => Err(Attempt::Raced),
                        }
                    }
                    Err(error) => Err(error.into()),
                }
            }
        })
        .await
    }

    /// Counts a frame on its connection and makes the subscription change it asks for,
    /// in one read (the connection, and the thread a subscription names, if visible) and one
    /// transaction conditioned on the connection as read.
    pub async fn take_live_frame(
        &self,
        connection: &ConnectionId,
        frame: &Result<ClientFrame, BadFrame>,
        now: OffsetDateTime,
    ) -> Result<FramePlan, StoreError> {
        let outcome: Result<FramePlan, Failure<std::convert::Infallible>> =
            retrying(move |_| async move {
                let connection_key = keys::live_connection(connection);
                let thread_key = match frame {
                    Ok(ClientFrame::Subscribe(Topic::Thread(thread))) => Some(keys::thread(thread)),
                    _ => None,
                };
                let mut stored: Option<LiveConnection> = None;
                let mut thread_exists = false;
                let wanted = std::iter::once(connection_key.clone()).chain(thread_key);
                for item in self.batch_get(wanted, None, true).await? {
                    if keys::key_of(&item).as_ref() == Some(&connection_key) {
                        stored = Some(from_item(item)?);
                    } else {
                        // A hidden or removed thread is not there to listen to.
                        let thread: crate::domain::Thread = from_item(item)?;
                        thread_exists = thread.status == crate::domain::MessageStatus::Visible;
                    }
                }
                let state = stored.as_ref().map(LiveConnection::state);
                let plan = decide_frame(state.as_ref(), frame, thread_exists, now.unix_timestamp());
                let (FramePlan::Answer { window, change, .. }, Some(stored)) = (&plan, stored)
                else {
                    return Ok(plan);
                };
                let topics = change
                    .as_ref()
                    .map_or_else(|| stored.topics.clone(), |c| c.applied_to(&stored.topics));
                let counted = update(
                    &self.table,
                    key_item(&connection_key),
                    "SET #window = :window, #topics = :topics, #version = :next",
                    Condition::new("#version = :seen")
                        .name("#window", "window")
                        .name("#topics", "topics")
                        .name("#version", "version")
                        .value(":window", value(window))
                        .value(":topics", value(&topics))
                        .value(":next", n(stored.version + 1))
                        .value(":seen", n(stored.version)),
                );
                let mut transaction = Transaction::new().part((), counted);
                match change {
                    Some(SubscriptionChange::Add(topic)) => {
                        let item = subscription_item(&stored.subscription(topic));
                        transaction = transaction.part((), put_new(&self.table, item));
                    }
                    Some(SubscriptionChange::Remove(topic)) => {
                        let key = key_item(&keys::listener(topic, connection));
                        transaction = transaction.part((), delete(&self.table, key));
                    }
                    None => {}
                }
                transaction.commit(self).await?;
                Ok(plan)
            })
            .await;
        outcome.map_err(StoreError::from)
    }

    /// Forgets a connection and what it listens to (it closed, or a push found it gone),
    /// in one read and one transaction; one the table no longer holds is forgotten
    /// already.
    pub async fn close_live_connection(&self, connection: &ConnectionId) -> Result<(), StoreError> {
        let outcome: Result<(), Failure<std::convert::Infallible>> =
            retrying(move |_| async move {
                let connection_key = keys::live_connection(connection);
                let Some(stored): Option<LiveConnection> =
                    self.get_as(connection_key.clone()).await?
                else {
                    return Ok(());
                };
                let listeners = stored.topics.iter().map(|topic| {
                    (
                        (),
                        delete(&self.table, key_item(&keys::listener(topic, connection))),
                    )
                });
                Transaction::new()
                    .part(
                        (),
                        delete_if(
                            &self.table,
                            key_item(&connection_key),
                            Condition::new("#version = :seen")
                                .name("#version", "version")
                                .value(":seen", n(stored.version)),
                        ),
                    )
                    .parts(listeners)
                    .commit(self)
                    .await?;
                Ok(())
            })
            .await;
        outcome.map_err(StoreError::from)
    }

    /// The connections listening to `topic`: one query per shard of its listeners,
    /// eventually consistent (a subscription a moment old may miss one push; half the
    /// read units, docs/scaling.md).
    pub async fn live_listeners(&self, topic: &Topic) -> Result<Vec<ConnectionId>, StoreError> {
        let mut listeners = Vec::new();
        for shard in 0..keys::LISTENER_SHARDS {
            let partition = keys::listeners_partition(topic, shard);
            listeners.extend(
                self.connection_ids(None, "pk = :key", &partition, None)
                    .await?,
            );
        }
        Ok(listeners)
    }

    /// An account's open connections: one query of its entries in the index.
    pub async fn live_connections_of(
        &self,
        account: &AccountId,
    ) -> Result<Vec<ConnectionId>, StoreError> {
        let partition = keys::account(account).pk;
        self.connection_ids(
            Some("gsi1"),
            "gsi1pk = :key AND begins_with(gsi1sk, :prefix)",
            &partition,
            Some(keys::LIVE_INDEX_PREFIX),
        )
        .await
    }

    /// The `connection_id` of every item a query finds, every page.
    async fn connection_ids(
        &self,
        index: Option<&str>,
        key_condition: &str,
        key: &str,
        prefix: Option<&str>,
    ) -> Result<Vec<ConnectionId>, StoreError> {
        #[derive(serde::Deserialize)]
        struct Row {
            connection_id: ConnectionId,
        }
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(str::to_owned))
            .key_condition_expression(key_condition)
            .expression_attribute_values(":key", s(key))
            .projection_expression("connection_id");
        let query = match prefix {
            Some(prefix) => query.expression_attribute_values(":prefix", s(prefix)),
            None => query,
        };
        self.every_page(query)
            .await?
            .into_iter()
            .map(|item| from_item::<Row>(item).map(|row| row.connection_id))
            .collect()
    }
}

fn connection_item(connection: &LiveConnection) -> Item {
    let item = to_item(connection, keys::live_connection(&connection.connection_id));
    match &connection.account_id {
        Some(account) => indexed(
            item,
            keys::live_connection_index(account, &connection.connection_id),
        ),
        None => item,
    }
}

fn subscription_item(subscription: &LiveSubscription) -> Item {
    let item = to_item(
        subscription,
        keys::listener(&subscription.topic, &subscription.connection_id),
    );
    match &subscription.account_id {
        Some(account) => indexed(
            item,
            keys::live_subscription_index(
                account,
                &subscription.connection_id,
                &subscription.topic,
            ),
        ),
        None => item,
    }
}

/// What a record of the table's stream (its event name, keys, and images before and
/// after) changed that a live client may see.
pub fn live_change(
    event_name: &str,
    keys: serde_dynamo::Item,
    old_image: serde_dynamo::Item,
    new_image: serde_dynamo::Item,
) -> Option<LiveChange> {
    #[derive(serde::Deserialize)]
    struct TableKey {
        pk: String,
        sk: String,
    }
    #[derive(serde::Deserialize)]
    struct Standing {
        id: AccountId,
        status: AccountStatus,
    }
    let TableKey { pk, sk } = serde_dynamo::from_item(keys).ok()?;
    let inserted = event_name == "INSERT";
    let before = (!old_image.is_empty()).then_some(old_image);
    match keys::classify(&pk, &sk)? {
        ItemKind::Message if event_name != "REMOVE" => {
            let after: Message = serde_dynamo::from_item(new_image).ok()?;
            let before: Option<Message> = before.and_then(|b| serde_dynamo::from_item(b).ok());
            Some(LiveChange::Message {
                before: before.map(Box::new),
                after: Box::new(after),
            })
        }
        ItemKind::Thread if inserted => {
            let thread: Thread = serde_dynamo::from_item(new_image).ok()?;
            Some(LiveChange::ThreadOpened(Box::new(thread)))
        }
        ItemKind::Thread if event_name == "MODIFY" => {
            let after: Thread = serde_dynamo::from_item(new_image).ok()?;
            let before: Thread = serde_dynamo::from_item(before?).ok()?;
            Some(LiveChange::Thread {
                before: Box::new(before),
                after: Box::new(after),
            })
        }
        ItemKind::Notification if inserted => {
            let notification: Notification = serde_dynamo::from_item(new_image).ok()?;
            Some(LiveChange::Notification(Box::new(notification)))
        }
        ItemKind::Account if event_name == "MODIFY" => {
            let after: Standing = serde_dynamo::from_item(new_image).ok()?;
            let was: Option<Standing> = before.and_then(|b| serde_dynamo::from_item(b).ok());
            let shut = |status| matches!(status, AccountStatus::Blocked | AccountStatus::Closed);
            (shut(after.status) && !was.is_some_and(|w| shut(w.status)))
                .then_some(LiveChange::AccountShut(after.id))
        }
        _ => None,
    }
}

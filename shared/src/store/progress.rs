//! Progress counters: the stream consumer counts each new message and correction once
//! (what counts for whom is [`crate::domain::decide::progress`]); the counters are read
//! with the account item, in one query.

use std::collections::HashMap;
use std::convert::Infallible;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use time::OffsetDateTime;

use super::expr::Placeholders;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, put_new, update_any};
use super::{Failure, Store, StoreError, from_item, key_item, keys, n, s, to_item};
use crate::domain::decide::progress::{self, Activity, CountPlan, CounterDelta};
use crate::domain::{
    Account, AccountId, Correction, ItemKind, Message, ProgressCounters, ProgressSummary,
    PublicAccount, Thread,
};
use crate::gate::{Gate, Refusal};

/// A new item of the table's stream the progress statistics count.
#[derive(Debug, Clone)]
pub enum CountedPost {
    Message(Box<Message>),
    Correction(Box<Correction>),
}

/// What a record of the table's stream (its event name, keys and new image) adds to the
/// progress statistics: a new message or correction.
pub fn counted_post(
    event_name: &str,
    keys: serde_dynamo::Item,
    new_image: serde_dynamo::Item,
) -> Option<CountedPost> {
    #[derive(serde::Deserialize)]
    struct TableKey {
        pk: String,
        sk: String,
    }
    if event_name != "INSERT" {
        return None;
    }
    let TableKey { pk, sk } = serde_dynamo::from_item(keys).ok()?;
    match keys::classify(&pk, &sk)? {
        ItemKind::Message => serde_dynamo::from_item(new_image)
            .ok()
            .map(|m| CountedPost::Message(Box::new(m))),
        ItemKind::Correction => serde_dynamo::from_item(new_image)
            .ok()
            .map(|c| CountedPost::Correction(Box::new(c))),
        _ => None,
    }
}

/// What one batch counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CountReport {
    /// Posts counted now.
    pub counted: u32,
    /// Posts a delivery before had counted already.
    pub already_counted: u32,
    /// Posts whose thread (or corrected message) was not found.
    pub skipped: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CountPart {
    Mark,
    Counter,
}

/// The mark that a post was counted: its key says which post; it expires.
#[derive(Serialize)]
struct Mark {
    expires_at_epoch: i64,
}

impl Store {
    /// Counts each post once: one read of what the batch's posts name (their threads,
    /// the messages replied to or corrected), then per post one transaction: its mark,
    /// new, and its accounts' counters. A post whose mark exists was counted by an
    /// earlier delivery and is left alone.
    pub async fn count_progress(
        &self,
        posts: &[CountedPost],
        now: OffsetDateTime,
    ) -> Result<CountReport, StoreError> {
        let mut report = CountReport::default();
        if posts.is_empty() {
            return Ok(report);
        }
        let wanted = posts.iter().flat_map(|post| match post {
            CountedPost::Message(message) => std::iter::once(keys::thread(&message.thread_id))
                .chain(message.reply_to.as_ref().map(keys::message))
                .collect::<Vec<_>>(),
            CountedPost::Correction(correction) => vec![
                keys::thread(correction.message_id.thread()),
                keys::message(&correction.message_id),
            ],
        });
        let mut threads: HashMap<String, Thread> = HashMap::new();
        let mut messages: HashMap<String, Message> = HashMap::new();
        for item in self.batch_get(wanted, None, true).await? {
            match keys::kind_of(&item) {
                Some(ItemKind::Thread) => {
                    let thread: Thread = from_item(item)?;
                    threads.insert(thread.id.to_string(), thread);
                }
                Some(ItemKind::Message) => {
                    let message: Message = from_item(item)?;
                    messages.insert(message.id.to_string(), message);
                }
                _ => {}
            }
        }
        for post in posts {
            let (thread, activity) = match post {
                CountedPost::Message(message) => {
                    let replied_to = message
                        .reply_to
                        .as_ref()
                        .and_then(|id| messages.get(&id.to_string()));
                    (
                        message.thread_id.to_string(),
                        Some(Activity::posted(message, replied_to)),
                    )
                }
                CountedPost::Correction(correction) => (
                    correction.message_id.thread().to_string(),
                    messages
                        .get(&correction.message_id.to_string())
                        .map(|message| Activity::corrected(correction, message)),
                ),
            };
            let (Some(thread), Some(activity)) = (threads.get(&thread), activity) else {
                report.skipped += 1;
                continue;
            };
            let plan = progress::count(&activity, &thread.language, now);
            if self.commit_count(&plan).await? {
                report.counted += 1;
            } else {
                report.already_counted += 1;
            }
        }
        Ok(report)
    }

    /// Commits one count: `false` when its mark was there (counted before).
    async fn commit_count(&self, plan: &CountPlan) -> Result<bool, StoreError> {
        let result = retrying(|_| async move {
            let mark = to_item(
                &Mark {
                    expires_at_epoch: plan.mark_expires_at_epoch,
                },
                keys::progress_mark(&plan.counted),
            );
            let counters = plan
                .deltas
                .iter()
                .map(|delta| (CountPart::Counter, self.counter_update(delta)));
            match Transaction::new()
                .part(CountPart::Mark, put_new(&self.table, mark))
                .parts(counters)
                .commit(self)
                .await
            {
                Ok(()) => Ok(true),
                Err(error) if error.refused(CountPart::Mark) => Ok(false),
                // Another count of the same counters at the same moment: again.
                Err(error) => Err(Attempt::<Infallible>::from(error)),
            }
        })
        .await;
        match result {
            Ok(counted) => Ok(counted),
            Err(Failure::Store(error)) => Err(error),
            Err(Failure::Refused(never)) => match never {},
        }
    }

    /// Adds `delta` to its account's counters in its language (made when missing).
    fn counter_update(&self, delta: &CounterDelta) -> aws_sdk_dynamodb::types::TransactWriteItem {
        let mut expression = "SET #language = if_not_exists(#language, :language) \
             ADD #messages :messages, #voice_messages :voice_messages, #voice_ms :voice_ms, \
             #replies_received :replies_received, \
             #corrections_received :corrections_received, \
             #corrections_given :corrections_given"
            .to_owned();
        // Counters only grow: nothing to condition on (the mark makes it once).
        let mut placeholders = Placeholders::default()
            .name("#language", "language")
            .name("#messages", "messages")
            .name("#voice_messages", "voice_messages")
            .name("#voice_ms", "voice_ms")
            .name("#replies_received", "replies_received")
            .name("#corrections_received", "corrections_received")
            .name("#corrections_given", "corrections_given")
            .value(":language", s(delta.language.as_ref()))
            .value(":messages", n(delta.messages))
            .value(":voice_messages", n(delta.voice_messages))
            .value(":voice_ms", n(delta.voice_ms))
            .value(":replies_received", n(delta.replies_received))
            .value(":corrections_received", n(delta.corrections_received))
            .value(":corrections_given", n(delta.corrections_given));
        if let Some(day) = delta.active_on {
            expression.push_str(", #days :day");
            placeholders = placeholders
                .name("#days", "days")
                .value(":day", AttributeValue::Ss(vec![day.to_string()]));
        }
        update_any(
            &self.table,
            key_item(&keys::progress(&delta.account, &delta.language)),
            &expression,
            &placeholders,
        )
    }

    /// An account and its progress counters (every language), in one query: the account
    /// item and the counters share a sort-key prefix.
    pub async fn account_and_progress(
        &self,
        account_id: &AccountId,
    ) -> Result<(Option<Account>, Vec<ProgressCounters>), StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(keys::account(account_id).pk))
            .expression_attribute_values(":prefix", s(keys::ACCOUNT_WITH_PROGRESS));
        let mut account = None;
        let mut counters = Vec::new();
        for item in self.every_page(query).await? {
            match keys::kind_of(&item) {
                Some(ItemKind::Account) => account = Some(from_item::<Account>(item)?),
                Some(ItemKind::Progress) => counters.push(from_item::<ProgressCounters>(item)?),
                _ => {}
            }
        }
        Ok((account, counters))
    }

    /// The caller's progress counters, after the gate has judged the account read with
    /// them (one request).
    pub async fn own_progress(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<Vec<ProgressCounters>, Failure<Refusal>> {
        let (account, counters) = self.account_and_progress(&caller.account_id).await?;
        caller
            .admit(account.as_ref(), now)
            .map_err(Failure::Refused)?;
        Ok(counters)
    }

    /// A public profile's account attributes and what it shows of the account's progress
    /// (messages, voice minutes), in one query that reads nothing private: `None` for an
    /// account there is not.
    pub async fn public_account_with_progress(
        &self,
        account_id: &AccountId,
    ) -> Result<Option<(PublicAccount, ProgressSummary)>, StoreError> {
        let projection = &super::accounts::PUBLIC_ACCOUNT_WITH_PROGRESS;
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(keys::account(account_id).pk))
            .expression_attribute_values(":prefix", s(keys::ACCOUNT_WITH_PROGRESS))
            .projection_expression(projection.expression);
        for (placeholder, attribute) in projection.names {
            query = query.expression_attribute_names(*placeholder, *attribute);
        }
        let mut account = None;
        let mut counters = Vec::new();
        for item in self.every_page(query).await? {
            match keys::kind_of(&item) {
                Some(ItemKind::Account) => account = Some(from_item::<PublicAccount>(item)?),
                Some(ItemKind::Progress) => counters.push(from_item::<ProgressCounters>(item)?),
                _ => {}
            }
        }
        Ok(account.map(|account| (account, progress::summary(&counters))))
    }
}

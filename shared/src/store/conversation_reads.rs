//! Reading threads, messages, revisions and their authors: public, so every read here
//! serves many readers (and a CDN in front of them).

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::{Failure, Item, Projection, Store, StoreError, from_item, keys, s};
use crate::domain::Timestamp;
use crate::domain::{
    AccountId, AccountStatus, Author, Message, MessageId, Revision, Role, SessionId, Thread,
    ThreadId, Viewer,
};
use crate::gate::{Gate, GatedAccount, Refusal};

/// A thread's first page, or a later one.
pub struct MessagePage {
    /// Read on the first page only (the query starts at the thread item).
    pub thread: Option<Thread>,
    pub messages: Vec<Message>,
    /// Where the next page starts (the last message's own id), if there may be more.
    pub next: Option<String>,
}

/// A page of one language's thread list, most recently active first.
pub struct ThreadPage {
    pub threads: Vec<Thread>,
    /// The list position of the last thread, if there may be more.
    pub next: Option<String>,
}

impl Store {
    pub async fn thread(&self, thread_id: &ThreadId) -> Result<Option<Thread>, StoreError> {
        self.get_as(keys::thread(thread_id)).await
    }

    pub async fn message(&self, message_id: &MessageId) -> Result<Option<Message>, StoreError> {
        self.get_as(keys::message(message_id)).await
    }

    /// A message and its thread, in one read: a message is public only while its
    /// thread is.
    pub async fn message_in_thread(
        &self,
        message_id: &MessageId,
    ) -> Result<(Option<Message>, Option<Thread>), StoreError> {
        let (message, thread) = self
            .get_two(keys::message(message_id), keys::thread(message_id.thread()))
            .await?;
        Ok((
            message.map(from_item).transpose()?,
            thread.map(from_item).transpose()?,
        ))
    }

    /// Messages of a thread, oldest first: after `after` (a message's own id), or from
    /// the start, in which case the thread item comes with them (it sorts first) and
    /// `None` there means there is no such thread. One consistent query: messages
    /// commit in id order, so a page never skips one that commits later.
    pub async fn messages_page(
        &self,
        thread_id: &ThreadId,
        limit: u16,
        after: Option<&str>,
    ) -> Result<MessagePage, StoreError> {
        let thread_key = keys::thread(thread_id);
        let start = match after {
            None => thread_key.sk.clone(),
            Some(local) => format!("{}{local}", keys::MESSAGE_PREFIX),
        };
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .key_condition_expression("pk = :pk AND sk BETWEEN :start AND :end")
            .expression_attribute_values(":pk", s(&thread_key.pk))
            .expression_attribute_values(":start", s(&start))
            .expression_attribute_values(":end", s(keys::MESSAGES_END))
            // One more than asked: the thread item, or the cursor's own message.
            .limit(i32::from(limit) + 1)
            .send()
            .await
            .map_err(StoreError::backend)?;
        let mut thread = None;
        let mut messages = Vec::new();
        for item in page.items.unwrap_or_default() {
            match sort_key(&item) {
                Some(sk) if sk == keys::THREAD_SK => thread = Some(from_item(item)?),
                // The cursor's own message, shown on the page before.
                Some(sk) if after.is_some() && sk == start => {}
                Some(_) => messages.push(from_item::<Message>(item)?),
                None => {}
            }
        }
        let more = messages.len() > usize::from(limit) || page.last_evaluated_key.is_some();
        messages.truncate(usize::from(limit));
        let next = more
            .then(|| messages.last().map(|m| m.id.local().to_owned()))
            .flatten();
        Ok(MessagePage {
            thread,
            messages,
            next,
        })
    }

    /// One language's threads, most recently active first, before `before` (a list
    /// position) if given: one query per shard of the list (one for a language that is
    /// not configured as busy), merged.
    pub async fn threads_page(
        &self,
        language: &str,
        shards: u32,
        limit: u16,
        before: Option<&str>,
    ) -> Result<ThreadPage, StoreError> {
        let mut threads: Vec<(String, Thread)> = Vec::new();
        let mut more = false;
        for shard in 0..shards.max(1) {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("gsi1")
                .scan_index_forward(false)
                .limit(i32::from(limit))
                // A hidden or removed thread is out of every list (an item written
                // before threads had a status is visible).
                .filter_expression("attribute_not_exists(#status) OR #status = :visible")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":visible", s("visible"))
                .expression_attribute_values(
                    ":pk",
                    s(keys::thread_list_partition(language, shard)),
                );
            query = match before {
                None => query.key_condition_expression("gsi1pk = :pk"),
                Some(position) => query
                    .key_condition_expression("gsi1pk = :pk AND gsi1sk < :before")
                    .expression_attribute_values(":before", s(position)),
            };
            let page = query.send().await.map_err(StoreError::backend)?;
            more |= page.last_evaluated_key.is_some();
            for item in page.items.unwrap_or_default() {
                let position = match item.get("gsi1sk") {
                    Some(AttributeValue::S(position)) => position.clone(),
                    _ => continue,
                };
                threads.push((position, from_item(item)?));
            }
        }
        threads.sort_by(|a, b| b.0.cmp(&a.0));
        more |= threads.len() > usize::from(limit);
        threads.truncate(usize::from(limit));
        let next = more
            .then(|| threads.last().map(|(p, _)| p.clone()))
            .flatten();
        Ok(ThreadPage {
            threads: threads.into_iter().map(|(_, t)| t).collect(),
            next,
        })
    }

    /// Earlier texts of a message, oldest first.
    pub async fn revisions(&self, message_id: &MessageId) -> Result<Vec<Revision>, StoreError> {
        self.under_message(message_id, keys::revisions_prefix(message_id))
            .await
    }

    /// Every item of `message_id`'s thread partition whose sort key starts with
    /// `prefix`, in sort-key order.
    pub(crate) async fn under_message<T: serde::de::DeserializeOwned>(
        &self,
        message_id: &MessageId,
        prefix: String,
    ) -> Result<Vec<T>, StoreError> {
        let pk = keys::message(message_id).pk;
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(&pk))
                .expression_attribute_values(":prefix", s(&prefix))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::backend)?;
            for item in page.items.unwrap_or_default() {
                found.push(from_item(item)?);
            }
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(found),
            }
        }
    }

    /// The current name and badges of each author, and the viewer (a caller who sent
    /// a token) judged by the gate, in one batch read of only the attributes these
    /// need. An author whose account is gone shows as unknown.
    pub async fn authors(
        &self,
        ids: impl IntoIterator<Item = &AccountId>,
        viewer: Option<&Gate>,
        now: OffsetDateTime,
    ) -> Result<(HashMap<AccountId, Author>, Option<Viewer>), Failure<Refusal>> {
        let keys: Vec<keys::Key> = ids
            .into_iter()
            .map(keys::account)
            .chain(viewer.map(|v| keys::account(&v.account_id)))
            .collect();
        let mut rows = HashMap::new();
        for item in self.batch_get(keys, Some(&ACCOUNT_ROW), false).await? {
            let row: AccountRow = from_item(item)?;
            rows.insert(row.id.clone(), row);
        }
        let mut seen_by = None;
        if let Some(viewer) = viewer {
            let row = rows.get(&viewer.account_id);
            viewer.admit(row, now).map_err(Failure::Refused)?;
            seen_by = row.map(AccountRow::viewer);
        }
        let authors = rows
            .into_values()
            .map(|row| {
                let author = row.author();
                (author.id.clone(), author)
            })
            .collect();
        Ok((authors, seen_by))
    }

    /// A message, its thread, and the viewer judged by the gate, in one read: what is
    /// needed to tell whether the viewer sees the message ([`Thread::shows`]).
    pub async fn message_for(
        &self,
        message_id: &MessageId,
        viewer: Option<&Gate>,
        now: OffsetDateTime,
    ) -> Result<(Option<Message>, Option<Thread>, Option<Viewer>), Failure<Refusal>> {
        let message_key = keys::message(message_id);
        let thread_key = keys::thread(message_id.thread());
        let account_key = viewer.map(|v| keys::account(&v.account_id));
        let items = self
            .batch_get(
                [message_key.clone(), thread_key.clone()]
                    .into_iter()
                    .chain(account_key),
                None,
                true,
            )
            .await?;
        let mut message = None;
        let mut thread = None;
        let mut account: Option<crate::domain::Account> = None;
        for item in items {
            match keys::key_of(&item) {
                Some(key) if key == message_key => message = Some(from_item(item)?),
                Some(key) if key == thread_key => thread = Some(from_item(item)?),
                _ => account = Some(from_item(item)?),
            }
        }
        let Some(viewer) = viewer else {
            return Ok((message, thread, None));
        };
        viewer
            .admit(account.as_ref(), now)
            .map_err(Failure::Refused)?;
        let seen_by = account.map(|a| Viewer::new(a.id, &a.roles));
        Ok((message, thread, seen_by))
    }
}

/// What a list needs of an account: the name and badges it shows, and what the gate
/// reads when the account is the viewer's.
const ACCOUNT_ROW: Projection = Projection {
    expression: "id, display_name, #roles, #status, blocked_until, token_generation, ended_sessions, accepted_terms_version",
    names: &[("#roles", "roles"), ("#status", "status")],
};

#[derive(serde::Deserialize)]
struct AccountRow {
    id: AccountId,
    display_name: String,
    #[serde(default)]
    roles: Vec<Role>,
    status: AccountStatus,
    #[serde(default)]
    blocked_until: Option<Timestamp>,
    token_generation: u64,
    #[serde(default)]
    ended_sessions: BTreeMap<SessionId, i64>,
    #[serde(default)]
    accepted_terms_version: Option<String>,
}

impl AccountRow {
    fn viewer(&self) -> Viewer {
        Viewer::new(self.id.clone(), &self.roles)
    }

    fn author(self) -> Author {
        Author::new(self.id, self.display_name, self.roles)
    }
}

impl GatedAccount for AccountRow {
    fn account_id(&self) -> &AccountId {
        &self.id
    }
    fn token_generation(&self) -> u64 {
        self.token_generation
    }
    fn session_ended(&self, session: &SessionId) -> bool {
        self.ended_sessions.contains_key(session)
    }
    fn active(&self, now: OffsetDateTime) -> bool {
        crate::domain::standing_of(self.status, self.blocked_until, now)
            == crate::domain::Standing::Active
    }
    fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    fn accepted_terms_version(&self) -> Option<&str> {
        self.accepted_terms_version.as_deref()
    }
}

fn sort_key(item: &Item) -> Option<String> {
    match item.get("sk") {
        Some(AttributeValue::S(sk)) => Some(sk.clone()),
        _ => None,
    }
}

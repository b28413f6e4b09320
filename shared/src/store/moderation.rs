//! Complaints, the review queue, moderators' decisions, account blocks and roles. Every
//! staff action writes its audit entry in the transaction that makes it.

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::expr::Condition;
use super::transaction::{Transaction, TransactionError, backoff, check, delete, put_new, update};
use super::{
    AuditEntry, Item, Store, StoreError, from_item, indexed, key_item, keys, n, s, to_item,
};
use crate::clock::rfc3339;
use crate::config::ModerationSettings;
use crate::domain::{
    Account, AccountId, Complaint, ComplaintOutcome, ComplaintReason, Message, MessageId,
    MessageStatus, ModerationAction, ModerationNote, QueueEntry, Role, Viewer,
};
use crate::gate::{Caller, Refusal};

/// What a reporter sends.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub reason: ComplaintReason,
    pub comment: Option<String>,
}

#[derive(Debug)]
pub enum ComplaintFiled {
    Filed {
        complaint: Box<Complaint>,
        /// This complaint was the one that hid the message.
        hid_message: bool,
    },
    AlreadyOpen,
    RateLimited {
        retry_after_seconds: u32,
    },
    Refused(Refusal),
    NoSuchMessage,
}

#[derive(Debug)]
pub enum ActionTaken {
    /// The message as decided, and how many open complaints the decision settled.
    Done {
        message: Box<Message>,
        settled: u32,
    },
    Refused(Refusal),
    NoSuchMessage,
    /// The action does not apply to a message in this status (a removed message is
    /// final; a visible one cannot be restored).
    NotApplicable(MessageStatus),
    /// Moderators do not decide about their own messages.
    OwnMessage,
}

#[derive(Debug)]
pub enum AccountAction {
    Done(Box<Account>),
    Refused(Refusal),
    NoSuchAccount,
    /// Staff cannot do this to their own account.
    Own,
    /// Moderators cannot block admins.
    TargetIsAdmin,
    /// Nothing to do (e.g. unblocking an account that is not blocked).
    Unchanged(Box<Account>),
}

/// A page of the review queue, each entry with its message and its author.
pub struct ReviewItem {
    pub entry: QueueEntry,
    pub message: Option<Message>,
    pub author: Option<Account>,
}

/// Retries of an optimistic write that lost a race.
const MAX_ATTEMPTS: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Filing {
    Complaint,
    Message,
    Queue,
    Reporter,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Deciding {
    Message,
    Outcome,
    Queue,
    Audit,
    Author,
    Moderator,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Staff {
    Target,
    Audit,
    Actor,
}

impl Store {
    /// Files a complaint about a message the caller can see: one per reporter and open
    /// round, within the reporter's hourly limit. Counting is exact under concurrency:
    /// the message's counters are written on condition that they are what was read, so
    /// of racing complaints one wins each count and the others count again; the one
    /// that reaches the threshold hides the message, once.
    pub async fn file_complaint(
        &self,
        caller: &Caller,
        message_id: &MessageId,
        new: &NewComplaint,
        settings: &ModerationSettings,
        now: OffsetDateTime,
    ) -> Result<ComplaintFiled, StoreError> {
        for attempt in 0..MAX_ATTEMPTS {
            let (message, account) = self
                .message_and_account(message_id, &caller.account_id)
                .await?;
            if let Err(refusal) = caller.admit(account.as_ref(), now) {
                return Ok(ComplaintFiled::Refused(refusal));
            }
            let account = account.expect("admitted");
            let viewer = Viewer {
                account_id: account.id.clone(),
                moderator: account.has_role(Role::Moderator),
            };
            let Some(message) = message.filter(|m| m.visible_to(Some(&viewer))) else {
                return Ok(ComplaintFiled::NoSuchMessage);
            };
            let window = rfc3339::format(now)[..13].to_owned(); // the hour: YYYY-MM-DDTHH
            let filed_this_hour = match &account.complaint_window {
                Some(w) if *w == window => account.complaints_in_window,
                _ => 0,
            };
            if filed_this_hour >= settings.complaints_per_hour {
                let next_hour = 3600 - (now.minute() as u32 * 60 + now.second() as u32);
                return Ok(ComplaintFiled::RateLimited {
                    retry_after_seconds: next_hour.max(1),
                });
            }
            let counted = message.author_id != caller.account_id;
            let open = message.open_complaints + 1;
            let counted_total = message.counted_complaints + u32::from(counted);
            let hides = counted
                && message.status == MessageStatus::Visible
                && counted_total == settings.hide_threshold;
            let complaint = Complaint {
                id: crate::ids::new_id(),
                message_id: message.id.clone(),
                thread_id: message.thread_id.clone(),
                reporter_id: caller.account_id.clone(),
                reason: new.reason,
                comment: new.comment.clone(),
                revision: message.revision,
                reported_text: reported_text(&message),
                round: message.complaint_round,
                counted,
                created_at: rfc3339::format(now),
            };
            let result = Transaction::new()
                .part(Filing::Complaint, put_new(&self.table, complaint_item(&complaint)))
                .part(Filing::Message, self.count_complaint(&message, open, counted_total, hides, now))
                .part(Filing::Queue, self.enqueue(&message, open, &complaint))
                .part(
                    Filing::Reporter,
                    update(
                        &self.table,
                        key_item(&keys::account(&caller.account_id)),
                        "SET complaint_window = :window, complaints_in_window = :filed",
                        caller
                            .condition(now)
                            .and("attribute_not_exists(complaints_in_window) OR complaints_in_window = :seen_filed")
                            .value(":window", s(&window))
                            .value(":filed", n(filed_this_hour + 1))
                            .value(":seen_filed", n(account.complaints_in_window)),
                    ),
                )
                .commit(self)
                .await;
            match result {
                Ok(()) => {
                    return Ok(ComplaintFiled::Filed {
                        complaint: Box::new(complaint),
                        hid_message: hides,
                    });
                }
                Err(error) if error.refused(Filing::Complaint) => {
                    return Ok(ComplaintFiled::AlreadyOpen);
                }
                // Another complaint, decision or change came first: count again.
                Err(TransactionError::Refused(_) | TransactionError::Conflict) => {
                    backoff(attempt).await
                }
                Err(TransactionError::Store(error)) => return Err(error),
            }
        }
        Err(StoreError::Backend(
            "a complaint kept losing races; giving up".into(),
        ))
    }

    fn count_complaint(
        &self,
        message: &Message,
        open: u32,
        counted: u32,
        hides: bool,
        now: OffsetDateTime,
    ) -> aws_sdk_dynamodb::types::TransactWriteItem {
        let mut set = "SET open_complaints = :open, counted_complaints = :counted".to_owned();
        let mut condition = Condition::new("complaint_round = :round")
            .and("open_complaints = :seen_open")
            .and("#status = :seen_status")
            .name("#status", "status")
            .value(":open", n(open))
            .value(":counted", n(counted))
            .value(":round", n(message.complaint_round))
            .value(":seen_open", n(message.open_complaints))
            .value(":seen_status", status_value(message.status));
        if hides {
            set.push_str(", #status = :hidden, moderation = :note");
            let note = ModerationNote {
                action: "auto_hide".into(),
                reason: "Hidden after complaints from several people, until a moderator decides."
                    .into(),
                decided_at: rfc3339::format(now),
            };
            condition = condition
                .value(":hidden", status_value(MessageStatus::Hidden))
                .value(
                    ":note",
                    serde_dynamo::to_attribute_value(&note).expect("a note serialises"),
                );
        }
        update(
            &self.table,
            key_item(&keys::message(&message.id)),
            &set,
            condition,
        )
    }

    /// The message's queue entry with one more complaint, at its new place in the queue.
    fn enqueue(
        &self,
        message: &Message,
        open: u32,
        complaint: &Complaint,
    ) -> aws_sdk_dynamodb::types::TransactWriteItem {
        let place = keys::review_queue_index(open, &complaint.created_at, &message.id);
        let complaint_value =
            serde_dynamo::to_attribute_value(complaint).expect("a complaint serialises");
        update(
            &self.table,
            key_item(&keys::queue_entry(&message.id)),
            "SET message_id = :message, thread_id = :thread, author_id = :author, open_complaints = :open, \
             first_complaint_at = if_not_exists(first_complaint_at, :at), gsi1pk = :queue, gsi1sk = :place, \
             complaints = list_append(if_not_exists(complaints, :none), :complaint)",
            Condition::new("attribute_not_exists(pk) OR open_complaints = :seen_open")
                .value(":message", s(message.id.to_string()))
                .value(":thread", s(message.thread_id.as_str()))
                .value(":author", s(message.author_id.as_str()))
                .value(":open", n(open))
                .value(":seen_open", n(message.open_complaints))
                .value(":at", s(&complaint.created_at))
                .value(":queue", s(place.gsi1pk))
                .value(":place", s(place.gsi1sk))
                .value(":none", AttributeValue::L(Vec::new()))
                .value(":complaint", AttributeValue::L(vec![complaint_value])),
        )
    }

    /// A moderator's decision about a message. It settles the open round of complaints
    /// in the same transaction: every reporter of the round learns the outcome, the
    /// queue entry goes, the author's record counts it, the audit log records it.
    pub async fn act_on_message(
        &self,
        moderator: &Caller,
        message_id: &MessageId,
        action: ModerationAction,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<ActionTaken, StoreError> {
        for attempt in 0..MAX_ATTEMPTS {
            let mut audit = audit.clone();
            let (message, account) = self
                .message_and_account(message_id, &moderator.account_id)
                .await?;
            if let Err(refusal) = moderator.admit(account.as_ref(), now) {
                return Ok(ActionTaken::Refused(refusal));
            }
            let Some(message) = message else {
                return Ok(ActionTaken::NoSuchMessage);
            };
            if message.author_id == moderator.account_id {
                return Ok(ActionTaken::OwnMessage);
            }
            let Some(status) = action.next_status(message.status) else {
                return Ok(ActionTaken::NotApplicable(message.status));
            };
            // The decision is about the author too: their history lists it.
            audit.target_account_id = Some(message.author_id.clone());
            let note = ModerationNote {
                action: action.as_str().into(),
                reason: audit.reason.clone(),
                decided_at: rfc3339::format(now),
            };
            let mut transaction = Transaction::new()
                .part(
                    Deciding::Message,
                    update(
                        &self.table,
                        key_item(&keys::message(&message.id)),
                        "SET #status = :status, moderation = :note, complaint_round = :next_round, \
                         open_complaints = :zero, counted_complaints = :zero",
                        Condition::new("complaint_round = :round")
                            .and("open_complaints = :seen_open")
                            .and("#status = :seen_status")
                            .name("#status", "status")
                            .value(":status", status_value(status))
                            .value(
                                ":note",
                                serde_dynamo::to_attribute_value(&note).expect("a note"),
                            )
                            .value(":next_round", n(message.complaint_round + 1))
                            .value(":zero", n(0))
                            .value(":round", n(message.complaint_round))
                            .value(":seen_open", n(message.open_complaints))
                            .value(":seen_status", status_value(message.status)),
                    ),
                )
                .part(Deciding::Audit, audit.put(&self.table))
                .part(
                    Deciding::Author,
                    update(
                        &self.table,
                        key_item(&keys::account(&message.author_id)),
                        "ADD moderation_record.#outcome :one",
                        Condition::new("attribute_exists(pk)")
                            .name("#outcome", action.outcome())
                            .value(":one", n(1)),
                    ),
                )
                .part(
                    Deciding::Moderator,
                    check(
                        &self.table,
                        key_item(&keys::account(&moderator.account_id)),
                        moderator.condition(now),
                    ),
                );
            if message.open_complaints > 0 {
                let outcome = ComplaintOutcome {
                    message_id: message.id.clone(),
                    round: message.complaint_round,
                    outcome: action.outcome().into(),
                    decided_at: rfc3339::format(now),
                };
                transaction = transaction
                    .part(
                        Deciding::Outcome,
                        put_new(
                            &self.table,
                            to_item(
                                &outcome,
                                keys::complaint_outcome(&message.id, message.complaint_round),
                            ),
                        ),
                    )
                    .part(
                        Deciding::Queue,
                        delete(&self.table, key_item(&keys::queue_entry(&message.id))),
                    );
            }
            match transaction.commit(self).await {
                Ok(()) => {
                    let settled = message.open_complaints;
                    return Ok(ActionTaken::Done {
                        message: Box::new(Message {
                            status,
                            moderation: Some(note),
                            complaint_round: message.complaint_round + 1,
                            open_complaints: 0,
                            counted_complaints: 0,
                            ..message
                        }),
                        settled,
                    });
                }
                Err(error) if error.refused(Deciding::Moderator) => {
                    return Ok(ActionTaken::Refused(
                        self.explain_refusal(moderator, now).await?,
                    ));
                }
                Err(TransactionError::Refused(_) | TransactionError::Conflict) => {
                    backoff(attempt).await
                }
                Err(TransactionError::Store(error)) => return Err(error),
            }
        }
        Err(StoreError::Backend(
            "a decision kept losing races; giving up".into(),
        ))
    }

    /// The caller's complaints, newest first, each with the outcome of its round once
    /// decided; the caller's account comes in the same batch read, for the gate.
    pub async fn complaints_of(
        &self,
        caller: &Caller,
        limit: u16,
        before: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<
        Result<(Vec<(Complaint, Option<ComplaintOutcome>)>, Option<String>), Refusal>,
        StoreError,
    > {
        let partition = keys::account(&caller.account_id).pk;
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .scan_index_forward(false)
            .limit(i32::from(limit))
            .expression_attribute_values(":pk", s(&partition));
        query = match before {
            None => query
                .key_condition_expression("gsi1pk = :pk AND begins_with(gsi1sk, :prefix)")
                .expression_attribute_values(":prefix", s(keys::COMPLAINT_INDEX_PREFIX)),
            Some(position) => query
                .key_condition_expression("gsi1pk = :pk AND gsi1sk BETWEEN :prefix AND :before")
                .expression_attribute_values(":prefix", s(keys::COMPLAINT_INDEX_PREFIX))
                .expression_attribute_values(
                    ":before",
                    s(format!("{}{position}", keys::COMPLAINT_INDEX_PREFIX)),
                ),
        };
        let page = query.send().await.map_err(StoreError::backend)?;
        let complaints: Vec<Complaint> = after_cursor(page.items, before, complaint_position)?;
        let mut wanted: Vec<Item> = complaints
            .iter()
            .map(|c| key_item(&keys::complaint_outcome(&c.message_id, c.round)))
            .collect();
        wanted.sort_by_key(|k| format!("{k:?}"));
        wanted.dedup();
        wanted.push(key_item(&keys::account(&caller.account_id)));
        let mut account: Option<Account> = None;
        let mut outcomes: Vec<ComplaintOutcome> = Vec::new();
        for item in self.batch_get(wanted, "", true).await? {
            match item.get("sk") {
                Some(AttributeValue::S(sk)) if sk == "ACCOUNT" => account = Some(from_item(item)?),
                _ => outcomes.push(from_item(item)?),
            }
        }
        if let Err(refusal) = caller.admit(account.as_ref(), now) {
            return Ok(Err(refusal));
        }
        let next = page
            .last_evaluated_key
            .and(complaints.last().map(complaint_position));
        let listed = complaints
            .into_iter()
            .map(|c| {
                let outcome = outcomes
                    .iter()
                    .find(|o| o.message_id == c.message_id && o.round == c.round)
                    .cloned();
                (c, outcome)
            })
            .collect();
        Ok(Ok((listed, next)))
    }

    /// The review queue, most complained first, each entry with its message and its
    /// author's account (for their moderation record); the moderator's account comes
    /// in the same batch read, for the gate.
    pub async fn review_queue(
        &self,
        moderator: &Caller,
        limit: u16,
        after: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Result<(Vec<ReviewItem>, Option<String>), Refusal>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .limit(i32::from(limit))
            .expression_attribute_values(":queue", s(keys::REVIEW_QUEUE));
        query = match after {
            None => query.key_condition_expression("gsi1pk = :queue"),
            Some(place) => query
                .key_condition_expression("gsi1pk = :queue AND gsi1sk > :after")
                .expression_attribute_values(":after", s(place)),
        };
        let page = query.send().await.map_err(StoreError::backend)?;
        let mut entries: Vec<(String, QueueEntry)> = Vec::new();
        for item in page.items.unwrap_or_default() {
            let place = match item.get("gsi1sk") {
                Some(AttributeValue::S(place)) => place.clone(),
                _ => continue,
            };
            entries.push((place, from_item(item)?));
        }
        let mut wanted: Vec<Item> = Vec::new();
        for (_, entry) in &entries {
            wanted.push(key_item(&keys::message(&entry.message_id)));
            wanted.push(key_item(&keys::account(&entry.author_id)));
        }
        wanted.push(key_item(&keys::account(&moderator.account_id)));
        wanted.sort_by_key(|k| format!("{k:?}"));
        wanted.dedup();
        let mut messages: Vec<Message> = Vec::new();
        let mut accounts: Vec<Account> = Vec::new();
        for item in self.batch_get(wanted, "", true).await? {
            match item.get("sk") {
                Some(AttributeValue::S(sk)) if sk == "ACCOUNT" => accounts.push(from_item(item)?),
                _ => messages.push(from_item(item)?),
            }
        }
        if let Err(refusal) =
            moderator.admit(accounts.iter().find(|a| a.id == moderator.account_id), now)
        {
            return Ok(Err(refusal));
        }
        let next = page
            .last_evaluated_key
            .and(entries.last().map(|(place, _)| place.clone()));
        let items = entries
            .into_iter()
            .map(|(_, entry)| ReviewItem {
                message: messages.iter().find(|m| m.id == entry.message_id).cloned(),
                author: accounts.iter().find(|a| a.id == entry.author_id).cloned(),
                entry,
            })
            .collect();
        Ok(Ok((items, next)))
    }

    /// A moderator blocks an account, for good (`until` absent) or until a moment:
    /// every session ends at once (a new token generation). Not an admin, not oneself.
    pub async fn block_account(
        &self,
        moderator: &Caller,
        target: &AccountId,
        until: Option<&str>,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<AccountAction, StoreError> {
        let (actor, account) = match self.staff_and_target(moderator, target, now).await? {
            Ok(both) => both,
            Err(outcome) => return Ok(outcome),
        };
        drop(actor);
        if account.has_role(Role::Admin) {
            return Ok(AccountAction::TargetIsAdmin);
        }
        let until_value = until.map_or(AttributeValue::Null(true), s);
        let change = update(
            &self.table,
            key_item(&keys::account(target)),
            "SET #status = :blocked, blocked_until = :until, block_reason = :reason, \
             token_generation = token_generation + :one, ended_sessions = :none, updated_at = :now \
             ADD moderation_record.blocks :one",
            Condition::new("attribute_exists(pk)")
                .and("NOT contains(#roles, :admin)")
                .name("#status", "status")
                .name("#roles", "roles")
                .value(":blocked", s("blocked"))
                .value(":until", until_value.clone())
                .value(":reason", s(&audit.reason))
                .value(":one", n(1))
                .value(":none", AttributeValue::M(Default::default()))
                .value(":now", s(rfc3339::format(now)))
                .value(":admin", s(Role::Admin.as_str())),
        );
        self.staff_write(moderator, change, audit, now)
            .await?
            .map_or_else(
                |refusal| Ok(AccountAction::Refused(refusal)),
                |()| {
                    Ok(AccountAction::Done(Box::new(Account {
                        status: crate::domain::AccountStatus::Blocked,
                        blocked_until: until.map(str::to_owned),
                        token_generation: account.token_generation + 1,
                        ..account
                    })))
                },
            )
    }

    /// A moderator lifts a block. Unblocking an account that is not blocked changes
    /// nothing.
    pub async fn unblock_account(
        &self,
        moderator: &Caller,
        target: &AccountId,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<AccountAction, StoreError> {
        let (_, account) = match self.staff_and_target(moderator, target, now).await? {
            Ok(both) => both,
            Err(outcome) => return Ok(outcome),
        };
        if account.status != crate::domain::AccountStatus::Blocked {
            return Ok(AccountAction::Unchanged(Box::new(account)));
        }
        let change = update(
            &self.table,
            key_item(&keys::account(target)),
            "SET #status = :active, blocked_until = :null, block_reason = :null, updated_at = :now",
            Condition::new("#status = :blocked")
                .name("#status", "status")
                .value(":active", s("active"))
                .value(":blocked", s("blocked"))
                .value(":null", AttributeValue::Null(true))
                .value(":now", s(rfc3339::format(now))),
        );
        self.staff_write(moderator, change, audit, now)
            .await?
            .map_or_else(
                |refusal| Ok(AccountAction::Refused(refusal)),
                |()| {
                    Ok(AccountAction::Done(Box::new(Account {
                        status: crate::domain::AccountStatus::Active,
                        blocked_until: None,
                        ..account
                    })))
                },
            )
    }

    /// An admin replaces an account's roles; the change applies from the next request
    /// (the gate reads roles from the account). An admin cannot drop their own admin
    /// role, so the last admin cannot lock everyone out.
    pub async fn set_roles_by_admin(
        &self,
        admin: &Caller,
        target: &AccountId,
        roles: &[Role],
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<AccountAction, StoreError> {
        let account = if *target == admin.account_id {
            let account = self.get_account(target).await?;
            if let Err(refusal) = admin.admit(account.as_ref(), now) {
                return Ok(AccountAction::Refused(refusal));
            }
            if !roles.contains(&Role::Admin) {
                return Ok(AccountAction::Own);
            }
            account.expect("admitted")
        } else {
            match self.staff_and_target(admin, target, now).await? {
                Ok((_, account)) => account,
                Err(outcome) => return Ok(outcome),
            }
        };
        let value = serde_dynamo::to_attribute_value(roles).expect("roles serialise");
        let mut condition = Condition::new("attribute_exists(pk)")
            .name("#roles", "roles")
            .value(":roles", value)
            .value(":now", s(rfc3339::format(now)));
        // One item is written once in a transaction: the admin's own account carries
        // the gate in its own update.
        let own = *target == admin.account_id;
        if own {
            condition = condition.and_all(admin.condition(now));
        }
        let change = update(
            &self.table,
            key_item(&keys::account(target)),
            "SET #roles = :roles, updated_at = :now",
            condition,
        );
        let mut transaction = Transaction::new()
            .part(Staff::Target, change)
            .part(Staff::Audit, audit.put(&self.table));
        if !own {
            transaction = transaction.part(
                Staff::Actor,
                check(
                    &self.table,
                    key_item(&keys::account(&admin.account_id)),
                    admin.condition(now),
                ),
            );
        }
        match transaction.commit_retrying_conflicts(self).await {
            Ok(()) => Ok(AccountAction::Done(Box::new(Account {
                roles: roles.to_vec(),
                ..account
            }))),
            Err(error) if error.refused(Staff::Actor) || (own && error.refused(Staff::Target)) => {
                Ok(AccountAction::Refused(
                    self.explain_refusal(admin, now).await?,
                ))
            }
            Err(TransactionError::Refused(_)) => Ok(AccountAction::NoSuchAccount),
            Err(TransactionError::Conflict) => Err(StoreError::Backend("roles: conflict".into())),
            Err(TransactionError::Store(error)) => Err(error),
        }
    }

    /// The staff member (judged by the gate) and the target account, in one read.
    async fn staff_and_target(
        &self,
        staff: &Caller,
        target: &AccountId,
        now: OffsetDateTime,
    ) -> Result<Result<(Account, Account), AccountAction>, StoreError> {
        if *target == staff.account_id {
            let account = self.get_account(target).await?;
            return Ok(Err(match staff.admit(account.as_ref(), now) {
                Err(refusal) => AccountAction::Refused(refusal),
                Ok(()) => AccountAction::Own,
            }));
        }
        let (actor, account) = self
            .get_two(keys::account(&staff.account_id), keys::account(target))
            .await?;
        let actor: Option<Account> = actor.map(from_item).transpose()?;
        let account: Option<Account> = account.map(from_item).transpose()?;
        if let Err(refusal) = staff.admit(actor.as_ref(), now) {
            return Ok(Err(AccountAction::Refused(refusal)));
        }
        match account {
            None => Ok(Err(AccountAction::NoSuchAccount)),
            Some(account) => Ok(Ok((actor.expect("admitted"), account))),
        }
    }

    /// A change to another account, its audit entry, and the gate on the staff member.
    async fn staff_write(
        &self,
        staff: &Caller,
        change: aws_sdk_dynamodb::types::TransactWriteItem,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<Result<(), Refusal>, StoreError> {
        let result = Transaction::new()
            .part(Staff::Target, change)
            .part(Staff::Audit, audit.put(&self.table))
            .part(
                Staff::Actor,
                check(
                    &self.table,
                    key_item(&keys::account(&staff.account_id)),
                    staff.condition(now),
                ),
            )
            .commit_retrying_conflicts(self)
            .await;
        match result {
            Ok(()) => Ok(Ok(())),
            Err(error) if error.refused(Staff::Actor) => {
                Ok(Err(self.explain_refusal(staff, now).await?))
            }
            Err(TransactionError::Refused(parts)) => Err(StoreError::Backend(format!(
                "a staff change was refused by {parts:?}: the target changed meanwhile"
            ))),
            Err(TransactionError::Conflict) => {
                Err(StoreError::Backend("a staff change conflicted".into()))
            }
            Err(TransactionError::Store(error)) => Err(error),
        }
    }

    /// The audit log, newest first: all of it, or the entries about one account.
    pub async fn audit_page(
        &self,
        about: Option<&AccountId>,
        limit: u16,
        before: Option<&str>,
    ) -> Result<(Vec<AuditEntry>, Option<String>), StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .scan_index_forward(false)
            .limit(i32::from(limit));
        query = match about {
            None => query
                .key_condition_expression(if before.is_some() {
                    "pk = :pk AND sk < :before"
                } else {
                    "pk = :pk"
                })
                .expression_attribute_values(":pk", s(keys::AUDIT)),
            Some(account) => query
                .index_name("gsi1")
                .key_condition_expression(if before.is_some() {
                    "gsi1pk = :pk AND gsi1sk BETWEEN :prefix AND :before"
                } else {
                    "gsi1pk = :pk AND begins_with(gsi1sk, :prefix)"
                })
                .expression_attribute_values(":pk", s(keys::account(account).pk))
                .expression_attribute_values(":prefix", s(keys::AUDIT_INDEX_PREFIX)),
        };
        if let Some(position) = before {
            let bound = match about {
                None => position.to_owned(),
                Some(_) => format!("{}{position}", keys::AUDIT_INDEX_PREFIX),
            };
            query = query.expression_attribute_values(":before", s(bound));
        }
        let page = query.send().await.map_err(StoreError::backend)?;
        let entries: Vec<AuditEntry> = after_cursor(page.items, before, audit_position)?;
        let next = page
            .last_evaluated_key
            .and(entries.last().map(audit_position));
        Ok((entries, next))
    }

    async fn message_and_account(
        &self,
        message_id: &MessageId,
        account_id: &AccountId,
    ) -> Result<(Option<Message>, Option<Account>), StoreError> {
        let (message, account) = self
            .get_two(keys::message(message_id), keys::account(account_id))
            .await?;
        Ok((
            message.map(from_item).transpose()?,
            account.map(from_item).transpose()?,
        ))
    }
}

/// A page's items without the one its cursor names (the `BETWEEN` of the query that
/// continues a page includes its bound).
fn after_cursor<T: serde::de::DeserializeOwned>(
    items: Option<Vec<Item>>,
    cursor: Option<&str>,
    position: impl Fn(&T) -> String,
) -> Result<Vec<T>, StoreError> {
    let mut found = Vec::new();
    for item in items.unwrap_or_default() {
        let value: T = from_item(item)?;
        if cursor.is_none_or(|c| c != position(&value)) {
            found.push(value);
        }
    }
    Ok(found)
}

/// Where an audit entry sorts (its sort key, without the index prefix).
fn audit_position(entry: &AuditEntry) -> String {
    format!("{}#{}", entry.created_at, entry.id)
}

/// Where a complaint sorts among its reporter's (without the index prefix).
fn complaint_position(complaint: &Complaint) -> String {
    format!("{}#{}", complaint.created_at, complaint.id)
}

fn complaint_item(complaint: &Complaint) -> Item {
    indexed(
        to_item(
            complaint,
            keys::complaint(
                &complaint.message_id,
                complaint.round,
                &complaint.reporter_id,
            ),
        ),
        keys::complaint_by_reporter_index(
            &complaint.reporter_id,
            &complaint.created_at,
            &complaint.id,
        ),
    )
}

/// What a moderator reads as the reported content: the text, or the recording's digest.
fn reported_text(message: &Message) -> String {
    match (&message.text, &message.voice) {
        (Some(text), _) => text.clone(),
        (None, Some(voice)) => format!("voice recording, SHA-256 {}", voice.sha256),
        (None, None) => String::new(),
    }
}

fn status_value(status: MessageStatus) -> AttributeValue {
    serde_dynamo::to_attribute_value(status).expect("a status serialises")
}

//! Complaints, the review queue, moderators' decisions, account blocks and roles, as
//! the store commits them: each write reads what its decision
//! ([`crate::domain::decide`]) needs, and commits the plan in one transaction whose
//! conditions are what was read. Every staff action writes its audit entry in the
//! transaction that makes it.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::audit::audit_put;
use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, delete, put_new, update};
use super::{
    Failure, Item, Store, StoreError, from_item, indexed, key_item, keys, n, s, to_item, value,
};
use crate::config::ModerationSettings;
use crate::domain::decide::complaints::{
    ComplaintPlan, ComplaintRefusal, ComplaintState, DismissalPlan, NewComplaint, QueueChange,
    dismiss_blocked_reporters_complaint, file_complaint,
};
use crate::domain::decide::moderation::{ActionPlan, ActionRefusal, ActionState, act_on};
use crate::domain::decide::staff::{self, AccountPlan, LOCAL_OPERATOR, StaffRefusal, StaffState};
use crate::domain::{
    Account, AccountId, AuditEntry, Complaint, ComplaintOutcome, ComplaintTarget, Correction,
    Message, MessageStatus, Moderated, ModerationAction, QueueEntry, Role, Thread, Timestamp,
};
use crate::gate::{Gate, Refusal};
use crate::store::ownership::ItemKind;

/// A page of the review queue, each entry with its content (the message; for a
/// correction, the correction and the message it corrects; the thread, for a thread's
/// title) and its author.
pub struct ReviewItem {
    pub entry: QueueEntry,
    pub message: Option<Message>,
    pub correction: Option<Correction>,
    pub thread: Option<Thread>,
    pub author: Option<Account>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Filing {
    Complaint,
    Target,
    Count,
    Queue,
    Reporter,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Deciding {
    Target,
    Count,
    Outcome,
    Queue,
    Audit,
    Author,
    Moderator,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Dismissing {
    Complaint,
    Target,
    Count,
    Queue,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Staff {
    Target,
    Audit,
    Actor,
}

impl Store {
    /// Files a complaint about content the caller can see ([`file_complaint`]).
    /// Counting is exact under concurrency: the content's counters are written on
    /// condition that they are what was read, so of racing complaints one wins each
    /// count and the others count again; the one that reaches the threshold hides the
    /// content, once.
    pub async fn file_complaint(
        &self,
        gate: &Gate,
        target: &ComplaintTarget,
        new: &NewComplaint,
        settings: &ModerationSettings,
        now: OffsetDateTime,
    ) -> Result<ComplaintPlan, Failure<ComplaintRefusal>> {
        retrying(move |_| async move {
            let (target, reporter) = self.moderated_and_account(target, &gate.account_id).await?;
            let state = ComplaintState { target, reporter };
            let plan = file_complaint(gate, state, new, settings, now).map_err(Attempt::Refused)?;
            let result = Transaction::new()
                .part(
                    Filing::Complaint,
                    put_new(&self.table, complaint_item(&plan.complaint)),
                )
                .part(Filing::Target, self.count_complaint(&plan))
                .parts(
                    plan.hides
                        .then(|| self.count_visible(&plan.complaint.target, -1))
                        .flatten()
                        .map(|count| (Filing::Count, count)),
                )
                .part(Filing::Queue, self.enqueue(&plan))
                .part(
                    Filing::Reporter,
                    account_part(&self.table, &plan.reporter, now),
                )
                .commit(self)
                .await;
            match result {
                Ok(()) => Ok(plan),
                // The key is the reporter's in this round: one open complaint each.
                Err(error) if error.refused(Filing::Complaint) => {
                    Err(Attempt::Refused(ComplaintRefusal::AlreadyOpen))
                }
                Err(error) => Err(error.into()),
            }
        })
        .await
    }

    /// The content's counters as the plan writes them, on condition that its round,
    /// open complaints and status are as read.
    fn count_complaint(&self, plan: &ComplaintPlan) -> TransactWriteItem {
        let counts = &plan.counts;
        let (mut set, mut condition) = set_counters(
            (counts.round, counts.seen_open, counts.seen_status),
            (counts.open, counts.counted),
        );
        if let Some((status, note)) = &counts.hide {
            set.push_str(", #status = :hidden, moderation = :note");
            condition = condition
                .value(":hidden", value(status))
                .value(":note", value(note));
        }
        update(
            &self.table,
            key_item(&keys::complaint_target(&plan.complaint.target)),
            &set,
            condition,
        )
    }

    /// The count of visible content `target` is part of moved by `change` (content
    /// hidden, removed or restored: only visible content counts): its thread's
    /// `message_count` for a message, its message's `corrections_count` for a
    /// correction; none for a thread (its status alone takes it out of its language's
    /// list).
    fn count_visible(&self, target: &ComplaintTarget, change: i64) -> Option<TransactWriteItem> {
        let (key, set) = match target {
            ComplaintTarget::Thread(_) => return None,
            ComplaintTarget::Message(message_id) => (
                keys::thread(message_id.thread()),
                "SET message_count = message_count + :change",
            ),
            ComplaintTarget::Correction(message_id, _) => (
                keys::message(message_id),
                "SET corrections_count = if_not_exists(corrections_count, :zero) + :change",
            ),
        };
        let mut condition = Condition::new("attribute_exists(pk)").value(":change", n(change));
        if matches!(target, ComplaintTarget::Correction(..)) {
            condition = condition.value(":zero", n(0));
        }
        Some(update(&self.table, key_item(&key), set, condition))
    }

    /// The content's queue entry with one more complaint, at its new place in the queue.
    fn enqueue(&self, plan: &ComplaintPlan) -> TransactWriteItem {
        let complaint = &plan.complaint;
        let target = &complaint.target;
        let place = keys::review_queue_index(plan.queued_complaints, complaint.created_at, target);
        // The entry names its target as the complaint does (its ids, flattened).
        let mut condition =
            Condition::new("attribute_not_exists(pk) OR open_complaints = :seen_open");
        let mut names = Vec::new();
        if let Some(message) = target.message_id() {
            names.push("message_id = :message");
            condition = condition.value(":message", s(message.to_string()));
        }
        if let Some(correction) = target.correction_id() {
            names.push("correction_id = :correction");
            condition = condition.value(":correction", s(correction.as_str()));
        }
        if let ComplaintTarget::Thread(thread) = target {
            names.push("target_thread_id = :target_thread");
            condition = condition.value(":target_thread", s(thread.as_str()));
        }
        let names = names.join(", ");
        update(
            &self.table,
            key_item(&keys::queue_entry(target)),
            &format!(
                "SET {names}, thread_id = :thread, author_id = :author, open_complaints = :open, \
                 first_complaint_at = if_not_exists(first_complaint_at, :at), gsi1pk = :queue, \
                 gsi1sk = :place, complaints = list_append(if_not_exists(complaints, :none), :complaint)"
            ),
            condition
                .value(":thread", s(complaint.thread_id.as_str()))
                .value(":author", s(plan.author_id.as_str()))
                .value(":open", n(plan.queued_complaints))
                .value(":seen_open", n(plan.counts.seen_open))
                .value(":at", s(complaint.created_at))
                .value(":queue", s(place.gsi1pk))
                .value(":place", s(place.gsi1sk))
                .value(":none", AttributeValue::L(Vec::new()))
                .value(":complaint", AttributeValue::L(vec![value(complaint)])),
        )
    }

    /// A moderator's decision about a message or a correction ([`act_on`]). It settles
    /// the open round of complaints in the same transaction: every reporter of the round
    /// learns the outcome, the queue entry goes, the author's record counts it, the
    /// audit log records it.
    pub async fn act_on(
        &self,
        moderator: &Gate,
        target: &ComplaintTarget,
        action: ModerationAction,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<ActionPlan, Failure<ActionRefusal>> {
        retrying(move |_| async move {
            let (target, account) = self
                .moderated_and_account(target, &moderator.account_id)
                .await?;
            let state = ActionState {
                target,
                moderator: account,
            };
            let plan = act_on(moderator, state, action, reason, now).map_err(Attempt::Refused)?;
            let mut transaction = Transaction::new()
                .part(Deciding::Target, self.decide_target(&plan))
                .parts(
                    (plan.count_change != 0)
                        .then(|| self.count_visible(&plan.seen.target, plan.count_change))
                        .flatten()
                        .map(|count| (Deciding::Count, count)),
                )
                .part(Deciding::Audit, audit_put(&self.table, &plan.audit))
                .part(
                    Deciding::Author,
                    account_part(&self.table, &plan.author_record, now),
                )
                .part(
                    Deciding::Moderator,
                    account_part(&self.table, &plan.moderator, now),
                );
            if let Some(outcome) = &plan.outcome {
                transaction = transaction
                    .part(
                        Deciding::Outcome,
                        put_new(
                            &self.table,
                            to_item(
                                outcome,
                                keys::complaint_outcome(&outcome.target, outcome.round),
                            ),
                        ),
                    )
                    .part(
                        Deciding::Queue,
                        delete(&self.table, key_item(&keys::queue_entry(&outcome.target))),
                    );
            }
            transaction.commit(self).await?;
            Ok(plan)
        })
        .await
    }

    /// The content as decided, on condition that its round, open complaints and status
    /// are as read.
    fn decide_target(&self, plan: &ActionPlan) -> TransactWriteItem {
        let (seen, decided) = (&plan.seen.state, &plan.decided.state);
        update(
            &self.table,
            key_item(&keys::complaint_target(&plan.seen.target)),
            "SET #status = :status, moderation = :note, complaint_round = :next_round, \
             open_complaints = :open, counted_complaints = :counted",
            as_read((seen.complaint_round, seen.open_complaints, seen.status))
                .value(":status", value(&decided.status))
                .value(":note", value(&decided.moderation))
                .value(":next_round", n(decided.complaint_round))
                .value(":open", n(decided.open_complaints))
                .value(":counted", n(decided.counted_complaints)),
        )
    }

    /// The caller's complaints, newest first, each with the outcome of its round once
    /// decided; the caller's account comes in the same batch read, for the gate.
    pub async fn complaints_of(
        &self,
        caller: &Gate,
        limit: u16,
        before: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(Vec<(Complaint, Option<ComplaintOutcome>)>, Option<String>), Failure<Refusal>>
    {
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
        let wanted = complaints
            .iter()
            .map(|c| keys::complaint_outcome(&c.target, c.round))
            .chain([keys::account(&caller.account_id)]);
        let mut account: Option<Account> = None;
        let mut outcomes: Vec<ComplaintOutcome> = Vec::new();
        for item in self.batch_get(wanted, None, true).await? {
            match keys::kind_of(&item) {
                Some(ItemKind::Account) => account = Some(from_item(item)?),
                _ => outcomes.push(from_item(item)?),
            }
        }
        caller
            .admit(account.as_ref(), now)
            .map_err(Failure::Refused)?;
        let next = page
            .last_evaluated_key
            .and(complaints.last().map(complaint_position));
        let listed = complaints
            .into_iter()
            .map(|c| {
                let outcome = outcomes
                    .iter()
                    .find(|o| o.target == c.target && o.round == c.round)
                    .cloned();
                (c, outcome)
            })
            .collect();
        Ok((listed, next))
    }

    /// The review queue, most complained first, each entry with its content and its
    /// author's account (for their moderation record); the moderator's account comes
    /// in the same batch read, for the gate.
    pub async fn review_queue(
        &self,
        moderator: &Gate,
        limit: u16,
        after: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(Vec<ReviewItem>, Option<String>), Failure<Refusal>> {
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
        // Queued content may share an author, or be the moderator's own: the batch read
        // asks for each account once. A correction comes with the message it corrects.
        let mut wanted = vec![keys::account(&moderator.account_id)];
        for (_, entry) in &entries {
            if let Some(message) = entry.target.message_id() {
                wanted.push(keys::message(message));
            }
            if entry.target.correction_id().is_some()
                || matches!(entry.target, ComplaintTarget::Thread(_))
            {
                wanted.push(keys::complaint_target(&entry.target));
            }
            wanted.push(keys::account(&entry.author_id));
        }
        let mut messages: Vec<Message> = Vec::new();
        let mut corrections: Vec<Correction> = Vec::new();
        let mut threads: Vec<Thread> = Vec::new();
        let mut accounts: Vec<Account> = Vec::new();
        for item in self.batch_get(wanted, None, true).await? {
            match keys::kind_of(&item) {
                Some(ItemKind::Account) => accounts.push(from_item(item)?),
                Some(ItemKind::Correction) => corrections.push(from_item(item)?),
                Some(ItemKind::Thread) => threads.push(from_item(item)?),
                _ => messages.push(from_item(item)?),
            }
        }
        moderator
            .admit(accounts.iter().find(|a| a.id == moderator.account_id), now)
            .map_err(Failure::Refused)?;
        let next = page
            .last_evaluated_key
            .and(entries.last().map(|(place, _)| place.clone()));
        let items = entries
            .into_iter()
            .map(|(_, entry)| ReviewItem {
                message: messages
                    .iter()
                    .find(|m| Some(&m.id) == entry.target.message_id())
                    .cloned(),
                thread: match &entry.target {
                    ComplaintTarget::Thread(id) => threads.iter().find(|t| t.id == *id).cloned(),
                    _ => None,
                },
                correction: entry
                    .target
                    .correction_id()
                    .and_then(|id| corrections.iter().find(|c| c.id == *id).cloned()),
                author: accounts.iter().find(|a| a.id == entry.author_id).cloned(),
                entry,
            })
            .collect();
        Ok((items, next))
    }

    /// A moderator blocks an account, for good (`until` absent) or until a moment
    /// ([`staff::block_account`]): every session ends at once.
    pub async fn block_account(
        &self,
        moderator: &Gate,
        target: &AccountId,
        until: Option<Timestamp>,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<Account, Failure<StaffRefusal>> {
        retrying(move |_| async move {
            let state = self.staff_and_target(moderator, target).await?;
            let plan = staff::block_account(moderator, state, target, until, reason, now)
                .map_err(Attempt::Refused)?;
            self.commit_staff_change(&plan, now).await?;
            Ok(plan.changed)
        })
        .await
    }

    /// Dismisses every open complaint `reporter` filed (they were blocked:
    /// [`dismiss_blocked_reporters_complaint`]), about messages and corrections alike,
    /// each in a transaction of its own whose conditions are the content's counters as
    /// read, so a complaint or a decision racing
    /// it makes it read and decide again. Repeating it changes nothing more. Returns how
    /// many it dismissed.
    pub async fn dismiss_complaints_of(
        &self,
        reporter: &AccountId,
        settings: &ModerationSettings,
        now: OffsetDateTime,
    ) -> Result<u32, StoreError> {
        let mut dismissed = 0;
        for complaint in self.open_complaints_by(reporter).await? {
            let complaint = &complaint;
            let done = retrying(move |_| async move {
                let (content, entry) = self
                    .get_two(
                        keys::complaint_target(&complaint.target),
                        keys::queue_entry(&complaint.target),
                    )
                    .await?;
                let content = moderated(&complaint.target, content, None)?;
                let Some(plan) =
                    dismiss_blocked_reporters_complaint(complaint, content.as_ref(), settings, now)
                else {
                    return Ok(false);
                };
                let entry: Option<QueueEntry> = entry.map(from_item).transpose()?;
                self.commit_dismissal(&plan, entry.as_ref()).await?;
                Ok(true)
            })
            .await;
            match done {
                Ok(done) => dismissed += u32::from(done),
                Err(Failure::Store(error)) => return Err(error),
                Err(Failure::Refused(())) => unreachable!("a dismissal is never refused"),
            }
        }
        Ok(dismissed)
    }

    /// `reporter`'s complaints not dismissed yet (through the reporter's index, every
    /// page); whether each is still open is decided on its target.
    async fn open_complaints_by(&self, reporter: &AccountId) -> Result<Vec<Complaint>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk AND begins_with(gsi1sk, :prefix)")
            .filter_expression("attribute_not_exists(dismissed_at)")
            .expression_attribute_values(":pk", s(keys::account(reporter).pk))
            .expression_attribute_values(":prefix", s(keys::COMPLAINT_INDEX_PREFIX));
        self.every_page(query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// A dismissal's writes in one transaction: the complaint marked, the content's
    /// counters (and status) on condition that they are as read, the count of visible
    /// content it is part of, and the queue entry without its copy of the complaint
    /// (gone when none is left open).
    async fn commit_dismissal<R>(
        &self,
        plan: &DismissalPlan,
        entry: Option<&QueueEntry>,
    ) -> Result<(), Attempt<R>> {
        let complaint = &plan.complaint;
        let target = &complaint.target;
        let (seen, decided) = (&plan.seen.state, &plan.decided.state);
        let (mut message_update, mut message_condition) = set_counters(
            (seen.complaint_round, seen.open_complaints, seen.status),
            (decided.open_complaints, decided.counted_complaints),
        );
        if decided.status != seen.status {
            message_update.push_str(", #status = :status REMOVE moderation");
            message_condition = message_condition.value(":status", value(&decided.status));
        }
        let queue_key = key_item(&keys::queue_entry(target));
        let queue = match (plan.queue, entry) {
            (QueueChange::Remove, _) => Some(delete(&self.table, queue_key)),
            (QueueChange::Keep { .. }, None) => None,
            (QueueChange::Keep { open }, Some(entry)) => {
                let place = keys::review_queue_index(open, entry.first_complaint_at, target);
                let copy = entry.complaints.iter().position(|c| c.id == complaint.id);
                let mut set = "SET open_complaints = :open, gsi1sk = :place".to_owned();
                let mut condition = Condition::new("attribute_exists(pk)")
                    .value(":open", n(open))
                    .value(":place", s(place.gsi1sk));
                if let Some(copy) = copy {
                    set.push_str(&format!(" REMOVE complaints[{copy}]"));
                    condition = condition
                        .and(format!("complaints[{copy}].id = :id"))
                        .value(":id", s(&complaint.id));
                }
                Some(update(&self.table, queue_key, &set, condition))
            }
        };
        Transaction::new()
            .part(
                Dismissing::Complaint,
                update(
                    &self.table,
                    key_item(&keys::complaint(
                        target,
                        complaint.round,
                        &complaint.reporter_id,
                    )),
                    "SET counted = :false, dismissed_at = :at",
                    Condition::new("attribute_exists(pk)")
                        .and("attribute_not_exists(dismissed_at)")
                        .value(":false", AttributeValue::Bool(false))
                        .value(":at", value(&complaint.dismissed_at)),
                ),
            )
            .part(
                Dismissing::Target,
                update(
                    &self.table,
                    key_item(&keys::complaint_target(target)),
                    &message_update,
                    message_condition,
                ),
            )
            .parts(
                (plan.count_change != 0)
                    .then(|| self.count_visible(target, plan.count_change))
                    .flatten()
                    .map(|count| (Dismissing::Count, count)),
            )
            .parts(queue.map(|queue| (Dismissing::Queue, queue)))
            .commit(self)
            .await?;
        Ok(())
    }

    /// A moderator lifts a block ([`staff::unblock_account`]); the account as it is
    /// after (unchanged when it was not blocked).
    pub async fn unblock_account(
        &self,
        moderator: &Gate,
        target: &AccountId,
        now: OffsetDateTime,
    ) -> Result<Account, Failure<StaffRefusal>> {
        retrying(move |_| async move {
            let state = self.staff_and_target(moderator, target).await?;
            let unchanged = state.target.clone();
            match staff::unblock_account(moderator, state, target, now).map_err(Attempt::Refused)? {
                Some(plan) => {
                    self.commit_staff_change(&plan, now).await?;
                    Ok(plan.changed)
                }
                None => Ok(unchanged.expect("decided on an account")),
            }
        })
        .await
    }

    /// An admin replaces an account's roles ([`staff::set_roles`]).
    pub async fn set_roles(
        &self,
        admin: &Gate,
        target: &AccountId,
        roles: &[Role],
        now: OffsetDateTime,
    ) -> Result<Account, Failure<StaffRefusal>> {
        retrying(move |_| async move {
            let state = self.staff_and_target(admin, target).await?;
            let plan =
                staff::set_roles(admin, state, target, roles, now).map_err(Attempt::Refused)?;
            self.commit_staff_change(&plan, now).await?;
            Ok(plan.changed)
        })
        .await
    }

    /// The local operator replaces an account's roles, audited under
    /// [`LOCAL_OPERATOR`] ([`staff::set_roles_by_operator`]).
    pub async fn set_roles_by_operator(
        &self,
        target: &AccountId,
        roles: &[Role],
        now: OffsetDateTime,
    ) -> Result<Account, Failure<StaffRefusal>> {
        retrying(move |_| async move {
            let account = self.get_account(target).await?;
            let plan = staff::set_roles_by_operator(LOCAL_OPERATOR, account, roles, now)
                .map_err(Attempt::Refused)?;
            self.commit_staff_change(&plan, now).await?;
            Ok(plan.changed)
        })
        .await
    }

    /// The staff member and the target account, in one read (one item when they are
    /// the same account).
    async fn staff_and_target(
        &self,
        staff: &Gate,
        target: &AccountId,
    ) -> Result<StaffState, StoreError> {
        if *target == staff.account_id {
            let account = self.get_account(target).await?;
            return Ok(StaffState {
                staff: account.clone(),
                target: account,
            });
        }
        let (actor, account) = self
            .get_two(keys::account(&staff.account_id), keys::account(target))
            .await?;
        Ok(StaffState {
            staff: actor.map(from_item).transpose()?,
            target: account.map(from_item).transpose()?,
        })
    }

    /// A staff change: the target's write, its audit entry, and the gate on the staff
    /// member, in one transaction.
    async fn commit_staff_change<R>(
        &self,
        plan: &AccountPlan,
        now: OffsetDateTime,
    ) -> Result<(), Attempt<R>> {
        let mut transaction = Transaction::new()
            .part(Staff::Target, account_part(&self.table, &plan.write, now))
            .part(Staff::Audit, audit_put(&self.table, &plan.audit));
        if let Some(actor) = &plan.actor {
            transaction = transaction.part(Staff::Actor, account_part(&self.table, actor, now));
        }
        Ok(transaction.commit(self).await?)
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

    /// The content a target names and an account, in one read; a correction comes with
    /// the message it corrects.
    async fn moderated_and_account(
        &self,
        target: &ComplaintTarget,
        account_id: &AccountId,
    ) -> Result<(Option<Moderated>, Option<Account>), StoreError> {
        let account_key = keys::account(account_id);
        match target {
            ComplaintTarget::Message(message_id) => {
                let (message, account) = self.message_and_account(message_id, account_id).await?;
                Ok((message.as_ref().map(Moderated::of_message), account))
            }
            ComplaintTarget::Thread(thread_id) => {
                let (thread, account) = self.get_two(keys::thread(thread_id), account_key).await?;
                Ok((
                    moderated(target, thread, None)?,
                    account.map(from_item).transpose()?,
                ))
            }
            ComplaintTarget::Correction(message_id, _) => {
                let [correction, message, account] = self
                    .get_together([
                        keys::complaint_target(target),
                        keys::message(message_id),
                        account_key,
                    ])
                    .await?;
                let message: Option<Message> = message.map(from_item).transpose()?;
                Ok((
                    moderated(target, correction, message.as_ref())?,
                    account.map(from_item).transpose()?,
                ))
            }
        }
    }

    pub(super) async fn message_and_account(
        &self,
        message_id: &crate::domain::MessageId,
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

/// The content a target names, from its item (`within`: the message a correction
/// corrects, when read with it).
fn moderated(
    target: &ComplaintTarget,
    item: Option<Item>,
    within: Option<&Message>,
) -> Result<Option<Moderated>, StoreError> {
    let Some(item) = item else {
        return Ok(None);
    };
    Ok(Some(match target {
        ComplaintTarget::Message(_) => Moderated::of_message(&from_item(item)?),
        ComplaintTarget::Correction(..) => Moderated::of_correction(&from_item(item)?, within),
        ComplaintTarget::Thread(_) => Moderated::of_thread(&from_item(item)?),
    }))
}

/// Content's complaint counters set to `(open, counted)`, on condition that its round,
/// open complaints and status are as read: the update's `SET` and its condition.
fn set_counters(
    (round, seen_open, seen_status): (u32, u32, MessageStatus),
    (open, counted): (u32, u32),
) -> (String, Condition) {
    let set = "SET open_complaints = :open, counted_complaints = :counted".to_owned();
    let condition = as_read((round, seen_open, seen_status))
        .value(":open", n(open))
        .value(":counted", n(counted));
    (set, condition)
}

/// The condition that content's round, open complaints and status are still as read.
/// An item written before it carried them reads as their defaults (round 0, none open,
/// visible): for a default, its absence is as read too.
fn as_read((round, seen_open, seen_status): (u32, u32, MessageStatus)) -> Condition {
    let still = |attribute: &str, placeholder: &str, default: bool| {
        if default {
            format!("{attribute} = {placeholder} OR attribute_not_exists({attribute})")
        } else {
            format!("{attribute} = {placeholder}")
        }
    };
    Condition::new("attribute_exists(pk)")
        .and(still("complaint_round", ":round", round == 0))
        .and(still("open_complaints", ":seen_open", seen_open == 0))
        .and(still(
            "#status",
            ":seen_status",
            seen_status == MessageStatus::default(),
        ))
        .name("#status", "status")
        .value(":round", n(round))
        .value(":seen_open", n(seen_open))
        .value(":seen_status", value(&seen_status))
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
    keys::audit_position(entry.created_at, &entry.id)
}

/// Where a complaint sorts among its reporter's (without the index prefix).
fn complaint_position(complaint: &Complaint) -> String {
    keys::complaint_position(complaint.created_at, &complaint.id)
}

fn complaint_item(complaint: &Complaint) -> Item {
    indexed(
        to_item(
            complaint,
            keys::complaint(&complaint.target, complaint.round, &complaint.reporter_id),
        ),
        keys::complaint_by_reporter_index(
            &complaint.reporter_id,
            complaint.created_at,
            &complaint.id,
        ),
    )
}

//! Breach notices and the e-mail outbox. An e-mail is an item in the table; the table's
//! stream hands each new one to the sender, which claims it with a conditional write
//! before sending, so a redelivered batch sends nothing twice. A breach notice is
//! recorded in one request; the same stream fans it out to the accounts it affects
//! (a notification and a queued e-mail each, written once however often it is
//! delivered). What is sent to whom is decided in [`crate::domain::decide::outbox`].

use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use aws_sdk_dynamodb::types::TransactWriteItem;
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::audit::audit_put;
use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, TransactionError, put_new};
use super::{Failure, Store, StoreError, from_item, indexed, keys, s, to_item, value};
use crate::domain::decide::outbox::{
    self, Delivery, EmailStep, NewBreachNotice, NoticePlan, QueueRefusal,
};
use crate::domain::{
    Account, AccountId, AccountStatus, BreachNotice, EmailKind, EmailStatus, OutboxEmail,
};
use crate::gate::{Gate, Refusal};

impl Store {
    /// The write that queues `email` (once: its id is its key).
    pub(crate) fn outbox_put(&self, email: &OutboxEmail) -> TransactWriteItem {
        put_new(
            &self.table,
            indexed(
                to_item(email, keys::outbox_email(&email.id)),
                keys::outbox_email_index(&email.account_id, &email.id),
            ),
        )
    }

    /// Queues an e-mail of `kind` to `account` (as read), if
    /// [`outbox::queue_email`] allows it.
    pub async fn queue_email(
        &self,
        account: &Account,
        kind: EmailKind,
        subject: &str,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<OutboxEmail, Failure<QueueRefusal>> {
        let email =
            outbox::queue_email(account, kind, subject, body, now).map_err(Failure::Refused)?;
        Transaction::new()
            .part((), self.outbox_put(&email))
            .commit(self)
            .await
            .map_err(StoreError::from)?;
        Ok(email)
    }

    /// Records a breach notice with its audit entry, in one transaction that requires
    /// the gate to admit the admin ([`outbox::record_breach_notice`]).
    /// The stream fans it out ([`Self::fan_out_breach_notice`]).
    pub async fn record_breach_notice(
        &self,
        admin: &Gate,
        new: &NewBreachNotice,
        now: OffsetDateTime,
    ) -> Result<NoticePlan, Failure<Refusal>> {
        self.commit_with_own_account(
            admin,
            |seen| outbox::record_breach_notice(admin, seen, new, now),
            |plan| {
                vec![
                    put_new(
                        &self.table,
                        to_item(&plan.notice, keys::breach_notice(&plan.notice.id)),
                    ),
                    account_part(&self.table, &plan.admin, now),
                    audit_put(&self.table, &plan.audit),
                ]
            },
        )
        .await
    }

    /// Tells every account a breach notice affects (the listed ones, or every account
    /// that is not closed): a notification and a queued e-mail each, one transaction per
    /// account, written once (their keys follow from the notice and the account), so a
    /// notice delivered again tells nobody twice. Returns how many were told now.
    pub async fn fan_out_breach_notice(
        &self,
        notice_id: &str,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let Some(notice) = self
            .get_as::<BreachNotice>(keys::breach_notice(notice_id))
            .await?
        else {
            return Ok(0);
        };
        let targets = match &notice.account_ids {
            Some(ids) => ids.clone(),
            None => outbox::everyone_told(self.account_statuses().await?),
        };
        let mut told = 0;
        for account_id in targets {
            let plan = &outbox::tell_of_breach(&notice, &account_id, now);
            let result = retrying(move |_| async move {
                let committed = Transaction::new()
                    .part((), account_part(&self.table, &plan.account, now))
                    .part(
                        (),
                        put_new(&self.table, self.notification_item(&plan.notification)),
                    )
                    .part((), self.outbox_put(&plan.email))
                    .commit(self)
                    .await;
                match committed {
                    Ok(()) => Ok(true),
                    // No such (open) account, or told already.
                    Err(TransactionError::Refused(_)) => Ok(false),
                    Err(error) => Err(Attempt::<()>::from(error)),
                }
            })
            .await
            .map_err(|failure| match failure {
                Failure::Store(error) => error,
                Failure::Refused(()) => unreachable!("telling is never refused"),
            })?;
            told += usize::from(result);
        }
        Ok(told)
    }

    /// Every account's id and status: a scan of the table (a breach notice to everyone
    /// is rare; the scan reads only account items' ids and statuses past the filter).
    async fn account_statuses(&self) -> Result<Vec<(AccountId, AccountStatus)>, StoreError> {
        #[derive(serde::Deserialize)]
        struct Row {
            id: AccountId,
            status: AccountStatus,
        }
        let items = self
            .scan_all(|scan| {
                scan.filter_expression("sk = :account")
                    .projection_expression("id, #status")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":account", s(keys::ACCOUNT_SK))
            })
            .await?;
        items
            .into_iter()
            .map(|item| from_item::<Row>(item).map(|row| (row.id, row.status)))
            .collect()
    }

    /// Every item a scan shaped by `shape` finds, every page.
    async fn scan_all(
        &self,
        shape: impl Fn(ScanFluentBuilder) -> ScanFluentBuilder,
    ) -> Result<Vec<super::Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = shape(self.client.scan().table_name(&self.table))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::backend)?;
            items.extend(page.items.unwrap_or_default());
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(items),
            }
        }
    }

    /// Claims a queued e-mail for sending ([`outbox::claim`]): `None` when it is sent,
    /// skipped, being sent, or not there.
    pub async fn claim_email(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<OutboxEmail>, StoreError> {
        self.step_email(id, &outbox::claim(now)).await
    }

    /// Records how a claimed e-mail's sending ended ([`outbox::finish`]).
    pub async fn finish_email(
        &self,
        id: &str,
        delivery: &Delivery,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        // Refused: erased in the meantime (the outbox item went with the account's data).
        self.step_email(id, &outbox::finish(delivery.clone(), now))
            .await
            .map(drop)
    }

    /// Gives a claimed e-mail back to the queue ([`outbox::release`]).
    pub async fn release_email(&self, id: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        self.step_email(id, &outbox::release(now)).await.map(drop)
    }

    /// One step of an e-mail's status, on condition that it is in one of the step's
    /// `from` statuses: the e-mail as it is after, or `None` when it was not.
    async fn step_email(
        &self,
        id: &str,
        step: &EmailStep,
    ) -> Result<Option<OutboxEmail>, StoreError> {
        let mut condition = Condition::default().name("#status", "status");
        let mut alternatives = Vec::new();
        for (i, (status, claimed_before)) in step.from.iter().enumerate() {
            condition = condition.value(&format!(":from{i}"), value(status));
            alternatives.push(match claimed_before {
                None => format!("#status = :from{i}"),
                Some(before) => {
                    condition = condition.value(&format!(":before{i}"), s(before));
                    format!("(#status = :from{i} AND claimed_at < :before{i})")
                }
            });
        }
        let condition = condition
            .and("attribute_exists(pk)")
            .and(alternatives.join(" OR "))
            .value(":to", value(&step.to));
        let at = s(step.at);
        let (expression, condition) = match (&step.to, &step.delivery) {
            (EmailStatus::Queued, _) => ("SET #status = :to REMOVE claimed_at", condition),
            (
                _,
                Some(Delivery::Sent {
                    provider_message_id,
                }),
            ) => (
                "SET #status = :to, sent_at = :at, provider_message_id = :provider",
                condition
                    .value(":at", at)
                    .value(":provider", s(provider_message_id)),
            ),
            (_, Some(Delivery::Skipped { reason })) => (
                "SET #status = :to, sent_at = :at, skipped_reason = :reason",
                condition.value(":at", at).value(":reason", s(reason)),
            ),
            (_, None) => (
                "SET #status = :to, claimed_at = :at",
                condition.value(":at", at),
            ),
        };
        self.update_returning(keys::outbox_email(id), expression, condition)
            .await
    }

    /// Operator view: every e-mail in the outbox, oldest first (a scan; local use).
    pub async fn outbox(&self) -> Result<Vec<OutboxEmail>, StoreError> {
        let items = self
            .scan_all(|scan| {
                scan.filter_expression("begins_with(pk, :outbox)")
                    .expression_attribute_values(":outbox", s(keys::OUTBOX_PREFIX))
            })
            .await?;
        let mut emails: Vec<OutboxEmail> =
            items.into_iter().map(from_item).collect::<Result<_, _>>()?;
        emails.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(emails)
    }
}

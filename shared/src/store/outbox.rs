//! Breach notices and the e-mail outbox. An e-mail is an item in the table; the table's
//! stream hands each new one to the sender, which claims it with a conditional write
//! before sending, so a redelivered batch sends nothing twice. A breach notice is
//! recorded in one request; the same stream fans it out to the accounts it affects
//! (a notification and a queued e-mail each, written once however often it is
//! delivered).

use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, TransactWriteItem};
use time::{Duration, OffsetDateTime};

use super::admission::GateCondition;
use super::expr::Condition;
use super::transaction::{Transaction, TransactionError, check, put_new};
use super::{
    Failure, Store, StoreError, condition_failed, from_item, indexed, key_item, keys, s, to_item,
};
use crate::clock::rfc3339;
use crate::domain::Timestamp;
use crate::domain::{
    Account, AccountId, AccountStatus, AuditEntry, BreachNotice, EmailKind, EmailStatus,
    Notification, NotificationKind, OutboxEmail,
};
use crate::gate::Gate;

/// A claim older than this is taken to be abandoned (its sender died between claiming
/// and recording the result) and may be taken again.
pub const CLAIM_TIMEOUT_SECONDS: i64 = 300;

/// Why an e-mail was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueRefusal {
    /// The account may not be written to for this kind of e-mail (no consent, restricted,
    /// objected to, closed): nothing was written.
    NotAllowed,
}

/// How one e-mail's sending ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent { provider_message_id: String },
    Skipped { reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Notice,
    Admin,
    Audit,
    Account,
    Notification,
    Email,
}

/// A new queued e-mail to `account_id`.
pub(crate) fn new_email(
    account_id: &AccountId,
    id: String,
    kind: EmailKind,
    subject: String,
    body: String,
    now: OffsetDateTime,
) -> OutboxEmail {
    OutboxEmail {
        id,
        account_id: account_id.clone(),
        kind,
        subject,
        body,
        status: EmailStatus::Queued,
        created_at: Timestamp::at(now),
        claimed_at: None,
        sent_at: None,
        provider_message_id: None,
        skipped_reason: None,
    }
}

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

    /// Queues an e-mail of `kind` to `account` (as read): refused, with nothing written,
    /// when the account may not be written to for that kind now (marketing without
    /// consent, or while restricted or objected to). The sender checks again when it
    /// sends.
    pub async fn queue_email(
        &self,
        account: &Account,
        kind: EmailKind,
        subject: &str,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<Result<OutboxEmail, QueueRefusal>, StoreError> {
        if !account.may_process_for(kind.purpose()) {
            return Ok(Err(QueueRefusal::NotAllowed));
        }
        let email = new_email(
            &account.id,
            crate::ids::new_id(),
            kind,
            subject.to_owned(),
            body.to_owned(),
            now,
        );
        Transaction::new()
            .part(Part::Email, self.outbox_put(&email))
            .commit(self)
            .await
            .map_err(|error| match error {
                TransactionError::Store(error) => error,
                other => StoreError::Backend(format!("queueing an e-mail: {other:?}")),
            })?;
        Ok(Ok(email))
    }

    /// Records a breach notice, with its audit entry, in one transaction that requires
    /// the gate to admit the admin. The stream fans it out ([`Self::fan_out_breach_notice`]).
    pub async fn record_breach_notice(
        &self,
        admin: &Gate,
        notice: &BreachNotice,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<(), Failure<crate::gate::Refusal>> {
        let result = Transaction::new()
            .part(
                Part::Notice,
                put_new(
                    &self.table,
                    to_item(notice, keys::breach_notice(&notice.id)),
                ),
            )
            .part(
                Part::Admin,
                check(
                    &self.table,
                    key_item(&keys::account(&admin.account_id)),
                    admin.condition(now),
                ),
            )
            .part(Part::Audit, super::audit::audit_put(&self.table, audit))
            .commit_retrying_conflicts(self)
            .await;
        match result {
            Ok(()) => Ok(()),
            Err(error) if error.refused(Part::Admin) => {
                Err(Failure::Refused(self.explain_refusal(admin, now).await?))
            }
            Err(TransactionError::Store(error)) => Err(error.into()),
            Err(other) => Err(StoreError::Backend(format!("breach notice: {other:?}")).into()),
        }
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
            None => self.open_account_ids().await?,
        };
        let mut told = 0;
        for account_id in targets {
            let notification = Notification {
                id: notice.id.clone(),
                account_id: account_id.clone(),
                kind: NotificationKind::BreachNotice,
                title: notice.title.clone(),
                body: notice.description.clone(),
                reference: format!("breach_notice:{}", notice.id),
                created_at: Timestamp::at(now),
            };
            let email = new_email(
                &account_id,
                format!("breach-{}-{account_id}", notice.id),
                EmailKind::BreachNotice,
                notice.title.clone(),
                notice.description.clone(),
                now,
            );
            let result = Transaction::new()
                .part(
                    Part::Account,
                    check(
                        &self.table,
                        key_item(&keys::account(&account_id)),
                        Condition::new("attribute_exists(pk)")
                            .and("#status <> :closed")
                            .name("#status", "status")
                            .value(
                                ":closed",
                                super::admission::status_value(AccountStatus::Closed),
                            ),
                    ),
                )
                .part(
                    Part::Notification,
                    put_new(&self.table, self.notification_item(&notification)),
                )
                .part(Part::Email, self.outbox_put(&email))
                .commit_retrying_conflicts(self)
                .await;
            match result {
                Ok(()) => told += 1,
                // No such (open) account, or told already.
                Err(TransactionError::Refused(_)) => {}
                Err(TransactionError::Store(error)) => return Err(error),
                Err(TransactionError::Conflict) => {
                    return Err(StoreError::Backend(
                        "telling an account of a breach kept conflicting".into(),
                    ));
                }
            }
        }
        Ok(told)
    }

    /// Every account that is not closed: a scan of the table (a breach notice to
    /// everyone is rare; the scan reads only account items' ids past the filter).
    async fn open_account_ids(&self) -> Result<Vec<AccountId>, StoreError> {
        let items = self
            .scan_all(|scan| {
                scan.filter_expression("sk = :account AND #status <> :closed")
                    .projection_expression("id")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":account", s(keys::ACCOUNT_SK))
                    .expression_attribute_values(
                        ":closed",
                        super::admission::status_value(AccountStatus::Closed),
                    )
            })
            .await?;
        Ok(items
            .iter()
            .filter_map(|item| match item.get("id") {
                Some(AttributeValue::S(id)) => AccountId::parse(id).ok(),
                _ => None,
            })
            .collect())
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

    /// Claims a queued e-mail for sending (or one whose claim was abandoned): `None`
    /// when it is sent, skipped, being sent, or not there. The claim is the conditional
    /// write that makes a redelivered e-mail go out once.
    pub async fn claim_email(
        &self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<OutboxEmail>, StoreError> {
        let stale = rfc3339::format(now - Duration::seconds(CLAIM_TIMEOUT_SECONDS));
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::outbox_email(id))))
            .update_expression("SET #status = :sending, claimed_at = :now")
            .condition_expression(
                "attribute_exists(pk) AND (#status = :queued OR (#status = :sending AND claimed_at < :stale))",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":queued", s("queued"))
            .expression_attribute_values(":now", s(rfc3339::format(now)))
            .expression_attribute_values(":stale", s(stale))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let item = output
                    .attributes
                    .ok_or_else(|| StoreError::Corrupt("a claim returned nothing".into()))?;
                Ok(Some(from_item(item)?))
            }
            Err(error) if condition_failed(&error) => Ok(None),
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    /// Records how a claimed e-mail's sending ended.
    pub async fn finish_email(
        &self,
        id: &str,
        delivery: &Delivery,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::outbox_email(id))))
            .condition_expression("#status = :sending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":now", s(rfc3339::format(now)));
        request = match delivery {
            Delivery::Sent {
                provider_message_id,
            } => request
                .update_expression(
                    "SET #status = :sent, sent_at = :now, provider_message_id = :provider",
                )
                .expression_attribute_values(":sent", s("sent"))
                .expression_attribute_values(":provider", s(provider_message_id)),
            Delivery::Skipped { reason } => request
                .update_expression(
                    "SET #status = :skipped, sent_at = :now, skipped_reason = :reason",
                )
                .expression_attribute_values(":skipped", s("skipped"))
                .expression_attribute_values(":reason", s(reason)),
        };
        match request.send().await {
            Ok(_) => Ok(()),
            // Erased in the meantime (the outbox item went with the account's data).
            Err(error) if condition_failed(&error) => Ok(()),
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    /// Gives a claimed e-mail back to the queue (sending failed; the stream retries).
    pub async fn release_email(&self, id: &str) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::outbox_email(id))))
            .update_expression("SET #status = :queued REMOVE claimed_at")
            .condition_expression("#status = :sending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":queued", s("queued"))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if condition_failed(&error) => Ok(()),
            Err(error) => Err(StoreError::backend(error)),
        }
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

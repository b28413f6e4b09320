//! Privacy rights in the store: terms acceptances and consent changes with their
//! history, privacy requests and their deadlines, notifications. Every change is one
//! transaction that carries the gate (the caller's, or the admin's) in its condition.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;

use super::admission::GateCondition;
use super::expr::Condition;
use super::transaction::{Transaction, TransactionError, check, put_new, update};
use super::{Failure, Item, Store, StoreError, from_item, indexed, key_item, keys, s, to_item};
use crate::domain::Timestamp;
use crate::domain::{
    Account, AuditEntry, ConsentChange, ConsentSource, Consents, Notification, NotificationKind,
    PrivacyRequest, PrivacyRequestId, PrivacyRequestKind, PrivacyRequestStatus, TermsAcceptance,
    privacy_request_due,
};
use crate::gate::{Gate, Refusal};
use crate::ids::new_id;

/// An admin's step on a privacy request.
#[derive(Debug, Clone)]
pub enum RequestStep {
    /// Move the deadline one more month (once), saying why.
    Extend { reason: String },
    /// Answer it.
    Complete { response: String },
}

#[derive(Debug)]
pub enum RequestStepOutcome {
    Done(Box<PrivacyRequest>),
    Refused(Refusal),
    NotFound,
    /// Already extended once (or completed): the deadline moves only once.
    AlreadyExtended,
    AlreadyCompleted,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Account,
    Record,
    Request,
    Admin,
    Notification,
    Audit,
    Email,
}

impl Store {
    /// The caller accepts terms `version`: the account's accepted version moves to it and
    /// the acceptance is kept, in one transaction conditioned on the gate.
    pub async fn accept_terms(
        &self,
        caller: &Gate,
        version: &str,
        now: OffsetDateTime,
    ) -> Result<TermsAcceptance, Failure<Refusal>> {
        let acceptance = TermsAcceptance {
            id: new_id(),
            account_id: caller.account_id.clone(),
            version: version.to_owned(),
            accepted_at: Timestamp::at(now),
        };
        let account = update(
            &self.table,
            key_item(&keys::account(&caller.account_id)),
            "SET accepted_terms_version = :version, terms_accepted_at = :at, updated_at = :at",
            caller
                .condition(now)
                .value(":version", s(version))
                .value(":at", s(acceptance.accepted_at)),
        );
        let parts = vec![
            (Part::Account, account),
            (Part::Record, self.terms_acceptance_put(&acceptance)),
        ];
        self.commit_for_caller(caller, parts, now).await?;
        Ok(acceptance)
    }

    pub(crate) fn terms_acceptance_put(&self, acceptance: &TermsAcceptance) -> TransactWriteItem {
        put_new(
            &self.table,
            to_item(
                acceptance,
                keys::terms_acceptance(&acceptance.account_id, &acceptance.id),
            ),
        )
    }

    pub(crate) fn consent_change_put(&self, change: &ConsentChange) -> TransactWriteItem {
        put_new(
            &self.table,
            to_item(change, keys::consent_change(&change.account_id, &change.id)),
        )
    }

    /// Sets the caller's consents and keeps the change, in one transaction.
    pub async fn set_consents(
        &self,
        caller: &Gate,
        consents: Consents,
        now: OffsetDateTime,
    ) -> Result<ConsentChange, Failure<Refusal>> {
        let change = ConsentChange {
            id: new_id(),
            account_id: caller.account_id.clone(),
            marketing_emails: consents.marketing_emails,
            notification_emails: consents.notification_emails,
            source: ConsentSource::Settings,
            changed_at: Timestamp::at(now),
        };
        let account = update(
            &self.table,
            key_item(&keys::account(&caller.account_id)),
            "SET consents = :consents, updated_at = :at",
            caller
                .condition(now)
                .value(":consents", consents_value(consents))
                .value(":at", s(change.changed_at)),
        );
        let parts = vec![
            (Part::Account, account),
            (Part::Record, self.consent_change_put(&change)),
        ];
        self.commit_for_caller(caller, parts, now).await?;
        Ok(change)
    }

    /// Records a privacy request, due one calendar month after receipt. Withdrawal of
    /// consent, objection and restriction take effect in the same transaction: consents
    /// off (and the change kept), or the account marked restricted or objected to.
    pub async fn file_privacy_request(
        &self,
        caller: &Gate,
        kind: PrivacyRequestKind,
        details: Option<String>,
        now: OffsetDateTime,
    ) -> Result<PrivacyRequest, Failure<Refusal>> {
        let at = Timestamp::at(now);
        let request = PrivacyRequest {
            id: PrivacyRequestId::new_for(&caller.account_id),
            account_id: caller.account_id.clone(),
            kind,
            status: PrivacyRequestStatus::Received,
            details,
            received_at: at,
            due_at: Timestamp::at(privacy_request_due(now, false)),
            extended_at: None,
            extension_reason: None,
            completed_at: None,
            response: None,
        };
        let mut parts = vec![(
            Part::Request,
            put_new(&self.table, self.request_item(&request)),
        )];
        let account_key = key_item(&keys::account(&caller.account_id));
        let condition = caller.condition(now).value(":at", s(at));
        let account = match kind {
            PrivacyRequestKind::WithdrawConsent => {
                let change = ConsentChange {
                    id: new_id(),
                    account_id: caller.account_id.clone(),
                    marketing_emails: false,
                    notification_emails: false,
                    source: ConsentSource::PrivacyRequest,
                    changed_at: at,
                };
                parts.push((Part::Record, self.consent_change_put(&change)));
                update(
                    &self.table,
                    account_key,
                    "SET consents = :consents, updated_at = :at",
                    condition.value(
                        ":consents",
                        consents_value(Consents {
                            marketing_emails: false,
                            notification_emails: false,
                        }),
                    ),
                )
            }
            // An objection is not a change of consent: from now on the account is left
            // out of marketing and statistics whatever its consents say.
            PrivacyRequestKind::Objection => update(
                &self.table,
                account_key,
                "SET objected_at = if_not_exists(objected_at, :at), updated_at = :at",
                condition,
            ),
            PrivacyRequestKind::Restriction => update(
                &self.table,
                account_key,
                "SET restricted_at = if_not_exists(restricted_at, :at), updated_at = :at",
                condition,
            ),
            PrivacyRequestKind::Access
            | PrivacyRequestKind::Rectification
            | PrivacyRequestKind::Erasure
            | PrivacyRequestKind::Portability => {
                check(&self.table, account_key, caller.condition(now))
            }
        };
        parts.insert(0, (Part::Account, account));
        self.commit_for_caller(caller, parts, now).await?;
        Ok(request)
    }

    fn request_item(&self, request: &PrivacyRequest) -> Item {
        indexed(
            to_item(request, keys::privacy_request(&request.id)),
            keys::privacy_request_queue(
                request.status != PrivacyRequestStatus::Completed,
                request.due_at,
                &request.id,
            ),
        )
    }

    /// The caller's privacy requests, newest first: the account (for the gate) and one
    /// query.
    pub async fn own_privacy_requests(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<Vec<PrivacyRequest>, Failure<Refusal>> {
        self.caller_account(caller, now).await?;
        let items = self
            .query_prefix(
                &keys::account(&caller.account_id).pk,
                keys::PRIVACY_REQUEST_PREFIX,
                false,
                None,
                None,
            )
            .await?
            .0;
        let requests = items
            .into_iter()
            .map(from_item)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(requests)
    }

    /// The admins' queue: open (or completed) requests, earliest due first, a page at a
    /// time. The admin is judged on their account, read first.
    pub async fn privacy_request_queue(
        &self,
        admin: &Gate,
        open: bool,
        limit: u16,
        cursor: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(Vec<PrivacyRequest>, Option<String>), Failure<Refusal>> {
        self.caller_account(admin, now).await?;
        let after = cursor.and_then(|c| {
            String::from_utf8(URL_SAFE_NO_PAD.decode(c).ok()?)
                .ok()
                .filter(|p| p.len() < 200)
        });
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .limit(i32::from(limit))
            .expression_attribute_values(":pk", s(keys::privacy_request_queue_partition(open)));
        query = match &after {
            None => query.key_condition_expression("gsi1pk = :pk"),
            Some(after) => query
                .key_condition_expression("gsi1pk = :pk AND gsi1sk > :after")
                .expression_attribute_values(":after", s(after)),
        };
        let page = query.send().await.map_err(StoreError::backend)?;
        let mut requests = Vec::new();
        let mut last_position = None;
        for item in page.items.unwrap_or_default() {
            if let Some(AttributeValue::S(position)) = item.get("gsi1sk") {
                last_position = Some(position.clone());
            }
            requests.push(from_item(item)?);
        }
        let next = page
            .last_evaluated_key
            .and(last_position)
            .map(|p| URL_SAFE_NO_PAD.encode(p));
        Ok((requests, next))
    }

    /// An admin extends or completes a request: the request changes (on condition that
    /// it is still as read), its owner is notified (in-app, and an e-mail is queued),
    /// and the step is audited, in one transaction that also requires the gate to admit
    /// the admin. Two requests: the admin and the request read together, then the write.
    pub async fn step_privacy_request(
        &self,
        admin: &Gate,
        id: &PrivacyRequestId,
        step: &RequestStep,
        audit: &mut AuditEntry,
        now: OffsetDateTime,
    ) -> Result<RequestStepOutcome, StoreError> {
        let (admin_item, request_item) = self
            .get_two(keys::account(&admin.account_id), keys::privacy_request(id))
            .await?;
        let admin_account: Option<Account> = admin_item.map(from_item).transpose()?;
        if let Err(refusal) = admin.admit(admin_account.as_ref(), now) {
            return Ok(RequestStepOutcome::Refused(refusal));
        }
        let Some(request) = request_item.map(from_item::<PrivacyRequest>).transpose()? else {
            return Ok(RequestStepOutcome::NotFound);
        };
        let at = Timestamp::at(now);
        let mut changed = request.clone();
        let (notification_kind, title, body) = match (step, request.status) {
            (_, PrivacyRequestStatus::Completed) => {
                return Ok(RequestStepOutcome::AlreadyCompleted);
            }
            (RequestStep::Extend { .. }, PrivacyRequestStatus::Extended) => {
                return Ok(RequestStepOutcome::AlreadyExtended);
            }
            (RequestStep::Extend { reason }, PrivacyRequestStatus::Received) => {
                let received = request.received_at.time();
                changed.status = PrivacyRequestStatus::Extended;
                changed.due_at = Timestamp::at(privacy_request_due(received, true));
                changed.extended_at = Some(at);
                changed.extension_reason = Some(reason.clone());
                (
                    NotificationKind::PrivacyRequestExtended,
                    format!(
                        "Your {} request will be answered by {}",
                        label(request.kind),
                        changed.due_at
                    ),
                    format!("We need one more month: {reason}"),
                )
            }
            (RequestStep::Complete { response }, _) => {
                changed.status = PrivacyRequestStatus::Completed;
                changed.completed_at = Some(at);
                changed.response = Some(response.clone());
                (
                    NotificationKind::PrivacyRequestCompleted,
                    format!("Your {} request has been answered", label(request.kind)),
                    response.clone(),
                )
            }
        };
        audit.target = format!("privacy_request:{id}");
        audit.target_account_id = Some(request.account_id.clone());
        let notification = Notification {
            id: new_id(),
            account_id: request.account_id.clone(),
            kind: notification_kind,
            title: title.clone(),
            body: body.clone(),
            reference: id.to_string(),
            created_at: at,
        };
        let email = super::outbox::new_email(
            &request.account_id,
            format!("notification-{}", notification.id),
            crate::domain::EmailKind::Notification,
            title,
            body,
            now,
        );
        let result = Transaction::new()
            .part(
                Part::Request,
                super::transaction::put_if(
                    &self.table,
                    self.request_item(&changed),
                    Some(
                        Condition::new("attribute_exists(pk)")
                            .and("#status = :seen")
                            .name("#status", "status")
                            .value(
                                ":seen",
                                serde_dynamo::to_attribute_value(request.status)
                                    .expect("a status serialises"),
                            ),
                    ),
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
            .part(
                Part::Notification,
                put_new(&self.table, self.notification_item(&notification)),
            )
            .part(Part::Audit, super::audit::audit_put(&self.table, audit))
            .part(Part::Email, self.outbox_put(&email))
            .commit_retrying_conflicts(self)
            .await;
        match result {
            Ok(()) => Ok(RequestStepOutcome::Done(Box::new(changed))),
            Err(error) if error.refused(Part::Admin) => Ok(RequestStepOutcome::Refused(
                self.explain_refusal(admin, now).await?,
            )),
            // Another admin stepped first: say what it is now.
            Err(error) if error.refused(Part::Request) => {
                match self
                    .get_as::<PrivacyRequest>(keys::privacy_request(id))
                    .await?
                {
                    Some(now_request) if now_request.status == PrivacyRequestStatus::Completed => {
                        Ok(RequestStepOutcome::AlreadyCompleted)
                    }
                    Some(_) => Ok(RequestStepOutcome::AlreadyExtended),
                    None => Ok(RequestStepOutcome::NotFound),
                }
            }
            Err(TransactionError::Store(error)) => Err(error),
            Err(other) => Err(StoreError::Backend(format!(
                "privacy request step: {other:?}"
            ))),
        }
    }

    pub(crate) fn notification_item(&self, notification: &Notification) -> Item {
        to_item(
            notification,
            keys::notification(&notification.account_id, &notification.id),
        )
    }

    /// The caller's notifications, newest first, a page at a time: the account (for the
    /// gate) and one query.
    pub async fn notifications(
        &self,
        caller: &Gate,
        limit: u16,
        cursor: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(Vec<Notification>, Option<String>), Failure<Refusal>> {
        self.caller_account(caller, now).await?;
        let before = cursor
            .filter(|c| c.len() <= 40 && c.bytes().all(|b| b.is_ascii_alphanumeric()))
            .map(|c| keys::notification(&caller.account_id, c).sk);
        let (items, more) = self
            .query_prefix(
                &keys::account(&caller.account_id).pk,
                keys::NOTIFICATION_PREFIX,
                false,
                Some(limit),
                before,
            )
            .await?;
        let notifications: Vec<Notification> =
            items.into_iter().map(from_item).collect::<Result<_, _>>()?;
        let next = more
            .then(|| notifications.last().map(|n| n.id.clone()))
            .flatten();
        Ok((notifications, next))
    }

    /// Items of `pk` whose sort key starts with `prefix`: newest first unless
    /// `oldest_first`; at most `limit` (every page when `None`); below `before` (a sort
    /// key) when given. Consistent. Tells whether there may be more.
    async fn query_prefix(
        &self,
        pk: &str,
        prefix: &str,
        oldest_first: bool,
        limit: Option<u16>,
        before: Option<String>,
    ) -> Result<(Vec<Item>, bool), StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .scan_index_forward(oldest_first)
                .set_limit(limit.map(i32::from))
                .expression_attribute_values(":pk", s(pk))
                .set_exclusive_start_key(start);
            query = match &before {
                None => query
                    .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                    .expression_attribute_values(":prefix", s(prefix)),
                Some(before) => query
                    .key_condition_expression("pk = :pk AND sk BETWEEN :prefix AND :before")
                    .expression_attribute_values(":prefix", s(prefix))
                    .expression_attribute_values(":before", s(before)),
            };
            let page = query.send().await.map_err(StoreError::backend)?;
            for item in page.items.unwrap_or_default() {
                // `BETWEEN` includes the cursor's own item, shown on the page before.
                if before
                    .as_ref()
                    .is_some_and(|b| item.get("sk") == Some(&s(b)))
                {
                    continue;
                }
                items.push(item);
            }
            match (page.last_evaluated_key, limit) {
                (Some(_), Some(_)) => return Ok((items, true)),
                (Some(key), None) => start = Some(key),
                (None, _) => return Ok((items, false)),
            }
        }
    }

    /// Commits `parts` (one of them the caller's account, conditioned on the gate); a
    /// refused account part is explained by reading the account.
    async fn commit_for_caller(
        &self,
        caller: &Gate,
        parts: Vec<(Part, TransactWriteItem)>,
        now: OffsetDateTime,
    ) -> Result<(), Failure<Refusal>> {
        match Transaction::new()
            .parts(parts)
            .commit_retrying_conflicts(self)
            .await
        {
            Ok(()) => Ok(()),
            Err(error) if error.refused(Part::Account) => {
                Err(Failure::Refused(self.explain_refusal(caller, now).await?))
            }
            Err(TransactionError::Store(error)) => Err(error.into()),
            Err(other) => Err(StoreError::Backend(format!("privacy change: {other:?}")).into()),
        }
    }
}

fn consents_value(consents: Consents) -> AttributeValue {
    serde_dynamo::to_attribute_value(consents).expect("consents serialise")
}

fn label(kind: PrivacyRequestKind) -> &'static str {
    match kind {
        PrivacyRequestKind::Access => "access",
        PrivacyRequestKind::Rectification => "rectification",
        PrivacyRequestKind::Erasure => "erasure",
        PrivacyRequestKind::Restriction => "restriction",
        PrivacyRequestKind::Objection => "objection",
        PrivacyRequestKind::Portability => "portability",
        PrivacyRequestKind::WithdrawConsent => "consent withdrawal",
    }
}

//! Privacy rights in the store: terms acceptances and consent changes with their
//! history, privacy requests and their deadlines, notifications. Each change is decided
//! in [`crate::domain::decide::privacy`] and committed as one transaction that carries
//! the gate (the caller's, or the admin's) in its condition.

use aws_sdk_dynamodb::types::TransactWriteItem;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::audit::audit_put;
use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, put_if, put_new};
use super::{Failure, Item, Store, StoreError, from_item, indexed, keys, s, to_item, value};
use crate::domain::decide::Seen;
use crate::domain::decide::privacy::{
    self, RequestPlan, RequestStep, StepRefusal, StepState, TermsRefusal,
};
use crate::domain::{
    Account, ConsentChange, Consents, Notification, PrivacyRequest, PrivacyRequestId,
    PrivacyRequestKind, TermsAcceptance,
};
use crate::gate::{Gate, Refusal};

impl Store {
    /// The caller accepts terms `version` (which must be `current`): the account's
    /// accepted version moves to it and the acceptance is kept, in one transaction.
    pub async fn accept_terms(
        &self,
        caller: &Gate,
        version: &str,
        current: &str,
        now: OffsetDateTime,
    ) -> Result<TermsAcceptance, Failure<TermsRefusal>> {
        let plan = self
            .commit_with_own_account(
                caller,
                |seen| privacy::accept_terms(caller, seen, version, current, now),
                |plan| {
                    vec![
                        account_part(&self.table, &plan.account, now),
                        self.terms_acceptance_put(&plan.acceptance),
                    ]
                },
            )
            .await?;
        Ok(plan.acceptance)
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
        let plan = self
            .commit_with_own_account(
                caller,
                |seen| privacy::set_consents(caller, seen, consents, now),
                |plan| {
                    vec![
                        account_part(&self.table, &plan.account, now),
                        self.consent_change_put(&plan.change),
                    ]
                },
            )
            .await?;
        Ok(plan.change)
    }

    /// Records a privacy request ([`privacy::file_privacy_request`]); what it changes of
    /// the account at once goes in the same transaction.
    pub async fn file_privacy_request(
        &self,
        caller: &Gate,
        kind: PrivacyRequestKind,
        details: Option<String>,
        now: OffsetDateTime,
    ) -> Result<PrivacyRequest, Failure<Refusal>> {
        let plan = self
            .commit_with_own_account(
                caller,
                |seen| privacy::file_privacy_request(caller, seen, kind, details.clone(), now),
                |plan: &RequestPlan| {
                    let mut parts = vec![
                        account_part(&self.table, &plan.account, now),
                        put_new(&self.table, self.request_item(&plan.request)),
                    ];
                    parts.extend(
                        plan.consent_change
                            .as_ref()
                            .map(|c| self.consent_change_put(c)),
                    );
                    parts
                },
            )
            .await?;
        Ok(plan.request)
    }

    /// One transaction that writes (or checks) the caller's own account, on the gate's
    /// condition, and what goes with it, as `decide` decides it: blind first, and after
    /// a refusal on the account as read (whose decision says why, or writes again if the
    /// account changed in between).
    pub(crate) async fn commit_with_own_account<P, R>(
        &self,
        caller: &Gate,
        decide: impl Fn(Seen<Account>) -> Result<P, R>,
        parts: impl Fn(&P) -> Vec<TransactWriteItem>,
    ) -> Result<P, Failure<R>> {
        let (decide, parts) = (&decide, &parts);
        retrying(move |attempt| async move {
            let seen = match attempt {
                0 => Seen::Unread,
                _ => Seen::Read(self.get_account(&caller.account_id).await?),
            };
            let plan = decide(seen).map_err(Attempt::Refused)?;
            Transaction::new()
                .parts(parts(&plan).into_iter().map(|part| ((), part)))
                .commit(self)
                .await?;
            Ok(plan)
        })
        .await
    }

    fn request_item(&self, request: &PrivacyRequest) -> Item {
        indexed(
            to_item(request, keys::privacy_request(&request.id)),
            keys::privacy_request_queue(request.is_open(), request.due_at, &request.id),
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
        let after = cursor.and_then(queue_position);
        let page = self
            .index_page(
                &keys::privacy_request_queue_partition(open),
                after.as_deref(),
                limit,
            )
            .await?;
        let next = page.next().map(|position| URL_SAFE_NO_PAD.encode(position));
        let requests = page
            .items
            .into_iter()
            .map(|(_, item)| from_item(item))
            .collect::<Result<Vec<PrivacyRequest>, _>>()?;
        Ok((requests, next))
    }

    /// An admin extends or completes a request ([`privacy::step_privacy_request`]): the
    /// request changes (on condition that its status is still the one read), its owner
    /// is notified (in-app, and an e-mail is queued), and the step is audited, in one
    /// transaction that also requires the gate to admit the admin. Two requests: the
    /// admin and the request read together, then the write.
    pub async fn step_privacy_request(
        &self,
        admin: &Gate,
        id: &PrivacyRequestId,
        step: &RequestStep,
        now: OffsetDateTime,
    ) -> Result<PrivacyRequest, Failure<StepRefusal>> {
        retrying(move |_| async move {
            let (admin_item, request_item) = self
                .get_two(keys::account(&admin.account_id), keys::privacy_request(id))
                .await?;
            let state = StepState {
                admin: admin_item.map(from_item).transpose()?,
                request: request_item.map(from_item).transpose()?,
            };
            let plan =
                privacy::step_privacy_request(admin, state, step, now).map_err(Attempt::Refused)?;
            Transaction::new()
                .part(
                    (),
                    put_if(
                        &self.table,
                        self.request_item(&plan.changed),
                        Some(
                            Condition::new("attribute_exists(pk)")
                                .and("#status = :seen")
                                .name("#status", "status")
                                .value(":seen", value(&plan.seen_status)),
                        ),
                    ),
                )
                .part((), account_part(&self.table, &plan.admin, now))
                .part(
                    (),
                    put_new(&self.table, self.notification_item(&plan.notification)),
                )
                .part((), audit_put(&self.table, &plan.audit))
                .part((), self.outbox_put(&plan.email))
                .commit(self)
                .await?;
            Ok(plan.changed)
        })
        .await
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
            .filter(|c| is_notification_cursor(c))
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
    pub(super) async fn query_prefix(
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
}

/// The queue position a privacy-request queue cursor holds (base64url of at most 200
/// bytes of text), if it is one.
fn queue_position(cursor: &str) -> Option<String> {
    String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?)
        .ok()
        .filter(|p| p.len() < 200)
}

/// Whether `cursor` can be one the privacy-request queue gives out.
pub fn is_privacy_queue_cursor(cursor: &str) -> bool {
    queue_position(cursor).is_some()
}

/// Whether `cursor` can be one the notification list gives out (a notification's id).
pub fn is_notification_cursor(cursor: &str) -> bool {
    cursor.len() <= 40 && cursor.bytes().all(|b| b.is_ascii_alphanumeric())
}

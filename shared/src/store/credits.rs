//! Tariffs, purchases, and the ways a balance changes: a paid Checkout Session and an
//! admin's grant (each one ledger transaction, see [`super::ledger`]); spending for a
//! purpose lives with what it pays for.

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::admission::GateCondition;
use super::expr::Condition;
use super::ledger::{BalanceChange, BalanceOutcome, EntryWrite};
use super::transaction::{Transaction, TransactionError, check, put_if, put_new, update};
use super::{
    Failure, IdempotentRequest, Item, Remembered, Store, StoreError, StoredAnswer,
    condition_failed, done_unless_failed, from_item, indexed, key_item, keys, n, s, to_item,
};
use crate::clock::rfc3339;
use crate::domain::{
    Account, AccountId, AuditEntry, LedgerEntry, LedgerKind, LedgerLine, Purchase, PurchaseStatus,
    Tariff,
};
use crate::gate::{Gate, Refusal};

pub enum CheckoutSettlement {
    Credited(LedgerEntry),
    AlreadySettled,
    UnknownSession,
    /// The payment names a purchase of ours but not what it recorded: these fields
    /// differ. Nothing was written.
    Mismatch(Vec<&'static str>),
}

/// What a verified payment event says was paid for one Checkout Session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutPayment {
    pub checkout_session_id: String,
    pub account_id: AccountId,
    pub credits: i64,
    pub amount_minor: i64,
    /// Upper case, as purchases store it.
    pub currency: String,
}

impl CheckoutPayment {
    /// The fields in which this payment differs from `purchase`.
    fn differences(&self, purchase: &Purchase) -> Vec<&'static str> {
        [
            ("account_id", purchase.account_id == self.account_id),
            ("credits", purchase.credits == self.credits),
            ("amount", purchase.price.amount_minor == self.amount_minor),
            ("currency", purchase.price.currency == self.currency),
        ]
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(field, _)| field)
        .collect()
    }
}

#[derive(Debug)]
pub enum GrantOutcome {
    Granted(LedgerLine),
    /// The gate refused the admin.
    Refused(Refusal),
    NoSuchAccount,
    /// An admin asked to grant to their own account: refused (separation of duties).
    OwnAccount,
    /// The idempotency key was used before: its first answer is to be replayed.
    KeyUsed,
}

/// Credits an admin gives an account, and why.
#[derive(Debug, Clone, Copy)]
pub struct CreditGrant<'a> {
    pub target: &'a AccountId,
    pub credits: i64,
    pub reason: &'a str,
}

/// How a grant under an idempotency key renders the answer to remember.
pub type GrantAnswer<'a> = Remembered<'a, dyn Fn(&LedgerLine) -> StoredAnswer + Sync + 'a>;

/// What recording a checkout came to.
#[derive(Debug, PartialEq, Eq)]
pub enum CheckoutRecorded {
    Recorded,
    /// The idempotency key was used before: its first answer is to be replayed.
    KeyUsed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TariffChange {
    Tariff,
    Audit,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Settlement {
    Purchase,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum GrantPart {
    Idempotency,
    Admin,
    Audit,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Checkout {
    Purchase,
    Idempotency,
}

impl Store {
    /// Every tariff, in one query.
    pub async fn tariffs(&self) -> Result<Vec<Tariff>, StoreError> {
        let mut tariffs = Vec::new();
        for item in self.query_all("pk", keys::CATALOG, None).await? {
            if matches!(item.get("sk"), Some(AttributeValue::S(sk)) if sk.starts_with(keys::TARIFF_PREFIX))
            {
                tariffs.push(from_item(item)?);
            }
        }
        Ok(tariffs)
    }

    /// Creates or replaces a tariff, with its audit entry, in one transaction that also
    /// requires the gate to admit `admin` (its condition carries the role).
    pub async fn put_tariff(
        &self,
        admin: &Gate,
        tariff: &Tariff,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<(), Failure<Refusal>> {
        let result = Transaction::new()
            .part(
                TariffChange::Tariff,
                put_if(&self.table, to_item(tariff, keys::tariff(&tariff.id)), None),
            )
            .part(
                TariffChange::Audit,
                super::audit::audit_put(&self.table, audit),
            )
            .part(
                TariffChange::Admin,
                check(
                    &self.table,
                    key_item(&keys::account(&admin.account_id)),
                    admin.condition(now),
                ),
            )
            .commit_retrying_conflicts(self)
            .await;
        match result {
            Ok(()) => Ok(()),
            Err(error) if error.refused(TariffChange::Admin) => {
                Err(Failure::Refused(self.explain_refusal(admin, now).await?))
            }
            Err(TransactionError::Store(error)) => Err(error.into()),
            Err(other) => Err(StoreError::Backend(format!("tariff change: {other:?}")).into()),
        }
    }

    /// Writes the default tariffs where the catalogue has none of them yet (a new stack).
    pub async fn seed_catalog(&self, tariffs: &[Tariff]) -> Result<(), StoreError> {
        let items: Vec<Item> = tariffs
            .iter()
            .map(|t| to_item(t, keys::tariff(&t.id)))
            .collect();
        for item in items {
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .send()
                .await;
            match result {
                Ok(_) => {}
                Err(error) if condition_failed(&error) => {}
                Err(error) => return Err(StoreError::backend(error)),
            }
        }
        Ok(())
    }

    /// Records a pending purchase at the price it was made at (and, under an
    /// idempotency key, the answer to remember), in one transaction.
    pub async fn record_checkout(
        &self,
        purchase: &Purchase,
        remember: Option<(&IdempotentRequest, StoredAnswer)>,
        now: OffsetDateTime,
    ) -> Result<CheckoutRecorded, StoreError> {
        let item = indexed(
            to_item(purchase, keys::checkout(&purchase.checkout_session_id)),
            keys::purchase_index(&purchase.account_id, purchase.created_at),
        );
        let mut transaction = Transaction::new();
        if let Some((request, answer)) = remember {
            transaction = transaction.part(
                Checkout::Idempotency,
                self.idempotency_record(request, answer, now),
            );
        }
        let result = transaction
            .part(Checkout::Purchase, put_new(&self.table, item))
            .commit_retrying_conflicts(self)
            .await;
        match result {
            Ok(()) => Ok(CheckoutRecorded::Recorded),
            Err(error) if error.refused(Checkout::Idempotency) => Ok(CheckoutRecorded::KeyUsed),
            // The same Checkout Session recorded before (Stripe answered a retry with it).
            Err(TransactionError::Refused(_)) => Ok(CheckoutRecorded::Recorded),
            Err(TransactionError::Conflict) => Err(StoreError::Unavailable(
                "recording a checkout kept conflicting".into(),
            )),
            Err(TransactionError::Store(error)) => Err(error),
        }
    }

    pub async fn get_checkout(
        &self,
        checkout_session_id: &str,
    ) -> Result<Option<Purchase>, StoreError> {
        self.get_as(keys::checkout(checkout_session_id)).await
    }

    /// Marks a pending purchase failed (expired, async payment failed). A paid one stays paid.
    pub async fn fail_checkout(
        &self,
        checkout_session_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::checkout(checkout_session_id))))
            .update_expression("SET #status = :failed, settled_at = :now")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":failed", s("failed"))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":now", s(rfc3339::format(now)))
            .send()
            .await;
        done_unless_failed(result)
    }

    /// Credits a paid Checkout Session exactly once: the purchase turns paid in the same
    /// transaction as the balance change and its ledger entry (one request), on
    /// condition that the payment is for the purchase's account, credits, amount and
    /// currency. A refused purchase condition is explained by reading the purchase: a
    /// payment that does not match it is a [`CheckoutSettlement::Mismatch`], never
    /// taken for a duplicate.
    pub async fn credit_checkout(
        &self,
        payment: &CheckoutPayment,
        now: OffsetDateTime,
    ) -> Result<CheckoutSettlement, StoreError> {
        let session = &payment.checkout_session_id;
        let mark_paid = update(
            &self.table,
            key_item(&keys::checkout(session)),
            "SET #status = :paid, settled_at = :now",
            Condition::new("attribute_exists(pk)")
                .and("#status <> :paid")
                .and("account_id = :account")
                .and("credits = :credits")
                .and("price.amount_minor = :amount")
                .and("price.currency = :currency")
                .name("#status", "status")
                .value(":paid", s("paid"))
                .value(":now", s(rfc3339::format(now)))
                .value(":account", s(payment.account_id.as_str()))
                .value(":credits", n(payment.credits))
                .value(":amount", n(payment.amount_minor))
                .value(":currency", s(&payment.currency)),
        );
        let change = BalanceChange {
            account_id: payment.account_id.clone(),
            delta: payment.credits,
            kind: LedgerKind::Purchase,
            reference: session.clone(),
            reason: None,
            gate: None,
            with: vec![(Settlement::Purchase, mark_paid)],
            with_entry: None,
        };
        let refused = match self.change_balance(change, None, now).await? {
            BalanceOutcome::Applied { entry, .. } => {
                return Ok(CheckoutSettlement::Credited(entry));
            }
            BalanceOutcome::PartRefused(Settlement::Purchase) | BalanceOutcome::NoAccount => {
                self.get_checkout(session).await?
            }
            BalanceOutcome::Refused(_) | BalanceOutcome::Insufficient { .. } => {
                return Err(StoreError::Corrupt(
                    "a credit cannot be refused for lack of balance".into(),
                ));
            }
        };
        Ok(match refused {
            None => CheckoutSettlement::UnknownSession,
            Some(purchase) => {
                let differences = payment.differences(&purchase);
                if !differences.is_empty() {
                    CheckoutSettlement::Mismatch(differences)
                } else if purchase.status == PurchaseStatus::Paid {
                    CheckoutSettlement::AlreadySettled
                } else {
                    // The purchase matches and is unpaid, so its account is gone.
                    CheckoutSettlement::UnknownSession
                }
            }
        })
    }

    /// An admin's grant of credits (the Terms' "special conditions"), audited. The
    /// admin and the target are read together first: the gate judges the admin before
    /// anything is said about the target, and the answer shows the exact balance the
    /// grant left. The write is conditioned on the admin still passing the gate and on
    /// the target's ledger not having moved.
    pub async fn grant_credits(
        &self,
        admin: &Gate,
        grant: &CreditGrant<'_>,
        audit: &AuditEntry,
        remember: Option<&GrantAnswer<'_>>,
        now: OffsetDateTime,
    ) -> Result<GrantOutcome, StoreError> {
        let CreditGrant {
            target,
            credits,
            reason,
        } = *grant;
        if *target == admin.account_id {
            let account = self.get_account(target).await?;
            return Ok(match admin.admit(account.as_ref(), now) {
                Err(refusal) => GrantOutcome::Refused(refusal),
                Ok(()) => GrantOutcome::OwnAccount,
            });
        }
        let (admin_account, target_account) = self.two_accounts(&admin.account_id, target).await?;
        if let Err(refusal) = admin.admit(admin_account.as_ref(), now) {
            return Ok(GrantOutcome::Refused(refusal));
        }
        let Some(target_account) = target_account else {
            return Ok(GrantOutcome::NoSuchAccount);
        };
        let record = |entry: &LedgerEntry, balance_after: Option<i64>| {
            let r = remember.expect("only with a key");
            let line = LedgerLine {
                entry: entry.clone(),
                balance_after: balance_after.unwrap_or_default(),
            };
            self.idempotency_record(r.request, (r.answer)(&line), now)
        };
        let change = BalanceChange {
            account_id: target.clone(),
            delta: credits,
            kind: LedgerKind::Grant,
            reference: audit.id.to_string(),
            reason: Some(reason.to_owned()),
            gate: None,
            with: vec![
                (
                    GrantPart::Admin,
                    check(
                        &self.table,
                        key_item(&keys::account(&admin.account_id)),
                        admin.condition(now),
                    ),
                ),
                (
                    GrantPart::Audit,
                    super::audit::audit_put(&self.table, audit),
                ),
            ],
            with_entry: remember.map(|_| (GrantPart::Idempotency, &record as &EntryWrite)),
        };
        match self
            .change_balance(change, Some(target_account), now)
            .await?
        {
            BalanceOutcome::Applied {
                entry,
                balance_after: Some(balance_after),
            } => Ok(GrantOutcome::Granted(LedgerLine {
                entry,
                balance_after,
            })),
            BalanceOutcome::PartRefused(GrantPart::Idempotency) => Ok(GrantOutcome::KeyUsed),
            BalanceOutcome::PartRefused(GrantPart::Admin) => Ok(GrantOutcome::Refused(
                self.explain_refusal(admin, now).await?,
            )),
            BalanceOutcome::NoAccount => Ok(GrantOutcome::NoSuchAccount),
            other => Err(StoreError::Backend(format!(
                "a grant was refused: {other:?}"
            ))),
        }
    }

    /// Two accounts in one consistent read.
    async fn two_accounts(
        &self,
        first: &AccountId,
        second: &AccountId,
    ) -> Result<(Option<Account>, Option<Account>), StoreError> {
        let (first, second) = self
            .get_two(keys::account(first), keys::account(second))
            .await?;
        Ok((
            first.map(from_item).transpose()?,
            second.map(from_item).transpose()?,
        ))
    }
}

//! Tariffs, purchases, and the ways a balance changes: a paid Checkout Session and an
//! admin's grant (each one ledger transaction, see [`super::ledger`]); spending for a
//! purpose lives with what it pays for. What each writes is decided in
//! [`crate::domain::decide::credits`].

use aws_sdk_dynamodb::types::AttributeValue;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::audit::audit_put;
use super::expr::{Condition, WithPlaceholders};
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, TransactionError, put_new, update};
use super::{
    Failure, Item, Remembered, Store, StoreError, condition_failed, done_unless_failed, from_item,
    indexed, key_item, keys, n, s, to_item, value,
};
use crate::domain::decide::Seen;
use crate::domain::decide::credits::{
    self, CheckoutPayment, CheckoutRefusal, CheckoutSettlement, GrantPlan, GrantRefusal,
    GrantState, Knowing, PurchaseStep, TariffInput, TariffPlan,
};
use crate::domain::idempotency::{IdempotentRequest, StoredAnswer};
use crate::domain::{
    Account, AccountId, AppliedPromotion, Company, LedgerLine, PromotionCodeText, Purchase, Tariff,
};
use crate::domain::{InvoicedPayment, issue_local};
use crate::gate::{Gate, Refusal};
use crate::random::random_bytes;

/// How a grant under an idempotency key renders the answer to remember.
pub type GrantAnswer<'a> = Remembered<'a, dyn Fn(&LedgerLine) -> StoredAnswer + Sync + 'a>;

/// What a checkout is opened for: the caller's account and company, the tariff, and the
/// local promotion code's promotion.
pub struct CheckoutOf {
    pub account: Account,
    /// Its company, when the account is a corporate client.
    pub company: Option<Company>,
    pub tariff: Tariff,
    pub promotion: Option<AppliedPromotion>,
}

/// What recording a checkout came to.
#[derive(Debug, PartialEq, Eq)]
pub enum CheckoutRecorded {
    Recorded,
    /// The idempotency key was used before: its first answer is to be replayed.
    KeyUsed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Settlement {
    Purchase,
    Balance,
    Redemption,
    Invoice,
}

/// Why a payment was not credited, as the transaction's refused part tells.
enum Unsettled {
    /// The purchase is not an unpaid one of this payment, or its account is gone.
    Purchase,
    /// The local promotion code reached its maximum of redemptions first.
    PromotionUsedUp,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum GrantPart {
    Idempotency,
    Other,
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

    /// Creates or replaces a tariff ([`credits::put_tariff`]), with its audit entry, in
    /// one transaction that also requires the gate to admit `admin`.
    pub async fn put_tariff(
        &self,
        admin: &Gate,
        input: &TariffInput,
        now: OffsetDateTime,
    ) -> Result<Tariff, Failure<Refusal>> {
        let plan = self
            .commit_with_own_account(
                admin,
                |seen| credits::put_tariff(admin, seen, input, now),
                |plan: &TariffPlan| {
                    vec![
                        super::transaction::put_if(
                            &self.table,
                            to_item(&plan.tariff, keys::tariff(plan.tariff.id.as_ref())),
                            None,
                        ),
                        audit_put(&self.table, &plan.audit),
                        account_part(&self.table, &plan.admin, now),
                    ]
                },
            )
            .await?;
        Ok(plan.tariff)
    }

    /// Writes the default tariffs where the catalogue has none of them yet (a new stack).
    pub async fn seed_catalog(&self, tariffs: &[Tariff]) -> Result<(), StoreError> {
        let items: Vec<Item> = tariffs
            .iter()
            .map(|t| to_item(t, keys::tariff(t.id.as_ref())))
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

    /// The caller's account, its company, a tariff and (when given) a local promotion
    /// code, in one consistent read, and whether the caller may check it out
    /// ([`credits::may_check_out`], [`credits::local_promotion`]).
    pub async fn checkout_of(
        &self,
        caller: &Gate,
        tariff_id: &str,
        local_code: Option<&PromotionCodeText>,
        now: OffsetDateTime,
    ) -> Result<CheckoutOf, Failure<CheckoutRefusal>> {
        let account_key = keys::account(&caller.account_id);
        let company_key = keys::company(&caller.account_id);
        let tariff_key = keys::tariff(tariff_id);
        let (account, company, tariff, code) = match local_code {
            None => {
                let [account, company, tariff] = self
                    .get_together([account_key, company_key, tariff_key])
                    .await?;
                (account, company, tariff, None)
            }
            Some(code) => {
                let [account, company, tariff, code] = self
                    .get_together([
                        account_key,
                        company_key,
                        tariff_key,
                        keys::promotion_code(code.as_ref()),
                    ])
                    .await?;
                (account, company, tariff, Some(code))
            }
        };
        let account: Option<Account> = account.map(from_item).transpose()?;
        let tariff = tariff.map(from_item).transpose()?;
        let tariff = credits::may_check_out(caller, account.as_ref(), tariff, now)
            .map_err(Failure::Refused)?;
        let promotion = match code {
            None => None,
            Some(code) => Some(
                credits::local_promotion(code.map(from_item).transpose()?, &tariff.price, now)
                    .map_err(Failure::Refused)?,
            ),
        };
        Ok(CheckoutOf {
            account: account.expect("admitted"),
            company: company.map(from_item).transpose()?,
            tariff,
            promotion,
        })
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
        let (item, remember) = (&item, &remember);
        let result = retrying(move |_| async move {
            let mut transaction = Transaction::new();
            if let Some((request, answer)) = remember {
                transaction = transaction.part(
                    Checkout::Idempotency,
                    self.idempotency_record(request, answer.clone(), now),
                );
            }
            match transaction
                .part(Checkout::Purchase, put_new(&self.table, item.clone()))
                .commit(self)
                .await
            {
                Ok(()) => Ok(CheckoutRecorded::Recorded),
                Err(error) if error.refused(Checkout::Idempotency) => Ok(CheckoutRecorded::KeyUsed),
                // The same Checkout Session recorded before (Stripe answered a retry
                // with it).
                Err(TransactionError::Refused(_)) => Ok(CheckoutRecorded::Recorded),
                Err(error) => Err(Attempt::<()>::from(error)),
            }
        })
        .await;
        result.map_err(|failure| match failure {
            Failure::Store(error) => error,
            Failure::Refused(()) => unreachable!("recording is never refused"),
        })
    }

    pub async fn get_checkout(
        &self,
        checkout_session_id: &str,
    ) -> Result<Option<Purchase>, StoreError> {
        self.get_as(keys::checkout(checkout_session_id)).await
    }

    /// Marks a pending purchase failed (expired, async payment failed;
    /// [`credits::fail_checkout`]); a refused step changes nothing.
    pub async fn fail_checkout(
        &self,
        checkout_session_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let step = credits::fail_checkout(now);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::checkout(checkout_session_id))))
            .update_expression("SET #status = :to, settled_at = :at")
            .condition_expression(purchase_step_condition(&step, None).text())
            .placeholders(&purchase_step_condition(&step, None).placeholders)
            .send()
            .await;
        done_unless_failed(result)
    }

    /// Credits a paid Checkout Session exactly once: the purchase turns paid in the same
    /// transaction as the balance change and its ledger entry (one request), on
    /// condition that it is unpaid and that the payment is for its account, credits,
    /// amount and currency. A refused purchase is explained by reading it
    /// ([`credits::unsettled`]).
    ///
    /// With `invoice_page_base` (the local stack, which issues its own invoices), a
    /// corporate client's company is read first and the purchase's invoice
    /// ([`issue_local`]) is put in the same transaction: a repeated delivery finds the
    /// purchase paid, so its transaction, invoice included, is refused.
    pub async fn credit_checkout(
        &self,
        payment: &CheckoutPayment,
        invoice_page_base: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<CheckoutSettlement, StoreError> {
        let change = &payment.credit();
        let credited = retrying(move |attempt| async move {
            let invoice = match invoice_page_base {
                None => None,
                Some(base) => {
                    let company = self.company(&payment.account_id).await?;
                    let invoiced = InvoicedPayment {
                        account_id: &payment.account_id,
                        purchase_id: payment.purchase_id(),
                        amount_minor: payment.amount_minor,
                        amount_discount: payment.amount_discount,
                        currency: &payment.currency,
                    };
                    issue_local(
                        &invoiced,
                        company.as_ref(),
                        &ulid::Ulid::new().to_string(),
                        &URL_SAFE_NO_PAD.encode(random_bytes::<16>()),
                        base,
                        now,
                    )
                }
            };
            let seen = match attempt {
                0 => Seen::Unread,
                _ => Seen::Read(self.get_account(&payment.account_id).await?),
            };
            let plan = credits::change_balance(change, seen, None, Knowing::Blind, now)
                .map_err(|_| Attempt::Refused(Unsettled::Purchase))?;
            let [balance, entry] = self.ledger_parts(&plan, now);
            let mut transaction = Transaction::new()
                .part(Settlement::Purchase, self.mark_paid(payment, now))
                .part(Settlement::Balance, balance)
                .part(Settlement::Balance, entry);
            if let Some(code) = &payment.local_promotion_code {
                transaction = transaction.part(Settlement::Redemption, self.redeem(code));
            }
            if let Some(invoice) = &invoice {
                let key = keys::invoice(&invoice.account_id, invoice.issued_at, &invoice.id);
                transaction = transaction.part(
                    Settlement::Invoice,
                    put_new(&self.table, to_item(invoice, key)),
                );
            }
            let result = transaction.commit(self).await;
            match result {
                Ok(()) => Ok(plan.entry),
                Err(error) if error.refused(Settlement::Purchase) => {
                    Err(Attempt::Refused(Unsettled::Purchase))
                }
                Err(error) if error.refused(Settlement::Redemption) => {
                    Err(Attempt::Refused(Unsettled::PromotionUsedUp))
                }
                Err(error) => Err(error.into()),
            }
        })
        .await;
        match credited {
            Ok(entry) => Ok(CheckoutSettlement::Credited(entry)),
            Err(Failure::Refused(Unsettled::PromotionUsedUp)) => {
                Ok(CheckoutSettlement::PromotionUsedUp)
            }
            // The purchase is not an unpaid one of this payment, or its account is gone.
            Err(Failure::Refused(Unsettled::Purchase)) => {
                let purchase = self.get_checkout(&payment.checkout_session_id).await?;
                Ok(credits::unsettled(payment, purchase.as_ref()))
            }
            Err(Failure::Store(error)) => Err(error),
        }
    }

    /// One more redemption of a local promotion code, on condition that it stays within
    /// its maximum.
    fn redeem(&self, code: &PromotionCodeText) -> aws_sdk_dynamodb::types::TransactWriteItem {
        update(
            &self.table,
            key_item(&keys::promotion_code(code.as_ref())),
            "ADD times_redeemed :one",
            Condition::new("attribute_exists(pk)")
                .and("attribute_not_exists(max_redemptions) OR times_redeemed < max_redemptions")
                .value(":one", n(1)),
        )
    }

    /// The purchase turns paid ([`credits::settle_checkout`]), on condition that it is
    /// what `payment` paid for.
    fn mark_paid(
        &self,
        payment: &CheckoutPayment,
        now: OffsetDateTime,
    ) -> aws_sdk_dynamodb::types::TransactWriteItem {
        let step = credits::settle_checkout(now);
        update(
            &self.table,
            key_item(&keys::checkout(&payment.checkout_session_id)),
            "SET #status = :to, settled_at = :at, amount_total = :paid, amount_discount = :discount",
            purchase_step_condition(&step, Some(payment))
                .value(":paid", n(payment.amount_minor))
                .value(":discount", n(payment.amount_discount)),
        )
    }

    /// An admin's grant of credits ([`credits::grant_credits`]), audited. The admin and
    /// the target are read together first: the gate judges the admin before anything is
    /// said about the target, and the answer shows the exact balance the grant left.
    /// The write is conditioned on the admin still passing the gate and on the target's
    /// ledger not having moved.
    pub async fn grant_credits(
        &self,
        admin: &Gate,
        target: &AccountId,
        amount: i64,
        reason: &str,
        remember: Option<&GrantAnswer<'_>>,
        now: OffsetDateTime,
    ) -> Result<GrantPlan, Failure<GrantRefusal>> {
        retrying(move |_| async move {
            let state = if *target == admin.account_id {
                let account = self.get_account(target).await?;
                GrantState {
                    admin: account.clone(),
                    target: account,
                }
            } else {
                let (admin_item, target_item) = self
                    .get_two(keys::account(&admin.account_id), keys::account(target))
                    .await?;
                GrantState {
                    admin: admin_item.map(from_item).transpose()?,
                    target: target_item.map(from_item).transpose()?,
                }
            };
            let plan = credits::grant_credits(admin, state, target, amount, reason, now)
                .map_err(Attempt::Refused)?;
            let mut transaction = Transaction::new();
            if let Some(remember) = remember {
                let line = LedgerLine {
                    entry: plan.ledger.entry.clone(),
                    balance_after: plan.ledger.balance_after.unwrap_or_default(),
                };
                transaction = transaction.part(
                    GrantPart::Idempotency,
                    self.idempotency_record(remember.request, (remember.answer)(&line), now),
                );
            }
            let result = transaction
                .parts(
                    self.ledger_parts(&plan.ledger, now)
                        .map(|part| (GrantPart::Other, part)),
                )
                .part(
                    GrantPart::Other,
                    account_part(&self.table, &plan.admin, now),
                )
                .part(GrantPart::Other, audit_put(&self.table, &plan.audit))
                .commit(self)
                .await;
            match result {
                Ok(()) => Ok(plan),
                Err(error) if error.refused(GrantPart::Idempotency) => {
                    Err(Attempt::Refused(GrantRefusal::KeyUsed))
                }
                Err(error) => Err(error.into()),
            }
        })
        .await
    }
}

/// The condition of a purchase's step (it exists and is in one of the step's `from`
/// statuses; when `paid_by` is given, the purchase is what that payment paid for), with
/// the step's new status and time.
fn purchase_step_condition(step: &PurchaseStep, paid_by: Option<&CheckoutPayment>) -> Condition {
    let mut condition = Condition::new("attribute_exists(pk)")
        .name("#status", "status")
        .value(":to", value(&step.to))
        .value(":at", s(step.at));
    let mut alternatives = Vec::new();
    for (i, status) in step.from.iter().enumerate() {
        alternatives.push(format!("#status = :from{i}"));
        condition = condition.value(&format!(":from{i}"), value(status));
    }
    condition = condition.and(alternatives.join(" OR "));
    match paid_by {
        None => condition,
        Some(payment) => {
            let condition = condition
                .and("account_id = :account")
                .and("credits = :credits")
                .and("price.amount_minor = :amount")
                .and("price.currency = :currency")
                .value(":account", s(payment.account_id.as_str()))
                .value(":credits", n(payment.credits))
                .value(":amount", n(payment.price_paid_for()))
                .value(":currency", s(&payment.currency));
            // A discount only on a purchase opened with a promotion (a local one: this
            // code, for this discount); without one, nothing off.
            match (&payment.local_promotion_code, payment.amount_discount) {
                (Some(code), discount) => condition
                    // `code` is one of DynamoDB's reserved words.
                    .and("promotion.#code = :code")
                    .name("#code", "code")
                    .and("promotion.expected_discount_minor = :discount_expected")
                    .value(":code", s(code.as_ref()))
                    .value(":discount_expected", n(discount)),
                (None, 0) => condition,
                (None, _) => condition.and("attribute_exists(promotion.stripe_id)"),
            }
        }
    }
}

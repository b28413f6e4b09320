//! Tariffs, purchases and the ledger. Every balance change is one transaction: the
//! account's new balance (conditioned on the balance it was computed from), the
//! append-only ledger entry, and whatever the change pays for or settles.

use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem, Update};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;

use super::accounts::{
    ACTIVE_WITH_GENERATION, active_with_generation_values, condition_failed, key_map,
};
use super::{
    AuditEntry, Item, Store, StoreError, cancellation_codes, from_item, is_transaction_conflict,
    keys, n, put_if_absent, s, to_item,
};
use crate::auth::AuthUser;
use crate::clock::rfc3339;
use crate::domain::{ActionCosts, LedgerEntry, LedgerKind, Purchase, Role, Standing, Tariff};
use crate::ids::new_id;

/// Optimistic retries of a balance change that raced another one.
const MAX_ATTEMPTS: u32 = 200;

/// A change of one account's balance and what goes with it.
pub struct BalanceChange {
    pub account_id: String,
    pub delta: i64,
    pub kind: LedgerKind,
    pub reference: String,
    pub reason: Option<String>,
    /// When set, the account must be able to act with this token generation.
    pub caller_generation: Option<u64>,
    /// Writes that succeed or fail together with the change.
    pub with: Vec<TransactWriteItem>,
}

#[derive(Debug)]
pub enum BalanceOutcome {
    Applied(LedgerEntry),
    NoAccount,
    /// The account may not act (blocked, closed, or the caller's tokens are revoked).
    NotAllowed,
    Insufficient {
        available: i64,
    },
    /// Write `index` of [`BalanceChange::with`] failed its condition.
    Refused {
        index: usize,
    },
}

pub enum CheckoutSettlement {
    Credited(LedgerEntry),
    AlreadySettled,
    UnknownSession,
}

impl Store {
    /// Every tariff and the action costs, in one query.
    pub async fn catalog(&self) -> Result<(Vec<Tariff>, ActionCosts), StoreError> {
        let mut tariffs = Vec::new();
        let mut costs = ActionCosts::default();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :catalog")
                .expression_attribute_values(":catalog", s(keys::CATALOG))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::backend)?;
            for item in page.items.unwrap_or_default() {
                match item.get("sk") {
                    Some(AttributeValue::S(sk)) if sk.starts_with("TARIFF#") => {
                        tariffs.push(from_item(item)?)
                    }
                    Some(AttributeValue::S(sk)) if sk == "ACTION_COSTS" => costs = from_item(item)?,
                    _ => {}
                }
            }
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        Ok((tariffs, costs))
    }

    pub async fn get_tariff(&self, tariff_id: &str) -> Result<Option<Tariff>, StoreError> {
        self.get_as(keys::tariff(tariff_id)).await
    }

    /// Creates or replaces a tariff, with its audit entry, in one transaction.
    pub async fn put_tariff(&self, tariff: &Tariff, audit: &AuditEntry) -> Result<(), StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(tariff, keys::tariff(&tariff.id))))
            .build()
            .expect("put");
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put).build())
            .transact_items(audit.put(&self.table))
            .send()
            .await
            .map_err(StoreError::backend)?;
        Ok(())
    }

    /// Writes the default catalogue where it has no entries yet (a new stack).
    pub async fn seed_catalog(
        &self,
        tariffs: &[Tariff],
        costs: &ActionCosts,
    ) -> Result<(), StoreError> {
        let mut items: Vec<Item> = tariffs
            .iter()
            .map(|t| to_item(t, keys::tariff(&t.id)))
            .collect();
        items.push(to_item(costs, keys::action_costs()));
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

    /// Records a pending purchase at the price it was made at.
    pub async fn record_checkout(&self, purchase: &Purchase) -> Result<(), StoreError> {
        let mut item = to_item(purchase, keys::checkout(&purchase.checkout_session_id));
        item.insert(
            "gsi1pk".into(),
            s(format!("ACCOUNT#{}", purchase.account_id)),
        );
        item.insert(
            "gsi1sk".into(),
            s(format!("PURCHASE#{}", purchase.created_at)),
        );
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(StoreError::backend)?;
        Ok(())
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
            .set_key(Some(key_map(keys::checkout(checkout_session_id))))
            .update_expression("SET #status = :failed, settled_at = :now")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":failed", s("failed"))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":now", s(rfc3339::format(now)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if condition_failed(&error) => Ok(()),
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    /// Credits a paid Checkout Session exactly once: the purchase turns paid in the same
    /// transaction as the balance change and its ledger entry.
    pub async fn credit_checkout(
        &self,
        checkout_session_id: &str,
        account_id: &str,
        credits: i64,
        now: OffsetDateTime,
    ) -> Result<CheckoutSettlement, StoreError> {
        let mark_paid = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::checkout(checkout_session_id))))
            .update_expression("SET #status = :paid, settled_at = :now")
            .condition_expression(
                "attribute_exists(pk) AND #status <> :paid AND account_id = :account AND credits = :credits",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":paid", s("paid"))
            .expression_attribute_values(":now", s(rfc3339::format(now)))
            .expression_attribute_values(":account", s(account_id))
            .expression_attribute_values(":credits", n(credits))
            .build()
            .expect("update");
        let change = BalanceChange {
            account_id: account_id.to_owned(),
            delta: credits,
            kind: LedgerKind::Purchase,
            reference: checkout_session_id.to_owned(),
            reason: None,
            caller_generation: None,
            with: vec![TransactWriteItem::builder().update(mark_paid).build()],
        };
        match self.change_balance(change, now).await? {
            BalanceOutcome::Applied(entry) => Ok(CheckoutSettlement::Credited(entry)),
            BalanceOutcome::Refused { .. } => match self.get_checkout(checkout_session_id).await? {
                Some(_) => Ok(CheckoutSettlement::AlreadySettled),
                None => Ok(CheckoutSettlement::UnknownSession),
            },
            BalanceOutcome::NoAccount => Ok(CheckoutSettlement::UnknownSession),
            BalanceOutcome::NotAllowed | BalanceOutcome::Insufficient { .. } => Err(
                StoreError::Corrupt("a credit cannot be refused for lack of balance".into()),
            ),
        }
    }

    /// The spending primitive of the paid routes: debits `cost` only if the balance
    /// covers it and the caller may act, together with the item being paid for.
    pub async fn spend_credits(
        &self,
        caller: &AuthUser,
        cost: i64,
        reference: &str,
        paid_item: Item,
        now: OffsetDateTime,
    ) -> Result<BalanceOutcome, StoreError> {
        self.change_balance(
            BalanceChange {
                account_id: caller.account_id.clone(),
                delta: -cost,
                kind: LedgerKind::Spend,
                reference: reference.to_owned(),
                reason: None,
                caller_generation: Some(caller.token_generation),
                with: vec![put_if_absent(&self.table, paid_item)],
            },
            now,
        )
        .await
    }

    /// An admin's grant of credits (the Terms' "special conditions"), audited. The
    /// admin's own standing and role are conditions of the same transaction
    /// ([`BalanceOutcome::Refused`] with index 0 when they do not hold).
    pub async fn grant_credits(
        &self,
        admin: &AuthUser,
        account_id: &str,
        credits: i64,
        reason: &str,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<BalanceOutcome, StoreError> {
        self.change_balance(
            BalanceChange {
                account_id: account_id.to_owned(),
                delta: credits,
                kind: LedgerKind::Grant,
                reference: audit.id.clone(),
                reason: Some(reason.to_owned()),
                caller_generation: None,
                with: vec![
                    self.caller_has_role(admin, Role::Admin, now),
                    audit.put(&self.table),
                ],
            },
            now,
        )
        .await
    }

    /// A transaction item that holds only while the caller may act with their token
    /// and has `role`.
    pub fn caller_has_role(
        &self,
        caller: &AuthUser,
        role: Role,
        now: OffsetDateTime,
    ) -> TransactWriteItem {
        let mut check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::account(&caller.account_id))))
            .condition_expression(format!(
                "{ACTIVE_WITH_GENERATION} AND contains(#roles, :role)"
            ))
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#roles", "roles")
            .expression_attribute_values(
                ":role",
                serde_dynamo::to_attribute_value(role).expect("a role serialises"),
            );
        for (name, value) in active_with_generation_values(caller.token_generation, now) {
            check = check.expression_attribute_values(name, value);
        }
        TransactWriteItem::builder()
            .condition_check(check.build().expect("condition check"))
            .build()
    }

    /// Reads the balance, then writes the new one on condition that it is still the one
    /// read; a concurrent change makes the condition fail and the loop read again.
    pub async fn change_balance(
        &self,
        change: BalanceChange,
        now: OffsetDateTime,
    ) -> Result<BalanceOutcome, StoreError> {
        for attempt in 0..MAX_ATTEMPTS {
            let Some(account) = self.get_account(&change.account_id).await? else {
                return Ok(BalanceOutcome::NoAccount);
            };
            if let Some(generation) = change.caller_generation
                && (account.token_generation != generation
                    || account.standing(now) != Standing::Active)
            {
                return Ok(BalanceOutcome::NotAllowed);
            }
            let balance_after = account.balance_credits + change.delta;
            if balance_after < 0 {
                return Ok(BalanceOutcome::Insufficient {
                    available: account.balance_credits,
                });
            }
            let entry = LedgerEntry {
                id: new_id(),
                account_id: change.account_id.clone(),
                kind: change.kind,
                credits: change.delta,
                balance_after,
                created_at: rfc3339::format(now),
                reference: change.reference.clone(),
                reason: change.reason.clone(),
            };
            let mut condition = "balance_credits = :seen".to_owned();
            let mut update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key_map(keys::account(&change.account_id))))
                .update_expression("SET balance_credits = :after")
                .expression_attribute_values(":seen", n(account.balance_credits))
                .expression_attribute_values(":after", n(balance_after));
            if let Some(generation) = change.caller_generation {
                condition = format!("{condition} AND {ACTIVE_WITH_GENERATION}");
                update = update.expression_attribute_names("#status", "status");
                for (name, value) in active_with_generation_values(generation, now) {
                    update = update.expression_attribute_values(name, value);
                }
            }
            let ledger_put = put_if_absent(
                &self.table,
                to_item(&entry, keys::ledger_entry(&entry.account_id, &entry.id)),
            );
            let mut request = self
                .client
                .transact_write_items()
                .transact_items(
                    TransactWriteItem::builder()
                        .update(
                            update
                                .condition_expression(condition)
                                .build()
                                .expect("update"),
                        )
                        .build(),
                )
                .transact_items(ledger_put);
            for item in &change.with {
                request = request.transact_items(item.clone());
            }
            match request.send().await {
                Ok(_) => return Ok(BalanceOutcome::Applied(entry)),
                Err(error) => {
                    if let Some(codes) = cancellation_codes(&error) {
                        let failed =
                            |i: usize| codes.get(i).is_some_and(|c| c == "ConditionalCheckFailed");
                        if let Some(index) = (0..change.with.len()).find(|i| failed(i + 2)) {
                            return Ok(BalanceOutcome::Refused { index });
                        }
                    } else if !is_transaction_conflict(&error) {
                        return Err(StoreError::backend(error));
                    }
                    // The balance moved under us, or a concurrent transaction: read again.
                    backoff(attempt).await;
                }
            }
        }
        Err(StoreError::Backend(
            "balance change kept conflicting; giving up".into(),
        ))
    }

    /// Ledger entries of an account, newest first, a page at a time.
    pub async fn ledger_page(
        &self,
        account_id: &str,
        limit: u16,
        cursor: Option<&LedgerCursor>,
    ) -> Result<(Vec<LedgerEntry>, Option<LedgerCursor>), StoreError> {
        let (pk, _) = keys::account(account_id);
        let start = cursor.map(|c| key_map((pk.clone(), c.0.clone())));
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(&pk))
            .expression_attribute_values(":prefix", s(keys::LEDGER_PREFIX))
            .scan_index_forward(false)
            .limit(i32::from(limit))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(StoreError::backend)?;
        let entries = page
            .items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<Result<Vec<LedgerEntry>, _>>()?;
        let next = page.last_evaluated_key.and_then(|key| match key.get("sk") {
            Some(AttributeValue::S(sk)) => Some(LedgerCursor(sk.clone())),
            _ => None,
        });
        Ok((entries, next))
    }
}

/// Where the next page of a ledger starts. Opaque to clients (base64url).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerCursor(String);

impl LedgerCursor {
    pub fn parse(raw: &str) -> Option<Self> {
        let sk = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).ok()?).ok()?;
        let id = sk.strip_prefix(keys::LEDGER_PREFIX)?;
        (id.len() == 26 && id.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(Self(sk))
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.0)
    }
}

async fn backoff(attempt: u32) {
    let [byte] = crate::random::random_bytes::<1>();
    let millis = 1 + u64::from(byte) % u64::from(2 + attempt.min(20));
    tokio::time::sleep(Duration::from_millis(millis)).await;
}

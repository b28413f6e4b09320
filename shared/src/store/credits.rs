//! Tariffs, purchases, and the three ways a balance changes: a paid Checkout Session,
//! a spend, an admin's grant (each one ledger transaction, see [`super::ledger`]).

use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem, Update};
use time::OffsetDateTime;

use super::accounts::{
    ACTIVE_WITH_GENERATION, active_with_generation_values, condition_failed, key_map,
};
use super::ledger::{BalanceChange, BalanceOutcome, Basis};
use super::{AuditEntry, Item, Store, StoreError, from_item, keys, n, put_if_absent, s, to_item};
use crate::auth::AuthUser;
use crate::clock::rfc3339;
use crate::domain::{ActionCosts, LedgerEntry, LedgerKind, Purchase, Role, Tariff};

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
    /// transaction as the balance change and its ledger entry (one request).
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
        match self.change_balance(change, Basis::Blind, now).await? {
            BalanceOutcome::Applied { entry, .. } => Ok(CheckoutSettlement::Credited(entry)),
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
    /// covers it and the caller may act, together with the item being paid for, in one
    /// request.
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
            Basis::Blind,
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
            // The answer shows the balance after the grant, so it is computed from a read.
            Basis::Read,
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
}

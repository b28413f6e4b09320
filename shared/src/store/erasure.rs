//! Erasure of an account's personal data: one idempotent operation.
//!
//! 1. Every item of the account is found through the ownership list and treated by its
//!    kind's rule (the rule the kind declares, `ItemKind::rules`): deleted (sessions,
//!    refresh tokens, notifications, e-mails), stripped of free text (a privacy
//!    request's details and answer), redacted (staff-written reasons lose the account's
//!    names and addresses), or kept (published threads, messages and revisions stay;
//!    the ledger, purchases, terms acceptances and consent history hold no personal
//!    data). Each of these writes can be repeated with the same result.
//! 2. Last, one transaction replaces the account's personal fields (the e-mail by a
//!    placeholder, the names by "Former member", birth date, gender, location, guardian
//!    and consents cleared), closes it for good, ends every session (a new token
//!    generation) and deletes the e-mail claim, so the address is free again.
//!
//! 3. Once a write has had time to reach the index (`Store::index_settle`), the items
//!    are walked again and what the first walk missed is treated as in step 1, until a
//!    walk finds nothing to do. Nothing new can be written for the account after step 2
//!    (the gate refuses a closed account), so the walks end.
//!
//! The account keeps its personal data until step 2, so a crash half way
//! leaves the account as it was (still able to log in and ask again) with some of step
//! 1 done; the retry redoes step 1 (what is done already changes nothing) and finishes.
//! Once step 2 has committed, there is nothing personal left to find, and running the
//! operation again changes nothing.

use aws_sdk_dynamodb::types::{AttributeValue, Delete, TransactWriteItem};
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, TransactionError};
use super::{Failure, Item, Store, StoreError, from_item, key_item, keys, s};
use crate::domain::decide::erasure::{self, Erasure, ErasurePlan, ItemScrub, ItemText};
use crate::domain::{
    Account, AccountId, ComplaintTarget, CorrectionId, ItemKind, MessageId, ThreadId, Timestamp,
};
use crate::gate::{Gate, Refusal};

/// An account and every item of it (the ownership list's walk), each with its kind.
pub struct AccountItems {
    pub account: Account,
    items: Vec<(ItemKind, Item)>,
}

impl AccountItems {
    /// Every item found, the account's included, each with its kind.
    pub fn into_items(self) -> Vec<(ItemKind, Item)> {
        self.items
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureOutcome {
    Erased {
        erased_at: Timestamp,
    },
    /// Erased before: nothing changed.
    AlreadyErased {
        erased_at: Timestamp,
    },
    NoSuchAccount,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Account,
    Claim,
}

/// An attribute by its path (`reason`, or `moderation.reason` for a map's attribute).
fn at_path<'a>(item: &'a Item, path: &str) -> Option<&'a AttributeValue> {
    let mut parts = path.split('.');
    let mut found = item.get(parts.next()?)?;
    for part in parts {
        match found {
            AttributeValue::M(map) => found = map.get(part)?,
            _ => return None,
        }
    }
    Some(found)
}

impl ItemText for Item {
    fn has(&self, attribute: &str) -> bool {
        at_path(self, attribute).is_some()
    }
    fn text(&self, attribute: &str) -> Option<&str> {
        match at_path(self, attribute) {
            Some(AttributeValue::S(text)) => Some(text),
            _ => None,
        }
    }
}

impl Store {
    /// The caller's account and every item of it, the gate judged on the account item
    /// found. Export and erasure start here.
    pub async fn caller_items(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<AccountItems, Failure<Refusal>> {
        let found = self.account_items(&caller.account_id).await?;
        let account = found.as_ref().map(|f| &f.account);
        caller.admit(account, now).map_err(Failure::Refused)?;
        Ok(found.expect("admitted"))
    }

    async fn account_items(
        &self,
        account_id: &AccountId,
    ) -> Result<Option<AccountItems>, StoreError> {
        let items = self.items_of_account(account_id).await?;
        let Some(account) = items
            .iter()
            .find(|(kind, _)| *kind == ItemKind::Account)
            .map(|(_, item)| from_item::<Account>(item.clone()))
            .transpose()?
        else {
            return Ok(None);
        };
        Ok(Some(AccountItems { account, items }))
    }

    /// Erases `account_id`'s personal data (an operator's or a test's entry; the route
    /// checks the password first and calls [`Self::erase`]).
    pub async fn erase_account(
        &self,
        account_id: &AccountId,
        now: OffsetDateTime,
    ) -> Result<ErasureOutcome, StoreError> {
        match self.account_items(account_id).await? {
            Some(found) => self.erase(found, now).await,
            None => Ok(ErasureOutcome::NoSuchAccount),
        }
    }

    /// Carries out an erasure ([`erasure::erase`]; see the module documentation for
    /// the order).
    pub async fn erase(
        &self,
        found: AccountItems,
        now: OffsetDateTime,
    ) -> Result<ErasureOutcome, StoreError> {
        let plan = match erasure::erase(&found.account, now) {
            Erasure::AlreadyErased { erased_at } => {
                return Ok(ErasureOutcome::AlreadyErased { erased_at });
            }
            Erasure::Erase(plan) => *plan,
        };
        let account_id = found.account.id.clone();
        self.scrub(found.items, &plan.personal, None).await?;
        self.close_and_erase_account(&plan, now).await?;
        self.sweep(&account_id, &plan.personal).await?;
        Ok(ErasureOutcome::Erased {
            erased_at: plan.erased_at,
        })
    }

    /// Step 1 only, stopped after `writes` writes, and no last step: what a crash half
    /// way leaves behind (a test shows the retry finishes the job).
    #[doc(hidden)]
    pub async fn erase_interrupted(
        &self,
        account_id: &AccountId,
        writes: usize,
    ) -> Result<usize, StoreError> {
        let Some(found) = self.account_items(account_id).await? else {
            return Ok(0);
        };
        let personal = erasure::personal_strings(&found.account);
        self.scrub(found.items, &personal, Some(writes)).await
    }

    /// Step 1: each item's writes ([`erasure::scrub`]); at most `limit` writes when
    /// given. Returns the writes made.
    async fn scrub(
        &self,
        items: Vec<(ItemKind, Item)>,
        personal: &[String],
        limit: Option<usize>,
    ) -> Result<usize, StoreError> {
        let mut writes = 0;
        for (kind, item) in items {
            let key = keys::key_of(&item)
                .ok_or_else(|| StoreError::Corrupt("an item without its keys".into()))?;
            for write in erasure::scrub(kind, &item, personal) {
                if limit.is_some_and(|limit| writes >= limit) {
                    return Ok(writes);
                }
                match write {
                    ItemScrub::Delete => self.delete_item(&key).await?,
                    ItemScrub::RemoveAttributes(attributes) => {
                        self.remove_attributes(&key, &attributes).await?
                    }
                    ItemScrub::SetText { attribute, text } => {
                        self.set_text(&key, attribute, &text).await?
                    }
                    ItemScrub::RemoveFromQueueCopy(attributes) => {
                        // Only a copy that still had them counts as a write: the walks
                        // end when a walk writes nothing.
                        if !self.remove_from_queue_copy(&item, &attributes).await? {
                            continue;
                        }
                    }
                }
                writes += 1;
            }
        }
        Ok(writes)
    }

    /// Step 3: after the index has settled, the walk again, treating what step 1 did not
    /// find, until a walk has nothing to do.
    async fn sweep(&self, account_id: &AccountId, personal: &[String]) -> Result<(), StoreError> {
        /// A walk after the account closed treats what the index had not shown yet; the
        /// next finds nothing more. More walks than this mean a rule that never settles.
        const MAX_WALKS: usize = 4;
        tokio::time::sleep(self.index_settle()).await;
        for _ in 0..MAX_WALKS {
            let items = self.items_of_account(account_id).await?;
            if self.scrub(items, personal, None).await? == 0 {
                return Ok(());
            }
        }
        Err(StoreError::Backend(format!(
            "erasure: items still to treat after {MAX_WALKS} walks"
        )))
    }

    /// Step 2: the account's write ([`ErasurePlan::account`]) and the e-mail
    /// claim's deletion, in one transaction; the claim goes only if it is still this
    /// account's (the address may have been registered again after an earlier,
    /// interrupted run deleted it), else the account is erased without touching it.
    async fn close_and_erase_account(
        &self,
        plan: &ErasurePlan,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let with_claim = |claim: bool| async move {
            let mut transaction = Transaction::new()
                .part(Part::Account, account_part(&self.table, &plan.account, now));
            if claim {
                transaction = transaction.part(Part::Claim, self.claim_release(plan));
            }
            transaction.commit(self).await
        };
        let with_claim = &with_claim;
        let result = retrying(move |_| async move {
            match with_claim(true).await {
                Ok(()) => Ok(()),
                // Erased meanwhile by another run: the same result.
                Err(error) if error.refused(Part::Account) => Ok(()),
                Err(TransactionError::Refused(_)) => match with_claim(false).await {
                    Ok(()) | Err(TransactionError::Refused(_)) => Ok(()),
                    Err(error) => Err(Attempt::<()>::from(error)),
                },
                Err(error) => Err(error.into()),
            }
        })
        .await;
        result.map_err(|failure| match failure {
            Failure::Store(error) => error,
            Failure::Refused(()) => unreachable!("the last step is never refused"),
        })
    }

    /// The deletion of the account's e-mail claim, while it is still the account's.
    fn claim_release(&self, plan: &ErasurePlan) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::email_claim(&plan.email))))
            .condition_expression("attribute_not_exists(pk) OR account_id = :me")
            .expression_attribute_values(":me", s(plan.account.account_id.as_str()))
            .build()
            .expect("a delete with table and key");
        TransactWriteItem::builder().delete(delete).build()
    }

    async fn delete_item(&self, key: &keys::Key) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_item(key)))
            .send()
            .await
            .map_err(StoreError::backend)?;
        Ok(())
    }

    async fn remove_attributes(
        &self,
        key: &keys::Key,
        attributes: &[&str],
    ) -> Result<(), StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(key)))
            .condition_expression("attribute_exists(pk)");
        let mut paths = Vec::new();
        for (i, attribute) in attributes.iter().enumerate() {
            let placeholder = format!("#a{i}");
            paths.push(placeholder.clone());
            request = request.expression_attribute_names(placeholder, *attribute);
        }
        let result = request
            .update_expression(format!("REMOVE {}", paths.join(", ")))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if super::condition_failed(&error) => Ok(()),
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    /// Removes `attributes` from the review queue's copy of `record` (a complaint: its
    /// message's queue entry lists the open ones), on condition that the copy is still at
    /// the place read; a queue that moved on is read again. Whether the copy had any of
    /// them (what was removed).
    async fn remove_from_queue_copy(
        &self,
        record: &Item,
        attributes: &[&str],
    ) -> Result<bool, StoreError> {
        let Some(id) = record.text("id") else {
            return Ok(false);
        };
        let message_id = record
            .text("message_id")
            .map(|raw| {
                MessageId::parse(raw)
                    .map_err(|e| StoreError::Corrupt(format!("a complaint's message id: {e}")))
            })
            .transpose()?;
        let thread_id = record
            .text("target_thread_id")
            .map(|raw| {
                ThreadId::parse(raw)
                    .map_err(|e| StoreError::Corrupt(format!("a complaint's thread id: {e}")))
            })
            .transpose()?;
        let correction_id = record
            .text("correction_id")
            .map(|raw| {
                CorrectionId::parse(raw)
                    .map_err(|e| StoreError::Corrupt(format!("a complaint's correction id: {e}")))
            })
            .transpose()?;
        let Some(target) = ComplaintTarget::from_ids(message_id, correction_id, thread_id) else {
            return Ok(false);
        };
        let key = keys::queue_entry(&target);
        for _ in 0..5 {
            let Some(entry) = self.get(key.clone()).await? else {
                return Ok(false);
            };
            let Some(AttributeValue::L(copies)) = entry.get("complaints") else {
                return Ok(false);
            };
            let place = copies.iter().position(|copy| {
                matches!(copy, AttributeValue::M(copy)
                    if matches!(copy.get("id"), Some(AttributeValue::S(copy_id)) if copy_id == id))
            });
            let Some(place) = place else {
                return Ok(false);
            };
            let present: Vec<&str> = match &copies[place] {
                AttributeValue::M(copy) => attributes
                    .iter()
                    .copied()
                    .filter(|a| copy.contains_key(*a))
                    .collect(),
                _ => Vec::new(),
            };
            if present.is_empty() {
                return Ok(false);
            }
            let mut request = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key_item(&key)))
                .condition_expression(format!("complaints[{place}].id = :id"))
                .expression_attribute_values(":id", s(id));
            let mut paths = Vec::new();
            for (i, attribute) in present.iter().enumerate() {
                let placeholder = format!("#a{i}");
                paths.push(format!("complaints[{place}].{placeholder}"));
                request = request.expression_attribute_names(placeholder, *attribute);
            }
            match request
                .update_expression(format!("REMOVE {}", paths.join(", ")))
                .send()
                .await
            {
                Ok(_) => return Ok(true),
                Err(error) if super::condition_failed(&error) => continue,
                Err(error) => return Err(StoreError::backend(error)),
            }
        }
        Err(StoreError::Backend(
            "the review queue kept moving while a complaint's copy was erased".into(),
        ))
    }

    async fn set_text(
        &self,
        key: &keys::Key,
        attribute: &str,
        text: &str,
    ) -> Result<(), StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(key)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":text", s(text));
        let mut path = Vec::new();
        for (i, part) in attribute.split('.').enumerate() {
            let placeholder = format!("#a{i}");
            path.push(placeholder.clone());
            request = request.expression_attribute_names(placeholder, part);
        }
        let result = request
            .update_expression(format!("SET {} = :text", path.join(".")))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if super::condition_failed(&error) => Ok(()),
            Err(error) => Err(StoreError::backend(error)),
        }
    }
}

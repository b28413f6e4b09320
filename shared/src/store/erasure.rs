//! Erasure of an account's personal data: one idempotent operation.
//!
//! 1. Every item of the account is found through the ownership list and treated by its
//!    kind's rule (a `match` on [`ItemKind`] with no wildcard): deleted (sessions,
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
//! The account keeps its personal data until the very last step, so a crash half way
//! leaves the account as it was (still able to log in and ask again) with some of step
//! 1 done; the retry redoes step 1 (what is done already changes nothing) and finishes.
//! Once step 2 has committed, there is nothing personal left to find, and running the
//! operation again changes nothing.

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::expr::Condition;
use super::ownership::ItemKind;
use super::transaction::{Transaction, TransactionError, update};
use super::{Failure, Item, Store, StoreError, from_item, key_item, keys, n, s};
use crate::domain::Timestamp;
use crate::domain::{Account, AccountId};
use crate::gate::{Gate, Refusal};

/// The name an erased account's published messages are shown under.
pub const FORMER_MEMBER: &str = "Former member";

/// What erasure does to one item.
enum Rule {
    /// Nothing personal in it, or published content that stays public.
    Keep,
    Delete,
    /// Remove these attributes (free text the person wrote or was written to them).
    Remove(&'static [&'static str]),
    /// Keep the record, but remove the account's names and addresses from these text
    /// attributes (reasons staff wrote).
    Redact(&'static [&'static str]),
    /// Changed by the last step (the account, the e-mail claim).
    Last,
}

fn rule(kind: ItemKind) -> Rule {
    match kind {
        ItemKind::Account | ItemKind::EmailClaim => Rule::Last,
        ItemKind::SessionFamily
        | ItemKind::RefreshToken
        | ItemKind::Notification
        | ItemKind::OutboxEmail
        // An answer remembered for a retry (a day at most): nothing to keep.
        | ItemKind::IdempotencyRecord => Rule::Delete,
        // The reporter's own words go; the complaint (its reason, what it was about)
        // stays with the decision it was part of.
        ItemKind::Complaint => Rule::Remove(&["comment"]),
        ItemKind::LedgerEntry => Rule::Redact(&["reason"]),
        ItemKind::AuditEntry => Rule::Redact(&["reason"]),
        ItemKind::PrivacyRequest => Rule::Remove(&["details", "response", "extension_reason"]),
        // Published content stays public (attributed to the erased account, whose name
        // is read when shown), and records without personal data stay as they are.
        ItemKind::Thread
        | ItemKind::ThreadStarted
        | ItemKind::Message
        | ItemKind::Revision
        | ItemKind::UploadClaim
        | ItemKind::Purchase
        | ItemKind::TermsAcceptance
        | ItemKind::ConsentChange
        | ItemKind::Tariff
        | ItemKind::FirstAdminClaim
        | ItemKind::BreachNotice
        | ItemKind::ComplaintOutcome
        | ItemKind::QueueEntry => Rule::Keep,
    }
}

/// What erasing an account found: the account and every item of it.
pub struct ErasurePlan {
    pub account: Account,
    items: Vec<(ItemKind, Item)>,
}

impl ErasurePlan {
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

impl Store {
    /// The caller's account and every item of it (the ownership list's walk), the
    /// gate judged on the account item found. Export and erasure start here.
    pub async fn caller_items(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<ErasurePlan, Failure<Refusal>> {
        let plan = self.plan_for(&caller.account_id).await?;
        let account = plan.as_ref().map(|p| &p.account);
        caller.admit(account, now).map_err(Failure::Refused)?;
        Ok(plan.expect("admitted"))
    }

    async fn plan_for(&self, account_id: &AccountId) -> Result<Option<ErasurePlan>, StoreError> {
        let items = self.items_of_account(account_id).await?;
        let Some(account) = items
            .iter()
            .find(|(kind, _)| *kind == ItemKind::Account)
            .map(|(_, item)| from_item::<Account>(item.clone()))
            .transpose()?
        else {
            return Ok(None);
        };
        Ok(Some(ErasurePlan { account, items }))
    }

    /// Erases `account_id`'s personal data (an operator's or a test's entry; the route
    /// checks the password first and calls [`Self::erase`]).
    pub async fn erase_account(
        &self,
        account_id: &AccountId,
        now: OffsetDateTime,
    ) -> Result<ErasureOutcome, StoreError> {
        match self.plan_for(account_id).await? {
            Some(plan) => self.erase(plan, now).await,
            None => Ok(ErasureOutcome::NoSuchAccount),
        }
    }

    /// Carries out an erasure (see the module documentation for the order).
    pub async fn erase(
        &self,
        plan: ErasurePlan,
        now: OffsetDateTime,
    ) -> Result<ErasureOutcome, StoreError> {
        let account = plan.account;
        if let Some(erased_at) = &account.erased_at {
            return Ok(ErasureOutcome::AlreadyErased {
                erased_at: *erased_at,
            });
        }
        let personal = personal_strings(&account);
        self.scrub(plan.items, &personal, None).await?;
        let erased_at = Timestamp::at(now);
        self.close_and_erase_account(&account, erased_at).await?;
        Ok(ErasureOutcome::Erased { erased_at })
    }

    /// Step 1 only, stopped after `writes` writes, and no last step: what a crash half
    /// way leaves behind (a test shows the retry finishes the job).
    #[doc(hidden)]
    pub async fn erase_interrupted(
        &self,
        account_id: &AccountId,
        writes: usize,
    ) -> Result<usize, StoreError> {
        let Some(plan) = self.plan_for(account_id).await? else {
            return Ok(0);
        };
        let personal = personal_strings(&plan.account);
        self.scrub(plan.items, &personal, Some(writes)).await
    }

    /// Step 1: each item by its kind's rule; at most `limit` writes when given. Returns
    /// the writes made.
    async fn scrub(
        &self,
        items: Vec<(ItemKind, Item)>,
        personal: &[String],
        limit: Option<usize>,
    ) -> Result<usize, StoreError> {
        let mut writes = 0;
        for (kind, item) in items {
            if limit.is_some_and(|limit| writes >= limit) {
                break;
            }
            let key = item_key(&item)?;
            match rule(kind) {
                Rule::Keep | Rule::Last => {}
                Rule::Delete => {
                    self.delete_item(&key).await?;
                    writes += 1;
                }
                Rule::Remove(attributes) => {
                    let present: Vec<&str> = attributes
                        .iter()
                        .copied()
                        .filter(|a| item.contains_key(*a))
                        .collect();
                    if !present.is_empty() {
                        self.remove_attributes(&key, &present).await?;
                        writes += 1;
                    }
                }
                Rule::Redact(attributes) => {
                    for attribute in attributes {
                        if let Some(AttributeValue::S(text)) = item.get(*attribute)
                            && let Some(redacted) = redact(text, personal)
                        {
                            self.set_text(&key, attribute, &redacted).await?;
                            writes += 1;
                        }
                    }
                }
            }
        }
        Ok(writes)
    }

    /// The last step: the account's personal fields replaced, the account closed and
    /// its sessions ended, the e-mail claim deleted, in one transaction.
    async fn close_and_erase_account(
        &self,
        account: &Account,
        erased_at: Timestamp,
    ) -> Result<(), StoreError> {
        let account_update = self.erasing_update(account, erased_at);
        // The claim goes only if it is still this account's (the address may have been
        // registered again after an earlier, interrupted run deleted it).
        let claim = aws_sdk_dynamodb::types::TransactWriteItem::builder()
            .delete(
                aws_sdk_dynamodb::types::Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(key_item(&keys::email_claim(&account.email))))
                    .condition_expression("attribute_not_exists(pk) OR account_id = :me")
                    .expression_attribute_values(":me", s(account.id.as_str()))
                    .build()
                    .expect("a delete with table and key"),
            )
            .build();
        let result = Transaction::new()
            .part(Part::Account, account_update)
            .part(Part::Claim, claim)
            .commit_retrying_conflicts(self)
            .await;
        match result {
            Ok(()) => Ok(()),
            // Erased meanwhile by another run: the same result.
            Err(error) if error.refused(Part::Account) => Ok(()),
            Err(TransactionError::Refused(_)) => {
                // The claim belongs to another account now: erase without touching it.
                Transaction::new()
                    .part(Part::Account, self.erasing_update(account, erased_at))
                    .commit_retrying_conflicts(self)
                    .await
                    .or_else(|error| match error {
                        TransactionError::Refused(_) => Ok(()),
                        TransactionError::Store(error) => Err(error),
                        TransactionError::Conflict => Err(StoreError::Backend(
                            "erasing an account kept conflicting".into(),
                        )),
                    })
            }
            Err(TransactionError::Store(error)) => Err(error),
            Err(TransactionError::Conflict) => Err(StoreError::Backend(
                "erasing an account kept conflicting".into(),
            )),
        }
    }

    /// The account's personal fields replaced, the account closed, its sessions ended.
    fn erasing_update(
        &self,
        account: &Account,
        erased_at: Timestamp,
    ) -> aws_sdk_dynamodb::types::TransactWriteItem {
        let none = AttributeValue::Null(true);
        let empty_list = AttributeValue::L(Vec::new());
        update(
            &self.table,
            key_item(&keys::account(&account.id)),
            "SET email = :placeholder, display_name = :former, full_name = :none, gender = :none, \
             date_of_birth = :empty, country = :empty, city = :none, guardian = :none, \
             native_languages = :no_languages, learning_languages = :no_languages, \
             consents = :no_consents, password_hash = :empty, #status = :closed, \
             blocked_until = :none, erased_at = :at, updated_at = :at, \
             token_generation = token_generation + :one, ended_sessions = :no_sessions \
             REMOVE block_reason",
            Condition::new("attribute_exists(pk)")
                .and("attribute_not_exists(erased_at)")
                .name("#status", "status")
                .value(":placeholder", s(erased_email(&account.id)))
                .value(":former", s(FORMER_MEMBER))
                .value(":none", none)
                .value(":empty", s(""))
                .value(":no_languages", empty_list)
                .value(
                    ":no_consents",
                    serde_dynamo::to_attribute_value(crate::domain::Consents::default())
                        .expect("consents serialise"),
                )
                .value(":closed", s("closed"))
                .value(":at", s(erased_at))
                .value(":one", n(1))
                .value(":no_sessions", AttributeValue::M(Default::default())),
        )
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

    async fn set_text(
        &self,
        key: &keys::Key,
        attribute: &str,
        text: &str,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(key)))
            .condition_expression("attribute_exists(pk)")
            .update_expression("SET #a = :text")
            .expression_attribute_names("#a", attribute)
            .expression_attribute_values(":text", s(text))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if super::condition_failed(&error) => Ok(()),
            Err(error) => Err(StoreError::backend(error)),
        }
    }
}

/// The address an erased account is left with: not a person's, unique, undeliverable
/// (`.invalid` is reserved for that).
pub fn erased_email(account_id: &AccountId) -> String {
    format!(
        "erased-{}@erased.invalid",
        account_id.as_str().to_ascii_lowercase()
    )
}

/// The account's names and addresses, as they may appear in text others wrote.
fn personal_strings(account: &Account) -> Vec<String> {
    let mut strings = vec![account.email.clone(), account.display_name.clone()];
    strings.extend(account.full_name.clone());
    if let Some(guardian) = &account.guardian {
        strings.push(guardian.name.clone());
        strings.push(guardian.email.clone());
    }
    strings.retain(|s| !s.trim().is_empty() && s != FORMER_MEMBER);
    strings
}

/// `text` with every whole-word occurrence of the personal strings (ignoring case)
/// replaced by `[erased]`; `None` when there is none.
fn redact(text: &str, personal: &[String]) -> Option<String> {
    let mut out = text.to_owned();
    let mut changed = false;
    for needle in personal {
        let lower_needle = needle.to_lowercase();
        let mut from = 0;
        loop {
            let lower = out.to_lowercase();
            // Lower-casing can change lengths outside ASCII: match on the lowered text
            // only where it lines up with the original.
            if lower.len() != out.len() {
                if out.contains(needle.as_str()) {
                    out = out.replace(needle.as_str(), "[erased]");
                    changed = true;
                }
                break;
            }
            let Some(found) = lower[from..].find(&lower_needle).map(|i| i + from) else {
                break;
            };
            let end = found + lower_needle.len();
            let before = out[..found].chars().next_back();
            let after = out[end..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if boundary(before) && boundary(after) {
                out.replace_range(found..end, "[erased]");
                changed = true;
                from = found + "[erased]".len();
            } else {
                from = end;
            }
        }
    }
    changed.then_some(out)
}

fn item_key(item: &Item) -> Result<keys::Key, StoreError> {
    match (item.get("pk"), item.get("sk")) {
        (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => Ok(keys::Key {
            pk: pk.clone(),
            sk: sk.clone(),
        }),
        _ => Err(StoreError::Corrupt("an item without its keys".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_whole_names_and_addresses_only() {
        let personal = vec!["ada@example.com".to_owned(), "Ada".to_owned()];
        assert_eq!(
            redact("Discount for ada and ADA@example.com", &personal).as_deref(),
            Some("Discount for [erased] and [erased]")
        );
        assert_eq!(redact("Canada school", &personal), None);
        assert_eq!(redact("spam", &personal), None);
    }
}

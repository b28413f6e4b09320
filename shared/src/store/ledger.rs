//! The ledger and the balance it adds up to.
//!
//! Every balance change is ONE transaction, with no read before it: the account's
//! balance moves by the change and its `ledger_head` advances to the new entry's id, on
//! condition that the account exists, may act (when a caller spends), covers a debit and
//! that the new id sorts after the current head; the entry is appended; whatever the
//! change pays for or settles is written with it. The head condition makes entries
//! commit in id order, so the balance read with a head is exactly the sum of the entries
//! up to that head, and the balance after each entry is derived when listing instead of
//! stored (storing it would need the balance read first: a second request).

use std::time::Duration;

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;

use super::accounts::{ACTIVE_WITH_GENERATION, active_with_generation_values, key_map};
use super::{
    Store, StoreError, cancellation_codes, from_item, is_transaction_conflict, keys, n,
    put_if_absent, s, to_item,
};
use crate::clock::rfc3339;
use crate::domain::{Account, LedgerEntry, LedgerKind, LedgerLine, Standing};
use crate::ids::new_id_after;

/// Retries of a balance change that raced another one.
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

/// How a change learns the balance it moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Write without reading (one request): the conditions guard every invariant, and
    /// the balance after the change is not known to the writer.
    Blind,
    /// Read the account first and write only if its ledger has not moved since (two
    /// requests): the balance after the change is known exactly.
    Read,
}

#[derive(Debug)]
pub enum BalanceOutcome {
    /// Written. `balance_after` is known when the change was made on [`Basis::Read`].
    Applied {
        entry: LedgerEntry,
        balance_after: Option<i64>,
    },
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

impl Store {
    /// Applies `change` in one transaction (see the module documentation). A refused
    /// condition on the account is explained by reading it, and a change that lost a
    /// race to another one is retried after the head it lost to.
    pub async fn change_balance(
        &self,
        change: BalanceChange,
        basis: Basis,
        now: OffsetDateTime,
    ) -> Result<BalanceOutcome, StoreError> {
        let mut seen = match basis {
            Basis::Blind => None,
            Basis::Read => match self.get_account(&change.account_id).await? {
                Some(account) => Some(account),
                None => return Ok(BalanceOutcome::NoAccount),
            },
        };
        for attempt in 0..MAX_ATTEMPTS {
            if let Some(refusal) = seen.as_ref().and_then(|a| refusal(&change, a, now)) {
                return Ok(refusal);
            }
            let head = seen.as_ref().and_then(|a| a.ledger_head.as_deref());
            let entry = LedgerEntry {
                id: new_id_after(head),
                account_id: change.account_id.clone(),
                kind: change.kind,
                credits: change.delta,
                created_at: rfc3339::format(now),
                reference: change.reference.clone(),
                reason: change.reason.clone(),
            };
            let expected = match basis {
                Basis::Blind => HeadCondition::Below,
                Basis::Read => HeadCondition::Is(head),
            };
            let error = match self
                .balance_transaction(&change, &entry, expected, now)
                .send()
                .await
            {
                Ok(_) => {
                    let balance_after = match basis {
                        Basis::Blind => None,
                        Basis::Read => seen.map(|a| a.balance_credits + change.delta),
                    };
                    return Ok(BalanceOutcome::Applied {
                        entry,
                        balance_after,
                    });
                }
                Err(error) => error,
            };
            match cancellation_codes(&error) {
                Some(codes) => {
                    let failed =
                        |i: usize| codes.get(i).is_some_and(|c| c == "ConditionalCheckFailed");
                    if let Some(index) = (0..change.with.len()).find(|i| failed(i + 2)) {
                        return Ok(BalanceOutcome::Refused { index });
                    }
                    if failed(0) {
                        // Missing, may not act, too poor, or the ledger moved on: the
                        // account says which (and which head to follow).
                        match self.get_account(&change.account_id).await? {
                            Some(account) => seen = Some(account),
                            None => return Ok(BalanceOutcome::NoAccount),
                        }
                        continue;
                    }
                }
                None if is_transaction_conflict(&error) => {}
                None => return Err(StoreError::backend(error)),
            }
            // A concurrent transaction on the same items: wait a little, try again.
            backoff(attempt).await;
        }
        Err(StoreError::Backend(
            "balance change kept conflicting; giving up".into(),
        ))
    }

    fn balance_transaction(
        &self,
        change: &BalanceChange,
        entry: &LedgerEntry,
        head: HeadCondition,
        now: OffsetDateTime,
    ) -> aws_sdk_dynamodb::operation::transact_write_items::builders::TransactWriteItemsFluentBuilder
    {
        let mut conditions = vec!["attribute_exists(pk)"];
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::account(&change.account_id))))
            .update_expression("SET balance_credits = balance_credits + :delta, ledger_head = :id")
            .expression_attribute_values(":delta", n(change.delta))
            .expression_attribute_values(":id", s(&entry.id));
        match head {
            HeadCondition::Below => {
                conditions.push("(attribute_not_exists(ledger_head) OR ledger_head < :id)")
            }
            HeadCondition::Is(None) => conditions.push("attribute_not_exists(ledger_head)"),
            HeadCondition::Is(Some(head)) => {
                conditions.push("ledger_head = :head");
                update = update.expression_attribute_values(":head", s(head));
            }
        }
        if change.delta < 0 {
            conditions.push("balance_credits >= :debit");
            update = update.expression_attribute_values(":debit", n(-change.delta));
        }
        if let Some(generation) = change.caller_generation {
            conditions.push(ACTIVE_WITH_GENERATION);
            update = update.expression_attribute_names("#status", "status");
            for (name, value) in active_with_generation_values(generation, now) {
                update = update.expression_attribute_values(name, value);
            }
        }
        let update = update
            .condition_expression(conditions.join(" AND "))
            .build()
            .expect("an update with table, key and expression");
        let ledger_put = put_if_absent(
            &self.table,
            to_item(entry, keys::ledger_entry(&entry.account_id, &entry.id)),
        );
        let mut request = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(update).build())
            .transact_items(ledger_put);
        for item in &change.with {
            request = request.transact_items(item.clone());
        }
        request
    }

    /// `account`'s ledger, newest first, a page at a time, each entry with the balance
    /// it left. The first page starts at the account's `ledger_head`, whose balance is
    /// the account's; entries committed after `account` was read are left for the next
    /// look (they are not in its balance).
    pub async fn ledger_page(
        &self,
        account: &Account,
        limit: u16,
        cursor: Option<&LedgerCursor>,
    ) -> Result<(Vec<LedgerLine>, Option<LedgerCursor>), StoreError> {
        let (pk, _) = keys::account(&account.id);
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .scan_index_forward(false)
            .limit(i32::from(limit))
            .expression_attribute_values(":pk", s(&pk))
            .expression_attribute_values(":prefix", s(keys::LEDGER_PREFIX));
        let mut balance = match (cursor, &account.ledger_head) {
            // No change was ever counted in this balance: anything in the ledger now was
            // committed after the account was read.
            (None, None) => return Ok((Vec::new(), None)),
            (None, Some(head)) => {
                query = query
                    .key_condition_expression("pk = :pk AND sk BETWEEN :prefix AND :head")
                    .expression_attribute_values(
                        ":head",
                        s(keys::ledger_entry(&account.id, head).1),
                    );
                account.balance_credits
            }
            (Some(cursor), _) => {
                let start = keys::ledger_entry(&account.id, &cursor.id);
                query = query
                    .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                    .set_exclusive_start_key(Some(key_map(start)));
                cursor.balance
            }
        };
        let page = query.send().await.map_err(StoreError::backend)?;
        let mut lines = Vec::new();
        for item in page.items.unwrap_or_default() {
            let entry: LedgerEntry = from_item(item)?;
            let balance_after = balance;
            balance -= entry.credits;
            lines.push(LedgerLine {
                entry,
                balance_after,
            });
        }
        let next = match (page.last_evaluated_key, lines.last()) {
            (Some(_), Some(last)) => Some(LedgerCursor {
                id: last.entry.id.clone(),
                balance,
            }),
            _ => None,
        };
        Ok((lines, next))
    }
}

/// What the account's `ledger_head` must be for a change to apply.
#[derive(Clone, Copy)]
enum HeadCondition<'a> {
    /// Older than the new entry (any head, as long as entries stay in commit order).
    Below,
    /// Exactly the head the change was computed from.
    Is(Option<&'a str>),
}

/// Why `account` cannot take `change`, if it cannot.
fn refusal(
    change: &BalanceChange,
    account: &Account,
    now: OffsetDateTime,
) -> Option<BalanceOutcome> {
    if let Some(generation) = change.caller_generation
        && (account.token_generation != generation || account.standing(now) != Standing::Active)
    {
        return Some(BalanceOutcome::NotAllowed);
    }
    (account.balance_credits + change.delta < 0).then_some(BalanceOutcome::Insufficient {
        available: account.balance_credits,
    })
}

/// Where the next page of a ledger starts: the last entry shown and the balance after
/// the entry below it. Opaque to clients (base64url). The balance is the client's own
/// arithmetic handed back; a forged one only misleads the forger about their own ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerCursor {
    id: String,
    balance: i64,
}

impl LedgerCursor {
    pub fn parse(raw: &str) -> Option<Self> {
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).ok()?).ok()?;
        let (id, balance) = text.split_once(':')?;
        let balance: i64 = balance.parse().ok()?;
        (id.len() == 26 && id.bytes().all(|b| b.is_ascii_alphanumeric()) && balance >= 0).then(
            || Self {
                id: id.to_owned(),
                balance,
            },
        )
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.id, self.balance))
    }
}

async fn backoff(attempt: u32) {
    let [byte] = crate::random::random_bytes::<1>();
    let millis = 1 + u64::from(byte) % u64::from(2 + attempt.min(20));
    tokio::time::sleep(Duration::from_millis(millis)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_what_they_did_not_give_out() {
        let cursor = LedgerCursor {
            id: "01JABCDEFGHJKMNPQRSTVWXYZ0".into(),
            balance: 42,
        };
        assert_eq!(LedgerCursor::parse(&cursor.encode()), Some(cursor));
        for text in [
            "01JABCDEFGHJKMNPQRSTVWXYZ0",
            "01JABCDEFGHJKMNPQRSTVWXYZ0:-1",
            "01JABCDEFGHJKMNPQRSTVWXYZ0:x",
            "short:1",
            "01JABCDEFGHJKMNPQRSTVWXY#0:1",
        ] {
            assert_eq!(
                LedgerCursor::parse(&URL_SAFE_NO_PAD.encode(text)),
                None,
                "{text}"
            );
        }
        assert_eq!(LedgerCursor::parse("not base64!"), None);
    }
}

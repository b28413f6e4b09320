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

use aws_sdk_dynamodb::types::TransactWriteItem;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;

use super::admission::GateCondition;
use super::expr::Condition;
use super::transaction::{Transaction, TransactionError, backoff, put_new, update};
use super::{Store, StoreError, from_item, key_item, keys, n, s, to_item};
use crate::domain::Timestamp;
use crate::domain::{Account, AccountId, LedgerEntry, LedgerKind, LedgerLine};
use crate::gate::{Gate, Refusal};
use crate::ids::new_id_after;

/// Retries of a balance change that raced another one.
const MAX_ATTEMPTS: u32 = 200;

/// A change of one account's balance and what goes with it.
pub(crate) struct BalanceChange<'a, P> {
    pub account_id: AccountId,
    pub delta: i64,
    pub kind: LedgerKind,
    pub reference: String,
    pub reason: Option<String>,
    /// When set, the account is the caller's and the gate must admit the caller.
    pub gate: Option<&'a Gate>,
    /// Writes that succeed or fail together with the change, by name.
    pub with: Vec<(P, TransactWriteItem)>,
    /// A write made from the entry itself (and the balance after it, when known), e.g.
    /// the remembered answer of an idempotent request; it goes first.
    pub with_entry: Option<(P, &'a EntryWrite<'a>)>,
}

/// Renders a write from a ledger entry and the balance it leaves (when known).
pub(crate) type EntryWrite<'a> = dyn Fn(&LedgerEntry, Option<i64>) -> TransactWriteItem + Sync + 'a;

#[derive(Debug)]
pub(crate) enum BalanceOutcome<P> {
    /// Written. `balance_after` is known when the change was computed from a read.
    Applied {
        entry: LedgerEntry,
        balance_after: Option<i64>,
    },
    NoAccount,
    /// The gate refused the caller whose account it is.
    Refused(Refusal),
    Insufficient {
        available: i64,
    },
    /// A part of [`BalanceChange::with`] did not hold.
    PartRefused(P),
}

/// The parts of a balance transaction.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part<P> {
    Balance,
    Ledger,
    With(P),
}

impl Store {
    /// Applies `change` in one transaction (see the module documentation). With `seen`
    /// (the account, read before) the change is conditioned on the ledger not having
    /// moved since, so the balance after it is known; without, it writes blind. A
    /// refused condition on the account is explained by reading it, and a change that
    /// lost a race to another one is retried after the head it lost to.
    pub(crate) async fn change_balance<P: Copy + PartialEq + std::fmt::Debug>(
        &self,
        change: BalanceChange<'_, P>,
        seen: Option<Account>,
        now: OffsetDateTime,
    ) -> Result<BalanceOutcome<P>, StoreError> {
        let computed_from_read = seen.is_some();
        let mut seen = seen;
        for attempt in 0..MAX_ATTEMPTS {
            if let Some(account) = &seen
                && let Some(refusal) = refusal(&change, account, now)
            {
                return Ok(refusal);
            }
            let head = seen.as_ref().and_then(|a| a.ledger_head.clone());
            let entry = LedgerEntry {
                id: new_id_after(head.as_deref()),
                account_id: change.account_id.clone(),
                kind: change.kind,
                credits: change.delta,
                created_at: Timestamp::at(now),
                reference: change.reference.clone(),
                reason: change.reason.clone(),
            };
            let expected = if computed_from_read {
                HeadCondition::Is(head.as_deref())
            } else {
                HeadCondition::Below
            };
            let balance_after = seen
                .as_ref()
                .filter(|_| computed_from_read)
                .map(|a| a.balance_credits + change.delta);
            let transaction = Transaction::new()
                .parts(
                    change
                        .with_entry
                        .map(|(name, write)| (Part::With(name), write(&entry, balance_after))),
                )
                .part(
                    Part::Balance,
                    self.balance_update(&change, &entry, expected, now),
                )
                .part(
                    Part::Ledger,
                    put_new(
                        &self.table,
                        to_item(&entry, keys::ledger_entry(&entry.account_id, &entry.id)),
                    ),
                )
                .parts(
                    change
                        .with
                        .iter()
                        .map(|(name, item)| (Part::With(*name), item.clone())),
                );
            match transaction.commit(self).await {
                Ok(()) => {
                    return Ok(BalanceOutcome::Applied {
                        entry,
                        balance_after,
                    });
                }
                Err(TransactionError::Refused(parts)) => {
                    if let Some(Part::With(name)) =
                        parts.iter().find(|p| matches!(p, Part::With(_)))
                    {
                        return Ok(BalanceOutcome::PartRefused(*name));
                    }
                    // Missing, may not act, too poor, or the ledger moved on: the
                    // account says which (and which head to follow).
                    match self.get_account(&change.account_id).await? {
                        Some(account) => seen = Some(account),
                        None => return Ok(BalanceOutcome::NoAccount),
                    }
                    continue;
                }
                Err(TransactionError::Conflict) => {}
                Err(TransactionError::Store(error)) => return Err(error),
            }
            // A concurrent transaction on the same items: wait a little, try again.
            backoff(attempt).await;
        }
        Err(StoreError::Backend(
            "balance change kept conflicting; giving up".into(),
        ))
    }

    fn balance_update<P>(
        &self,
        change: &BalanceChange<'_, P>,
        entry: &LedgerEntry,
        head: HeadCondition,
        now: OffsetDateTime,
    ) -> TransactWriteItem {
        let mut condition = Condition::new("attribute_exists(pk)")
            .value(":delta", n(change.delta))
            .value(":id", s(&entry.id));
        condition = match head {
            HeadCondition::Below => {
                condition.and("attribute_not_exists(ledger_head) OR ledger_head < :id")
            }
            HeadCondition::Is(None) => condition.and("attribute_not_exists(ledger_head)"),
            HeadCondition::Is(Some(head)) => {
                condition.and("ledger_head = :head").value(":head", s(head))
            }
        };
        if change.delta < 0 {
            condition = condition
                .and("balance_credits >= :debit")
                .value(":debit", n(-change.delta));
        }
        if let Some(caller) = change.gate {
            condition = condition.and_all(caller.condition(now));
        }
        update(
            &self.table,
            key_item(&keys::account(&change.account_id)),
            "SET balance_credits = balance_credits + :delta, ledger_head = :id",
            condition,
        )
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
        let pk = keys::account(&account.id).pk;
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
                        s(keys::ledger_entry(&account.id, head).sk),
                    );
                account.balance_credits
            }
            (Some(cursor), _) => {
                let start = keys::ledger_entry(&account.id, &cursor.id);
                query = query
                    .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                    .set_exclusive_start_key(Some(key_item(&start)));
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
fn refusal<P>(
    change: &BalanceChange<'_, P>,
    account: &Account,
    now: OffsetDateTime,
) -> Option<BalanceOutcome<P>> {
    if let Some(caller) = change.gate
        && let Err(refusal) = caller.admit(Some(account), now)
    {
        return Some(BalanceOutcome::Refused(refusal));
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

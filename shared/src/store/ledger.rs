//! The ledger and the balance it adds up to.
//!
//! Every balance change is ONE transaction ([`crate::domain::decide::credits::change_balance`]
//! decides it): the account's balance moves by the change and its `ledger_head`
//! advances to the new entry's id, on condition that the account exists, may act (when
//! a caller spends), covers a debit and that the new id sorts after the current head;
//! the entry is appended; whatever the change pays for or settles is written with it. The head condition makes entries
//! commit in id order, so the balance read with a head is exactly the sum of the entries
//! up to that head, and the balance after each entry is derived when listing instead of
//! stored (storing it would need the balance read first: a second request).

use aws_sdk_dynamodb::types::TransactWriteItem;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::transaction::put_new;
use super::{Store, StoreError, from_item, key_item, keys, s, to_item};
use crate::domain::decide::credits::LedgerPlan;
use crate::domain::{Account, LedgerEntry, LedgerLine};

impl Store {
    /// A balance change's two writes, for the transaction that makes it: the account's
    /// (balance and head, on the plan's conditions) and the appended entry.
    pub(crate) fn ledger_parts(
        &self,
        plan: &LedgerPlan,
        now: OffsetDateTime,
    ) -> [TransactWriteItem; 2] {
        [
            account_part(&self.table, &plan.account, now),
            put_new(
                &self.table,
                to_item(
                    &plan.entry,
                    keys::ledger_entry(&plan.entry.account_id, &plan.entry.id),
                ),
            ),
        ]
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
        let balance = match (cursor, &account.ledger_head) {
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
        let entries = page
            .items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<Result<Vec<LedgerEntry>, _>>()?;
        let (lines, balance) = LedgerLine::newest_first(balance, entries);
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

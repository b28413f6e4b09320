//! A corporate client's company in the store: one item in the account's partition, also
//! listed in `gsi1` under the partner managers' list of companies.

use time::OffsetDateTime;

use super::account_writes::account_part;
use super::transaction::put_if;
use super::{Failure, Store, StoreError, from_item, indexed, keys, to_item};
use crate::domain::decide::company;
use crate::domain::{AccountId, Company};
use crate::gate::{Gate, Refusal};

impl Store {
    /// The company `account_id` set, if any (consistent read).
    pub async fn company(&self, account_id: &AccountId) -> Result<Option<Company>, StoreError> {
        self.get_as(keys::company(account_id)).await
    }

    /// The caller's own company, read with the caller's account (for the gate) in one
    /// request.
    pub async fn own_company(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<Option<Company>, Failure<Refusal>> {
        let (account, company) = self
            .get_two(
                keys::account(&caller.account_id),
                keys::company(&caller.account_id),
            )
            .await?;
        let account: Option<crate::domain::Account> = account.map(from_item).transpose()?;
        caller
            .admit(account.as_ref(), now)
            .map_err(Failure::Refused)?;
        Ok(company.map(from_item).transpose()?)
    }

    /// The caller sets (or replaces) its company and becomes a corporate client, in one
    /// transaction on the gate's condition ([`company::set_company`]).
    pub async fn set_company(
        &self,
        caller: &Gate,
        company: Company,
        now: OffsetDateTime,
    ) -> Result<Company, Failure<Refusal>> {
        let plan = self
            .commit_with_own_account(
                caller,
                |seen| company::set_company(caller, seen, company.clone(), now),
                |plan| {
                    vec![
                        account_part(&self.table, &plan.account, now),
                        put_if(
                            &self.table,
                            self.company_item(&caller.account_id, &plan.company),
                            None,
                        ),
                    ]
                },
            )
            .await?;
        Ok(plan.company)
    }

    fn company_item(&self, account_id: &AccountId, company: &Company) -> super::Item {
        let mut item = to_item(company, keys::company(account_id));
        item.insert("account_id".into(), super::s(account_id.to_string()));
        indexed(item, keys::company_index(account_id))
    }
}

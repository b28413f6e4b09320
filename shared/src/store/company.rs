//! A corporate client's company in the store: one item in the account's partition, also
//! listed in `gsi1` under the partner managers' list of companies.

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::audit::audit_put;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, put_if};
use super::{Failure, Item, Store, StoreError, from_item, indexed, keys, s, to_item};
use crate::domain::decide::company;
use crate::domain::{Account, AccountId, AccountWrite, Company, Invoice, Purchase, StripeCustomer};
use crate::gate::{Gate, Refusal};

/// A company as partner managers list it: whose it is, and what the account bought.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedCompany {
    pub account_id: AccountId,
    pub company: Company,
    /// Newest first.
    pub purchases: Vec<Purchase>,
    /// Newest first.
    pub invoices: Vec<Invoice>,
}

/// Whether `cursor` can be one the list of companies gives out (an account's id).
pub fn is_company_cursor(cursor: &str) -> bool {
    AccountId::parse(cursor).is_ok()
}

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

    /// Keeps `customer` as the caller's company's Stripe customer
    /// ([`company::link_stripe_customer`]), in one conditional update: decided first on
    /// the account as the checkout read it, then, after a lost race, as read again.
    pub async fn link_stripe_customer(
        &self,
        caller: &Gate,
        read: &Account,
        customer: &StripeCustomer,
        now: OffsetDateTime,
    ) -> Result<(), Failure<Refusal>> {
        self.write_account_as_read(caller, read, now, |account| {
            company::link_stripe_customer(caller, account, customer, now)
        })
        .await
    }

    fn company_item(&self, account_id: &AccountId, company: &Company) -> super::Item {
        let mut item = to_item(company, keys::company(account_id));
        item.insert("account_id".into(), super::s(account_id.to_string()));
        indexed(item, keys::company_index(account_id))
    }

    /// A page of companies (by account id), each with its account's purchases, for a
    /// partner manager: the reader's account first (the gate: the role before anything
    /// else), then the page and one query of purchases per company, then every company
    /// read is audited in one transaction that also requires the gate to admit the reader
    /// still. A page that read no company writes nothing.
    pub async fn companies_page(
        &self,
        reader: &Gate,
        limit: u16,
        after: Option<&AccountId>,
        now: OffsetDateTime,
    ) -> Result<(Vec<ListedCompany>, Option<AccountId>), Failure<Refusal>> {
        let after = &after;
        retrying(move |_attempt| async move {
            let account = self.get_account(&reader.account_id).await?;
            reader
                .admit(account.as_ref(), now)
                .map_err(Attempt::Refused)?;
            let (companies, next) = self.company_page(limit, *after).await?;
            let mut listed = Vec::with_capacity(companies.len());
            for (account_id, company) in companies {
                let purchases = self.purchases_of(&account_id).await?;
                let (invoices, _) = self.invoices_of(&account_id, None, None).await?;
                listed.push(ListedCompany {
                    account_id,
                    company,
                    purchases,
                    invoices,
                });
            }
            let read: Vec<AccountId> = listed.iter().map(|c| c.account_id.clone()).collect();
            let entries = company::read_companies(reader, account.as_ref(), &read, now)
                .map_err(Attempt::Refused)?;
            if !entries.is_empty() {
                Transaction::new()
                    .part(
                        (),
                        account_part(&self.table, &AccountWrite::gate_check(reader), now),
                    )
                    .parts(
                        entries
                            .iter()
                            .map(|entry| ((), audit_put(&self.table, entry))),
                    )
                    .commit(self)
                    .await?;
            }
            Ok((listed, next))
        })
        .await
    }

    /// One page of the index's list of companies, and the cursor after it (when more
    /// may follow).
    async fn company_page(
        &self,
        limit: u16,
        after: Option<&AccountId>,
    ) -> Result<(Vec<(AccountId, Company)>, Option<AccountId>), StoreError> {
        let after = after.map(AccountId::to_string);
        let page = self
            .index_page(keys::COMPANIES, after.as_deref(), limit)
            .await?;
        let mut companies = Vec::new();
        for (_, item) in page.items {
            companies.push((owner_of(&item)?, from_item(item)?));
        }
        let next = page
            .more
            .then(|| {
                companies
                    .last()
                    .map(|(id, _): &(AccountId, Company)| id.clone())
            })
            .flatten();
        Ok((companies, next))
    }

    /// Every purchase of `account_id`, newest first (one query of its index entries).
    async fn purchases_of(&self, account_id: &AccountId) -> Result<Vec<Purchase>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .scan_index_forward(false)
            .key_condition_expression("gsi1pk = :pk AND begins_with(gsi1sk, :prefix)")
            .expression_attribute_values(":pk", s(keys::account(account_id).pk))
            .expression_attribute_values(":prefix", s(keys::PURCHASE_INDEX_PREFIX));
        self.every_page(query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }
}

/// The account a listed company item belongs to.
fn owner_of(item: &Item) -> Result<AccountId, StoreError> {
    match item.get("account_id") {
        Some(AttributeValue::S(raw)) => {
            AccountId::parse(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
        }
        _ => Err(StoreError::Corrupt("a company without its account".into())),
    }
}

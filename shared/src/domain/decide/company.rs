//! A corporate client sets its company: the company is stored as given (the time it was
//! set with it) and the account becomes a corporate client, in one write that the gate
//! admits.

use time::OffsetDateTime;

use crate::domain::decide::Seen;
use crate::domain::{
    Account, AccountCondition, AccountId, AccountUpdate, AccountWrite, AuditEntry, AuditEntryId,
    Company, StripeCustomer, Timestamp,
};
use crate::gate::{Gate, Refusal};

/// The company to store and the account's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyPlan {
    pub company: Company,
    pub account: AccountWrite,
}

/// The caller sets (or replaces) its company.
pub fn set_company(
    gate: &Gate,
    seen: Seen<Account>,
    company: Company,
    now: OffsetDateTime,
) -> Result<CompanyPlan, Refusal> {
    if let Seen::Read(account) = &seen {
        gate.admit(account.as_ref(), now)?;
    }
    let at = Timestamp::at(now);
    Ok(CompanyPlan {
        company: Company {
            updated_at: at,
            ..company
        },
        account: AccountWrite {
            account_id: gate.account_id.clone(),
            update: AccountUpdate {
                corporate: true,
                updated_at: Some(at),
                ..Default::default()
            },
            requires: vec![AccountCondition::Gate(gate.clone())],
        },
    })
}

/// What a corporate client's checkout at Stripe does first about the Stripe customer
/// its invoice is made out to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerStep {
    /// The account has none yet: create one with the company's details.
    Create,
    /// Stripe has the company as it is now.
    Reuse(String),
    /// The company was set again since Stripe got it: send Stripe the company as it is.
    Update(String),
}

/// Whether the account's Stripe customer (if any) has `company` as it is now.
pub fn customer_step(account: &Account, company: &Company) -> CustomerStep {
    match &account.stripe_customer {
        None => CustomerStep::Create,
        Some(linked) if linked.company_updated_at == company.updated_at => {
            CustomerStep::Reuse(linked.id.clone())
        }
        Some(linked) => CustomerStep::Update(linked.id.clone()),
    }
}

/// The account keeps `customer` as its company's Stripe customer, on condition that the
/// gate admits the caller and that its link is still the one `account` shows. `None`:
/// nothing to write (it is linked to this customer already, or to one made from a newer
/// version of the company by a checkout that ran at the same time).
pub fn link_stripe_customer(
    gate: &Gate,
    account: Option<&Account>,
    customer: &StripeCustomer,
    now: OffsetDateTime,
) -> Result<Option<AccountWrite>, Refusal> {
    gate.admit(account, now)?;
    let linked = account.and_then(|a| a.stripe_customer.as_ref());
    if linked.is_some_and(|l| l == customer || l.company_updated_at > customer.company_updated_at) {
        return Ok(None);
    }
    Ok(Some(AccountWrite {
        account_id: gate.account_id.clone(),
        update: AccountUpdate {
            stripe_customer: Some(customer.clone()),
            ..Default::default()
        },
        requires: vec![
            AccountCondition::Gate(gate.clone()),
            AccountCondition::StripeCustomerAsRead(linked.cloned()),
        ],
    }))
}

/// Why a partner manager read a company: what its audit entry says.
pub const READ_REASON: &str = "Company details read by a partner manager (GET /v1/admin/companies)";

/// A partner manager read these companies (by account): the gate's judgement of the
/// reader's account, then one audit entry per company read, each found under the account
/// it is about (so the account's export shows that its company was read, and by which
/// role).
pub fn read_companies(
    gate: &Gate,
    reader: Option<&Account>,
    read: &[AccountId],
    now: OffsetDateTime,
) -> Result<Vec<AuditEntry>, Refusal> {
    gate.admit(reader, now)?;
    let at = Timestamp::at(now);
    Ok(read
        .iter()
        .map(|account_id| AuditEntry {
            id: AuditEntryId::new(),
            actor_id: gate.account_id.clone().into(),
            action: READ_ACTION.into(),
            target: format!("company:{account_id}"),
            target_account_id: Some(account_id.clone()),
            reason: READ_REASON.into(),
            created_at: at,
        })
        .collect())
}

/// The audit action of a read of a company's details.
pub const READ_ACTION: &str = "company.read";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::domain::company::tests::sample_company;
    use crate::domain::decide::tests::{account, gate_of};
    use time::macros::datetime;

    #[test]
    fn the_company_is_stored_as_given_and_the_account_becomes_corporate() {
        let ada = account(&[]);
        let now = datetime!(2027-01-02 03:04:05 UTC);
        for seen in [Seen::Unread, Seen::Read(Some(ada.clone()))] {
            let plan = set_company(&gate_of(&ada), seen, sample_company(), now).unwrap();
            assert_eq!(plan.company.legal_name, sample_company().legal_name);
            assert_eq!(plan.company.updated_at, Timestamp::at(now));
            assert!(plan.account.update.corporate);
            assert_eq!(plan.account.account_id, ada.id);
            let gate = gate_of(&ada);
            assert!(matches!(
                plan.account.requires.as_slice(),
                [AccountCondition::Gate(g)] if g.account_id == gate.account_id && g.generation == gate.generation
            ));
        }
    }

    #[test]
    fn a_caller_the_gate_refuses_sets_nothing() {
        let ada = account(&[]);
        let now = datetime!(2027-01-02 03:04:05 UTC);
        let stale = Gate {
            generation: ada.token_generation - 1,
            ..gate_of(&ada)
        };
        assert_eq!(
            set_company(&stale, Seen::Read(Some(ada)), sample_company(), now),
            Err(Refusal::Unauthenticated)
        );
        let gone = gate_of(&account(&[]));
        assert_eq!(
            set_company(&gone, Seen::Read(None), sample_company(), now),
            Err(Refusal::Unauthenticated)
        );
    }

    #[test]
    fn a_stripe_customer_is_created_once_reused_and_updated_when_the_company_changes() {
        let mut ada = account(&[]);
        let company = sample_company();
        assert_eq!(customer_step(&ada, &company), CustomerStep::Create);
        ada.stripe_customer = Some(StripeCustomer {
            id: "cus_1".into(),
            company_updated_at: company.updated_at,
        });
        assert_eq!(
            customer_step(&ada, &company),
            CustomerStep::Reuse("cus_1".into())
        );
        let changed = Company {
            updated_at: Timestamp::parse("2027-01-01T00:00:00.000Z").unwrap(),
            ..company
        };
        assert_eq!(
            customer_step(&ada, &changed),
            CustomerStep::Update("cus_1".into())
        );
    }

    #[test]
    fn a_customer_is_linked_on_the_link_as_read_and_never_over_a_newer_one() {
        let now = datetime!(2027-01-02 03:04:05 UTC);
        let older = Timestamp::parse("2026-12-01T00:00:00.000Z").unwrap();
        let newer = Timestamp::parse("2026-12-02T00:00:00.000Z").unwrap();
        let customer = |id: &str, at| StripeCustomer {
            id: id.into(),
            company_updated_at: at,
        };
        let mut ada = account(&[]);
        let gate = gate_of(&ada);
        let write = link_stripe_customer(&gate, Some(&ada), &customer("cus_1", older), now)
            .unwrap()
            .expect("a first link is written");
        assert_eq!(write.update.stripe_customer, Some(customer("cus_1", older)));
        assert!(
            write
                .requires
                .contains(&AccountCondition::StripeCustomerAsRead(None))
        );

        ada.stripe_customer = Some(customer("cus_1", older));
        assert_eq!(
            link_stripe_customer(&gate, Some(&ada), &customer("cus_1", older), now),
            Ok(None),
            "linked already"
        );
        let update = link_stripe_customer(&gate, Some(&ada), &customer("cus_1", newer), now)
            .unwrap()
            .expect("a newer version is recorded");
        assert!(
            update
                .requires
                .contains(&AccountCondition::StripeCustomerAsRead(Some(customer(
                    "cus_1", older
                ))))
        );
        ada.stripe_customer = Some(customer("cus_2", newer));
        assert_eq!(
            link_stripe_customer(&gate, Some(&ada), &customer("cus_1", older), now),
            Ok(None),
            "a customer of an older company never replaces a newer one"
        );
        assert_eq!(
            link_stripe_customer(&gate, None, &customer("cus_1", older), now),
            Err(Refusal::Unauthenticated)
        );
    }

    #[test]
    fn a_partner_managers_read_is_audited_per_company_and_nobody_else_reads() {
        let now = datetime!(2027-01-02 03:04:05 UTC);
        let (first, second) = (AccountId::new(), AccountId::new());
        let manager = account(&[Role::PartnerManager]);
        let gate = Gate {
            required_role: Some(Role::PartnerManager),
            ..gate_of(&manager)
        };
        let entries =
            read_companies(&gate, Some(&manager), &[first.clone(), second.clone()], now).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].target_account_id, Some(first));
        assert_eq!(entries[1].target, format!("company:{second}"));
        assert_eq!(entries[0].acting_role(), "partner_manager");
        assert!(entries.iter().all(|e| e.action == READ_ACTION
            && e.actor_id == crate::domain::Actor::Account(manager.id.clone())));
        let admin = account(&[Role::Admin]);
        let gate = Gate {
            required_role: Some(Role::PartnerManager),
            ..gate_of(&admin)
        };
        assert_eq!(
            read_companies(&gate, Some(&admin), &[AccountId::new()], now),
            Err(Refusal::Forbidden {
                role: Role::PartnerManager
            })
        );
    }
}

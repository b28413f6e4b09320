//! A corporate client sets its company: the company is stored as given (the time it was
//! set with it) and the account becomes a corporate client, in one write that the gate
//! admits.

use time::OffsetDateTime;

use crate::domain::decide::Seen;
use crate::domain::{
    Account, AccountCondition, AccountId, AccountUpdate, AccountWrite, AuditEntry, AuditEntryId,
    Company, Timestamp,
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

//! A corporate client sets its company: the company is stored as given (the time it was
//! set with it) and the account becomes a corporate client, in one write that the gate
//! admits.

use time::OffsetDateTime;

use crate::domain::decide::Seen;
use crate::domain::{Account, AccountCondition, AccountUpdate, AccountWrite, Company, Timestamp};
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

#[cfg(test)]
mod tests {
    use super::*;
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
}

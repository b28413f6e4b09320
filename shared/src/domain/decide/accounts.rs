//! Changes a caller makes to their own account: rectifying the profile, ending every
//! session, blocking it. Each is one write of the account item that carries the gate in
//! its condition; it is decided blind first, and on the account as read when the write
//! was refused (the gate then says why).

use time::OffsetDateTime;

use super::Seen;
use crate::domain::{
    Account, AccountCondition, AccountStatus, AccountUpdate, AccountWrite, ProfileChanges,
    Timestamp,
};
use crate::gate::{Gate, Refusal};

/// What a block at the owner's own request records as its reason.
pub const OWN_BLOCK_REASON: &str = "own request";

/// `update` to the caller's account, on the gate's condition, once the account read (if
/// it was) passes the gate.
fn own_account_write(
    gate: &Gate,
    seen: Seen<Account>,
    update: AccountUpdate,
    now: OffsetDateTime,
) -> Result<AccountWrite, Refusal> {
    if let Seen::Read(account) = &seen {
        gate.admit(account.as_ref(), now)?;
    }
    Ok(AccountWrite {
        account_id: gate.account_id.clone(),
        update: AccountUpdate {
            updated_at: Some(Timestamp::at(now)),
            ..update
        },
        requires: vec![AccountCondition::Gate(gate.clone())],
    })
}

/// The owner rectifies profile fields.
pub fn update_profile(
    gate: &Gate,
    seen: Seen<Account>,
    changes: &ProfileChanges,
    now: OffsetDateTime,
) -> Result<AccountWrite, Refusal> {
    let update = AccountUpdate {
        profile: changes.clone(),
        ..Default::default()
    };
    own_account_write(gate, seen, update, now)
}

/// Every token issued so far stops working ("someone else used my account").
pub fn revoke_all_sessions(
    gate: &Gate,
    seen: Seen<Account>,
    now: OffsetDateTime,
) -> Result<AccountWrite, Refusal> {
    let update = AccountUpdate {
        end_every_session: true,
        ..Default::default()
    };
    own_account_write(gate, seen, update, now)
}

/// The owner blocks their own account, for good, and every session ends.
pub fn block_own_account(
    gate: &Gate,
    seen: Seen<Account>,
    now: OffsetDateTime,
) -> Result<AccountWrite, Refusal> {
    let update = AccountUpdate {
        status: Some(AccountStatus::Blocked),
        blocked_until: Some(None),
        block_reason: Some(Some(OWN_BLOCK_REASON.into())),
        end_every_session: true,
        ..Default::default()
    };
    own_account_write(gate, seen, update, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::{account, gate_of};
    use crate::domain::{DisplayName, Role};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    #[test]
    fn a_blind_write_carries_the_gate_and_a_read_one_is_judged_by_it() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        let mut blocked = ada.clone();
        blocked.status = AccountStatus::Blocked;
        let admin_gate = Gate {
            required_role: Some(Role::Admin),
            ..gate.clone()
        };
        let cases = [
            (
                &gate,
                Seen::Unread,
                Ok(()),
                "not read: the condition decides",
            ),
            (
                &gate,
                Seen::Read(Some(ada.clone())),
                Ok(()),
                "read and admitted",
            ),
            (
                &gate,
                Seen::Read(None),
                Err(Refusal::Unauthenticated),
                "no account",
            ),
            (
                &gate,
                Seen::Read(Some(blocked)),
                Err(Refusal::Unauthenticated),
                "blocked",
            ),
            (
                &admin_gate,
                Seen::Read(Some(ada.clone())),
                Err(Refusal::Forbidden { role: Role::Admin }),
                "lacks the role",
            ),
        ];
        for (gate, seen, expected, why) in cases {
            let decided = revoke_all_sessions(gate, seen, NOW);
            match expected {
                Ok(()) => {
                    let write = decided.unwrap();
                    assert_eq!(
                        write.requires,
                        [AccountCondition::Gate(gate.clone())],
                        "{why}"
                    );
                    assert!(write.update.end_every_session, "{why}");
                    assert_eq!(write.account_id, ada.id, "{why}");
                }
                Err(refusal) => assert_eq!(decided, Err(refusal), "{why}"),
            }
        }
    }

    #[test]
    fn blocking_ones_own_account_is_for_good_and_ends_every_session() {
        let ada = account(&[]);
        let write = block_own_account(&gate_of(&ada), Seen::Unread, NOW).unwrap();
        assert_eq!(write.update.status, Some(AccountStatus::Blocked));
        assert_eq!(write.update.blocked_until, Some(None));
        assert_eq!(write.update.block_reason, Some(Some("own request".into())));
        assert!(write.update.end_every_session);
        assert_eq!(write.update.updated_at, Some(Timestamp::at(NOW)));
    }

    #[test]
    fn a_rectification_writes_exactly_the_fields_given() {
        let ada = account(&[]);
        let changes = ProfileChanges {
            display_name: Some(DisplayName::parse("Ada L.").unwrap()),
            city: Some(None),
            ..Default::default()
        };
        let write = update_profile(&gate_of(&ada), Seen::Unread, &changes, NOW).unwrap();
        assert_eq!(write.update.profile, changes);
        assert_eq!(
            write.update,
            AccountUpdate {
                profile: changes.clone(),
                updated_at: Some(Timestamp::at(NOW)),
                ..Default::default()
            }
        );
    }
}

//! What staff do to accounts: blocks, their lifting, and roles. Every such change is
//! audited in the transaction that makes it; staff never do it to their own account
//! (an admin may change their own roles, but not drop their own admin role, so the last
//! admin cannot lock everyone out); moderators never block an admin.

use time::OffsetDateTime;

use crate::domain::{
    Account, AccountCondition, AccountId, AccountStatus, AccountUpdate, AccountWrite, Actor,
    AuditEntry, AuditEntryId, RecordCount, Role, Timestamp,
};
use crate::gate::{Gate, Refusal};

/// What a staff action is decided on: the staff member's account and the target's, read
/// together (one item when they are the same account).
#[derive(Debug, Clone)]
pub struct StaffState {
    pub staff: Option<Account>,
    pub target: Option<Account>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffRefusal {
    Gate(Refusal),
    NoSuchAccount,
    /// Staff do not block or unblock their own account.
    Own,
    /// An admin cannot drop their own admin role; another admin can.
    OwnAdminRole,
    /// Moderators cannot block admins.
    TargetIsAdmin,
}

/// A staff change to an account: the write, its audit entry (written with it), the
/// gate's check on the staff member's account (absent when the write is to that account
/// and carries the gate itself, or when an operator acts), and the account as the write
/// leaves it (what the answer shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPlan {
    pub write: AccountWrite,
    pub audit: AuditEntry,
    pub actor: Option<AccountWrite>,
    pub changed: Account,
}

/// What a block records as its reason: the staff reason, and until when.
fn block_reason(reason: &str, until: Option<Timestamp>) -> String {
    match until {
        Some(until) => format!("until {until}: {reason}"),
        None => reason.to_owned(),
    }
}

/// A moderator blocks an account, for good (`until` absent) or until a moment: every
/// session of it ends at once (a new token generation) and its record counts the block.
pub fn block_account(
    gate: &Gate,
    state: StaffState,
    target: &AccountId,
    until: Option<Timestamp>,
    reason: &str,
    now: OffsetDateTime,
) -> Result<AccountPlan, StaffRefusal> {
    let seen = other_account(gate, state, target, now)?;
    if seen.has_role(Role::Admin) {
        return Err(StaffRefusal::TargetIsAdmin);
    }
    let reason = block_reason(reason, until);
    let at = Timestamp::at(now);
    let update = AccountUpdate {
        status: Some(AccountStatus::Blocked),
        blocked_until: Some(until),
        block_reason: Some(Some(reason.clone())),
        end_every_session: true,
        count_on_record: Some(RecordCount::Blocks),
        updated_at: Some(at),
        ..Default::default()
    };
    let mut changed = seen.clone();
    changed.status = AccountStatus::Blocked;
    changed.blocked_until = until;
    changed.block_reason = Some(reason.clone());
    changed.token_generation += 1;
    changed.ended_sessions.clear();
    changed.moderation_record.blocks += 1;
    changed.updated_at = at;
    let audit = audit(
        gate.account_id.clone().into(),
        "account.block",
        &seen.id,
        reason,
        now,
    );
    Ok(AccountPlan {
        write: AccountWrite {
            account_id: seen.id.clone(),
            update,
            // Not an admin when it was read, and still not when it is written.
            requires: vec![AccountCondition::RolesAsRead(seen.roles.clone())],
        },
        audit,
        actor: Some(AccountWrite::gate_check(gate)),
        changed,
    })
}

/// A moderator lifts a block: `None` when the account is not blocked (nothing to do).
pub fn unblock_account(
    gate: &Gate,
    state: StaffState,
    target: &AccountId,
    now: OffsetDateTime,
) -> Result<Option<AccountPlan>, StaffRefusal> {
    let seen = other_account(gate, state, target, now)?;
    if seen.status != AccountStatus::Blocked {
        return Ok(None);
    }
    let at = Timestamp::at(now);
    let update = AccountUpdate {
        status: Some(AccountStatus::Active),
        blocked_until: Some(None),
        block_reason: Some(None),
        updated_at: Some(at),
        ..Default::default()
    };
    let mut changed = seen.clone();
    changed.status = AccountStatus::Active;
    changed.blocked_until = None;
    changed.block_reason = None;
    changed.updated_at = at;
    let audit = audit(
        gate.account_id.clone().into(),
        "account.unblock",
        &seen.id,
        "block lifted".into(),
        now,
    );
    Ok(Some(AccountPlan {
        write: AccountWrite {
            account_id: seen.id.clone(),
            update,
            requires: vec![AccountCondition::StatusAsRead(AccountStatus::Blocked)],
        },
        audit,
        actor: Some(AccountWrite::gate_check(gate)),
        changed,
    }))
}

/// The roles an account is given when `requested` are asked for: `user` always, then
/// each requested role once, in the order asked.
pub fn roles_to_assign(requested: &[Role]) -> Vec<Role> {
    let mut roles = vec![Role::User];
    for role in requested {
        if !roles.contains(role) {
            roles.push(*role);
        }
    }
    roles
}

/// An admin replaces an account's roles (see [`roles_to_assign`]); the change applies
/// from the account's next request, as the gate reads roles from the account.
pub fn set_roles(
    gate: &Gate,
    state: StaffState,
    target: &AccountId,
    requested: &[Role],
    now: OffsetDateTime,
) -> Result<AccountPlan, StaffRefusal> {
    gate.admit(state.staff.as_ref(), now)
        .map_err(StaffRefusal::Gate)?;
    let roles = roles_to_assign(requested);
    if *target == gate.account_id && !roles.contains(&Role::Admin) {
        return Err(StaffRefusal::OwnAdminRole);
    }
    let seen = state.target.ok_or(StaffRefusal::NoSuchAccount)?;
    let mut plan = roles_plan(gate.account_id.clone().into(), seen, roles, now);
    if *target == gate.account_id {
        // The admin's own account: a transaction writes an item once, so its one write
        // carries the gate.
        plan.write
            .requires
            .push(AccountCondition::Gate(gate.clone()));
    } else {
        plan.actor = Some(AccountWrite::gate_check(gate));
    }
    Ok(plan)
}

/// The name an operator's own commands are audited under.
pub const LOCAL_OPERATOR: &str = "local operator";

/// An operator (outside the API, with a command of their own) replaces an account's
/// roles: audited like an admin's change, with the operator as the actor.
pub fn set_roles_by_operator(
    operator: &str,
    target: Option<Account>,
    requested: &[Role],
    now: OffsetDateTime,
) -> Result<AccountPlan, StaffRefusal> {
    let seen = target.ok_or(StaffRefusal::NoSuchAccount)?;
    let roles = roles_to_assign(requested);
    Ok(roles_plan(
        Actor::Operator(operator.to_owned()),
        seen,
        roles,
        now,
    ))
}

/// An operator's one-off for a new stack: makes an account its first admin (once per
/// table: the store's claim that a first admin exists goes with it). `None` when there
/// is no such account or it is an admin already.
pub fn appoint_first_admin(
    operator: &str,
    reason: &str,
    account: Option<Account>,
    now: OffsetDateTime,
) -> Option<AccountPlan> {
    let seen = account.filter(|a| !a.has_role(Role::Admin))?;
    let seen_roles = seen.roles.clone();
    let mut roles = seen.roles.clone();
    roles.push(Role::Admin);
    let mut plan = roles_plan(Actor::Operator(operator.to_owned()), seen, roles, now);
    plan.audit.action = "roles.first_admin".into();
    plan.audit.reason = format!("first admin, appointed by operator {operator}: {reason}");
    // Not an admin when read, and still not when written.
    plan.write
        .requires
        .push(AccountCondition::RolesAsRead(seen_roles));
    Some(plan)
}

fn roles_plan(actor: Actor, seen: Account, roles: Vec<Role>, now: OffsetDateTime) -> AccountPlan {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let audit = audit(
        actor,
        "account.roles",
        &seen.id,
        format!("roles: {}", names.join(", ")),
        now,
    );
    let at = Timestamp::at(now);
    let update = AccountUpdate {
        roles: Some(roles.clone()),
        updated_at: Some(at),
        ..Default::default()
    };
    let mut changed = seen;
    changed.roles = roles;
    changed.updated_at = at;
    AccountPlan {
        write: AccountWrite {
            account_id: changed.id.clone(),
            update,
            requires: Vec::new(),
        },
        audit,
        actor: None,
        changed,
    }
}

/// The staff member judged by the gate, then the target: another account that exists.
fn other_account(
    gate: &Gate,
    state: StaffState,
    target: &AccountId,
    now: OffsetDateTime,
) -> Result<Account, StaffRefusal> {
    gate.admit(state.staff.as_ref(), now)
        .map_err(StaffRefusal::Gate)?;
    if *target == gate.account_id {
        return Err(StaffRefusal::Own);
    }
    state.target.ok_or(StaffRefusal::NoSuchAccount)
}

fn audit(
    actor: Actor,
    action: &str,
    target: &AccountId,
    reason: String,
    now: OffsetDateTime,
) -> AuditEntry {
    AuditEntry {
        id: AuditEntryId::new(),
        actor_id: actor,
        action: action.into(),
        target: format!("account:{target}"),
        target_account_id: Some(target.clone()),
        reason,
        created_at: Timestamp::at(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::{account, gate_of};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    fn moderator_gate(moderator: &Account) -> Gate {
        Gate {
            required_role: Some(Role::Moderator),
            ..gate_of(moderator)
        }
    }

    #[test]
    fn a_block_ends_every_session_counts_on_the_record_and_is_audited() {
        let moderator = account(&[Role::Moderator]);
        let mut target = account(&[Role::Mentor]);
        target
            .ended_sessions
            .insert(crate::domain::SessionId::new(), 1);
        let plan = block_account(
            &moderator_gate(&moderator),
            StaffState {
                staff: Some(moderator.clone()),
                target: Some(target.clone()),
            },
            &target.id,
            Some(Timestamp::parse("2027-03-08T10:00:00.000Z").unwrap()),
            "Spam.",
            NOW,
        )
        .unwrap();
        assert_eq!(
            plan.write.requires,
            [AccountCondition::RolesAsRead(target.roles.clone())]
        );
        assert!(plan.write.update.end_every_session);
        assert_eq!(plan.write.update.count_on_record, Some(RecordCount::Blocks));
        let blocked = &plan.changed;
        assert_eq!(blocked.status, AccountStatus::Blocked);
        assert_eq!(
            blocked.blocked_until.map(|t| t.to_string()).as_deref(),
            Some("2027-03-08T10:00:00.000Z")
        );
        assert_eq!(
            blocked.block_reason.as_deref(),
            Some("until 2027-03-08T10:00:00.000Z: Spam.")
        );
        assert_eq!(blocked.token_generation, target.token_generation + 1);
        assert!(blocked.ended_sessions.is_empty());
        assert_eq!(blocked.moderation_record.blocks, 1);
        assert_eq!(plan.audit.action, "account.block");
        assert_eq!(plan.audit.reason, "until 2027-03-08T10:00:00.000Z: Spam.");
        assert_eq!(plan.audit.actor_id, moderator.id);
        assert_eq!(plan.audit.target_account_id, Some(target.id.clone()));
        let forever = block_account(
            &moderator_gate(&moderator),
            StaffState {
                staff: Some(moderator.clone()),
                target: Some(target.clone()),
            },
            &target.id,
            None,
            "Spam.",
            NOW,
        )
        .unwrap();
        assert_eq!(forever.changed.blocked_until, None);
        assert_eq!(forever.audit.reason, "Spam.");
    }

    #[test]
    fn staff_do_not_act_on_themselves_nor_moderators_on_admins() {
        let moderator = account(&[Role::Moderator]);
        let admin = account(&[Role::Admin]);
        let user = account(&[]);
        let cases = [
            (
                Some(moderator.clone()),
                Some(moderator.clone()),
                StaffRefusal::Own,
                "oneself",
            ),
            (
                Some(moderator.clone()),
                Some(admin.clone()),
                StaffRefusal::TargetIsAdmin,
                "an admin",
            ),
            (
                Some(moderator.clone()),
                None,
                StaffRefusal::NoSuchAccount,
                "nobody",
            ),
            (
                None,
                Some(user.clone()),
                StaffRefusal::Gate(Refusal::Unauthenticated),
                "no staff account",
            ),
            (
                Some(user.clone()),
                Some(admin.clone()),
                StaffRefusal::Gate(Refusal::Forbidden {
                    role: Role::Moderator,
                }),
                "not a moderator",
            ),
        ];
        for (staff, target, refusal, why) in cases {
            let gate = moderator_gate(staff.as_ref().unwrap_or(&moderator));
            let target_id = target
                .as_ref()
                .map_or_else(AccountId::new, |t| t.id.clone());
            let state = StaffState { staff, target };
            let decided = block_account(&gate, state, &target_id, None, "Spam.", NOW);
            assert_eq!(decided.err(), Some(refusal), "{why}");
        }
    }

    #[test]
    fn lifting_a_block_that_is_not_there_changes_nothing() {
        let moderator = account(&[Role::Moderator]);
        let mut blocked = account(&[]);
        blocked.status = AccountStatus::Blocked;
        blocked.blocked_until = Some(Timestamp::parse("2027-03-08T10:00:00.000Z").unwrap());
        blocked.block_reason = Some("Spam.".into());
        let state = |target: &Account| StaffState {
            staff: Some(moderator.clone()),
            target: Some(target.clone()),
        };
        let gate = moderator_gate(&moderator);
        let plan = unblock_account(&gate, state(&blocked), &blocked.id, NOW)
            .unwrap()
            .unwrap();
        assert_eq!(plan.changed.status, AccountStatus::Active);
        assert_eq!(plan.write.update.blocked_until, Some(None));
        assert_eq!(
            plan.write.requires,
            [AccountCondition::StatusAsRead(AccountStatus::Blocked)]
        );
        assert_eq!(plan.changed.blocked_until, None);
        assert_eq!(plan.changed.block_reason, None);
        assert_eq!(plan.audit.action, "account.unblock");
        let active = account(&[]);
        assert_eq!(
            unblock_account(&gate, state(&active), &active.id, NOW),
            Ok(None)
        );
        assert_eq!(
            unblock_account(&gate, state(&moderator), &moderator.id, NOW),
            Err(StaffRefusal::Own)
        );
    }

    #[test]
    fn roles_always_include_user_once_and_an_admin_keeps_their_own_admin_role() {
        assert_eq!(
            roles_to_assign(&[Role::Moderator, Role::User, Role::Moderator]),
            [Role::User, Role::Moderator]
        );
        assert_eq!(roles_to_assign(&[]), [Role::User]);
        let admin = account(&[Role::Admin]);
        let gate = Gate {
            required_role: Some(Role::Admin),
            ..gate_of(&admin)
        };
        let own = |requested: &[Role]| {
            set_roles(
                &gate,
                StaffState {
                    staff: Some(admin.clone()),
                    target: Some(admin.clone()),
                },
                &admin.id,
                requested,
                NOW,
            )
        };
        assert_eq!(
            own(&[Role::Moderator]).err(),
            Some(StaffRefusal::OwnAdminRole)
        );
        let kept = own(&[Role::Admin, Role::Moderator]).unwrap();
        assert_eq!(
            kept.changed.roles,
            [Role::User, Role::Admin, Role::Moderator]
        );
        assert_eq!(kept.write.requires, [AccountCondition::Gate(gate.clone())]);
        assert_eq!(kept.actor, None);
        let user = account(&[]);
        let plan = set_roles(
            &gate,
            StaffState {
                staff: Some(admin.clone()),
                target: Some(user.clone()),
            },
            &user.id,
            &[Role::Mentor],
            NOW,
        )
        .unwrap();
        assert_eq!(plan.changed.roles, [Role::User, Role::Mentor]);
        assert_eq!(
            plan.write.update.roles,
            Some(vec![Role::User, Role::Mentor])
        );
        assert!(plan.write.requires.is_empty());
        assert_eq!(plan.actor, Some(AccountWrite::gate_check(&gate)));
        assert_eq!(plan.audit.reason, "roles: user, mentor");
        assert_eq!(plan.audit.actor_id, admin.id);
    }

    #[test]
    fn the_first_admin_is_appointed_by_an_operator_to_an_account_that_is_not_one() {
        let user = account(&[Role::Mentor]);
        let plan = appoint_first_admin("Grace", "new stack", Some(user.clone()), NOW).unwrap();
        assert_eq!(plan.changed.roles, [Role::User, Role::Mentor, Role::Admin]);
        assert_eq!(
            plan.write.requires,
            [AccountCondition::RolesAsRead(user.roles.clone())]
        );
        assert_eq!(plan.audit.action, "roles.first_admin");
        assert_eq!(plan.audit.actor_id, Actor::Operator("Grace".into()));
        assert_eq!(
            plan.audit.reason,
            "first admin, appointed by operator Grace: new stack"
        );
        assert_eq!(appoint_first_admin("Grace", "x", None, NOW), None);
        let admin = account(&[Role::Admin]);
        assert_eq!(appoint_first_admin("Grace", "x", Some(admin), NOW), None);
    }

    #[test]
    fn an_operator_changes_roles_under_their_own_name() {
        let user = account(&[]);
        let plan =
            set_roles_by_operator(LOCAL_OPERATOR, Some(user.clone()), &[Role::Admin], NOW).unwrap();
        assert_eq!(plan.changed.roles, [Role::User, Role::Admin]);
        assert_eq!(
            plan.audit.actor_id,
            Actor::Operator("local operator".into())
        );
        assert_eq!(plan.audit.target_account_id, Some(user.id));
        assert_eq!(plan.actor, None);
        assert_eq!(
            set_roles_by_operator(LOCAL_OPERATOR, None, &[Role::Admin], NOW).err(),
            Some(StaffRefusal::NoSuchAccount)
        );
    }
}

//! A moderator's decision about public content (a message or a correction): which
//! actions apply to which status, what it settles, and what it records.

use time::OffsetDateTime;

use crate::domain::{
    Account, AccountUpdate, AccountWrite, AuditEntry, AuditEntryId, ComplaintOutcome,
    MessageStatus, Moderated, ModerationAction, ModerationNote, ModerationState, Timestamp,
};
use crate::gate::{Gate, Refusal};

/// What a decision is made on: the content and the moderator's account, read together.
#[derive(Debug, Clone)]
pub struct ActionState {
    pub target: Option<Moderated>,
    pub moderator: Option<Account>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionRefusal {
    Gate(Refusal),
    NoSuchTarget,
    /// Moderators do not decide about their own content.
    OwnContent,
    /// The action does not apply to content in this status (removed content is final;
    /// visible content cannot be restored).
    NotApplicable {
        status: MessageStatus,
        action: ModerationAction,
    },
}

/// What a decision writes, with what it read as conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPlan {
    /// The content as read (its round, open complaints and status are the conditions).
    pub seen: Moderated,
    /// The content as decided.
    pub decided: Moderated,
    /// Set when the decision settles a round of complaints: what every reporter of the
    /// round learns (the queue entry goes with it).
    pub outcome: Option<ComplaintOutcome>,
    /// The author's moderation record counts it.
    pub author_record: AccountWrite,
    /// The gate still admits the moderator.
    pub moderator: AccountWrite,
    pub audit: AuditEntry,
    /// How many open complaints it settled.
    pub settled: u32,
    /// What the count of visible content it is part of moves by (a thread's
    /// `message_count`, a message's `corrections_count`).
    pub count_change: i64,
}

/// `action` on the content read, by the moderator the gate names, for `reason`. It
/// settles the open round of complaints: the next round starts empty.
pub fn act_on(
    gate: &Gate,
    state: ActionState,
    action: ModerationAction,
    reason: &str,
    now: OffsetDateTime,
) -> Result<ActionPlan, ActionRefusal> {
    gate.admit(state.moderator.as_ref(), now)
        .map_err(ActionRefusal::Gate)?;
    let seen = state.target.ok_or(ActionRefusal::NoSuchTarget)?;
    if seen.author_id == gate.account_id {
        return Err(ActionRefusal::OwnContent);
    }
    let read = &seen.state;
    let status = action
        .next_status(read.status)
        .ok_or(ActionRefusal::NotApplicable {
            status: read.status,
            action,
        })?;
    let at = Timestamp::at(now);
    let note = ModerationNote {
        action: action.as_str().into(),
        reason: reason.to_owned(),
        decided_at: at,
    };
    let outcome = (read.open_complaints > 0).then(|| ComplaintOutcome {
        target: seen.target.clone(),
        round: read.complaint_round,
        outcome: action.outcome().into(),
        decided_at: at,
    });
    let kind = seen.target.kind().as_str();
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: gate.account_id.clone().into(),
        action: format!("{kind}.{}", action.as_str()),
        target: format!("{kind}:{}", seen.target),
        // The decision is about the author too: their history lists it.
        target_account_id: Some(seen.author_id.clone()),
        reason: reason.to_owned(),
        created_at: at,
    };
    let decided = ModerationState {
        status,
        moderation: Some(note),
        complaint_round: read.complaint_round + 1,
        open_complaints: 0,
        counted_complaints: 0,
    };
    let author_record = AccountWrite {
        account_id: seen.author_id.clone(),
        update: AccountUpdate {
            count_on_record: Some(action.record()),
            ..Default::default()
        },
        requires: Vec::new(),
    };
    Ok(ActionPlan {
        settled: read.open_complaints,
        count_change: decided.visible_count() - read.visible_count(),
        decided: seen.with_state(decided),
        seen,
        outcome,
        author_record,
        moderator: AccountWrite::gate_check(gate),
        audit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::{account, gate_of, message_by};
    use crate::domain::{Moderated, Role};
    use MessageStatus::*;
    use ModerationAction::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    #[test]
    fn each_action_moves_the_message_and_settles_its_round() {
        let moderator = account(&[Role::Moderator]);
        let author = account(&[]);
        let cases = [
            (Hide, Visible, Ok(Hidden)),
            (Hide, Hidden, Err(())),
            (Restore, Hidden, Ok(Visible)),
            (Restore, Visible, Err(())),
            (Remove, Visible, Ok(Removed)),
            (Remove, Hidden, Ok(Removed)),
            (Dismiss, Hidden, Ok(Visible)),
            (Dismiss, Visible, Ok(Visible)),
            (Hide, Removed, Err(())),
            (Restore, Removed, Err(())),
            (Remove, Removed, Err(())),
            (Dismiss, Removed, Err(())),
        ];
        for (action, status, expected) in cases {
            let mut message = message_by(&author);
            message.status = status;
            message.complaint_round = 2;
            message.open_complaints = 3;
            message.counted_complaints = 2;
            let decided = act_on(
                &gate_of(&moderator),
                ActionState {
                    target: Some(Moderated::of_message(&message)),
                    moderator: Some(moderator.clone()),
                },
                action,
                "Against the rules.",
                NOW,
            );
            let why = format!("{action:?} on {status:?}");
            match expected {
                Err(()) => assert_eq!(
                    decided,
                    Err(ActionRefusal::NotApplicable { status, action }),
                    "{why}"
                ),
                Ok(next) => {
                    let plan = decided.unwrap();
                    let decided = &plan.decided.state;
                    assert_eq!(decided.status, next, "{why}");
                    assert_eq!(decided.complaint_round, 3, "{why}");
                    assert_eq!(decided.open_complaints, 0, "{why}");
                    assert_eq!(decided.counted_complaints, 0, "{why}");
                    assert_eq!(plan.settled, 3, "{why}");
                    let count_change = match (status, next) {
                        (Visible, Hidden | Removed) => -1,
                        (Hidden, Visible) => 1,
                        _ => 0,
                    };
                    assert_eq!(plan.count_change, count_change, "{why}");
                    assert_eq!(plan.seen, Moderated::of_message(&message), "{why}");
                    let outcome = plan.outcome.unwrap();
                    assert_eq!(outcome.round, 2, "{why}");
                    assert_eq!(outcome.outcome, action.outcome(), "{why}");
                    assert_eq!(
                        plan.author_record.update.count_on_record,
                        Some(action.record()),
                        "{why}"
                    );
                    assert_eq!(plan.author_record.account_id, author.id, "{why}");
                    let note = plan.decided.state.moderation.clone().unwrap();
                    assert_eq!(note.action, action.as_str(), "{why}");
                    assert_eq!(note.reason, "Against the rules.", "{why}");
                    assert_eq!(plan.audit.action, format!("message.{}", action.as_str()));
                    assert_eq!(plan.audit.target_account_id, Some(author.id.clone()));
                    assert_eq!(plan.audit.actor_id, moderator.id);
                }
            }
        }
    }

    #[test]
    fn a_message_without_complaints_settles_nothing() {
        let moderator = account(&[Role::Moderator]);
        let plan = act_on(
            &gate_of(&moderator),
            ActionState {
                target: Some(Moderated::of_message(&message_by(&account(&[])))),
                moderator: Some(moderator.clone()),
            },
            Hide,
            "Spam.",
            NOW,
        )
        .unwrap();
        assert_eq!((plan.settled, plan.outcome), (0, None));
    }

    #[test]
    fn moderators_pass_the_gate_first_and_never_decide_about_their_own_messages() {
        let moderator = account(&[Role::Moderator]);
        let user = account(&[]);
        let cases = [
            (
                Some(moderator.clone()),
                Some(message_by(&moderator)),
                Some(ActionRefusal::OwnContent),
            ),
            (
                Some(moderator.clone()),
                None,
                Some(ActionRefusal::NoSuchTarget),
            ),
            (
                None,
                Some(message_by(&user)),
                Some(ActionRefusal::Gate(Refusal::Unauthenticated)),
            ),
            (
                Some(user.clone()),
                Some(message_by(&moderator)),
                Some(ActionRefusal::Gate(Refusal::Forbidden {
                    role: Role::Moderator,
                })),
            ),
        ];
        for (account, message, refusal) in cases {
            let mut gate = gate_of(account.as_ref().unwrap_or(&moderator));
            gate.required_role = Some(Role::Moderator);
            let decided = act_on(
                &gate,
                ActionState {
                    target: message.as_ref().map(Moderated::of_message),
                    moderator: account,
                },
                Remove,
                "Spam.",
                NOW,
            );
            assert_eq!(decided.err(), refusal);
        }
    }

    #[test]
    fn a_decision_about_a_correction_names_it_in_the_audit_log_and_counts_on_its_message() {
        let moderator = account(&[Role::Moderator]);
        let corrector = account(&[]);
        let message = message_by(&account(&[]));
        let correction = crate::domain::decide::tests::correction_by(&corrector, &message);
        let plan = act_on(
            &gate_of(&moderator),
            ActionState {
                target: Some(Moderated::of_correction(&correction, Some(&message))),
                moderator: Some(moderator.clone()),
            },
            Hide,
            "Insulting note.",
            NOW,
        )
        .unwrap();
        assert_eq!(plan.audit.action, "correction.hide");
        assert_eq!(
            plan.audit.target,
            format!("correction:{}#{}", message.id, correction.id)
        );
        assert_eq!(plan.audit.target_account_id, Some(corrector.id.clone()));
        assert_eq!(plan.author_record.account_id, corrector.id);
        assert_eq!(plan.decided.state.status, Hidden);
        assert_eq!(
            plan.count_change, -1,
            "the message counts one correction fewer"
        );
        assert_eq!(plan.decided.target, plan.seen.target);
    }
}

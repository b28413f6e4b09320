//! A moderator's decision about a message: which actions apply to which status, what
//! it settles, and what it records.

use time::OffsetDateTime;

use crate::domain::{
    Account, AccountUpdate, AccountWrite, AuditEntry, AuditEntryId, ComplaintOutcome, Message,
    MessageStatus, ModerationAction, ModerationNote, Timestamp,
};
use crate::gate::{Gate, Refusal};

/// What a decision is made on: the message and the moderator's account, read together.
#[derive(Debug, Clone)]
pub struct ActionState {
    pub message: Option<Message>,
    pub moderator: Option<Account>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionRefusal {
    Gate(Refusal),
    NoSuchMessage,
    /// Moderators do not decide about their own messages.
    OwnMessage,
    /// The action does not apply to a message in this status (a removed message is
    /// final; a visible one cannot be restored).
    NotApplicable {
        status: MessageStatus,
        action: ModerationAction,
    },
}

/// What a decision writes, with what it read as conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPlan {
    /// The message as read (its round, open complaints and status are the conditions).
    pub seen: Message,
    /// The message as decided.
    pub decided: Message,
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
}

/// `action` on the message read, by the moderator the gate names, for `reason`. It
/// settles the open round of complaints: the next round starts empty.
pub fn act_on_message(
    gate: &Gate,
    state: ActionState,
    action: ModerationAction,
    reason: &str,
    now: OffsetDateTime,
) -> Result<ActionPlan, ActionRefusal> {
    gate.admit(state.moderator.as_ref(), now)
        .map_err(ActionRefusal::Gate)?;
    let seen = state.message.ok_or(ActionRefusal::NoSuchMessage)?;
    if seen.author_id == gate.account_id {
        return Err(ActionRefusal::OwnMessage);
    }
    let status = action
        .next_status(seen.status)
        .ok_or(ActionRefusal::NotApplicable {
            status: seen.status,
            action,
        })?;
    let at = Timestamp::at(now);
    let note = ModerationNote {
        action: action.as_str().into(),
        reason: reason.to_owned(),
        decided_at: at,
    };
    let outcome = (seen.open_complaints > 0).then(|| ComplaintOutcome {
        message_id: seen.id.clone(),
        round: seen.complaint_round,
        outcome: action.outcome().into(),
        decided_at: at,
    });
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: gate.account_id.clone().into(),
        action: format!("message.{}", action.as_str()),
        target: format!("message:{}", seen.id),
        // The decision is about the author too: their history lists it.
        target_account_id: Some(seen.author_id.clone()),
        reason: reason.to_owned(),
        created_at: at,
    };
    let decided = Message {
        status,
        moderation: Some(note),
        complaint_round: seen.complaint_round + 1,
        open_complaints: 0,
        counted_complaints: 0,
        ..seen.clone()
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
        settled: seen.open_complaints,
        seen,
        decided,
        outcome,
        author_record,
        moderator: AccountWrite::gate_check(gate),
        audit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::domain::decide::tests::{account, gate_of, message_by};
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
            let decided = act_on_message(
                &gate_of(&moderator),
                ActionState {
                    message: Some(message.clone()),
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
                    assert_eq!(plan.decided.status, next, "{why}");
                    assert_eq!(plan.decided.complaint_round, 3, "{why}");
                    assert_eq!(plan.decided.open_complaints, 0, "{why}");
                    assert_eq!(plan.decided.counted_complaints, 0, "{why}");
                    assert_eq!(plan.settled, 3, "{why}");
                    assert_eq!(plan.seen, message, "{why}");
                    let outcome = plan.outcome.unwrap();
                    assert_eq!(outcome.round, 2, "{why}");
                    assert_eq!(outcome.outcome, action.outcome(), "{why}");
                    assert_eq!(
                        plan.author_record.update.count_on_record,
                        Some(action.record()),
                        "{why}"
                    );
                    assert_eq!(plan.author_record.account_id, author.id, "{why}");
                    let note = plan.decided.moderation.unwrap();
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
        let plan = act_on_message(
            &gate_of(&moderator),
            ActionState {
                message: Some(message_by(&account(&[]))),
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
                Some(ActionRefusal::OwnMessage),
            ),
            (
                Some(moderator.clone()),
                None,
                Some(ActionRefusal::NoSuchMessage),
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
            let decided = act_on_message(
                &gate,
                ActionState {
                    message,
                    moderator: account,
                },
                Remove,
                "Spam.",
                NOW,
            );
            assert_eq!(decided.err(), refusal);
        }
    }
}

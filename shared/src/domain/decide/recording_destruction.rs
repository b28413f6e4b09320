//! The break-glass path: an admin destroys a removed message's recording for a legal
//! reason. The archive keeps every recording under Object Lock (governance mode and a
//! legal hold); only this decision, taken once and audited, lets the one function that
//! may lift them delete every version.

use time::OffsetDateTime;

use crate::domain::{
    Account, AccountWrite, AuditEntry, AuditEntryId, LegalBasis, Message, MessageId, MessageStatus,
    StaffReason, Timestamp,
};
use crate::gate::{Gate, Refusal};

/// What the decision is made on: the message and the admin's account, read together.
#[derive(Debug, Clone)]
pub struct DestructionState {
    pub message: Option<Message>,
    pub admin: Option<Account>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DestructionRefusal {
    Gate(Refusal),
    NoSuchMessage,
    /// A text message has no recording to destroy.
    NotVoice,
    /// Only a removed message's recording may be destroyed: removal is the moderation
    /// decision, destruction its legal consequence.
    NotRemoved {
        status: MessageStatus,
    },
}

/// What destroying a recording does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestructionPlan {
    pub message_id: MessageId,
    /// The archived recording whose every version goes.
    pub archive_key: String,
    pub destroyed_at: Timestamp,
    /// Set the first time: the message is marked destroyed with its audit entry, in one
    /// write. Absent on a retry after that write: only the archive's deletion is
    /// (re)done, which finds nothing left once it has succeeded.
    pub marking: Option<Marking>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marking {
    pub audit: AuditEntry,
    /// The gate still admits the admin.
    pub admin: AccountWrite,
}

impl DestructionPlan {
    /// Whether this request marked the recording destroyed (else an earlier one did).
    pub fn marked_now(&self) -> bool {
        self.marking.is_some()
    }
}

/// Destroying the recording of the message read, by the admin the gate names, for
/// `legal_basis` and `reason`. Idempotent: a recording already marked destroyed is a
/// plan that only finishes the archive's deletion.
pub fn destroy_recording(
    gate: &Gate,
    state: DestructionState,
    legal_basis: LegalBasis,
    reason: &StaffReason,
    now: OffsetDateTime,
) -> Result<DestructionPlan, DestructionRefusal> {
    gate.admit(state.admin.as_ref(), now)
        .map_err(DestructionRefusal::Gate)?;
    let message = state.message.ok_or(DestructionRefusal::NoSuchMessage)?;
    let voice = message.voice.as_ref().ok_or(DestructionRefusal::NotVoice)?;
    if message.status != MessageStatus::Removed {
        return Err(DestructionRefusal::NotRemoved {
            status: message.status,
        });
    }
    if let Some(destroyed_at) = voice.destroyed_at {
        return Ok(DestructionPlan {
            message_id: message.id.clone(),
            archive_key: voice.key.clone(),
            destroyed_at,
            marking: None,
        });
    }
    let at = Timestamp::at(now);
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: gate.account_id.clone().into(),
        action: "recording.destroy".into(),
        target: format!("message:{}", message.id),
        target_account_id: Some(message.author_id.clone()),
        reason: format!("{}: {}", legal_basis.as_str(), reason.as_ref()),
        created_at: at,
    };
    Ok(DestructionPlan {
        message_id: message.id.clone(),
        archive_key: voice.key.clone(),
        destroyed_at: at,
        marking: Some(Marking {
            audit,
            admin: AccountWrite::gate_check(gate),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::{account, gate_of, message_by};
    use crate::domain::{MessageKind, Role, Voice};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    fn voice_message(status: MessageStatus, destroyed_at: Option<Timestamp>) -> Message {
        let mut message = message_by(&account(&[]));
        message.kind = MessageKind::Voice;
        message.text = None;
        message.voice = Some(Voice {
            key: format!("voice/{}", message.id),
            content_type: "audio/ogg".into(),
            size_bytes: 1000,
            sha256: "c2hh".into(),
            duration_ms: Some(2000),
            destroyed_at,
        });
        message.status = status;
        message
    }

    fn decide(message: Option<Message>) -> Result<DestructionPlan, DestructionRefusal> {
        let admin = account(&[Role::Admin]);
        destroy_recording(
            &gate_of(&admin),
            DestructionState {
                message,
                admin: Some(admin.clone()),
            },
            LegalBasis::CourtOrder,
            &StaffReason::parse("Order 2027/14 of the district court.").unwrap(),
            NOW,
        )
    }

    #[test]
    fn only_a_removed_voice_message_has_its_recording_destroyed() {
        use MessageStatus::*;
        let cases = [
            (
                Visible,
                Err(DestructionRefusal::NotRemoved { status: Visible }),
            ),
            (
                Hidden,
                Err(DestructionRefusal::NotRemoved { status: Hidden }),
            ),
            (Removed, Ok(())),
        ];
        for (status, expected) in cases {
            let message = voice_message(status, None);
            let decided = decide(Some(message.clone()));
            match expected {
                Err(refusal) => assert_eq!(decided, Err(refusal), "{status:?}"),
                Ok(()) => {
                    let plan = decided.unwrap();
                    assert_eq!(plan.archive_key, message.voice.unwrap().key);
                    assert_eq!(plan.destroyed_at, Timestamp::at(NOW));
                    let audit = plan.marking.unwrap().audit;
                    assert_eq!(audit.action, "recording.destroy");
                    assert_eq!(audit.acting_role(), "admin");
                    assert_eq!(audit.target, format!("message:{}", message.id));
                    assert_eq!(audit.target_account_id, Some(message.author_id));
                    assert_eq!(
                        audit.reason,
                        "court_order: Order 2027/14 of the district court."
                    );
                }
            }
        }
    }

    #[test]
    fn text_and_missing_messages_have_nothing_to_destroy() {
        let mut text = message_by(&account(&[]));
        text.status = MessageStatus::Removed;
        assert_eq!(decide(Some(text)), Err(DestructionRefusal::NotVoice));
        assert_eq!(decide(None), Err(DestructionRefusal::NoSuchMessage));
    }

    #[test]
    fn a_retry_after_the_marking_only_finishes_the_deletion() {
        let earlier = Timestamp::parse("2027-02-28T09:00:00.000Z").unwrap();
        let message = voice_message(MessageStatus::Removed, Some(earlier));
        let plan = decide(Some(message.clone())).unwrap();
        assert!(!plan.marked_now());
        assert_eq!(plan.destroyed_at, earlier);
        assert_eq!(plan.archive_key, message.voice.unwrap().key);
    }

    #[test]
    fn the_gate_comes_first() {
        let admin = account(&[Role::Admin]);
        let mut blocked = admin.clone();
        blocked.status = crate::domain::AccountStatus::Blocked;
        let decided = destroy_recording(
            &gate_of(&admin),
            DestructionState {
                message: None,
                admin: Some(blocked),
            },
            LegalBasis::Illegal,
            &StaffReason::parse("Unlawful.").unwrap(),
            NOW,
        );
        assert!(matches!(decided, Err(DestructionRefusal::Gate(_))));
    }
}

//! Privacy rights as decisions: accepting terms, setting consents, filing a privacy
//! request (and what a withdrawal, an objection or a restriction changes at once), and
//! an admin's steps on a request: its state machine, its deadlines, and what its owner
//! is told.

use time::OffsetDateTime;

use super::Seen;
use crate::domain::{
    Account, AccountCondition, AccountUpdate, AccountWrite, AuditEntry, AuditEntryId,
    ConsentChange, ConsentSource, Consents, EmailKind, Notification, NotificationKind, OutboxEmail,
    PrivacyRequest, PrivacyRequestId, PrivacyRequestKind, PrivacyRequestStatus, TermsAcceptance,
    Timestamp, privacy_request_due,
};
use crate::gate::{Gate, Refusal};
use crate::ids::new_id;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermsRefusal {
    Gate(Refusal),
    /// Only the current version can be accepted.
    NotCurrent {
        current: String,
    },
}

/// An acceptance and the account write that records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsPlan {
    pub acceptance: TermsAcceptance,
    pub account: AccountWrite,
}

/// The caller accepts terms `version`, which must be the `current` one: the account's
/// accepted version moves to it and the acceptance is kept for good.
pub fn accept_terms(
    gate: &Gate,
    seen: Seen<Account>,
    version: &str,
    current: &str,
    now: OffsetDateTime,
) -> Result<TermsPlan, TermsRefusal> {
    if version != current {
        return Err(TermsRefusal::NotCurrent {
            current: current.to_owned(),
        });
    }
    admit_if_read(gate, &seen, now).map_err(TermsRefusal::Gate)?;
    let at = Timestamp::at(now);
    let acceptance = TermsAcceptance {
        id: new_id(),
        account_id: gate.account_id.clone(),
        version: version.to_owned(),
        accepted_at: at,
    };
    let update = AccountUpdate {
        accepted_terms: Some((version.to_owned(), at)),
        updated_at: Some(at),
        ..Default::default()
    };
    Ok(TermsPlan {
        acceptance,
        account: own_account(gate, update),
    })
}

/// A consent change and the account write that makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentsPlan {
    pub change: ConsentChange,
    pub account: AccountWrite,
}

/// The caller sets their consents; every change is kept with its time.
pub fn set_consents(
    gate: &Gate,
    seen: Seen<Account>,
    consents: Consents,
    now: OffsetDateTime,
) -> Result<ConsentsPlan, Refusal> {
    admit_if_read(gate, &seen, now)?;
    let at = Timestamp::at(now);
    Ok(ConsentsPlan {
        change: consent_change(gate, consents, ConsentSource::Settings, at),
        account: own_account(
            gate,
            AccountUpdate {
                consents: Some(consents),
                updated_at: Some(at),
                ..Default::default()
            },
        ),
    })
}

/// A filed request, what it changes of the account at once, and the consent change it
/// records (a withdrawal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPlan {
    pub request: PrivacyRequest,
    /// The account's change (or, for a request that changes nothing at once, the gate's
    /// check on it).
    pub account: AccountWrite,
    pub consent_change: Option<ConsentChange>,
}

/// The caller files a privacy request, due one calendar month after receipt. A
/// withdrawal of consent, an objection and a restriction take effect at once: consents
/// off (and the change kept), or the account marked objected to or restricted from now
/// (the first moment stays).
pub fn file_privacy_request(
    gate: &Gate,
    seen: Seen<Account>,
    kind: PrivacyRequestKind,
    details: Option<String>,
    now: OffsetDateTime,
) -> Result<RequestPlan, Refusal> {
    admit_if_read(gate, &seen, now)?;
    let at = Timestamp::at(now);
    let request = PrivacyRequest {
        id: PrivacyRequestId::new_for(&gate.account_id),
        account_id: gate.account_id.clone(),
        kind,
        status: PrivacyRequestStatus::Received,
        details,
        received_at: at,
        due_at: Timestamp::at(privacy_request_due(now, false)),
        extended_at: None,
        extension_reason: None,
        completed_at: None,
        response: None,
    };
    let changed = |update: AccountUpdate| AccountUpdate {
        updated_at: Some(at),
        ..update
    };
    let (update, consent_change) = match kind {
        PrivacyRequestKind::WithdrawConsent => {
            let none = Consents {
                marketing_emails: false,
                notification_emails: false,
            };
            let update = AccountUpdate {
                consents: Some(none),
                ..Default::default()
            };
            let change = consent_change(gate, none, ConsentSource::PrivacyRequest, at);
            (changed(update), Some(change))
        }
        // An objection is not a change of consent: from now on the account is left out
        // of marketing and statistics whatever its consents say.
        PrivacyRequestKind::Objection => (
            changed(AccountUpdate {
                objected_since: Some(at),
                ..Default::default()
            }),
            None,
        ),
        PrivacyRequestKind::Restriction => (
            changed(AccountUpdate {
                restricted_since: Some(at),
                ..Default::default()
            }),
            None,
        ),
        PrivacyRequestKind::Access
        | PrivacyRequestKind::Rectification
        | PrivacyRequestKind::Erasure
        | PrivacyRequestKind::Portability => (AccountUpdate::default(), None),
    };
    Ok(RequestPlan {
        request,
        account: own_account(gate, update),
        consent_change,
    })
}

/// An admin's step on a privacy request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestStep {
    /// Move the deadline one more month (once), saying why.
    Extend { reason: String },
    /// Answer it.
    Complete { response: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRefusal {
    Gate(Refusal),
    NotFound,
    /// Already extended once: the deadline moves only once.
    AlreadyExtended,
    AlreadyCompleted,
}

/// What an admin's step on a request is decided on: the admin's account and the request,
/// read together.
#[derive(Debug, Clone)]
pub struct StepState {
    pub admin: Option<Account>,
    pub request: Option<PrivacyRequest>,
}

/// An admin's step: the request as read (its status is the condition) and as changed,
/// what its owner is told (in-app and by e-mail), the audit entry, and the gate's check
/// on the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepPlan {
    pub seen_status: PrivacyRequestStatus,
    pub changed: PrivacyRequest,
    pub notification: Notification,
    pub email: OutboxEmail,
    pub audit: AuditEntry,
    pub admin: AccountWrite,
}

/// The request's state machine: `received` → `extended` (once, by one more month from
/// receipt) → `completed`, or `received` → `completed`. Its owner is notified of each
/// step, in-app and with an e-mail (sent if they consent to notification e-mails).
pub fn step_privacy_request(
    gate: &Gate,
    state: StepState,
    step: &RequestStep,
    now: OffsetDateTime,
) -> Result<StepPlan, StepRefusal> {
    gate.admit(state.admin.as_ref(), now)
        .map_err(StepRefusal::Gate)?;
    let request = state.request.ok_or(StepRefusal::NotFound)?;
    let at = Timestamp::at(now);
    let mut changed = request.clone();
    let label = label(request.kind);
    let (kind, title, body, action, audit_reason) = match (step, request.status) {
        (_, PrivacyRequestStatus::Completed) => return Err(StepRefusal::AlreadyCompleted),
        (RequestStep::Extend { .. }, PrivacyRequestStatus::Extended) => {
            return Err(StepRefusal::AlreadyExtended);
        }
        (RequestStep::Extend { reason }, PrivacyRequestStatus::Received) => {
            changed.status = PrivacyRequestStatus::Extended;
            changed.due_at = Timestamp::at(privacy_request_due(request.received_at.time(), true));
            changed.extended_at = Some(at);
            changed.extension_reason = Some(reason.clone());
            (
                NotificationKind::PrivacyRequestExtended,
                format!(
                    "Your {label} request will be answered by {}",
                    changed.due_at
                ),
                format!("We need one more month: {reason}"),
                "privacy_request.extend",
                reason.clone(),
            )
        }
        (RequestStep::Complete { response }, _) => {
            changed.status = PrivacyRequestStatus::Completed;
            changed.completed_at = Some(at);
            changed.response = Some(response.clone());
            (
                NotificationKind::PrivacyRequestCompleted,
                format!("Your {label} request has been answered"),
                response.clone(),
                "privacy_request.complete",
                "answered".to_owned(),
            )
        }
    };
    let notification = Notification {
        id: new_id(),
        account_id: request.account_id.clone(),
        kind,
        title: title.clone(),
        body: body.clone(),
        reference: request.id.to_string(),
        created_at: at,
    };
    let email = OutboxEmail::queued(
        &request.account_id,
        format!("notification-{}", notification.id),
        EmailKind::Notification,
        title,
        body,
        at,
    );
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: gate.account_id.clone().into(),
        action: action.into(),
        target: format!("privacy_request:{}", request.id),
        target_account_id: Some(request.account_id.clone()),
        reason: audit_reason,
        created_at: at,
    };
    Ok(StepPlan {
        seen_status: request.status,
        changed,
        notification,
        email,
        audit,
        admin: AccountWrite::gate_check(gate),
    })
}

/// How a request's kind is named to its owner.
fn label(kind: PrivacyRequestKind) -> &'static str {
    match kind {
        PrivacyRequestKind::Access => "access",
        PrivacyRequestKind::Rectification => "rectification",
        PrivacyRequestKind::Erasure => "erasure",
        PrivacyRequestKind::Restriction => "restriction",
        PrivacyRequestKind::Objection => "objection",
        PrivacyRequestKind::Portability => "portability",
        PrivacyRequestKind::WithdrawConsent => "consent withdrawal",
    }
}

fn consent_change(
    gate: &Gate,
    consents: Consents,
    source: ConsentSource,
    at: Timestamp,
) -> ConsentChange {
    ConsentChange {
        id: new_id(),
        account_id: gate.account_id.clone(),
        marketing_emails: consents.marketing_emails,
        notification_emails: consents.notification_emails,
        source,
        changed_at: at,
    }
}

/// The caller's own account, written on the gate's condition.
fn own_account(gate: &Gate, update: AccountUpdate) -> AccountWrite {
    AccountWrite {
        account_id: gate.account_id.clone(),
        update,
        requires: vec![AccountCondition::Gate(gate.clone())],
    }
}

/// The gate's judgement of the account, when it was read (a blind write carries the
/// gate in its condition instead).
fn admit_if_read(gate: &Gate, seen: &Seen<Account>, now: OffsetDateTime) -> Result<(), Refusal> {
    match seen {
        Seen::Unread => Ok(()),
        Seen::Read(account) => gate.admit(account.as_ref(), now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::domain::decide::tests::{account, gate_of};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-01-31 10:00 UTC);

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).unwrap()
    }

    fn request(status: PrivacyRequestStatus) -> PrivacyRequest {
        let owner = account(&[]);
        PrivacyRequest {
            id: PrivacyRequestId::new_for(&owner.id),
            account_id: owner.id,
            kind: PrivacyRequestKind::Access,
            status,
            details: None,
            received_at: at("2027-01-31T10:00:00Z"),
            due_at: at("2027-02-28T10:00:00Z"),
            extended_at: None,
            extension_reason: None,
            completed_at: None,
            response: None,
        }
    }

    fn admin_gate(admin: &Account) -> Gate {
        Gate {
            required_role: Some(Role::Admin),
            ..gate_of(admin)
        }
    }

    #[test]
    fn each_step_moves_a_request_along_its_state_machine_once() {
        use PrivacyRequestStatus::*;
        let admin = account(&[Role::Admin]);
        let extend = RequestStep::Extend {
            reason: "Many records".into(),
        };
        let complete = RequestStep::Complete {
            response: "Here is your data.".into(),
        };
        let cases = [
            (&extend, Received, Ok(Extended)),
            (&extend, Extended, Err(StepRefusal::AlreadyExtended)),
            (&extend, Completed, Err(StepRefusal::AlreadyCompleted)),
            (&complete, Received, Ok(Completed)),
            (&complete, Extended, Ok(Completed)),
            (&complete, Completed, Err(StepRefusal::AlreadyCompleted)),
        ];
        let gate = admin_gate(&admin);
        for (step, status, expected) in cases {
            let decided = step_privacy_request(
                &gate,
                StepState {
                    admin: Some(admin.clone()),
                    request: Some(request(status)),
                },
                step,
                NOW,
            );
            match expected {
                Ok(next) => {
                    let plan = decided.unwrap();
                    assert_eq!(plan.changed.status, next, "{step:?} on {status:?}");
                    assert_eq!(plan.seen_status, status);
                    assert_eq!(plan.admin, AccountWrite::gate_check(&gate));
                }
                Err(refusal) => assert_eq!(decided.err(), Some(refusal), "{step:?} on {status:?}"),
            }
        }
    }

    #[test]
    fn an_extension_is_due_two_months_after_receipt_and_its_owner_is_told() {
        let admin = account(&[Role::Admin]);
        let plan = step_privacy_request(
            &admin_gate(&admin),
            StepState {
                admin: Some(admin.clone()),
                request: Some(request(PrivacyRequestStatus::Received)),
            },
            &RequestStep::Extend {
                reason: "Many records".into(),
            },
            datetime!(2027-02-10 09:00 UTC),
        )
        .unwrap();
        // 31 January + 2 months: 31 March, not 28 March.
        assert_eq!(plan.changed.due_at, at("2027-03-31T10:00:00Z"));
        assert_eq!(plan.changed.extended_at, Some(at("2027-02-10T09:00:00Z")));
        assert_eq!(
            plan.changed.extension_reason.as_deref(),
            Some("Many records")
        );
        assert_eq!(
            plan.notification.title,
            "Your access request will be answered by 2027-03-31T10:00:00.000Z"
        );
        assert_eq!(
            plan.notification.body,
            "We need one more month: Many records"
        );
        assert_eq!(
            plan.notification.kind,
            NotificationKind::PrivacyRequestExtended
        );
        assert_eq!(plan.notification.account_id, plan.changed.account_id);
        assert_eq!(plan.email.subject, plan.notification.title);
        assert_eq!(plan.email.kind, EmailKind::Notification);
        assert_eq!(plan.audit.action, "privacy_request.extend");
        assert_eq!(plan.audit.reason, "Many records");
        assert_eq!(
            plan.audit.target_account_id,
            Some(plan.changed.account_id.clone())
        );
    }

    #[test]
    fn an_answer_completes_the_request_and_is_sent_to_its_owner() {
        let admin = account(&[Role::Admin]);
        let mut withdrawal = request(PrivacyRequestStatus::Extended);
        withdrawal.kind = PrivacyRequestKind::WithdrawConsent;
        let plan = step_privacy_request(
            &admin_gate(&admin),
            StepState {
                admin: Some(admin.clone()),
                request: Some(withdrawal),
            },
            &RequestStep::Complete {
                response: "Done: no more e-mails.".into(),
            },
            NOW,
        )
        .unwrap();
        assert_eq!(plan.changed.completed_at, Some(Timestamp::at(NOW)));
        assert_eq!(
            plan.changed.response.as_deref(),
            Some("Done: no more e-mails.")
        );
        assert_eq!(
            plan.notification.title,
            "Your consent withdrawal request has been answered"
        );
        assert_eq!(plan.notification.body, "Done: no more e-mails.");
        assert_eq!(plan.audit.reason, "answered");
        assert_eq!(plan.audit.action, "privacy_request.complete");
    }

    #[test]
    fn the_admin_passes_the_gate_before_the_request_is_looked_at() {
        let admin = account(&[Role::Admin]);
        let user = account(&[]);
        for (account, request, refusal) in [
            (
                None,
                Some(request(PrivacyRequestStatus::Received)),
                StepRefusal::Gate(Refusal::Unauthenticated),
            ),
            (
                Some(user),
                None,
                StepRefusal::Gate(Refusal::Forbidden { role: Role::Admin }),
            ),
            (Some(admin.clone()), None, StepRefusal::NotFound),
        ] {
            let decided = step_privacy_request(
                &admin_gate(&admin),
                StepState {
                    admin: account.map(|a| Account {
                        id: admin.id.clone(),
                        ..a
                    }),
                    request,
                },
                &RequestStep::Complete {
                    response: "x".into(),
                },
                NOW,
            );
            assert_eq!(decided.err(), Some(refusal));
        }
    }

    #[test]
    fn a_request_is_due_a_month_after_receipt_and_some_take_effect_at_once() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        let none = Consents::default();
        for kind in PrivacyRequestKind::ALL {
            let plan = file_privacy_request(&gate, Seen::Unread, kind, None, NOW).unwrap();
            assert_eq!(plan.request.status, PrivacyRequestStatus::Received);
            assert_eq!(plan.request.received_at, Timestamp::at(NOW));
            // 31 January + 1 month: 28 February.
            assert_eq!(plan.request.due_at, at("2027-02-28T10:00:00Z"), "{kind:?}");
            assert_eq!(
                plan.account.requires,
                [AccountCondition::Gate(gate.clone())]
            );
            let update = &plan.account.update;
            match kind {
                PrivacyRequestKind::WithdrawConsent => {
                    assert_eq!(update.consents, Some(none));
                    let change = plan.consent_change.unwrap();
                    assert_eq!(change.source, ConsentSource::PrivacyRequest);
                    assert!(!change.marketing_emails && !change.notification_emails);
                }
                PrivacyRequestKind::Objection => {
                    assert_eq!(update.objected_since, Some(Timestamp::at(NOW)));
                    assert_eq!(plan.consent_change, None);
                }
                PrivacyRequestKind::Restriction => {
                    assert_eq!(update.restricted_since, Some(Timestamp::at(NOW)));
                }
                _ => {
                    assert_eq!(*update, AccountUpdate::default(), "{kind:?}: a check only");
                    assert_eq!(plan.consent_change, None);
                }
            }
        }
    }

    #[test]
    fn only_the_current_terms_are_accepted_and_consents_are_kept_as_changed() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        assert_eq!(
            accept_terms(&gate, Seen::Unread, "2026-01-01", "2026-11-01", NOW).err(),
            Some(TermsRefusal::NotCurrent {
                current: "2026-11-01".into()
            })
        );
        let plan = accept_terms(
            &gate,
            Seen::Read(Some(ada.clone())),
            "2026-11-01",
            "2026-11-01",
            NOW,
        )
        .unwrap();
        assert_eq!(plan.acceptance.version, "2026-11-01");
        assert_eq!(
            plan.account.update.accepted_terms,
            Some(("2026-11-01".to_owned(), Timestamp::at(NOW)))
        );
        assert_eq!(
            accept_terms(&gate, Seen::Read(None), "2026-11-01", "2026-11-01", NOW).err(),
            Some(TermsRefusal::Gate(Refusal::Unauthenticated))
        );
        let consents = Consents {
            marketing_emails: true,
            notification_emails: false,
        };
        let plan = set_consents(&gate, Seen::Unread, consents, NOW).unwrap();
        assert_eq!(plan.account.update.consents, Some(consents));
        assert_eq!(plan.change.source, ConsentSource::Settings);
        assert!(plan.change.marketing_emails && !plan.change.notification_emails);
    }
}

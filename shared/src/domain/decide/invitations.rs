//! Inviting a friend by e-mail, a friend joining with the invitation, and an address
//! opting out of invitations.
//!
//! No answer depends on whether the address has an account: the decision is never told.
//! An address that opted out is answered as any other (the invitation is recorded and
//! counted), only no e-mail is queued, so the inviter cannot learn that it opted out.

use time::{Duration, OffsetDateTime, Time};

use crate::domain::invitation::{Invitation, InvitationOptOut, InvitationStatus, InvitedAddress};
use crate::domain::{
    Account, AccountCondition, AccountId, AccountUpdate, AccountWrite, Email, EmailKind,
    InvitationId, Notification, NotificationKind, OutboxEmail, Timestamp,
};
use crate::gate::{Gate, Refusal};
use crate::ids::new_id;

/// An invitation nobody joined with is forgotten this long after it was sent.
pub const INVITATION_LIFETIME: Duration = Duration::days(90);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteRefusal {
    Gate(Refusal),
    /// The account sent its daily number of invitations.
    TooMany {
        retry_after_seconds: u32,
    },
    /// The caller invited this address before (and the invitation has not expired).
    AlreadyInvited,
}

/// What the handler made for a new invitation: its id, the code the e-mail carries (and
/// its stored digest), and the keyed hash of the friend's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreshInvitation {
    pub id: InvitationId,
    pub code: String,
    pub code_digest: String,
    pub address_digest: String,
}

/// Where the e-mail's links lead, and how many invitations a day an account sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationSettings {
    pub per_day: u32,
    /// The web client's origin, without a trailing slash.
    pub web_origin: String,
}

/// One invitation written: the caller's daily count, the invitation, the claim that
/// makes the address invited once by this caller, and the e-mail (none to an address
/// that opted out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitePlan {
    pub account: AccountWrite,
    pub invitation: Invitation,
    pub claim: InvitedAddress,
    pub email: Option<OutboxEmail>,
}

/// The day invitations are counted in.
fn day_of(now: OffsetDateTime) -> String {
    now.date().to_string()
}

/// Rounded up: a client that waits this long is in the next day.
fn seconds_to_next_day(now: OffsetDateTime) -> u32 {
    let next = (now.date() + Duration::days(1))
        .with_time(Time::MIDNIGHT)
        .assume_utc();
    let left = next - now;
    let whole = left.whole_seconds() + i64::from(left.subsec_nanoseconds() > 0);
    u32::try_from(whole.max(1)).unwrap_or(u32::MAX)
}

/// The caller (as read; the gate judges it) invites `friend`, whose address opted out or
/// not: the day's count, on condition that it is still the one read.
pub fn invite(
    gate: &Gate,
    account: Option<&Account>,
    friend: &Email,
    opted_out: bool,
    fresh: FreshInvitation,
    settings: &InvitationSettings,
    now: OffsetDateTime,
) -> Result<InvitePlan, InviteRefusal> {
    gate.admit(account, now).map_err(InviteRefusal::Gate)?;
    let account = account.expect("admitted");
    let window = day_of(now);
    let sent = match &account.invitation_window {
        Some(w) if *w == window => account.invitations_in_window,
        _ => 0,
    };
    if sent >= settings.per_day {
        return Err(InviteRefusal::TooMany {
            retry_after_seconds: seconds_to_next_day(now),
        });
    }
    let at = Timestamp::at(now);
    let expires = now + INVITATION_LIFETIME;
    let invitation = Invitation {
        id: fresh.id.clone(),
        inviter_id: account.id.clone(),
        email: Some(friend.clone()),
        address_digest: fresh.address_digest,
        code_digest: fresh.code_digest,
        status: InvitationStatus::Sent,
        created_at: at,
        joined_account_id: None,
        joined_at: None,
        expires_at_epoch: Some(expires.unix_timestamp()),
    };
    let claim = InvitedAddress {
        invitation_id: fresh.id.clone(),
        created_at: at,
        expires_at_epoch: Some(expires.unix_timestamp()),
    };
    let email = (!opted_out).then(|| {
        let (subject, body) = invitation_text(
            account.display_name.as_ref(),
            &fresh.code,
            &settings.web_origin,
            expires,
        );
        OutboxEmail {
            to: Some(friend.clone()),
            // The code in its text is useless once the invitation expires.
            expires_at_epoch: Some(expires.unix_timestamp()),
            ..OutboxEmail::queued(
                &account.id,
                format!("invitation-{}", fresh.id),
                EmailKind::Invitation,
                subject,
                body,
                at,
            )
        }
    });
    Ok(InvitePlan {
        account: AccountWrite {
            account_id: account.id.clone(),
            update: AccountUpdate {
                invitation_window: Some((window, sent + 1)),
                ..Default::default()
            },
            requires: vec![
                AccountCondition::Gate(gate.clone()),
                AccountCondition::InvitationsInWindowAsRead(account.invitations_in_window),
            ],
        },
        invitation,
        claim,
        email,
    })
}

/// The invitation e-mail: who invites, the link that registers with the code, and the
/// link that stops every invitation to this address.
fn invitation_text(
    inviter: &str,
    code: &str,
    web_origin: &str,
    expires: OffsetDateTime,
) -> (String, String) {
    let subject = format!("{inviter} invites you to Natives.Chat");
    let body = format!(
        "{inviter} invites you to Natives.Chat, where people learn languages by talking \
         with native speakers.\n\n\
         Join: {web_origin}/join?invitation_code={code}\n\n\
         The invitation is valid until {}.\n\n\
         You received this e-mail because {inviter} typed your address. If you do not \
         want invitations from Natives.Chat, follow this link and none will reach this \
         address again: {web_origin}/invitations/opt-out?code={code}\n",
        expires.date()
    );
    (subject, body)
}

/// Whether `invitation` (as read by the code's ids) is one a registration may join
/// with: the code's secret matches, nobody joined with it yet, and it has not expired
/// (the table may keep an expired item a while before its TTL removes it).
pub fn joinable<'a>(
    invitation: Option<&'a Invitation>,
    code_digest: &str,
    now: OffsetDateTime,
) -> Option<&'a Invitation> {
    invitation.filter(|invitation| {
        invitation.code_digest == code_digest
            && invitation.status == InvitationStatus::Sent
            && invitation
                .expires_at_epoch
                .is_none_or(|at| at > now.unix_timestamp())
    })
}

/// What a registration with a joinable invitation writes beside the account: the
/// invitation joined (written on condition that it is still `sent` with this code), the
/// claim kept for good, and a notification to the inviter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinPlan {
    pub inviter_id: AccountId,
    pub invitation_id: InvitationId,
    pub address_digest: String,
    pub code_digest: String,
    pub joined_account_id: AccountId,
    pub joined_at: Timestamp,
    pub notification: Notification,
}

pub fn join(invitation: &Invitation, joiner: &AccountId, now: OffsetDateTime) -> JoinPlan {
    let at = Timestamp::at(now);
    JoinPlan {
        inviter_id: invitation.inviter_id.clone(),
        invitation_id: invitation.id.clone(),
        address_digest: invitation.address_digest.clone(),
        code_digest: invitation.code_digest.clone(),
        joined_account_id: joiner.clone(),
        joined_at: at,
        // No name in it: the friend's display name is read when the list is shown, so
        // the friend's erasure leaves nothing of them here.
        notification: Notification {
            id: new_id(),
            account_id: invitation.inviter_id.clone(),
            kind: NotificationKind::InvitationJoined,
            title: "A friend you invited joined".into(),
            body: "A friend you invited registered with your invitation; your invitations \
                   list shows who."
                .into(),
            reference: format!("invitation:{}", invitation.id),
            created_at: at,
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptOutRefusal {
    /// No invitation has this code (never sent, or expired and forgotten).
    UnknownCode,
}

/// The opt-out of the address an invitation went to: kept by its keyed hash alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOutPlan {
    pub address_digest: String,
    pub opt_out: InvitationOptOut,
}

/// Whoever holds an invitation's code opts its address out of invitations, for good;
/// joined or expired-but-not-yet-forgotten invitations too (the code proves the e-mail
/// reached them).
pub fn opt_out(
    invitation: Option<&Invitation>,
    code_digest: &str,
    now: OffsetDateTime,
) -> Result<OptOutPlan, OptOutRefusal> {
    let invitation = invitation
        .filter(|invitation| invitation.code_digest == code_digest)
        .ok_or(OptOutRefusal::UnknownCode)?;
    Ok(OptOutPlan {
        address_digest: invitation.address_digest.clone(),
        opt_out: InvitationOptOut {
            created_at: Timestamp::at(now),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccountStatus;
    use crate::domain::decide::tests::{account, gate_of};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    fn settings() -> InvitationSettings {
        InvitationSettings {
            per_day: 10,
            web_origin: "https://natives.example".into(),
        }
    }

    fn fresh() -> FreshInvitation {
        FreshInvitation {
            id: InvitationId::new(),
            code: "CODE.ID.SECRET".into(),
            code_digest: "c0de".into(),
            address_digest: "add7".into(),
        }
    }

    fn bob() -> Email {
        Email::parse("bob@example.com").unwrap()
    }

    #[test]
    fn invitations_are_counted_per_day_and_refused_over_the_limit() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        // (window read, count read) → the count written, or the refusal
        let cases = [
            (None, 0, Ok(1), "never counted"),
            (Some("2027-03-01"), 9, Ok(10), "the tenth today"),
            (Some("2027-02-28"), 10, Ok(1), "a new day starts again"),
            (
                Some("2027-03-01"),
                10,
                Err(InviteRefusal::TooMany {
                    retry_after_seconds: 13 * 3600 + 44 * 60 + 30,
                }),
                "the eleventh today",
            ),
        ];
        assert_eq!(
            seconds_to_next_day(datetime!(2027-03-01 23:59:58.25 UTC)),
            2,
            "rounded up"
        );
        for (window, sent, expected, why) in cases {
            let mut seen = ada.clone();
            seen.invitation_window = window.map(str::to_owned);
            seen.invitations_in_window = sent;
            let decided = invite(&gate, Some(&seen), &bob(), false, fresh(), &settings(), NOW);
            match (decided, expected) {
                (Ok(plan), Ok(count)) => {
                    assert_eq!(
                        plan.account.update.invitation_window,
                        Some(("2027-03-01".to_owned(), count)),
                        "{why}"
                    );
                    assert!(
                        plan.account
                            .requires
                            .contains(&AccountCondition::InvitationsInWindowAsRead(sent)),
                        "{why}"
                    );
                    assert!(
                        plan.account
                            .requires
                            .contains(&AccountCondition::Gate(gate.clone())),
                        "{why}"
                    );
                }
                (decided, expected) => assert_eq!(decided.map(drop), expected.map(drop), "{why}"),
            }
        }
        let mut blocked = ada.clone();
        blocked.status = AccountStatus::Blocked;
        assert_eq!(
            invite(
                &gate,
                Some(&blocked),
                &bob(),
                false,
                fresh(),
                &settings(),
                NOW
            )
            .map(drop),
            Err(InviteRefusal::Gate(Refusal::Unauthenticated))
        );
    }

    #[test]
    fn the_e_mail_carries_both_links_and_an_opted_out_address_gets_none() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        let fresh = fresh();
        let plan = invite(
            &gate,
            Some(&ada),
            &bob(),
            false,
            fresh.clone(),
            &settings(),
            NOW,
        )
        .unwrap();
        let email = plan.email.expect("an e-mail");
        assert_eq!(email.to, Some(bob()));
        assert_eq!(email.account_id, ada.id, "the inviter's");
        assert_eq!(email.kind, EmailKind::Invitation);
        assert_eq!(email.id, format!("invitation-{}", fresh.id), "queued once");
        assert!(email.subject.contains("Ada invites you"));
        assert!(
            email
                .body
                .contains("https://natives.example/join?invitation_code=CODE.ID.SECRET")
        );
        assert!(
            email
                .body
                .contains("https://natives.example/invitations/opt-out?code=CODE.ID.SECRET")
        );
        let ninety_days = (NOW + Duration::days(90)).unix_timestamp();
        assert_eq!(email.expires_at_epoch, Some(ninety_days));
        assert_eq!(plan.invitation.expires_at_epoch, Some(ninety_days));
        assert_eq!(plan.claim.expires_at_epoch, Some(ninety_days));
        assert_eq!(plan.invitation.status, InvitationStatus::Sent);
        assert_eq!(plan.invitation.email, Some(bob()));
        assert_eq!(plan.invitation.address_digest, "add7");
        assert_eq!(plan.invitation.code_digest, "c0de");

        let opted_out = invite(&gate, Some(&ada), &bob(), true, fresh, &settings(), NOW).unwrap();
        assert_eq!(opted_out.email, None, "nothing is sent");
        assert_eq!(
            (
                opted_out.invitation.status,
                opted_out.account.update.invitation_window
            ),
            (InvitationStatus::Sent, Some(("2027-03-01".to_owned(), 1))),
            "recorded and counted as any other"
        );
    }

    fn sent(code_digest: &str, expires: OffsetDateTime) -> Invitation {
        let ada = account(&[]);
        invite(
            &gate_of(&ada),
            Some(&ada),
            &bob(),
            false,
            FreshInvitation {
                code_digest: code_digest.into(),
                ..fresh()
            },
            &settings(),
            expires - INVITATION_LIFETIME,
        )
        .unwrap()
        .invitation
    }

    #[test]
    fn a_registration_joins_a_sent_unexpired_invitation_with_its_code() {
        let live = sent("c0de", NOW + Duration::days(1));
        let mut joined = live.clone();
        joined.status = InvitationStatus::Joined;
        let expired = sent("c0de", NOW - Duration::seconds(1));
        let cases = [
            (Some(&live), "c0de", true, "sent, unexpired, its code"),
            (Some(&live), "0the", false, "another code"),
            (Some(&joined), "c0de", false, "joined already"),
            (Some(&expired), "c0de", false, "expired, not yet forgotten"),
            (None, "c0de", false, "no such invitation"),
        ];
        for (invitation, digest, expected, why) in cases {
            assert_eq!(
                joinable(invitation, digest, NOW).is_some(),
                expected,
                "{why}"
            );
        }
        let bob = AccountId::new();
        let plan = join(&live, &bob, NOW);
        assert_eq!(plan.joined_account_id, bob);
        assert_eq!(plan.inviter_id, live.inviter_id);
        assert_eq!(
            plan.notification.account_id, live.inviter_id,
            "the inviter is told"
        );
        assert_eq!(plan.notification.kind, NotificationKind::InvitationJoined);
        assert!(
            !plan.notification.body.contains("bob"),
            "no name, no address"
        );
        assert_eq!(plan.code_digest, "c0de");
    }

    #[test]
    fn an_opt_out_keeps_the_address_hash_for_whoever_holds_the_code() {
        let live = sent("c0de", NOW + Duration::days(1));
        let expired = sent("c0de", NOW - Duration::days(1));
        let plan = opt_out(Some(&live), "c0de", NOW).unwrap();
        assert_eq!(plan.address_digest, "add7");
        assert_eq!(plan.opt_out.created_at, Timestamp::at(NOW));
        assert!(
            opt_out(Some(&expired), "c0de", NOW).is_ok(),
            "still honoured"
        );
        assert_eq!(
            opt_out(Some(&live), "0the", NOW),
            Err(OptOutRefusal::UnknownCode)
        );
        assert_eq!(opt_out(None, "c0de", NOW), Err(OptOutRefusal::UnknownCode));
    }
}

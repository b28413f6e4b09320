//! Breach notices and the e-mail outbox as decisions: recording a notice, whom it
//! tells and what, which e-mails may be queued and sent, and when a sender's claim on an
//! e-mail is taken to be abandoned.

use time::{Duration, OffsetDateTime};

use super::Seen;
use crate::domain::{
    Account, AccountCondition, AccountId, AccountStatus, AccountUpdate, AccountWrite, AuditEntry,
    AuditEntryId, BreachNotice, Email, EmailKind, EmailStatus, Notification, NotificationKind,
    OutboxEmail, Purpose, Timestamp,
};
use crate::gate::{Gate, Refusal};
use crate::ids::new_id;

/// What an admin records of a breach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBreachNotice {
    pub title: String,
    pub description: String,
    /// The accounts affected; `None`: every account.
    pub account_ids: Option<Vec<AccountId>>,
}

/// A recorded notice, its audit entry, and the gate's check on the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePlan {
    pub notice: BreachNotice,
    pub audit: AuditEntry,
    pub admin: AccountWrite,
}

/// An admin records a breach notice (the stream then tells each account it affects).
pub fn record_breach_notice(
    gate: &Gate,
    seen: Seen<Account>,
    new: &NewBreachNotice,
    now: OffsetDateTime,
) -> Result<NoticePlan, Refusal> {
    if let Seen::Read(admin) = &seen {
        gate.admit(admin.as_ref(), now)?;
    }
    let at = Timestamp::at(now);
    let notice = BreachNotice {
        id: new_id(),
        title: new.title.clone(),
        description: new.description.clone(),
        account_ids: new.account_ids.clone(),
        recorded_by: gate.account_id.clone(),
        created_at: at,
    };
    let audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: gate.account_id.clone().into(),
        action: "breach_notice.record".into(),
        target: format!("breach_notice:{}", notice.id),
        target_account_id: None,
        reason: notice.title.clone(),
        created_at: at,
    };
    Ok(NoticePlan {
        notice,
        audit,
        admin: AccountWrite::gate_check(gate),
    })
}

/// The accounts a notice to every account tells, of all accounts and their status: all
/// but the closed (erased) ones.
pub fn everyone_told(accounts: Vec<(AccountId, AccountStatus)>) -> Vec<AccountId> {
    accounts
        .into_iter()
        .filter(|(_, status)| *status != AccountStatus::Closed)
        .map(|(id, _)| id)
        .collect()
}

/// What telling one account of a breach writes: a notification and an e-mail (their
/// ids follow from the notice and the account, so a notice delivered again tells
/// nobody twice), on condition that the account exists and is not closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TellPlan {
    pub account: AccountWrite,
    pub notification: Notification,
    pub email: OutboxEmail,
}

pub fn tell_of_breach(
    notice: &BreachNotice,
    account_id: &AccountId,
    now: OffsetDateTime,
) -> TellPlan {
    let at = Timestamp::at(now);
    TellPlan {
        account: AccountWrite {
            account_id: account_id.clone(),
            update: AccountUpdate::default(),
            requires: vec![AccountCondition::NotClosed],
        },
        notification: Notification {
            id: notice.id.clone(),
            account_id: account_id.clone(),
            kind: NotificationKind::BreachNotice,
            title: notice.title.clone(),
            body: notice.description.clone(),
            reference: format!("breach_notice:{}", notice.id),
            created_at: at,
        },
        email: OutboxEmail::queued(
            account_id,
            format!("breach-{}-{account_id}", notice.id),
            EmailKind::BreachNotice,
            notice.title.clone(),
            notice.description.clone(),
            at,
        ),
    }
}

/// Why an e-mail was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueRefusal {
    /// The account may not be written to for this kind of e-mail (no consent, restricted,
    /// objected to, closed): nothing was written.
    NotAllowed,
}

/// An e-mail of `kind` to `account` (as read), if the account may be written to for
/// that kind now (the sender checks again when it sends).
pub fn queue_email(
    account: &Account,
    kind: EmailKind,
    subject: &str,
    body: &str,
    now: OffsetDateTime,
) -> Result<OutboxEmail, QueueRefusal> {
    if !account.may_process_for(kind.purpose()) || !address_proved_for(account, kind) {
        return Err(QueueRefusal::NotAllowed);
    }
    Ok(OutboxEmail::queued(
        &account.id,
        new_id(),
        kind,
        subject.to_owned(),
        body.to_owned(),
        Timestamp::at(now),
    ))
}

/// A sender's claim on an e-mail older than this is taken to be abandoned (the sender
/// died between claiming and recording the result), and the e-mail may be claimed again.
pub const CLAIM_TIMEOUT: Duration = Duration::minutes(5);

/// How one e-mail's sending ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent { provider_message_id: String },
    Skipped { reason: String },
}

/// A step of an e-mail's status: from the statuses it may be in (`Sending` only with a
/// claim made before the moment given, when one is), to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailStep {
    pub from: Vec<(EmailStatus, Option<Timestamp>)>,
    pub to: EmailStatus,
    pub at: Timestamp,
    /// What a finished sending records.
    pub delivery: Option<Delivery>,
}

/// A sender claims an e-mail before sending it: a queued one, or one whose claim was
/// abandoned ([`CLAIM_TIMEOUT`]). The claim is what makes a redelivered e-mail go out
/// once.
pub fn claim(now: OffsetDateTime) -> EmailStep {
    EmailStep {
        from: vec![
            (EmailStatus::Queued, None),
            (
                EmailStatus::Sending,
                Some(Timestamp::at(now - CLAIM_TIMEOUT)),
            ),
        ],
        to: EmailStatus::Sending,
        at: Timestamp::at(now),
        delivery: None,
    }
}

/// A claimed e-mail's sending ended: sent, or skipped (and why).
pub fn finish(delivery: Delivery, now: OffsetDateTime) -> EmailStep {
    EmailStep {
        from: vec![(EmailStatus::Sending, None)],
        to: match delivery {
            Delivery::Sent { .. } => EmailStatus::Sent,
            Delivery::Skipped { .. } => EmailStatus::Skipped,
        },
        at: Timestamp::at(now),
        delivery: Some(delivery),
    }
}

/// A claimed e-mail goes back to the queue (sending failed; the stream delivers it
/// again).
pub fn release(now: OffsetDateTime) -> EmailStep {
    EmailStep {
        from: vec![(EmailStatus::Sending, None)],
        to: EmailStatus::Queued,
        at: Timestamp::at(now),
        delivery: None,
    }
}

/// Whether a claimed e-mail goes out, and to which address; else why not.
pub fn delivery(account: Option<&Account>, email: &OutboxEmail) -> Result<Email, String> {
    let Some(account) = account else {
        return Err("no such account".into());
    };
    if account.status == AccountStatus::Closed {
        return Err("account closed".into());
    }
    if !account.may_process_for(email.kind.purpose()) {
        return Err(match email.kind.purpose() {
            Purpose::Marketing => "no marketing consent, or restricted or objected to",
            Purpose::Invitations => "processing restricted",
            _ => "no consent to notification e-mails",
        }
        .into());
    }
    if !address_proved_for(account, email.kind) {
        return Err("e-mail address not verified".into());
    }
    Ok(recipient(account, email))
}

/// Notifications and marketing go only to an address its owner proved is theirs;
/// what keeps the account in its owner's hands (codes, notices of changes) and what the
/// law requires (breach notices) go to the address on file either way.
fn address_proved_for(account: &Account, kind: EmailKind) -> bool {
    match kind {
        EmailKind::Notification | EmailKind::Marketing => account.email_verified_at.is_some(),
        EmailKind::BreachNotice | EmailKind::Security => true,
        // To the friend's address, not the account's.
        EmailKind::Invitation => true,
    }
}

/// The address an e-mail is for: its own (an address being proved), else the account's.
pub fn recipient(account: &Account, email: &OutboxEmail) -> Email {
    email.to.clone().unwrap_or_else(|| account.email.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::{account, gate_of};
    use crate::domain::{Consents, Role};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    #[test]
    fn a_notice_tells_every_open_account_once_each() {
        let (ada, bob, gone) = (AccountId::new(), AccountId::new(), AccountId::new());
        let told = everyone_told(vec![
            (ada.clone(), AccountStatus::Active),
            (bob.clone(), AccountStatus::Blocked),
            (gone, AccountStatus::Closed),
        ]);
        assert_eq!(told, [ada.clone(), bob]);
        let admin = account(&[Role::Admin]);
        let new = NewBreachNotice {
            title: "Breach".into(),
            description: "What happened.".into(),
            account_ids: None,
        };
        let plan = record_breach_notice(&gate_of(&admin), Seen::Unread, &new, NOW).unwrap();
        assert_eq!(plan.audit.action, "breach_notice.record");
        assert_eq!(plan.audit.reason, "Breach");
        let tell = tell_of_breach(&plan.notice, &ada, NOW);
        let again = tell_of_breach(&plan.notice, &ada, NOW + Duration::hours(1));
        assert_eq!(
            tell.notification.id, again.notification.id,
            "one per notice"
        );
        assert_eq!(tell.email.id, again.email.id, "one per notice and account");
        assert_eq!(tell.account.requires, [AccountCondition::NotClosed]);
        assert_eq!(tell.email.kind, EmailKind::BreachNotice);
        assert_eq!(tell.notification.body, "What happened.");
    }

    #[test]
    fn e_mails_go_out_only_with_the_consent_their_kind_needs() {
        let mut ada = account(&[]);
        ada.consents = Consents {
            marketing_emails: false,
            notification_emails: true,
        };
        let unverified = ada.clone();
        ada.email_verified_at = Some(Timestamp::at(NOW));
        assert_eq!(
            queue_email(&unverified, EmailKind::Notification, "Hello", "Text", NOW),
            Err(QueueRefusal::NotAllowed),
            "notifications wait for a verified address"
        );
        assert!(queue_email(&unverified, EmailKind::BreachNotice, "B", "T", NOW).is_ok());
        assert!(queue_email(&unverified, EmailKind::Security, "Code", "T", NOW).is_ok());
        let email = |kind| queue_email(&ada, kind, "Hello", "Text", NOW);
        assert!(email(EmailKind::Notification).is_ok());
        assert!(
            email(EmailKind::BreachNotice).is_ok(),
            "the law requires it"
        );
        assert_eq!(email(EmailKind::Marketing), Err(QueueRefusal::NotAllowed));
        let notification = email(EmailKind::Notification).unwrap();
        assert_eq!(delivery(Some(&ada), &notification), Ok(ada.email.clone()));
        assert_eq!(delivery(None, &notification), Err("no such account".into()));
        let mut closed = ada.clone();
        closed.status = AccountStatus::Closed;
        assert_eq!(
            delivery(Some(&closed), &notification),
            Err("account closed".into())
        );
        let mut withdrawn = ada.clone();
        withdrawn.consents.notification_emails = false;
        assert_eq!(
            delivery(Some(&withdrawn), &notification),
            Err("no consent to notification e-mails".into())
        );
        let mut objected = ada.clone();
        objected.consents.marketing_emails = true;
        let marketing = queue_email(&objected, EmailKind::Marketing, "Offer", "Text", NOW).unwrap();
        objected.objected_at = Some(Timestamp::at(NOW));
        assert_eq!(
            delivery(Some(&objected), &marketing),
            Err("no marketing consent, or restricted or objected to".into())
        );
    }

    #[test]
    fn an_e_mail_is_claimed_once_unless_the_claim_was_abandoned_five_minutes_ago() {
        let step = claim(NOW);
        assert_eq!(
            step.from,
            [
                (EmailStatus::Queued, None),
                (
                    EmailStatus::Sending,
                    Some(Timestamp::parse("2027-03-01T10:10:30Z").unwrap())
                ),
            ]
        );
        assert_eq!(step.to, EmailStatus::Sending);
        let sent = finish(
            Delivery::Sent {
                provider_message_id: "m-1".into(),
            },
            NOW,
        );
        assert_eq!(
            (sent.from.as_slice(), sent.to),
            (&[(EmailStatus::Sending, None)][..], EmailStatus::Sent)
        );
        let skipped = finish(
            Delivery::Skipped {
                reason: "account closed".into(),
            },
            NOW,
        );
        assert_eq!(skipped.to, EmailStatus::Skipped);
        assert_eq!(release(NOW).to, EmailStatus::Queued);
    }
}

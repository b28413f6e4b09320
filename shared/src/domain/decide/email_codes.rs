//! Codes sent by e-mail as decisions: when one is sent (and the e-mail that carries it),
//! how many a day, how long one lives, what a wrong one costs, and what confirming one
//! does: a password reset, a verified address, a move to a new address. Also the
//! password change, which ends every other session.

use time::{Duration, OffsetDateTime, Time};

use crate::domain::{
    Account, AccountCondition, AccountId, AccountStatus, AccountUpdate, AccountWrite, CodePurpose,
    Email, EmailCode, EmailKind, OutboxEmail, SessionFamily, SessionId, Standing, Timestamp,
};
use crate::gate::{Gate, Refusal};
use crate::ids::new_id;

/// How long a code of a purpose lives, how many may be sent a day, and how many wrong
/// tries end it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRules {
    pub validity: Duration,
    pub per_day: u32,
    pub wrong_tries: u32,
}

pub fn rules(purpose: CodePurpose) -> CodeRules {
    match purpose {
        CodePurpose::PasswordReset => CodeRules {
            validity: Duration::hours(1),
            per_day: 3,
            wrong_tries: 5,
        },
        CodePurpose::EmailVerification => CodeRules {
            validity: Duration::hours(24),
            per_day: 5,
            wrong_tries: 5,
        },
        CodePurpose::EmailChange => CodeRules {
            validity: Duration::hours(1),
            per_day: 3,
            wrong_tries: 5,
        },
    }
}

/// A fresh code: the six digits the e-mail carries, and their keyed hash (stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreshCode<'a> {
    pub digits: &'a str,
    pub digest: String,
}

/// The code item as a write puts it: on condition that it is still at the version read
/// (`None`: there was none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeWrite {
    pub code: EmailCode,
    pub seen_version: Option<u64>,
}

/// Sending a code: the code item, the e-mail that carries it, and the account's check.
/// A request that sends nothing (an unknown address, an account that may not, the day's
/// limit reached) is the same plan aimed at an account no one has, whose check refuses
/// it: the same requests, and nothing written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPlan {
    pub code: CodeWrite,
    pub email: OutboxEmail,
    pub account: AccountWrite,
}

/// Why a code was not sent to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendRefusal {
    Gate(Refusal),
    /// The day's codes of this purpose were sent: try when the day (UTC) ends.
    TooMany {
        retry_after_seconds: u32,
    },
    /// The address is verified already (nothing to send).
    AlreadyVerified,
}

impl From<Refusal> for SendRefusal {
    fn from(refusal: Refusal) -> Self {
        Self::Gate(refusal)
    }
}

/// Why a presented code did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRefusal {
    Gate(Refusal),
    /// Wrong, used, expired, ended by wrong tries, or there is none: one answer for all.
    InvalidCode,
    /// The new address was claimed by another account first.
    EmailTaken,
}

impl From<Refusal> for CodeRefusal {
    fn from(refusal: Refusal) -> Self {
        Self::Gate(refusal)
    }
}

/// A presented code that did not match: what that costs (one more wrong try, and the
/// code ended at the last one), if there is a live code to count it against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrong {
    pub write: Option<Box<CodeWrite>>,
}

/// The code item after a new code is sent: the day's count, the hash, the expiry.
fn sent(
    account_id: &AccountId,
    purpose: CodePurpose,
    seen: Option<&EmailCode>,
    fresh: &FreshCode<'_>,
    new_email: Option<Email>,
    now: OffsetDateTime,
) -> Result<CodeWrite, SendRefusal> {
    let rules = rules(purpose);
    let today = day(now);
    let sent_today = seen
        .filter(|code| code.sent_on == today)
        .map_or(0, |code| code.sent_that_day);
    let day_ends = now.replace_time(Time::MIDNIGHT) + Duration::days(1);
    if sent_today >= rules.per_day {
        let wait = (day_ends - now).whole_seconds().max(1);
        return Err(SendRefusal::TooMany {
            retry_after_seconds: u32::try_from(wait).unwrap_or(u32::MAX),
        });
    }
    let expires_at = now + rules.validity;
    Ok(CodeWrite {
        code: EmailCode {
            account_id: account_id.clone(),
            purpose,
            code_hash: Some(fresh.digest.clone()),
            new_email,
            wrong_tries: 0,
            expires_at: Timestamp::at(expires_at),
            sent_on: today,
            sent_that_day: sent_today + 1,
            version: seen.map_or(0, |code| code.version + 1),
            expires_at_epoch: expires_at.max(day_ends).unix_timestamp(),
        },
        seen_version: seen.map(|code| code.version),
    })
}

fn day(now: OffsetDateTime) -> String {
    let date = now.date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The e-mail that carries a code: the code on a line of its own.
fn code_email(
    account_id: &AccountId,
    purpose: CodePurpose,
    digits: &str,
    to: Option<Email>,
    now: OffsetDateTime,
) -> OutboxEmail {
    let (subject, before, after) = match purpose {
        CodePurpose::PasswordReset => (
            "Your Natives.Chat password reset code",
            "Someone, hopefully you, asked to reset the password of your Natives.Chat account. Your code, valid for 1 hour:",
            "If it was not you, ignore this e-mail: your password stays as it is.",
        ),
        CodePurpose::EmailVerification => (
            "Verify your e-mail address for Natives.Chat",
            "Your code to verify this address for your Natives.Chat account, valid for 24 hours:",
            "If you did not register at Natives.Chat, ignore this e-mail.",
        ),
        CodePurpose::EmailChange => (
            "Confirm your new e-mail address for Natives.Chat",
            "Your code to move your Natives.Chat account to this address, valid for 1 hour:",
            "If you did not ask for this, ignore this e-mail: nothing changes.",
        ),
    };
    let mut email = OutboxEmail::queued(
        account_id,
        new_id(),
        EmailKind::Security,
        subject.into(),
        format!("{before}\n\n{digits}\n\n{after}\n"),
        Timestamp::at(now),
    );
    email.to = to;
    email.expires_at_epoch = Some((now + rules(purpose).validity).unix_timestamp());
    email
}

/// A notice to the account's address (or `to`) of a change made to the account.
fn notice(
    account_id: &AccountId,
    subject: &str,
    body: &str,
    to: Option<Email>,
    now: OffsetDateTime,
) -> OutboxEmail {
    let mut email = OutboxEmail::queued(
        account_id,
        new_id(),
        EmailKind::Security,
        subject.into(),
        format!(
            "{body}\n\nIf it was not you, reset your password at once and tell us at support@natives.chat.\n"
        ),
        Timestamp::at(now),
    );
    email.to = to;
    email
}

/// A password reset asked for `account` (as read by the address given; `None`:
/// unknown), whose reset code was `seen`. An active account under the day's limit gets a
/// code; anything else is the same plan aimed at `nobody`.
pub fn request_password_reset(
    account: Option<&Account>,
    seen: Option<&EmailCode>,
    nobody: &AccountId,
    fresh: &FreshCode<'_>,
    now: OffsetDateTime,
) -> SendPlan {
    let purpose = CodePurpose::PasswordReset;
    let real = account
        .filter(|account| account.standing(now) == Standing::Active)
        .and_then(|account| {
            sent(&account.id, purpose, seen, fresh, None, now)
                .ok()
                .map(|code| (account.id.clone(), code))
        });
    let (account_id, code) = match real {
        Some(real) => real,
        None => (
            nobody.clone(),
            sent(nobody, purpose, None, fresh, None, now).expect("nobody has sent none"),
        ),
    };
    SendPlan {
        email: code_email(&account_id, purpose, fresh.digits, None, now),
        account: AccountWrite {
            account_id,
            update: AccountUpdate::default(),
            requires: vec![AccountCondition::StatusAsRead(AccountStatus::Active)],
        },
        code,
    }
}

/// Checks `presented` (its keyed hash) against the code `seen`: the code used up when it
/// matches a live one; else one more wrong try counted against a live one.
fn use_code(
    seen: Option<&EmailCode>,
    presented: &str,
    now: OffsetDateTime,
) -> Result<CodeWrite, Wrong> {
    let Some(code) = seen else {
        return Err(Wrong { write: None });
    };
    let Some(hash) = &code.code_hash else {
        return Err(Wrong { write: None });
    };
    if code.expires_at <= now {
        return Err(Wrong { write: None });
    }
    let next = |code_hash: Option<String>, wrong_tries: u32| CodeWrite {
        code: EmailCode {
            code_hash,
            wrong_tries,
            version: code.version + 1,
            ..code.clone()
        },
        seen_version: Some(code.version),
    };
    if constant_time_eq(hash.as_bytes(), presented.as_bytes()) {
        return Ok(next(None, code.wrong_tries));
    }
    let tries = code.wrong_tries + 1;
    let ended = tries >= rules(code.purpose).wrong_tries;
    Err(Wrong {
        write: Some(Box::new(next((!ended).then(|| hash.clone()), tries))),
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// A confirmed password reset: the code used up, the new password, every session
/// ended (its access tokens at once), the failed-login count cleared, and a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetPlan {
    pub code: CodeWrite,
    pub account: AccountWrite,
    pub notice: OutboxEmail,
}

/// A reset confirmed with `presented` (the keyed hash of the code given) for `account`
/// (as read by the address given), whose reset code was `seen`; `password_hash` is the
/// new password's. A blocked or closed account cannot reset (as a wrong code).
pub fn reset_password(
    account: Option<&Account>,
    seen: Option<&EmailCode>,
    presented: &str,
    password_hash: &str,
    now: OffsetDateTime,
) -> Result<ResetPlan, Wrong> {
    let Some(account) = account.filter(|a| a.standing(now) == Standing::Active) else {
        return Err(Wrong { write: None });
    };
    let code = use_code(seen, presented, now)?;
    Ok(ResetPlan {
        code,
        account: AccountWrite {
            account_id: account.id.clone(),
            update: AccountUpdate {
                password_hash: Some(password_hash.to_owned()),
                end_every_session: true,
                reset_failed_logins: true,
                updated_at: Some(Timestamp::at(now)),
                ..Default::default()
            },
            requires: vec![AccountCondition::StatusAsRead(AccountStatus::Active)],
        },
        notice: notice(
            &account.id,
            "Your Natives.Chat password was reset",
            "The password of your Natives.Chat account was reset with a code sent to this address, and every session was logged out.",
            None,
            now,
        ),
    })
}

/// The most sessions a password change ends one by one; past it, every session ends
/// (the caller's too, who logs in again with the new password).
pub const MAX_SESSIONS_ENDED_ONE_BY_ONE: usize = 90;

/// A password change: the new password, the caller's other live sessions ended (their
/// refresh tokens refused and their access tokens at once), and a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordChangePlan {
    pub account: AccountWrite,
    /// The sessions ended, and when.
    pub ended: Vec<SessionId>,
    pub ended_at: Timestamp,
    pub notice: OutboxEmail,
}

/// The caller proved the current password of `account` (as read) and chose a new one
/// (`password_hash`); `sessions` are the account's session families. The caller's own
/// session stays.
pub fn change_password(
    gate: &Gate,
    account: &Account,
    sessions: &[SessionFamily],
    password_hash: &str,
    now: OffsetDateTime,
) -> Result<PasswordChangePlan, Refusal> {
    gate.admit(Some(account), now)?;
    let live: Vec<SessionId> = sessions
        .iter()
        .filter(|s| s.family_id != gate.session_id)
        .filter(|s| s.revoked_at.is_none() && s.expires_at_epoch > now.unix_timestamp())
        .filter(|s| s.token_generation == account.token_generation)
        .map(|s| s.family_id.clone())
        .collect();
    let one_by_one = live.len() <= MAX_SESSIONS_ENDED_ONE_BY_ONE;
    let at = now.unix_timestamp();
    let update = AccountUpdate {
        password_hash: Some(password_hash.to_owned()),
        end_sessions: if one_by_one {
            live.iter().map(|s| (s.clone(), at)).collect()
        } else {
            Vec::new()
        },
        end_every_session: !one_by_one,
        forget_ended_sessions: account.forgettable_ended_sessions(now),
        reset_failed_logins: true,
        updated_at: Some(Timestamp::at(now)),
        ..Default::default()
    };
    Ok(PasswordChangePlan {
        account: AccountWrite {
            account_id: account.id.clone(),
            update,
            requires: vec![
                AccountCondition::Gate(gate.clone()),
                AccountCondition::PasswordHashAsRead(account.password_hash.clone()),
            ],
        },
        ended: if one_by_one { live } else { Vec::new() },
        ended_at: Timestamp::at(now),
        notice: notice(
            &account.id,
            "Your Natives.Chat password was changed",
            "The password of your Natives.Chat account was changed, and every other session was logged out.",
            None,
            now,
        ),
    })
}

/// A verification code for the caller's address (`account` as read, `seen` its code).
pub fn request_verification(
    gate: &Gate,
    account: Option<&Account>,
    seen: Option<&EmailCode>,
    fresh: &FreshCode<'_>,
    now: OffsetDateTime,
) -> Result<SendPlan, SendRefusal> {
    gate.admit(account, now)?;
    let account = account.expect("admitted");
    if account.email_verified_at.is_some() {
        return Err(SendRefusal::AlreadyVerified);
    }
    verification_for(account, seen, fresh, now)
}

/// The verification code registration sends at once (and a later request sends again).
pub fn verification_for(
    account: &Account,
    seen: Option<&EmailCode>,
    fresh: &FreshCode<'_>,
    now: OffsetDateTime,
) -> Result<SendPlan, SendRefusal> {
    let purpose = CodePurpose::EmailVerification;
    let code = sent(&account.id, purpose, seen, fresh, None, now)?;
    Ok(SendPlan {
        email: code_email(&account.id, purpose, fresh.digits, None, now),
        account: AccountWrite {
            account_id: account.id.clone(),
            update: AccountUpdate::default(),
            requires: vec![AccountCondition::EmailAsRead(account.email.clone())],
        },
        code,
    })
}

/// A confirmed code and what it changes on the account (and, for an address change,
/// the address it moves from, told by e-mail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmPlan {
    pub code: CodeWrite,
    pub account: AccountWrite,
    /// An address change: the address given up and the one taken.
    pub moved: Option<(Email, Email)>,
    pub notice: Option<OutboxEmail>,
}

/// The caller confirms the code of `purpose` (`presented`: its keyed hash) on `account`
/// (as read), whose code was `seen`.
pub fn confirm_code(
    gate: &Gate,
    account: Option<&Account>,
    seen: Option<&EmailCode>,
    presented: &str,
    now: OffsetDateTime,
) -> Result<ConfirmPlan, (CodeRefusal, Wrong)> {
    gate.admit(account, now)
        .map_err(|refusal| (refusal.into(), Wrong { write: None }))?;
    let account = account.expect("admitted");
    let code = use_code(seen, presented, now).map_err(|wrong| (CodeRefusal::InvalidCode, wrong))?;
    let at = Timestamp::at(now);
    let (update, moved, notice) = match (code.code.purpose, &code.code.new_email) {
        (CodePurpose::EmailChange, Some(new_email)) => (
            AccountUpdate {
                email: Some(new_email.clone()),
                email_verified_at: Some(at),
                updated_at: Some(at),
                ..Default::default()
            },
            Some((account.email.clone(), new_email.clone())),
            Some(notice(
                &account.id,
                "Your Natives.Chat e-mail address was changed",
                &format!(
                    "The e-mail address of your Natives.Chat account was changed from this one to {new_email}. Messages from us go there from now on."
                ),
                Some(account.email.clone()),
                now,
            )),
        ),
        _ => (
            AccountUpdate {
                email_verified_at: Some(at),
                updated_at: Some(at),
                ..Default::default()
            },
            None,
            None,
        ),
    };
    Ok(ConfirmPlan {
        code,
        account: AccountWrite {
            account_id: account.id.clone(),
            update,
            requires: vec![
                AccountCondition::Gate(gate.clone()),
                AccountCondition::EmailAsRead(account.email.clone()),
            ],
        },
        moved,
        notice,
    })
}

/// Why an address change was not started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeRefusal {
    Send(SendRefusal),
    /// It is the account's address already.
    SameAddress,
}

/// The caller, who proved the password, asks to move `account` (as read) to
/// `new_email`: the code goes to the new address.
pub fn request_email_change(
    gate: &Gate,
    account: &Account,
    seen: Option<&EmailCode>,
    new_email: &Email,
    fresh: &FreshCode<'_>,
    now: OffsetDateTime,
) -> Result<SendPlan, ChangeRefusal> {
    gate.admit(Some(account), now)
        .map_err(|refusal| ChangeRefusal::Send(refusal.into()))?;
    if *new_email == account.email {
        return Err(ChangeRefusal::SameAddress);
    }
    let purpose = CodePurpose::EmailChange;
    let code = sent(
        &account.id,
        purpose,
        seen,
        fresh,
        Some(new_email.clone()),
        now,
    )
    .map_err(ChangeRefusal::Send)?;
    Ok(SendPlan {
        email: code_email(
            &account.id,
            purpose,
            fresh.digits,
            Some(new_email.clone()),
            now,
        ),
        account: AccountWrite {
            account_id: account.id.clone(),
            update: AccountUpdate::default(),
            requires: vec![
                AccountCondition::Gate(gate.clone()),
                AccountCondition::PasswordHashAsRead(account.password_hash.clone()),
            ],
        },
        code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::{account, gate_of};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    fn fresh(digits: &str) -> FreshCode<'_> {
        FreshCode {
            digits,
            digest: format!("hash-of-{digits}"),
        }
    }

    #[test]
    fn a_reset_code_goes_to_an_active_account_three_times_a_day_and_nowhere_else() {
        let ada = account(&[]);
        let nobody = AccountId::new();
        let plan = request_password_reset(Some(&ada), None, &nobody, &fresh("123456"), NOW);
        assert_eq!(plan.account.account_id, ada.id);
        assert_eq!(plan.code.code.code_hash.as_deref(), Some("hash-of-123456"));
        assert_eq!(
            plan.code.code.expires_at,
            Timestamp::at(NOW + Duration::hours(1))
        );
        assert_eq!(plan.code.seen_version, None);
        assert!(
            plan.email.body.lines().any(|line| line == "123456"),
            "the code on a line of its own: {}",
            plan.email.body
        );
        assert_eq!(plan.email.kind, EmailKind::Security);
        let mut seen = plan.code.code.clone();
        for (sent_today, same_day, expected_target, why) in [
            (2, true, &ada.id, "the third today"),
            (3, true, &nobody, "a fourth today"),
            (3, false, &ada.id, "the first of a new day"),
        ] {
            seen.sent_that_day = sent_today;
            seen.sent_on = if same_day { "2027-03-01" } else { "2027-02-28" }.into();
            let plan = request_password_reset(Some(&ada), Some(&seen), &nobody, &fresh("1"), NOW);
            assert_eq!(&plan.account.account_id, expected_target, "{why}");
        }
        let mut blocked = ada.clone();
        blocked.status = AccountStatus::Blocked;
        let mut closed = ada.clone();
        closed.status = AccountStatus::Closed;
        for (account, why) in [
            (None, "unknown"),
            (Some(&blocked), "blocked"),
            (Some(&closed), "closed"),
        ] {
            let plan = request_password_reset(account, None, &nobody, &fresh("1"), NOW);
            assert_eq!(plan.account.account_id, nobody, "{why}");
            assert_eq!(plan.email.account_id, nobody, "{why}");
            assert_eq!(plan.code.code.account_id, nobody, "{why}");
        }
    }

    #[test]
    fn a_code_is_used_once_and_five_wrong_tries_end_it() {
        let ada = account(&[]);
        let sent =
            request_password_reset(Some(&ada), None, &AccountId::new(), &fresh("123456"), NOW)
                .code
                .code;
        let plan =
            reset_password(Some(&ada), Some(&sent), "hash-of-123456", "new-hash", NOW).unwrap();
        assert_eq!(plan.code.code.code_hash, None, "used up");
        assert_eq!(plan.code.seen_version, Some(sent.version));
        assert!(plan.account.update.end_every_session);
        assert_eq!(
            plan.account.update.password_hash.as_deref(),
            Some("new-hash")
        );
        assert_eq!(
            reset_password(
                Some(&ada),
                Some(&plan.code.code),
                "hash-of-123456",
                "h",
                NOW
            ),
            Err(Wrong { write: None }),
            "used"
        );
        assert_eq!(
            reset_password(
                Some(&ada),
                Some(&sent),
                "hash-of-123456",
                "h",
                NOW + Duration::hours(1)
            ),
            Err(Wrong { write: None }),
            "expired"
        );
        let mut code = sent.clone();
        for try_number in 1..=5 {
            let wrong =
                reset_password(Some(&ada), Some(&code), "hash-of-000000", "h", NOW).unwrap_err();
            let write = wrong.write.expect("counted");
            assert_eq!(write.code.wrong_tries, try_number);
            assert_eq!(
                write.code.code_hash.is_none(),
                try_number == 5,
                "try {try_number}"
            );
            code = write.code;
        }
        assert_eq!(
            reset_password(Some(&ada), Some(&code), "hash-of-123456", "h", NOW),
            Err(Wrong { write: None }),
            "ended by five wrong tries: even the right code does nothing"
        );
        let mut blocked = ada.clone();
        blocked.status = AccountStatus::Blocked;
        assert_eq!(
            reset_password(Some(&blocked), Some(&sent), "hash-of-123456", "h", NOW),
            Err(Wrong { write: None })
        );
    }

    #[test]
    fn a_password_change_ends_every_other_live_session_of_the_generation() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        let family =
            |id: &SessionId, generation: u64, revoked: bool, expires_in: i64| SessionFamily {
                account_id: ada.id.clone(),
                family_id: id.clone(),
                token_generation: generation,
                created_at: Timestamp::at(NOW),
                last_used_at: Timestamp::at(NOW),
                revoked_at: revoked.then(|| Timestamp::at(NOW)),
                expires_at_epoch: NOW.unix_timestamp() + expires_in,
                scope: Default::default(),
            };
        let other = SessionId::new();
        let sessions = [
            family(&gate.session_id, ada.token_generation, false, 60),
            family(&other, ada.token_generation, false, 60),
            family(&SessionId::new(), ada.token_generation, true, 60),
            family(&SessionId::new(), ada.token_generation, false, -1),
            family(&SessionId::new(), ada.token_generation - 1, false, 60),
        ];
        let plan = change_password(&gate, &ada, &sessions, "new", NOW).unwrap();
        assert_eq!(plan.ended, std::slice::from_ref(&other));
        assert_eq!(
            plan.account.update.end_sessions,
            [(other, NOW.unix_timestamp())]
        );
        assert!(!plan.account.update.end_every_session);
        assert!(
            plan.account
                .requires
                .contains(&AccountCondition::PasswordHashAsRead(
                    ada.password_hash.clone()
                ))
        );
        let many: Vec<SessionFamily> = (0..=MAX_SESSIONS_ENDED_ONE_BY_ONE)
            .map(|_| family(&SessionId::new(), ada.token_generation, false, 60))
            .collect();
        let plan = change_password(&gate, &ada, &many, "new", NOW).unwrap();
        assert!(
            plan.account.update.end_every_session,
            "too many to name: all end"
        );
        assert!(plan.ended.is_empty());
    }

    #[test]
    fn verification_and_address_change_codes() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        let plan = request_verification(&gate, Some(&ada), None, &fresh("222222"), NOW).unwrap();
        assert_eq!(
            plan.code.code.expires_at,
            Timestamp::at(NOW + Duration::hours(24))
        );
        let confirmed = confirm_code(
            &gate,
            Some(&ada),
            Some(&plan.code.code),
            "hash-of-222222",
            NOW,
        )
        .unwrap();
        assert_eq!(
            confirmed.account.update.email_verified_at,
            Some(Timestamp::at(NOW))
        );
        assert_eq!(confirmed.moved, None);
        let mut verified = ada.clone();
        verified.email_verified_at = Some(Timestamp::at(NOW));
        assert_eq!(
            request_verification(&gate, Some(&verified), None, &fresh("1"), NOW),
            Err(SendRefusal::AlreadyVerified)
        );

        let new = Email::parse("ada@new.example").unwrap();
        assert_eq!(
            request_email_change(&gate, &ada, None, &ada.email, &fresh("1"), NOW),
            Err(ChangeRefusal::SameAddress)
        );
        let plan = request_email_change(&gate, &ada, None, &new, &fresh("333333"), NOW).unwrap();
        assert_eq!(
            plan.email.to.as_ref(),
            Some(&new),
            "the code goes to the new address"
        );
        let confirmed = confirm_code(
            &gate,
            Some(&ada),
            Some(&plan.code.code),
            "hash-of-333333",
            NOW,
        )
        .unwrap();
        assert_eq!(confirmed.moved, Some((ada.email.clone(), new.clone())));
        assert_eq!(confirmed.account.update.email.as_ref(), Some(&new));
        assert_eq!(
            confirmed.notice.unwrap().to.as_ref(),
            Some(&ada.email),
            "the old address is told"
        );
        let wrong = confirm_code(
            &gate,
            Some(&ada),
            Some(&plan.code.code),
            "hash-of-000000",
            NOW,
        )
        .unwrap_err();
        assert_eq!(wrong.0, CodeRefusal::InvalidCode);
        assert_eq!(wrong.1.write.unwrap().code.wrong_tries, 1);
    }
}

//! Logins as decisions: who may log in, what a failed guess counts, what a login and a
//! refresh write, when a refresh token opens nothing any more, and what ending a
//! session leaves behind.

use time::{Duration, OffsetDateTime};

use crate::domain::{
    Account, AccountCondition, AccountId, AccountUpdate, AccountWrite, RefreshRecord,
    SessionFamily, SessionId, SessionScope, Standing, Timestamp,
};

/// Why a login or a refresh opens nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Too many failed logins in a row: no guess is even tried for this long.
    TooManyAttempts { retry_after_seconds: u64 },
    /// The e-mail address or the password is wrong (or the account is closed): the
    /// same answer for each.
    InvalidCredentials,
    /// The account is blocked (until a moment, or for good).
    Blocked { until: Option<Timestamp> },
    /// The refresh token is unknown, expired, used or of a session that ended.
    InvalidRefreshToken,
}

/// Before the password is checked: a throttled account is refused without a guess
/// being tried.
pub fn may_try_password(
    account: Option<&Account>,
    now: OffsetDateTime,
) -> Result<(), LoginRefusal> {
    match account.and_then(|a| a.login_retry_after(now)) {
        Some(wait) => Err(LoginRefusal::TooManyAttempts {
            retry_after_seconds: wait,
        }),
        None => Ok(()),
    }
}

/// A failed guess: one more failure in a row on `account` (as read), and the backoff it
/// starts if it is one too many, on condition that the count was not reset since the
/// read (a failure that raced a successful login never locks out whoever just proved
/// the password). With no account (an unknown e-mail) the same write goes to `nobody`,
/// an account no one has, so an unknown address makes the same requests as a wrong
/// password.
pub fn failed_login(
    account: Option<&Account>,
    nobody: &AccountId,
    now: OffsetDateTime,
) -> AccountWrite {
    let (account_id, seen, lock) = match account {
        Some(account) => (
            account.id.clone(),
            account.failed_logins,
            account.lock_after_one_more_failure(now),
        ),
        None => (nobody.clone(), 0, None),
    };
    AccountWrite {
        account_id,
        update: AccountUpdate {
            count_failed_login: Some(lock),
            ..Default::default()
        },
        requires: vec![AccountCondition::FailedLoginsNotResetSince(seen)],
    }
}

/// A login's session: its family, its first refresh token (stored by its digest), and
/// what the login writes to the account (`None`: nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginPlan {
    pub family: SessionFamily,
    pub token: RefreshRecord,
    pub account: Option<AccountWrite>,
}

/// Whether an account standing so may open a session of `scope`: an active one any; a
/// blocked one only a privacy session (its privacy rights outlive a block); a closed one
/// none (as a wrong password, or an unusable refresh token).
fn may_open(
    standing: Standing,
    scope: SessionScope,
    closed: LoginRefusal,
) -> Result<(), LoginRefusal> {
    match (standing, scope) {
        (Standing::Active, _) | (Standing::Blocked { .. }, SessionScope::Privacy) => Ok(()),
        (Standing::Blocked { until }, SessionScope::Full) => Err(LoginRefusal::Blocked { until }),
        (Standing::Closed, _) => Err(closed),
    }
}

/// Whoever proved the password of `account` logs in to a session of `scope`, unless it
/// is blocked and asks for the full scope (or closed: as a wrong password). An active
/// account asking for the privacy scope gets what it asked for: a restricted session. The session lives `lifetime`; the login sets the failed-login
/// count back to 0 and lifts any backoff (unconditionally: whoever proved the password
/// is never locked out by failures that raced them), and forgets the ended sessions no
/// token can name any more.
pub fn login(
    account: &Account,
    scope: SessionScope,
    lifetime: Duration,
    now: OffsetDateTime,
) -> Result<LoginPlan, LoginRefusal> {
    may_open(
        account.standing(now),
        scope,
        LoginRefusal::InvalidCredentials,
    )?;
    let at = Timestamp::at(now);
    let expires_at_epoch = (now + lifetime).unix_timestamp();
    let family = SessionFamily {
        account_id: account.id.clone(),
        family_id: SessionId::new(),
        token_generation: account.token_generation,
        created_at: at,
        last_used_at: at,
        revoked_at: None,
        expires_at_epoch,
        scope,
    };
    let token = refresh_record(account, &family.family_id, scope, lifetime, now);
    let update = AccountUpdate {
        reset_failed_logins: account.failed_logins > 0 || account.login_locked_until.is_some(),
        forget_ended_sessions: account.forgettable_ended_sessions(now),
        ..Default::default()
    };
    let account = (update != AccountUpdate::default()).then(|| AccountWrite {
        account_id: account.id.clone(),
        update,
        requires: Vec::new(),
    });
    Ok(LoginPlan {
        family,
        token,
        account,
    })
}

/// A refresh token of session `family_id` for `account`, good for `lifetime`.
fn refresh_record(
    account: &Account,
    family_id: &SessionId,
    scope: SessionScope,
    lifetime: Duration,
    now: OffsetDateTime,
) -> RefreshRecord {
    RefreshRecord {
        account_id: account.id.clone(),
        family_id: family_id.clone(),
        token_generation: account.token_generation,
        created_at: Timestamp::at(now),
        used_at: None,
        expires_at_epoch: (now + lifetime).unix_timestamp(),
        scope,
    }
}

/// What a presented refresh token (as stored) leads to before the account is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    /// Unused and unexpired: read the account and rotate.
    Usable(RefreshRecord),
    /// Used before: someone other than its owner has it, so its whole session ends.
    Reused(RefreshRecord),
}

/// The token as stored (`None`: no such token) at `now`.
pub fn presented(
    record: Option<RefreshRecord>,
    now: OffsetDateTime,
) -> Result<Presented, LoginRefusal> {
    let record = record.ok_or(LoginRefusal::InvalidRefreshToken)?;
    if record.used_at.is_some() {
        return Ok(Presented::Reused(record));
    }
    if record.expires_at_epoch <= now.unix_timestamp() {
        return Err(LoginRefusal::InvalidRefreshToken);
    }
    Ok(Presented::Usable(record))
}

/// A rotation: the old token used up, its successor, and the account's check (its
/// generation is the token's; its stale ended sessions forgotten while it is read), on
/// condition that the session is still live at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationPlan {
    pub used_at: Timestamp,
    pub successor: RefreshRecord,
    pub account: AccountWrite,
}

/// Rotates `record` for the account it names (as read): refused when the account is
/// gone, closed or of another generation (revoke-all, a block), or blocked (unless the
/// session is a privacy one). The successor keeps the session's scope.
pub fn rotate(
    record: &RefreshRecord,
    account: Option<&Account>,
    lifetime: Duration,
    now: OffsetDateTime,
) -> Result<RotationPlan, LoginRefusal> {
    let account = account.ok_or(LoginRefusal::InvalidRefreshToken)?;
    may_open(
        account.standing(now),
        record.scope,
        LoginRefusal::InvalidRefreshToken,
    )?;
    if account.token_generation != record.token_generation {
        return Err(LoginRefusal::InvalidRefreshToken);
    }
    Ok(RotationPlan {
        used_at: Timestamp::at(now),
        successor: refresh_record(account, &record.family_id, record.scope, lifetime, now),
        account: AccountWrite {
            account_id: account.id.clone(),
            update: AccountUpdate {
                forget_ended_sessions: account.forgettable_ended_sessions(now),
                ..Default::default()
            },
            requires: vec![AccountCondition::AcceptsGeneration(
                record.token_generation,
                record.scope,
            )],
        },
    })
}

/// Ending a session (logout, or reuse of a rotated refresh token): its family revoked
/// (once: the first moment stays), and the account remembering the session as ended at
/// `now`, so its access tokens are refused at once though they have not expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndPlan {
    pub family_id: SessionId,
    pub revoked_at: Timestamp,
    pub account: AccountWrite,
}

pub fn end_session(account_id: &AccountId, family_id: &SessionId, now: OffsetDateTime) -> EndPlan {
    EndPlan {
        family_id: family_id.clone(),
        revoked_at: Timestamp::at(now),
        account: AccountWrite {
            account_id: account_id.clone(),
            update: AccountUpdate {
                end_session: Some((family_id.clone(), now.unix_timestamp())),
                ..Default::default()
            },
            requires: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccountStatus;
    use crate::domain::decide::tests::account;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);
    const MONTH: Duration = Duration::days(30);

    #[test]
    fn a_throttled_account_is_refused_before_any_guess_and_each_failure_counts_once() {
        let mut ada = account(&[]);
        assert_eq!(may_try_password(Some(&ada), NOW), Ok(()));
        assert_eq!(may_try_password(None, NOW), Ok(()));
        ada.login_locked_until = Some(NOW.unix_timestamp() + 45);
        assert_eq!(
            may_try_password(Some(&ada), NOW),
            Err(LoginRefusal::TooManyAttempts {
                retry_after_seconds: 45
            })
        );
        ada.login_locked_until = None;
        ada.failed_logins = 9;
        let write = failed_login(Some(&ada), &AccountId::new(), NOW);
        assert_eq!(write.account_id, ada.id);
        assert_eq!(
            write.update.count_failed_login,
            Some(Some(NOW.unix_timestamp() + 30)),
            "the tenth failure starts a 30 s backoff"
        );
        assert_eq!(
            write.requires,
            [AccountCondition::FailedLoginsNotResetSince(9)]
        );
        let nobody = AccountId::new();
        let unknown = failed_login(None, &nobody, NOW);
        assert_eq!(unknown.account_id, nobody);
        assert_eq!(unknown.update.count_failed_login, Some(None));
    }

    #[test]
    fn a_login_resets_the_count_forgets_stale_sessions_and_refuses_blocked_accounts() {
        let mut ada = account(&[]);
        let plan = login(&ada, SessionScope::Full, MONTH, NOW).unwrap();
        assert_eq!(plan.account, None, "nothing to change");
        assert_eq!(plan.family.expires_at_epoch, (NOW + MONTH).unix_timestamp());
        assert_eq!(plan.token.family_id, plan.family.family_id);
        assert_eq!(plan.token.token_generation, ada.token_generation);
        ada.failed_logins = 3;
        let stale = SessionId::new();
        let recent = SessionId::new();
        ada.ended_sessions
            .insert(stale.clone(), NOW.unix_timestamp() - 86_400);
        ada.ended_sessions.insert(recent, NOW.unix_timestamp() - 60);
        let update = login(&ada, SessionScope::Full, MONTH, NOW)
            .unwrap()
            .account
            .unwrap()
            .update;
        assert!(update.reset_failed_logins);
        assert_eq!(update.forget_ended_sessions, [stale]);
        ada.status = AccountStatus::Blocked;
        assert_eq!(
            login(&ada, SessionScope::Full, MONTH, NOW),
            Err(LoginRefusal::Blocked { until: None })
        );
        ada.status = AccountStatus::Closed;
        assert_eq!(
            login(&ada, SessionScope::Full, MONTH, NOW),
            Err(LoginRefusal::InvalidCredentials)
        );
    }

    #[test]
    fn a_refresh_token_rotates_once_and_only_for_its_generation() {
        let ada = account(&[]);
        let plan = login(&ada, SessionScope::Full, MONTH, NOW).unwrap();
        let token = plan.token;
        assert_eq!(
            presented(Some(token.clone()), NOW),
            Ok(Presented::Usable(token.clone()))
        );
        assert_eq!(presented(None, NOW), Err(LoginRefusal::InvalidRefreshToken));
        let used = RefreshRecord {
            used_at: Some(Timestamp::at(NOW)),
            ..token.clone()
        };
        assert_eq!(
            presented(Some(used.clone()), NOW),
            Ok(Presented::Reused(used))
        );
        assert_eq!(
            presented(Some(token.clone()), NOW + MONTH),
            Err(LoginRefusal::InvalidRefreshToken),
            "expired"
        );
        let rotation = rotate(&token, Some(&ada), MONTH, NOW).unwrap();
        assert_eq!(rotation.successor.family_id, token.family_id);
        assert_eq!(
            rotation.account.requires,
            [AccountCondition::AcceptsGeneration(
                ada.token_generation,
                SessionScope::Full
            )]
        );
        let revoked = Account {
            token_generation: ada.token_generation + 1,
            ..ada.clone()
        };
        assert_eq!(
            rotate(&token, Some(&revoked), MONTH, NOW),
            Err(LoginRefusal::InvalidRefreshToken)
        );
        assert_eq!(
            rotate(&token, None, MONTH, NOW),
            Err(LoginRefusal::InvalidRefreshToken)
        );
    }

    #[test]
    fn a_blocked_account_opens_only_a_privacy_session_and_its_refreshes_stay_privacy() {
        let mut ada = account(&[]);
        let restricted = login(&ada, SessionScope::Privacy, MONTH, NOW).unwrap();
        assert_eq!(
            restricted.family.scope,
            SessionScope::Privacy,
            "asked for, given"
        );
        ada.status = AccountStatus::Blocked;
        let plan = login(&ada, SessionScope::Privacy, MONTH, NOW).unwrap();
        assert_eq!(plan.family.scope, SessionScope::Privacy);
        assert_eq!(plan.token.scope, SessionScope::Privacy);
        let rotation = rotate(&plan.token, Some(&ada), MONTH, NOW).unwrap();
        assert_eq!(rotation.successor.scope, SessionScope::Privacy);
        assert_eq!(
            rotation.account.requires,
            [AccountCondition::AcceptsGeneration(
                ada.token_generation,
                SessionScope::Privacy
            )]
        );
        let full = login(
            &Account {
                status: AccountStatus::Active,
                ..ada.clone()
            },
            SessionScope::Full,
            MONTH,
            NOW,
        )
        .unwrap();
        assert_eq!(
            rotate(&full.token, Some(&ada), MONTH, NOW),
            Err(LoginRefusal::Blocked { until: None }),
            "a full session's refresh token opens nothing once blocked"
        );
        ada.status = AccountStatus::Closed;
        assert_eq!(
            login(&ada, SessionScope::Privacy, MONTH, NOW),
            Err(LoginRefusal::InvalidCredentials)
        );
        assert_eq!(
            rotate(&plan.token, Some(&ada), MONTH, NOW),
            Err(LoginRefusal::InvalidRefreshToken)
        );
    }

    #[test]
    fn ending_a_session_remembers_it_on_the_account() {
        let (ada, family) = (AccountId::new(), SessionId::new());
        let plan = end_session(&ada, &family, NOW);
        assert_eq!(
            plan.account.update.end_session,
            Some((family, NOW.unix_timestamp()))
        );
        assert_eq!(plan.revoked_at, Timestamp::at(NOW));
    }
}

//! Codes sent by e-mail, and what confirming one commits: a password reset, a verified
//! address, a move to a new address (its uniqueness claim moved in the same
//! transaction), as [`crate::domain::decide::email_codes`] decides them. A password
//! change ends the caller's other sessions.

use time::OffsetDateTime;

use super::account_writes::account_part;
use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, TransactionError, put_if, put_new};
use super::{Failure, Store, StoreError, from_item, key_item, keys, n, s, to_item};
use crate::auth::{Code, CodeKey};
use crate::domain::decide::email_codes::{
    self, ChangeRefusal, CodeRefusal, CodeWrite, FreshCode, SendPlan, SendRefusal, Wrong,
};
use crate::domain::{
    Account, AccountId, CodePurpose, Email, EmailChangeRecord, EmailCode, SessionFamily,
};
use crate::gate::{Gate, Refusal};
use crate::ids::new_id;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Code,
    Email,
    Account,
    Sessions,
    OldClaim,
    NewClaim,
    History,
}

/// The e-mail claim of an address, as registration writes it.
#[derive(serde::Serialize)]
struct EmailClaim<'a> {
    account_id: &'a AccountId,
    created_at: crate::domain::Timestamp,
}

impl Store {
    /// The code item `write` puts, on condition that it is still as read.
    pub(super) fn code_put(&self, write: &CodeWrite) -> aws_sdk_dynamodb::types::TransactWriteItem {
        let code = &write.code;
        let item = to_item(code, keys::email_code(&code.account_id, code.purpose));
        let condition = match write.seen_version {
            None => Condition::new("attribute_not_exists(pk)"),
            Some(version) => {
                Condition::new("version = :seen_version").value(":seen_version", n(version))
            }
        };
        put_if(&self.table, item, Some(condition))
    }

    async fn code_of(
        &self,
        account_id: &AccountId,
        purpose: CodePurpose,
    ) -> Result<Option<EmailCode>, StoreError> {
        self.get_as(keys::email_code(account_id, purpose)).await
    }

    /// An account and its code of `purpose`, in one read.
    async fn account_and_code(
        &self,
        account_id: &AccountId,
        purpose: CodePurpose,
    ) -> Result<(Option<Account>, Option<EmailCode>), StoreError> {
        let (account, code) = self
            .get_two(
                keys::account(account_id),
                keys::email_code(account_id, purpose),
            )
            .await?;
        Ok((
            account.map(from_item).transpose()?,
            code.map(from_item).transpose()?,
        ))
    }

    /// The account `email` names and its code of `purpose`, in the same two reads
    /// whether there is one or not (the claim; then the account and its code, or those
    /// of an account no one has). A closed account is as none.
    async fn by_address_with_code(
        &self,
        email: &Email,
        purpose: CodePurpose,
    ) -> Result<(AccountId, Option<Account>, Option<EmailCode>), StoreError> {
        let account_id = self
            .account_id_for_email(email)
            .await?
            .unwrap_or_else(keys::no_account_id);
        let (account, code) = self.account_and_code(&account_id, purpose).await?;
        Ok((account_id, account.filter(Account::can_log_in), code))
    }

    /// A send: the code, its e-mail and the account's check, in one transaction. `Ok`
    /// with whether it was sent: the account's check refusing means it sends nothing
    /// (an address no one has, or an account that changed since it was read).
    async fn commit_send(&self, plan: &SendPlan, now: OffsetDateTime) -> Result<bool, Attempt<()>> {
        let result = Transaction::new()
            .part(Part::Code, self.code_put(&plan.code))
            .part(Part::Email, self.outbox_put(&plan.email))
            .part(Part::Account, account_part(&self.table, &plan.account, now))
            .commit(self)
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(error) if error.refused(Part::Account) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// A password reset asked for `email` ([`email_codes::request_password_reset`]): the
    /// same requests whether the address is an account's or not (the claim, the account
    /// or an account no one has, its reset code, one transaction), and the same answer.
    pub async fn request_password_reset(
        &self,
        email: &Email,
        key: &CodeKey,
        code: &Code,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let purpose = CodePurpose::PasswordReset;
        let nobody = keys::no_account_id();
        retrying(|_| async {
            let (account_id, account, seen) = self.by_address_with_code(email, purpose).await?;
            let fresh = FreshCode {
                digits: code.expose(),
                digest: key.digest(&account_id, purpose, code),
            };
            let plan = email_codes::request_password_reset(
                account.as_ref(),
                seen.as_ref(),
                &nobody,
                &fresh,
                now,
            );
            self.commit_send(&plan, now).await.map(drop)
        })
        .await
        .map_err(|failure: Failure<()>| match failure {
            Failure::Store(error) => error,
            Failure::Refused(()) => unreachable!("a reset request is never refused"),
        })
    }

    /// A password reset confirmed with `code` for `email`
    /// ([`email_codes::reset_password`]): the code used up, the new password, every
    /// session ended and a notice, in one transaction; a wrong code counts a try.
    pub async fn reset_password(
        &self,
        email: &Email,
        key: &CodeKey,
        code: &Code,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<(), Failure<CodeRefusal>> {
        let purpose = CodePurpose::PasswordReset;
        retrying(|_| async {
            let (account_id, account, seen) = self.by_address_with_code(email, purpose).await?;
            let presented = key.digest(&account_id, purpose, code);
            match email_codes::reset_password(
                account.as_ref(),
                seen.as_ref(),
                &presented,
                password_hash,
                now,
            ) {
                Ok(plan) => Transaction::new()
                    .part(Part::Code, self.code_put(&plan.code))
                    .part(Part::Account, account_part(&self.table, &plan.account, now))
                    .part(Part::Email, self.outbox_put(&plan.notice))
                    .commit(self)
                    .await
                    .map_err(Attempt::from),
                Err(wrong) => Err(self.count_wrong_try(wrong).await),
            }
        })
        .await
    }

    /// A wrong code: its try counted (once: on the version read), then the refusal.
    async fn count_wrong_try(&self, wrong: Wrong) -> Attempt<CodeRefusal> {
        let Some(write) = wrong.write else {
            return Attempt::Refused(CodeRefusal::InvalidCode);
        };
        match Transaction::new()
            .part(Part::Code, self.code_put(&write))
            .commit(self)
            .await
        {
            Ok(()) => Attempt::Refused(CodeRefusal::InvalidCode),
            Err(error) => error.into(),
        }
    }

    /// The caller's account and its session families (for a password change).
    pub async fn account_and_sessions(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<(Account, Vec<SessionFamily>), Failure<Refusal>> {
        let account = self.caller_account(caller, now).await?;
        let partition = keys::account(&account.id).pk;
        let sessions = self
            .query_prefix(&partition, keys::SESSION_PREFIX, true, None, None)
            .await?
            .0
            .into_iter()
            .map(from_item)
            .collect::<Result<Vec<SessionFamily>, _>>()?;
        Ok((account, sessions))
    }

    /// A password change ([`email_codes::change_password`]): the new password and the
    /// other sessions ended, in one transaction on condition that the account still has
    /// the password proved. `Ok(false)`: it changed since it was read (prove it again).
    pub async fn change_password(
        &self,
        caller: &Gate,
        account: &Account,
        sessions: &[SessionFamily],
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, Failure<Refusal>> {
        let plan = email_codes::change_password(caller, account, sessions, password_hash, now)
            .map_err(Failure::Refused)?;
        let ended = s(plan.ended_at);
        let build = || {
            let mut transaction = Transaction::new()
                .part(Part::Account, account_part(&self.table, &plan.account, now))
                .part(Part::Email, self.outbox_put(&plan.notice));
            for family in &plan.ended {
                transaction = transaction.part(
                    Part::Sessions,
                    super::transaction::update(
                        &self.table,
                        key_item(&keys::session_family(&account.id, family)),
                        "SET revoked_at = if_not_exists(revoked_at, :revoked_at)",
                        Condition::new("attribute_exists(pk)").value(":revoked_at", ended.clone()),
                    ),
                );
            }
            transaction
        };
        let build = &build;
        // A conflict wrote nothing and the plan's conditions still guard it: commit it
        // again. A refused condition: the password (or the gate's account) changed.
        retrying(move |_| async move {
            match build().commit(self).await {
                Ok(()) => Ok(true),
                Err(TransactionError::Refused(_)) => Ok(false),
                Err(error) => Err(Attempt::<Refusal>::from(error)),
            }
        })
        .await
    }

    /// Sends the caller a code to verify their address
    /// ([`email_codes::request_verification`]).
    pub async fn request_verification(
        &self,
        caller: &Gate,
        key: &CodeKey,
        code: &Code,
        now: OffsetDateTime,
    ) -> Result<(), Failure<SendRefusal>> {
        let purpose = CodePurpose::EmailVerification;
        retrying(|_| async {
            let (account, seen) = self.account_and_code(&caller.account_id, purpose).await?;
            let fresh = FreshCode {
                digits: code.expose(),
                digest: key.digest(&caller.account_id, purpose, code),
            };
            let plan = email_codes::request_verification(
                caller,
                account.as_ref(),
                seen.as_ref(),
                &fresh,
                now,
            )
            .map_err(Attempt::Refused)?;
            match self.commit_send(&plan, now).await {
                Ok(true) => Ok(()),
                Ok(false) | Err(Attempt::Raced) => Err(Attempt::Raced),
                Err(Attempt::Store(error)) => Err(Attempt::Store(error)),
                Err(Attempt::Refused(())) => unreachable!("a commit does not decide"),
            }
        })
        .await
    }

    /// The caller, who proved the password, asks to move to `new_email`
    /// ([`email_codes::request_email_change`]): the code goes there.
    pub async fn request_email_change(
        &self,
        caller: &Gate,
        account: &Account,
        new_email: &Email,
        key: &CodeKey,
        code: &Code,
        now: OffsetDateTime,
    ) -> Result<(), Failure<ChangeRefusal>> {
        let purpose = CodePurpose::EmailChange;
        let fresh = FreshCode {
            digits: code.expose(),
            digest: key.digest(&account.id, purpose, code),
        };
        retrying(|_| async {
            let seen = self.code_of(&account.id, purpose).await?;
            let plan = email_codes::request_email_change(
                caller,
                account,
                seen.as_ref(),
                new_email,
                &fresh,
                now,
            )
            .map_err(Attempt::Refused)?;
            match self.commit_send(&plan, now).await {
                Ok(true) => Ok(()),
                // The account no longer has the password proved, or the gate refuses
                // it now (its sessions ended): the caller logs in and proves it again.
                Ok(false) => Err(Attempt::Refused(ChangeRefusal::Send(SendRefusal::Gate(
                    Refusal::Unauthenticated,
                )))),
                Err(Attempt::Raced) => Err(Attempt::Raced),
                Err(Attempt::Store(error)) => Err(Attempt::Store(error)),
                Err(Attempt::Refused(())) => unreachable!("a commit does not decide"),
            }
        })
        .await
    }

    /// The caller confirms a code of `purpose` ([`email_codes::confirm_code`]): the
    /// address verified, or the account moved to its new address, whose claim is taken
    /// and the old one freed in the same transaction (409 when another account took
    /// the address first), with an entry in the e-mail history and a notice to the old
    /// address. Returns the account as it is now.
    pub async fn confirm_code(
        &self,
        caller: &Gate,
        purpose: CodePurpose,
        key: &CodeKey,
        code: &Code,
        now: OffsetDateTime,
    ) -> Result<Account, Failure<CodeRefusal>> {
        retrying(|_| async {
            let (account, seen) = self.account_and_code(&caller.account_id, purpose).await?;
            let presented = key.digest(&caller.account_id, purpose, code);
            let plan = match email_codes::confirm_code(
                caller,
                account.as_ref(),
                seen.as_ref(),
                &presented,
                now,
            ) {
                Ok(plan) => plan,
                Err((CodeRefusal::InvalidCode, wrong)) => {
                    return Err(self.count_wrong_try(wrong).await);
                }
                Err((refusal, _)) => return Err(Attempt::Refused(refusal)),
            };
            let mut transaction = Transaction::new()
                .part(Part::Code, self.code_put(&plan.code))
                .part(Part::Account, account_part(&self.table, &plan.account, now));
            if let Some(notice) = &plan.notice {
                transaction = transaction.part(Part::Email, self.outbox_put(notice));
            }
            if let Some((old, new)) = &plan.moved {
                let record = EmailChangeRecord {
                    id: new_id(),
                    account_id: caller.account_id.clone(),
                    from: old.clone(),
                    to: new.clone(),
                    changed_at: crate::domain::Timestamp::at(now),
                };
                transaction = transaction
                    .part(
                        Part::OldClaim,
                        super::transaction::delete_if(
                            &self.table,
                            key_item(&keys::email_claim(old)),
                            Condition::new("account_id = :me")
                                .value(":me", s(caller.account_id.as_str())),
                        ),
                    )
                    .part(
                        Part::NewClaim,
                        put_new(
                            &self.table,
                            to_item(
                                &EmailClaim {
                                    account_id: &caller.account_id,
                                    created_at: record.changed_at,
                                },
                                keys::email_claim(new),
                            ),
                        ),
                    )
                    .part(
                        Part::History,
                        put_new(
                            &self.table,
                            to_item(&record, keys::email_change(&record.account_id, &record.id)),
                        ),
                    );
            }
            match transaction.commit(self).await {
                Ok(()) => {}
                Err(error) if error.refused(Part::NewClaim) => {
                    return Err(Attempt::Refused(CodeRefusal::EmailTaken));
                }
                Err(error) => return Err(error.into()),
            }
            let mut account = account.expect("admitted");
            account.email_verified_at = plan.account.update.email_verified_at;
            if let Some((_, new)) = plan.moved {
                account.email = new;
            }
            Ok(account)
        })
        .await
    }
}

//! Accounts and their e-mail claims.

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::audit::audit_put;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, put_new};
use super::{Failure, Projection, Store, StoreError, keys, to_item};
use crate::domain::decide::accounts::RegisterRefusal;
use crate::domain::decide::email_codes::SendPlan;
use crate::domain::decide::photos::PhotoSet;
use crate::domain::decide::{self, Seen};
use crate::domain::{
    Account, AccountId, AccountWrite, AuditEntryId, Email, Guardian, ProfileChanges, ProfilePhoto,
    Timestamp, UploadId,
};
use crate::gate::{Gate, Refusal};

/// What appointing a stack's first admin did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstAdminOutcome {
    /// The account is now an admin; the claim and the audit entry are written.
    Appointed { audit_entry_id: AuditEntryId },
    /// A first admin was appointed before (nothing was written): further admins are
    /// appointed by admins, not by this one-off.
    AlreadyAppointed { account_id: String, at: Timestamp },
    /// No such account, or it is an admin already (nothing was written).
    NotAppointable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstAdmin {
    Claim,
    Account,
    Audit,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Registration {
    Account,
    EmailClaim,
    Terms,
    Consents,
    Verification,
    GuardianEmail,
    Identity,
    Invitation,
}

/// The item that makes an e-mail address unique: whose it is.
#[derive(serde::Serialize)]
struct EmailClaim<'a> {
    account_id: &'a AccountId,
    created_at: Timestamp,
}

impl Store {
    /// A registration ([`decide::accounts::register`]): the account and its e-mail claim
    /// in one transaction, whose claim's condition makes two concurrent registrations of
    /// one address end in exactly one account, with the first entries of its terms and
    /// consent histories, and the code that verifies its address with the e-mail that
    /// carries it.
    pub async fn create_account(
        &self,
        registration: &decide::accounts::Registration,
        verification: &SendPlan,
    ) -> Result<(), Failure<RegisterRefusal>> {
        self.create_account_with(registration, Some(verification), None, None)
            .await
    }

    /// A registration as [`Store::create_account`] writes it, with a provider identity's
    /// claim when the account is opened through a provider (refused as
    /// `IdentityTaken` when someone holds it), and without a verification code when the
    /// provider verified the address already; with the invitation it joins, if any
    /// (refused as `InvalidInvitationCode` when someone joined with it meanwhile).
    pub async fn create_account_with(
        &self,
        registration: &decide::accounts::Registration,
        verification: Option<&SendPlan>,
        identity: Option<&crate::domain::social::Identity>,
        joined: Option<&decide::invitations::JoinPlan>,
    ) -> Result<(), Failure<RegisterRefusal>> {
        let account = &registration.account;
        let claim = to_item(
            &EmailClaim {
                account_id: &account.id,
                created_at: account.created_at,
            },
            keys::email_claim(&account.email),
        );
        let result = Transaction::new()
            .part(
                Registration::Terms,
                self.terms_acceptance_put(&registration.terms),
            )
            .part(
                Registration::Consents,
                self.consent_change_put(&registration.consents),
            )
            .part(
                Registration::Account,
                put_new(&self.table, to_item(account, keys::account(&account.id))),
            )
            .part(Registration::EmailClaim, put_new(&self.table, claim))
            .parts(verification.into_iter().flat_map(|verification| {
                [
                    (
                        Registration::Verification,
                        self.code_put(&verification.code),
                    ),
                    (
                        Registration::Verification,
                        self.outbox_put(&verification.email),
                    ),
                ]
            }))
            .parts(
                registration
                    .guardian_email
                    .as_ref()
                    .map(|email| (Registration::GuardianEmail, self.outbox_put(email))),
            )
            .parts(identity.map(|identity| {
                (
                    Registration::Identity,
                    put_new(&self.table, super::social::identity_item(identity)),
                )
            }))
            .parts(joined.into_iter().flat_map(|plan| {
                self.join_parts(plan)
                    .map(|part| (Registration::Invitation, part))
            }))
            .commit(self)
            .await;
        match result {
            Ok(()) => Ok(()),
            Err(refusal) if refusal.refused(Registration::EmailClaim) => {
                // A claim of this very account: an earlier attempt of this request was
                // applied and its answer lost (DynamoDB's request token hides that; an
                // emulator without it does not), so the registration is done.
                match self.account_id_for_email(&account.email).await? {
                    Some(holder) if holder == account.id => Ok(()),
                    _ => Err(Failure::Refused(RegisterRefusal::EmailTaken)),
                }
            }
            Err(refusal) if refusal.refused(Registration::Identity) => {
                Err(Failure::Refused(RegisterRefusal::IdentityTaken))
            }
            Err(refusal) if refusal.refused(Registration::Invitation) => {
                Err(Failure::Refused(RegisterRefusal::InvalidInvitationCode))
            }
            Err(other) => Err(StoreError::from(other).into()),
        }
    }

    /// A guardian's consent link followed ([`decide::accounts::confirm_guardian_consent`]):
    /// the account read, then one conditional write of the guardian's `confirmed_at`.
    /// Returns when consent was confirmed.
    pub async fn confirm_guardian_consent(
        &self,
        account_id: &AccountId,
        proves: impl Fn(&Guardian) -> bool + Copy,
        now: OffsetDateTime,
    ) -> Result<Timestamp, Failure<decide::accounts::GuardianConsentRefusal>> {
        retrying(move |_| async move {
            let account = self.get_account(account_id).await?;
            let plan = decide::accounts::confirm_guardian_consent(account.as_ref(), proves, now)
                .map_err(Attempt::Refused)?;
            self.write_account(&plan.write, now)
                .await?
                .map(|_| plan.confirmed_at)
                .ok_or(Attempt::Raced)
        })
        .await
    }

    /// What anyone may see of an account: only its public attributes are read.
    pub async fn get_account(&self, account_id: &AccountId) -> Result<Option<Account>, StoreError> {
        self.get_as(keys::account(account_id)).await
    }

    /// The caller's account, if the gate admits the caller.
    pub async fn caller_account(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<Account, Failure<Refusal>> {
        let account = self.get_account(&caller.account_id).await?;
        caller
            .admit(account.as_ref(), now)
            .map_err(Failure::Refused)?;
        Ok(account.expect("admitted"))
    }

    pub async fn account_id_for_email(
        &self,
        email: &Email,
    ) -> Result<Option<AccountId>, StoreError> {
        let Some(item) = self.get(keys::email_claim(email)).await? else {
            return Ok(None);
        };
        match item.get("account_id") {
            Some(AttributeValue::S(id)) => AccountId::parse(id).map(Some).map_err(|_| {
                StoreError::Corrupt("e-mail claim with a malformed account id".into())
            }),
            _ => Err(StoreError::Corrupt(
                "e-mail claim without account_id".into(),
            )),
        }
    }

    /// The account `email` logs in to, read by the same two requests whether there is
    /// one or not: the e-mail claim, then the account it names, or for an unknown
    /// address an account key no one has ([`keys::no_account`]). The requests a login
    /// makes do not tell an unknown address from a wrong password.
    pub async fn account_for_login(&self, email: &Email) -> Result<Option<Account>, StoreError> {
        let key = match self.account_id_for_email(email).await? {
            Some(id) => keys::account(&id),
            None => keys::no_account(),
        };
        let account: Option<Account> = self.get_as(key).await?;
        Ok(account.filter(Account::can_log_in))
    }

    /// Counts a failed login against `account` (as it was read;
    /// [`decide::sessions::failed_login`]). Refused, writing nothing, when there is no
    /// such account, or a login succeeded since the read: then there is nothing to count.
    pub async fn record_failed_login(
        &self,
        account: Option<&Account>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let write = decide::sessions::failed_login(account, &keys::no_account_id(), now);
        self.write_account(&write, now).await.map(drop)
    }

    /// The caller rectifies profile fields ([`decide::accounts::update_profile`]): the
    /// account as written.
    pub async fn update_profile(
        &self,
        caller: &Gate,
        changes: &ProfileChanges,
        now: OffsetDateTime,
    ) -> Result<Account, Failure<Refusal>> {
        self.write_own_account(caller, now, |seen| {
            decide::accounts::update_profile(caller, seen, changes, now)
        })
        .await
    }

    /// Makes every token issued so far fail ("someone else used my account").
    pub async fn revoke_all_tokens(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<(), Failure<Refusal>> {
        self.write_own_account(caller, now, |seen| {
            decide::accounts::revoke_all_sessions(caller, seen, now)
        })
        .await
        .map(drop)
    }

    /// Blocks the caller's own account at their request, permanently, and ends every
    /// session.
    pub async fn block_own_account(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<(), Failure<Refusal>> {
        self.write_own_account(caller, now, |seen| {
            decide::accounts::block_own_account(caller, seen, now)
        })
        .await
        .map(drop)
    }

    /// Counts one voice upload URL for the caller ([`decide::uploads::issue_upload`]): the
    /// account read, then its count written on the conditions it was decided on.
    pub async fn count_upload(
        &self,
        caller: &Gate,
        per_hour: u32,
        now: OffsetDateTime,
    ) -> Result<(), Failure<decide::uploads::UploadRefusal>> {
        retrying(move |_| async move {
            let account = self.get_account(&caller.account_id).await?;
            let write = decide::uploads::issue_upload(caller, account.as_ref(), per_hour, now)
                .map_err(Attempt::Refused)?;
            self.write_account(&write, now)
                .await?
                .map(drop)
                .ok_or(Attempt::Raced)
        })
        .await
    }

    /// The photo made from `upload` becomes the caller's ([`decide::photos::set_photo`]):
    /// decided first on `read` (the account the caller read before the work), then on the
    /// account read again if it changed since; written on condition that its photo is still the one read.
    /// Returns the photo replaced (its files are the caller's to delete); `None` also when
    /// this upload was the photo already.
    pub async fn set_photo(
        &self,
        caller: &Gate,
        read: &Account,
        upload: &UploadId,
        size: (u32, u32),
        now: OffsetDateTime,
    ) -> Result<Option<ProfilePhoto>, Failure<Refusal>> {
        retrying(move |attempt| async move {
            let account = match attempt {
                0 => Some(read.clone()),
                _ => self.get_account(&caller.account_id).await?,
            };
            match decide::photos::set_photo(caller, account.as_ref(), upload, size, now)
                .map_err(Attempt::Refused)?
            {
                PhotoSet::AlreadyCurrent => Ok(None),
                PhotoSet::Replaced { write, replaced } => self
                    .write_account(&write, now)
                    .await?
                    .map(|_| replaced)
                    .ok_or(Attempt::Raced),
            }
        })
        .await
    }

    /// The photo `removed` (`None`: none), whose files are deleted, leaves the caller's account
    /// ([`decide::photos::remove_photo`]); decided first on `read` (the account the caller
    /// read to find the photo), then on the account read again if it changed since.
    pub async fn remove_photo(
        &self,
        caller: &Gate,
        read: &Account,
        removed: Option<&UploadId>,
        now: OffsetDateTime,
    ) -> Result<(), Failure<Refusal>> {
        self.write_account_as_read(caller, read, now, |account| {
            decide::photos::remove_photo(caller, account, removed, now)
        })
        .await
    }

    /// At most one write of the caller's account, as `decide` decides it: first on
    /// `read` (the account the caller read for the request), then, after a lost race,
    /// on the account read again. `None` from `decide`: nothing to write.
    pub(crate) async fn write_account_as_read<R>(
        &self,
        caller: &Gate,
        read: &Account,
        now: OffsetDateTime,
        decide: impl Fn(Option<&Account>) -> Result<Option<AccountWrite>, R>,
    ) -> Result<(), Failure<R>> {
        let decide = &decide;
        retrying(move |attempt| async move {
            let account = match attempt {
                0 => Some(read.clone()),
                _ => self.get_account(&caller.account_id).await?,
            };
            match decide(account.as_ref()).map_err(Attempt::Refused)? {
                None => Ok(()),
                Some(write) => self
                    .write_account(&write, now)
                    .await?
                    .map(drop)
                    .ok_or(Attempt::Raced),
            }
        })
        .await
    }

    /// One write of the caller's account, as `decide` decides it: blind first (the
    /// gate is its condition), and if that is refused, once more on the account as read
    /// (whose decision says why, or writes again if it changed in between).
    pub(crate) async fn write_own_account<R>(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
        decide: impl Fn(Seen<Account>) -> Result<AccountWrite, R>,
    ) -> Result<Account, Failure<R>> {
        let decide = &decide;
        retrying(move |attempt| async move {
            let seen = match attempt {
                0 => Seen::Unread,
                _ => Seen::Read(self.get_account(&caller.account_id).await?),
            };
            let write = decide(seen).map_err(Attempt::Refused)?;
            self.write_account(&write, now).await?.ok_or(Attempt::Raced)
        })
        .await
    }

    /// The operator's one-off for a new stack ([`decide::staff::appoint_first_admin`]):
    /// makes `account_id` an admin, in one transaction with the claim that a first admin
    /// exists (so it happens once per table) and the audit entry that says who did it
    /// and why.
    pub async fn appoint_first_admin(
        &self,
        account_id: &AccountId,
        operator: &str,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<FirstAdminOutcome, StoreError> {
        let account = self.get_account(account_id).await?;
        let Some(plan) = decide::staff::appoint_first_admin(operator, reason, account, now) else {
            return Ok(FirstAdminOutcome::NotAppointable);
        };
        let claim = to_item(
            &FirstAdminClaim {
                account_id: account_id.to_string(),
                audit_entry_id: plan.audit.id.to_string(),
                created_at: Timestamp::at(now),
            },
            keys::first_admin(),
        );
        let result = Transaction::new()
            .part(FirstAdmin::Claim, put_new(&self.table, claim))
            .part(
                FirstAdmin::Account,
                account_part(&self.table, &plan.write, now),
            )
            .part(FirstAdmin::Audit, audit_put(&self.table, &plan.audit))
            .commit(self)
            .await;
        match result {
            Ok(()) => Ok(FirstAdminOutcome::Appointed {
                audit_entry_id: plan.audit.id,
            }),
            Err(error) if error.refused(FirstAdmin::Claim) => {
                let claim: FirstAdminClaim = self
                    .get_as(keys::first_admin())
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("the first-admin claim vanished".into()))?;
                Ok(FirstAdminOutcome::AlreadyAppointed {
                    account_id: claim.account_id,
                    at: claim.created_at,
                })
            }
            // Made an admin (or gone) since it was read.
            Err(error) if error.refused(FirstAdmin::Account) => {
                Ok(FirstAdminOutcome::NotAppointable)
            }
            Err(other) => Err(other.into()),
        }
    }
}

/// The account item's public attributes ([`PublicAccount`]), and what a profile shows of the
/// progress counters beside it in the account's partition (their keys, to tell the two
/// apart; language, messages, voice time).
pub(crate) const PUBLIC_ACCOUNT_WITH_PROGRESS: Projection = Projection {
    expression: "pk, sk, id, display_name, #roles, #status, erased_at, native_languages, learning_languages, learning_levels, photo, created_at, #language, messages, voice_ms",
    names: &[
        ("#roles", "roles"),
        ("#status", "status"),
        ("#language", "language"),
    ],
};

/// The item that says a table's first admin was appointed, by whom and when.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct FirstAdminClaim {
    account_id: String,
    audit_entry_id: String,
    created_at: Timestamp,
}

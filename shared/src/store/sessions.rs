//! Logins: refresh-token families, their rotation, and ending them, as
//! [`crate::domain::decide::sessions`] decides them.

use time::OffsetDateTime;

use super::account_writes::account_part;
use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, TransactionError, put_new, update};
use super::{Failure, Store, StoreError, indexed, key_item, keys, n, s, to_item};
use crate::domain::decide::sessions::{EndPlan, LoginPlan, RotationPlan, end_session};
use crate::domain::{AccountId, RefreshRecord, SessionId};

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// Someone used this token before (or at the same time): the family must be ended.
    #[error("refresh token already used")]
    AlreadyUsed,
    /// The family was ended or has expired, or the account can no longer act with this
    /// generation.
    #[error("refresh refused")]
    Refused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rotation {
    OldToken,
    NewToken,
    Family,
    Account,
}

impl Store {
    /// A new login ([`crate::domain::decide::sessions::login`]): its family, its first
    /// refresh token (by `token_digest`) and what it writes to the account, in one
    /// transaction.
    pub async fn start_session(
        &self,
        plan: &LoginPlan,
        token_digest: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let family = &plan.family;
        self.commit_unrefused(move || {
            let mut transaction = Transaction::new()
                .part(
                    (),
                    put_new(
                        &self.table,
                        to_item(
                            family,
                            keys::session_family(&family.account_id, &family.family_id),
                        ),
                    ),
                )
                .part(
                    (),
                    put_new(&self.table, self.refresh_item(token_digest, &plan.token)),
                );
            if let Some(account) = &plan.account {
                transaction = transaction.part((), account_part(&self.table, account, now));
            }
            transaction
        })
        .await
    }

    fn refresh_item(&self, digest: &str, token: &RefreshRecord) -> super::Item {
        indexed(
            to_item(token, keys::refresh_token(digest)),
            keys::refresh_token_index(&token.account_id, token.created_at),
        )
    }

    pub async fn refresh_record(
        &self,
        token_digest: &str,
    ) -> Result<Option<RefreshRecord>, StoreError> {
        self.get_as(keys::refresh_token(token_digest)).await
    }

    /// Marks the old token used and stores its successor
    /// ([`crate::domain::decide::sessions::rotate`]), in one transaction that also
    /// requires a live, unexpired family (its lifetime is enforced here, not left to
    /// TTL, which deletes expired items only eventually) and an account that may act
    /// with the family's generation.
    pub async fn rotate_refresh_token(
        &self,
        plan: &RotationPlan,
        old_digest: &str,
        new_digest: &str,
        now: OffsetDateTime,
    ) -> Result<(), RotateError> {
        let new = &plan.successor;
        let mark_used = update(
            &self.table,
            key_item(&keys::refresh_token(old_digest)),
            "SET used_at = :used_at",
            Condition::new("attribute_exists(pk)")
                .and("attribute_not_exists(used_at)")
                .value(":used_at", s(plan.used_at)),
        );
        let touch_family = update(
            &self.table,
            key_item(&keys::session_family(&new.account_id, &new.family_id)),
            "SET last_used_at = :used_at",
            Condition::new("attribute_exists(pk)")
                .and("attribute_not_exists(revoked_at)")
                .and("expires_at_epoch > :used_epoch")
                .value(":used_at", s(plan.used_at))
                .value(":used_epoch", n(plan.used_at.unix_timestamp())),
        );
        let new_token = put_new(&self.table, self.refresh_item(new_digest, new));
        let account = account_part(&self.table, &plan.account, now);
        let (mark_used, new_token, touch_family, account) =
            (&mark_used, &new_token, &touch_family, &account);
        // Another transaction on the account or the family (or a rotation of the same
        // token) wrote nothing of this one: commit it again. A rotation that won in the
        // meantime makes the token's own condition refuse — the reuse it is.
        let result = retrying(move |_| async move {
            let committed = Transaction::new()
                .part(Rotation::OldToken, mark_used.clone())
                .part(Rotation::NewToken, new_token.clone())
                .part(Rotation::Family, touch_family.clone())
                .part(Rotation::Account, account.clone())
                .commit(self)
                .await;
            match committed {
                Err(TransactionError::Conflict) => Err(Attempt::<()>::Raced),
                Err(TransactionError::Store(error)) => Err(Attempt::from(error)),
                Err(TransactionError::Refused(parts)) => Ok(Err(parts)),
                Ok(()) => Ok(Ok(())),
            }
        })
        .await;
        match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(refused)) if refused.contains(&Rotation::OldToken) => {
                Err(RotateError::AlreadyUsed)
            }
            Ok(Err(_)) => Err(RotateError::Refused),
            Err(Failure::Store(error)) => Err(error.into()),
            Err(Failure::Refused(())) => unreachable!("a rotation's refusal is its answer"),
        }
    }

    /// Ends a login ([`end_session`]: logout, or reuse of a rotated refresh token): no
    /// token of the family refreshes again, and its access tokens are refused at once.
    /// Idempotent; a family or an account that does not exist (any more) ends nothing.
    pub async fn end_session(
        &self,
        account_id: &AccountId,
        family_id: &SessionId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let plan: &EndPlan = &end_session(account_id, family_id, now);
        let family = update(
            &self.table,
            key_item(&keys::session_family(account_id, &plan.family_id)),
            "SET revoked_at = if_not_exists(revoked_at, :revoked_at)",
            Condition::new("attribute_exists(pk)").value(":revoked_at", s(plan.revoked_at)),
        );
        let family = &family;
        self.commit_unrefused(move || {
            Transaction::new()
                .part((), family.clone())
                .part((), account_part(&self.table, &plan.account, now))
        })
        .await
    }

    /// Commits the transaction `build` makes, again after a short pause while another
    /// transaction is in the way; a refused condition means there was nothing to do.
    async fn commit_unrefused(
        &self,
        build: impl Fn() -> Transaction<()>,
    ) -> Result<(), StoreError> {
        let build = &build;
        retrying(move |_| async move {
            match build().commit(self).await {
                Ok(()) | Err(TransactionError::Refused(_)) => Ok(()),
                Err(error) => Err(Attempt::<()>::from(error)),
            }
        })
        .await
        .map_err(|failure| match failure {
            Failure::Store(error) => error,
            Failure::Refused(()) => unreachable!("nothing refuses these writes"),
        })
    }
}

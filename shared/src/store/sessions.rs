//! Logins: refresh-token families, their rotation, and ending them.

use time::OffsetDateTime;

use super::admission::accepts_generation;
use super::expr::Condition;
use super::transaction::{Transaction, TransactionError, put_new, update};
use super::{Store, StoreError, indexed, key_item, keys, n, s, to_item};
use crate::clock::rfc3339;
use crate::domain::{Account, AccountId, RefreshRecord, SessionFamily, SessionId};

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

#[derive(Debug, Clone, Copy, PartialEq)]
enum Login {
    Family,
    Token,
    Account,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ending {
    Family,
    Account,
}

impl Store {
    /// A new login: its family and first refresh token. The account's failed-login count
    /// is reset and its memory of ended sessions pruned in the same write (the account
    /// was just read), so a login stays one transaction.
    pub async fn start_session(
        &self,
        account: &Account,
        family: &SessionFamily,
        token_digest: &str,
        token: &RefreshRecord,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut transaction = Transaction::new()
            .part(
                Login::Family,
                put_new(
                    &self.table,
                    to_item(
                        family,
                        keys::session_family(&family.account_id, &family.family_id),
                    ),
                ),
            )
            .part(
                Login::Token,
                put_new(&self.table, self.refresh_item(token_digest, token)),
            );
        if let Some(account_update) = self.login_account_update(account, now) {
            transaction = transaction.part(Login::Account, account_update);
        }
        transaction
            .commit_retrying_conflicts(self)
            .await
            .map_err(|error| match error {
                TransactionError::Store(error) => error,
                other => StoreError::Backend(format!("starting a session: {other:?}")),
            })
    }

    fn refresh_item(&self, digest: &str, token: &RefreshRecord) -> super::Item {
        indexed(
            to_item(token, keys::refresh_token(digest)),
            keys::refresh_token_index(&token.account_id, token.created_at),
        )
    }

    /// An update of `account` that forgets the ended sessions no token can name any
    /// more, on `condition`; `None` when there is nothing to forget.
    fn prune_ended_sessions(
        &self,
        account: &Account,
        condition: Condition,
        now: OffsetDateTime,
    ) -> Option<aws_sdk_dynamodb::types::TransactWriteItem> {
        let (removals, condition) = forget_ended_sessions(account, condition, now);
        (!removals.is_empty()).then(|| {
            update(
                &self.table,
                key_item(&keys::account(&account.id)),
                &format!("REMOVE {}", removals.join(", ")),
                condition,
            )
        })
    }

    /// What a login writes to the account it opens: the failed-login count back to 0
    /// and any backoff removed (unconditionally: whoever proved the password is never
    /// locked out by failures that raced them), and the stale ended sessions forgotten.
    /// `None` when there is nothing to change.
    fn login_account_update(
        &self,
        account: &Account,
        now: OffsetDateTime,
    ) -> Option<aws_sdk_dynamodb::types::TransactWriteItem> {
        let (mut removals, mut condition) =
            forget_ended_sessions(account, Condition::new("attribute_exists(pk)"), now);
        let mut expression = String::new();
        if account.failed_logins > 0 || account.login_locked_until.is_some() {
            expression.push_str("SET failed_logins = :no_failures ");
            condition = condition.value(":no_failures", n(0));
            removals.push("login_locked_until".to_owned());
        }
        if removals.is_empty() {
            return None;
        }
        expression.push_str(&format!("REMOVE {}", removals.join(", ")));
        Some(update(
            &self.table,
            key_item(&keys::account(&account.id)),
            &expression,
            condition,
        ))
    }

    pub async fn refresh_record(
        &self,
        token_digest: &str,
    ) -> Result<Option<RefreshRecord>, StoreError> {
        self.get_as(keys::refresh_token(token_digest)).await
    }

    /// Marks the old token used and stores its successor, in one transaction that also
    /// requires a live, unexpired family and an account that may act with the family's
    /// generation (and forgets its stale ended sessions, having read it).
    pub async fn rotate_refresh_token(
        &self,
        account: &Account,
        old_digest: &str,
        new_digest: &str,
        new: &RefreshRecord,
        now: OffsetDateTime,
    ) -> Result<(), RotateError> {
        let now_text = rfc3339::format(now);
        let mark_used = update(
            &self.table,
            key_item(&keys::refresh_token(old_digest)),
            "SET used_at = :now",
            Condition::new("attribute_exists(pk)")
                .and("attribute_not_exists(used_at)")
                .value(":now", s(&now_text)),
        );
        let touch_family = update(
            &self.table,
            key_item(&keys::session_family(&new.account_id, &new.family_id)),
            "SET last_used_at = :now",
            Condition::new("attribute_exists(pk)")
                .and("attribute_not_exists(revoked_at)")
                // The session's lifetime, enforced here and not left to TTL, which
                // deletes expired items only eventually.
                .and("expires_at_epoch > :now_epoch")
                .value(":now", s(&now_text))
                .value(":now_epoch", n(now.unix_timestamp())),
        );
        let account_accepts = accepts_generation(new.token_generation, now);
        let account_part = self
            .prune_ended_sessions(account, account_accepts.clone(), now)
            .unwrap_or_else(|| {
                super::transaction::check(
                    &self.table,
                    key_item(&keys::account(&new.account_id)),
                    account_accepts,
                )
            });
        let result = Transaction::new()
            .part(Rotation::OldToken, mark_used)
            .part(
                Rotation::NewToken,
                put_new(&self.table, self.refresh_item(new_digest, new)),
            )
            .part(Rotation::Family, touch_family)
            .part(Rotation::Account, account_part)
            .commit(self)
            .await;
        match result {
            Ok(()) => Ok(()),
            Err(error) if error.refused(Rotation::OldToken) => Err(RotateError::AlreadyUsed),
            Err(TransactionError::Refused(_)) => Err(RotateError::Refused),
            // A concurrent rotation of the same token: the reuse it is.
            Err(TransactionError::Conflict) => Err(RotateError::AlreadyUsed),
            Err(TransactionError::Store(error)) => Err(error.into()),
        }
    }

    /// Ends a login (logout, or reuse of a rotated refresh token): no token of the
    /// family refreshes again, and its access tokens are refused at once because the
    /// account remembers the session as ended. Idempotent; a family that does not
    /// exist (any more) ends nothing.
    pub async fn end_session(
        &self,
        account_id: &AccountId,
        family_id: &SessionId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now_text = rfc3339::format(now);
        let family = update(
            &self.table,
            key_item(&keys::session_family(account_id, family_id)),
            "SET revoked_at = if_not_exists(revoked_at, :now)",
            Condition::new("attribute_exists(pk)").value(":now", s(&now_text)),
        );
        let account = update(
            &self.table,
            key_item(&keys::account(account_id)),
            "SET #ended.#session = :ended",
            Condition::new("attribute_exists(pk)")
                .name("#ended", "ended_sessions")
                .name("#session", family_id.as_str())
                .value(":ended", n(now.unix_timestamp())),
        );
        let result = Transaction::new()
            .part(Ending::Family, family)
            .part(Ending::Account, account)
            .commit_retrying_conflicts(self)
            .await;
        match result {
            Ok(()) | Err(TransactionError::Refused(_)) => Ok(()),
            Err(TransactionError::Conflict) => Err(StoreError::Backend(
                "ending a session conflicted with another write; try again".into(),
            )),
            Err(TransactionError::Store(error)) => Err(error),
        }
    }
}

/// The paths of `account`'s ended sessions no token can name any more, for a `REMOVE`,
/// and `condition` with their placeholders.
fn forget_ended_sessions(
    account: &Account,
    condition: Condition,
    now: OffsetDateTime,
) -> (Vec<String>, Condition) {
    let forgettable = account.forgettable_ended_sessions(now);
    if forgettable.is_empty() {
        return (Vec::new(), condition);
    }
    let mut condition = condition.name("#ended", "ended_sessions");
    let mut paths = Vec::new();
    for (i, session) in forgettable.iter().enumerate() {
        let placeholder = format!("#forget{i}");
        paths.push(format!("#ended.{placeholder}"));
        condition = condition.name(&placeholder, session.as_str());
    }
    (paths, condition)
}

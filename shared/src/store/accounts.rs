//! Accounts and their e-mail claims.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use time::OffsetDateTime;

use super::audit::AuditEntry;
use super::expr::{Condition, WithPlaceholders};
use super::transaction::{Transaction, TransactionError, put_new, update};
use super::{
    Store, StoreError, condition_failed, done_unless_failed, from_item, key_item, keys, n, s,
    to_item,
};
use crate::clock::rfc3339;
use crate::domain::{
    Account, AccountId, AccountStatus, City, ConsentChange, ConsentSource, CountryCode,
    DisplayName, Email, FullName, Gender, LanguageList, Role, Tariff, TermsAcceptance,
};
use crate::gate::{Caller, Refusal};
use crate::ids::new_id;

/// What appointing a stack's first admin did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstAdminOutcome {
    /// The account is now an admin; the claim and the audit entry are written.
    Appointed,
    /// A first admin was appointed before (nothing was written): further admins are
    /// appointed by admins, not by this one-off.
    AlreadyAppointed { account_id: String, at: String },
    /// No such account, or it is an admin already (nothing was written).
    NotAppointable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstAdmin {
    Claim,
    Account,
    Audit,
}

/// The outcome of a change the gate may refuse.
pub type AccountChange<T> = Result<T, Refusal>;

#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("e-mail already registered")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A rectification of profile fields. `Some(None)` clears an optional field.
#[derive(Debug, Default)]
pub struct ProfileChanges {
    pub display_name: Option<DisplayName>,
    pub full_name: Option<Option<FullName>>,
    pub gender: Option<Option<Gender>>,
    pub country: Option<CountryCode>,
    pub city: Option<Option<City>>,
    pub native_languages: Option<LanguageList>,
    pub learning_languages: Option<LanguageList>,
}

impl ProfileChanges {
    fn assignments(&self) -> Vec<(&'static str, AttributeValue)> {
        fn text(value: &impl AsRef<str>) -> AttributeValue {
            s(value.as_ref())
        }
        fn optional<T: AsRef<str>>(value: &Option<T>) -> AttributeValue {
            value.as_ref().map_or(AttributeValue::Null(true), text)
        }
        fn list(value: &LanguageList) -> AttributeValue {
            serde_dynamo::to_attribute_value(value).expect("language lists serialise")
        }
        let mut out = Vec::new();
        if let Some(v) = &self.display_name {
            out.push(("display_name", text(v)));
        }
        if let Some(v) = &self.full_name {
            out.push(("full_name", optional(v)));
        }
        if let Some(v) = &self.gender {
            out.push(("gender", optional(v)));
        }
        if let Some(v) = &self.country {
            out.push(("country", text(v)));
        }
        if let Some(v) = &self.city {
            out.push(("city", optional(v)));
        }
        if let Some(v) = &self.native_languages {
            out.push(("native_languages", list(v)));
        }
        if let Some(v) = &self.learning_languages {
            out.push(("learning_languages", list(v)));
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.assignments().is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Registration {
    Account,
    EmailClaim,
    Terms,
    Consents,
}

impl Store {
    /// The account and its e-mail claim in one transaction: the claim's condition makes
    /// two concurrent registrations of one address end in exactly one account. The
    /// terms acceptance and the consents given are the first entries of their
    /// histories, written with it.
    pub async fn create_account(&self, account: &Account) -> Result<(), CreateAccountError> {
        let claim = to_item(
            &serde_json::json!({ "account_id": account.id, "created_at": account.created_at }),
            keys::email_claim(&account.email),
        );
        let terms = TermsAcceptance {
            id: new_id(),
            account_id: account.id.clone(),
            version: account.accepted_terms_version.clone(),
            accepted_at: account.terms_accepted_at.clone(),
        };
        let consents = ConsentChange {
            id: new_id(),
            account_id: account.id.clone(),
            marketing_emails: account.consents.marketing_emails,
            notification_emails: account.consents.notification_emails,
            source: ConsentSource::Registration,
            changed_at: account.created_at.clone(),
        };
        let result = Transaction::new()
            .part(Registration::Terms, self.terms_acceptance_put(&terms))
            .part(Registration::Consents, self.consent_change_put(&consents))
            .part(
                Registration::Account,
                put_new(&self.table, to_item(account, keys::account(&account.id))),
            )
            .part(Registration::EmailClaim, put_new(&self.table, claim))
            .commit(self)
            .await;
        match result {
            Ok(()) => Ok(()),
            Err(refusal) if refusal.refused(Registration::EmailClaim) => {
                Err(CreateAccountError::EmailTaken)
            }
            Err(TransactionError::Store(error)) => Err(error.into()),
            Err(other) => Err(StoreError::Backend(format!("registration: {other:?}")).into()),
        }
    }

    pub async fn get_account(&self, account_id: &AccountId) -> Result<Option<Account>, StoreError> {
        self.get_as(keys::account(account_id)).await
    }

    /// The caller's account, if the gate admits the caller.
    pub async fn caller_account(
        &self,
        caller: &Caller,
        now: OffsetDateTime,
    ) -> Result<AccountChange<Account>, StoreError> {
        let account = self.get_account(&caller.account_id).await?;
        Ok(caller
            .admit(account.as_ref(), now)
            .map(|()| account.expect("admitted")))
    }

    /// Why the gate refuses `caller` now: the account read after a write conditioned on
    /// the gate was refused.
    pub(crate) async fn explain_refusal(
        &self,
        caller: &Caller,
        now: OffsetDateTime,
    ) -> Result<Refusal, StoreError> {
        let account = self.get_account(&caller.account_id).await?;
        Ok(match caller.admit(account.as_ref(), now) {
            Err(refusal) => refusal,
            // The account changed between the write and this read (it was refused, so it
            // did not accept the caller then): the caller cannot act on what it was.
            Ok(()) => Refusal::Unauthenticated,
        })
    }

    /// The caller's account (judged by the gate) and a tariff, in one consistent read.
    pub async fn caller_account_and_tariff(
        &self,
        caller: &Caller,
        tariff_id: &str,
        now: OffsetDateTime,
    ) -> Result<AccountChange<(Account, Option<Tariff>)>, StoreError> {
        let (account, tariff) = self
            .get_two(keys::account(&caller.account_id), keys::tariff(tariff_id))
            .await?;
        let account: Option<Account> = account.map(from_item).transpose()?;
        let tariff = tariff.map(from_item).transpose()?;
        if let Err(refusal) = caller.admit(account.as_ref(), now) {
            return Ok(Err(refusal));
        }
        Ok(Ok((account.expect("admitted"), tariff)))
    }

    pub async fn account_id_for_email(
        &self,
        email: &Email,
    ) -> Result<Option<AccountId>, StoreError> {
        let Some(item) = self.get(keys::email_claim(email.as_ref())).await? else {
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
        Ok(account.filter(|account| account.status != AccountStatus::Closed))
    }

    /// Counts a failed login against `account` (as it was read), starting its backoff
    /// when this failure is one too many. Conditioned on the count not having been reset
    /// since the read, so a failure that raced a successful login never counts against
    /// the fresh start (never locks out whoever just proved the password). With no
    /// account (an unknown e-mail) the same update is sent to a key no account has and
    /// its condition writes nothing: the same request either way.
    pub async fn record_failed_login(
        &self,
        account: Option<&Account>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let (key, seen, lock) = match account {
            Some(account) => (
                keys::account(&account.id),
                account.failed_logins,
                account.lock_after_one_more_failure(now),
            ),
            None => (keys::no_account(), 0, None),
        };
        let mut update =
            "SET failed_logins = if_not_exists(failed_logins, :zero) + :one".to_owned();
        let mut condition = Condition::new("attribute_exists(pk)")
            .and("attribute_not_exists(failed_logins) OR failed_logins >= :seen")
            .value(":zero", n(0))
            .value(":one", n(1))
            .value(":seen", n(seen));
        if let Some(until) = lock {
            update.push_str(", login_locked_until = :until");
            condition = condition.value(":until", n(until));
        }
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&key)))
            .update_expression(update)
            .condition_expression(condition.text())
            .placeholders(&condition.placeholders)
            .send()
            .await;
        // Refused: no such account, or a login succeeded since the read: nothing to count.
        done_unless_failed(result)
    }

    /// Applies `changes` if the gate admits the caller.
    pub async fn update_profile(
        &self,
        caller: &Caller,
        changes: &ProfileChanges,
        now: OffsetDateTime,
    ) -> Result<AccountChange<Account>, StoreError> {
        let mut sets = vec!["updated_at = :updated_at".to_owned()];
        let mut condition = caller
            .condition(now)
            .value(":updated_at", s(rfc3339::format(now)));
        for (attribute, value) in changes.assignments() {
            sets.push(format!("#{attribute} = :{attribute}"));
            condition = condition
                .name(&format!("#{attribute}"), attribute)
                .value(&format!(":{attribute}"), value);
        }
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::account(&caller.account_id))))
            .update_expression(format!("SET {}", sets.join(", ")))
            .condition_expression(condition.text())
            .placeholders(&condition.placeholders)
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let item = output
                    .attributes
                    .ok_or_else(|| StoreError::Corrupt("an update returned nothing".into()))?;
                Ok(Ok(from_item(item)?))
            }
            Err(error) if condition_failed(&error) => {
                Ok(Err(self.explain_refusal(caller, now).await?))
            }
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    /// Makes every token issued so far fail ("someone else used my account").
    pub async fn revoke_all_tokens(
        &self,
        caller: &Caller,
        now: OffsetDateTime,
    ) -> Result<AccountChange<()>, StoreError> {
        self.update_caller_account(caller, now, "", Condition::default())
            .await
    }

    /// Blocks the caller's own account at their request, permanently, and ends every
    /// session.
    pub async fn block_own_account(
        &self,
        caller: &Caller,
        now: OffsetDateTime,
    ) -> Result<AccountChange<()>, StoreError> {
        self.update_caller_account(
            caller,
            now,
            ", #status = :blocked, blocked_until = :null, block_reason = :reason",
            Condition::default()
                .name("#status", "status")
                .value(":blocked", s("blocked"))
                .value(":null", AttributeValue::Null(true))
                .value(":reason", s("own request")),
        )
        .await
    }

    /// Ends every session of the caller's account (a new token generation; the ended
    /// sessions remembered so far are covered by it and forgotten) plus `more_sets`.
    async fn update_caller_account(
        &self,
        caller: &Caller,
        now: OffsetDateTime,
        more_sets: &str,
        more_placeholders: Condition,
    ) -> Result<AccountChange<()>, StoreError> {
        let condition = caller
            .condition(now)
            .and_all(more_placeholders)
            .value(":one", n(1))
            .value(":now_at", s(rfc3339::format(now)))
            .value(":no_sessions", AttributeValue::M(Default::default()));
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::account(&caller.account_id))))
            .update_expression(format!(
                "SET token_generation = token_generation + :one, ended_sessions = :no_sessions, updated_at = :now_at{more_sets}"
            ))
            .condition_expression(condition.text())
            .placeholders(&condition.placeholders)
            .send()
            .await;
        match result {
            Ok(_) => Ok(Ok(())),
            Err(error) if condition_failed(&error) => {
                Ok(Err(self.explain_refusal(caller, now).await?))
            }
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    /// Operator command: replace an account's roles. `false` if there is no such account.
    pub async fn set_roles(
        &self,
        account_id: &AccountId,
        roles: &[Role],
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let roles = serde_dynamo::to_attribute_value(roles).expect("roles serialise");
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::account(account_id))))
            .update_expression("SET #roles = :roles, updated_at = :now")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#roles", "roles")
            .expression_attribute_values(":roles", roles)
            .expression_attribute_values(":now", s(rfc3339::format(now)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if condition_failed(&error) => Ok(false),
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    /// The operator's one-off for a new stack: makes `account_id` an admin, in one
    /// transaction with the claim that a first admin exists (so it can happen once per
    /// table) and `audit`, the record of who did it and why.
    pub async fn appoint_first_admin(
        &self,
        account_id: &AccountId,
        audit: &AuditEntry,
        now: OffsetDateTime,
    ) -> Result<FirstAdminOutcome, StoreError> {
        let claim = super::to_item(
            &FirstAdminClaim {
                account_id: account_id.to_string(),
                audit_entry_id: audit.id.to_string(),
                created_at: rfc3339::format(now),
            },
            keys::first_admin(),
        );
        let admin = AttributeValue::S(Role::Admin.as_str().to_owned());
        let appoint = update(
            &self.table,
            key_item(&keys::account(account_id)),
            "SET #roles = list_append(#roles, :admin_list), updated_at = :now",
            Condition::new("attribute_exists(pk)")
                .and("NOT contains(#roles, :admin)")
                .name("#roles", "roles")
                .value(":admin", admin.clone())
                .value(":admin_list", AttributeValue::L(vec![admin]))
                .value(":now", s(rfc3339::format(now))),
        );
        let result = Transaction::new()
            .part(FirstAdmin::Claim, put_new(&self.table, claim))
            .part(FirstAdmin::Account, appoint)
            .part(FirstAdmin::Audit, audit.put(&self.table))
            .commit(self)
            .await;
        match result {
            Ok(()) => Ok(FirstAdminOutcome::Appointed),
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
            Err(error) if error.refused(FirstAdmin::Account) => {
                Ok(FirstAdminOutcome::NotAppointable)
            }
            Err(TransactionError::Store(error)) => Err(error),
            Err(other) => Err(StoreError::Backend(format!("first admin: {other:?}"))),
        }
    }
}

/// The item that says a table's first admin was appointed, by whom and when.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct FirstAdminClaim {
    account_id: String,
    audit_entry_id: String,
    created_at: String,
}

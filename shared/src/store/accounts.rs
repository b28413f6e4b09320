use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use time::OffsetDateTime;

use super::{Store, StoreError, cancellation_codes, from_item, keys, n, put_if_absent, s, to_item};
use crate::auth::AuthUser;
use crate::clock::rfc3339;
use crate::domain::{
    Account, City, CountryCode, DisplayName, Email, FullName, Gender, LanguageList, Role,
};

/// The account may act: active, or blocked until a moment that has passed.
/// Paired with the caller's token generation, so revoked tokens fail in the same request.
pub(crate) const ACTIVE_WITH_GENERATION: &str = "(#status = :active OR (#status = :blocked AND blocked_until < :now)) AND token_generation = :generation";

pub(crate) fn active_with_generation_values(
    generation: u64,
    now: OffsetDateTime,
) -> [(&'static str, AttributeValue); 4] {
    [
        (":active", s("active")),
        (":blocked", s("blocked")),
        (":now", s(rfc3339::format(now))),
        (":generation", n(generation)),
    ]
}

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

pub(crate) fn condition_failed<E, R>(error: &aws_sdk_dynamodb::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    error
        .as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

impl Store {
    /// The account and its e-mail claim in one transaction: the claim's condition makes
    /// two concurrent registrations of one address end in exactly one account.
    pub async fn create_account(&self, account: &Account) -> Result<(), CreateAccountError> {
        let claim = to_item(
            &serde_json::json!({ "account_id": account.id, "created_at": account.created_at }),
            keys::email_claim(&account.email),
        );
        let result = self
            .client
            .transact_write_items()
            .transact_items(put_if_absent(
                &self.table,
                to_item(account, keys::account(&account.id)),
            ))
            .transact_items(put_if_absent(&self.table, claim))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) => {
                let claim_refused = cancellation_codes(&error).is_some_and(|codes| {
                    codes.get(1).is_some_and(|c| c == "ConditionalCheckFailed")
                });
                if claim_refused {
                    Err(CreateAccountError::EmailTaken)
                } else {
                    Err(StoreError::backend(error).into())
                }
            }
        }
    }

    pub async fn get_account(&self, account_id: &str) -> Result<Option<Account>, StoreError> {
        self.get_as(keys::account(account_id)).await
    }

    /// The account and a tariff in one consistent read (a checkout needs both).
    pub async fn account_and_tariff(
        &self,
        account_id: &str,
        tariff_id: &str,
    ) -> Result<(Option<Account>, Option<crate::domain::Tariff>), StoreError> {
        use aws_sdk_dynamodb::types::{Get, TransactGetItem};
        let get = |key| {
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name(&self.table)
                        .set_key(Some(key_map(key)))
                        .build()
                        .expect("get"),
                )
                .build()
        };
        let output = self
            .client
            .transact_get_items()
            .transact_items(get(keys::account(account_id)))
            .transact_items(get(keys::tariff(tariff_id)))
            .send()
            .await
            .map_err(StoreError::backend)?;
        let mut responses = output
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.item);
        let account = responses.next().flatten().map(from_item).transpose()?;
        let tariff = responses.next().flatten().map(from_item).transpose()?;
        Ok((account, tariff))
    }

    pub async fn account_id_for_email(&self, email: &Email) -> Result<Option<String>, StoreError> {
        let Some(item) = self.get(keys::email_claim(email.as_ref())).await? else {
            return Ok(None);
        };
        match item.get("account_id") {
            Some(AttributeValue::S(id)) => Ok(Some(id.clone())),
            _ => Err(StoreError::Corrupt(
                "e-mail claim without account_id".into(),
            )),
        }
    }

    /// Applies `changes` if the caller's token is still good; `None` when it is not.
    pub async fn update_profile(
        &self,
        caller: &AuthUser,
        changes: &ProfileChanges,
        now: OffsetDateTime,
    ) -> Result<Option<Account>, StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::account(&caller.account_id))))
            .condition_expression(ACTIVE_WITH_GENERATION)
            .expression_attribute_names("#status", "status")
            .return_values(ReturnValue::AllNew);
        let mut sets = vec!["updated_at = :updated_at".to_owned()];
        request = request.expression_attribute_values(":updated_at", s(rfc3339::format(now)));
        for (attribute, value) in changes.assignments() {
            sets.push(format!("{attribute} = :{attribute}"));
            request = request.expression_attribute_values(format!(":{attribute}"), value);
        }
        for (name, value) in active_with_generation_values(caller.token_generation, now) {
            request = request.expression_attribute_values(name, value);
        }
        match request
            .update_expression(format!("SET {}", sets.join(", ")))
            .send()
            .await
        {
            Ok(output) => output.attributes.map(from_item).transpose(),
            Err(error) if condition_failed(&error) => Ok(None),
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    /// Makes every token issued so far fail ("someone else used my account").
    /// `false` when the caller's own token was already stale.
    pub async fn revoke_all_tokens(
        &self,
        caller: &AuthUser,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.update_account_if_active(
            caller,
            now,
            "SET token_generation = token_generation + :one, updated_at = :now_at",
            &[],
        )
        .await
    }

    /// Blocks the caller's own account at their request, permanently, and revokes its tokens.
    pub async fn block_own_account(
        &self,
        caller: &AuthUser,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.update_account_if_active(
            caller,
            now,
            "SET #status = :blocked, blocked_until = :null, block_reason = :reason, token_generation = token_generation + :one, updated_at = :now_at",
            &[(":null", AttributeValue::Null(true)), (":reason", s("own request"))],
        )
        .await
    }

    async fn update_account_if_active(
        &self,
        caller: &AuthUser,
        now: OffsetDateTime,
        update: &str,
        extra_values: &[(&str, AttributeValue)],
    ) -> Result<bool, StoreError> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::account(&caller.account_id))))
            .update_expression(update)
            .condition_expression(ACTIVE_WITH_GENERATION)
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now_at", s(rfc3339::format(now)));
        for (name, value) in active_with_generation_values(caller.token_generation, now) {
            request = request.expression_attribute_values(name, value);
        }
        for (name, value) in extra_values {
            request = request.expression_attribute_values(*name, value.clone());
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(error) if condition_failed(&error) => Ok(false),
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    /// Operator command: replace an account's roles. `false` if there is no such account.
    pub async fn set_roles(
        &self,
        account_id: &str,
        roles: &[Role],
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let roles = serde_dynamo::to_attribute_value(roles).expect("roles serialise");
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::account(account_id))))
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
}

pub(crate) fn key_map((pk, sk): (String, String)) -> super::Item {
    super::Item::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

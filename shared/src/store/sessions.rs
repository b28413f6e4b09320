use aws_sdk_dynamodb::types::{ConditionCheck, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::accounts::{
    ACTIVE_WITH_GENERATION, active_with_generation_values, condition_failed, key_map,
};
use super::{Store, StoreError, cancellation_codes, keys, put_if_absent, s, to_item};
use crate::clock::rfc3339;

/// One login: every refresh token rotated from it belongs to this family.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionFamily {
    pub account_id: String,
    pub family_id: String,
    pub token_generation: u64,
    pub created_at: String,
    pub last_used_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    pub expires_at_epoch: i64,
}

/// A refresh token, stored under the SHA-256 of its value (never the value itself).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshRecord {
    pub account_id: String,
    pub family_id: String,
    pub token_generation: u64,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<String>,
    pub expires_at_epoch: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// Someone used this token before (or at the same time): the family must be revoked.
    #[error("refresh token already used")]
    AlreadyUsed,
    /// The family was revoked, or the account can no longer act with this generation.
    #[error("refresh refused")]
    Refused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    pub async fn start_session(
        &self,
        family: &SessionFamily,
        token_digest: &str,
        token: &RefreshRecord,
    ) -> Result<(), StoreError> {
        self.client
            .transact_write_items()
            .transact_items(put_if_absent(
                &self.table,
                to_item(
                    family,
                    keys::session_family(&family.account_id, &family.family_id),
                ),
            ))
            .transact_items(put_if_absent(
                &self.table,
                to_item(token, keys::refresh_token(token_digest)),
            ))
            .send()
            .await
            .map_err(StoreError::backend)?;
        Ok(())
    }

    pub async fn refresh_record(
        &self,
        token_digest: &str,
    ) -> Result<Option<RefreshRecord>, StoreError> {
        self.get_as(keys::refresh_token(token_digest)).await
    }

    /// Marks the old token used and stores its successor, in one transaction that also
    /// requires a live family and an account that may act with the family's generation.
    pub async fn rotate_refresh_token(
        &self,
        old_digest: &str,
        new_digest: &str,
        new: &RefreshRecord,
        now: OffsetDateTime,
    ) -> Result<(), RotateError> {
        let now_text = rfc3339::format(now);
        let mark_used = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::refresh_token(old_digest))))
            .update_expression("SET used_at = :now")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(used_at)")
            .expression_attribute_values(":now", s(&now_text))
            .build()
            .expect("update");
        let touch_family = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::session_family(
                &new.account_id,
                &new.family_id,
            ))))
            .update_expression("SET last_used_at = :now")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(revoked_at)")
            .expression_attribute_values(":now", s(&now_text))
            .build()
            .expect("update");
        let mut account_may_act = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::account(&new.account_id))))
            .condition_expression(ACTIVE_WITH_GENERATION)
            .expression_attribute_names("#status", "status");
        for (name, value) in active_with_generation_values(new.token_generation, now) {
            account_may_act = account_may_act.expression_attribute_values(name, value);
        }
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(mark_used).build())
            .transact_items(put_if_absent(
                &self.table,
                to_item(new, keys::refresh_token(new_digest)),
            ))
            .transact_items(TransactWriteItem::builder().update(touch_family).build())
            .transact_items(
                TransactWriteItem::builder()
                    .condition_check(account_may_act.build().expect("condition check"))
                    .build(),
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) => {
                match cancellation_codes(&error) {
                    Some(codes) => {
                        let failed =
                            |i: usize| codes.get(i).is_some_and(|c| c == "ConditionalCheckFailed");
                        if failed(0) {
                            Err(RotateError::AlreadyUsed)
                        } else if failed(2) || failed(3) {
                            Err(RotateError::Refused)
                        } else {
                            // A transaction conflict with a concurrent rotation of the same
                            // token: treat it as the reuse it is.
                            Err(RotateError::AlreadyUsed)
                        }
                    }
                    None => Err(StoreError::backend(error).into()),
                }
            }
        }
    }

    /// Ends a login: no token of the family refreshes again. Idempotent.
    pub async fn revoke_family(
        &self,
        account_id: &str,
        family_id: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::session_family(account_id, family_id))))
            .update_expression("SET revoked_at = if_not_exists(revoked_at, :now)")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":now", s(rfc3339::format(now)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if condition_failed(&error) => Ok(()),
            Err(error) => Err(StoreError::backend(error)),
        }
    }
}

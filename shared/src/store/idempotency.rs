//! Idempotency keys in the store: the record of the first answer is written in the
//! same transaction as what the request writes, so the paid path stays one request,
//! and of concurrent requests with one key exactly one writes
//! ([`crate::domain::idempotency`] says what is remembered and what a retry gets).

use time::OffsetDateTime;

use super::expr::Condition;
use super::transaction::put_if;
use super::{Store, StoreError, indexed, keys, n, to_item};
use crate::domain::idempotency::{IdempotencyRecord, IdempotentRequest, Replay, StoredAnswer};

/// A request under an idempotency key, and how to render the answer to remember from
/// what the request writes (rendered before the write, stored with it).
pub struct Remembered<'a, T: ?Sized> {
    pub request: &'a IdempotentRequest,
    pub answer: &'a T,
}

impl Store {
    /// The record of `answer` to `request`, as one write of the transaction that makes
    /// the request's change: refused when the key is taken and not yet expired.
    pub(crate) fn idempotency_record(
        &self,
        request: &IdempotentRequest,
        answer: StoredAnswer,
        now: OffsetDateTime,
    ) -> aws_sdk_dynamodb::types::TransactWriteItem {
        let record = IdempotencyRecord::of(request, answer, now);
        put_if(
            &self.table,
            indexed(
                to_item(
                    &record,
                    keys::idempotency(&request.account_id, &request.key_digest),
                ),
                keys::idempotency_index(&request.account_id, &request.key_digest),
            ),
            // DynamoDB deletes expired items some time after they expire: until then an
            // expired record may be replaced.
            Some(
                Condition::new("attribute_not_exists(pk) OR expires_at_epoch < :now")
                    .value(":now", n(now.unix_timestamp())),
            ),
        )
    }

    /// The first answer under `request`'s key, if the same request made it.
    pub async fn replay(
        &self,
        request: &IdempotentRequest,
        now: OffsetDateTime,
    ) -> Result<Replay, StoreError> {
        let record: Option<IdempotencyRecord> = self
            .get_as(keys::idempotency(&request.account_id, &request.key_digest))
            .await?;
        Ok(IdempotencyRecord::replay(record, request, now))
    }
}

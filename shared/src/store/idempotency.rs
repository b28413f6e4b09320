//! Idempotency keys: a client that retries a paid or money request with the same
//! `Idempotency-Key` gets the first answer and is charged once. The record of the
//! first answer is written in the same transaction as what the request writes, so the
//! paid path stays one request, and of concurrent requests with one key exactly one
//! writes.

use aws_lc_rs::digest;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::expr::Condition;
use super::transaction::put_if;
use super::{Store, StoreError, indexed, keys, n, to_item};
use crate::domain::AccountId;
use crate::domain::Timestamp;

/// How long a key is remembered.
pub const IDEMPOTENCY_SECONDS: i64 = 24 * 60 * 60;

/// A request made under an idempotency key: whose, which key, and what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentRequest {
    pub account_id: AccountId,
    /// Hex SHA-256 of the client's key (any printable key, one fixed-size store key).
    pub key_digest: String,
    /// Hex SHA-256 of the method, path and body: the same key with another request is
    /// refused.
    pub request_digest: String,
}

impl IdempotentRequest {
    pub fn new(account_id: &AccountId, key: &str, method: &str, path: &str, body: &[u8]) -> Self {
        let mut request = Vec::with_capacity(body.len() + path.len() + 16);
        request.extend_from_slice(method.as_bytes());
        request.push(b' ');
        request.extend_from_slice(path.as_bytes());
        request.push(b'\n');
        request.extend_from_slice(body);
        Self {
            account_id: account_id.clone(),
            key_digest: hex(digest::digest(&digest::SHA256, key.as_bytes()).as_ref()),
            request_digest: hex(digest::digest(&digest::SHA256, &request).as_ref()),
        }
    }
}

/// A request under an idempotency key, and how to render the answer to remember from
/// what the request writes (rendered before the write, stored with it).
pub struct Remembered<'a, T: ?Sized> {
    pub request: &'a IdempotentRequest,
    pub answer: &'a T,
}

/// The first answer to a request under a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAnswer {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct IdempotencyRecord {
    account_id: AccountId,
    request_digest: String,
    answer: StoredAnswer,
    created_at: Timestamp,
    expires_at_epoch: i64,
}

/// What a request under a key that was used before gets.
#[derive(Debug, PartialEq, Eq)]
pub enum Replay {
    /// The same request: its first answer.
    Answer(StoredAnswer),
    /// Another request under the same key.
    KeyReused,
    /// No record (it expired, or the write that claimed the key did not commit).
    Nothing,
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
        let record = IdempotencyRecord {
            account_id: request.account_id.clone(),
            request_digest: request.request_digest.clone(),
            answer,
            created_at: Timestamp::at(now),
            expires_at_epoch: now.unix_timestamp() + IDEMPOTENCY_SECONDS,
        };
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
        Ok(match record {
            Some(record) if record.expires_at_epoch >= now.unix_timestamp() => {
                if record.request_digest == request.request_digest {
                    Replay::Answer(record.answer)
                } else {
                    Replay::KeyReused
                }
            }
            _ => Replay::Nothing,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

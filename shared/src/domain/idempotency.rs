//! Idempotency keys (Stripe's convention): a client that retries a paid or money
//! request with the same `Idempotency-Key` gets the first answer and is charged once;
//! the same key with another request is refused. What is remembered, for how long, and
//! what a retry gets.

use aws_lc_rs::digest;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{AccountId, Timestamp};

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

/// The first answer to a request under a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAnswer {
    pub status: u16,
    pub body: String,
}

/// The first answer to a request under a key, as remembered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub account_id: AccountId,
    pub request_digest: String,
    pub answer: StoredAnswer,
    pub created_at: Timestamp,
    /// Until then the key is taken (TTL deletes the record some time after).
    pub expires_at_epoch: i64,
}

impl IdempotencyRecord {
    /// The record of `answer` to `request`, made at `now` and kept for
    /// [`IDEMPOTENCY_SECONDS`].
    pub fn of(request: &IdempotentRequest, answer: StoredAnswer, now: OffsetDateTime) -> Self {
        Self {
            account_id: request.account_id.clone(),
            request_digest: request.request_digest.clone(),
            answer,
            created_at: Timestamp::at(now),
            expires_at_epoch: now.unix_timestamp() + IDEMPOTENCY_SECONDS,
        }
    }

    /// What a request under a key that was used before gets from the record found
    /// (`None`: none).
    pub fn replay(
        record: Option<Self>,
        request: &IdempotentRequest,
        now: OffsetDateTime,
    ) -> Replay {
        match record {
            Some(record) if record.expires_at_epoch >= now.unix_timestamp() => {
                if record.request_digest == request.request_digest {
                    Replay::Answer(record.answer)
                } else {
                    Replay::KeyReused
                }
            }
            _ => Replay::Nothing,
        }
    }
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    #[test]
    fn a_key_replays_its_first_answer_to_the_same_request_for_a_day() {
        let ada = AccountId::new();
        let request = IdempotentRequest::new(&ada, "key-1", "POST", "/v1/x", b"{}");
        let other = IdempotentRequest::new(&ada, "key-1", "POST", "/v1/x", b"{\"a\":1}");
        assert_eq!(request.key_digest, other.key_digest);
        assert_ne!(request.request_digest, other.request_digest);
        let answer = StoredAnswer {
            status: 201,
            body: "{}".into(),
        };
        let record = IdempotencyRecord::of(&request, answer.clone(), NOW);
        assert_eq!(record.expires_at_epoch, NOW.unix_timestamp() + 86_400);
        let at = |seconds| NOW + time::Duration::seconds(seconds);
        let cases = [
            (
                Some(record.clone()),
                &request,
                at(60),
                Replay::Answer(answer),
            ),
            (Some(record.clone()), &other, at(60), Replay::KeyReused),
            (Some(record.clone()), &request, at(86_401), Replay::Nothing),
            (None, &request, at(0), Replay::Nothing),
        ];
        for (record, request, now, expected) in cases {
            assert_eq!(IdempotencyRecord::replay(record, request, now), expected);
        }
    }
}

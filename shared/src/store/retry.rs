//! Read → decide → commit, once more when the commit loses a race. A write reads what
//! its decision needs (or nothing, on a first blind attempt), lets the domain decide,
//! and commits the plan with the values it read as conditions. When a condition no
//! longer holds, or another transaction was writing the same items, nothing was written:
//! the write reads again and decides again, after a short random pause, a bounded
//! number of times. This is the one loop every write of the store runs.

use std::future::Future;

use super::{Failure, StoreError};

/// How many times a write is decided and committed before the store gives up.
const MAX_ATTEMPTS: u32 = 200;

/// How one attempt of a write ended, when it did not commit.
#[derive(Debug)]
pub(crate) enum Attempt<R> {
    /// The decision refused: the answer, not retried.
    Refused(R),
    /// A condition made of what was read no longer held, or another transaction was in
    /// the way: nothing was written; read and decide again.
    Raced,
    /// The store failed.
    Store(StoreError),
}

impl<R> From<StoreError> for Attempt<R> {
    /// A conflict wrote nothing: it is a lost race, whichever request met it.
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(_) => Self::Raced,
            error => Self::Store(error),
        }
    }
}

/// Runs `attempt` (given its number, from 0) until it commits, refuses or fails,
/// pausing before each new attempt after a lost race.
pub(crate) async fn retrying<T, R, Fut>(
    mut attempt: impl FnMut(u32) -> Fut,
) -> Result<T, Failure<R>>
where
    Fut: Future<Output = Result<T, Attempt<R>>>,
{
    for number in 0..MAX_ATTEMPTS {
        if number > 0 {
            backoff(number - 1).await;
        }
        match attempt(number).await {
            Ok(done) => return Ok(done),
            Err(Attempt::Refused(refusal)) => return Err(Failure::Refused(refusal)),
            Err(Attempt::Store(error)) => return Err(Failure::Store(error)),
            Err(Attempt::Raced) => {}
        }
    }
    Err(Failure::Store(StoreError::Unavailable(format!(
        "a write lost {MAX_ATTEMPTS} races in a row"
    ))))
}

/// A short random pause before trying a conflicting write again, growing with `attempt`.
pub(crate) async fn backoff(attempt: u32) {
    let [byte] = crate::random::random_bytes::<1>();
    let millis = 1 + u64::from(byte) % u64::from(2 + attempt.min(20));
    tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
}

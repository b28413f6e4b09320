//! Throttling password guesses per account: after [`FREE_FAILURES`] failed logins in a
//! row, logins to the account are refused (429, even with the right password) for a
//! backoff that doubles with every further failure, from [`FIRST_BACKOFF_SECONDS`] up to
//! [`MAX_BACKOFF_SECONDS`]. A successful login starts the count again. The count and
//! the end of the backoff live on the account item (`failed_logins`,
//! `login_locked_until`); see `docs/data-model.md` for how they are written.

use time::OffsetDateTime;

use super::Account;

/// Failed logins in a row that are answered 401 before the account is throttled.
pub const FREE_FAILURES: u32 = 10;
/// The backoff after the [`FREE_FAILURES`]th failure in a row.
pub const FIRST_BACKOFF_SECONDS: i64 = 30;
/// The longest backoff (reached at the 15th failure in a row).
pub const MAX_BACKOFF_SECONDS: i64 = 15 * 60;

/// How long logins are refused after `failures` failed logins in a row: nothing below
/// [`FREE_FAILURES`], then 30 s, 60 s, 120 s… at most 15 minutes.
pub fn backoff_after(failures: u32) -> Option<i64> {
    let beyond = failures.checked_sub(FREE_FAILURES)?;
    let doubled = 1_i64.checked_shl(beyond.min(32)).unwrap_or(i64::MAX);
    Some(
        FIRST_BACKOFF_SECONDS
            .saturating_mul(doubled)
            .min(MAX_BACKOFF_SECONDS),
    )
}

impl Account {
    /// Seconds until this account takes login attempts again; `None` when it takes them
    /// now.
    pub fn login_retry_after(&self, now: OffsetDateTime) -> Option<u64> {
        let until = self.login_locked_until?;
        let wait = until.saturating_sub(now.unix_timestamp());
        (wait > 0).then_some(wait.unsigned_abs())
    }

    /// The end of the backoff one more failed login would start (Unix seconds), if it
    /// starts one.
    pub fn lock_after_one_more_failure(&self, now: OffsetDateTime) -> Option<i64> {
        backoff_after(self.failed_logins.saturating_add(1))
            .map(|seconds| now.unix_timestamp().saturating_add(seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_starts_at_the_tenth_failure_and_doubles_to_fifteen_minutes() {
        let expected = [
            (0, None),
            (9, None),
            (10, Some(30)),
            (11, Some(60)),
            (12, Some(120)),
            (13, Some(240)),
            (14, Some(480)),
            (15, Some(900)),
            (16, Some(900)),
            (64, Some(900)),
            (u32::MAX, Some(900)),
        ];
        for (failures, backoff) in expected {
            assert_eq!(backoff_after(failures), backoff, "{failures} failures");
        }
    }
}

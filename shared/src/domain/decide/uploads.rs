//! Issuing a voice upload URL: only to an account the gate admits (a token logged out,
//! revoked or of a blocked account gets none), and at most so many an hour per account,
//! counted on the account item.

use time::OffsetDateTime;

use super::complaints::{hour_of, seconds_to_next_hour};
use crate::domain::{Account, AccountCondition, AccountUpdate, AccountWrite};
use crate::gate::{Gate, Refusal};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadRefusal {
    Gate(Refusal),
    /// The account was issued its hourly number of upload URLs.
    TooMany {
        retry_after_seconds: u32,
    },
}

/// One more upload URL for the caller: the count in the hour's window, written on
/// condition that the gate still admits the caller and the count is still the one read.
pub fn issue_upload(
    gate: &Gate,
    account: Option<&Account>,
    per_hour: u32,
    now: OffsetDateTime,
) -> Result<AccountWrite, UploadRefusal> {
    gate.admit(account, now).map_err(UploadRefusal::Gate)?;
    let account = account.expect("admitted");
    let window = hour_of(now);
    let issued = match &account.upload_window {
        Some(w) if *w == window => account.uploads_in_window,
        _ => 0,
    };
    if issued >= per_hour {
        return Err(UploadRefusal::TooMany {
            retry_after_seconds: seconds_to_next_hour(now),
        });
    }
    Ok(AccountWrite {
        account_id: account.id.clone(),
        update: AccountUpdate {
            upload_window: Some((window, issued + 1)),
            ..Default::default()
        },
        requires: vec![
            AccountCondition::Gate(gate.clone()),
            AccountCondition::UploadsInWindowAsRead(account.uploads_in_window),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccountStatus;
    use crate::domain::decide::tests::{account, gate_of};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    #[test]
    fn uploads_are_issued_to_admitted_accounts_within_the_hourly_limit() {
        let ada = account(&[]);
        let gate = gate_of(&ada);
        // (window read, count read) → the count written, or the refusal
        let cases = [
            (None, 0, Ok(1), "never counted"),
            (Some("2027-03-01T10"), 4, Ok(5), "within the hour"),
            (
                Some("2027-03-01T09"),
                5,
                Ok(1),
                "an hour later the count starts again",
            ),
            (
                Some("2027-03-01T10"),
                5,
                Err(UploadRefusal::TooMany {
                    retry_after_seconds: 44 * 60 + 30,
                }),
                "the limit reached",
            ),
        ];
        for (window, issued, expected, why) in cases {
            let mut seen = ada.clone();
            seen.upload_window = window.map(str::to_owned);
            seen.uploads_in_window = issued;
            let decided = issue_upload(&gate, Some(&seen), 5, NOW);
            match (decided, expected) {
                (Ok(write), Ok(count)) => {
                    assert_eq!(
                        write.update.upload_window,
                        Some(("2027-03-01T10".to_owned(), count)),
                        "{why}"
                    );
                    assert!(
                        write
                            .requires
                            .contains(&AccountCondition::UploadsInWindowAsRead(issued)),
                        "{why}"
                    );
                    assert!(
                        write
                            .requires
                            .contains(&AccountCondition::Gate(gate.clone()))
                    );
                }
                (decided, expected) => assert_eq!(decided.map(drop), expected.map(drop), "{why}"),
            }
        }
        let mut blocked = ada.clone();
        blocked.status = AccountStatus::Blocked;
        assert_eq!(
            issue_upload(&gate, Some(&blocked), 5, NOW),
            Err(UploadRefusal::Gate(Refusal::Unauthenticated))
        );
        assert_eq!(
            issue_upload(&gate, None, 5, NOW),
            Err(UploadRefusal::Gate(Refusal::Unauthenticated))
        );
    }
}

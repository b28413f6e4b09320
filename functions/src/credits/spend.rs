//! The spending primitive as the paid routes use it: one transaction debits the cost
//! (only if the balance covers it and the caller may act) and writes the item paid for.

use natives_shared::auth::AuthUser;
use natives_shared::domain::LedgerEntry;
use natives_shared::http::ApiError;
use natives_shared::store::{BalanceOutcome, Item};

use crate::App;
use crate::app::revoked_token;

/// Debits `cost` credits for `paid_item`; 402 `insufficient_credits` (with `required`
/// and `available`) when the balance does not cover it, and then nothing is written.
pub async fn spend(
    app: &App,
    caller: &AuthUser,
    cost: i64,
    reference: &str,
    paid_item: Item,
) -> Result<LedgerEntry, ApiError> {
    match app
        .store
        .spend_credits(caller, cost, reference, paid_item, app.now())
        .await?
    {
        BalanceOutcome::Applied { entry, .. } => Ok(entry),
        BalanceOutcome::Insufficient { available } => Err(ApiError::InsufficientCredits {
            required: cost,
            available,
        }),
        BalanceOutcome::NotAllowed | BalanceOutcome::NoAccount => Err(revoked_token()),
        BalanceOutcome::Refused { .. } => Err(ApiError::Conflict {
            code: "already_exists",
            detail: "This has already been written.".into(),
        }),
    }
}

//! The outbox as a developer reads it: each queued e-mail with the address it is for,
//! its text and its state (`natives-local outbox list`, and `--json` for scripts and
//! tests that need the code a user would receive).

use natives_shared::domain::decide::outbox::recipient;
use natives_shared::domain::{EmailKind, EmailStatus, OutboxEmail, Timestamp};
use natives_shared::store::{Store, StoreError};
use serde::Serialize;

/// One e-mail, as `outbox list --json` prints it (one object a line).
#[derive(Debug, Clone, Serialize)]
pub struct OutboxRow {
    pub id: String,
    pub kind: EmailKind,
    /// The address it goes to, or `null` when its account is gone.
    pub to: Option<String>,
    pub subject: String,
    pub text: String,
    pub status: EmailStatus,
    pub created_at: Timestamp,
    /// The rest, for the human listing.
    #[serde(skip)]
    pub email: OutboxEmail,
}

/// Every e-mail in the outbox, oldest first, with the address each goes to.
pub async fn rows(store: &Store) -> Result<Vec<OutboxRow>, StoreError> {
    let mut rows = Vec::new();
    for email in store.outbox().await? {
        let to = store
            .get_account(&email.account_id)
            .await?
            .map(|account| recipient(&account, &email).to_string());
        rows.push(OutboxRow {
            id: email.id.clone(),
            kind: email.kind,
            to,
            subject: email.subject.clone(),
            text: email.body.clone(),
            status: email.status,
            created_at: email.created_at,
            email,
        });
    }
    Ok(rows)
}

//! Invitations a member sends a friend by e-mail. The friend's address is the inviter's
//! personal data (exported with the inviter, erased with the inviter); an address that
//! opted out is kept only as a keyed hash, which is nobody's account's data.

use serde::{Deserialize, Serialize};

use super::{AccountId, Email, InvitationId, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Sent,
    Joined,
}

/// One invitation, in the inviter's partition. The friend's address stays only until
/// they join (then their account, shown by its display name, stands for them) or the
/// invitation expires (TTL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub inviter_id: AccountId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// The keyed hash of the address (what an opt-out keeps, and what makes one
    /// inviter's invitations to one address unique).
    pub address_digest: String,
    /// The SHA-256 of the code's secret: the code itself is only in the e-mail.
    pub code_digest: String,
    pub status: InvitationStatus,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_account_id: Option<AccountId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_at: Option<Timestamp>,
    /// Unix time when the table forgets an invitation nobody joined with (TTL); absent
    /// once joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_epoch: Option<i64>,
}

/// The claim that one inviter invited one address (by its keyed hash): a second
/// invitation to it is refused while the claim lives (as long as the invitation, or for
/// good once joined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitedAddress {
    pub invitation_id: InvitationId,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_epoch: Option<i64>,
}

/// An address that asked never to be invited again: only its keyed hash (the item's key)
/// and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationOptOut {
    pub created_at: Timestamp,
}

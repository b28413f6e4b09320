//! What the inviter sees of an invitation.

use natives_shared::domain::invitation::{Invitation, InvitationStatus};
use natives_shared::domain::{AccountId, Author, Email, InvitationId, Timestamp};
use serde::Serialize;

/// An invitation as its sender sees it: the friend's address while it is only sent; once
/// they joined, their account (id and current display name), never their address.
#[derive(Serialize)]
pub struct InvitationView<'a> {
    id: &'a InvitationId,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a Email>,
    status: InvitationStatus,
    created_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    joined_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    friend: Option<FriendView<'a>>,
}

#[derive(Serialize)]
struct FriendView<'a> {
    id: &'a AccountId,
    display_name: &'a str,
}

impl<'a> InvitationView<'a> {
    pub fn new(invitation: &'a Invitation, friend: Option<&'a Author>) -> Self {
        let joined = invitation.status == InvitationStatus::Joined;
        Self {
            id: &invitation.id,
            email: invitation.email.as_ref().filter(|_| !joined),
            status: invitation.status,
            created_at: invitation.created_at,
            joined_at: invitation.joined_at,
            friend: invitation
                .joined_account_id
                .as_ref()
                .filter(|_| joined)
                .map(|id| FriendView {
                    id,
                    display_name: friend.map_or("Former member", |f| f.display_name.as_str()),
                }),
        }
    }
}

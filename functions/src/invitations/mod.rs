//! Invitations to friends: sending one, listing one's own, and an address opting out.

pub mod list_invitations;
pub mod opt_out;
pub mod send_invitation;
mod views;

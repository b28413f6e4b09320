//! Invitations: sending one (the caller's daily count, the invitation, its claim and its
//! e-mail in one transaction), listing the caller's, joining one with a registration
//! (parts of the registration's transaction), and an address opting out.

use aws_sdk_dynamodb::types::TransactWriteItem;
use time::OffsetDateTime;

use super::account_writes::account_part;
use super::expr::{Condition, Placeholders};
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, put_new, update, update_any};
use super::{
    Failure, Store, StoreError, done_unless_failed, from_item, key_item, keys, s, to_item,
};
use crate::domain::decide::invitations::{
    self, FreshInvitation, InvitationSettings, InvitePlan, InviteRefusal, JoinPlan, OptOutRefusal,
};
use crate::domain::invitation::{Invitation, InvitationStatus};
use crate::domain::{AccountId, Author, Email, InvitationId};
use crate::gate::{Gate, Refusal};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Invite {
    Account,
    Invitation,
    Claim,
    Email,
}

/// An invitation of the caller's as listed: the friend's account once they joined.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedInvitation {
    pub invitation: Invitation,
    pub friend: Option<Author>,
}

/// Whether `cursor` is shaped like the cursor of an invitations page (an invitation id).
pub fn is_invitation_cursor(cursor: &str) -> bool {
    InvitationId::parse(cursor).is_ok()
}

impl Store {
    /// The caller invites `friend` ([`invitations::invite`]): the caller's account and the
    /// address's opt-out read in one request, then one transaction whose claim refuses a
    /// second invitation of the address by the caller. Whether the address has an
    /// account is never read.
    pub async fn invite(
        &self,
        caller: &Gate,
        friend: &Email,
        fresh: &FreshInvitation,
        settings: &InvitationSettings,
        now: OffsetDateTime,
    ) -> Result<Invitation, Failure<InviteRefusal>> {
        retrying(move |_| async move {
            let (account, opt_out) = self
                .get_two(
                    keys::account(&caller.account_id),
                    keys::invitation_opt_out(&fresh.address_digest),
                )
                .await?;
            let account = account.map(from_item).transpose()?;
            let plan = invitations::invite(
                caller,
                account.as_ref(),
                friend,
                opt_out.is_some(),
                fresh.clone(),
                settings,
                now,
            )
            .map_err(Attempt::Refused)?;
            match self.commit_invitation(&plan, now).await {
                Ok(()) => Ok(plan.invitation),
                Err(error) if error.refused(Invite::Claim) => {
                    Err(Attempt::Refused(InviteRefusal::AlreadyInvited))
                }
                Err(error) => Err(error.into()),
            }
        })
        .await
    }

    async fn commit_invitation(
        &self,
        plan: &InvitePlan,
        now: OffsetDateTime,
    ) -> Result<(), super::transaction::TransactionError<Invite>> {
        let invitation = &plan.invitation;
        Transaction::new()
            .part(
                Invite::Account,
                account_part(&self.table, &plan.account, now),
            )
            .part(
                Invite::Invitation,
                put_new(
                    &self.table,
                    to_item(
                        invitation,
                        keys::invitation(&invitation.inviter_id, &invitation.id),
                    ),
                ),
            )
            .part(
                Invite::Claim,
                put_new(
                    &self.table,
                    to_item(
                        &plan.claim,
                        keys::invited_address(&invitation.inviter_id, &invitation.address_digest),
                    ),
                ),
            )
            .parts(
                plan.email
                    .iter()
                    .map(|email| (Invite::Email, self.outbox_put(email))),
            )
            .commit(self)
            .await
    }

    /// The caller's invitations, newest first, a page at a time: one query, then the
    /// friends who joined and the caller (for the gate) in one batch read. A friend is
    /// shown by their current display name ("Former member" once erased).
    pub async fn invitations(
        &self,
        caller: &Gate,
        limit: u16,
        cursor: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(Vec<ListedInvitation>, Option<String>), Failure<Refusal>> {
        let before = cursor
            .and_then(|c| InvitationId::parse(c).ok())
            .map(|id| keys::invitation(&caller.account_id, &id).sk);
        let (items, more) = self
            .query_prefix(
                &keys::account(&caller.account_id).pk,
                keys::INVITATION_PREFIX,
                false,
                Some(limit),
                before,
            )
            .await?;
        let invitations: Vec<Invitation> =
            items.into_iter().map(from_item).collect::<Result<_, _>>()?;
        let joined: Vec<&AccountId> = invitations
            .iter()
            .filter_map(|i| i.joined_account_id.as_ref())
            .collect();
        let (mut friends, _) = self.authors(joined, Some(caller), now).await?;
        let next = more
            .then(|| invitations.last().map(|i| i.id.to_string()))
            .flatten();
        let listed = invitations
            .into_iter()
            .map(|invitation| ListedInvitation {
                friend: invitation
                    .joined_account_id
                    .as_ref()
                    .and_then(|id| friends.remove(id)),
                invitation,
            })
            .collect();
        Ok((listed, next))
    }

    /// The invitation a code names (by the ids in it), as stored; `None` when there is none.
    pub async fn invitation(
        &self,
        inviter_id: &AccountId,
        invitation_id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.get_as(keys::invitation(inviter_id, invitation_id))
            .await
    }

    /// The parts a registration that joins an invitation adds to its transaction: the
    /// invitation joined (on condition that it is still sent, with this code), its
    /// address's claim kept for good (no second invitation once the friend is here), and
    /// the inviter's notification.
    pub(crate) fn join_parts(&self, plan: &JoinPlan) -> [TransactWriteItem; 3] {
        let joined = update(
            &self.table,
            key_item(&keys::invitation(&plan.inviter_id, &plan.invitation_id)),
            "SET #status = :joined, joined_account_id = :joiner, joined_at = :at \
             REMOVE email, expires_at_epoch",
            Condition::new("#status = :sent AND code_digest = :code")
                .name("#status", "status")
                .value(":sent", super::value(&InvitationStatus::Sent))
                .value(":joined", super::value(&InvitationStatus::Joined))
                .value(":joiner", s(plan.joined_account_id.as_str()))
                .value(":at", super::value(&plan.joined_at))
                .value(":code", s(&plan.code_digest)),
        );
        // Made again if the table's TTL sweep took it first (it expires with the
        // invitation, and the sweep is not punctual).
        let claim = update_any(
            &self.table,
            key_item(&keys::invited_address(
                &plan.inviter_id,
                &plan.address_digest,
            )),
            "SET invitation_id = :id, created_at = if_not_exists(created_at, :at) \
             REMOVE expires_at_epoch",
            &Placeholders::default()
                .value(":id", s(plan.invitation_id.as_str()))
                .value(":at", super::value(&plan.joined_at)),
        );
        [
            joined,
            claim,
            put_new(&self.table, self.notification_item(&plan.notification)),
        ]
    }

    /// The address of the invitation `code_digest` belongs to opts out of invitations
    /// ([`invitations::opt_out`]): its keyed hash is written, once (a repeat changes
    /// nothing).
    pub async fn opt_out_of_invitations(
        &self,
        inviter_id: &AccountId,
        invitation_id: &InvitationId,
        code_digest: &str,
        now: OffsetDateTime,
    ) -> Result<(), Failure<OptOutRefusal>> {
        let invitation = self.invitation(inviter_id, invitation_id).await?;
        let plan = invitations::opt_out(invitation.as_ref(), code_digest, now)
            .map_err(Failure::Refused)?;
        let item = to_item(
            &plan.opt_out,
            keys::invitation_opt_out(&plan.address_digest),
        );
        // The first opt-out's moment stays.
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        done_unless_failed(result).map_err(Failure::Store)
    }
}

//! Social login's items: the authorization state (one item per sign-in in progress, TTL,
//! used up by a conditional delete) and the identity claims (one per provider and
//! subject, so an identity opens exactly one account), linked and unlinked together with
//! the account's own list of its identities in one transaction.

use aws_sdk_dynamodb::types::ReturnValue;
use time::{Duration, OffsetDateTime};

use super::account_writes::account_part;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, TransactionError, delete_if, put_new};
use super::{
    Failure, Store, StoreError, condition_failed, from_item, indexed, key_item, keys, s, to_item,
};
use crate::domain::decide::social::{self, IdentityPlan, SignIn, SocialRefusal};
use crate::domain::social::{AuthorizationState, Identity, Provider, ProviderProfile};
use crate::domain::{Account, AccountId};
use crate::gate::Gate;

/// The claim item of `identity`, found under its account in the index.
pub(crate) fn identity_item(identity: &Identity) -> super::Item {
    indexed(
        to_item(
            identity,
            keys::social_identity(identity.provider, &identity.subject),
        ),
        keys::social_identity_index(&identity.account_id, identity.provider),
    )
}

impl Store {
    /// Keeps a new authorization's state until its callback (or its TTL).
    pub async fn put_social_authorization(
        &self,
        state: &AuthorizationState,
    ) -> Result<(), StoreError> {
        let item = to_item(state, keys::social_authorization(&state.state));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(StoreError::backend)?;
        Ok(())
    }

    /// Takes the authorization `state` names, deleting it on condition that it exists: of
    /// two callbacks with one state, one gets it and the other nothing.
    pub async fn take_social_authorization(
        &self,
        state: &str,
    ) -> Result<Option<AuthorizationState>, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&keys::social_authorization(state))))
            .condition_expression("attribute_exists(pk)")
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(output) => output.attributes.map(from_item).transpose(),
            Err(error) if condition_failed(&error) => Ok(None),
            Err(error) => Err(StoreError::backend(error)),
        }
    }

    async fn social_identity(
        &self,
        provider: Provider,
        subject: &crate::domain::social::Subject,
    ) -> Result<Option<Identity>, StoreError> {
        self.get_as(keys::social_identity(provider, subject)).await
    }

    /// What a verified provider identity leads to ([`social::sign_in`]): its claim and the
    /// account it names, or else the account holding its e-mail address.
    pub async fn social_sign_in(
        &self,
        profile: ProviderProfile,
        lifetime: Duration,
        now: OffsetDateTime,
    ) -> Result<SignIn, Failure<SocialRefusal>> {
        let claim = self
            .social_identity(profile.provider, &profile.subject)
            .await?;
        let owner: Option<Account> = match &claim {
            Some(claim) => self.get_account(&claim.account_id).await?,
            None => None,
        };
        let holder = match (&claim, &profile.email) {
            (None, Some(email)) => self.account_for_login(email).await?,
            _ => None,
        };
        social::sign_in(
            profile,
            claim.as_ref().map(|claim| (claim, owner.as_ref())),
            holder.as_ref(),
            lifetime,
            now,
        )
        .map_err(Failure::Refused)
    }

    /// The caller's linked identities, as its account lists them.
    pub async fn social_identities(
        &self,
        caller: &Gate,
        now: OffsetDateTime,
    ) -> Result<Vec<Identity>, Failure<crate::gate::Refusal>> {
        let account = self.caller_account(caller, now).await?;
        if account.identities.is_empty() {
            return Ok(Vec::new());
        }
        let claims = self
            .batch_get(
                account
                    .identities
                    .iter()
                    .map(|(provider, subject)| keys::social_identity(*provider, subject)),
                None,
                true,
            )
            .await?;
        let mut identities = claims
            .into_iter()
            .map(from_item::<Identity>)
            .collect::<Result<Vec<_>, _>>()?;
        identities.retain(|identity| identity.account_id == account.id);
        identities.sort_by_key(|identity| identity.provider);
        Ok(identities)
    }

    /// Links `profile` to the caller ([`social::link`]), whose password proved to be
    /// the one hashed as `proved_hash`: the claim (on condition no one holds it) and the
    /// account's list, in one transaction.
    pub async fn link_social_identity(
        &self,
        caller: &Gate,
        proved_hash: &str,
        profile: &ProviderProfile,
        now: OffsetDateTime,
    ) -> Result<Identity, Failure<SocialRefusal>> {
        retrying(|_| async {
            let (account, claim) = self
                .get_two(
                    keys::account(&caller.account_id),
                    keys::social_identity(profile.provider, &profile.subject),
                )
                .await?;
            let account: Option<Account> = account.map(from_item).transpose()?;
            let claim: Option<Identity> = claim.map(from_item).transpose()?;
            let plan = social::link(
                caller,
                account.as_ref(),
                proved_hash,
                profile,
                claim.as_ref(),
                now,
            )
            .map_err(Attempt::Refused)?;
            self.commit_identity_plan(&plan, true, now).await?;
            Ok(plan.identity)
        })
        .await
    }

    /// Unlinks the caller's identity of `provider` ([`social::unlink`]).
    pub async fn unlink_social_identity(
        &self,
        caller: &Gate,
        provider: Provider,
        now: OffsetDateTime,
    ) -> Result<(), Failure<SocialRefusal>> {
        retrying(|_| async {
            let account = self.get_account(&caller.account_id).await?;
            caller
                .admit(account.as_ref(), now)
                .map_err(|refusal| Attempt::Refused(SocialRefusal::Gate(refusal)))?;
            let account = account.expect("admitted");
            let subject = social::linked_subject(&account, provider).map_err(Attempt::Refused)?;
            let claim = self.social_identity(provider, subject).await?;
            let plan = social::unlink(caller, Some(&account), provider, claim.as_ref(), now)
                .map_err(Attempt::Refused)?;
            self.commit_identity_plan(&plan, false, now).await
        })
        .await
    }

    /// The claim put (`link`) or deleted, and the account's list, as one transaction: a
    /// refused condition is a race, read and decide again.
    async fn commit_identity_plan(
        &self,
        plan: &IdentityPlan,
        link: bool,
        now: OffsetDateTime,
    ) -> Result<(), Attempt<SocialRefusal>> {
        let identity = &plan.identity;
        let claim = if link {
            put_new(&self.table, identity_item(identity))
        } else {
            delete_if(
                &self.table,
                key_item(&keys::social_identity(identity.provider, &identity.subject)),
                super::expr::Condition::new("account_id = :owner")
                    .value(":owner", s(identity.account_id.as_str())),
            )
        };
        match Transaction::new()
            .part((), claim)
            .part((), account_part(&self.table, &plan.account, now))
            .commit(self)
            .await
        {
            Ok(()) => Ok(()),
            Err(TransactionError::Refused(_) | TransactionError::Conflict) => Err(Attempt::Raced),
            Err(TransactionError::Store(error)) => Err(Attempt::from(error)),
        }
    }

    /// The account an identity claim names (tests and the local stack's tools).
    pub async fn account_of_identity(
        &self,
        provider: Provider,
        subject: &crate::domain::social::Subject,
    ) -> Result<Option<AccountId>, StoreError> {
        Ok(self
            .social_identity(provider, subject)
            .await?
            .map(|identity| identity.account_id))
    }
}

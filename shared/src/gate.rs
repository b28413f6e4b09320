//! The caller gate: the one rule for who may act, in its two forms. A route either
//! reads the caller's account anyway (then [`Caller::admit`] judges the item it read) or
//! writes to it anyway (then [`Caller::condition`] is part of that write, and a refused
//! write is explained by reading the account and judging it with `admit`). Either way
//! the gate costs no DynamoDB request of its own.
//!
//! The rule, for a caller whose access token verified:
//! - the account exists, its `token_generation` is the token's (revoke-all and blocks
//!   bump it), the token's session has not ended (logout, refresh-token reuse), and the
//!   account is active (or its temporary block has run out) — else 401: the token no
//!   longer opens anything (for a closed, erased account the 401 says so, since
//!   logging in again cannot help);
//! - the account holds the role the route needs — else 403 `forbidden`;
//! - on a paid route, the account has accepted the current terms version — else 403
//!   `terms_not_accepted` (a terms change takes effect at the next paid action, at no
//!   extra request: the version is part of the same read or condition).
//!
//! A blocked account never reaches the second step with a token: blocking ends every
//! session, so its tokens are 401, and logging in answers 403 `account_blocked`.

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use crate::auth::AuthUser;
use crate::clock::rfc3339;
use crate::domain::{Account, AccountId, Role, SessionId};
use crate::store::expr::Condition;

/// A caller who presented a valid access token, with the role the route needs (from
/// the route's row in the function table). Not yet checked against the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account_id: AccountId,
    pub session_id: SessionId,
    pub generation: u64,
    pub required_role: Option<Role>,
    /// The name the token was issued with (for answers that show the caller as an
    /// author without reading the account). Never used to decide anything.
    pub display_name: Option<String>,
    /// The terms version the account must have accepted (paid routes: the current one).
    pub required_terms: Option<String>,
}

/// Why the gate refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The token opens nothing any more (or never named a live account).
    #[error("the token no longer opens this account")]
    Unauthenticated,
    /// The token's account is closed (its personal data erased): nothing opens it again,
    /// so the caller is not told to log in.
    #[error("the token's account is closed")]
    Closed,
    /// A live account without the role the route needs.
    #[error("the account lacks the {} role", role.as_str())]
    Forbidden { role: Role },
    /// A live account that has not accepted the current terms version (paid routes).
    #[error("the account has not accepted the terms version {version}")]
    TermsNotAccepted { version: String },
}

/// What the gate reads of an account: the whole item, or only these attributes of it
/// (a batch read that fetches the viewer with the authors of a page).
pub trait Standing {
    fn account_id(&self) -> &AccountId;
    fn token_generation(&self) -> u64;
    fn session_ended(&self, session: &SessionId) -> bool;
    fn active(&self, now: OffsetDateTime) -> bool;
    fn has_role(&self, role: Role) -> bool;
    fn accepted_terms_version(&self) -> Option<&str>;
    /// Whether the account is closed for good (erased). What reads only part of the
    /// item may not know: then the refusal is the generic one.
    fn closed(&self) -> bool {
        false
    }
}

impl Standing for Account {
    fn account_id(&self) -> &AccountId {
        &self.id
    }
    fn token_generation(&self) -> u64 {
        self.token_generation
    }
    fn session_ended(&self, session: &SessionId) -> bool {
        Account::session_ended(self, session)
    }
    fn active(&self, now: OffsetDateTime) -> bool {
        self.standing(now) == crate::domain::Standing::Active
    }
    fn has_role(&self, role: Role) -> bool {
        Account::has_role(self, role)
    }
    fn accepted_terms_version(&self) -> Option<&str> {
        Some(&self.accepted_terms_version)
    }
    fn closed(&self) -> bool {
        self.status == crate::domain::AccountStatus::Closed
    }
}

impl Caller {
    pub fn new(token: AuthUser, required_role: Option<Role>) -> Self {
        Self {
            account_id: token.account_id,
            session_id: token.session_id,
            generation: token.token_generation,
            required_role,
            display_name: token.display_name,
            required_terms: None,
        }
    }

    /// The caller of a paid route: the account must have accepted `version`.
    pub fn with_required_terms(mut self, version: &str) -> Self {
        self.required_terms = Some(version.to_owned());
        self
    }

    /// The rule, judged on the account item the route read.
    pub fn admit(
        &self,
        account: Option<&impl Standing>,
        now: OffsetDateTime,
    ) -> Result<(), Refusal> {
        let account = account.ok_or(Refusal::Unauthenticated)?;
        if *account.account_id() == self.account_id && account.closed() {
            return Err(Refusal::Closed);
        }
        let accepted = *account.account_id() == self.account_id
            && account.token_generation() == self.generation
            && !account.session_ended(&self.session_id)
            && account.active(now);
        if !accepted {
            return Err(Refusal::Unauthenticated);
        }
        if let Some(role) = self.required_role
            && !account.has_role(role)
        {
            return Err(Refusal::Forbidden { role });
        }
        match &self.required_terms {
            Some(version) if account.accepted_terms_version() != Some(version.as_str()) => {
                Err(Refusal::TermsNotAccepted {
                    version: version.clone(),
                })
            }
            _ => Ok(()),
        }
    }

    /// The rule, as a condition on the caller's account item (placeholders `#gate_*`
    /// and `:gate_*`, so it combines with any other condition on that item).
    pub(crate) fn condition(&self, now: OffsetDateTime) -> Condition {
        let condition = accepts_generation(self.generation, now)
            .and("attribute_not_exists(#gate_ended.#gate_session)")
            .name("#gate_ended", "ended_sessions")
            .name("#gate_session", self.session_id.as_str());
        let condition = match self.required_role {
            None => condition,
            Some(role) => condition
                .and("contains(#gate_roles, :gate_role)")
                .name("#gate_roles", "roles")
                .value(":gate_role", AttributeValue::S(role.as_str().into())),
        };
        match &self.required_terms {
            None => condition,
            Some(version) => condition
                .and("accepted_terms_version = :gate_terms")
                .value(":gate_terms", AttributeValue::S(version.clone())),
        }
    }
}

/// The first half of the rule (exists, active, this generation), for refresh: there the
/// refresh-token family stands for the session, and its own condition checks it.
pub(crate) fn accepts_generation(generation: u64, now: OffsetDateTime) -> Condition {
    Condition::new("attribute_exists(pk)")
        .and("token_generation = :gate_generation")
        .and("#gate_status = :gate_active OR (#gate_status = :gate_blocked AND blocked_until < :gate_now)")
        .name("#gate_status", "status")
        .value(":gate_generation", AttributeValue::N(generation.to_string()))
        .value(":gate_active", AttributeValue::S("active".into()))
        .value(":gate_blocked", AttributeValue::S("blocked".into()))
        .value(":gate_now", AttributeValue::S(rfc3339::format(now)))
}

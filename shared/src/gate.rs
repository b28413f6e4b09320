//! The caller gate: the one rule for who may act, in its two forms. A route either
//! reads the caller's account anyway (then [`Gate::admit`], a pure rule, judges the
//! item it read, usually inside the route's decision) or writes to it anyway (then the
//! store puts the same rule in that write's condition, and a refused write is read again
//! and judged by `admit`). Either way the gate costs no DynamoDB request of its own.
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
//!   extra request: the version is part of the same read or condition);
//! - on a paid route (paying and posting), a minor's guardian has confirmed consent
//!   through the e-mailed link, if one was asked — else 403 `guardian_consent_pending`
//!   (a self-declared guardian proves nothing; until then the account only reads and
//!   manages itself).
//!
//! A blocked account never reaches the second step with a full token: blocking ends
//! every session, so its tokens are 401, and logging in answers 403 `account_blocked`.
//! What it may still open is a privacy session (`SessionScope::Privacy`): for such a
//! token "may act" means "is not closed" (active or blocked), and the token step admits
//! it only to the routes that take it (the privacy rights; elsewhere 403
//! `account_blocked`), so a block never takes away the account's privacy rights and a
//! privacy token never opens anything else.

use time::OffsetDateTime;

use crate::auth::AuthUser;
use crate::domain::{Account, AccountId, AccountStatus, Role, SessionId, SessionScope, Standing};

/// What the gate requires of the account a verified access token names: the acting
/// account, and what its item must say for this request (the token's generation and
/// session, the role the route needs, the terms version a paid route needs). The store
/// takes this, not the whole caller: it is what it checks in its conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pub account_id: AccountId,
    pub session_id: SessionId,
    pub generation: u64,
    pub required_role: Option<Role>,
    /// The terms version the account must have accepted (paid routes: the current one).
    pub required_terms: Option<String>,
    /// The scope of the token's session: a privacy session's account may be blocked.
    pub scope: SessionScope,
}

/// A caller who presented a valid access token: the gate on its account (what it
/// dereferences to, so a caller is passed wherever a gate is asked for) and the name
/// the token was issued with. Not yet checked against the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub gate: Gate,
    /// The name the token was issued with (for answers that show the caller as an
    /// author without reading the account). Never used to decide anything.
    pub display_name: Option<String>,
}

impl std::ops::Deref for Caller {
    type Target = Gate;
    fn deref(&self) -> &Gate {
        &self.gate
    }
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
    /// A minor's account whose guardian has not confirmed consent yet (paid routes).
    #[error("the account's guardian has not confirmed consent")]
    GuardianConsentPending,
    /// A privacy session's token on a route that is not one of the privacy rights.
    #[error("a privacy session's token reaches only the privacy routes")]
    PrivacyScopeOnly,
}

/// The token step's judgement of a token's scope, before anything else is read: a
/// privacy session's token reaches only the routes that take one (`takes_privacy`).
pub fn scope_reaches(scope: SessionScope, takes_privacy: bool) -> Result<(), Refusal> {
    match scope {
        SessionScope::Privacy if !takes_privacy => Err(Refusal::PrivacyScopeOnly),
        _ => Ok(()),
    }
}

/// What the gate reads of an account: the whole item, or only these attributes of it
/// (a batch read that fetches the viewer with the authors of a page).
pub trait GatedAccount {
    fn account_id(&self) -> &AccountId;
    fn token_generation(&self) -> u64;
    fn session_ended(&self, session: &SessionId) -> bool;
    fn active(&self, now: OffsetDateTime) -> bool;
    /// Whether the account is blocked (what a privacy session's account may be). What
    /// reads only part of the item may not know: then it is judged as not.
    fn blocked(&self) -> bool {
        false
    }
    fn has_role(&self, role: Role) -> bool;
    fn accepted_terms_version(&self) -> Option<&str>;
    /// Whether a guardian was asked to consent and has not confirmed. What reads only
    /// part of the item may not know: then it is judged as not.
    fn guardian_consent_pending(&self) -> bool {
        false
    }
    /// Whether the account is closed for good (erased). What reads only part of the
    /// item may not know: then the refusal is the generic one.
    fn closed(&self) -> bool {
        false
    }
}

impl GatedAccount for Account {
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
        self.standing(now) == Standing::Active
    }
    fn blocked(&self) -> bool {
        self.status == AccountStatus::Blocked
    }
    fn has_role(&self, role: Role) -> bool {
        Account::has_role(self, role)
    }
    fn accepted_terms_version(&self) -> Option<&str> {
        Some(&self.accepted_terms_version)
    }
    fn guardian_consent_pending(&self) -> bool {
        self.guardian.as_ref().is_some_and(|g| g.consent_pending())
    }
    fn closed(&self) -> bool {
        self.status == AccountStatus::Closed
    }
}

impl Gate {
    /// The rule, judged on the account item a request read.
    pub fn admit(
        &self,
        account: Option<&impl GatedAccount>,
        now: OffsetDateTime,
    ) -> Result<(), Refusal> {
        let account = account.ok_or(Refusal::Unauthenticated)?;
        if *account.account_id() == self.account_id && account.closed() {
            return Err(Refusal::Closed);
        }
        let accepted = *account.account_id() == self.account_id
            && account.token_generation() == self.generation
            && !account.session_ended(&self.session_id)
            && (account.active(now) || (self.scope == SessionScope::Privacy && account.blocked()));
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
            Some(_) if account.guardian_consent_pending() => Err(Refusal::GuardianConsentPending),
            _ => Ok(()),
        }
    }
}

impl Caller {
    pub fn new(token: AuthUser, required_role: Option<Role>) -> Self {
        Self {
            gate: Gate {
                account_id: token.account_id,
                session_id: token.session_id,
                generation: token.token_generation,
                required_role,
                required_terms: None,
                scope: token.scope,
            },
            display_name: token.display_name,
        }
    }

    /// The caller of a paid route: the account must have accepted `version`.
    pub fn with_required_terms(mut self, version: &str) -> Self {
        self.gate.required_terms = Some(version.to_owned());
        self
    }
}

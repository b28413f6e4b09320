//! The audit log's records: who did what to which target, why and when.

use serde::{Deserialize, Serialize};

use super::{AccountId, AuditEntryId, Timestamp};

/// Who did what to which target, why and when: every moderation and admin action.
/// Append-only: written once, with the change it records, and never updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    pub actor_id: Actor,
    pub action: String,
    /// What was acted on, e.g. `account:<id>` or `tariff:<id>`.
    pub target: String,
    /// The account acted on, when the target is one (or belongs to one): the entry is
    /// found under it too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_account_id: Option<AccountId>,
    pub reason: String,
    pub created_at: Timestamp,
}

impl AuditEntry {
    /// The capacity the actor acted in, which is what the account acted on is shown
    /// (its export): the role the action needs, or `operator`; never who it was (a staff
    /// member's id is public beside their own messages).
    pub fn acting_role(&self) -> &'static str {
        if let Actor::Operator(_) = self.actor_id {
            return "operator";
        }
        match self.action.split_once('.').map_or("", |(area, _)| area) {
            "message" => "moderator",
            "company" => "partner_manager",
            "account" if matches!(self.action.as_str(), "account.block" | "account.unblock") => {
                "moderator"
            }
            _ => "admin",
        }
    }
}

/// Who acted: a staff account through the API, or an operator with a command of their
/// own (the local stack's `accounts set-roles`), named as they named themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Actor {
    Account(AccountId),
    Operator(String),
}

/// How an operator actor is written: `operator:<name>` (no account id has a colon).
const OPERATOR_PREFIX: &str = "operator:";

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Account(id) => f.write_str(id.as_str()),
            Self::Operator(name) => write!(f, "{OPERATOR_PREFIX}{name}"),
        }
    }
}

impl TryFrom<String> for Actor {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        match raw.strip_prefix(OPERATOR_PREFIX) {
            Some(name) => Ok(Self::Operator(name.to_owned())),
            None => AccountId::parse(&raw).map(Self::Account),
        }
    }
}

impl From<Actor> for String {
    fn from(actor: Actor) -> String {
        actor.to_string()
    }
}

impl From<AccountId> for Actor {
    fn from(id: AccountId) -> Self {
        Self::Account(id)
    }
}

impl PartialEq<AccountId> for Actor {
    fn eq(&self, other: &AccountId) -> bool {
        matches!(self, Self::Account(id) if id == other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_names_the_role_it_was_done_in_not_the_person() {
        let entry = |actor: Actor, action: &str| AuditEntry {
            id: AuditEntryId::new(),
            actor_id: actor,
            action: action.into(),
            target: "account:x".into(),
            target_account_id: None,
            reason: "r".into(),
            created_at: Timestamp::parse("2027-03-01T10:00:00.000Z").unwrap(),
        };
        let staff = Actor::Account(AccountId::new());
        let cases = [
            ("message.hide", "moderator"),
            ("message.remove", "moderator"),
            ("account.block", "moderator"),
            ("account.unblock", "moderator"),
            ("account.roles", "admin"),
            ("credits.grant", "admin"),
            ("privacy_request.complete", "admin"),
            ("tariff.put", "admin"),
        ];
        for (action, role) in cases {
            assert_eq!(entry(staff.clone(), action).acting_role(), role, "{action}");
        }
        assert_eq!(
            entry(Actor::Operator("ops".into()), "account.roles").acting_role(),
            "operator"
        );
    }

    #[test]
    fn actors_are_written_as_an_account_id_or_a_named_operator() {
        let id = AccountId::new();
        for actor in [
            Actor::Account(id.clone()),
            Actor::Operator("local operator".into()),
        ] {
            let text = String::from(actor.clone());
            assert_eq!(Actor::try_from(text), Ok(actor));
        }
        assert_eq!(String::from(Actor::Account(id.clone())), id.as_str());
        assert_eq!(
            String::from(Actor::Operator("local operator".into())),
            "operator:local operator"
        );
        assert!(Actor::try_from("someone".to_owned()).is_err());
    }
}

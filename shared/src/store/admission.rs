//! The gate's rule ([`crate::gate`]) as a condition on the caller's account item, so a
//! write that touches the account anyway carries it at no extra request. It agrees with
//! [`Gate::admit`] on every item (a test judges both forms on the same accounts).

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::expr::Condition;
use super::s;
use crate::clock::rfc3339;
use crate::domain::{AccountStatus, SessionScope};
use crate::gate::Gate;

/// The rule as a condition on the caller's account item (placeholders `#gate_*` and
/// `:gate_*`, so it combines with any other condition on that item).
pub(crate) fn condition(gate: &Gate, now: OffsetDateTime) -> Condition {
    let condition = accepts_generation(gate.generation, gate.scope, now)
        .and("attribute_not_exists(#gate_ended.#gate_session)")
        .name("#gate_ended", "ended_sessions")
        .name("#gate_session", gate.session_id.as_str());
    let condition = match gate.required_role {
        None => condition,
        Some(role) => condition
            .and("contains(#gate_roles, :gate_role)")
            .name("#gate_roles", "roles")
            .value(":gate_role", s(role.as_str())),
    };
    match &gate.required_terms {
        None => condition,
        // A guardian asked to consent (and the item has one) has confirmed.
        Some(version) => condition
            .and("accepted_terms_version = :gate_terms")
            .value(":gate_terms", s(version))
            .and("attribute_not_exists(#gate_guardian.#gate_asked) OR attribute_exists(#gate_guardian.#gate_confirmed)")
            .name("#gate_guardian", "guardian")
            .name("#gate_asked", "consent_requested_at")
            .name("#gate_confirmed", "confirmed_at"),
    }
}

/// The first half of the rule (exists, may act, this generation), for refresh: there the
/// refresh-token family stands for the session, and its own condition checks it. A
/// privacy session's account may act while it is blocked (not once it is closed).
pub(crate) fn accepts_generation(
    generation: u64,
    scope: SessionScope,
    now: OffsetDateTime,
) -> Condition {
    let condition = Condition::new("attribute_exists(pk)")
        .and("token_generation = :gate_generation")
        .name("#gate_status", "status")
        .value(
            ":gate_generation",
            AttributeValue::N(generation.to_string()),
        )
        .value(":gate_active", status_value(AccountStatus::Active))
        .value(":gate_blocked", status_value(AccountStatus::Blocked));
    match scope {
        SessionScope::Full => condition
            .and("#gate_status = :gate_active OR (#gate_status = :gate_blocked AND blocked_until < :gate_now)")
            .value(":gate_now", s(rfc3339::format(now))),
        SessionScope::Privacy => condition.and("#gate_status IN (:gate_active, :gate_blocked)"),
    }
}

/// An account status as the item stores it.
pub(crate) fn status_value(status: AccountStatus) -> AttributeValue {
    serde_dynamo::to_attribute_value(status).expect("a status serialises")
}

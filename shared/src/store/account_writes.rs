//! A decided account write ([`AccountWrite`]) as DynamoDB writes it: one update of the
//! account item (or, when nothing changes, a check of its conditions), conditioned on the
//! item existing and on what the decision requires of it.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use time::OffsetDateTime;

use super::expr::Condition;
use super::transaction::{check, update};
use super::{Store, StoreError, admission, key_item, keys, n, s, value};
use crate::domain::{
    Account, AccountCondition, AccountStatus, AccountUpdate, AccountWrite, LanguageList,
    ProfileChanges,
};

/// `write` as one part of a transaction.
pub(crate) fn account_part(
    table: &str,
    write: &AccountWrite,
    now: OffsetDateTime,
) -> TransactWriteItem {
    let key = key_item(&keys::account(&write.account_id));
    let condition = conditions(write, now);
    match expression(&write.update) {
        None => check(table, key, condition),
        Some((expression, placeholders)) => {
            update(table, key, &expression, condition.and_all(placeholders))
        }
    }
}

impl Store {
    /// `write` alone, in one `UpdateItem`: the account as written, or `None` when a
    /// condition refused it (nothing was written).
    pub(crate) async fn write_account(
        &self,
        write: &AccountWrite,
        now: OffsetDateTime,
    ) -> Result<Option<Account>, StoreError> {
        let (expression, placeholders) =
            expression(&write.update).expect("a write on its own changes something");
        let condition = conditions(write, now).and_all(placeholders);
        self.update_returning(keys::account(&write.account_id), &expression, condition)
            .await
    }
}

/// The item exists, and what the write requires of it.
fn conditions(write: &AccountWrite, now: OffsetDateTime) -> Condition {
    let mut condition = Condition::new("attribute_exists(pk)");
    for required in &write.requires {
        condition = match required {
            AccountCondition::Gate(gate) => condition.and_all(admission::condition(gate, now)),
            AccountCondition::RolesAsRead(roles) => condition
                .and("#roles = :seen_roles")
                .name("#roles", "roles")
                .value(":seen_roles", value(roles)),
            AccountCondition::StatusAsRead(status) => condition
                .and("#status = :seen_status")
                .name("#status", "status")
                .value(":seen_status", value(status)),
            AccountCondition::NotErased => condition.and("attribute_not_exists(erased_at)"),
            AccountCondition::AcceptsGeneration(generation, scope) => {
                condition.and_all(admission::accepts_generation(*generation, *scope, now))
            }
            AccountCondition::LedgerHeadIs(None) => condition.and("attribute_not_exists(ledger_head)"),
            AccountCondition::LedgerHeadIs(Some(head)) => condition
                .and("ledger_head = :seen_head")
                .value(":seen_head", s(head)),
            AccountCondition::LedgerHeadBelow(id) => condition
                .and("attribute_not_exists(ledger_head) OR ledger_head < :new_head")
                .value(":new_head", s(id)),
            AccountCondition::Covers(debit) => condition
                .and("balance_credits >= :debit")
                .value(":debit", n(debit)),
            AccountCondition::FailedLoginsNotResetSince(seen) => condition
                .and("attribute_not_exists(failed_logins) OR failed_logins >= :seen_failures")
                .value(":seen_failures", n(seen)),
            AccountCondition::NotClosed => condition
                .and("#status <> :closed")
                .name("#status", "status")
                .value(":closed", value(&AccountStatus::Closed)),
            AccountCondition::PasswordHashAsRead(hash) => condition
                .and("#password_hash = :seen_password")
                .name("#password_hash", "password_hash")
                .value(":seen_password", s(hash)),
            AccountCondition::PhotoAsRead(None) => condition
                .and("attribute_not_exists(photo) OR photo = :no_photo")
                .value(":no_photo", AttributeValue::Null(true)),
            AccountCondition::PhotoAsRead(Some(id)) => condition
                .and("photo.id = :seen_photo")
                .value(":seen_photo", s(id.as_str())),
            AccountCondition::GuardianAsRead(email) => condition
                .and("#guardian.#guardian_email = :seen_guardian_email")
                .name("#guardian", "guardian")
                .name("#guardian_email", "email")
                .value(":seen_guardian_email", value(email)),
            AccountCondition::GuardianNotConfirmed => condition
                .and("attribute_not_exists(#guardian.#guardian_confirmed_at)")
                .name("#guardian", "guardian")
                .name("#guardian_confirmed_at", "confirmed_at"),
            AccountCondition::EmailAsRead(email) => condition
                .and("#email = :seen_email")
                .name("#email", "email")
                .value(":seen_email", value(email)),
            AccountCondition::IdentitiesAsRead(identities) if identities.is_empty() => condition
                .and("attribute_not_exists(#identities) OR size(#identities) = :no_identities")
                .name("#identities", "identities")
                .value(":no_identities", n(0)),
            AccountCondition::IdentitiesAsRead(identities) => condition
                .and("#identities = :seen_identities")
                .name("#identities", "identities")
                .value(":seen_identities", value(identities)),
            AccountCondition::ComplaintsInWindowAsRead(count) => condition
                .and("attribute_not_exists(complaints_in_window) OR complaints_in_window = :seen_filed")
                .value(":seen_filed", n(count)),
            AccountCondition::UploadsInWindowAsRead(count) => condition
                .and("attribute_not_exists(uploads_in_window) OR uploads_in_window = :seen_uploads")
                .value(":seen_uploads", n(count)),
            AccountCondition::InvitationsInWindowAsRead(count) => condition
                .and("attribute_not_exists(invitations_in_window) OR invitations_in_window = :seen_invitations")
                .value(":seen_invitations", n(count)),
            AccountCondition::StripeCustomerAsRead(None) => {
                condition.and("attribute_not_exists(stripe_customer)")
            }
            AccountCondition::StripeCustomerAsRead(Some(customer)) => condition
                .and("stripe_customer = :seen_customer")
                .value(":seen_customer", value(customer)),
        };
    }
    condition
}

/// The update expression of `update` and its placeholders; `None` when it changes
/// nothing.
fn expression(update: &AccountUpdate) -> Option<(String, Condition)> {
    let mut sets: Vec<String> = Vec::new();
    let mut adds: Vec<String> = Vec::new();
    let mut removes: Vec<String> = Vec::new();
    let mut placeholders = Condition::default();
    if let Some(status) = update.status {
        placeholders = set(&mut sets, placeholders, "status", value(&status));
    }
    if let Some(until) = &update.blocked_until {
        placeholders = set(&mut sets, placeholders, "blocked_until", value(until));
    }
    match &update.block_reason {
        Some(Some(reason)) => {
            placeholders = set(&mut sets, placeholders, "block_reason", s(reason));
        }
        Some(None) => removes.push("block_reason".into()),
        None => {}
    }
    if let Some(roles) = &update.roles {
        placeholders = set(&mut sets, placeholders, "roles", value(roles));
    }
    if update.end_every_session {
        sets.push("token_generation = token_generation + :one_generation".into());
        placeholders = placeholders.value(":one_generation", n(1));
        placeholders = set(
            &mut sets,
            placeholders,
            "ended_sessions",
            AttributeValue::M(Default::default()),
        );
    }
    if let Some((session, ended)) = &update.end_session {
        sets.push("#ended.#ended_session = :ended_at".into());
        placeholders = placeholders
            .name("#ended", "ended_sessions")
            .name("#ended_session", session.as_str())
            .value(":ended_at", n(ended));
    }
    for (i, (session, ended)) in update.end_sessions.iter().enumerate() {
        sets.push(format!("#ended.#end{i} = :end{i}"));
        placeholders = placeholders
            .name("#ended", "ended_sessions")
            .name(&format!("#end{i}"), session.as_str())
            .value(&format!(":end{i}"), n(ended));
    }
    if let Some(hash) = &update.password_hash {
        placeholders = set(&mut sets, placeholders, "password_hash", s(hash));
    }
    if let Some(email) = &update.email {
        placeholders = set(&mut sets, placeholders, "email", value(email));
    }
    if let Some(at) = &update.email_verified_at {
        placeholders = set(&mut sets, placeholders, "email_verified_at", s(at));
    }
    if !update.forget_ended_sessions.is_empty() {
        placeholders = placeholders.name("#ended", "ended_sessions");
        for (i, session) in update.forget_ended_sessions.iter().enumerate() {
            let placeholder = format!("#forget{i}");
            removes.push(format!("#ended.{placeholder}"));
            placeholders = placeholders.name(&placeholder, session.as_str());
        }
    }
    if let Some(lock) = update.count_failed_login {
        sets.push(
            "failed_logins = if_not_exists(failed_logins, :no_failures) + :one_failure".into(),
        );
        placeholders = placeholders
            .value(":no_failures", n(0))
            .value(":one_failure", n(1));
        if let Some(until) = lock {
            placeholders = set(&mut sets, placeholders, "login_locked_until", n(until));
        }
    }
    if update.reset_failed_logins {
        placeholders = set(&mut sets, placeholders, "failed_logins", n(0));
        removes.push("login_locked_until".into());
    }
    if let Some((delta, head)) = &update.balance_change {
        sets.push("balance_credits = balance_credits + :delta".into());
        placeholders = placeholders.value(":delta", n(delta));
        placeholders = set(&mut sets, placeholders, "ledger_head", s(head));
    }
    if let Some(record) = update.count_on_record {
        adds.push("moderation_record.#record :one_record".into());
        placeholders = placeholders
            .name("#record", &name_of(&record))
            .value(":one_record", n(1));
    }
    if let Some(consents) = &update.consents {
        placeholders = set(&mut sets, placeholders, "consents", value(consents));
    }
    if let Some((version, at)) = &update.accepted_terms {
        placeholders = set(
            &mut sets,
            placeholders,
            "accepted_terms_version",
            s(version),
        );
        placeholders = set(&mut sets, placeholders, "terms_accepted_at", s(at));
    }
    for (attribute, since) in [
        ("restricted_at", &update.restricted_since),
        ("objected_at", &update.objected_since),
    ] {
        if let Some(since) = since {
            sets.push(format!(
                "#{attribute} = if_not_exists(#{attribute}, :{attribute})"
            ));
            placeholders = placeholders
                .name(&format!("#{attribute}"), attribute)
                .value(&format!(":{attribute}"), s(since));
        }
    }
    if let Some(personal) = &update.personal {
        for (attribute, v) in [
            ("email", value(&personal.email)),
            ("display_name", value(&personal.display_name)),
            ("full_name", value(&personal.full_name)),
            ("gender", value(&personal.gender)),
            ("date_of_birth", value(&personal.date_of_birth)),
            ("country", value(&personal.country)),
            ("city", value(&personal.city)),
            ("guardian", value(&personal.guardian)),
            ("native_languages", value(&personal.native_languages)),
            ("learning_languages", value(&personal.learning_languages)),
            ("learning_levels", value(&personal.learning_levels)),
            ("skype", value(&personal.skype)),
            ("photo", value(&personal.photo)),
            ("consents", value(&personal.consents)),
            ("password_hash", s(&personal.password_hash)),
        ] {
            placeholders = set(&mut sets, placeholders, attribute, v);
        }
    }
    if let Some(at) = update.guardian_confirmed_at {
        sets.push("#guardian.#guardian_confirmed_at = :guardian_confirmed_at".into());
        placeholders = placeholders
            .name("#guardian", "guardian")
            .name("#guardian_confirmed_at", "confirmed_at")
            .value(":guardian_confirmed_at", s(at));
    }
    if let Some(at) = update.erased_at {
        placeholders = set(&mut sets, placeholders, "erased_at", s(at));
    }
    if let Some((window, count)) = &update.complaint_window {
        placeholders = set(&mut sets, placeholders, "complaint_window", s(window));
        placeholders = set(&mut sets, placeholders, "complaints_in_window", n(count));
    }
    if let Some(authors) = &update.complained_authors {
        placeholders = set(
            &mut sets,
            placeholders,
            "complained_authors",
            value(authors),
        );
    }
    if let Some((window, count)) = &update.upload_window {
        placeholders = set(&mut sets, placeholders, "upload_window", s(window));
        placeholders = set(&mut sets, placeholders, "uploads_in_window", n(count));
    }
    if let Some((window, count)) = &update.invitation_window {
        placeholders = set(&mut sets, placeholders, "invitation_window", s(window));
        placeholders = set(&mut sets, placeholders, "invitations_in_window", n(count));
    }
    if let Some(photo) = &update.photo {
        placeholders = set(&mut sets, placeholders, "photo", value(photo));
    }
    if let Some(identities) = &update.identities {
        placeholders = set(&mut sets, placeholders, "identities", value(identities));
    }
    for (attribute, v) in profile_assignments(&update.profile) {
        placeholders = set(&mut sets, placeholders, attribute, v);
    }
    if let Some(at) = &update.updated_at {
        placeholders = set(&mut sets, placeholders, "updated_at", s(at));
    }
    if update.corporate {
        placeholders = set(
            &mut sets,
            placeholders,
            "corporate",
            AttributeValue::Bool(true),
        );
    }
    if let Some(customer) = &update.stripe_customer {
        placeholders = set(&mut sets, placeholders, "stripe_customer", value(customer));
    }
    let mut clauses = Vec::new();
    if !sets.is_empty() {
        clauses.push(format!("SET {}", sets.join(", ")));
    }
    if !adds.is_empty() {
        clauses.push(format!("ADD {}", adds.join(", ")));
    }
    if !removes.is_empty() {
        clauses.push(format!("REMOVE {}", removes.join(", ")));
    }
    (!clauses.is_empty()).then(|| (clauses.join(" "), placeholders))
}

fn profile_assignments(changes: &ProfileChanges) -> Vec<(&'static str, AttributeValue)> {
    fn optional<T: AsRef<str>>(value: &Option<T>) -> AttributeValue {
        value
            .as_ref()
            .map_or(AttributeValue::Null(true), |v| s(v.as_ref()))
    }
    fn list(languages: &LanguageList) -> AttributeValue {
        value(languages)
    }
    let mut out = Vec::new();
    if let Some(v) = &changes.display_name {
        out.push(("display_name", s(v.as_ref())));
    }
    if let Some(v) = &changes.full_name {
        out.push(("full_name", optional(v)));
    }
    if let Some(v) = &changes.gender {
        out.push(("gender", optional(v)));
    }
    if let Some(v) = &changes.country {
        out.push(("country", s(v.as_ref())));
    }
    if let Some(v) = &changes.city {
        out.push(("city", optional(v)));
    }
    if let Some(v) = &changes.native_languages {
        out.push(("native_languages", list(v)));
    }
    if let Some(v) = &changes.learning_languages {
        out.push(("learning_languages", list(v)));
    }
    if let Some(v) = &changes.learning_levels {
        out.push(("learning_levels", value(v)));
    }
    if let Some(v) = &changes.skype {
        out.push(("skype", optional(v)));
    }
    out
}

/// `attribute = value`, added to `sets`, with its placeholders.
fn set(
    sets: &mut Vec<String>,
    placeholders: Condition,
    attribute: &str,
    v: AttributeValue,
) -> Condition {
    sets.push(format!("#{attribute} = :{attribute}"));
    placeholders
        .name(&format!("#{attribute}"), attribute)
        .value(&format!(":{attribute}"), v)
}

/// The name a unit variant serialises to (here: a record counter's attribute).
fn name_of(v: &impl serde::Serialize) -> String {
    match value(v) {
        AttributeValue::S(text) => text,
        other => unreachable!("a unit variant serialises to a string, not {other:?}"),
    }
}

//! The decisions behind every write: pure functions from what the store read (or
//! nothing, on a blind first attempt), the request's input, the settings and the time
//! to a plan the store commits, or to a refusal. Every rule, threshold, window, state
//! transition and user-facing text of a write is here, tested without DynamoDB; the
//! store turns a plan into one conditional request or transaction whose conditions are
//! the values the decision read, and decides again when one of them no longer holds.

pub mod accounts;
pub mod company;
pub mod complaints;
pub mod corrections;
pub mod credits;
pub mod email_codes;
pub mod erasure;
pub mod invitations;
pub mod live;
pub mod moderation;
pub mod outbox;
pub mod photos;
pub mod posting;
pub mod privacy;
pub mod progress;
pub mod recording;
pub mod recording_destruction;
pub mod sessions;
pub mod social;
pub mod staff;
pub mod uploads;

/// What the store read for a decision: nothing yet (a write's first attempt may go
/// blind, its conditions doing the checking), or the item as it was (absent: `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen<T> {
    Unread,
    Read(Option<T>),
}

impl<T> Seen<T> {
    /// The item read, if it was read and exists.
    pub fn item(&self) -> Option<&T> {
        match self {
            Self::Unread => None,
            Self::Read(item) => item.as_ref(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Accounts, gates and messages for the decisions' tests.

    use crate::domain::{
        Account, BirthDate, CountryCode, DisplayName, Email, LanguageList, Message, MessageId,
        MessageKind, Role, SessionId, ThreadId, Timestamp,
    };
    use crate::gate::Gate;

    /// An active account with `roles` (and `user`) that accepted terms `2026-11-01`.
    pub fn account(roles: &[Role]) -> Account {
        let new = super::accounts::NewAccount {
            email: Email::parse("ada@example.com").unwrap(),
            display_name: DisplayName::parse("Ada", &crate::domain::ContentRules::default())
                .unwrap(),
            full_name: None,
            gender: None,
            date_of_birth: BirthDate::parse("1990-12-10", time::macros::date!(2027 - 01 - 01))
                .unwrap(),
            country: CountryCode::parse("GB").unwrap(),
            city: None,
            native_languages: LanguageList::parse(&["en".to_owned()], 1).unwrap(),
            learning_languages: LanguageList::none(),
            guardian: None,
            consents: Default::default(),
            accepted_terms_version: "2026-11-01".into(),
        };
        let mut account = super::accounts::register(new, String::new(), long_ago().time()).account;
        account.roles.extend_from_slice(roles);
        account.token_generation = 3;
        account
    }

    fn long_ago() -> Timestamp {
        Timestamp::parse("2027-01-01T00:00:00.000Z").unwrap()
    }

    /// The gate of a session of `account`, needing no role.
    pub fn gate_of(account: &Account) -> Gate {
        Gate {
            account_id: account.id.clone(),
            session_id: SessionId::new(),
            generation: account.token_generation,
            required_role: None,
            required_terms: None,
            scope: crate::domain::SessionScope::Full,
        }
    }

    /// A visible text message by `author`.
    pub fn message_by(author: &Account) -> Message {
        let thread = ThreadId::new();
        Message {
            id: MessageId::new_in(&thread, None),
            thread_id: thread,
            author_id: author.id.clone(),
            kind: MessageKind::Text,
            text: Some(
                crate::domain::MessageText::parse(
                    "Buy my course",
                    &crate::domain::ContentRules::default(),
                )
                .unwrap(),
            ),
            voice: None,
            reply_to: None,
            created_at: long_ago(),
            edited_at: None,
            revision: 0,
            status: Default::default(),
            moderation: None,
            complaint_round: 0,
            open_complaints: 0,
            counted_complaints: 0,
            corrections_count: 0,
        }
    }

    /// The visible thread `message` is in, started by `author` with it.
    pub fn thread_of(author: &Account, message: &Message) -> crate::domain::Thread {
        crate::domain::Thread::opened(
            crate::domain::LanguageTag::parse("de").unwrap(),
            crate::domain::ThreadTitle::parse(
                "Feierabend",
                &crate::domain::ContentRules::default(),
            )
            .unwrap(),
            author.id.clone(),
            message,
        )
    }

    /// A visible correction by `author` of `message`'s text as posted.
    pub fn correction_by(author: &Account, message: &Message) -> crate::domain::Correction {
        let text = |raw: &str| {
            crate::domain::MessageText::parse(raw, &crate::domain::ContentRules::default()).unwrap()
        };
        crate::domain::Correction {
            id: crate::domain::CorrectionId::new(),
            message_id: message.id.clone(),
            revision: 0,
            author_id: author.id.clone(),
            corrected_text: text("Buy my courses"),
            note: None,
            original_text: message
                .text
                .clone()
                .unwrap_or_else(|| text("Buy my course")),
            created_at: long_ago(),
            edits: 0,
            edited_at: None,
            status: Default::default(),
            moderation: None,
            complaint_round: 0,
            open_complaints: 0,
            counted_complaints: 0,
        }
    }
}

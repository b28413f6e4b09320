//! Typed identifiers. Every id we hand out is a ULID (26 characters of Crockford
//! base32, time-sortable); an id arriving from outside is parsed once, at the edge, so
//! a malformed one never reaches the store (a path with one is a 404).

use serde::{Deserialize, Serialize};
use ulid::Ulid;

/// Parses the canonical form only: 26 upper-case Crockford base32 characters that
/// decode to a ULID. Lower-case or otherwise aliased spellings are refused, so one id
/// has exactly one spelling (and one key).
fn parse_ulid(raw: &str) -> Option<Ulid> {
    let canonical = raw.len() == 26
        && raw
            .bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b)));
    let ulid = Ulid::from_string(raw).ok().filter(|_| canonical)?;
    (ulid.to_string() == raw).then_some(ulid)
}

macro_rules! ulid_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A fresh id (time-sortable).
            pub fn new() -> Self {
                Self(Ulid::new().to_string())
            }

            pub fn parse(raw: &str) -> Result<Self, String> {
                parse_ulid(raw)
                    .map(|_| Self(raw.to_owned()))
                    .ok_or_else(|| "is not an id this API gave out".to_owned())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl crate::domain::ParseId for $name {
            fn parse_id(raw: &str) -> Option<Self> {
                Self::parse(raw).ok()
            }
        }
    )*};
}

/// An id type that can be read from a path parameter.
pub trait ParseId: Sized {
    fn parse_id(raw: &str) -> Option<Self>;
}

ulid_id! {
    /// An account.
    AccountId;
    /// One login: the refresh-token family and the access tokens issued for it.
    SessionId;
    /// A thread of messages.
    ThreadId;
    /// A voice recording uploaded to staging, before it is attached to a message.
    UploadId;
    /// An entry of the audit log.
    AuditEntryId;
    /// A correction of a message.
    CorrectionId;
    /// An invitation a member sent a friend.
    InvitationId;
}

/// A message: its thread's id and its own, which sorts by time within the thread. The
/// thread is part of the id so that a message is found by its key alone (one read),
/// wherever it is referred to. 52 characters, opaque to clients.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MessageId {
    thread: ThreadId,
    local: String,
}

impl MessageId {
    /// A new message of `thread` whose own id sorts after `after` (the thread's newest
    /// message, if any), even when this machine's clock is behind the one that made it.
    pub fn new_in(thread: &ThreadId, after: Option<&MessageId>) -> Self {
        Self {
            thread: thread.clone(),
            local: crate::ids::new_id_after(after.map(|m| m.local.as_str())),
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || "is not an id this API gave out".to_owned();
        if raw.len() != 52 || !raw.is_ascii() {
            return Err(invalid());
        }
        let (thread, local) = raw.split_at(26);
        let thread = ThreadId::parse(thread).map_err(|_| invalid())?;
        parse_ulid(local).ok_or_else(invalid)?;
        Ok(Self {
            thread,
            local: local.to_owned(),
        })
    }

    pub fn thread(&self) -> &ThreadId {
        &self.thread
    }

    /// The message's own part, which orders it within its thread.
    pub fn local(&self) -> &str {
        &self.local
    }
}

impl std::fmt::Display for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.thread, self.local)
    }
}

impl TryFrom<String> for MessageId {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw)
    }
}

impl From<MessageId> for String {
    fn from(id: MessageId) -> String {
        id.to_string()
    }
}

impl ParseId for MessageId {
    fn parse_id(raw: &str) -> Option<Self> {
        Self::parse(raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_only_the_canonical_spelling_parses() {
        let id = AccountId::new();
        assert_eq!(AccountId::parse(id.as_str()), Ok(id.clone()));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<AccountId>(&json).unwrap(), id);
        for (raw, why) in [
            ("", "empty"),
            ("01JABCDEFGHJKMNPQRSTVWXYZ", "25 characters"),
            ("01JABCDEFGHJKMNPQRSTVWXYZ00", "27 characters"),
            ("01jabcdefghjkmnpqrstvwxyz0", "lower case"),
            ("01JABCDEFGHIKMNPQRSTVWXYZ0", "the alias I"),
            ("01JABCDEFGHJKMNPQRSTVWXY#0", "not base32"),
            ("81JABCDEFGHJKMNPQRSTVWXYZ0", "overflows 128 bits"),
            ("../../ACCOUNT", "a path"),
        ] {
            assert!(AccountId::parse(raw).is_err(), "{why}: {raw:?}");
        }
        assert!(serde_json::from_str::<AccountId>("\"nope\"").is_err());
    }

    #[test]
    fn message_ids_carry_their_thread_and_sort_within_it() {
        let thread = ThreadId::new();
        let first = MessageId::new_in(&thread, None);
        let second = MessageId::new_in(&thread, Some(&first));
        assert!(second.local() > first.local());
        assert_eq!(second.thread(), &thread);
        let text = second.to_string();
        assert_eq!(text.len(), 52);
        assert_eq!(MessageId::parse(&text), Ok(second.clone()));
        let json = serde_json::to_string(&second).unwrap();
        assert_eq!(serde_json::from_str::<MessageId>(&json).unwrap(), second);
        assert!(MessageId::parse(&text[..51]).is_err());
        assert!(MessageId::parse(&format!("{}x", &text[..51])).is_err());
        assert!(MessageId::parse(thread.as_str()).is_err());
    }
}

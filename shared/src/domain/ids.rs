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
    /// A message in a thread.
    MessageId;
    /// A voice recording uploaded to staging, before it is attached to a message.
    UploadId;
    /// An entry of the audit log.
    AuditEntryId;
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
}

use serde::{Deserialize, Serialize};

/// An e-mail address, trimmed and lower-cased: the form in which uniqueness is decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("must not be empty".into());
        }
        if email.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("must be an e-mail address".into());
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(email))
        } else {
            Err("must be an e-mail address".into())
        }
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_ref(),
            "ada@example.com"
        );
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for (raw, why) in [
            ("", "empty"),
            ("ada", "no @"),
            ("@example.com", "no local part"),
            ("ada@", "no domain"),
            ("ada@example", "domain without a dot"),
            ("ada@@example.com", "two @"),
            ("a da@example.com", "space"),
            ("ada@exa_mple.com", "underscore in domain"),
            ("ada..b@example.com", "double dot"),
            ("ada@-example.com", "label starting with a hyphen"),
        ] {
            assert!(Email::parse(raw).is_err(), "{why}: {raw:?} was accepted");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(
            Email::parse(&long).is_err(),
            "over-long address was accepted"
        );
    }
}

//! Which rule a text broke, and where.

use std::fmt;

/// A broken content rule and the fragment that broke it. The fragment is the writer's
/// own text (read after look-alike characters and written-out separators are folded:
/// `ada [at] example [dot] com` gives `ada@example.com`); an e-mail address or phone
/// number in it is personal data, so log it only where personal data may go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentViolation {
    /// A link: a URL with a scheme, `www.…`, or a bare domain (`example.com`).
    Url {
        fragment: String,
    },
    Email {
        fragment: String,
    },
    Phone {
        fragment: String,
    },
    /// A word or phrase of the blocklist.
    Blocklisted {
        fragment: String,
    },
}

impl ContentViolation {
    /// The rule's stable name, for API error details, metrics and logs.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Url { .. } => "url",
            Self::Email { .. } => "email",
            Self::Phone { .. } => "phone_number",
            Self::Blocklisted { .. } => "blocklisted_word",
        }
    }

    /// What the writer is told. It does not repeat the fragment.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Url { .. } => "Links and web addresses are not allowed in public text.",
            Self::Email { .. } => "E-mail addresses are not allowed in public text.",
            Self::Phone { .. } => "Phone numbers are not allowed in public text.",
            Self::Blocklisted { .. } => {
                "The text contains a word that is not allowed in public text."
            }
        }
    }

    /// The offending part of the text.
    pub fn fragment(&self) -> &str {
        match self {
            Self::Url { fragment }
            | Self::Email { fragment }
            | Self::Phone { fragment }
            | Self::Blocklisted { fragment } => fragment,
        }
    }
}

impl fmt::Display for ContentViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for ContentViolation {}

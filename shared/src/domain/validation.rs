//! Collecting every field error of one request, so a client sees them all at once.

use serde::Serialize;

use super::content_rules::ContentViolation;
use super::text::TextRefusal;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
    /// The first published text that broke a content rule, and its field.
    broken_rule: Option<(&'static str, ContentViolation)>,
}

/// Why a request's fields were refused: malformed fields (all of them), or else the
/// first published text that breaks a content rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Fields(Vec<FieldError>),
    ContentRule {
        field: &'static str,
        violation: ContentViolation,
    },
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the parsed value, or records why `field` was refused.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.fail(field, message);
                None
            }
        }
    }

    /// Like [`check`](Self::check) for a field that may be absent.
    pub fn check_optional<T>(
        &mut self,
        field: &str,
        parsed: Option<Result<T, String>>,
    ) -> Option<Option<T>> {
        match parsed {
            None => Some(None),
            Some(result) => self.check(field, result).map(Some),
        }
    }

    /// Like [`check`](Self::check) for a published text: a malformed one is a field
    /// error, one that breaks a content rule is answered with once the other fields are
    /// well-formed.
    pub fn check_published<T>(
        &mut self,
        field: &'static str,
        parsed: Result<T, TextRefusal>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(TextRefusal::Invalid(message)) => {
                self.fail(field, message);
                None
            }
            Err(TextRefusal::Breaks(violation)) => {
                self.broken_rule.get_or_insert((field, violation));
                None
            }
        }
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.broken_rule.is_none()
    }

    /// `Ok(value)` when nothing failed. `build` runs only then, so it may unwrap the
    /// options that [`check`](Self::check) returned.
    pub fn finish<T>(self, build: impl FnOnce() -> T) -> Result<T, Invalid> {
        if !self.errors.is_empty() {
            return Err(Invalid::Fields(self.errors));
        }
        match self.broken_rule {
            Some((field, violation)) => Err(Invalid::ContentRule { field, violation }),
            None => Ok(build()),
        }
    }
}

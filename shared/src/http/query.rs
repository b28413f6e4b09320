use std::collections::HashMap;

use lambda_http::{Request, RequestExt};

use super::ApiError;
use crate::domain::FieldError;

/// `?limit=&cursor=`: default 20, at most 100.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub limit: u16,
    pub cursor: Option<String>,
}

impl Pagination {
    pub const DEFAULT_LIMIT: u16 = 20;
    pub const MAX_LIMIT: u16 = 100;

    pub fn parse(query: &HashMap<String, String>) -> Result<Self, ApiError> {
        let limit = match query.get("limit") {
            None => Self::DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<u16>() {
                Ok(n) if (1..=Self::MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::Validation(vec![FieldError {
                        field: "limit".into(),
                        message: format!("must be a whole number from 1 to {}", Self::MAX_LIMIT),
                    }]));
                }
            },
        };
        let cursor = query.get("cursor").filter(|c| !c.is_empty()).cloned();
        Ok(Self { limit, cursor })
    }

    /// `?limit=&cursor=` of a list route's request.
    pub fn from_request(request: &Request) -> Result<Self, ApiError> {
        let parameters = request
            .query_string_parameters()
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Self::parse(&parameters)
    }

    /// This page, if its cursor is one the list gives out (`gave_out` recognises it);
    /// else 422 on `cursor`.
    pub fn with_cursor_from(self, gave_out: impl Fn(&str) -> bool) -> Result<Self, ApiError> {
        match &self.cursor {
            Some(cursor) if !gave_out(cursor) => Err(ApiError::Validation(vec![FieldError {
                field: "cursor".into(),
                message: "is not a cursor this list gave out".into(),
            }])),
            _ => Ok(self),
        }
    }
}

/// Whether a cursor can be a position the lists ordered by time give out (a time, `#`
/// and an id): at most 80 letters, digits, `#`, `:`, `.` and `-` (the pattern
/// `docs/openapi.yaml` states).
pub fn is_position(cursor: &str) -> bool {
    cursor.len() <= 80
        && cursor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"#:.-".contains(&b))
}

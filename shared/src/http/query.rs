use std::collections::HashMap;

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
}

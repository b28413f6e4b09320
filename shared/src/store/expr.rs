//! Expressions and their placeholders, built in pieces and applied to any request
//! builder of the SDK (which share no trait for it).

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::types::builders::{ConditionCheckBuilder, PutBuilder, UpdateBuilder};

/// A condition: clauses joined with AND, and the placeholders they use (DynamoDB
/// refuses unused placeholders, so a clause brings exactly its own).
#[derive(Debug, Clone, Default)]
pub(crate) struct Condition {
    clauses: Vec<String>,
    pub(crate) placeholders: Placeholders,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Placeholders {
    names: BTreeMap<String, String>,
    values: BTreeMap<String, AttributeValue>,
}

impl Placeholders {
    pub(crate) fn name(mut self, placeholder: &str, attribute: &str) -> Self {
        self.names.insert(placeholder.into(), attribute.into());
        self
    }

    pub(crate) fn value(mut self, placeholder: &str, value: AttributeValue) -> Self {
        self.values.insert(placeholder.into(), value);
        self
    }

    pub(crate) fn merge(mut self, other: Placeholders) -> Self {
        self.names.extend(other.names);
        self.values.extend(other.values);
        self
    }
}

impl Condition {
    pub(crate) fn new(clause: impl Into<String>) -> Self {
        Self::default().and(clause)
    }

    pub(crate) fn and(mut self, clause: impl Into<String>) -> Self {
        self.clauses.push(clause.into());
        self
    }

    pub(crate) fn and_all(mut self, other: Condition) -> Self {
        self.clauses.extend(other.clauses);
        self.placeholders = self.placeholders.merge(other.placeholders);
        self
    }

    pub(crate) fn name(mut self, placeholder: &str, attribute: &str) -> Self {
        self.placeholders = self.placeholders.name(placeholder, attribute);
        self
    }

    pub(crate) fn value(mut self, placeholder: &str, value: AttributeValue) -> Self {
        self.placeholders = self.placeholders.value(placeholder, value);
        self
    }

    pub(crate) fn text(&self) -> String {
        self.clauses
            .iter()
            .map(|c| format!("({c})"))
            .collect::<Vec<_>>()
            .join(" AND ")
    }
}

/// A request builder that takes expression placeholders.
pub(crate) trait WithPlaceholders: Sized {
    fn set_name(self, placeholder: String, attribute: String) -> Self;
    fn set_value(self, placeholder: String, value: AttributeValue) -> Self;

    fn placeholders(mut self, placeholders: &Placeholders) -> Self {
        for (placeholder, attribute) in &placeholders.names {
            self = self.set_name(placeholder.clone(), attribute.clone());
        }
        for (placeholder, value) in &placeholders.values {
            self = self.set_value(placeholder.clone(), value.clone());
        }
        self
    }
}

macro_rules! with_placeholders {
    ($($builder:ty),*) => {$(
        impl WithPlaceholders for $builder {
            fn set_name(self, placeholder: String, attribute: String) -> Self {
                self.expression_attribute_names(placeholder, attribute)
            }
            fn set_value(self, placeholder: String, value: AttributeValue) -> Self {
                self.expression_attribute_values(placeholder, value)
            }
        }
    )*};
}

with_placeholders!(
    UpdateBuilder,
    aws_sdk_dynamodb::types::builders::DeleteBuilder,
    ConditionCheckBuilder,
    PutBuilder,
    aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder,
    aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder,
    aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder
);

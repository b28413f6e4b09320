//! Which changes of the table's stream a stream function is handed: its trigger's
//! filters, each one Lambda event-filter pattern. The template writes the patterns into
//! the event source mapping's `FilterCriteria` (`natives-codegen`); the local pump runs
//! the same patterns over each record with [`pattern_matches`], so what a function gets
//! locally is what AWS lets through.

use serde_json::{Value, json};

/// A kind of change, by the stream record's `eventName`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEvent {
    Insert,
    Modify,
    Remove,
}

impl StreamEvent {
    pub const fn name(self) -> &'static str {
        match self {
            StreamEvent::Insert => "INSERT",
            StreamEvent::Modify => "MODIFY",
            StreamEvent::Remove => "REMOVE",
        }
    }
}

/// What a filter asks of an item's sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Any,
    Exactly(&'static str),
    StartsWith(&'static str),
}

/// One filter: changes of these kinds, to items whose partition key matches `partition`
/// (an IAM pattern of the key module's `leading` partitions: a prefix and one trailing
/// `*`), whose sort key is as `sort` says, and, when `new_status` names any, whose new
/// image's `status` is one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamFilter {
    pub events: &'static [StreamEvent],
    pub partition: &'static str,
    pub sort: SortKey,
    pub new_status: &'static [&'static str],
}

impl StreamFilter {
    /// New items under `partition`.
    pub const fn inserted(partition: &'static str) -> Self {
        Self::changes(&[StreamEvent::Insert], partition)
    }

    /// Changes of these kinds to items under `partition`.
    pub const fn changes(events: &'static [StreamEvent], partition: &'static str) -> Self {
        Self {
            events,
            partition,
            sort: SortKey::Any,
            new_status: &[],
        }
    }

    /// Only items whose sort key is as `sort` says.
    pub const fn sorted(self, sort: SortKey) -> Self {
        Self { sort, ..self }
    }

    /// Only items whose new image's `status` is one of `statuses`.
    pub const fn with_status(self, statuses: &'static [&'static str]) -> Self {
        Self {
            new_status: statuses,
            ..self
        }
    }

    /// The Lambda event-filter pattern (`FilterCriteria.Filters[].Pattern`).
    pub fn pattern(&self) -> Value {
        let events: Vec<&str> = self.events.iter().map(|event| event.name()).collect();
        let mut keys = json!({ "pk": { "S": [{ "prefix": stream_prefix(self.partition) }] } });
        match self.sort {
            SortKey::Any => {}
            SortKey::Exactly(sk) => keys["sk"] = json!({ "S": [sk] }),
            SortKey::StartsWith(prefix) => keys["sk"] = json!({ "S": [{ "prefix": prefix }] }),
        }
        let mut dynamodb = json!({ "Keys": keys });
        if !self.new_status.is_empty() {
            dynamodb["NewImage"] = json!({ "status": { "S": self.new_status } });
        }
        json!({ "eventName": events, "dynamodb": dynamodb })
    }

    /// Whether this filter lets `record` (a stream record as Lambda delivers it) through.
    pub fn lets_through(&self, record: &Value) -> bool {
        pattern_matches(&self.pattern(), record)
    }
}

/// A stream trigger's partition pattern as the key prefix its filter matches (`OUTBOX#*`
/// → `OUTBOX#`): an event filter matches prefixes, not IAM patterns, so a pattern is a
/// prefix and one trailing `*` (a unit test holds every row to it).
pub fn stream_prefix(pattern: &str) -> &str {
    pattern.strip_suffix('*').unwrap_or(pattern)
}

/// Lambda's event filtering, for the patterns [`StreamFilter::pattern`] makes: every
/// field the pattern names must be in the record; an object is matched field by field;
/// an array lists what a value may be (a string equal to it, or `{"prefix": …}`).
pub fn pattern_matches(pattern: &Value, record: &Value) -> bool {
    match pattern {
        Value::Object(fields) => fields.iter().all(|(name, expected)| {
            record
                .get(name)
                .is_some_and(|value| pattern_matches(expected, value))
        }),
        Value::Array(alternatives) => alternatives.iter().any(|alternative| match alternative {
            Value::Object(rule) => match rule.get("prefix") {
                Some(Value::String(prefix)) => record
                    .as_str()
                    .is_some_and(|value| value.starts_with(prefix.as_str())),
                _ => false,
            },
            literal => literal == record,
        }),
        _ => false,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stream record of the item at `pk`/`sk`, its new image's `status` if given.
    pub(crate) fn record(event: &str, pk: &str, sk: &str, status: Option<&str>) -> Value {
        let mut record = json!({
            "eventName": event,
            "dynamodb": { "Keys": { "pk": { "S": pk }, "sk": { "S": sk } } },
        });
        if let Some(status) = status {
            record["dynamodb"]["NewImage"] = json!({ "status": { "S": status } });
        }
        record
    }

    #[test]
    fn a_pattern_is_what_lambda_reads() {
        let filter = StreamFilter::changes(&[StreamEvent::Insert, StreamEvent::Modify], "THREAD#*")
            .sorted(SortKey::StartsWith("MESSAGE#"));
        assert_eq!(
            filter.pattern(),
            json!({
                "eventName": ["INSERT", "MODIFY"],
                "dynamodb": { "Keys": {
                    "pk": { "S": [{ "prefix": "THREAD#" }] },
                    "sk": { "S": [{ "prefix": "MESSAGE#" }] },
                } },
            })
        );
        let blocked = StreamFilter::changes(&[StreamEvent::Modify], "ACCOUNT#*")
            .sorted(SortKey::Exactly("ACCOUNT"))
            .with_status(&["blocked"]);
        assert_eq!(
            blocked.pattern()["dynamodb"],
            json!({
                "Keys": { "pk": { "S": [{ "prefix": "ACCOUNT#" }] }, "sk": { "S": ["ACCOUNT"] } },
                "NewImage": { "status": { "S": ["blocked"] } },
            })
        );
    }

    #[test]
    fn a_filter_lets_through_exactly_the_changes_it_names() {
        let messages =
            StreamFilter::changes(&[StreamEvent::Insert, StreamEvent::Modify], "THREAD#*")
                .sorted(SortKey::StartsWith("MESSAGE#"));
        assert!(messages.lets_through(&record("INSERT", "THREAD#1", "MESSAGE#2", None)));
        assert!(messages.lets_through(&record("MODIFY", "THREAD#1", "MESSAGE#2", None)));
        assert!(!messages.lets_through(&record("REMOVE", "THREAD#1", "MESSAGE#2", None)));
        assert!(!messages.lets_through(&record("INSERT", "THREAD#1", "REVISION#2#1", None)));
        assert!(!messages.lets_through(&record("INSERT", "THREADS#1", "MESSAGE#2", None)));
        let blocked = StreamFilter::changes(&[StreamEvent::Modify], "ACCOUNT#*")
            .sorted(SortKey::Exactly("ACCOUNT"))
            .with_status(&["blocked", "closed"]);
        assert!(blocked.lets_through(&record("MODIFY", "ACCOUNT#1", "ACCOUNT", Some("blocked"))));
        assert!(blocked.lets_through(&record("MODIFY", "ACCOUNT#1", "ACCOUNT", Some("closed"))));
        assert!(!blocked.lets_through(&record("MODIFY", "ACCOUNT#1", "ACCOUNT", Some("active"))));
        assert!(!blocked.lets_through(&record("MODIFY", "ACCOUNT#1", "ACCOUNT", None)));
        assert!(!blocked.lets_through(&record("MODIFY", "ACCOUNT#1", "ACCOUNTS", Some("blocked"))));
    }
}

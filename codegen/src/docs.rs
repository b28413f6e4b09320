//! The tables of the docs that restate the function table and the key module: the request
//! budgets (`docs/performance.md`), and the access patterns, the partitions and the key
//! layout (`docs/data-model.md`).

use std::collections::BTreeSet;

use natives_functions::FUNCTIONS;
use natives_functions::spec::{
    FunctionSpec, Permission, Resource, SortKey, StreamEvent, StreamFilter, Trigger, string_like,
};
use natives_shared::store::keys::layout::{ItemKeys, item_keys};
use natives_shared::store::ownership::{Belongs, ItemKind};

/// Every function's DynamoDB requests on its successful path (the row's
/// `dynamodb_requests`, which `local/tests/api/budget.rs` holds each function to).
pub fn request_budgets() -> String {
    let mut rows = vec![
        "| trigger | function | DynamoDB requests |".to_owned(),
        "|---|---|---:|".to_owned(),
    ];
    rows.extend(FUNCTIONS.iter().map(|spec| {
        format!(
            "| {} | {} | {} |",
            trigger(spec),
            spec.name,
            spec.dynamodb_requests
        )
    }));
    lines(rows)
}

/// Every function: its requests, and the item actions its policy grants on the table and
/// on each index, by partition key.
pub fn access_patterns() -> String {
    let indexes: BTreeSet<&str> = FUNCTIONS
        .iter()
        .flat_map(|spec| spec.permissions)
        .filter_map(|p| match p.resource {
            Resource::Index(name) => Some(name),
            _ => None,
        })
        .collect();
    let mut header = "| function | trigger | requests | the table |".to_owned();
    let mut rule = "|---|---|---:|---|".to_owned();
    for index in &indexes {
        header.push_str(&format!(" `{index}` |"));
        rule.push_str("---|");
    }
    let mut rows = vec![header, rule];
    for spec in FUNCTIONS {
        let mut row = format!(
            "| {} | {} | {} | {} |",
            spec.name,
            trigger(spec),
            spec.dynamodb_requests,
            grants(spec, Resource::Table)
        );
        for index in &indexes {
            row.push_str(&format!(" {} |", grants(spec, Resource::Index(index))));
        }
        rows.push(row);
    }
    lines(rows)
}

/// Every partition-key pattern a row grants or a trigger takes: the items (and index
/// entries) whose partition key it matches.
pub fn partitions() -> String {
    let patterns: BTreeSet<&str> = FUNCTIONS
        .iter()
        .flat_map(|spec| {
            let granted = spec.permissions.iter().flat_map(|p| p.leading_keys);
            let streamed: &[StreamFilter] = match spec.trigger {
                Trigger::TableStream { filters } => filters,
                _ => &[],
            };
            granted
                .copied()
                .chain(streamed.iter().map(|filter| filter.partition))
        })
        .collect();
    let items = item_keys();
    let mut rows = vec![
        "| partition key | items | index entries |".to_owned(),
        "|---|---|---|".to_owned(),
    ];
    for pattern in patterns {
        let in_table = kinds(items.iter().filter(|item| string_like(pattern, &item.pk)));
        let in_index = kinds(
            items
                .iter()
                .filter(|item| item.index.iter().any(|(pk, _)| string_like(pattern, pk))),
        );
        rows.push(format!("| `{pattern}` | {in_table} | {in_index} |"));
    }
    lines(rows)
}

/// Every item kind of the ownership list: its keys (built by the key module), whose it
/// is, and the export section it goes to.
pub fn key_layout() -> String {
    let mut rows = vec![
        "| item | `pk` | `sk` | `gsi1pk` / `gsi1sk` | whose | export section |".to_owned(),
        "|---|---|---|---|---|---|".to_owned(),
    ];
    for item in item_keys() {
        let index = if item.index.is_empty() {
            "—".to_owned()
        } else {
            item.index
                .iter()
                .map(|(pk, sk)| format!("{} / {}", code(pk), code(sk)))
                .collect::<Vec<_>>()
                .join(", or ")
        };
        let whose = match item.kind.spec().belongs {
            Belongs::ToAccount(_) => "the account's",
            Belongs::ToPlatformAbout(_) => "the platform's, about an account",
            Belongs::ToPlatform => "the platform's",
        };
        let section = item
            .kind
            .export_section()
            .map_or("—".to_owned(), |section| format!("`{section}`"));
        rows.push(format!(
            "| {} | {} | {} | {index} | {whose} | {section} |",
            kind_name(item.kind),
            code(&item.pk),
            code(&item.sk),
        ));
    }
    lines(rows)
}

/// What invokes a function, as the tables show it.
fn trigger(spec: &FunctionSpec) -> String {
    match spec.trigger {
        Trigger::Http { method, path } => format!("`{method} {path}`"),
        Trigger::TableStream { filters } => format!(
            "the table's stream: {}",
            filters
                .iter()
                .map(stream_filter)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Trigger::WebSocket { route } => format!("WebSocket route `{route}`"),
        Trigger::Schedule { expression } => format!("schedule `{expression}`"),
        Trigger::ObjectCreated { bucket, prefix } => {
            format!("objects created in the {bucket:?} bucket under `{prefix}`")
        }
    }
}

/// What a stream filter lets through, in words: `inserted or modified \`THREAD#*\` (sort
/// key \`MESSAGE#…\`)`.
fn stream_filter(filter: &StreamFilter) -> String {
    let events: Vec<&str> = filter
        .events
        .iter()
        .map(|event| match event {
            StreamEvent::Insert => "inserted",
            StreamEvent::Modify => "modified",
            StreamEvent::Remove => "removed",
        })
        .collect();
    let mut text = format!("{} `{}`", events.join(" or "), filter.partition);
    match filter.sort {
        SortKey::Any => {}
        SortKey::Exactly(sk) => text.push_str(&format!(" (sort key `{sk}`)")),
        SortKey::StartsWith(prefix) => text.push_str(&format!(" (sort key `{prefix}…`)")),
    }
    if !filter.new_status.is_empty() {
        text.push_str(&format!(
            " whose status becomes {}",
            filter.new_status.join(" or ")
        ));
    }
    text
}

/// The item actions a row grants on `resource`, by partition key.
fn grants(spec: &FunctionSpec, resource: Resource) -> String {
    let granted: Vec<String> = spec
        .permissions
        .iter()
        .filter(|p| p.resource == resource)
        .map(|p: &Permission| {
            let actions: Vec<&str> = p
                .actions
                .iter()
                .map(|a| a.strip_prefix("dynamodb:").unwrap_or(a))
                .collect();
            if p.leading_keys.is_empty() {
                // A scan names no partition key.
                return format!("{} of the whole table", actions.join(", "));
            }
            let keys: Vec<String> = p.leading_keys.iter().map(|k| format!("`{k}`")).collect();
            format!("{} on {}", actions.join(", "), keys.join(", "))
        })
        .collect();
    if granted.is_empty() {
        "—".into()
    } else {
        granted.join("; ")
    }
}

/// `FirstAdminClaim` → `First admin claim`.
fn kind_name(kind: ItemKind) -> String {
    let mut name = String::new();
    for (i, c) in format!("{kind:?}").chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push(' ');
            name.push(c.to_ascii_lowercase());
        } else {
            name.push(c);
        }
    }
    name
}

fn kinds<'a>(items: impl Iterator<Item = &'a ItemKeys>) -> String {
    let names: Vec<String> = items.map(|item| kind_name(item.kind)).collect();
    if names.is_empty() {
        "—".into()
    } else {
        names.join(", ")
    }
}

fn code(text: &str) -> String {
    format!("`{}`", text.replace('|', "\\|"))
}

fn lines(rows: Vec<String>) -> String {
    rows.into_iter().map(|row| row + "\n").collect()
}

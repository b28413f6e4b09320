//! The table's shape, for stacks that create it themselves (local stack, tests, a stack
//! run against another DynamoDB). A deployed stack gets the same shape from
//! `infra/template.yaml`: keys, the `gsi1` index, the stream of old and new images, TTL on
//! `expires_at_epoch`.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, IndexStatus, KeySchemaElement, KeyType,
    Projection, ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TableDescription, TableStatus, TimeToLiveSpecification, TimeToLiveStatus,
};

use super::StoreError;

/// The attribute DynamoDB's TTL reads (as the template's `TimeToLiveSpecification`).
const TTL_ATTRIBUTE: &str = "expires_at_epoch";

/// How long a table may take to become usable: AWS creates tables asynchronously (tens
/// of seconds); the emulators at once.
const READY_WITHIN: Duration = Duration::from_secs(300);

/// Makes `table` where it is missing, gives a table without this stream its stream and a
/// table without TTL its TTL, and returns once the table, its index and its stream are
/// active.
pub async fn ensure_table(client: &Client, table: &str) -> Result<(), StoreError> {
    let described = match describe(client, table).await? {
        Some(described) => described,
        None => create(client, table).await?,
    };
    let described = ready(client, table, described).await?;
    let current = described
        .stream_specification()
        .filter(|s| s.stream_enabled())
        .map(|s| s.stream_view_type().cloned());
    if current
        .as_ref()
        .is_some_and(|view| view.as_ref() != Some(&VIEW))
    {
        // A stream's view changes only by disabling it and enabling it again.
        client
            .update_table()
            .table_name(table)
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(false)
                    .build()
                    .expect("a stream specification"),
            )
            .send()
            .await
            .map_err(StoreError::backend)?;
        let described = describe(client, table).await?.ok_or_else(vanished)?;
        ready(client, table, described).await?;
    }
    if current.is_none_or(|view| view.as_ref() != Some(&VIEW)) {
        client
            .update_table()
            .table_name(table)
            .stream_specification(stream())
            .send()
            .await
            .map_err(StoreError::backend)?;
        let described = describe(client, table).await?.ok_or_else(vanished)?;
        ready(client, table, described).await?;
    }
    ensure_ttl(client, table).await
}

async fn create(client: &Client, table: &str) -> Result<TableDescription, StoreError> {
    let attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("attribute definition")
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("key schema")
    };
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attribute("pk"))
        .attribute_definitions(attribute("sk"))
        .attribute_definitions(attribute("gsi1pk"))
        .attribute_definitions(attribute("gsi1sk"))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("gsi1")
                .key_schema(key("gsi1pk", KeyType::Hash))
                .key_schema(key("gsi1sk", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .expect("index"),
        )
        .stream_specification(stream())
        .send()
        .await;
    match created {
        Ok(created) => created.table_description.ok_or_else(vanished),
        // Another process made it first: it is there now.
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            describe(client, table).await?.ok_or_else(vanished)
        }
        Err(error) => Err(StoreError::backend(error)),
    }
}

/// The table's stream, with each item as it was and as it is (the live fan-out tells
/// an edit or a hide from a post by the item before): the stream consumers read it.
const VIEW: StreamViewType = StreamViewType::NewAndOldImages;

fn stream() -> StreamSpecification {
    StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(VIEW)
        .build()
        .expect("a stream specification")
}

async fn describe(client: &Client, table: &str) -> Result<Option<TableDescription>, StoreError> {
    match client.describe_table().table_name(table).send().await {
        Ok(described) => Ok(described.table),
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(error) => Err(StoreError::backend(error)),
    }
}

/// Whether the table can be used as a whole: it, every index and its stream active.
fn usable(table: &TableDescription) -> bool {
    let stream_ready = !table
        .stream_specification()
        .is_some_and(|s| s.stream_enabled())
        || table.latest_stream_arn().is_some();
    table.table_status() == Some(&TableStatus::Active)
        && table.global_secondary_indexes().iter().all(|index| {
            index
                .index_status()
                .is_none_or(|s| *s == IndexStatus::Active)
        })
        && stream_ready
}

/// Waits, looking again with a growing pause, until the table is [`usable`].
async fn ready(
    client: &Client,
    table: &str,
    mut described: TableDescription,
) -> Result<TableDescription, StoreError> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(50);
    while !usable(&described) {
        if started.elapsed() > READY_WITHIN {
            return Err(StoreError::Unavailable(format!(
                "the table {table} did not become active within {} s (status {:?})",
                READY_WITHIN.as_secs(),
                described.table_status()
            )));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
        described = describe(client, table).await?.ok_or_else(vanished)?;
    }
    Ok(described)
}

/// TTL on [`TTL_ATTRIBUTE`], as the template has it, where it is off.
async fn ensure_ttl(client: &Client, table: &str) -> Result<(), StoreError> {
    let described = client
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await
        .map_err(StoreError::backend)?;
    let status = described
        .time_to_live_description()
        .and_then(|d| d.time_to_live_status());
    if matches!(
        status,
        Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
    ) {
        return Ok(());
    }
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(TTL_ATTRIBUTE)
                .enabled(true)
                .build()
                .expect("a TTL specification"),
        )
        .send()
        .await
        .map_err(StoreError::backend)?;
    Ok(())
}

fn vanished() -> StoreError {
    StoreError::Backend("the table was deleted while it was being prepared".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::GlobalSecondaryIndexDescription;

    fn table(
        status: TableStatus,
        index: IndexStatus,
        stream_arn: Option<&str>,
    ) -> TableDescription {
        TableDescription::builder()
            .table_status(status)
            .global_secondary_indexes(
                GlobalSecondaryIndexDescription::builder()
                    .index_name("gsi1")
                    .index_status(index)
                    .build(),
            )
            .stream_specification(stream())
            .set_latest_stream_arn(stream_arn.map(str::to_owned))
            .build()
    }

    #[test]
    fn a_table_is_usable_only_when_it_its_index_and_its_stream_are_active() {
        assert!(usable(&table(
            TableStatus::Active,
            IndexStatus::Active,
            Some("arn:stream")
        )));
        assert!(!usable(&table(
            TableStatus::Creating,
            IndexStatus::Creating,
            None
        )));
        assert!(!usable(&table(
            TableStatus::Active,
            IndexStatus::Creating,
            Some("arn:stream")
        )));
        assert!(!usable(&table(
            TableStatus::Active,
            IndexStatus::Active,
            None
        )));
    }
}

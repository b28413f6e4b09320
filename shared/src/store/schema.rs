//! The table's shape, for stacks that create it themselves (local stack, tests).
//! A deployed stack gets the same shape from `infra/template.yaml`.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
};

use super::StoreError;

pub async fn ensure_table(client: &Client, table: &str) -> Result<(), StoreError> {
    let existing = client
        .list_tables()
        .send()
        .await
        .map_err(StoreError::backend)?;
    if existing.table_names().iter().any(|t| t == table) {
        return ensure_stream(client, table).await;
    }
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
    client
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
        .await
        .map_err(StoreError::backend)?;
    Ok(())
}

/// The table's stream, with each item as it was and as it is (the live fan-out tells
/// an edit or a hide from a post by the item before): the stream consumers read it.
fn stream() -> StreamSpecification {
    StreamSpecification::builder()
        .stream_enabled(true)
        .stream_view_type(VIEW)
        .build()
        .expect("a stream specification")
}

const VIEW: StreamViewType = StreamViewType::NewAndOldImages;

/// A table made before it had a stream gets one; one whose stream has another view gets
/// this one (a stream's view changes only by disabling it and enabling it again).
async fn ensure_stream(client: &Client, table: &str) -> Result<(), StoreError> {
    let described = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(StoreError::backend)?;
    let current = described
        .table()
        .and_then(|t| t.stream_specification())
        .filter(|s| s.stream_enabled());
    if current.is_some_and(|s| s.stream_view_type() != Some(&VIEW)) {
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
    }
    if current.is_none_or(|s| s.stream_view_type() != Some(&VIEW)) {
        client
            .update_table()
            .table_name(table)
            .stream_specification(stream())
            .send()
            .await
            .map_err(StoreError::backend)?;
    }
    Ok(())
}

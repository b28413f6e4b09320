//! One page of an index partition read in sort-key order: the queues and lists that
//! page forwards with the last sort key they showed as their cursor.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{Item, Store, StoreError, s};

/// The items of one page, each with its index sort key (the list position a cursor
/// names), and whether DynamoDB stopped before the partition's end.
pub(crate) struct IndexPage {
    pub items: Vec<(String, Item)>,
    pub more: bool,
}

impl IndexPage {
    /// The position of the page's last item, when more may follow (the next cursor).
    pub fn next(&self) -> Option<&str> {
        if !self.more {
            return None;
        }
        self.items.last().map(|(position, _)| position.as_str())
    }
}

impl Store {
    /// Up to `limit` items of the index partition `partition`, in ascending sort-key
    /// order, after the sort key `after` when given (one `Query`).
    pub(crate) async fn index_page(
        &self,
        partition: &str,
        after: Option<&str>,
        limit: u16,
    ) -> Result<IndexPage, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .limit(i32::from(limit))
            .expression_attribute_values(":pk", s(partition));
        query = match after {
            None => query.key_condition_expression("gsi1pk = :pk"),
            Some(after) => query
                .key_condition_expression("gsi1pk = :pk AND gsi1sk > :after")
                .expression_attribute_values(":after", s(after)),
        };
        let page = query.send().await.map_err(StoreError::backend)?;
        let mut items = Vec::new();
        for item in page.items.unwrap_or_default() {
            // Every item of an index partition has the index's sort key.
            let Some(AttributeValue::S(position)) = item.get("gsi1sk") else {
                return Err(StoreError::Corrupt(
                    "an index item without its sort key".into(),
                ));
            };
            items.push((position.clone(), item));
        }
        Ok(IndexPage {
            items,
            more: page.last_evaluated_key.is_some(),
        })
    }
}

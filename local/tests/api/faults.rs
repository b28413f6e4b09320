//! The fault proxy plays what AWS's DynamoDB does and the emulators do not: a transaction
//! conflict (another transaction holds the item) and an index that lags behind the
//! table. Checked through the real SDK, against the embedded DynamoDB behind the proxy.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, Get, Put, TransactGetItem, TransactWriteItem};
use natives_local::embedded::sdk_config;
use natives_local::faults::{self, Fault, FaultCounts, FaultPlan, Service};
use tokio::sync::watch;

use crate::helpers::{TestApp, spawn_app};

/// A proxy doing `plan` in front of the stack's own DynamoDB, a client through it, and a
/// client of the DynamoDB itself.
struct Behind {
    proxied: aws_sdk_dynamodb::Client,
    direct: aws_sdk_dynamodb::Client,
    counts: Arc<FaultCounts>,
    table: String,
    _stop: watch::Sender<bool>,
}

async fn behind_proxy(app: &TestApp, plan: FaultPlan) -> Behind {
    let (stop, stopped) = watch::channel(false);
    let counts = Arc::new(FaultCounts::default());
    let endpoints = &app.stack.endpoints;
    let proxy = faults::start(
        &endpoints.dynamodb,
        Service::DynamoDb,
        plan,
        counts.clone(),
        stopped,
    )
    .await
    .unwrap();
    Behind {
        proxied: aws_sdk_dynamodb::Client::new(&sdk_config(&proxy).await),
        direct: aws_sdk_dynamodb::Client::new(&sdk_config(&endpoints.dynamodb).await),
        counts,
        table: endpoints.table.clone(),
        _stop: stop,
    }
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn key(pk: &str, sk: &str) -> std::collections::HashMap<String, AttributeValue> {
    [("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))].into()
}

#[tokio::test]
async fn injected_conflicts_are_answered_as_dynamodb_answers_them_and_write_nothing() {
    let app = spawn_app().await;
    let only_conflicts = FaultPlan {
        rate: 1.0,
        kinds: &[Fault::Conflict],
        index_lag: None,
    };
    let dynamodb = behind_proxy(&app, only_conflicts).await;
    let table = &dynamodb.table;
    dynamodb
        .direct
        .put_item()
        .table_name(table)
        .set_item(Some(key("CONFLICT#1", "A")))
        .item("n", AttributeValue::N("1".into()))
        .send()
        .await
        .unwrap();

    // a single-item write: TransactionConflictException, nothing applied
    let refused = dynamodb
        .proxied
        .update_item()
        .table_name(table)
        .set_key(Some(key("CONFLICT#1", "A")))
        .update_expression("SET n = :two")
        .expression_attribute_values(":two", AttributeValue::N("2".into()))
        .send()
        .await
        .unwrap_err();
    assert!(
        refused
            .as_service_error()
            .is_some_and(|e| e.is_transaction_conflict_exception()),
        "{refused:?}"
    );
    let stored = dynamodb
        .direct
        .get_item()
        .table_name(table)
        .set_key(Some(key("CONFLICT#1", "A")))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.item().unwrap()["n"], AttributeValue::N("1".into()));

    // a transaction: cancelled, one reason per part, one of them TransactionConflict
    let put = |sk: &str| {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(table)
                    .set_item(Some(key("CONFLICT#1", sk)))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let cancelled = dynamodb
        .proxied
        .transact_write_items()
        .transact_items(put("B"))
        .transact_items(put("C"))
        .send()
        .await
        .unwrap_err();
    let reasons = match cancelled.as_service_error() {
        Some(aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(e)) => e
            .cancellation_reasons()
            .iter()
            .map(|reason| reason.code().unwrap_or_default().to_owned())
            .collect::<Vec<_>>(),
        other => panic!("not a cancelled transaction: {other:?}"),
    };
    assert_eq!(reasons.len(), 2);
    assert!(
        reasons.contains(&"TransactionConflict".to_owned()),
        "{reasons:?}"
    );
    let written = dynamodb
        .direct
        .get_item()
        .table_name(table)
        .set_key(Some(key("CONFLICT#1", "B")))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert!(written.item().is_none(), "a cancelled transaction wrote");

    // a transactional read is cancelled the same way
    let get = TransactGetItem::builder()
        .get(
            Get::builder()
                .table_name(table)
                .set_key(Some(key("CONFLICT#1", "A")))
                .build()
                .unwrap(),
        )
        .build();
    let cancelled = dynamodb
        .proxied
        .transact_get_items()
        .transact_items(get)
        .send()
        .await
        .unwrap_err();
    assert!(
        cancelled
            .as_service_error()
            .is_some_and(|e| e.is_transaction_canceled_exception()),
        "{cancelled:?}"
    );

    // a plain read never meets one
    dynamodb
        .proxied
        .get_item()
        .table_name(table)
        .set_key(Some(key("CONFLICT#1", "A")))
        .send()
        .await
        .expect("reads do not conflict");
    assert!(
        dynamodb
            .counts
            .conflicts
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 3
    );
}

#[tokio::test]
async fn with_index_lag_an_index_query_misses_what_was_just_written_until_the_lag_has_passed() {
    let app = spawn_app().await;
    let lag = Duration::from_millis(400);
    let lagging = FaultPlan {
        rate: 0.0,
        kinds: Fault::ALL,
        index_lag: Some(lag),
    };
    let dynamodb = behind_proxy(&app, lagging).await;
    let table = &dynamodb.table;
    let written = std::time::Instant::now();
    dynamodb
        .proxied
        .put_item()
        .table_name(table)
        .set_item(Some(key("LAG#1", "A")))
        .item("gsi1pk", s("LAGGING"))
        .item("gsi1sk", s("1"))
        .send()
        .await
        .unwrap();
    let on_index = |client: &aws_sdk_dynamodb::Client| {
        client
            .query()
            .table_name(table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", s("LAGGING"))
            .send()
    };
    let seen = on_index(&dynamodb.proxied).await.unwrap();
    assert!(written.elapsed() < lag, "the machine was too slow to tell");
    assert_eq!(seen.items().len(), 0, "the index has not caught up yet");
    assert_eq!(seen.count(), 0);
    assert_eq!(on_index(&dynamodb.direct).await.unwrap().items().len(), 1);
    let on_table = dynamodb
        .proxied
        .query()
        .table_name(table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", s("LAG#1"))
        .send()
        .await
        .unwrap();
    assert_eq!(on_table.items().len(), 1, "the table itself does not lag");

    tokio::time::sleep(lag).await;
    assert_eq!(on_index(&dynamodb.proxied).await.unwrap().items().len(), 1);
    assert_eq!(
        dynamodb
            .counts
            .hidden_by_lag
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

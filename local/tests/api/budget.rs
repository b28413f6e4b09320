//! Every function is held to the DynamoDB request budget of its row, by running its
//! example event (`events/<function>.json`, placeholders filled with fresh data) on its
//! successful path. The counts are exact, so a change that adds a request fails here
//! (and belongs in docs/performance.md). A function added later is covered by its row
//! and its event.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_dynamodb::types::AttributeValue;
use natives_functions::FUNCTIONS;
use natives_functions::spec::FunctionSpec;
use natives_local::examples::{Who, event_file, fill};
use natives_local::gateway::{DYNAMODB_KEYS_HEADER, DYNAMODB_REQUESTS_HEADER};
use natives_shared::domain::AccountId;
use natives_shared::store::ownership::{account_of, classify};
use natives_shared::store::{Item, KeyAccess, count_requests};
use reqwest::Response;

use crate::helpers::{TestApp, spawn_app};

pub fn requests(response: &Response) -> u32 {
    response.headers()[DYNAMODB_REQUESTS_HEADER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn every_function_makes_exactly_the_dynamodb_requests_of_its_row() {
    let app = spawn_app().await;
    let keys = app.signing_keys();
    let mut measured = Vec::new();
    let mut touched = Vec::new();
    for spec in FUNCTIONS.iter().filter(|f| f.is_http()) {
        let event = fill(
            &app.stack.app,
            &keys,
            &event_file(spec).unwrap(),
            Who::for_access(spec.access),
        )
        .await
        .unwrap();
        let response = app.send_event(&event).await;
        let status = response.status().as_u16();
        let count = requests(&response);
        touched.push((spec, key_accesses(&response)));
        let body = response.text().await.unwrap();
        // (The `$default` route's example is a method its path lacks: its answer is 405.)
        let answered = if spec.is_default_route() {
            status == 405
        } else {
            (200..400).contains(&status)
        };
        assert!(
            answered,
            "{}: its example event answered {status}: {body}",
            spec.name
        );
        measured.push((spec.name, count, spec.dynamodb_requests));
    }
    // Functions that are not routes: their example event straight into the handler, as
    // Lambda delivers it.
    for spec in FUNCTIONS.iter().filter(|f| !f.is_http()) {
        let event = fill(
            &app.stack.app,
            &keys,
            &event_file(spec).unwrap(),
            Who::for_access(spec.access),
        )
        .await
        .unwrap();
        let (result, count) =
            count_requests(spec.function.handle_event(&app.stack.app, event)).await;
        if let Err(error) = result {
            panic!("{}: its example event failed: {error}", spec.name);
        }
        measured.push((spec.name, count.count(), spec.dynamodb_requests));
        touched.push((spec, count.accesses));
    }
    for (name, count, budget) in &measured {
        assert_eq!(count, budget, "{name} made {count} DynamoDB requests");
    }
    assert_every_key_is_within_the_leading_keys_of_its_row(&touched);

    assert_every_item_is_named_and_found_under_its_account(&app).await;
}

fn key_accesses(response: &Response) -> Vec<KeyAccess> {
    let header = response.headers()[DYNAMODB_KEYS_HEADER].to_str().unwrap();
    serde_json::from_str(header).unwrap()
}

/// What IAM would decide for each item action a function's successful path made (the
/// local stack refuses the others too, on every path the other tests take). Every miss
/// is listed at once, so a new function's row is written from one run.
fn assert_every_key_is_within_the_leading_keys_of_its_row(
    touched: &[(&FunctionSpec, Vec<KeyAccess>)],
) {
    let misses: BTreeSet<String> = touched
        .iter()
        .flat_map(|(spec, accesses)| {
            spec.refused(accesses)
                .into_iter()
                .map(move |access| format!("{}: {access:?}", spec.name))
        })
        .collect();
    assert!(
        misses.is_empty(),
        "not granted by the row's leading keys:\n{}",
        misses.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// Every item the functions wrote is of a kind the ownership list names, and every item
/// that belongs to (or is about) an account is found by walking the list for it.
async fn assert_every_item_is_named_and_found_under_its_account(app: &TestApp) {
    let store = &app.stack.app.store;
    let mut by_account: BTreeMap<AccountId, BTreeSet<(String, String)>> = BTreeMap::new();
    let mut start = None;
    loop {
        let page = store
            .client()
            .scan()
            .table_name(store.table())
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        for item in page.items() {
            let (pk, sk) = keys_of(item);
            let kind = classify(&pk, &sk)
                .unwrap_or_else(|| panic!("an item the ownership list does not name: {pk} / {sk}"));
            if let Some(account) = account_of(kind, item) {
                by_account.entry(account).or_default().insert((pk, sk));
            }
        }
        match page.last_evaluated_key {
            Some(key) => start = Some(key),
            None => break,
        }
    }
    assert!(!by_account.is_empty());
    for (account, expected) in by_account {
        let found: BTreeSet<(String, String)> = store
            .items_of_account(&account)
            .await
            .unwrap()
            .iter()
            .map(|(_, item)| keys_of(item))
            .collect();
        assert_eq!(found, expected, "the items of {account}");
    }
}

fn keys_of(item: &Item) -> (String, String) {
    let text = |name: &str| match item.get(name) {
        Some(AttributeValue::S(value)) => value.clone(),
        other => panic!("{name}: {other:?}"),
    };
    (text("pk"), text("sk"))
}

#[tokio::test]
async fn refused_requests_cost_no_dynamodb_request() {
    let app = spawn_app().await;
    let bad_body = app
        .post_raw("/v1/accounts", Some("application/json"), "{")
        .await;
    assert_eq!(requests(&bad_body), 0);
    let no_token = app.client.get(app.url("/v1/me")).send().await.unwrap();
    assert_eq!(requests(&no_token), 0);
    let bad_refresh = app.refresh("short").await;
    assert_eq!(requests(&bad_refresh), 0);
}

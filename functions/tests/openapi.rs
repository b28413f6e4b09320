//! docs/openapi.yaml states the input rules it can state, so schemathesis (run by
//! scripts/test with every check) refuses anything the API would refuse: these tests
//! keep the rules that live in code and in the contract from drifting apart.

use std::collections::BTreeSet;
use std::path::PathBuf;

use natives_shared::domain::Currency;
use serde_yaml::Value;

fn openapi() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn schema<'a>(openapi: &'a Value, reference: &str) -> &'a Value {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .unwrap_or_else(|| panic!("a schema reference: {reference}"));
    &openapi["components"]["schemas"][name]
}

#[test]
fn prices_take_exactly_the_currencies_the_code_accepts() {
    let openapi = openapi();
    let listed: BTreeSet<String> =
        openapi["components"]["schemas"]["Money"]["properties"]["currency"]["enum"]
            .as_sequence()
            .expect("Money.currency lists its codes")
            .iter()
            .map(|code| code.as_str().unwrap().to_owned())
            .collect();
    let accepted: BTreeSet<String> = Currency::all().map(str::to_owned).collect();
    assert_eq!(listed, accepted);
    let maximum =
        &openapi["components"]["schemas"]["Money"]["properties"]["amount_minor"]["maximum"];
    assert_eq!(
        maximum.as_i64(),
        Some(natives_shared::domain::Money::MAX_AMOUNT_MINOR)
    );
}

/// Request fields where the empty string is not refused as invalid input: a login with
/// an empty e-mail or password is a wrong login (401), an empty refresh token is one that
/// opens nothing (401, or 204 for logout), an empty password at erasure is a wrong one
/// (403), an empty terms version is not the current one (422).
const EMPTY_IS_AN_ANSWER: &[&str] = &[
    "LoginRequest.email",
    "LoginRequest.password",
    "RefreshRequest.refresh_token",
    "ErasureRequest.password",
    "TermsAcceptanceRequest.version",
];

#[test]
fn every_request_string_states_a_minimum_length_where_empty_is_refused() {
    let openapi = openapi();
    let mut pending: Vec<(String, Value)> = Vec::new();
    for (_, path) in openapi["paths"].as_mapping().unwrap() {
        for (_, operation) in path.as_mapping().unwrap() {
            let body = &operation["requestBody"]["content"]["application/json"]["schema"];
            if let Some(reference) = body["$ref"].as_str() {
                let name = reference.rsplit('/').next().unwrap().to_owned();
                pending.push((name, schema(&openapi, reference).clone()));
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut missing = Vec::new();
    while let Some((name, object)) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        for (field, property) in object["properties"].as_mapping().into_iter().flatten() {
            let field = format!("{name}.{}", field.as_str().unwrap());
            if let Some(reference) = property["$ref"].as_str() {
                let nested = reference.rsplit('/').next().unwrap().to_owned();
                pending.push((nested, schema(&openapi, reference).clone()));
                continue;
            }
            let strings: Vec<&Value> = match property["type"].as_str() {
                Some("string") => vec![property],
                Some("array") if property["items"]["type"] == "string" => vec![&property["items"]],
                _ => vec![],
            };
            for string in strings {
                let bounded = string["minLength"].as_u64().is_some_and(|n| n >= 1)
                    || string.get("enum").is_some()
                    || string.get("format").is_some();
                if !bounded && !EMPTY_IS_AN_ANSWER.contains(&field.as_str()) {
                    missing.push(field.clone());
                }
            }
        }
    }
    assert!(seen.contains("RegisterRequest") && seen.contains("GuardianInput"));
    assert!(missing.is_empty(), "no minLength: {missing:?}");
}

//! The route table is the single source of truth: the SAM template and the event files
//! must agree with it exactly.

use std::collections::BTreeSet;
use std::path::PathBuf;

use natives_functions::routes::{Function, ROUTES, RouteMatch, match_route};
use serde_yaml::Value;

fn repo_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn template() -> Value {
    let text =
        std::fs::read_to_string(repo_file("infra/template.yaml")).expect("infra/template.yaml");
    serde_yaml::from_str(&text).expect("the template is YAML")
}

fn logical_id(function: Function) -> String {
    let camel: String = function
        .name()
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect::<String>()
        })
        .collect();
    format!("{camel}Function")
}

fn functions_in_template(template: &Value) -> Vec<(String, &Value)> {
    template["Resources"]
        .as_mapping()
        .expect("Resources")
        .iter()
        .filter(|(_, resource)| resource["Type"] == "AWS::Serverless::Function")
        .map(|(id, resource)| (id.as_str().unwrap().to_owned(), resource))
        .collect()
}

#[test]
fn template_declares_exactly_the_route_table() {
    let template = template();
    let declared: BTreeSet<String> = functions_in_template(&template)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let expected: BTreeSet<String> = ROUTES.iter().map(|r| logical_id(r.function)).collect();
    assert_eq!(
        declared, expected,
        "functions in the template vs the route table"
    );

    for route in ROUTES {
        let id = logical_id(route.function);
        let resource = &template["Resources"][id.as_str()];
        assert_eq!(
            resource["Metadata"]["BuildProperties"]["Binary"].as_str(),
            Some(route.function.name()),
            "{id} builds the binary of its function"
        );
        let events = resource["Properties"]["Events"]
            .as_mapping()
            .expect("Events");
        assert_eq!(events.len(), 1, "{id} serves one route");
        let event = events.values().next().unwrap();
        assert_eq!(event["Type"], "HttpApi", "{id}");
        assert_eq!(
            event["Properties"]["Path"].as_str(),
            Some(route.path),
            "{id} path"
        );
        assert_eq!(
            event["Properties"]["Method"].as_str(),
            Some(route.method),
            "{id} method"
        );
    }
}

#[test]
fn every_function_has_a_least_privilege_policy_of_its_own() {
    let template = template();
    for route in ROUTES {
        let id = logical_id(route.function);
        let policies = template["Resources"][id.as_str()]["Properties"]["Policies"]
            .as_sequence()
            .unwrap_or_else(|| panic!("{id} has its own Policies"));
        let mut actions = BTreeSet::new();
        for policy in policies {
            for statement in policy["Statement"].as_sequence().expect("Statement") {
                assert_eq!(statement["Effect"], "Allow", "{id}");
                for action in statement["Action"].as_sequence().expect("Action list") {
                    let action = action.as_str().expect("action name");
                    assert!(
                        !action.contains('*'),
                        "{id} grants wildcard action {action}"
                    );
                    actions.insert(action.to_owned());
                }
                for resource in statement["Resource"].as_sequence().expect("Resource list") {
                    assert_ne!(
                        resource.as_str(),
                        Some("*"),
                        "{id} grants on every resource"
                    );
                }
            }
        }
        let needed: BTreeSet<String> = route
            .function
            .iam_actions()
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(
            actions, needed,
            "{id}: policy actions vs what the function does"
        );
    }
}

#[test]
fn the_table_keeps_point_in_time_recovery_on() {
    let template = template();
    let pitr = &template["Resources"]["Table"]["Properties"]["PointInTimeRecoverySpecification"];
    assert_eq!(pitr["PointInTimeRecoveryEnabled"], Value::Bool(true));
}

#[test]
fn every_function_has_an_api_gateway_event_for_its_route() {
    for route in ROUTES {
        let path = repo_file(&format!("events/{}.json", route.function.name()));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing {}", path.display()));
        let request = lambda_http::request::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not an API Gateway event: {e}", path.display()));
        let matched = match_route(request.method().as_str(), request.uri().path());
        assert!(
            matches!(matched, RouteMatch::Found { route: found, .. } if found.function == route.function),
            "{} is not an event for {} {}",
            path.display(),
            route.method,
            route.path
        );
    }
    let files = std::fs::read_dir(repo_file("events")).unwrap().count();
    assert_eq!(files, ROUTES.len(), "one event per function, no strays");
}

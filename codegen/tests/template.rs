//! What the template's function resources say, read back from `infra/template.yaml` as
//! CloudFormation reads it: one resource per row, each with its row's binary, handler,
//! trigger, profile and exactly its row's IAM statements; secrets by parameter name only;
//! the hand-written parts the functions rely on.

use std::collections::BTreeSet;
use std::path::PathBuf;

use natives_codegen::template::{
    LIVE_API, LIVE_ENDPOINT_VARIABLE, LIVE_STAGE, bucket_resource, parameter_prefix, resource_arn,
    secret_parameter,
};
use natives_functions::FUNCTIONS;
use natives_functions::binaries::Binary;
use natives_functions::spec::{Deploy, FunctionSpec, Permission, Trigger};
use natives_shared::config::Secret;
use serde_yaml::Value;

fn repo_file(relative: &str) -> PathBuf {
    natives_codegen::repository_root().join(relative)
}

/// A statement as (sorted actions, resources, condition), for comparing regardless of
/// order.
type Statement = (Vec<String>, Vec<Value>, Value);

fn template() -> Value {
    let text =
        std::fs::read_to_string(repo_file("infra/template.yaml")).expect("infra/template.yaml");
    serde_yaml::from_str(&text).expect("the template is YAML")
}

fn functions_in_template(template: &Value) -> BTreeSet<String> {
    template["Resources"]
        .as_mapping()
        .expect("Resources")
        .iter()
        .filter(|(_, resource)| resource["Type"] == "AWS::Serverless::Function")
        .map(|(id, _)| id.as_str().unwrap().to_owned())
        .collect()
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

/// The condition a DynamoDB statement carries: its row's leading keys, which IAM
/// compares with every partition key the request names (`ForAllValues`: each must
/// match one of them).
fn expected_condition(permission: &Permission) -> Value {
    if permission.leading_keys.is_empty() {
        return Value::Null;
    }
    let patterns: Vec<Value> = permission
        .leading_keys
        .iter()
        .map(|p| Value::String(p.to_string()))
        .collect();
    let mut keys = serde_yaml::Mapping::new();
    keys.insert("dynamodb:LeadingKeys".into(), Value::Sequence(patterns));
    let mut condition = serde_yaml::Mapping::new();
    condition.insert("ForAllValues:StringLike".into(), Value::Mapping(keys));
    Value::Mapping(condition)
}

fn expected_statements(permissions: &[Permission]) -> Vec<Statement> {
    let mut statements: Vec<Statement> = permissions
        .iter()
        .map(|p| {
            let mut actions: Vec<String> = p.actions.iter().map(|a| a.to_string()).collect();
            actions.sort();
            (
                actions,
                vec![yaml(&resource_arn(p.resource))],
                expected_condition(p),
            )
        })
        .collect();
    statements.sort_by_key(|s| format!("{s:?}"));
    statements
}

fn template_statements(id: &str, function: &Value) -> Vec<Statement> {
    let policies = function["Properties"]["Policies"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{id} has its own Policies"));
    let mut statements = Vec::new();
    for policy in policies {
        for statement in policy["Statement"].as_sequence().expect("Statement") {
            assert_eq!(statement["Effect"], "Allow", "{id}");
            let mut actions: Vec<String> = statement["Action"]
                .as_sequence()
                .expect("Action list")
                .iter()
                .map(|a| a.as_str().expect("action name").to_owned())
                .collect();
            for action in &actions {
                assert!(
                    !action.contains('*'),
                    "{id} grants wildcard action {action}"
                );
            }
            actions.sort();
            let resources = statement["Resource"]
                .as_sequence()
                .expect("Resource list")
                .clone();
            statements.push((actions, resources, statement["Condition"].clone()));
        }
    }
    statements.sort_by_key(|s| format!("{s:?}"));
    statements
}

fn the_one_event(id: &str, function: &Value) -> Value {
    let events = function["Properties"]["Events"]
        .as_mapping()
        .unwrap_or_else(|| panic!("{id} has Events"));
    assert_eq!(events.len(), 1, "{id} has one trigger");
    events.values().next().unwrap().clone()
}

fn assert_trigger(id: &str, spec: &FunctionSpec, template: &Value) {
    if let Trigger::WebSocket { route } = spec.trigger {
        let function = &template["Resources"][id];
        assert!(
            function["Properties"]["Events"].is_null(),
            "{id}: a WebSocket route invokes it through its integration, not an event"
        );
        assert_websocket_route(id, spec, route, template);
        return;
    }
    let event = the_one_event(id, &template["Resources"][id]);
    let properties = &event["Properties"];
    match spec.trigger {
        Trigger::Http { method, path } => {
            assert_eq!(event["Type"], "HttpApi", "{id}");
            assert_eq!(properties["Path"].as_str(), Some(path), "{id} path");
            assert_eq!(properties["Method"].as_str(), Some(method), "{id} method");
        }
        Trigger::TableStream { .. } => {
            assert_eq!(event["Type"], "DynamoDB", "{id}");
            assert_eq!(
                properties["Stream"],
                yaml("Fn::GetAtt: [Table, StreamArn]"),
                "{id} reads the table's stream"
            );
        }
        Trigger::Schedule { expression } => {
            assert_eq!(event["Type"], "ScheduleV2", "{id}");
            assert_eq!(
                properties["ScheduleExpression"].as_str(),
                Some(expression),
                "{id}"
            );
        }
        Trigger::ObjectCreated { bucket, prefix } => {
            assert_eq!(event["Type"], "S3", "{id}");
            assert_eq!(
                properties["Bucket"],
                yaml(&format!("Ref: {}", bucket_resource(bucket))),
                "{id}"
            );
            let rules = &properties["Filter"]["S3Key"]["Rules"];
            assert_eq!(rules[0]["Name"], "prefix", "{id}");
            assert_eq!(rules[0]["Value"].as_str(), Some(prefix), "{id}");
        }
        Trigger::WebSocket { .. } => unreachable!("checked above"),
    }
}

/// A WebSocket route of the table, as API Gateway reads it: the route of the API with its
/// route key, targeting an integration that proxies to the row's function, which only this
/// route of this API may invoke; `$default` (the frames) sends the function's answer back.
fn assert_websocket_route(id: &str, spec: &FunctionSpec, route: &str, template: &Value) {
    let prefix = parameter_prefix(spec);
    let resources = &template["Resources"];
    let api = yaml(&format!("Ref: {LIVE_API}"));
    let route_resource = &resources[format!("{prefix}Route").as_str()];
    assert_eq!(route_resource["Type"], "AWS::ApiGatewayV2::Route", "{id}");
    let properties = &route_resource["Properties"];
    assert_eq!(properties["ApiId"], api, "{id}");
    assert_eq!(properties["RouteKey"].as_str(), Some(route), "{id}");
    assert_eq!(
        properties["Target"],
        yaml(&format!(
            "Fn::Sub: \"integrations/${{{prefix}Integration}}\""
        )),
        "{id}"
    );
    let integration = &resources[format!("{prefix}Integration").as_str()];
    assert_eq!(
        integration["Type"], "AWS::ApiGatewayV2::Integration",
        "{id}"
    );
    assert_eq!(integration["Properties"]["ApiId"], api, "{id}");
    assert_eq!(
        integration["Properties"]["IntegrationType"], "AWS_PROXY",
        "{id}"
    );
    let uri = integration["Properties"]["IntegrationUri"]["Fn::Sub"]
        .as_str()
        .unwrap_or_default();
    assert!(
        uri.contains(&format!("/functions/${{{id}.Arn}}/invocations")),
        "{id}: {uri}"
    );
    let permission = &resources[format!("{prefix}Permission").as_str()]["Properties"];
    assert_eq!(
        permission["FunctionName"],
        yaml(&format!("Ref: {id}")),
        "{id}"
    );
    assert_eq!(permission["Principal"], "apigateway.amazonaws.com", "{id}");
    assert!(
        permission["SourceArn"]["Fn::Sub"]
            .as_str()
            .is_some_and(|arn| arn.ends_with(&format!(":${{{LIVE_API}}}/*/{route}"))),
        "{id}: only its route of the WebSocket API invokes it"
    );
    let response = &resources[format!("{prefix}RouteResponse").as_str()];
    if route == "$default" {
        assert_eq!(
            properties["RouteResponseSelectionExpression"], "$default",
            "{id}"
        );
        assert_eq!(response["Type"], "AWS::ApiGatewayV2::RouteResponse", "{id}");
        assert_eq!(
            response["Properties"]["RouteId"],
            yaml(&format!("Ref: {prefix}Route"))
        );
        assert_eq!(response["Properties"]["RouteResponseKey"], "$default");
    } else {
        assert!(response.is_null(), "{id}: one-way");
    }
}

#[test]
fn template_declares_exactly_the_function_table() {
    let template = template();
    let expected: BTreeSet<String> = FUNCTIONS.iter().map(|f| f.logical_id()).collect();
    assert_eq!(
        functions_in_template(&template),
        expected,
        "functions in the template vs the function table"
    );
    for spec in FUNCTIONS {
        let id = spec.logical_id();
        let function = &template["Resources"][id.as_str()];
        assert_eq!(
            function["Metadata"]["BuildProperties"]["Binary"].as_str(),
            Some(spec.binary.name()),
            "{id} deploys the binary its row names"
        );
        assert_eq!(
            function["Properties"]["Handler"].as_str(),
            Some(spec.name),
            "{id}'s Handler is its function's name, which selects its row"
        );
        assert_trigger(&id, spec, &template);
    }
}

#[test]
fn every_function_has_exactly_the_permissions_of_its_row() {
    let template = template();
    for spec in FUNCTIONS {
        let id = spec.logical_id();
        let function = &template["Resources"][id.as_str()];
        assert_eq!(
            template_statements(&id, function),
            expected_statements(spec.permissions),
            "{id}: policy vs the row's permissions"
        );
    }
}

/// The stream carries each change's old and new image: the outbox sender takes new
/// items, the live fan-out tells an edit or a hide from a change nobody sees.
#[test]
fn the_table_streams_old_and_new_images() {
    let template = template();
    let stream = &template["Resources"]["Table"]["Properties"]["StreamSpecification"];
    assert_eq!(stream["StreamViewType"], "NEW_AND_OLD_IMAGES");
}

#[test]
fn the_table_keeps_point_in_time_recovery_on() {
    let template = template();
    let pitr = &template["Resources"]["Table"]["Properties"]["PointInTimeRecoverySpecification"];
    assert_eq!(pitr["PointInTimeRecoveryEnabled"], Value::Bool(true));
}

/// The functions of one binary share one build, so sam build builds each binary once:
/// the same code folder and build metadata, and nothing else that separates builds.
#[test]
fn the_functions_of_a_binary_share_one_build() {
    let template = template();
    for binary in Binary::ALL {
        let builds: BTreeSet<String> = binary
            .functions()
            .map(|spec| {
                let function = &template["Resources"][spec.logical_id().as_str()];
                format!(
                    "{:?} {:?}",
                    function["Metadata"], function["Properties"]["CodeUri"]
                )
            })
            .collect();
        assert_eq!(builds.len(), 1, "one build for {binary:?}: {builds:?}");
    }
    for spec in FUNCTIONS {
        let function = &template["Resources"][spec.logical_id().as_str()]["Properties"];
        for key in ["Runtime", "Architectures"] {
            assert!(
                function[key].is_null(),
                "{}: {key} comes from Globals, so a binary's functions share its build",
                spec.name
            );
        }
    }
}

/// Secrets never travel in the template or a function's environment: a function whose
/// row grants it a secret gets the name of its SSM parameter (and may read exactly that
/// parameter, above); no other function gets either, and no template parameter carries
/// a secret value.
#[test]
fn secrets_reach_only_their_functions_and_only_by_parameter_name() {
    let template = template();
    let globals = &template["Globals"]["Function"]["Environment"]["Variables"];
    for secret in Secret::ALL {
        assert!(
            globals.get(secret.variable()).is_none()
                && globals.get(secret.parameter_variable()).is_none(),
            "Globals must not name {}",
            secret.variable()
        );
        let parameter = &template["Parameters"][secret_parameter(secret)];
        assert_eq!(parameter["Type"], "String", "{}", secret_parameter(secret));
        assert!(
            parameter["AllowedPattern"]
                .as_str()
                // (A provider's secret may be left empty: that provider is not offered.)
                .is_some_and(|p| p.starts_with("^/") || p.starts_with("^(/[")),
            "{}: a parameter name with a leading slash, so the ARN is parameter<name>",
            secret_parameter(secret)
        );
    }
    for (name, parameter) in template["Parameters"].as_mapping().unwrap() {
        assert!(
            parameter.get("NoEcho").is_none(),
            "{name:?}: a NoEcho parameter is a secret passing through CloudFormation"
        );
    }
    for spec in FUNCTIONS {
        let id = spec.logical_id();
        let variables =
            &template["Resources"][id.as_str()]["Properties"]["Environment"]["Variables"];
        let granted: Vec<Secret> = spec.secrets().collect();
        for secret in Secret::ALL {
            assert!(
                variables.get(secret.variable()).is_none(),
                "{id} has {} in plain text",
                secret.variable()
            );
            let named = variables.get(secret.parameter_variable());
            if granted.contains(&secret) {
                assert_eq!(
                    named,
                    Some(&yaml(&format!("Ref: {}", secret_parameter(secret)))),
                    "{id} reads {}",
                    secret.parameter_variable()
                );
            } else {
                assert!(
                    named.is_none(),
                    "{id} is named {} but may not read it",
                    secret.parameter_variable()
                );
            }
        }
    }
    let readers: BTreeSet<&str> = FUNCTIONS
        .iter()
        .filter(|spec| spec.reads_secrets())
        .map(|spec| spec.name)
        .collect();
    assert_eq!(
        readers,
        BTreeSet::from([
            "confirm-email-change",
            "confirm-email-verification",
            "confirm-guardian-consent",
            "confirm-password-reset",
            "create-checkout",
            "get-voice",
            "link-identity",
            "list-auth-providers",
            "login",
            "refresh-session",
            "register",
            "request-email-change",
            "request-email-verification",
            "request-password-reset",
            "send-invitation",
            "social-login",
            "start-social-authorization",
            "stripe-webhook"
        ])
    );
}

/// The functions that hash passwords for anyone who asks (login, registration, a
/// password reset's confirmation), and those that start and finish a provider sign-in
/// for anyone who asks, are
/// limited: the gateway throttles their routes and each has reserved concurrency, both
/// template parameters, so a flood of guesses or sign-ups is refused with 429 before it
/// costs CPU, and what it can cost is bounded.
#[test]
fn password_hashing_routes_are_throttled_and_their_functions_reserved() {
    let limited: BTreeSet<&str> = FUNCTIONS
        .iter()
        .filter(|spec| spec.deploy.limited)
        .map(|spec| spec.name)
        .collect();
    assert_eq!(
        limited,
        BTreeSet::from([
            "confirm-password-reset",
            "login",
            "register",
            "social-login",
            "start-social-authorization"
        ])
    );
    let template = template();
    let number_parameter = |name: &str| {
        let parameter = &template["Parameters"][name];
        assert_eq!(parameter["Type"], "Number", "{name}");
        let default = parameter["Default"].as_u64().expect("a default");
        assert!(default >= 1, "{name}");
        assert!(parameter["MinValue"].as_u64() >= Some(1), "{name}: never 0");
    };
    for spec in FUNCTIONS.iter().filter(|spec| spec.deploy.limited) {
        let id = spec.logical_id();
        let prefix = parameter_prefix(spec);
        let properties = &template["Resources"][id.as_str()]["Properties"];
        let reserved = format!("{prefix}ReservedConcurrency");
        assert_eq!(
            properties["ReservedConcurrentExecutions"],
            yaml(&format!("Ref: {reserved}")),
            "{id}"
        );
        number_parameter(&reserved);
        let route =
            &the_one_event(&id, &template["Resources"][id.as_str()])["Properties"]["RouteSettings"];
        for (setting, parameter) in [
            ("ThrottlingRateLimit", format!("{prefix}RateLimit")),
            ("ThrottlingBurstLimit", format!("{prefix}BurstLimit")),
        ] {
            assert_eq!(
                route[setting],
                yaml(&format!("Ref: {parameter}")),
                "{id} {setting}"
            );
            number_parameter(&parameter);
        }
    }
}

/// A deployed function trusts the five bundled AWS roots alone: the bench's extra root
/// (`BENCH_EXTRA_ROOT_CERT_FILE`, read only when set) is given by `bench/coldstart` and by
/// nothing a deploy reads.
#[test]
fn no_function_is_given_the_bench_root() {
    let variable = natives_shared::aws::BENCH_EXTRA_ROOT_VARIABLE;
    for file in ["infra/template.yaml", "samconfig.toml"] {
        let text = std::fs::read_to_string(repo_file(file)).expect(file);
        assert!(!text.contains(variable), "{file} names {variable}");
    }
}

/// The template's `Globals` give every function the default profile; a resource states
/// only what its row's profile changes.
#[test]
fn the_globals_are_the_default_profile() {
    let template = template();
    let globals = &template["Globals"]["Function"];
    assert_eq!(
        globals["MemorySize"].as_u64(),
        Some(u64::from(Deploy::DEFAULT.memory_mb))
    );
    assert_eq!(
        globals["Timeout"].as_u64(),
        Some(u64::from(Deploy::DEFAULT.timeout_seconds))
    );
    for spec in FUNCTIONS {
        let properties = &template["Resources"][spec.logical_id().as_str()]["Properties"];
        let memory = properties["MemorySize"]
            .as_u64()
            .unwrap_or(u64::from(Deploy::DEFAULT.memory_mb));
        let timeout = properties["Timeout"]
            .as_u64()
            .unwrap_or(u64::from(Deploy::DEFAULT.timeout_seconds));
        assert_eq!(memory, u64::from(spec.deploy.memory_mb), "{}", spec.name);
        assert_eq!(
            timeout,
            u64::from(spec.deploy.timeout_seconds),
            "{}",
            spec.name
        );
    }
}

/// Every `Ref:` of a function resource names a parameter or a resource of the template.
#[test]
fn every_reference_of_a_function_resource_is_declared() {
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Mapping(map) => {
                for (key, value) in map {
                    if key == "Ref" {
                        found.push(value.as_str().unwrap_or_default().to_owned());
                    }
                    refs(value, found);
                }
            }
            Value::Sequence(items) => items.iter().for_each(|item| refs(item, found)),
            _ => {}
        }
    }
    let template = template();
    for spec in FUNCTIONS {
        let mut found = Vec::new();
        refs(
            &template["Resources"][spec.logical_id().as_str()],
            &mut found,
        );
        for name in found {
            assert!(
                template["Parameters"].get(&name).is_some()
                    || template["Resources"].get(&name).is_some(),
                "{}: Ref {name} is neither a parameter nor a resource",
                spec.name
            );
        }
    }
}

/// A stream function's event source mapping filters with exactly its trigger's patterns
/// (the ones the local pump runs: `StreamFilter::pattern`).
#[test]
fn the_stream_filter_is_the_triggers() {
    let template = template();
    for spec in FUNCTIONS {
        let Trigger::TableStream { filters } = spec.trigger else {
            continue;
        };
        let id = spec.logical_id();
        let event = the_one_event(&id, &template["Resources"][id.as_str()]);
        let patterns: Vec<serde_json::Value> = event["Properties"]["FilterCriteria"]["Filters"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|filter| serde_json::from_str(filter["Pattern"].as_str().unwrap()).unwrap())
            .collect();
        let expected: Vec<serde_json::Value> = filters.iter().map(|f| f.pattern()).collect();
        assert_eq!(patterns, expected, "{id}");
        assert!(
            patterns.len() <= 5,
            "{id}: an event source mapping takes at most 5 filters"
        );
    }
}

/// The WebSocket API: routed by the frames' `action` (every frame goes to `$default`,
/// the one frame function), its routes exactly the table's, deployed to the stage the
/// functions' Management API endpoint names, its URL an output; a function that pushes or
/// closes connections gets that endpoint and may manage only this API's connections.
#[test]
fn the_websocket_api_serves_exactly_the_tables_routes() {
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    let api = &template["Resources"][LIVE_API];
    assert_eq!(api["Type"], "AWS::ApiGatewayV2::Api");
    assert_eq!(api["Properties"]["ProtocolType"], "WEBSOCKET");
    assert_eq!(
        api["Properties"]["RouteSelectionExpression"],
        "$request.body.action"
    );
    let declared: BTreeSet<String> = resources
        .values()
        .filter(|resource| resource["Type"] == "AWS::ApiGatewayV2::Route")
        .map(|route| route["Properties"]["RouteKey"].as_str().unwrap().to_owned())
        .collect();
    let routes: BTreeSet<String> = FUNCTIONS
        .iter()
        .filter_map(|spec| spec.websocket_route())
        .map(str::to_owned)
        .collect();
    assert_eq!(declared, routes);
    assert_eq!(
        routes,
        BTreeSet::from(["$connect", "$default", "$disconnect"].map(String::from))
    );
    let stages: Vec<&Value> = resources
        .values()
        .filter(|resource| resource["Type"] == "AWS::ApiGatewayV2::Stage")
        .collect();
    assert_eq!(stages.len(), 1);
    let stage = &stages[0]["Properties"];
    assert_eq!(stage["ApiId"], yaml(&format!("Ref: {LIVE_API}")));
    assert_eq!(stage["StageName"].as_str(), Some(LIVE_STAGE));
    assert_eq!(
        stage["AutoDeploy"],
        Value::Bool(true),
        "route changes deploy"
    );
    let url = template["Outputs"]["LiveUrl"]["Value"]["Fn::Sub"]
        .as_str()
        .unwrap();
    assert!(
        url.starts_with(&format!("wss://${{{LIVE_API}}}.execute-api.")),
        "{url}"
    );
    assert!(url.ends_with(&format!("/{LIVE_STAGE}")), "{url}");
    for spec in FUNCTIONS {
        let variables = &template["Resources"][spec.logical_id().as_str()]["Properties"]["Environment"]
            ["Variables"];
        let endpoint = variables[LIVE_ENDPOINT_VARIABLE]["Fn::Sub"].as_str();
        if spec.manages_connections() {
            let endpoint = endpoint.unwrap_or_else(|| panic!("{}: no endpoint", spec.name));
            assert_eq!(
                endpoint.strip_prefix("https://"),
                url.strip_prefix("wss://"),
                "{}: the Management API of the same stage",
                spec.name
            );
        } else {
            assert!(endpoint.is_none(), "{}", spec.name);
        }
    }
}

/// Every request no route matches reaches the `$default` route's function, deployed as
/// locally (`natives_functions::routing::select`): the HTTP API has exactly one `$default` route, of any
/// method, and it is the row's; no other route takes any method or a greedy `{proxy+}`
/// path, and no CORS configuration lets API Gateway answer an `OPTIONS` itself, so
/// nothing but the table's routes comes before it.
#[test]
fn requests_no_route_matches_reach_the_default_route_as_deployed() {
    let template = template();
    let mut default_routes = Vec::new();
    for (id, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let Some(events) = resource["Properties"]["Events"].as_mapping() else {
            continue; // a WebSocket route's
        };
        for event in events.values() {
            if event["Type"] != "HttpApi" {
                continue;
            }
            let path = event["Properties"]["Path"].as_str().unwrap();
            let method = event["Properties"]["Method"].as_str().unwrap();
            if path == natives_functions::routing::DEFAULT_ROUTE {
                assert!(
                    method.eq_ignore_ascii_case("ANY"),
                    "{id:?}: $default {method}"
                );
                default_routes.push(id.as_str().unwrap().to_owned());
            } else {
                assert!(!method.eq_ignore_ascii_case("ANY"), "{id:?}: ANY {path}");
                assert!(!path.contains("+}"), "{id:?}: greedy path {path}");
            }
        }
    }
    assert_eq!(
        default_routes,
        [natives_functions::routing::default_route().logical_id()]
    );
    let api = &template["Resources"]["HttpApi"];
    assert_eq!(api["Type"], "AWS::Serverless::HttpApi");
    assert!(api["Properties"]["CorsConfiguration"].is_null());
    assert!(template["Globals"]["HttpApi"].is_null());
}

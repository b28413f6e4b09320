//! The function table is the single source of truth: the SAM template, the event files
//! and the deployed binary must agree with it exactly.

use std::collections::BTreeSet;
use std::path::PathBuf;

use natives_functions::FUNCTIONS;
use natives_functions::binaries::Binary;
use natives_functions::routing;
use natives_functions::spec::{Bucket, FunctionSpec, Permission, Resource, Trigger};
use natives_shared::config::Secret;
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

fn bucket_resource(bucket: Bucket) -> &'static str {
    match bucket {
        Bucket::Staging => "StagingBucket",
        Bucket::Archive => "ArchiveBucket",
    }
}

/// The template parameter that names a secret's SSM parameter.
fn secret_parameter(secret: Secret) -> &'static str {
    match secret {
        Secret::JwtPrivateKey => "JwtPrivateKeyParameter",
        Secret::StripeSecretKey => "StripeSecretKeyParameter",
        Secret::StripeWebhookSecret => "StripeWebhookSecretParameter",
    }
}

/// How the template names a permission's resource.
fn rendered_resource(resource: Resource) -> Value {
    match resource {
        Resource::Table => yaml("Fn::GetAtt: [Table, Arn]"),
        Resource::Index(name) => yaml(&format!("Fn::Sub: \"${{Table.Arn}}/index/{name}\"")),
        Resource::TableStream => yaml("Fn::GetAtt: [Table, StreamArn]"),
        Resource::EmailIdentity => yaml(
            "Fn::Sub: \"arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${EmailSenderIdentity}\"",
        ),
        Resource::Objects { bucket, prefix } => yaml(&format!(
            "Fn::Sub: \"arn:${{AWS::Partition}}:s3:::${{{}}}/{prefix}*\"",
            bucket_resource(bucket)
        )),
        Resource::Parameter(secret) => yaml(&format!(
            "Fn::Sub: \"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter${{{}}}\"",
            secret_parameter(secret)
        )),
    }
}

/// A statement as (sorted actions, resources, condition), for comparing regardless of
/// order.
type Statement = (Vec<String>, Vec<Value>, Value);

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
                vec![rendered_resource(p.resource)],
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

fn assert_trigger(id: &str, spec: &FunctionSpec, event: &Value) {
    let properties = &event["Properties"];
    match spec.trigger {
        Trigger::Http { method, path } => {
            assert_eq!(event["Type"], "HttpApi", "{id}");
            assert_eq!(properties["Path"].as_str(), Some(path), "{id} path");
            assert_eq!(properties["Method"].as_str(), Some(method), "{id} method");
        }
        Trigger::TableStream => {
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
        assert_trigger(&id, spec, &the_one_event(&id, function));
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

#[test]
fn the_table_streams_new_items_to_the_outbox_sender() {
    let template = template();
    let stream = &template["Resources"]["Table"]["Properties"]["StreamSpecification"];
    assert_eq!(stream["StreamViewType"], "NEW_IMAGE");
}

#[test]
fn the_table_keeps_point_in_time_recovery_on() {
    let template = template();
    let pitr = &template["Resources"]["Table"]["Properties"]["PointInTimeRecoverySpecification"];
    assert_eq!(pitr["PointInTimeRecoveryEnabled"], Value::Bool(true));
}

#[test]
fn every_function_has_an_event_for_its_trigger() {
    for spec in FUNCTIONS {
        let path = repo_file(&format!("events/{}.json", spec.name));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing {}", path.display()));
        match spec.trigger {
            Trigger::Http {
                method,
                path: template_path,
            } => {
                let request = lambda_http::request::from_str(&text).unwrap_or_else(|e| {
                    panic!("{} is not an API Gateway event: {e}", path.display())
                });
                let (selected, _) =
                    routing::select(request.method().as_str(), request.uri().path());
                assert_eq!(
                    selected.function,
                    spec.function,
                    "{} is not an event for {method} {template_path}",
                    path.display(),
                );
            }
            _ => {
                let event: serde_json::Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
                assert!(event.is_object(), "{}", path.display());
            }
        }
    }
    let files = std::fs::read_dir(repo_file("events")).unwrap().count();
    assert_eq!(files, FUNCTIONS.len(), "one event per function, no strays");
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

/// The name the template gives a function (its `Handler:`, which Lambda passes to the
/// binary as `_HANDLER`) selects exactly its row; the local stack and the budget tests run
/// the same dispatch (`Function::handle_http`) that the binary then serves.
#[test]
fn every_function_name_selects_its_own_row() {
    for spec in FUNCTIONS {
        assert_eq!(
            natives_functions::Function::from_name(spec.name),
            Some(spec.function),
            "{}",
            spec.name
        );
        assert_eq!(spec.function.spec().name, spec.name);
        assert_eq!(spec.function.binary(), spec.binary, "{}", spec.name);
    }
    let names: BTreeSet<&str> = FUNCTIONS.iter().map(|spec| spec.name).collect();
    assert_eq!(names.len(), FUNCTIONS.len(), "function names are unique");
}

/// The crate's binaries are exactly the table's: `src/bin/<binary>.rs` each, no
/// per-function binaries, no `src/main.rs`.
#[test]
fn the_crate_builds_the_tables_binaries() {
    let found: BTreeSet<String> = std::fs::read_dir(repo_file("functions/src/bin"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    let expected: BTreeSet<String> = Binary::ALL
        .iter()
        .map(|binary| format!("{}.rs", binary.name()))
        .collect();
    assert_eq!(
        found, expected,
        "functions/src/bin/ holds one file per binary"
    );
    assert!(!repo_file("functions/src/main.rs").exists());
}

/// cargo-lambda's build list (`[package.metadata.lambda.build] bin`, which sam build adds
/// to each binary's `--bin` with `CARGO_LAMBDA_ADMERGE`) is the table's binaries, so one
/// cargo run builds and links them all side by side.
#[test]
fn cargo_lambda_builds_every_binary_in_one_run() {
    let manifest = std::fs::read_to_string(repo_file("functions/Cargo.toml")).unwrap();
    let section = manifest
        .split("[package.metadata.lambda.build]")
        .nth(1)
        .expect("functions/Cargo.toml has [package.metadata.lambda.build]");
    let list = section
        .lines()
        .find_map(|line| line.trim().strip_prefix("bin = "))
        .expect("a bin list");
    let listed: BTreeSet<&str> = list
        .trim_matches(['[', ']'])
        .split(',')
        .map(|name| name.trim().trim_matches('"'))
        .collect();
    let expected: BTreeSet<&str> = Binary::ALL.iter().map(|binary| binary.name()).collect();
    assert_eq!(listed, expected);
}

/// The debug build of each binary (what `cargo test` built) at its path.
fn debug_binary(binary: Binary) -> &'static str {
    match binary {
        Binary::Core => env!("CARGO_BIN_EXE_natives-core"),
        Binary::Sessions => env!("CARGO_BIN_EXE_natives-sessions"),
        Binary::Payments => env!("CARGO_BIN_EXE_natives-payments"),
        Binary::Voice => env!("CARGO_BIN_EXE_natives-voice"),
        Binary::Outbox => env!("CARGO_BIN_EXE_natives-outbox"),
    }
}

/// A binary refuses to start without a function it serves, and says which it serves: a
/// template that points a function at the wrong binary fails at the first cold start,
/// naming the binary that does serve it.
#[test]
fn a_binary_refuses_a_function_it_does_not_serve() {
    for binary in Binary::ALL {
        let served: Vec<&str> = binary.functions().map(|spec| spec.name).collect();
        let other = FUNCTIONS.iter().find(|spec| spec.binary != binary).unwrap();
        for handler in [Some("bootstrap"), Some(other.name), None] {
            let mut command = std::process::Command::new(debug_binary(binary));
            command
                .env_clear()
                .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9");
            if let Some(handler) = handler {
                command.env("_HANDLER", handler);
            }
            let output = command.output().expect("the binary runs");
            assert!(!output.status.success(), "{binary:?} {handler:?}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            let expected = format!(
                "must name a function {} serves: {}",
                binary.name(),
                served.join(", ")
            );
            assert!(
                stderr.contains(&expected),
                "{binary:?} {handler:?}: {stderr}"
            );
            if handler == Some(other.name) {
                let owner = format!("is a function of {}", other.binary.name());
                assert!(stderr.contains(&owner), "{binary:?}: {stderr}");
            }
        }
    }
}

/// Each binary links the clients its functions use and no other: the S3, SSM, SES and
/// Stripe clients' code is in a binary only if its rows need it (`Binary::clients`).
/// Read from the debug build's symbols (legacy mangling: `10aws_sdk_s3` then a path
/// segment's length), where the linker has already dropped what nothing reaches; the
/// release build's LTO drops at least as much, and its zips are checked by
/// `scripts/check_artifacts.py`.
#[test]
fn each_binary_links_only_the_clients_its_functions_use() {
    use natives_functions::binaries::Clients;
    type Uses = fn(Clients) -> bool;
    let crates: [(&str, Uses); 4] = [
        ("aws_sdk_s3", |c| c.s3),
        ("aws_sdk_ssm", |c| c.ssm),
        ("aws_sdk_sesv2", |c| c.ses),
        ("stripe", |c| c.stripe), // async-stripe's client
    ];
    // Our crate's symbol paths, e.g. `17natives_functions2me3get6handle`.
    let ours = regex::bytes::Regex::new(r"17natives_functions(?:[0-9]{1,2}[a-z_]+)+").unwrap();
    for binary in Binary::ALL {
        let bytes = std::fs::read(debug_binary(binary)).unwrap();
        for (krate, used) in crates {
            let symbol =
                regex::bytes::Regex::new(&format!(r"[^0-9]{}{krate}[0-9]", krate.len())).unwrap();
            assert_eq!(
                symbol.is_match(&bytes),
                used(binary.clients()),
                "{binary:?} and {krate}: linked iff its functions use it"
            );
        }
        let paths: BTreeSet<&[u8]> = ours.find_iter(&bytes).map(|m| m.as_bytes()).collect();
        for spec in FUNCTIONS {
            // `crate::me::get::handle` → `17natives_functions2me3get6handle`
            let path = spec.handler.replace(' ', "");
            let segments = path.strip_prefix("crate::").unwrap().split("::");
            let handler: String = std::iter::once("natives_functions")
                .chain(segments)
                .map(|segment| format!("{}{segment}", segment.len()))
                .collect();
            let linked = paths.iter().any(|p| p.starts_with(handler.as_bytes()));
            assert_eq!(
                linked,
                spec.binary == binary,
                "{binary:?} links {} ({handler}) iff it serves it",
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
                .is_some_and(|p| p.starts_with("^/")),
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
            "create-checkout",
            "login",
            "refresh-session",
            "stripe-webhook"
        ])
    );
}

/// The functions that hash passwords (argon2id at one vCPU): the gateway throttles their
/// routes and each has reserved concurrency, both template parameters, so a flood of
/// guesses or sign-ups is refused with 429 before it costs CPU, and what it can cost is
/// bounded.
#[test]
fn password_hashing_routes_are_throttled_and_their_functions_reserved() {
    let template = template();
    let number_parameter = |name: &str| {
        let parameter = &template["Parameters"][name];
        assert_eq!(parameter["Type"], "Number", "{name}");
        let default = parameter["Default"].as_u64().expect("a default");
        assert!(default >= 1, "{name}");
        assert!(parameter["MinValue"].as_u64() >= Some(1), "{name}: never 0");
    };
    for (function, prefix) in [("login", "Login"), ("register", "Register")] {
        let spec = natives_functions::Function::from_name(function)
            .unwrap()
            .spec();
        let id = spec.logical_id();
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

/// Every DynamoDB permission names the partition keys it may touch; only a scan, which
/// names none, goes without (and then stands alone, so no other action escapes the
/// condition with it).
#[test]
fn every_dynamodb_permission_is_scoped_to_leading_keys() {
    for spec in FUNCTIONS {
        // One keyed statement per table or index: IAM checks every key of a request
        // (a batch, a transaction) against one statement, the local check each item
        // against any; with one statement per resource the two agree.
        let keyed: Vec<Resource> = spec
            .permissions
            .iter()
            .filter(|p| !p.leading_keys.is_empty())
            .map(|p| p.resource)
            .collect();
        for (i, resource) in keyed.iter().enumerate() {
            assert!(
                !keyed[..i].contains(resource),
                "{}: two keyed statements on {resource:?}",
                spec.name
            );
        }
        for permission in spec.permissions {
            if !matches!(permission.resource, Resource::Table | Resource::Index(_)) {
                assert!(permission.leading_keys.is_empty(), "{}", spec.name);
                continue;
            }
            if permission.leading_keys.is_empty() {
                assert_eq!(
                    permission.actions,
                    ["dynamodb:Scan"],
                    "{}: only a scan goes without leading keys",
                    spec.name
                );
            }
            for pattern in permission.leading_keys {
                assert!(
                    !pattern.is_empty() && *pattern != "*",
                    "{}: {pattern:?} names no prefix",
                    spec.name
                );
            }
        }
    }
}

/// The check the local stack and the budget test make, as IAM would: the action, the
/// table or index, and every partition key must be granted by one statement.
#[test]
fn a_row_grants_only_its_actions_on_its_leading_keys() {
    use natives_shared::store::KeyAccess;
    let access = |action: &str, index: Option<&str>, key: Option<&str>| KeyAccess {
        action: format!("dynamodb:{action}"),
        index: index.map(str::to_owned),
        leading_key: key.map(str::to_owned),
    };
    let get_me = natives_functions::Function::from_name("get-me")
        .unwrap()
        .spec();
    let granted = [access("GetItem", None, Some("ACCOUNT#01J"))];
    assert!(get_me.refused(&granted).is_empty());
    assert_eq!(get_me.grants_all(&granted), Ok(()));
    let refused_one = [
        granted[0].clone(),
        access("GetItem", None, Some("THREAD#01J")),
    ];
    let message = get_me.grants_all(&refused_one).unwrap_err();
    assert!(
        message.starts_with("get-me made item actions its IAM policy does not grant")
            && message.contains("THREAD#01J")
            && !message.contains("ACCOUNT#01J"),
        "{message}"
    );
    for refused in [
        access("GetItem", None, Some("THREAD#01J")),
        access("GetItem", None, Some("ACCOUNTS#01J")),
        access("PutItem", None, Some("ACCOUNT#01J")),
        access("GetItem", Some("gsi1"), Some("ACCOUNT#01J")),
        access("Scan", None, None),
    ] {
        assert_eq!(
            get_me.refused(std::slice::from_ref(&refused)).len(),
            1,
            "{refused:?}"
        );
    }
    let send_outbox = natives_functions::Function::from_name("send-outbox")
        .unwrap()
        .spec();
    assert!(
        send_outbox
            .refused(&[access("Scan", None, None)])
            .is_empty()
    );
    assert_eq!(
        send_outbox.refused(&[access("GetItem", None, None)]).len(),
        1,
        "a keyed action is never granted by the scan's statement"
    );
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

/// Every request no route matches reaches the `$default` route's function, deployed as
/// locally (`routing::select`): the HTTP API has exactly one `$default` route, of any
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
        for event in resource["Properties"]["Events"]
            .as_mapping()
            .unwrap()
            .values()
        {
            if event["Type"] != "HttpApi" {
                continue;
            }
            let path = event["Properties"]["Path"].as_str().unwrap();
            let method = event["Properties"]["Method"].as_str().unwrap();
            if path == routing::DEFAULT_ROUTE {
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
    assert_eq!(default_routes, [routing::default_route().logical_id()]);
    let api = &template["Resources"]["HttpApi"];
    assert_eq!(api["Type"], "AWS::Serverless::HttpApi");
    assert!(api["Properties"]["CorsConfiguration"].is_null());
    assert!(template["Globals"]["HttpApi"].is_null());
}

//! The function table is the single source of truth: the event files, the binaries and
//! the IAM scoping of every row agree with it. (The template's function resources are
//! generated from it: `codegen/`, whose tests check them.)

use std::collections::BTreeSet;
use std::path::PathBuf;

use natives_functions::FUNCTIONS;
use natives_functions::binaries::Binary;
use natives_functions::routing;
use natives_functions::spec::{Resource, Trigger};

fn repo_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
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
            // What API Gateway sends the route's integration, for its route.
            Trigger::WebSocket { route } => {
                let event: aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest =
                    serde_json::from_str(&text).unwrap_or_else(|e| {
                        panic!("{} is not a WebSocket event: {e}", path.display())
                    });
                assert_eq!(
                    event.request_context.route_key.as_deref(),
                    Some(route),
                    "{}",
                    path.display()
                );
                assert!(event.request_context.connection_id.is_some());
            }
            // What the handler takes: the event the stream delivers.
            Trigger::TableStream { .. } => {
                let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_str(&text)
                    .unwrap_or_else(|e| {
                        panic!("{} is not a DynamoDB stream event: {e}", path.display())
                    });
                assert!(!event.records.is_empty(), "{}", path.display());
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
        Binary::Live => env!("CARGO_BIN_EXE_natives-live"),
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
    let crates: [(&str, Uses); 5] = [
        ("aws_sdk_s3", |c| c.s3),
        ("aws_sdk_ssm", |c| c.ssm),
        ("aws_sdk_sesv2", |c| c.ses),
        ("stripe", |c| c.stripe), // async-stripe's client
        ("aws_sdk_apigatewaymanagement", |c| c.connections),
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

/// Architecture invariant: the handlers know no key layout. No file of the functions
/// crate builds or reads a table or object key (`natives_shared::store::keys`) but the
/// table and what a row is (`table.rs`, `spec.rs`), whose rows name the partition-key
/// patterns their IAM policies grant; handlers pass ids, the store and the archive build
/// the keys.
#[test]
fn handlers_know_no_key_layout() {
    fn rust_files(folder: &std::path::Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    let crate_root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&crate_root.join("src"), &mut files);
    let breaks: BTreeSet<String> = files
        .iter()
        .filter(|path| !path.ends_with("src/table.rs") && !path.ends_with("src/spec.rs"))
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            text.contains("store::keys")
        })
        .map(|path| {
            path.strip_prefix(&crate_root)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert!(
        breaks.is_empty(),
        "files of the functions crate that use the key module (let the store or the archive \
         build what they build): {breaks:?}"
    );
}

/// The archive keeps every recording: deleting one, past its retention or its legal hold,
/// is the break-glass function's alone, and so is lifting a hold (others may only set one,
/// which the bucket policy holds them to).
#[test]
fn only_the_break_glass_function_may_delete_from_the_archive() {
    use natives_functions::spec::Bucket;
    const BREAK_GLASS: &[&str] = &[
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:BypassGovernanceRetention",
        "s3:PutObjectRetention",
        "s3:PutLifecycleConfiguration",
    ];
    let mut deleters = BTreeSet::new();
    let mut hold_setters = BTreeSet::new();
    for spec in FUNCTIONS {
        for permission in spec.permissions {
            let on_archive = matches!(
                permission.resource,
                Resource::Objects {
                    bucket: Bucket::Archive,
                    ..
                } | Resource::Bucket(Bucket::Archive)
            );
            if !on_archive {
                continue;
            }
            if permission
                .actions
                .iter()
                .any(|action| BREAK_GLASS.contains(action) || action.ends_with('*'))
            {
                deleters.insert(spec.name);
            }
            if permission.actions.contains(&"s3:PutObjectLegalHold") {
                hold_setters.insert(spec.name);
            }
        }
    }
    assert_eq!(deleters, BTreeSet::from(["destroy-recording"]));
    // archiving sets the hold ON; the bucket policy lets only the break-glass role set OFF
    assert_eq!(
        hold_setters,
        BTreeSet::from(["create-thread", "destroy-recording", "post-message"])
    );
    let template = std::fs::read_to_string(repo_file("infra/template.yaml")).unwrap();
    for sid in [
        "OnlyTheBreakGlassFunctionDeletes",
        "OnlyTheBreakGlassFunctionLiftsHolds",
    ] {
        let at = template
            .find(sid)
            .unwrap_or_else(|| panic!("{sid} in the bucket policy"));
        assert!(
            template[at..at + 600].contains("DestroyRecordingFunctionRole"),
            "{sid} excepts only the break-glass function's role"
        );
    }
    assert!(template.contains("Mode: GOVERNANCE") && !template.contains("Mode: COMPLIANCE"));
}

use std::process::Command;

use natives_functions::Function;
use natives_local::data_dir;
use natives_local::examples::{Who, event_file, fill};
use natives_local::gateway::FUNCTION_HEADER;
use natives_local::invoke::invoke;
use natives_local::stack::attach;
use reqwest::Method;
use serde_json::{Value, json};

use natives_local::services::Services;

use crate::helpers::{assert_problem, registration, spawn_app, spawn_app_on, start_stack};

#[tokio::test]
async fn data_and_sessions_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let (stack, _) = start_stack(&data).await;
    let client = reqwest::Client::new();
    let api = stack.endpoints.api.clone();
    let created = client
        .post(format!("{api}/v1/accounts"))
        .json(&registration("ada@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let tokens: Value = client
        .post(format!("{api}/v1/sessions"))
        .json(&json!({ "email": "ada@example.com", "password": "correct horse battery" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    stack.stop().await;

    let (stack, _) = start_stack(&data).await;
    let api = stack.endpoints.api.clone();
    let me = client
        .get(format!("{api}/v1/me"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        200,
        "the signing keys and the account persisted"
    );
    let again = client
        .post(format!("{api}/v1/accounts"))
        .json(&registration("ada@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "the e-mail claim persisted");
    stack.stop().await;
}

/// What no route matches goes, as on API Gateway, to the `$default` route's function
/// (the template deploys it: `functions/tests/function_table.rs`), which answers a
/// problem: 405 with `Allow` where the path has other methods, else 404. API Gateway
/// matches paths exactly, so a trailing slash is another path. (Outside `/v1` the web
/// client answers, as the distribution's default behaviour does deployed.)
#[tokio::test]
async fn what_no_route_matches_gets_the_default_routes_problem() {
    let app = spawn_app().await;
    let answered_by = |response: &reqwest::Response| {
        response.headers()[FUNCTION_HEADER]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let response = app.client.get(app.url("/v1/tariffs")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(answered_by(&response), "list-tariffs");

    for path in ["/v1/nowhere", "/v1/tariffs/", "/v1//tariffs"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(answered_by(&response), "unmatched-route", "{path}");
        assert_problem(response, 404, "not_found").await;
    }
    for (method, path, allow) in [
        (Method::DELETE, "/v1/me", "GET, PATCH"),
        (Method::HEAD, "/v1/tariffs", "GET"),
        (Method::OPTIONS, "/v1/tariffs", "GET"),
        (Method::GET, "/v1/sessions", "POST"),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(answered_by(&response), "unmatched-route", "{method} {path}");
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
        if method != Method::HEAD {
            assert_problem(response, 405, "method_not_allowed").await;
        }
    }
}

#[tokio::test]
async fn invoke_runs_a_function_on_its_example_event() {
    let app = spawn_app().await;
    let keys = app.signing_keys();
    let run = |function: Function, who: Who| {
        let app = &app;
        let keys = &keys;
        async move {
            let text = event_file(function.spec()).unwrap();
            let event = fill(&app.stack.app, keys, &text, who).await.unwrap();
            invoke(&app.stack.app, function, &event.to_string())
                .await
                .unwrap()
        }
    };

    let response = run(Function::Register, Who::Visitor).await;
    assert_eq!(response["statusCode"], 201, "{response}");
    let account: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert!(account["email"].as_str().unwrap().ends_with("@example.com"));

    let response = run(Function::Login, Who::Visitor).await;
    assert_eq!(response["statusCode"], 200, "{response}");

    let response = run(Function::GetMe, Who::Account(&[])).await;
    assert_eq!(response["statusCode"], 200, "{response}");
    let response = run(Function::GetMe, Who::Visitor).await;
    assert_eq!(response["statusCode"], 401, "no token");
    assert_eq!(
        response["headers"]["content-type"],
        "application/problem+json"
    );

    // A function that is not a route gets its trigger's event: a stream batch.
    let result = run(Function::SendOutbox, Who::Account(&[])).await;
    assert_eq!(result["sent"], 1, "{result}");
}

fn set_roles(data: &std::path::Path, email: &str, roles: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_natives-local"))
        .args(["accounts", "set-roles", email, roles, "--data-dir"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

// Several threads: the command below blocks this one while the stack must answer it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_roles_works_beside_a_running_stack_and_without_one() {
    let app = spawn_app().await;
    let user = app.registered_user("ada@example.com").await;
    data_dir::write_endpoints(app.data_dir.path(), &app.stack.endpoints).unwrap();

    let output = set_roles(app.data_dir.path(), "Ada@Example.com", "moderator");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // It says what the account holds now, read back, and what it held before.
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!(
            "ada@example.com ({}) now has the roles user, moderator (before: user); they apply from its next request.\n",
            user.id
        )
    );
    let me: Value = app.get_me(&user.access_token).await.json().await.unwrap();
    assert_eq!(me["roles"], json!(["user", "moderator"]));
    // audited like an admin's change, with the operator as the actor
    let audit = app
        .list_items(
            &format!("/v1/moderation/audit?account_id={}", user.id),
            &user.access_token,
        )
        .await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["action"], "account.roles");
    assert_eq!(audit[0]["actor_id"], "operator:local operator");
    assert_eq!(audit[0]["reason"], "roles: user, moderator");

    let output = set_roles(app.data_dir.path(), "nobody@example.com", "admin");
    assert!(!output.status.success());
    let output = set_roles(app.data_dir.path(), "ada@example.com", "emperor");
    assert!(!output.status.success(), "unknown roles are refused");

    // the same folder with no stack running: the command opens the database itself
    data_dir::remove_endpoints(app.data_dir.path());
    let TestAppParts { data, stack } = TestAppParts::from(app);
    stack.stop().await;
    let output = set_roles(data.path(), "ada@example.com", "user,admin");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (app, _attached) = attach(data.path(), "test", &Default::default())
        .await
        .unwrap();
    let account_id = app
        .store
        .account_id_for_email(&natives_shared::domain::Email::parse("ada@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let account = app.store.get_account(&account_id).await.unwrap().unwrap();
    assert_eq!(format!("{:?}", account.roles), "[User, Admin]");
}

struct TestAppParts {
    data: tempfile::TempDir,
    stack: natives_local::stack::Stack,
}

impl From<crate::helpers::TestApp> for TestAppParts {
    fn from(app: crate::helpers::TestApp) -> Self {
        Self {
            data: app.data_dir,
            stack: app.stack,
        }
    }
}

/// `--table` names the table the whole stack uses: made where missing, written by the
/// functions, found by the operator commands beside it; the default table is never made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stack_on_a_named_table_uses_that_table_alone() {
    let app = spawn_app_on(Services {
        table: "natives-elsewhere".into(),
        ..Services::default()
    })
    .await;
    assert_eq!(app.stack.endpoints.table, "natives-elsewhere");
    let ada = app.registered_user("ada@example.com").await;
    data_dir::write_endpoints(app.data_dir.path(), &app.stack.endpoints).unwrap();
    let output = set_roles(app.data_dir.path(), "ada@example.com", "moderator");
    assert!(
        output.status.success(),
        "the command found the account in the serve's table: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let me: Value = app.get_me(&ada.access_token).await.json().await.unwrap();
    assert_eq!(me["roles"], json!(["user", "moderator"]));
    let store = &app.stack.app.store;
    let tables = store.client().list_tables().send().await.unwrap();
    assert_eq!(tables.table_names(), ["natives-elsewhere"]);
}

/// The stream pump reads through the Streams API; when its iterator is gone (they expire
/// after 15 minutes on AWS) it goes on after the last record it delivered.
#[tokio::test]
async fn the_stream_pump_goes_on_after_the_last_record_when_its_iterator_is_gone() {
    let app = spawn_app().await;
    app.registered_user("ada@example.com").await;
    let first = app.stack.process_stream().await.unwrap();
    assert!(first > 0, "registering wrote to the stream");
    assert_eq!(app.stack.process_stream().await.unwrap(), 0);
    app.stack.stream.expire_iterators().await;
    assert_eq!(
        app.stack.process_stream().await.unwrap(),
        0,
        "nothing delivered twice"
    );
    app.registered_user("bob@example.com").await;
    app.stack.stream.expire_iterators().await;
    let second = app.stack.process_stream().await.unwrap();
    assert!(
        second > 0 && second <= first,
        "{second} new records of {first}"
    );
}

//! The `natives-local` command line as an operator meets it: one `serve` per data
//! folder, operator commands beside it or on their own, and every error one line that
//! says what was wrong and what to do (exit status 2 for what the command line names
//! wrongly).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A command that must end by itself (a `serve` that should have refused fails the test
/// rather than hanging it).
fn natives_local(data: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_natives-local"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the natives-local binary runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("`natives-local {}` did not end", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A failed command's message: one line `error: …`, no Rust debug output.
fn refusal(output: &Output, status: i32) -> String {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(status), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {text}");
    assert!(lines[0].starts_with("error: "), "{text}");
    assert!(
        !text.contains("Os {") && !text.contains("Error: \""),
        "{text}"
    );
    lines[0].to_owned()
}

/// A `serve` started by this test, ended when the test ends.
struct Serve {
    child: Child,
    api: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_natives-local"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(endpoints) = running_api(data) {
            return Serve {
                child,
                api: endpoints,
            };
        }
        assert!(child.try_wait().unwrap().is_none(), "serve ended");
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn running_api(data: &Path) -> Option<String> {
    let text = std::fs::read_to_string(data.join("endpoints.json")).ok()?;
    let endpoints: Value = serde_json::from_str(&text).ok()?;
    Some(endpoints["api"].as_str()?.to_owned())
}

#[test]
fn a_second_serve_on_a_folder_refuses_naming_the_first_and_commands_attach_to_it() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let mut first = serve(&data);

    let second = natives_local(&data, &["serve", "--addr", "127.0.0.1:0"]);
    let message = refusal(&second, 2);
    let pid = first.child.id();
    assert!(
        message.contains(&format!(
            "in use by `natives-local serve` (pid {pid}, on {})",
            first.api
        )) && message.contains("--data-dir"),
        "{message}"
    );
    assert_eq!(
        running_api(&data).as_deref(),
        Some(first.api.as_str()),
        "the first one's addresses stay"
    );

    // Operator commands use the running stack's data.
    let listed = natives_local(&data, &["outbox", "list"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout),
        "The outbox is empty.\n"
    );
    assert_eq!(stderr(&listed), "", "nothing to warn about");

    // A serve that ends without tidying up (killed) leaves its addresses behind, and its
    // lock with it: the next one starts, and so does a command on its own.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let listed = natives_local(&data, &["outbox", "list"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let third = serve(&data);
    assert_ne!(third.api, first.api);
}

#[test]
fn a_busy_address_is_named_with_what_to_do() {
    let folder = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = natives_local(&folder.path().join("data"), &["serve", "--addr", &address]);
    let message = refusal(&output, 2);
    assert!(
        message.contains(&format!("cannot listen on {address}")) && message.contains("--addr"),
        "{message}"
    );
}

#[test]
fn operator_commands_refuse_what_the_command_line_names_wrongly() {
    let folder = tempfile::tempdir().unwrap();
    let missing = folder.path().join("nothing-here");
    let message = refusal(
        &natives_local(
            &missing,
            &["accounts", "set-roles", "ada@example.com", "admin"],
        ),
        2,
    );
    assert!(
        message.contains(&missing.display().to_string()) && message.contains("natives-local serve"),
        "{message}"
    );
    assert!(!missing.exists(), "a command does not make a data folder");

    // A folder with data: what the arguments name is checked.
    let data = folder.path().join("data");
    drop(serve(&data));
    let message = refusal(
        &natives_local(
            &data,
            &["accounts", "set-roles", "ada@example.com", "superuser"],
        ),
        2,
    );
    assert!(
        message.contains("unknown role \"superuser\"") && message.contains("user,moderator"),
        "{message}"
    );
    let message = refusal(
        &natives_local(
            &data,
            &["accounts", "set-roles", "nobody@example.com", "admin"],
        ),
        2,
    );
    assert!(
        message.contains("nobody@example.com") && message.contains(&data.display().to_string()),
        "{message}"
    );
    let message = refusal(&natives_local(&data, &["invoke", "get-everything"]), 2);
    assert!(message.contains("get-me"), "names the functions: {message}");
    let event = folder.path().join("my-event.json");
    let message = refusal(
        &natives_local(
            &data,
            &["invoke", "get-me", "--event", event.to_str().unwrap()],
        ),
        2,
    );
    assert!(
        message.contains("natives-local example-event get-me >"),
        "says how to make one: {message}"
    );
}

#[test]
fn operator_commands_prepare_a_folder_as_serve_does() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    drop(serve(&data));
    // Its S3 data gone (a folder an older stack or a command made): the buckets are
    // made again, as `serve` makes them, before the command needs them.
    std::fs::remove_dir_all(data.join("s3")).unwrap();
    let output = natives_local(&data, &["invoke", "get-voice"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let response: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(response["statusCode"], 302, "{response}");
    assert!(
        !stderr(&output).contains(" WARN "),
        "no warnings: {}",
        stderr(&output)
    );
}

/// `outbox list --json` prints one JSON object per e-mail, with the fields a script
/// reads: the code a new account was sent stands on a line of its own in `text`.
#[tokio::test]
async fn the_outbox_lists_as_json_lines_with_the_code_a_person_would_read() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let running = serve(&data);
    let created = reqwest::Client::new()
        .post(format!("{}/v1/accounts", running.api))
        .json(&crate::helpers::registration("ada@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let data_for_command = data.clone();
    let listed = tokio::task::spawn_blocking(move || {
        natives_local(&data_for_command, &["outbox", "list", "--json"])
    })
    .await
    .unwrap();
    assert!(listed.status.success(), "{}", stderr(&listed));
    let stdout = String::from_utf8(listed.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let email = lines[0].as_object().unwrap();
    let mut fields: Vec<&str> = email.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "created_at",
            "id",
            "kind",
            "status",
            "subject",
            "text",
            "to"
        ]
    );
    assert_eq!(email["to"], "ada@example.com");
    assert_eq!(email["kind"], "security");
    let text = email["text"].as_str().unwrap();
    assert!(
        text.lines()
            .any(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit())),
        "{text}"
    );
}

#[test]
fn another_dynamodb_that_cannot_be_used_is_named_with_what_to_do() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    // clap's own refusals (status 2): not a URL, a table name DynamoDB refuses
    for (args, says) in [
        (
            &["serve", "--dynamodb-endpoint", "127.0.0.1:8000"][..],
            "an http:// or https:// URL",
        ),
        (&["serve", "--table", "ab"][..], "3 to 255 letters"),
    ] {
        let output = natives_local(&data, args);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(says), "{}", stderr(&output));
    }
    let message = refusal(
        &natives_local(
            &data,
            &[
                "serve",
                "--inject-faults",
                "0.1",
                "--dynamodb-endpoint",
                "https://dynamodb.eu-west-1.amazonaws.com",
            ],
        ),
        2,
    );
    assert!(message.contains("on this machine only"), "{message}");

    // nothing answers there: one line naming the endpoint
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let message = refusal(
        &natives_local(
            &data,
            &[
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--dynamodb-endpoint",
                &endpoint,
            ],
        ),
        1,
    );
    assert!(
        message.contains(&format!("DynamoDB at {endpoint}")),
        "{message}"
    );

    // beside a running serve, a command naming other services is refused, naming the serve's
    let _serve = serve(&data);
    let message = refusal(
        &natives_local(&data, &["outbox", "list", "--dynamodb-endpoint", &endpoint]),
        1,
    );
    assert!(
        message.contains("table natives") && message.contains("leave out --dynamodb-endpoint"),
        "{message}"
    );
}

/// `example-event post-message --voice FILE` (what the bench posts a 1 MiB recording
/// with) is a voice post of that recording the running stack accepts; an event with no
/// text to replace is refused on the command line.
#[tokio::test]
async fn an_example_event_posts_a_given_recording_as_voice() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let running = serve(&data);
    let recording = Path::new(env!("CARGO_MANIFEST_DIR")).join("../media/fixtures/sentence.ogg");
    let recording = recording.to_str().unwrap();
    let output = natives_local(
        &data,
        &["example-event", "post-message", "--voice", recording],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let event: Value = serde_json::from_slice(&output.stdout).unwrap();
    let body: Value = serde_json::from_str(event["body"].as_str().unwrap()).unwrap();
    assert!(body.get("text").is_none(), "{body}");
    assert!(body["voice_upload_id"].is_string(), "{body}");

    let posted = reqwest::Client::new()
        .post(format!(
            "{}{}",
            running.api,
            event["rawPath"].as_str().unwrap()
        ))
        .header(
            "authorization",
            event["headers"]["authorization"].as_str().unwrap(),
        )
        .header("content-type", "application/json")
        .body(event["body"].as_str().unwrap().to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
    let message: Value = posted.json().await.unwrap();
    let size = std::fs::metadata(recording).unwrap().len();
    assert_eq!(message["voice"]["content_type"], "audio/ogg", "{message}");
    assert_eq!(message["voice"]["size_bytes"], size, "{message}");

    let output = natives_local(&data, &["example-event", "get-me", "--voice", recording]);
    let message = refusal(&output, 2);
    assert!(message.contains("no text"), "{message}");
}

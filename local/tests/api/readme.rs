//! The README's walk-through, run as written: every ```sh block of its section "A first
//! walk-through", in order, in one bash with `set -euo pipefail`, against a fresh
//! `natives-local serve` (the binary this test run built) on a free port and a new data
//! folder. Two rewrites, mechanical and only these: the stack's address
//! `http://127.0.0.1:3000` becomes the test stack's, and `cargo run -p natives-local -- `
//! becomes that binary with the test's `--data-dir` (cargo itself is not run again). curl
//! reads a curlrc of the test's own with `fail-with-body`, so every request the README
//! makes must succeed. Needs bash, curl and python3, which the README needs. No warning
//! may be logged on the way, by the stack or by the operator commands.
//!
//! It runs twice: on the embedded DynamoDB, and on moto's server (`serve
//! --dynamodb-endpoint`), a second DynamoDB implementation, so that a request only the
//! embedded one accepts fails (docs/reliability.md, "A second DynamoDB").

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const README_ADDRESS: &str = "http://127.0.0.1:3000";
const README_COMMAND: &str = "cargo run -p natives-local -- ";
/// The walk-through takes about ten seconds alone; this is for a loaded machine.
const WALK_LIMIT: Duration = Duration::from_secs(180);

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The ```sh blocks of the README's section `heading`, in order.
fn shell_blocks(readme: &str, heading: &str) -> Vec<String> {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README.md has no {heading:?}"));
    let section = &readme[start..];
    let end = section[heading.len()..]
        .find("\n## ")
        .map_or(section.len(), |at| at + heading.len());
    section[..end]
        .split("```sh\n")
        .skip(1)
        .map(|rest| {
            rest.split_once("```")
                .expect("every ```sh block is closed")
                .0
                .to_owned()
        })
        .collect()
}

/// A child process ended when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `natives-local serve` on a free port and `data` with `options`, logging to `log`; its
/// API address.
fn serve(data: &Path, options: &[&str], log: &Path) -> (Running, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_natives-local"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .args(options)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    // The README's defaults: the local checkout page, the default terms, the log filter.
    for variable in [
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_API_BASE",
        "TERMS_VERSION",
        "TERMS_EFFECTIVE_AT",
        "TERMS_URL",
        "EMAIL_DELIVERY",
        "RUST_LOG",
    ] {
        command.env_remove(variable);
    }
    let running = Running(command.spawn().expect("the natives-local binary runs"));
    let endpoints = data.join("endpoints.json");
    let started = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&endpoints)
            && let Ok(found) = serde_json::from_str::<serde_json::Value>(&text)
        {
            return (running, found["api"].as_str().unwrap().to_owned());
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve did not start: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Lines of a log that warn or report an error.
fn warnings(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|line| line.contains(" WARN ") || line.contains(" ERROR "))
        .collect()
}

#[test]
fn the_walk_through_runs_as_written() {
    walk_through(&[]);
}

/// The same on moto's DynamoDB (the stack's S3 stays the embedded one, which checks
/// presigned uploads as S3 does).
#[test]
fn the_walk_through_runs_as_written_on_motos_dynamodb() {
    let Some(moto) = crate::helpers::Moto::start() else {
        return;
    };
    let log = walk_through(&["--dynamodb-endpoint", &moto.url]);
    assert!(
        log.contains(&format!("DynamoDB {} table natives", moto.url)),
        "the stack ran on moto: {log}"
    );
}

/// The walk-through against a `serve` started with `options`; returns the stack's log.
fn walk_through(options: &[&str]) -> String {
    let readme = std::fs::read_to_string(repository().join("README.md")).unwrap();
    let blocks = shell_blocks(&readme, "## A first walk-through");
    assert!(blocks.len() >= 6, "the walk-through's blocks: {blocks:?}");
    assert!(blocks[0].contains(README_ADDRESS), "{}", blocks[0]);
    assert!(blocks.iter().any(|block| block.contains(README_COMMAND)));

    let scratch = tempfile::tempdir().unwrap();
    let data = scratch.path().join("data");
    let serve_log = scratch.path().join("serve.log");
    let (_stack, api) = serve(&data, options, &serve_log);

    let binary = format!(
        "'{}' --data-dir '{}' ",
        env!("CARGO_BIN_EXE_natives-local"),
        data.display()
    );
    let progress = scratch.path().join("block");
    let mut script = String::from("set -euo pipefail\n");
    for (index, block) in blocks.iter().enumerate() {
        let block = block
            .replace(README_ADDRESS, &api)
            .replace(README_COMMAND, &binary);
        assert!(
            !block.contains("127.0.0.1:3000") && !block.contains("cargo "),
            "a command the rewrite does not cover:\n{block}"
        );
        script.push_str(&format!(
            "echo {index} > '{}'\n{block}\n",
            progress.display()
        ));
    }
    std::fs::write(scratch.path().join(".curlrc"), "fail-with-body\n").unwrap();
    let output = scratch.path().join("walk.out");
    let errors = scratch.path().join("walk.err");
    let mut walk = Running(
        Command::new("bash")
            .args(["-c", &script])
            .current_dir(repository())
            .env("CURL_HOME", scratch.path())
            .env("TMPDIR", scratch.path())
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&output).unwrap())
            .stderr(std::fs::File::create(&errors).unwrap())
            .spawn()
            .expect("the README walk-through needs bash, curl and python3"),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = walk.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < WALK_LIMIT,
            "the walk-through ran over {WALK_LIMIT:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let read = |path: &Path| {
        let mut text = String::new();
        std::fs::File::open(path)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let (printed, complained) = (read(&output), read(&errors));
    if !status.success() {
        let failed: usize = read(&progress).trim().parse().unwrap();
        let tail = |text: &str| {
            text.chars()
                .rev()
                .take(3000)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
        };
        panic!(
            "README.md's walk-through (serve {options:?}) failed ({status}) in its block {} of {}:\n{}\n--- its output (end):\n{}\n--- its errors (end):\n{}\n--- the stack's log (end):\n{}",
            failed + 1,
            blocks.len(),
            blocks[failed],
            tail(&printed),
            tail(&complained),
            tail(&read(&serve_log)),
        );
    }
    assert_eq!(
        warnings(&complained),
        Vec::<&str>::new(),
        "the operator commands warned"
    );
    assert_eq!(
        warnings(&read(&serve_log)),
        Vec::<&str>::new(),
        "the stack warned"
    );
    read(&serve_log)
}

#[test]
fn blocks_are_read_from_their_section_only() {
    let readme = "## One\n```sh\na\n```\n## A first walk-through\ntext\n```sh\nb\nc\n```\n```text\nx\n```\n```sh\nd\n```\n## Next\n```sh\ne\n```\n";
    assert_eq!(
        shell_blocks(readme, "## A first walk-through"),
        ["b\nc\n", "d\n"]
    );
}

//! The generated blocks (the template's function resources, the docs' tables) are what the
//! code generates now: a row added, a budget, a permission or a key changed without
//! running the command fails here, and says which command to run. With
//! `UPDATE_GENERATED=1` the test writes the blocks instead (and passes).

use natives_codegen::{COMMAND, GeneratedFile, generate, repository_root};

#[test]
fn generated_blocks_are_what_the_code_generates() {
    let root = repository_root();
    let files = generate(&root).unwrap_or_else(|error| panic!("{error}"));
    let stale: Vec<&GeneratedFile> = files.iter().filter(|file| !file.is_current()).collect();
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        for file in stale {
            std::fs::write(&file.path, &file.generated).unwrap();
            eprintln!("rewrote {}", file.path.display());
        }
        return;
    }
    let report: Vec<String> = stale.iter().map(|file| first_difference(file)).collect();
    panic!(
        "{} file(s) differ from what the code generates:\n{}\n\nRun `{COMMAND}` and commit the result \
         (or run this test with UPDATE_GENERATED=1).",
        stale.len(),
        report.join("\n")
    );
}

/// Where a committed file first differs from the generated one.
fn first_difference(file: &GeneratedFile) -> String {
    let committed: Vec<&str> = file.committed.lines().collect();
    let generated: Vec<&str> = file.generated.lines().collect();
    let at = committed
        .iter()
        .zip(&generated)
        .position(|(c, g)| c != g)
        .unwrap_or(committed.len().min(generated.len()));
    let line = |lines: &[&str]| {
        lines
            .get(at)
            .map_or("(end of file)".to_owned(), |l| format!("{l:?}"))
    };
    let path = file
        .path
        .strip_prefix(repository_root())
        .unwrap_or(&file.path)
        .display();
    format!(
        "  {path}:{}: committed {}\n  {path}:{}: generated {}\n  ({} lines committed, {} generated)",
        at + 1,
        line(&committed),
        at + 1,
        line(&generated),
        committed.len(),
        generated.len()
    )
}

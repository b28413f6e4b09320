//! The hand-written docs name only what exists: the tests `docs/architecture.md` and
//! `docs/security.md` give as the proof of an invariant, and the functions
//! `docs/data-model.md` describes the requests of.

use std::collections::BTreeSet;
use std::path::Path;

use natives_codegen::repository_root;

fn doc(name: &str) -> String {
    std::fs::read_to_string(repository_root().join("docs").join(name)).unwrap()
}

/// Every `fn` name of the repository's Rust code.
fn functions_of_the_repository() -> BTreeSet<String> {
    fn walk(folder: &Path, names: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    walk(&path, names);
                }
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (at, _) in text.match_indices("fn ") {
                    let rest = &text[at + 3..];
                    let end = rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    names.insert(rest[..end].to_owned());
                }
            }
        }
    }
    let mut names = BTreeSet::new();
    walk(&repository_root(), &mut names);
    names
}

/// The `snake_case_names` of a text with three underscores or more: the names of tests
/// (and of the few long functions) it cites.
fn cited_names(text: &str) -> BTreeSet<&str> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| {
            name.matches('_').count() >= 3
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .collect()
}

/// Names the docs cite that are not ours: AWS-LC's jitter entropy symbol, which a test
/// looks for in the linked binary.
const NOT_OURS: &[&str] = &["jent_entropy_collector_alloc"];

#[test]
fn the_docs_cite_only_tests_that_exist() {
    let functions = functions_of_the_repository();
    for page in ["architecture.md", "security.md"] {
        let text = doc(page);
        let cited = cited_names(&text);
        assert!(!cited.is_empty(), "{page} cites no test");
        let missing: Vec<&&str> = cited
            .iter()
            .filter(|name| !functions.contains(**name) && !NOT_OURS.contains(name))
            .collect();
        assert!(
            missing.is_empty(),
            "docs/{page} cites what is no function of the repository: {missing:?}"
        );
    }
}

#[test]
fn the_data_model_describes_the_requests_of_functions_that_exist() {
    let text = doc("data-model.md");
    let section = text
        .split("### How each function's requests are made")
        .nth(1)
        .expect("data-model.md explains each function's requests")
        .split("\n### ")
        .next()
        .unwrap();
    let names: BTreeSet<&str> = natives_functions::FUNCTIONS
        .iter()
        .map(|spec| spec.name)
        .collect();
    let mut described = 0;
    for row in section.lines().filter(|line| line.starts_with("| ")) {
        let first = row.split(" | ").next().unwrap();
        for name in first.split('`').skip(1).step_by(2) {
            assert!(
                names.contains(name),
                "docs/data-model.md describes `{name}`, which is no function of the table"
            );
            described += 1;
        }
    }
    assert!(described > 0);
}

//! The files that restate the code, generated from it: the function resources of
//! `infra/template.yaml` from the function table, the request budgets, access patterns
//! and key layout of the docs from the table and the key module. Each is a block between
//! marker lines (`BEGIN GENERATED <name>` … `END GENERATED <name>`) in a file that is
//! otherwise written by hand; [`COMMAND`] rewrites the blocks, `tests/generated.rs` fails
//! when a committed block differs from what the code generates.

use std::path::{Path, PathBuf};

mod docs;
pub mod markers;
pub mod template;

/// The command that writes every generated block.
pub const COMMAND: &str = "cargo run -p natives-codegen";

/// One generated block: the lines between its markers in `file`.
pub struct Block {
    /// The file, from the repository's root.
    pub file: &'static str,
    /// The name its markers carry.
    pub name: &'static str,
    pub text: String,
}

/// Every generated block, from the code as it is.
pub fn blocks() -> Vec<Block> {
    vec![
        Block {
            file: "infra/template.yaml",
            name: "function-resources",
            text: template::function_resources(),
        },
        Block {
            file: "docs/data-model.md",
            name: "key-layout",
            text: docs::key_layout(),
        },
        Block {
            file: "docs/data-model.md",
            name: "access-patterns",
            text: docs::access_patterns(),
        },
        Block {
            file: "docs/data-model.md",
            name: "partitions",
            text: docs::partitions(),
        },
        Block {
            file: "docs/performance.md",
            name: "request-budgets",
            text: docs::request_budgets(),
        },
    ]
}

/// A file that holds generated blocks: as committed, and as the code generates it.
pub struct GeneratedFile {
    pub path: PathBuf,
    pub committed: String,
    pub generated: String,
}

impl GeneratedFile {
    pub fn is_current(&self) -> bool {
        self.committed == self.generated
    }
}

/// Every file under `root` (the repository) that holds generated blocks, with its blocks
/// generated anew.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let mut files: Vec<GeneratedFile> = Vec::new();
    for block in blocks() {
        let path = root.join(block.file);
        let index = match files.iter().position(|file| file.path == path) {
            Some(index) => index,
            None => {
                let committed = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                files.push(GeneratedFile {
                    path,
                    generated: committed.clone(),
                    committed,
                });
                files.len() - 1
            }
        };
        let file = &mut files[index];
        file.generated = markers::splice(&file.generated, block.name, &block.text)
            .map_err(|e| format!("{}: {e}", block.file))?;
    }
    Ok(files)
}

/// The repository's root (this crate's parent folder).
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate is a folder of the repository")
        .to_owned()
}

//! `cargo run -p natives-codegen`: rewrites every generated block (the template's function
//! resources, the docs' tables) from the code, and says which files changed.

fn main() -> Result<(), String> {
    let root = natives_codegen::repository_root();
    for file in natives_codegen::generate(&root)? {
        let name = file
            .path
            .strip_prefix(&root)
            .unwrap_or(&file.path)
            .display();
        if file.is_current() {
            println!("{name}: up to date");
        } else {
            std::fs::write(&file.path, &file.generated).map_err(|e| format!("{name}: {e}"))?;
            println!("{name}: rewritten");
        }
    }
    Ok(())
}

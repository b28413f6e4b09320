//! Generated tables (`tld_list.rs`, `prototypes.rs`) are kept in step with their sources
//! by a test each: `UPDATE_GENERATED=1 cargo test -p natives-shared content_rules`
//! rewrites them.

use std::path::Path;

/// Fails unless the committed file at `relative` (to the crate) is `fresh`; writes it
/// first when `UPDATE_GENERATED` is set.
pub(super) fn assert_in_step(relative: &str, fresh: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(&path, fresh).unwrap_or_else(|error| panic!("writing {relative}: {error}"));
    }
    let committed =
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{relative}: {error}"));
    assert!(
        committed == fresh,
        "{relative} is not generated from its source: run \
         `UPDATE_GENERATED=1 cargo test -p natives-shared content_rules`"
    );
}

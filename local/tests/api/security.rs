//! The hardening that `docs/security.md` relies on, each proven from outside where it
//! can be seen from outside: over real HTTP against the local stack.

use natives_local::data_dir;

use crate::helpers::spawn_app;

// The local data folder keeps its keys to its owner.

#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_writes_its_key_and_secret_files_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    let mode = |name: &str| {
        std::fs::metadata(app.data_dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    for name in ["jwt-ed25519.json", "stripe-webhook-secret"] {
        assert_eq!(mode(name), 0o600, "{name}");
    }

    // a file left readable by an older version is narrowed when next read
    let path = app.data_dir.path().join("stripe-webhook-secret");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let secret = data_dir::webhook_secret(app.data_dir.path()).unwrap();
    assert_eq!(mode("stripe-webhook-secret"), 0o600);
    assert_eq!(secret, data_dir::webhook_secret(app.data_dir.path()).unwrap(), "the same secret, kept");
    let leftovers: Vec<_> = std::fs::read_dir(app.data_dir.path())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

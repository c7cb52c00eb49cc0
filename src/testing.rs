//! Test support: locating the shared real-data fixtures that live beside the repository.

use std::path::PathBuf;

/// Path of a file under `../shared/fixtures/` (relative to the crate root), or `None` with a
/// printed notice when the shared folder is absent. With `REQUIRE_SHARED_FIXTURES=1` (as CI
/// sets it) a missing fixture panics instead, so CI never skips silently.
pub fn shared_fixture(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("REQUIRE_SHARED_FIXTURES").is_ok_and(|v| v == "1") {
        panic!(
            "shared fixture {} is missing and REQUIRE_SHARED_FIXTURES=1",
            path.display()
        );
    }
    eprintln!(
        "notice: skipping, shared fixture {} is absent",
        path.display()
    );
    None
}

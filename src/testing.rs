//! Unit-test support: the shared real-data fixtures that live beside the repository. Tests that
//! read them are `#[ignore = "needs ../shared/fixtures"]`; `.ci/run` runs them.

use std::path::PathBuf;

/// The path of `relative` under `../shared/fixtures/`; panics, saying why, when it is absent.
pub fn shared_fixture(relative: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(relative);
    assert!(
        path.exists(),
        "shared fixture {} is missing: this test needs the shared real-data folder beside the repository (it is ignored by a plain `cargo test`)",
        path.display()
    );
    path
}

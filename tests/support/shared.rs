//! The real recorded data in `../shared/fixtures/`, beside the repository. Tests that read it
//! are `#[ignore = "needs ../shared/fixtures"]`, so a plain `cargo test` on a fresh clone lists
//! them as ignored; `.ci/run` runs them with `--include-ignored`, where a missing file fails.
#![allow(dead_code)] // each test file uses part of this module

use std::path::PathBuf;

/// Why a test is ignored by default: the reason `cargo test` prints.
pub const NEEDS_SHARED: &str = "needs ../shared/fixtures";

/// The path of `relative` under `../shared/fixtures/`. Panics, saying what to do, when it is
/// absent: such a test only runs when asked for (`--include-ignored`).
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

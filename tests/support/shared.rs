//! The real recorded data in `../shared/fixtures/`, beside the repository: the same helper the
//! unit tests use (`src/testing.rs`). Tests that read it are `#[ignore = "needs
//! ../shared/fixtures"]`, so a plain `cargo test` on a fresh clone lists them as ignored;
//! `.ci/run` runs them with `--include-ignored`, where a missing file fails.
#![allow(dead_code)] // each test file uses part of this module

#[path = "../../src/testing.rs"]
mod testing;

pub use testing::shared_fixture;

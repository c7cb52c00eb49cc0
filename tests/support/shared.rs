//! The real recorded data in `../shared/fixtures/`, beside the repository: the same helper the
//! unit tests use (`src/testing.rs`). Tests that read it are `#[ignore = "needs
//! ../shared/fixtures"]`, so a plain `cargo test` on a fresh clone lists them as ignored;
//! `.ci/run` runs them with `--include-ignored`, where a missing file fails.
#![allow(dead_code)] // each test file uses part of this module

#[path = "../../src/testing.rs"]
mod testing;

pub use testing::shared_fixture;

/// A real labelled day (`../shared/fixtures/labelled/DAY.jsonl`) written by
/// `../shared/tools/labelled_feed.py` as the feed it was announced in, into `out`.
pub fn labelled_feed(day: &str, out: &std::path::Path) -> std::path::PathBuf {
    let feed = out.join(format!("{day}.xml"));
    let tool =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/labelled_feed.py");
    let status = std::process::Command::new("python3")
        .arg(tool)
        .arg(shared_fixture(&format!("labelled/{day}.jsonl")))
        .arg(&feed)
        .status()
        .unwrap();
    assert!(status.success());
    feed
}

/// Every paper of a real labelled day, as its JSON line.
pub fn labelled_papers(day: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(shared_fixture(&format!("labelled/{day}.jsonl")))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The first six labelled days, in order.
pub const FIRST_LABELLED_DAYS: [&str; 6] = [
    "2025-06-10",
    "2025-06-11",
    "2025-06-13",
    "2025-06-16",
    "2025-06-17",
    "2025-06-18",
];

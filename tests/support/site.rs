//! Test support: real sites built by the real `papersift` binary in a folder, for the browser
//! tests and the link checker.

use std::path::{Path, PathBuf};

pub use repo::papersift;
use shared::shared_fixture;

#[path = "repo.rs"]
mod repo;
#[path = "shared.rs"]
mod shared;

/// The imported archive of the tool papersift replaces: 242 days of 2025.
pub const ARCHIVE: &str = "archive/daily-json-2025";
/// A real cs.CL announcement day (2026-08-13), recorded from arXiv.
pub const CS_CL_DAY: &str = "arxiv/rss-cs.CL-2026-08-13.xml";

/// Thresholds of 1 select every scanned paper, so every hostile item reaches the pages.
const SELECT_EVERYTHING: &str = "[selection]\nrelevance_min = 1\nnovelty_min = 1\n";

/// A user repository at `dir` (created if needed): the given config text and the shipped prompts.
pub fn user_repo(dir: &Path, config: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("config.toml"), config).unwrap();
    repo::copy_prompts(dir);
}

/// A small fixture file of this repository.
pub fn own_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Builds the big real site in `repo`: the 242-day archive imported, then the real cs.CL day of
/// 2026-08-13 run from its recorded feed, so the site spans two years. Returns its `docs/`.
pub fn build_archive_site(repo: &Path) -> PathBuf {
    let archive = shared_fixture(ARCHIVE);
    let feed = shared_fixture(CS_CL_DAY);
    // The reader's "Send my marks" button opens GitHub's editor on this repository.
    user_repo(
        repo,
        "[site]\nrepository = \"alice/arxiv-digest\"\nbranch = \"digest\"\n",
    );
    papersift(repo)
        .arg("import")
        .arg(archive)
        .assert()
        .success();
    papersift(repo)
        .arg("run")
        .arg("--feed")
        .arg(feed)
        .assert()
        .success();
    repo.join("docs")
}

/// Builds the small hostile site in `repo`: two days of hand-written feeds whose titles,
/// authors and abstracts carry script, markup, `javascript:` links, math-shaped payloads and
/// unbreakable words. Returns its `docs/`.
pub fn build_hostile_site(repo: &Path) -> PathBuf {
    user_repo(repo, SELECT_EVERYTHING);
    for feed in ["e2e-hostile-feed.xml", "browser-hostile-feed.xml"] {
        papersift(repo)
            .arg("run")
            .arg("--feed")
            .arg(own_fixture(feed))
            .assert()
            .success();
    }
    repo.join("docs")
}

/// Decodes `%XX` escapes (a link's path and fragment are percent-encoded UTF-8).
pub fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

//! Test support: real sites built by the real `papersift` binary in a folder, for the browser
//! tests and the link checker.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use papersift::testing::shared_fixture;

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
    let prompts = dir.join("prompts");
    std::fs::create_dir_all(&prompts).unwrap();
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), prompts.join(entry.file_name())).unwrap();
    }
}

/// The real binary, run in `repo`, with no API key (so the keyword scorer is used).
pub fn papersift(repo: &Path) -> Command {
    let mut cmd = Command::cargo_bin("papersift").unwrap();
    cmd.current_dir(repo)
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL");
    cmd
}

/// A small fixture file of this repository.
pub fn own_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Builds the big real site in `repo`: the 242-day archive imported, then the real cs.CL day of
/// 2026-08-13 run from its recorded feed, so the site spans two years. Returns its `docs/`, or
/// `None` (with a notice) when the shared fixtures are absent.
pub fn build_archive_site(repo: &Path) -> Option<PathBuf> {
    let archive = shared_fixture(ARCHIVE)?;
    let feed = shared_fixture(CS_CL_DAY)?;
    user_repo(repo, "");
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
    Some(repo.join("docs"))
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

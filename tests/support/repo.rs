//! Shared by the integration tests: a user repository in a temp folder, the real binary with a
//! clean environment, and a byte-for-byte listing of a folder.
#![allow(dead_code)] // each test file uses part of this module

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A user repository in a temp folder: the shipped prompts plus the given config text.
pub fn user_repo(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    copy_prompts(dir.path());
    dir
}

/// Copies the repository's shipped `prompts/` into `repo/prompts/`.
pub fn copy_prompts(repo: &Path) {
    let prompts = repo.join("prompts");
    std::fs::create_dir_all(&prompts).unwrap();
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), prompts.join(entry.file_name())).unwrap();
    }
}

/// The real binary, run in `repo`, with no API keys, tokens or webhooks from the environment.
pub fn papersift(repo: &Path) -> Command {
    let mut cmd = Command::cargo_bin("papersift").unwrap();
    cmd.current_dir(repo);
    for variable in [
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "S2_API_KEY",
        "GITHUB_TOKEN",
        "GITHUB_STEP_SUMMARY",
        "SLACK_WEBHOOK_URL",
        "PAPERSIFT_WEBHOOK_URL",
    ] {
        cmd.env_remove(variable);
    }
    cmd
}

/// A file of this crate's `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// Every file under `dir` with its bytes, by path relative to `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

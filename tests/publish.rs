//! `papersift publish` in temporary git repositories: commit message, no-op, push and rebase-on-reject.

#[path = "support/repo.rs"]
mod repo;

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Process::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn papersift(repo: &Path) -> Command {
    let mut cmd = Command::cargo_bin("papersift").unwrap();
    cmd.current_dir(repo)
        .env_remove("OPENAI_API_KEY")
        .env("GIT_AUTHOR_NAME", "papersift")
        .env("GIT_AUTHOR_EMAIL", "bot@example.invalid")
        .env("GIT_COMMITTER_NAME", "papersift")
        .env("GIT_COMMITTER_EMAIL", "bot@example.invalid");
    cmd
}

/// A bare "origin" and a clone of it holding a user repository with one committed config.
fn fork_with_origin() -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let origin = root.path().join("origin.git");
    git(
        root.path(),
        &[
            "init",
            "--quiet",
            "--bare",
            "-b",
            "main",
            origin.to_str().unwrap(),
        ],
    );
    let fork = root.path().join("fork");
    git(
        root.path(),
        &[
            "clone",
            "--quiet",
            origin.to_str().unwrap(),
            fork.to_str().unwrap(),
        ],
    );
    git(&fork, &["checkout", "--quiet", "-b", "main"]);
    std::fs::write(
        fork.join("config.toml"),
        "[selection]\nrelevance_min = 1\nnovelty_min = 1\n",
    )
    .unwrap();
    repo::copy_prompts(&fork);
    git(&fork, &["add", "."]);
    git(&fork, &["commit", "--quiet", "-m", "fork"]);
    git(&fork, &["push", "--quiet", "-u", "origin", "main"]);
    (root, fork)
}

fn run_demo_day(fork: &Path) {
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/e2e-hostile-feed.xml");
    papersift(fork)
        .arg("run")
        .arg("--feed")
        .arg(feed)
        .assert()
        .success();
}

#[test]
fn commits_data_and_docs_with_a_message_naming_the_day() {
    let (_root, fork) = fork_with_origin();
    run_demo_day(&fork);
    papersift(&fork)
        .arg("publish")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "committed: papersift: 2026-08-13 ok — 2 selected of 2 scanned",
        ));
    let files = git(&fork, &["show", "--name-only", "--format=%s", "HEAD"]);
    assert!(files.starts_with("papersift: 2026-08-13 ok"), "{files}");
    assert!(files.contains("data/2026/08/13.json"), "{files}");
    assert!(files.contains("docs/2026/08/13/index.html"), "{files}");
    assert_eq!(
        git(&fork, &["status", "--porcelain"]),
        "",
        "publish left changes behind"
    );

    papersift(&fork)
        .arg("publish")
        .assert()
        .success()
        .stdout(predicates::str::contains("nothing to publish"));
}

#[test]
fn push_rebases_once_when_the_branch_moved() {
    let (root, fork) = fork_with_origin();
    // Someone else pushes a commit first (e.g. the user edits prompts on github.com).
    let other = root.path().join("other");
    git(
        root.path(),
        &[
            "clone",
            "--quiet",
            root.path().join("origin.git").to_str().unwrap(),
            other.to_str().unwrap(),
        ],
    );
    std::fs::write(other.join("NOTES.md"), "edited elsewhere\n").unwrap();
    git(&other, &["add", "."]);
    git(&other, &["commit", "--quiet", "-m", "edit elsewhere"]);
    git(&other, &["push", "--quiet"]);

    run_demo_day(&fork);
    papersift(&fork)
        .args(["publish", "--push"])
        .assert()
        .success()
        .stdout(predicates::str::contains("(pushed)"));
    let log = git(
        &root.path().join("origin.git"),
        &["log", "--format=%s", "main"],
    );
    let subjects: Vec<&str> = log.lines().collect();
    assert_eq!(subjects.len(), 3, "{log}");
    assert!(subjects[0].starts_with("papersift: 2026-08-13"), "{log}");
    assert_eq!(subjects[1], "edit elsewhere");
}

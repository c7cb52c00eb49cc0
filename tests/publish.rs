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
    // As a fork has it: the lock file of a running command is never committed.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".gitignore"),
        fork.join(".gitignore"),
    )
    .unwrap();
    git(&fork, &["add", "."]);
    git(&fork, &["commit", "--quiet", "-m", "fork"]);
    git(&fork, &["push", "--quiet", "-u", "origin", "main"]);
    (root, fork)
}

/// A second clone of the bare origin under `root`: another machine publishing to the fork.
fn clone_origin(root: &Path, name: &str) -> std::path::PathBuf {
    let clone = root.join(name);
    git(
        root,
        &[
            "clone",
            "--quiet",
            root.join("origin.git").to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    clone
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
    let other = clone_origin(root.path(), "other");
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

fn run_feed(repo: &Path, feed: &str) {
    papersift(repo)
        .arg("run")
        .arg("--feed")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(feed),
        )
        .assert()
        .success();
}

#[test]
fn the_users_staged_work_is_neither_committed_nor_unstaged() {
    let (_root, fork) = fork_with_origin();
    std::fs::create_dir_all(fork.join("src")).unwrap();
    std::fs::write(fork.join("src/wip.rs"), "// half done\n").unwrap();
    git(&fork, &["add", "src/wip.rs"]);
    run_demo_day(&fork);
    // A killed build's leftover, which no build has removed yet.
    std::fs::write(fork.join("docs/.index.html.tmp-999-0"), "half").unwrap();
    papersift(&fork).arg("publish").assert().success();
    let committed = git(&fork, &["show", "--name-only", "--format=", "HEAD"]);
    assert!(committed.contains("data/2026/08/13.json"), "{committed}");
    assert!(
        !committed.contains("wip.rs"),
        "the user's staged file was committed"
    );
    assert!(
        !committed.contains(".tmp-"),
        "a temporary file was committed: {committed}"
    );
    assert_eq!(
        git(&fork, &["diff", "--cached", "--name-only"]),
        "src/wip.rs\n"
    );
}

#[test]
fn a_branch_moved_by_another_publish_is_rebuilt_from_both_days_not_merged() {
    let (root, fork) = fork_with_origin();
    // Another machine publishes another day first: every generated page differs.
    let other = clone_origin(root.path(), "other");
    run_feed(&other, "browser-hostile-feed.xml");
    papersift(&other)
        .args(["publish", "--push"])
        .assert()
        .success();

    run_demo_day(&fork);
    let output = papersift(&fork)
        .args(["publish", "--push"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let origin = root.path().join("origin.git");
    let tree = git(&origin, &["ls-tree", "-r", "--name-only", "main"]);
    assert!(tree.contains("data/2026/08/13.json"), "{tree}");
    assert!(tree.contains("data/2026/08/14.json"), "{tree}");
    assert!(
        tree.contains("docs/2026/08/13/index.html") && tree.contains("docs/2026/08/14/index.html")
    );
    let markers = Process::new("git")
        .current_dir(&origin)
        .args([
            "grep",
            "-l",
            "-e",
            "^<<<<<<< ",
            "main",
            "--",
            "docs",
            "data",
        ])
        .output()
        .unwrap();
    assert!(
        markers.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&markers.stdout)
    );
    assert!(!fork.join(".git/rebase-merge").exists() && !fork.join(".git/rebase-apply").exists());
    // The rebuilt home page knows both days.
    let home = git(&origin, &["show", "main:docs/index.html"]);
    assert!(home.contains("2026-08-14") && home.contains("2026-08-13"));
    assert_eq!(git(&fork, &["status", "--porcelain"]), "");
}

#[test]
fn a_half_done_rebase_is_refused_with_the_way_out() {
    let (_root, fork) = fork_with_origin();
    run_demo_day(&fork);
    std::fs::create_dir_all(fork.join(".git/rebase-merge")).unwrap();
    let output = papersift(&fork).arg("publish").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("git rebase --abort"), "{stderr}");
    assert_eq!(
        git(&fork, &["log", "--format=%s"]).lines().count(),
        1,
        "committed anyway"
    );
}

#[test]
fn a_file_with_conflict_markers_is_never_committed() {
    let (_root, fork) = fork_with_origin();
    run_demo_day(&fork);
    // What a half-resolved merge of an older version left in a generated page.
    let page = fork.join("docs/2026/08/13/index.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> origin/main\n");
    std::fs::write(&page, text).unwrap();
    let output = papersift(&fork).arg("publish").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("conflict markers"), "{stderr}");
    assert!(stderr.contains("docs/2026/08/13/index.md"), "{stderr}");
    assert_eq!(
        git(&fork, &["log", "--format=%s"]).lines().count(),
        1,
        "committed anyway"
    );
}

#[test]
fn a_push_the_remote_refuses_is_not_taken_for_a_moved_branch_and_says_what_to_check() {
    let (root, fork) = fork_with_origin();
    // A protected branch, as GitHub refuses it.
    let hook = root.path().join("origin.git/hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'remote: error: GH006: Protected branch update failed for refs/heads/main.' >&2\nexit 1\n",
    )
    .unwrap();
    let mut permissions = std::fs::metadata(&hook).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&hook, permissions).unwrap();
    run_demo_day(&fork);
    let output = papersift(&fork)
        .args(["publish", "--push"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("the remote refused the push"), "{stderr}");
    assert!(stderr.contains("GH006"), "{stderr}");
    assert!(!stderr.contains("the branch moved"), "{stderr}");
    // The day stays committed here, and is sent once the remote accepts pushes.
    assert!(git(&fork, &["log", "-1", "--format=%s"]).contains("2026-08-13"));
    std::fs::remove_file(&hook).unwrap();
    let output = papersift(&fork)
        .args(["publish", "--push"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let origin = root.path().join("origin.git");
    let tree = git(&origin, &["ls-tree", "-r", "--name-only", "main"]);
    assert!(tree.contains("data/2026/08/13.json"), "{tree}");
}

/// A fork that recorded and committed 2026-08-13 without pushing it, while another machine
/// published 2026-08-14 to the same remote.
fn unpushed_day_under_a_moved_remote() -> (tempfile::TempDir, std::path::PathBuf) {
    let (root, fork) = fork_with_origin();
    run_demo_day(&fork);
    papersift(&fork).arg("publish").assert().success();
    let other = clone_origin(root.path(), "other");
    run_feed(&other, "browser-hostile-feed.xml");
    papersift(&other)
        .args(["publish", "--push"])
        .assert()
        .success();
    (root, fork)
}

#[test]
fn a_day_committed_but_never_pushed_survives_a_remote_that_moved_meanwhile() {
    let (root, fork) = unpushed_day_under_a_moved_remote();
    // Nothing new here, but the earlier day is still to be sent.
    let output = papersift(&fork)
        .args(["publish", "--push"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!stdout.contains("nothing to publish"), "{stdout}");
    let origin = root.path().join("origin.git");
    let tree = git(&origin, &["ls-tree", "-r", "--name-only", "main"]);
    assert!(
        tree.contains("data/2026/08/13.json"),
        "the unpushed day was lost: {tree}"
    );
    assert!(tree.contains("data/2026/08/14.json"), "{tree}");
    let home = git(&origin, &["show", "main:docs/index.html"]);
    assert!(home.contains("2026-08-13") && home.contains("2026-08-14"));
    // The rebuilt commit names the day this repository recorded, not the remote's newest.
    let subject = git(&origin, &["log", "-1", "--format=%s", "main"]);
    assert!(subject.contains("2026-08-13"), "{subject}");
    assert_eq!(git(&fork, &["status", "--porcelain"]), "");
}

#[test]
fn a_publish_killed_while_it_rebuilt_on_the_remote_is_finished_by_the_next_one() {
    let (root, fork) = unpushed_day_under_a_moved_remote();
    // Where a kill -9 can leave a rebuild: the marker written and the branch already moved
    // onto the remote's, before the local day was written back (it is gone from the tree).
    let started_from = git(&fork, &["rev-parse", "HEAD"]);
    std::fs::write(fork.join(".git/papersift-rebuild"), started_from.trim()).unwrap();
    git(&fork, &["fetch", "--quiet"]);
    git(&fork, &["reset", "--quiet", "--keep", "@{upstream}"]);
    assert!(!fork.join("data/2026/08/13.json").exists());
    // A half-built page, as a killed build leaves one.
    std::fs::write(fork.join("docs/index.html"), "half").unwrap();
    let output = papersift(&fork)
        .args(["publish", "--push"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let origin = root.path().join("origin.git");
    let tree = git(&origin, &["ls-tree", "-r", "--name-only", "main"]);
    assert!(tree.contains("data/2026/08/13.json"), "{tree}");
    assert!(tree.contains("data/2026/08/14.json"), "{tree}");
    let home = git(&origin, &["show", "main:docs/index.html"]);
    assert!(
        home.contains("2026-08-13") && home.contains("2026-08-14"),
        "{home}"
    );
    assert!(!fork.join(".git/papersift-rebuild").exists());
    let subject = git(&origin, &["log", "-1", "--format=%s", "main"]);
    assert!(subject.contains("2026-08-13"), "{subject}");
    // docs/ as pushed is a build of the data as pushed: a build changes nothing.
    papersift(&fork).arg("build").assert().success();
    assert_eq!(git(&fork, &["status", "--porcelain"]), "");
}

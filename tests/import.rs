//! Tests of `papersift import`: the real 242-day archive of the tool we replace, and the real
//! binary on a small hand-written archive.

#[path = "support/shared.rs"]
mod shared;

#[path = "support/repo.rs"]
mod repo;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use papersift::Config;
use papersift::commands::import::{self, AUTHOR_MATCH_REASON};
use papersift::record::{self, DayRecord};
use repo::{files_under, papersift};
use shared::shared_fixture;

const REAL_ARCHIVE: &str = "archive/daily-json-2025";
const SMALL_ARCHIVE: &str = "tests/fixtures/import/out";

/// The archive's output files as (path, text), found independently of the importer.
fn output_files(archive: &Path) -> Vec<(PathBuf, String)> {
    files_under(archive)
        .into_iter()
        .filter(|(path, _)| path.to_string_lossy().ends_with("-output.json"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// Where an entry's key opens in the file: the old tool's page order.
fn key_position(text: &str, id: &str) -> usize {
    text.find(&format!("\"{id}\": {{"))
        .unwrap_or_else(|| panic!("{id} is not a key of its file"))
}

fn record_of<'a>(records: &'a [DayRecord], relative: &Path) -> &'a DayRecord {
    let name = relative.file_name().unwrap().to_string_lossy();
    let date: jiff::civil::Date = name.trim_end_matches("-output.json").parse().unwrap();
    records
        .iter()
        .find(|r| r.date == date)
        .unwrap_or_else(|| panic!("no record for {}", relative.display()))
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn the_real_archive_becomes_242_faithful_day_records() {
    let archive = shared_fixture(REAL_ARCHIVE);
    let data = tempfile::tempdir().unwrap();
    let config = Config::parse("").unwrap();
    let report = import::import_dir(&archive, data.path(), &config, false).unwrap();

    let files = output_files(&archive);
    assert_eq!(files.len(), 242);
    let entries: Vec<serde_json::Map<String, serde_json::Value>> = files
        .iter()
        .map(|(_, text)| serde_json::from_str(text).unwrap())
        .collect();
    let total: usize = entries.iter().map(|e| e.len()).sum();
    assert_eq!(report.imported.len(), 242);
    assert!(report.skipped.is_empty());
    assert_eq!(report.papers, total);

    let records = record::load_all(data.path()).unwrap();
    assert_eq!(records.len(), 242);
    assert_eq!(records.iter().map(|r| r.papers.len()).sum::<usize>(), total);
    for ((relative, text), file_entries) in files.iter().zip(&entries) {
        let day = record_of(&records, relative);
        assert_eq!(
            day.source.origin,
            [relative.to_string_lossy().replace('\\', "/")]
        );
        assert_eq!(day.counts.selected, file_entries.len());
        assert_eq!(day.counts.feed_items, None);
        let ids: Vec<&str> = day.papers.iter().map(|p| p.id.as_str()).collect();
        let mut file_order: Vec<&str> = file_entries.keys().map(String::as_str).collect();
        file_order.sort_by_key(|id| key_position(text, id));
        assert_eq!(
            ids,
            file_order,
            "{}: not in the old tool's order",
            relative.display()
        );
        for paper in &day.papers {
            let entry = &file_entries[&paper.id];
            let author_match = entry["COMMENT"] == "Author match";
            assert_eq!(paper.scores.is_none(), author_match, "{}", paper.id);
            if author_match {
                assert_eq!(paper.reason.as_deref(), Some(AUTHOR_MATCH_REASON));
            } else {
                let scores = paper.scores.as_ref().unwrap();
                assert_eq!(entry["RELEVANCE"], u64::from(scores.relevance));
                assert_eq!(entry["NOVELTY"], u64::from(scores.novelty));
                assert_eq!(entry["COMMENT"], scores.comment.as_str());
            }
            let abstract_text = paper.abstract_text.as_deref().unwrap();
            assert!(!abstract_text.starts_with("arXiv:"), "{}", paper.id);
            for author in &paper.authors {
                assert!(
                    !author.contains("\\'") && !author.contains("\\\""),
                    "{}: raw TeX left in author {author:?}",
                    paper.id
                );
            }
        }
    }

    // A second import skips every day and changes no byte, even when forced.
    let before = files_under(data.path());
    let again = import::import_dir(&archive, data.path(), &config, false).unwrap();
    assert!(again.imported.is_empty());
    assert_eq!(again.skipped, report.imported);
    import::import_dir(&archive, data.path(), &config, true).unwrap();
    assert!(
        files_under(data.path()) == before,
        "re-importing changed data/"
    );
}

/// A user repository in a temp folder: the shipped prompts plus a config.
fn user_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[arxiv]\ncategories = [\"cs.LG\", \"cs.CL\"]\n",
    )
    .unwrap();
    repo::copy_prompts(dir.path());
    dir
}

fn small_archive() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(SMALL_ARCHIVE)
}

#[test]
fn the_binary_imports_an_archive_once_and_renders_it() {
    let repo = user_repo();
    let first = papersift(repo.path())
        .arg("import")
        .arg(small_archive())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(
        stdout.contains("imported 3 days (7 papers)"),
        "{stdout}{stderr}"
    );
    assert!(stdout.contains("ignored 2 other files"), "{stdout}");
    assert!(stdout.contains("re-joined 1 author names"), "{stdout}");

    let data = repo.path().join("data");
    let records = record::load_all(&data).unwrap();
    let dates: Vec<String> = records.iter().map(|r| r.date.to_string()).collect();
    assert_eq!(dates, ["2025-01-17", "2025-02-05", "2025-10-06"]);
    let february = &records[1];
    assert_eq!(february.categories, ["cs.LG", "cs.CL"]);
    assert_eq!(
        february.source.origin,
        ["json/2025-02/2025-02-05-output.json"]
    );
    let ids: Vec<&str> = february.papers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["2502.02114", "2502.02731", "2502.02045"]);
    assert_eq!(
        records[0].papers[0].authors,
        ["Priya Raman (Institute of Science, Bangalore)", "Leo Haas"]
    );

    // The records are written before rendering, so they stand even if rendering fails.
    assert!(first.status.success(), "{stdout}{stderr}");
    assert!(repo.path().join("docs/2025/02/05/index.html").is_file());

    let before = files_under(&data);
    let second = papersift(repo.path())
        .arg("import")
        .arg(small_archive())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&second.get_output().stdout).into_owned();
    assert!(stdout.contains("imported 0 days (0 papers)"), "{stdout}");
    assert!(
        stdout.contains("skipped 3 days that already have a record (--force overwrites them): 2025-01-17, 2025-02-05, 2025-10-06"),
        "{stdout}"
    );
    papersift(repo.path())
        .args(["import", "--force"])
        .arg(small_archive())
        .assert()
        .success();
    assert!(files_under(&data) == before, "re-importing changed data/");
}

#[test]
fn a_failing_render_keeps_the_imported_records_and_says_so() {
    let repo = user_repo();
    // A file where docs/ should be: rendering cannot write there.
    std::fs::write(repo.path().join("docs"), "not a folder").unwrap();
    let output = papersift(repo.path())
        .arg("import")
        .arg(small_archive())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("the imported days are saved in data/"),
        "{stderr}"
    );
    assert_eq!(
        record::load_all(&repo.path().join("data")).unwrap().len(),
        3
    );
}

#[test]
fn a_malformed_archive_is_refused_with_the_file_and_entry_named() {
    let repo = user_repo();
    let archive = repo.path().join("old/out/json/2025-03");
    std::fs::create_dir_all(&archive).unwrap();
    std::fs::write(
        archive.join("2025-03-03-output.json"),
        r#"{"2503.01234": {"title": "T", "authors": ["A"], "abstract": "x", "COMMENT": "c", "RELEVANCE": 12, "NOVELTY": 3, "SCORE": 15}}"#,
    )
    .unwrap();
    let output = papersift(repo.path())
        .args(["import", "old"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("2025-03-03-output.json")
            && stderr.contains("2503.01234")
            && stderr.contains("RELEVANCE 12"),
        "{stderr}"
    );
    // No record: data/ holds at most the (uncommitted) lock file of the command.
    let data = repo.path().join("data");
    let written: Vec<_> = std::fs::read_dir(&data)
        .map(|entries| entries.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(
        written.iter().all(|name| name == ".papersift.lock"),
        "{written:?}"
    );
}

#[test]
fn help_describes_import_and_force() {
    let output = Command::cargo_bin("papersift")
        .unwrap()
        .args(["import", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(
        help.contains("YYYY-MM-DD-output.json") && help.contains("--force"),
        "{help}"
    );
}

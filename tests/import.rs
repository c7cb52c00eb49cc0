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
        stdout.contains("imported 3 days (7 papers, 0 of them in the old tool's spotlight"),
        "{stdout}{stderr}"
    );
    assert!(stdout.contains("skipped 0 files and 0 entries"), "{stdout}");
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
    assert!(stdout.contains("imported 0 days (0 papers"), "{stdout}");
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
    // A file where the year's folder of docs/ should be: rendering cannot write there. (A file
    // in place of docs/ itself is refused when the config is read.)
    std::fs::create_dir_all(repo.path().join("docs")).unwrap();
    std::fs::write(repo.path().join("docs/2025"), "not a folder").unwrap();
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
fn a_malformed_entry_is_named_and_skipped_and_the_rest_imported() {
    let repo = user_repo();
    let archive = repo.path().join("old/out/json/2025-03");
    std::fs::create_dir_all(&archive).unwrap();
    std::fs::write(
        archive.join("2025-03-03-output.json"),
        r#"{"2503.01234": {"title": "T", "authors": ["A"], "abstract": "x", "COMMENT": "c", "RELEVANCE": 12, "NOVELTY": 3, "SCORE": 15},
            "2503.01235": {"title": "Kept", "authors": ["B"], "abstract": "y", "COMMENT": "c", "RELEVANCE": 8, "NOVELTY": 3, "SCORE": 11}}"#,
    )
    .unwrap();
    let output = papersift(repo.path())
        .args(["import", "old"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("skipped 0 files and 1 entries")
            && stdout.contains("2025-03-03-output.json: entry \"2503.01234\" RELEVANCE 12"),
        "{stdout}"
    );
    let records = record::load_all(&repo.path().join("data")).unwrap();
    let ids: Vec<&str> = records[0].papers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["2503.01235"]);
}

const ARCHIVE_2026: &str = "tests/fixtures/import/2026/out";

/// Every paper entry of every file under `dir`, by ID, read independently of the importer.
fn every_entry_id(dir: &Path) -> std::collections::BTreeSet<String> {
    let mut ids = std::collections::BTreeSet::new();
    for (_, bytes) in files_under(dir) {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue;
        };
        let papers = json.get("papers").unwrap_or(&json);
        for (key, _) in papers.as_object().into_iter().flatten() {
            if !key.is_empty() {
                ids.insert(key.clone());
            }
        }
    }
    ids
}

#[test]
fn every_era_of_a_2026_archive_reaches_its_pages() {
    let repo = user_repo();
    let archive = Path::new(env!("CARGO_MANIFEST_DIR")).join(ARCHIVE_2026);
    let output = papersift(repo.path())
        .arg("import")
        .arg(&archive)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("imported 4 days (9 papers, 2 of them in the old tool's spotlight, 1 listed on an earlier day too)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("skipped 1 files and 1 entries")
            && stdout.contains("2026-03-06-output.json: expected value")
            && stdout.contains("2026-03-03-latest.json: entry \"\" has no arXiv ID"),
        "{stdout}"
    );
    assert!(
        stdout.contains("recorded as llm-failed: 2026-03-04"),
        "{stdout}"
    );
    assert!(stdout.contains("flagged: 2026-03-07"), "{stdout}");

    let docs = repo.path().join("docs");
    let page = |date: &str| {
        let path = docs.join(date.replace('-', "/")).join("index.html");
        std::fs::read_to_string(&path).unwrap_or_default()
    };
    // Every paper of every readable file is on its day's page.
    let data = repo.path().join("data");
    let records = record::load_all(&data).unwrap();
    let mut on_pages = std::collections::BTreeSet::new();
    for record in &records {
        let html = page(&record.date.to_string());
        for paper in &record.papers {
            if record.status.has_page() {
                assert!(
                    html.contains(&format!("https://arxiv.org/abs/{}", paper.id)),
                    "{} missing from {}",
                    paper.id,
                    record.date
                );
            }
            on_pages.insert(paper.id.clone());
        }
    }
    assert_eq!(on_pages, every_entry_id(&archive));

    // The day of three files: usage, totals, topic sections and the spotlight in its order.
    let monday = page("2026-03-02");
    for expected in [
        "Tokens used by <code>gpt-5</code>",
        "812,345",
        "60,321",
        "$1.62",
        "<strong>612</strong> arXiv papers in the feed",
        "<strong>540</strong> scanned",
        "ChatGPT-ArXiv-Paper-Assistant / gpt_paper_assistant archive (2026-03-02-output.json, 2026-03-02-daily-papers.json, 2026-03-02-hotspot-papers.json)",
        "id=\"topic-llm-efficiency\"",
        "LLM Efficiency <span class=\"count\">(2)</span>",
        "Agents and Tool Use <span class=\"count\">(2)</span>",
    ] {
        assert!(monday.contains(expected), "{expected:?} not on the page");
    }
    assert!(
        !monday.contains("unknown"),
        "nothing is unknown on this day"
    );
    let spotlight = &monday[monday.find("<h2 id=\"spotlight-heading\">").unwrap()..];
    let frontier = spotlight.find("Self-Compiling Transformers").unwrap();
    let hot = spotlight.find("Tool-Using Agents Beat Baselines").unwrap();
    assert!(frontier < hot, "the old tool's order: new frontier first");
    assert!(spotlight[..hot].contains("New frontier"));
    let sections: Vec<usize> = ["topic-llm-efficiency", "topic-agents", "topic-vision"]
        .iter()
        .map(|id| {
            monday
                .find(&format!("<section class=\"topic\" id=\"{id}\""))
                .unwrap()
        })
        .collect();
    assert!(
        sections.windows(2).all(|w| w[0] < w[1]),
        "the old topic order"
    );

    // latest wins over output; the repeat is flagged and the month lists it once.
    let tuesday = page("2026-03-03");
    assert!(tuesday.contains("Re-rendered comment: retrieval heads matter."));
    assert!(!tuesday.contains("Old comment before the re-render."));
    assert!(tuesday.contains("Listed before on <a href=\"../../../2026/03/02/\">2026-03-02</a>"));
    let month = std::fs::read_to_string(docs.join("2026/03/index.html")).unwrap();
    assert_eq!(
        month
            .matches("Sparse Attention Kernels for Long Contexts")
            .count(),
        1
    );
    assert!(
        month.contains("day-status-llm-failed"),
        "the failed day shows in the calendar"
    );

    // The day its LLM never ran is a failure on the run-health page, with no page of its own.
    assert!(page("2026-03-04").is_empty());
    let status = std::fs::read_to_string(docs.join("status/index.html")).unwrap();
    let tile = &status[status.find("Wed 4 Mar").unwrap()..];
    let tile = &tile[..tile.find("</li>").unwrap_or(tile.len())];
    assert!(
        tile.contains("status-llm-failed")
            && tile.contains("imported: the old tool&#39;s LLM made no calls this day"),
        "{tile}"
    );
    let saturday = page("2026-03-07");
    assert!(
        saturday.contains("dated this page on a Saturday"),
        "{saturday}"
    );

    // A second import changes nothing; --force rewrites the same bytes.
    let before = files_under(&data);
    for args in [vec!["import"], vec!["import", "--force"]] {
        papersift(repo.path())
            .args(args)
            .arg(&archive)
            .assert()
            .success();
        assert!(files_under(&data) == before, "re-importing changed data/");
    }
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

/// The page without MathML annotations (a formula's TeX source, not shown), the BibTeX entries
/// (TeX is what BibTeX wants) and the formulas shown as TeX because the author's markup is
/// broken (`\textbf{2.5\times$}$`).
fn visible(html: &str) -> String {
    let mut text = html.to_string();
    for (open, close) in [
        ("<annotation", "</annotation>"),
        ("<pre id=\"bib-", "</pre>"),
        ("<span class=\"tex\">", "</span>"),
    ] {
        let mut kept = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find(open) {
            kept.push_str(&rest[..at]);
            rest = rest[at..]
                .find(close)
                .map_or("", |end| &rest[at + end + close.len()..]);
        }
        kept.push_str(rest);
        text = kept;
    }
    text
}

#[test]
#[ignore = "needs ../shared/fixtures"]
fn no_text_mode_tex_is_left_on_the_imported_archive_s_pages() {
    let repo = user_repo();
    papersift(repo.path())
        .arg("import")
        .arg(shared_fixture(REAL_ARCHIVE))
        .assert()
        .success();
    let mut pages = 0;
    let mut links = 0;
    for (path, bytes) in files_under(&repo.path().join("docs")) {
        if path.file_name().is_none_or(|n| n != "index.html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        links += html.matches("rel=\"nofollow noopener\"").count();
        let text = visible(&html);
        for raw in ["\\textbf{", "\\emph{", "\\textit{", "\\href{", "\\texttt{"] {
            assert!(!text.contains(raw), "{} shows {raw}", path.display());
        }
    }
    assert!(pages > 200, "{pages}");
    assert!(links > 500, "abstract addresses are links: {links}");
}

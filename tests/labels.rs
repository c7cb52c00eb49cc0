//! The reader's labels through the real binary: `labels import` of every format (bad entries
//! named, nothing lost), texts from the archive, a loopback arXiv API or a later run, `labels
//! list|stats`, and `eval` on real labelled days checked against a count made from the files.

#[path = "support/shared.rs"]
mod shared;

#[path = "support/repo.rs"]
mod repo;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use repo::{files_under, papersift, read_json};
use wiremock::matchers::{method, path, query_param_contains};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A feed of this crate's own fixtures: 2026-08-14, cs.LG.
fn next_day_feed() -> PathBuf {
    repo::fixture("e2e-next-day-feed.xml")
}

/// Answers `id_list` queries with an entry for each asked ID in `known`, as the arXiv API does.
struct IdListAnswer {
    known: HashSet<String>,
}

impl Respond for IdListAnswer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let ids = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "id_list")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let mut entries = String::new();
        let mut count = 0;
        for id in ids.split(',').filter(|id| self.known.contains(*id)) {
            count += 1;
            entries.push_str(&format!(
                r#"  <entry>
    <id>http://arxiv.org/abs/{id}v2</id>
    <title>Fetched title of {id}</title>
    <updated>2025-10-01T00:00:00Z</updated>
    <summary>The fetched abstract of {id}.</summary>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <published>2025-10-01T00:00:00Z</published>
    <arxiv:primary_category term="cs.LG"/>
    <author><name>Fetched Author</name></author>
  </entry>
"#
            ));
        }
        ResponseTemplate::new(200).set_body_string(format!(
            r#"<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/generatedForTests</id>
  <title>arXiv Query</title>
  <updated>2025-10-01T00:00:00Z</updated>
  <opensearch:itemsPerPage>{count}</opensearch:itemsPerPage>
  <opensearch:totalResults>{count}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
{entries}</feed>
"#
        ))
    }
}

async fn arxiv_api(known: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/query"))
        .and(query_param_contains("id_list", "."))
        .respond_with(IdListAnswer {
            known: known.iter().map(|s| s.to_string()).collect(),
        })
        .mount(&server)
        .await;
    server
}

fn repo_with_api(api_url: &str) -> tempfile::TempDir {
    repo::user_repo(&format!(
        "[arxiv]\ncategories = [\"cs.LG\"]\napi_url = \"{api_url}\"\napi_pause_ms = 1\nmax_retries = 0\n"
    ))
}

/// Every label line under `data/labels/`, parsed, in file-name order.
fn label_lines(repo: &Path) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for (name, bytes) in files_under(&repo.join("data/labels")) {
        assert!(name.to_string_lossy().ends_with(".jsonl"), "{name:?}");
        for line in String::from_utf8(bytes).unwrap().lines() {
            out.push(serde_json::from_str(line).unwrap());
        }
    }
    out
}

const BIB: &str = r#"@article{one,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam},
  eprint = {1706.03762}, archivePrefix = {arXiv},
  abstract = {The dominant sequence transduction models.}
}
@book{nope, title = {A book without an arXiv ID}}
@misc{two, title = {By address}, url = {https://arxiv.org/abs/2510.00002v1}}
"#;

const CSV: &str = "\"Key\",\"Item Type\",\"Title\",\"Author\",\"Url\",\"DOI\",\"Abstract Note\",\"Extra\"\n\
\"K1\",\"preprint\",\"From Zotero\",\"Doe, Jane\",\"\",\"10.48550/arXiv.2510.00003\",\"Zotero abstract\",\"\"\n\
\"K2\",\"book\",\"No ID here\",\"\",\"https://example.org/book\",\"\",\"\",\"\"\n";

#[tokio::test(flavor = "multi_thread")]
async fn every_format_imports_bad_entries_are_named_and_nothing_is_lost() {
    let api = arxiv_api(&["2510.00002", "2510.00004"]).await;
    let repo = repo_with_api(&format!("{}/api/query", api.uri()));
    let dir = repo.path();
    std::fs::write(dir.join("mine.bib"), BIB).unwrap();
    std::fs::write(dir.join("zotero.csv"), CSV).unwrap();
    std::fs::write(
        dir.join("old.jsonl"),
        "{\"id\":\"2510.00005\",\"label\":\"not_for_me\",\"at\":\"2026-11-02\",\"source\":\"site\",\"title\":\"Marked on the site\"}\n\
         {\"id\":\"2510.00006\",\"label\":\"adore\",\"at\":\"2026-11-02\"}\n\
         not json at all\n",
    )
    .unwrap();
    let output = papersift(dir)
        .args([
            "labels",
            "import",
            "mine.bib",
            "zotero.csv",
            "old.jsonl",
            "-",
        ])
        .write_stdin("# from a list\n2510.00004\n!https://arxiv.org/abs/2510.00007\nnot-an-id\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    for named in [
        "mine.bib line 7: entry \"nope\" names no arXiv ID",
        "zotero.csv line 3:",
        "old.jsonl line 2: unknown label \"adore\"",
        "old.jsonl line 3: not JSON",
        "- line 4: \"not-an-id\" is not an arXiv ID",
    ] {
        assert!(stdout.contains(named), "{named} not named in:\n{stdout}");
    }
    assert!(stdout.contains("6 labels read: 6 new"), "{stdout}");
    // 2510.00004 came without text: the loopback arXiv API gave it; 2510.00007 is unknown to
    // it and waits.
    assert!(
        stdout.contains("texts: 0 from the archive, 1 from the arXiv API, 1 waiting"),
        "{stdout}"
    );
    let lines = label_lines(dir);
    let by_id: BTreeMap<&str, &serde_json::Value> = lines
        .iter()
        .map(|l| (l["id"].as_str().unwrap(), l))
        .collect();
    assert_eq!(by_id.len(), 6);
    assert_eq!(by_id["1706.03762"]["source"], "bibtex");
    assert_eq!(by_id["1706.03762"]["authors"][0], "Ashish Vaswani");
    assert_eq!(by_id["2510.00002"]["title"], "By address");
    assert_eq!(by_id["2510.00004"]["title"], "Fetched title of 2510.00004");
    assert_eq!(by_id["2510.00004"]["authors"][0], "Fetched Author");
    assert_eq!(by_id["2510.00003"]["source"], "zotero");
    assert_eq!(by_id["2510.00003"]["abstract"], "Zotero abstract");
    assert_eq!(by_id["2510.00005"]["label"], "not_for_me");
    assert_eq!(by_id["2510.00007"]["label"], "not_for_me");
    assert_eq!(by_id["2510.00007"]["source"], "text");
    assert!(by_id["2510.00007"].get("title").is_none());

    let stats = papersift(dir).args(["labels", "stats"]).output().unwrap();
    let stats = String::from_utf8_lossy(&stats.stdout);
    assert!(stats.contains("waiting for their text (1;"), "{stats}");
    assert!(stats.contains("2510.00007"), "{stats}");
    let list = papersift(dir).args(["labels", "list"]).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert_eq!(list.lines().count(), 6, "{list}");
    assert!(list.contains("Attention Is All You Need"), "{list}");

    // The same files again change nothing; a file of nothing but bad entries exits 2 and
    // leaves every stored label as it was.
    let before = files_under(&dir.join("data/labels"));
    papersift(dir)
        .args(["labels", "import", "mine.bib", "zotero.csv"])
        .assert()
        .success()
        .stdout(predicates::str::contains("0 new"));
    std::fs::write(dir.join("bad.txt"), "hello\nworld\n").unwrap();
    let bad = papersift(dir)
        .args(["labels", "import", "bad.txt", "missing.bib"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("nothing could be read"), "{stderr}");
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert!(
        stdout.contains("missing.bib: skipped, cannot read"),
        "{stdout}"
    );
    assert_eq!(files_under(&dir.join("data/labels")), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_label_without_text_waits_offline_and_a_later_run_fills_it() {
    // Nothing listens on port 9: the API cannot be reached.
    let repo = repo_with_api("http://127.0.0.1:9/api/query");
    let dir = repo.path();
    papersift(dir)
        .args(["labels", "import", "-"])
        .write_stdin("2510.00004\n")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "1 waiting (kept, and filled in by a later run)",
        ))
        .stdout(predicates::str::contains(
            "the arXiv API could not be asked",
        ));
    assert_eq!(label_lines(dir).len(), 1, "the label is kept");

    let api = arxiv_api(&["2510.00004"]).await;
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        config.replace("http://127.0.0.1:9", &api.uri()),
    )
    .unwrap();
    // A feed-file run uses the network only with --catch-up, as for healing days.
    papersift(dir)
        .args(["run", "--catch-up", "--feed"])
        .arg(next_day_feed())
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "labels: filled in the texts of 1 labelled papers",
        ));
    let texts = std::fs::read_to_string(dir.join("data/label-texts.jsonl")).unwrap();
    assert!(texts.contains("Fetched title of 2510.00004"), "{texts}");
    let stats = papersift(dir).args(["labels", "stats"]).output().unwrap();
    assert!(String::from_utf8_lossy(&stats.stdout).contains("every labelled paper has its text"));
}

#[test]
fn eval_without_labels_says_how_to_add_some_and_exits_0() {
    let repo = repo::user_repo("");
    papersift(repo.path())
        .arg("eval")
        .assert()
        .success()
        .stdout(predicates::str::contains("No labels yet"))
        .stdout(predicates::str::contains("papersift labels import"));
}

#[test]
fn a_run_keeps_the_filtered_papers_text_in_the_scanned_store() {
    // Thresholds of 10 filter every paper of the day.
    let repo = repo::user_repo(
        "[arxiv]\ncategories = [\"cs.LG\"]\n[selection]\nrelevance_min = 10\nnovelty_min = 10\n",
    );
    papersift(repo.path())
        .args(["run", "--feed"])
        .arg(next_day_feed())
        .assert()
        .success();
    let record = read_json(&repo.path().join("data/2026/08/14.json"));
    let filtered: Vec<&str> = record["papers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p.is_array())
        .map(|p| p[0].as_str().unwrap())
        .collect();
    assert!(!filtered.is_empty());
    let packed = std::fs::read(repo.path().join("data/scanned/2026-08-14.json.zst")).unwrap();
    let stored: serde_json::Value = serde_json::from_slice(&zstd_decode(&packed)).unwrap();
    assert_eq!(stored["version"], 1);
    let ids: Vec<&str> = stored["id"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    assert_eq!(
        ids, filtered,
        "every filtered paper, and only those, in record order"
    );
    for field in ["title", "abstract", "authors"] {
        let values = stored[field].as_array().unwrap();
        assert_eq!(values.len(), ids.len(), "{field}");
        let filled = |v: &serde_json::Value| match v.as_str() {
            Some(text) => !text.is_empty(),
            None => !v.as_array().unwrap().is_empty(),
        };
        assert!(values.iter().all(filled), "an empty {field}");
    }
}

/// A zstd frame decoded (the store is plain zstd: `zstd -d` reads it too).
fn zstd_decode(packed: &[u8]) -> Vec<u8> {
    zstd::stream::decode_all(packed).unwrap()
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn eval_on_real_labelled_days_agrees_with_a_count_from_the_files() {
    let repo = repo::user_repo("[arxiv]\ncategories = [\"cs.LG\", \"cs.AI\"]\n");
    let dir = repo.path();
    let days = ["2025-06-10", "2025-06-11", "2025-06-13", "2025-06-16"];
    for day in days {
        let feed = shared::labelled_feed(day, dir);
        papersift(dir)
            .args(["run", "--feed"])
            .arg(&feed)
            .assert()
            .success();
    }
    // The old tool's picks of the first three days are "want"; every seventh paper it did
    // not pick, "not for me".
    let mut list = String::new();
    let mut expected_want = HashSet::new();
    let mut expected_not = HashSet::new();
    for day in &days[..3] {
        for (n, paper) in shared::labelled_papers(day).iter().enumerate() {
            let id = paper["id"].as_str().unwrap().to_string();
            if paper["author_match"] == true {
                continue;
            }
            if paper["picked"] == true {
                list.push_str(&format!("{id}\n"));
                expected_want.insert(id);
            } else if n % 7 == 0 {
                list.push_str(&format!("!{id}\n"));
                expected_not.insert(id);
            }
        }
    }
    papersift(dir)
        .args(["labels", "import", "-"])
        .write_stdin(list)
        .assert()
        .success();
    // The count from the files: which labelled papers the day records selected.
    let mut selected = HashSet::new();
    for day in days {
        let record = read_json(&dir.join(format!("data/{}.json", day.replace('-', "/"))));
        for paper in record["papers"].as_array().unwrap() {
            if paper["decision"] == "selected" {
                selected.insert(paper["id"].as_str().unwrap().to_string());
            }
        }
    }
    let want_selected = expected_want.intersection(&selected).count();
    let not_selected = expected_not.intersection(&selected).count();
    let output = papersift(dir).args(["eval", "--json"]).output().unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let overall = &report["recorded"]["overall"];
    assert_eq!(overall["want"], expected_want.len());
    assert_eq!(overall["not_for_me"], expected_not.len());
    assert_eq!(overall["want_selected"], want_selected);
    assert_eq!(overall["not_for_me_selected"], not_selected);
    let recall = want_selected as f64 / expected_want.len() as f64;
    assert!((overall["want_recall"].as_f64().unwrap() - recall).abs() < 1e-12);
    let disagreements = report["recorded"]["disagreements"].as_array().unwrap();
    assert_eq!(
        disagreements.len(),
        expected_want.len() - want_selected + not_selected
    );
    // Each "want" left out is named with its title, from the scanned-text store.
    assert!(
        disagreements
            .iter()
            .all(|d| d["title"].as_str().is_some_and(|t| t != "(title not kept)"))
    );
    assert_eq!(report["days"], 4);

    // Bounds: the fourth day has no labelled paper.
    let bounded = papersift(dir)
        .args(["eval", "--json", "--from", "2025-06-16"])
        .output()
        .unwrap();
    let bounded: serde_json::Value = serde_json::from_slice(&bounded.stdout).unwrap();
    assert_eq!(bounded["recorded"]["overall"]["labelled"], 0);
    assert_eq!(bounded["days"], 1);

    // The table for people names the figures and the disagreements.
    let table = papersift(dir).arg("eval").output().unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    for words in [
        "want-recall",
        "not-for-me rate",
        "precision",
        "balanced accuracy",
        "Disagreements",
    ] {
        assert!(table.contains(words), "{words} missing:\n{table}");
    }
}

#[test]
fn the_old_tools_picks_become_imported_want_labels_that_never_override_the_reader() {
    let repo = repo::user_repo("");
    let dir = repo.path();
    papersift(dir)
        .arg("import")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/out"))
        .assert()
        .success();
    // The count from the files: the imported days' selected papers, followed authors left out.
    let mut picks = Vec::new();
    for (name, bytes) in files_under(&dir.join("data")) {
        let name = name.to_string_lossy().into_owned();
        if !(name.ends_with(".json") && name.len() == "2026/03/02.json".len()) {
            continue;
        }
        let record: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        for paper in record["papers"].as_array().unwrap() {
            if paper["decision"] == "selected" && paper.get("followed_authors").is_none() {
                picks.push(paper["id"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(picks.len() > 3, "{picks:?}");
    papersift(dir)
        .args(["labels", "import", "--from-archive"])
        .assert()
        .success()
        .stdout(predicates::str::contains(format!(
            "{} labels read: {} new",
            picks.len(),
            picks.len()
        )))
        .stdout(predicates::str::contains("0 waiting"));
    let lines = label_lines(dir);
    assert_eq!(lines.len(), picks.len());
    assert!(
        lines
            .iter()
            .all(|l| l["source"] == "imported" && l["label"] == "want")
    );
    assert!(
        lines
            .iter()
            .all(|l| l["title"].as_str().is_some_and(|t| !t.is_empty()))
    );
    // The reader says "not for me" to one of them; importing the picks again keeps that.
    papersift(dir)
        .args(["labels", "import", "-"])
        .write_stdin(format!("!{}\n", picks[0]))
        .assert()
        .success();
    papersift(dir)
        .args(["labels", "import", "--from-archive"])
        .assert()
        .success()
        .stdout(predicates::str::contains("0 new"));
    let list = papersift(dir).args(["labels", "list"]).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    let line = list.lines().find(|l| l.contains(&picks[0])).unwrap();
    assert!(
        line.contains("not_for_me") && line.contains("text"),
        "{line}"
    );
}

/// The picks of a labelled day (papers picked for a followed author left out).
fn picks_of(day: &str) -> HashSet<String> {
    shared::labelled_papers(day)
        .into_iter()
        .filter(|p| p["picked"] == true && p["author_match"] != true)
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

fn selected_ids(repo: &Path, day: &str) -> HashSet<String> {
    let record = read_json(&repo.join(format!("data/{}.json", day.replace('-', "/"))));
    record["papers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["decision"] == "selected")
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn without_a_key_100_want_labels_rank_the_day_and_find_what_the_keyword_scorer_misses() {
    let labelled_days = shared::FIRST_LABELLED_DAYS;
    let later = "2025-06-23";
    let config = "[arxiv]\ncategories = [\"cs.LG\", \"cs.AI\"]\n";
    let with_labels = repo::user_repo(config);
    let keywords_only = repo::user_repo(config);
    for repo in [with_labels.path(), keywords_only.path()] {
        for day in labelled_days {
            let feed = shared::labelled_feed(day, repo);
            papersift(repo)
                .args(["run", "--feed"])
                .arg(&feed)
                .assert()
                .success();
        }
    }
    let mut picks: Vec<String> = labelled_days.iter().flat_map(|d| picks_of(d)).collect();
    picks.sort();
    picks.truncate(100);
    assert_eq!(picks.len(), 100);
    papersift(with_labels.path())
        .args(["labels", "import", "-"])
        .write_stdin(picks.join("\n"))
        .assert()
        .success();
    let mut selected = Vec::new();
    for repo in [with_labels.path(), keywords_only.path()] {
        let feed = shared::labelled_feed(later, repo);
        let output = papersift(repo)
            .args(["run", "--feed"])
            .arg(&feed)
            .output()
            .unwrap();
        assert!(output.status.success());
        selected.push((
            selected_ids(repo, later),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ));
    }
    let (profile_day, profile_line) = &selected[0];
    let (keyword_day, keyword_line) = &selected[1];
    assert!(
        profile_line.contains("your profile (no LLM API key set)"),
        "{profile_line}"
    );
    assert!(
        profile_line.contains("profile from 100 \"want\""),
        "{profile_line}"
    );
    assert!(
        keyword_line.contains("no profile: 0 wanted papers"),
        "{keyword_line}"
    );
    let record = read_json(
        &with_labels
            .path()
            .join(format!("data/{}.json", later.replace('-', "/"))),
    );
    assert_eq!(record["usage"]["scorer"], "profile");
    assert_eq!(profile_day.len(), 20, "profile.select papers");
    // Every scanned paper carries its profile score.
    for paper in record["papers"].as_array().unwrap() {
        let score = if paper.is_array() {
            &paper[4]
        } else {
            &paper["profile"]
        };
        let score = score
            .as_f64()
            .unwrap_or_else(|| panic!("no profile score: {paper}"));
        assert!((0.0..=1.0).contains(&score));
    }
    let truth = picks_of(later);
    let found = profile_day.intersection(&truth).count();
    let found_by_keywords = keyword_day.intersection(&truth).count();
    let only_profile = profile_day
        .difference(keyword_day)
        .filter(|id| truth.contains(*id))
        .count();
    assert!(
        found > 2 * found_by_keywords.max(1) && only_profile >= 5,
        "profile found {found} picks, keywords {found_by_keywords}, only the profile {only_profile}"
    );
    // The page says in one line how the day was ranked.
    let page = std::fs::read_to_string(
        with_labels
            .path()
            .join(format!("docs/{}/index.html", later.replace('-', "/"))),
    )
    .unwrap();
    assert!(
        page.contains("Ranked by your profile"),
        "the page says how the day was ranked"
    );

    // "You may also like": a stricter threshold leaves out papers of the profile's own best
    // 20; the best of those are suggested, each with the wanted paper it is most like.
    let next = "2025-06-24";
    let config_path = with_labels.path().join("config.toml");
    let mut config = std::fs::read_to_string(&config_path).unwrap();
    config.push_str("[profile]\nthreshold = 0.8\n");
    std::fs::write(&config_path, config).unwrap();
    let feed = shared::labelled_feed(next, with_labels.path());
    papersift(with_labels.path())
        .args(["run", "--feed"])
        .arg(&feed)
        .assert()
        .success();
    let record = read_json(
        &with_labels
            .path()
            .join(format!("data/{}.json", next.replace('-', "/"))),
    );
    let suggested = record["also_like"].as_array().expect("also_like");
    assert_eq!(suggested.len(), 5, "{suggested:?}");
    let chosen = selected_ids(with_labels.path(), next);
    let labelled: HashSet<&str> = picks.iter().map(String::as_str).collect();
    for paper in suggested {
        let id = paper["id"].as_str().unwrap();
        assert!(!chosen.contains(id), "{id} was selected");
        assert!(
            labelled.contains(paper["like"]["id"].as_str().unwrap()),
            "{paper}"
        );
    }
    let scores: Vec<f64> = suggested
        .iter()
        .map(|p| p["profile"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    let day = format!("docs/{}/index", next.replace('-', "/"));
    for ending in ["html", "md"] {
        let page =
            std::fs::read_to_string(with_labels.path().join(format!("{day}.{ending}"))).unwrap();
        assert!(page.contains("You may also like"), "{ending}");
        assert!(
            page.contains(suggested[0]["id"].as_str().unwrap()),
            "{ending}"
        );
    }
}

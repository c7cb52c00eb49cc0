//! Followed authors and Semantic Scholar through the real binary, against a loopback mock of
//! the Graph API: S2-ID matches, the h-index gate, pinning on the page, the cache, failures,
//! the API key, and `papersift authors find`.

#[path = "support/repo.rs"]
mod repo;

use std::path::{Path, PathBuf};

use repo::papersift;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Six papers of 2026-08-13 (one a replacement) written for these tests in the real feed format.
const FEED: &str = "tests/fixtures/authors-feed.xml";
const API_KEY: &str = "s2-secret-key-for-tests";

/// What the mock Semantic Scholar knows of each paper of the feed: author IDs and h-indices.
/// 2608.91005 is unknown to it (`null`).
fn known_paper(arxiv_id: &str) -> serde_json::Value {
    let authors = match arxiv_id {
        "2608.91001" => {
            serde_json::json!([{"authorId": "3444569", "hIndex": 40}, {"authorId": "7", "hIndex": 2}])
        }
        "2608.91002" => {
            serde_json::json!([{"authorId": "1689", "hIndex": 50}, {"authorId": "8", "hIndex": null}])
        }
        // "Y. B. Unresolved" on arXiv is the followed author 1751762 on Semantic Scholar.
        "2608.91003" => {
            serde_json::json!([{"authorId": "1751762", "hIndex": 4}, {"authorId": null, "hIndex": null}])
        }
        "2608.91004" => {
            serde_json::json!([{"authorId": "11", "hIndex": 3}, {"authorId": "12", "hIndex": 1}])
        }
        _ => return serde_json::Value::Null,
    };
    serde_json::json!({"paperId": format!("s2-{arxiv_id}"), "externalIds": {"ArXiv": arxiv_id}, "authors": authors})
}

struct BatchAnswer;

impl Respond for BatchAnswer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let answer: Vec<serde_json::Value> = body["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| known_paper(id.as_str().unwrap().trim_start_matches("ARXIV:")))
            .collect();
        ResponseTemplate::new(200).set_body_json(answer)
    }
}

fn user_repo(s2_url: &str, h_index_min: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"[arxiv]
categories = ["cs.LG"]

[keywords]
include = ["mixture of experts", "sparsity"]

[selection]
relevance_min = 1
novelty_min = 1

[authors]
semantic_scholar = true
s2_url = "{s2_url}"
h_index_min = {h_index_min}

[[authors.follow]]
name = "Petar Veli\\v{{c}}kovi\\'c"

[[authors.follow]]
name = "Yoshua Bengio"
aliases = ["Y. Bengio"]
s2_id = "1751762"
"#
    );
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    repo::copy_prompts(dir.path());
    dir
}

fn feed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FEED)
}

fn run_feed(repo: &Path) -> std::process::Output {
    let output = papersift(repo)
        .arg("run")
        .arg("--feed")
        .arg(feed())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn day_record(repo: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(repo.join("data/2026/08/13.json")).unwrap())
        .unwrap()
}

/// (id, decision, followed authors, reason) of every paper in record order. A filtered paper
/// is a row `[id, version, relevance, novelty, reason?]` in the file.
fn decisions(record: &serde_json::Value) -> Vec<(String, String, Vec<String>, String)> {
    record["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            if let Some(row) = p.as_array() {
                // [id, version, relevance, novelty, profile, reason]: the reason is the
                // string after the scores, when there is one.
                let reason = row
                    .iter()
                    .skip(4)
                    .find_map(|r| r.as_str())
                    .unwrap_or("below thresholds");
                return (
                    row[0].as_str().unwrap().to_string(),
                    "filtered".to_string(),
                    Vec::new(),
                    reason.to_string(),
                );
            }
            (
                p["id"].as_str().unwrap().to_string(),
                p["decision"].as_str().unwrap().to_string(),
                p["followed_authors"]
                    .as_array()
                    .map(|a| a.iter().map(|n| n.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default(),
                p["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn row(
    id: &str,
    decision: &str,
    followed: &[&str],
    reason: &str,
) -> (String, String, Vec<String>, String) {
    (
        id.to_string(),
        decision.to_string(),
        followed.iter().map(|s| s.to_string()).collect(),
        reason.to_string(),
    )
}

/// Every file under `dir`, read as text where it is text.
fn all_text_under(dir: &Path) -> String {
    let mut out = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn s2_ids_and_the_h_index_gate_shape_the_day_and_followed_papers_are_pinned_first() {
    let s2 = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/graph/v1/paper/batch"))
        .and(query_param(
            "fields",
            "externalIds,authors.authorId,authors.hIndex",
        ))
        .respond_with(BatchAnswer)
        .expect(1)
        .mount(&s2)
        .await;
    let repo = user_repo(&format!("{}/graph/v1", s2.uri()), 10);
    let output = run_feed(repo.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("2026-08-13: ok"), "{stdout}");
    // The replacement is not looked up: five scanned papers, 2608.91005 unknown to S2.
    assert!(
        stdout.contains("Semantic Scholar: 4 of 5 papers known (0 from the cache, 5 looked up)"),
        "{stdout}"
    );
    s2.verify().await;

    let record = day_record(repo.path());
    assert_eq!(
        decisions(&record),
        [
            // Followed authors first, although the keyword scorer ranks 2608.91005 highest.
            row(
                "2608.91001",
                "selected",
                &["Petar Veličković"],
                "Followed author: Petar Veličković"
            ),
            row(
                "2608.91003",
                "selected",
                &["Yoshua Bengio"],
                "Followed author: Yoshua Bengio"
            ),
            // Unknown to Semantic Scholar: not filtered by the gate.
            row("2608.91005", "selected", &[], ""),
            // Samy Bengio is not Yoshua Bengio.
            row("2608.91002", "selected", &[], ""),
            row(
                "2608.91004",
                "filtered",
                &[],
                "h-index gate: highest author h-index 3 < 10"
            ),
        ]
    );
    let scores = |id: &str| {
        record["papers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["scores"]["relevance"]
            .as_u64()
            .unwrap()
    };
    assert!(
        scores("2608.91005") > scores("2608.91001"),
        "pinning must be what puts 91001 first"
    );

    let page = std::fs::read_to_string(repo.path().join("docs/2026/08/13/index.html")).unwrap();
    let at = |title: &str| {
        page.find(title)
            .unwrap_or_else(|| panic!("{title} not on the page"))
    };
    assert!(at("Graph Attention Revisited") < at("Causal Discovery in Time Series"));
    assert!(at("Causal Discovery in Time Series") < at("Mixture of Experts Routing with Sparsity"));
    assert!(at("Mixture of Experts Routing with Sparsity") < at("Sequence Models for Speech"));
    assert!(page.contains("Followed author: Yoshua Bengio"));

    // The cache answers a second processing of the day: not one request more.
    let cache = repo.path().join("data/cache/s2/2608.json");
    let cached = std::fs::read_to_string(&cache).unwrap();
    assert_eq!(cached.lines().count(), 7, "{cached}");
    s2.reset().await;
    Mock::given(method("POST"))
        .respond_with(BatchAnswer)
        .expect(0)
        .mount(&s2)
        .await;
    std::fs::remove_file(repo.path().join("data/2026/08/13.json")).unwrap();
    let again = run_feed(repo.path());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("Semantic Scholar: 4 of 5 papers known (all from the cache)"),
        "{stdout}"
    );
    assert_eq!(decisions(&day_record(repo.path())), decisions(&record));
    s2.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_semantic_scholar_degrades_to_name_matching_and_never_shows_the_key() {
    let s2 = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("x-api-key", API_KEY))
        .respond_with(ResponseTemplate::new(500).set_body_string("internal error"))
        .expect(5)
        .mount(&s2)
        .await;
    let repo = user_repo(&format!("{}/graph/v1", s2.uri()), 10);
    let output = papersift(repo.path())
        .env("S2_API_KEY", API_KEY)
        .env("RUST_LOG", "debug")
        .arg("run")
        .arg("--feed")
        .arg(feed())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("2026-08-13: ok"), "{stdout}");
    assert!(
        stdout.contains("Semantic Scholar lookup failed") && stdout.contains("HTTP 500"),
        "{stdout}"
    );
    assert!(
        stdout.contains("followed authors matched by name only"),
        "{stdout}"
    );
    assert!(
        stderr.contains("WARN") && stderr.contains("Semantic Scholar lookup failed"),
        "{stderr}"
    );
    s2.verify().await;

    let record = day_record(repo.path());
    let rows = decisions(&record);
    // Name matching still finds Veličković; the S2-only match and the gate are gone.
    assert_eq!(
        rows[0],
        row(
            "2608.91001",
            "selected",
            &["Petar Veličković"],
            "Followed author: Petar Veličković"
        )
    );
    assert!(
        rows.iter()
            .skip(1)
            .all(|(_, decision, followed, reason)| decision == "selected"
                && followed.is_empty()
                && !reason.contains("h-index")),
        "{rows:?}"
    );

    for (place, text) in [
        ("stdout", stdout.to_string()),
        ("stderr", stderr.to_string()),
        ("the repository", all_text_under(repo.path())),
    ] {
        assert!(!text.contains(API_KEY), "the API key leaked into {place}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_option_semantic_scholar_is_never_asked() {
    let s2 = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(BatchAnswer)
        .expect(0)
        .mount(&s2)
        .await;
    let repo = user_repo(&format!("{}/graph/v1", s2.uri()), 10);
    let config = repo.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("semantic_scholar = true", "semantic_scholar = false"),
    )
    .unwrap();
    let stdout = String::from_utf8_lossy(&run_feed(repo.path()).stdout).into_owned();
    assert!(!stdout.contains("Semantic Scholar"), "{stdout}");
    assert!(!repo.path().join("data/cache/s2").exists());
    s2.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn authors_find_prints_candidates_and_a_config_entry() {
    let s2 = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/graph/v1/author/search"))
        .and(query_param("query", "Petar Veličković"))
        .and(query_param("fields", "name,affiliations,paperCount,hIndex,url"))
        .and(header("x-api-key", API_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "total": 3, "offset": 0,
            "data": [
                {"authorId": "2291", "name": "P. Velickovic", "affiliations": [], "paperCount": 2, "hIndex": 1,
                 "url": "https://www.semanticscholar.org/author/2291"},
                {"authorId": "3444569", "name": "Petar Velickovic", "affiliations": ["Google DeepMind", "University of Cambridge"],
                 "paperCount": 131, "hIndex": 43, "url": "https://www.semanticscholar.org/author/3444569"},
                {"authorId": "5550001", "name": "Petar Veličković", "affiliations": [], "paperCount": 4, "hIndex": 2,
                 "url": "https://www.semanticscholar.org/author/5550001"}
            ]
        })))
        .expect(1)
        .mount(&s2)
        .await;
    let repo = user_repo(&format!("{}/graph/v1", s2.uri()), 0);
    let output = papersift(repo.path())
        .env("S2_API_KEY", API_KEY)
        .args(["authors", "find", "Petar Veličković"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let table: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(
        table[0].starts_with("3444569")
            && table[0].contains("Google DeepMind; University of Cambridge"),
        "{stdout}"
    );
    assert!(
        table[0].contains(" 131 ") && table[0].ends_with(" 43"),
        "{stdout}"
    );
    assert!(
        table[1].starts_with("5550001") && table[2].starts_with("2291"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[[authors.follow]]\nname = \"Petar Veličković\"\ns2_id = \"3444569\"\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("https://www.semanticscholar.org/author/3444569"),
        "{stdout}"
    );
    assert!(!stdout.contains(API_KEY));
    s2.verify().await;
}

#[test]
fn authors_find_exits_3_when_semantic_scholar_cannot_be_reached() {
    // Bind and drop a listener: nothing accepts on that loopback port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let repo = user_repo(&format!("http://127.0.0.1:{port}/graph/v1"), 0);
    let output = papersift(repo.path())
        .args(["authors", "find", "Yoshua Bengio"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Semantic Scholar cannot be reached"),
        "{stderr}"
    );
}

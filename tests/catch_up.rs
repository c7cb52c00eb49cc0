//! Backfill and catch-up through the real binary against a loopback arXiv API that answers each
//! submission window with papers submitted inside it.

#[path = "support/shared.rs"]
mod shared;

#[path = "support/repo.rs"]
mod repo;

use std::path::{Path, PathBuf};

use repo::{files_under, papersift};
use shared::shared_fixture;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers an API query with three papers submitted one, two and three hours into the queried
/// window, in the exact shape of the 2026 API responses.
struct WindowAnswer;

impl Respond for WindowAnswer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "search_query")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let range = query.split("submittedDate:[").nth(1).unwrap_or_default();
        let start = &range[..12];
        let (year, month, day, hour) = (&start[..4], &start[4..6], &start[6..8], &start[8..10]);
        let mut entries = String::new();
        for n in 1..=3u32 {
            let id = format!("26{month}.{day}{n:03}");
            let hour: u32 = hour.parse::<u32>().unwrap() + n;
            let published = format!("{year}-{month}-{day}T{hour:02}:00:00Z");
            entries.push_str(&format!(
                r#"  <entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <title>Sparsity paper {id}</title>
    <updated>{published}</updated>
    <link href="https://arxiv.org/abs/{id}v1" rel="alternate" type="text/html"/>
    <summary>We study sparsity in paper {id}.</summary>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <published>{published}</published>
    <arxiv:primary_category term="cs.CL"/>
    <author>
      <name>J\"urgen Example</name>
    </author>
  </entry>
"#
            ));
        }
        let body = format!(
            r#"<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/generatedForTests</id>
  <title>arXiv Query: generated</title>
  <updated>2026-08-14T00:41:39Z</updated>
  <opensearch:itemsPerPage>1000</opensearch:itemsPerPage>
  <opensearch:totalResults>3</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
{entries}</feed>
"#
        );
        ResponseTemplate::new(200).set_body_string(body)
    }
}

async fn arxiv_api() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/query"))
        .respond_with(WindowAnswer)
        .mount(&server)
        .await;
    server
}

fn user_repo(api: &MockServer) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[arxiv]\ncategories = [\"cs.CL\"]\napi_url = \"{}/api/query\"\napi_pause_ms = 1\n\
             [selection]\nrelevance_min = 1\nnovelty_min = 1\n",
            api.uri()
        ),
    )
    .unwrap();
    repo::copy_prompts(dir.path());
    dir
}

fn record(repo: &Path, date: &str) -> Option<serde_json::Value> {
    let (y, rest) = date.split_at(4);
    let path: PathBuf = repo.join(format!("data/{y}/{}/{}.json", &rest[1..3], &rest[4..6]));
    std::fs::read_to_string(path)
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn backfill_builds_exact_window_days_and_is_idempotent() {
    let api = arxiv_api().await;
    let repo = user_repo(&api);
    papersift(repo.path())
        .args(["backfill", "--from", "2026-08-08", "--to", "2026-08-12"])
        .assert()
        .success()
        .stdout(predicates::str::contains("2026-08-10: backfilled"));
    // The weekend (8th, 9th) has no page; Mon-Wed do.
    assert!(record(repo.path(), "2026-08-08").is_none());
    for date in ["2026-08-10", "2026-08-11", "2026-08-12"] {
        let day = record(repo.path(), date).unwrap_or_else(|| panic!("{date} missing"));
        assert_eq!(day["status"], "backfilled");
        assert_eq!(day["source"]["kind"], "api");
        assert!(day["source"]["backfilled_on"].is_string());
        assert_eq!(day["counts"]["selected"], 3);
        assert!(
            day.to_string().contains("Jürgen Example"),
            "TeX decoded in backfilled names"
        );
    }
    // Tuesday's window is Friday 14:00 → Monday 14:00 New York (EDT): 18:00 UTC on the 7th.
    let tuesday = record(repo.path(), "2026-08-11").unwrap();
    assert!(
        tuesday["source"]["origin"][0]
            .as_str()
            .unwrap()
            .contains("[202608071800 TO 202608101800]")
    );
    let page = std::fs::read_to_string(repo.path().join("docs/2026/08/11/index.html")).unwrap();
    assert!(
        page.to_lowercase().contains("backfilled"),
        "the remedial banner is missing"
    );

    let requests = api.received_requests().await.unwrap().len();
    let before = files_under(repo.path());
    papersift(repo.path())
        .args(["backfill", "--from", "2026-08-08", "--to", "2026-08-12"])
        .assert()
        .success()
        .stdout(predicates::str::contains("skipped"));
    assert_eq!(
        before,
        files_under(repo.path()),
        "a second backfill changed files"
    );
    assert_eq!(
        requests,
        api.received_requests().await.unwrap().len(),
        "a second backfill called the API"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shard_takes_every_nth_day_and_writes_records_only() {
    let api = arxiv_api().await;
    let repo = user_repo(&api);
    papersift(repo.path())
        .args([
            "backfill",
            "--from",
            "2026-08-10",
            "--to",
            "2026-08-14",
            "--shard",
            "2/2",
        ])
        .assert()
        .success();
    let present: Vec<&str> = [
        "2026-08-10",
        "2026-08-11",
        "2026-08-12",
        "2026-08-13",
        "2026-08-14",
    ]
    .into_iter()
    .filter(|d| record(repo.path(), d).is_some())
    .collect();
    assert_eq!(present, ["2026-08-11", "2026-08-13"]);
    assert!(
        !repo.path().join("docs").exists(),
        "a shard must not render"
    );
    papersift(repo.path()).arg("build").assert().success();
    assert!(repo.path().join("docs/2026/08/13/index.html").exists());
    papersift(repo.path())
        .args([
            "backfill",
            "--from",
            "2026-08-10",
            "--to",
            "2026-08-14",
            "--shard",
            "0/2",
        ])
        .assert()
        .code(2);
}

#[ignore = "needs ../shared/fixtures"]
#[tokio::test(flavor = "multi_thread")]
async fn catch_up_heals_two_missed_days_but_never_reaches_before_the_first_record() {
    let feed = shared_fixture("arxiv/rss-cs.CL-2026-08-13.xml");
    let api = arxiv_api().await;
    let repo = user_repo(&api);
    // The archive starts on Monday the 10th; Tuesday and Wednesday were missed.
    papersift(repo.path())
        .args(["backfill", "--from", "2026-08-10", "--to", "2026-08-10"])
        .assert()
        .success();
    let calls_before = api.received_requests().await.unwrap().len();

    papersift(repo.path())
        .args(["run", "--feed"])
        .arg(&feed)
        .arg("--catch-up")
        .assert()
        .success()
        .stdout(predicates::str::contains("2026-08-11: backfilled"))
        .stdout(predicates::str::contains("2026-08-12: backfilled"))
        .stdout(predicates::str::contains("2026-08-13: ok"));
    assert_eq!(
        api.received_requests().await.unwrap().len(),
        calls_before + 2
    );
    assert!(
        record(repo.path(), "2026-08-07").is_none(),
        "catch-up reached before the first record"
    );
    assert_eq!(
        record(repo.path(), "2026-08-13").unwrap()["counts"]["feed_items"],
        139
    );
}

#[ignore = "needs ../shared/fixtures"]
#[tokio::test(flavor = "multi_thread")]
async fn a_run_with_a_feed_file_makes_no_api_call_without_catch_up() {
    let feed = shared_fixture("arxiv/rss-cs.CL-2026-08-13.xml");
    let api = arxiv_api().await;
    let repo = user_repo(&api);
    papersift(repo.path())
        .args(["backfill", "--from", "2026-08-10", "--to", "2026-08-10"])
        .assert()
        .success();
    let calls = api.received_requests().await.unwrap().len();
    papersift(repo.path())
        .args(["run", "--feed"])
        .arg(&feed)
        .assert()
        .success();
    assert_eq!(api.received_requests().await.unwrap().len(), calls);
    assert!(record(repo.path(), "2026-08-11").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_error_records_fetch_failed_and_a_later_backfill_heals_it() {
    let broken = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&broken)
        .await;
    let repo = user_repo(&broken);
    let config = std::fs::read_to_string(repo.path().join("config.toml")).unwrap();
    std::fs::write(
        repo.path().join("config.toml"),
        config.replace("api_pause_ms = 1", "api_pause_ms = 1\nmax_retries = 1"),
    )
    .unwrap();
    papersift(repo.path())
        .args(["backfill", "--from", "2026-08-12", "--to", "2026-08-12"])
        .assert()
        .code(3)
        .stdout(predicates::str::contains("2026-08-12: fetch-failed"));
    assert_eq!(
        record(repo.path(), "2026-08-12").unwrap()["status"],
        "fetch-failed"
    );
    assert!(
        !repo.path().join("docs/2026/08/12").exists(),
        "a failed day must get no page"
    );

    let api = arxiv_api().await;
    let config = std::fs::read_to_string(repo.path().join("config.toml"))
        .unwrap()
        .replace(&broken.uri(), &api.uri());
    std::fs::write(repo.path().join("config.toml"), config).unwrap();
    papersift(repo.path())
        .args(["backfill", "--from", "2026-08-12", "--to", "2026-08-12"])
        .assert()
        .success();
    assert_eq!(
        record(repo.path(), "2026-08-12").unwrap()["status"],
        "backfilled"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_scanned_text_store_keeps_the_newest_twenty_days_and_prunes_the_rest() {
    let api = arxiv_api().await;
    let repo = user_repo(&api);
    // Thresholds of 10 filter every paper, so each day has texts to keep.
    let config = std::fs::read_to_string(repo.path().join("config.toml")).unwrap();
    std::fs::write(
        repo.path().join("config.toml"),
        config.replace(
            "relevance_min = 1\nnovelty_min = 1",
            "relevance_min = 10\nnovelty_min = 10",
        ),
    )
    .unwrap();
    // The first day, and a label on one of its papers that came without the paper's text.
    papersift(repo.path())
        .args(["backfill", "--from", "2026-07-01", "--to", "2026-07-01"])
        .assert()
        .success();
    let first = record(repo.path(), "2026-07-01").unwrap();
    let labelled = first["papers"][0][0].as_str().unwrap().to_string();
    std::fs::create_dir_all(repo.path().join("data/labels")).unwrap();
    std::fs::write(
        repo.path().join("data/labels/2026-07-02-site.jsonl"),
        format!("{{\"id\":\"{labelled}\",\"label\":\"want\",\"at\":\"2026-07-02\"}}\n"),
    )
    .unwrap();
    // 22 page dates: 2026-07-01 .. 2026-07-30 (weekdays).
    papersift(repo.path())
        .args(["backfill", "--from", "2026-07-01", "--to", "2026-07-30"])
        .assert()
        .success();
    // The first day left the store, but the labelled paper's text was kept first.
    let texts = std::fs::read_to_string(repo.path().join("data/label-texts.jsonl")).unwrap();
    let kept: serde_json::Value = serde_json::from_str(texts.trim()).unwrap();
    assert_eq!(kept["id"], labelled.as_str());
    assert_eq!(kept["title"], format!("Sparsity paper {labelled}"));
    let mut recorded: Vec<String> = files_under(&repo.path().join("data/2026/07"))
        .into_iter()
        .map(|(name, _)| name.to_string_lossy().into_owned())
        .filter(|name| name.len() == "01.json".len())
        .map(|name| format!("2026-07-{}", &name[..2]))
        .collect();
    recorded.sort();
    assert_eq!(recorded.len(), 22, "{recorded:?}");
    let kept: Vec<String> = files_under(&repo.path().join("data/scanned"))
        .into_iter()
        .map(|(name, _)| {
            name.to_string_lossy()
                .trim_end_matches(".json.zst")
                .to_string()
        })
        .collect();
    assert_eq!(kept, recorded[2..].to_vec(), "the newest 20 days");
    // A later backfill of an older day than all kept ones writes no file for it.
    papersift(repo.path())
        .args(["backfill", "--from", "2026-06-29", "--to", "2026-06-29"])
        .assert()
        .success();
    assert!(
        !repo
            .path()
            .join("data/scanned/2026-06-29.json.zst")
            .exists()
    );
}

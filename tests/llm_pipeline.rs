//! The pipeline with the LLM scorer against the loopback mock: an LLM outage records an
//! `llm-failed` day and publishes nothing; a partly scored day is recorded as partial and
//! makes the run incomplete; the score cache makes a re-run free.

#[path = "support/mock_llm.rs"]
mod mock_llm;

use std::path::{Path, PathBuf};

use mock_llm::{Behaviour, Fault, FaultKind, MOCK_KEY, MockLlm, When};
use papersift::Config;
use papersift::calendar::Calendar;
use papersift::commands::day::process_feed;
use papersift::exit::ExitKind;
use papersift::fetch::FeedDay;
use papersift::paper::{AnnounceType, Paper};
use papersift::record::DayStatus;
use papersift::score::llm::LlmScorer;
use papersift::score::prompt::Prompts;
use papersift::score::{Scorer, Scoring};

fn repo_prompts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts")
}

fn feed(count: usize) -> FeedDay {
    FeedDay {
        date: "2026-08-13".parse().unwrap(),
        items: (0..count)
            .map(|n| Paper {
                id: format!("2608.{n:05}"),
                version: 1,
                title: format!("Routing in sparse mixture-of-experts models, part {n}"),
                authors: vec!["Grace Hopper".into()],
                abstract_text: format!("We analyse expert routing, variant {n}."),
                categories: vec!["cs.LG".into()],
                announce_type: AnnounceType::New,
                doi: None,
                journal_ref: None,
                license: None,
            })
            .collect(),
        origin: "test-feed.xml".into(),
    }
}

fn config(mock: &MockLlm, dir: &Path) -> Config {
    let mut config = Config {
        root: dir.to_path_buf(),
        ..Config::default()
    };
    config.site.prompts_dir = repo_prompts();
    config.llm.base_url = mock.base_url();
    config.llm.requests_per_minute = papersift::config::RequestsPerMinute::Auto;
    config.llm.title_batch_size = 10;
    config.llm.batch_size = 5;
    config
}

fn calendar(config: &Config) -> Calendar {
    Calendar::from_config(&config.arxiv).unwrap()
}

/// The LLM scorer, and no profile (these tests have no labels).
fn scorer(config: &Config, key: &str) -> Scoring {
    let prompts = Prompts::load(&repo_prompts()).unwrap();
    Scoring::new(
        Scorer::Llm(Box::new(
            LlmScorer::new(config, prompts, key.into()).unwrap(),
        )),
        Err("no labels in this test".into()),
    )
}

fn record(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("data/2026/08/13.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn an_llm_outage_records_llm_failed_and_publishes_nothing() {
    let mock = MockLlm::start(Behaviour::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let config = config(&mock, dir.path());
    let key = "sk-not-a-valid-key-0123456789";
    let report = process_feed(
        &config,
        &calendar(&config),
        &feed(12),
        &scorer(&config, key),
    )
    .await
    .unwrap();
    assert_eq!(report.status, Some(DayStatus::LlmFailed));
    assert_eq!(report.exit_kind(), Some(ExitKind::Llm));
    assert!(
        report.summary.contains("no page published"),
        "{}",
        report.summary
    );
    assert!(
        report.summary.contains("401 Unauthorized"),
        "{}",
        report.summary
    );
    let day = record(dir.path());
    assert_eq!(day["status"], "llm-failed");
    assert!(
        day["status_reason"]
            .as_str()
            .unwrap()
            .contains("401 Unauthorized: Incorrect API key provided: [redacted]")
    );
    assert_eq!(day["counts"]["unscored"], 12);
    assert!(!dir.path().join("docs").exists(), "docs/ was written");
    let text = std::fs::read_to_string(dir.path().join("data/2026/08/13.json")).unwrap();
    assert!(!text.contains(key) && !text.contains("sk-not"));
}

#[tokio::test]
async fn a_partly_scored_day_is_recorded_as_partial_and_is_incomplete() {
    let never = "2608.00004".to_string();
    let mock = MockLlm::start(Behaviour {
        title_reject_permille: 0,
        faults: vec![Fault::always(
            When::BatchHas(never.clone()),
            FaultKind::Omit(never.clone()),
        )],
        ..Behaviour::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = config(&mock, dir.path());
    let result = process_feed(
        &config,
        &calendar(&config),
        &feed(10),
        &scorer(&config, MOCK_KEY),
    )
    .await;
    let day = record(dir.path());
    assert_eq!(day["status"], "partial");
    assert_eq!(day["counts"]["unscored"], 1);
    let unscored: Vec<&serde_json::Value> = day["papers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["decision"] == "unscored")
        .collect();
    assert_eq!(unscored.len(), 1);
    assert_eq!(unscored[0]["id"], never.as_str());
    assert!(
        unscored[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("no usable score after 5 calls")
    );
    let report = result.unwrap();
    assert_eq!(report.status, Some(DayStatus::Partial));
    assert_eq!(report.exit_kind(), Some(ExitKind::Incomplete));
}

#[tokio::test]
async fn rerunning_a_scored_day_makes_no_call() {
    let mock = MockLlm::start(Behaviour::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let config = config(&mock, dir.path());
    let day = feed(20);
    let scorer = scorer(&config, MOCK_KEY);
    let _ = process_feed(&config, &calendar(&config), &day, &scorer).await;
    let first = record(dir.path());
    assert_eq!(first["status"], "ok");
    let calls = mock.calls().len();
    assert!(calls > 0);

    // Even with the day's record gone, the score cache answers every paper.
    std::fs::remove_file(dir.path().join("data/2026/08/13.json")).unwrap();
    let _ = process_feed(&config, &calendar(&config), &day, &scorer).await;
    assert_eq!(mock.calls().len(), calls, "the re-run called the API");
    let second = record(dir.path());
    assert_eq!(second["papers"], first["papers"]);
    assert_eq!(second["usage"]["calls"], 0);
    assert_eq!(second["usage"]["cache_hits"], 20);
}

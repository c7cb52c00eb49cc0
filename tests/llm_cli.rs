//! The real `papersift` binary scoring with an LLM: a loopback mock stands in for the API.
//! A refused key records `llm-failed`, publishes nothing and exits 4 with what the API said;
//! a partly scored day is published with its "Not scored" list and exits 5;
//! `OPENAI_BASE_URL` overrides the configured endpoint.

#[path = "support/repo.rs"]
mod repo;

#[path = "support/mock_llm.rs"]
mod mock_llm;

use std::path::Path;

use assert_cmd::Command;
use mock_llm::{Behaviour, Fault, FaultKind, MOCK_KEY, MockLlm, When};
use repo::{files_under, user_repo};

const FEED: &str = "tests/fixtures/e2e-hostile-feed.xml";

fn papersift(repo: &Path, key: &str) -> Command {
    let mut cmd = repo::papersift(repo);
    cmd.env("OPENAI_API_KEY", key)
        .arg("run")
        .arg("--feed")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(FEED));
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_key_exits_4_records_llm_failed_and_publishes_nothing() {
    let mock = MockLlm::start(Behaviour::default()).await;
    let repo = user_repo(&format!(
        "[llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\n",
        mock.base_url()
    ));
    let key = "sk-this-key-is-wrong-0123456789";
    let output = papersift(repo.path(), key).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("401 Unauthorized: Incorrect API key provided"),
        "{stdout}"
    );
    assert!(!stdout.contains(key) && !stderr.contains(key));
    assert!(!mock.calls().is_empty());
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join("data/2026/08/13.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(record["status"], "llm-failed");
    // No page for the day; the run-health page shows it failed.
    assert!(
        !repo.path().join("docs/2026/08/13").exists(),
        "the day got a page"
    );
    let status = std::fs::read_to_string(repo.path().join("docs/status/index.html")).unwrap();
    assert!(
        status.contains("llm-failed"),
        "the status page hides the failure"
    );
    for (file, bytes) in files_under(repo.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(key), "{} holds the key", file.display());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn openai_base_url_overrides_the_configured_endpoint() {
    let mock = MockLlm::start(Behaviour::default()).await;
    // Nothing listens on the discard port: only the override can make this run reach an API.
    let repo = user_repo(
        "[llm]\nbase_url = \"http://127.0.0.1:9/v1\"\nrequests_per_minute = 6000\nmax_retries = 0\n",
    );
    let output = papersift(repo.path(), MOCK_KEY)
        .env("OPENAI_BASE_URL", mock.base_url())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !mock.calls().is_empty(),
        "the mock was never called: {stdout}"
    );
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join("data/2026/08/13.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(record["usage"]["scorer"], "llm");
    assert_eq!(record["usage"]["calls"], mock.calls().len());
    assert_ne!(record["status"], "llm-failed", "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partly_scored_day_is_published_with_a_not_scored_list_and_exits_5() {
    let never = "2608.90002".to_string();
    let mock = MockLlm::start(Behaviour {
        title_reject_permille: 0,
        faults: vec![Fault::always(
            When::BatchHas(never.clone()),
            FaultKind::Omit(never.clone()),
        )],
        ..Behaviour::default()
    })
    .await;
    let repo = user_repo(&format!(
        "[llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\nmax_retries = 2\n",
        mock.base_url()
    ));
    let output = papersift(repo.path(), MOCK_KEY).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(5), "{stdout}");
    assert!(stdout.contains("2026-08-13: partial"), "{stdout}");
    let page = std::fs::read_to_string(repo.path().join("docs/2026/08/13/index.html")).unwrap();
    assert!(
        page.contains("<summary>Not scored (1)</summary>"),
        "no Not scored list"
    );
    assert!(page.contains("A Plain Paper on Quantization"));
    assert!(page.contains("no usable score after 3 calls"));
}

#[tokio::test(flavor = "multi_thread")]
async fn catch_up_scores_an_llm_failed_day_again_once_the_api_works() {
    let mock = MockLlm::start(Behaviour::default()).await;
    // The arXiv API is unreachable: healing a day that kept its papers must not need it.
    let repo = user_repo(&format!(
        "[arxiv]\napi_url = \"http://127.0.0.1:9/api/query\"\nmax_retries = 0\n\
         [llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\n",
        mock.base_url()
    ));
    let refused = papersift(repo.path(), "sk-wrong-key-for-the-first-day")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(4));

    let next_day =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/e2e-next-day-feed.xml");
    let output = Command::cargo_bin("papersift")
        .unwrap()
        .current_dir(repo.path())
        .env("OPENAI_API_KEY", MOCK_KEY)
        .env_remove("OPENAI_BASE_URL")
        .env_remove("GITHUB_TOKEN")
        .args(["run", "--catch-up", "--feed"])
        .arg(next_day)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("2026-08-13: ok — scored again"), "{stdout}");
    assert!(stdout.contains("2026-08-14: ok"), "{stdout}");
    let healed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join("data/2026/08/13.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(healed["status"], "ok");
    assert_eq!(healed["counts"]["unscored"], 0);
    assert!(
        repo.path().join("docs/2026/08/13/index.html").exists(),
        "the healed day has a page"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_rescore_scores_the_labelled_papers_again_through_the_cache() {
    let mock = MockLlm::start(Behaviour {
        title_reject_permille: 0,
        ..Behaviour::default()
    })
    .await;
    let repo = user_repo(&format!(
        // Without label examples in the prompt, importing labels leaves the prompt as the day
        // had it, so the score cache answers.
        "[llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\n[selection]\nrelevance_min = 5\nnovelty_min = 1\n[profile]\nprompt_examples = 0\n",
        mock.base_url()
    ));
    // Six papers: the mock's scores select some and filter others.
    repo::papersift(repo.path())
        .env("OPENAI_API_KEY", MOCK_KEY)
        .args(["run", "--feed"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/authors-feed.xml"))
        .assert()
        .success();
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join("data/2026/08/13.json")).unwrap(),
    )
    .unwrap();
    let papers = record["papers"].as_array().unwrap();
    let selected = papers
        .iter()
        .find(|p| p["decision"] == "selected" && p.get("followed_authors").is_none())
        .expect("a selected paper")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let filtered = papers
        .iter()
        .find(|p| p.is_array())
        .expect("a filtered paper")[0]
        .as_str()
        .unwrap()
        .to_string();
    repo::papersift(repo.path())
        .args(["labels", "import", "-"])
        .write_stdin(format!("!{selected}\n{filtered}\n"))
        .assert()
        .success();
    let calls_before = mock.calls().len();
    let rescore = |json: bool| {
        let mut cmd = repo::papersift(repo.path());
        cmd.env("OPENAI_API_KEY", MOCK_KEY)
            .args(["eval", "--rescore"]);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    // The same prompts as the recorded day: every answer comes from the score cache.
    let report: serde_json::Value = serde_json::from_slice(&rescore(true).stdout).unwrap();
    let rescored = &report["rescored"];
    assert_eq!(
        mock.calls().len(),
        calls_before,
        "nothing is sent for cached answers"
    );
    assert_eq!(rescored["cache_hits"], 2, "{rescored}");
    // The mock scores a paper the same way every time: the same decisions as recorded.
    assert_eq!(rescored["side"]["overall"], report["recorded"]["overall"]);
    assert_eq!(rescored["without_text"], 0);
    assert_eq!(report["recorded"]["overall"]["want_selected"], 0);
    assert_eq!(report["recorded"]["overall"]["not_for_me_selected"], 1);
    // A prompt change is judged before it goes live: the model is asked, the cost shown first.
    let topics = repo.path().join("prompts/topics.md");
    let mut text = std::fs::read_to_string(&topics).unwrap();
    text.push_str("\nAlso: papers on sparse training.\n");
    std::fs::write(&topics, text).unwrap();
    let table = rescore(false);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.starts_with("Rescoring 2 labelled papers with LLM scorer"),
        "the cost comes first:\n{table}"
    );
    assert!(table.contains("recorded   rescored"), "{table}");
    assert!(
        mock.calls().len() > calls_before,
        "the model was asked again"
    );
    assert!(table.contains("0 answers from the score cache"), "{table}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readers_labelled_titles_end_the_scoring_prompt_unless_switched_off() {
    let labels = concat!(
        r#"{"id":"2601.00001","label":"want","at":"2026-08-01","title":"Sparse Routing for Mixture of Experts"}"#,
        "\n",
        r#"{"id":"2601.00002","label":"not_for_me","at":"2026-08-02","title":"Tumour Segmentation in Clinical Scans"}"#,
        "\n"
    );
    for (examples, expected) in [("", true), ("[profile]\nprompt_examples = 0\n", false)] {
        let mock = MockLlm::start(Behaviour::default()).await;
        let repo = user_repo(&format!(
            "[llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\n{examples}",
            mock.base_url()
        ));
        std::fs::create_dir_all(repo.path().join("data/labels")).unwrap();
        std::fs::write(
            repo.path().join("data/labels/2026-08-02-site.jsonl"),
            labels,
        )
        .unwrap();
        papersift(repo.path(), MOCK_KEY).assert().success();
        let systems: Vec<String> = mock
            .calls()
            .iter()
            .map(|call| call.body["messages"][0]["content"].to_string())
            .collect();
        assert!(!systems.is_empty());
        for system in &systems {
            assert_eq!(
                system.contains("Examples of the reader's own judgement")
                    && system.contains("Sparse Routing for Mixture of Experts")
                    && system.contains("Tumour Segmentation in Clinical Scans"),
                expected,
                "{system}"
            );
        }
        // The day's prompt, as its page shows it, holds the examples too.
        let snapshots = files_under(&repo.path().join("data/prompts"));
        let text = String::from_utf8_lossy(&snapshots[0].1).into_owned();
        assert_eq!(
            text.contains("Sparse Routing for Mixture of Experts"),
            expected,
            "{text}"
        );
    }
}

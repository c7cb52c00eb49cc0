//! The models users of the replaced tool run, through the real binary with the shipped
//! `config.toml` and only the model changed (and the endpoint, to a loopback mock that rejects
//! what OpenAI rejects): gpt-5 publishes its day with reasoning tokens on the page;
//! gpt-4.1-mini gets no reasoning effort; a temperature gpt-5 refuses fails the day, the run
//! line, the record and `doctor --online` with the fix.

#[path = "support/repo.rs"]
mod repo;

#[path = "support/mock_llm.rs"]
mod mock_llm;

use std::path::Path;

use mock_llm::{Behaviour, MOCK_KEY, MockLlm};
use repo::{papersift, user_repo};

const FEED: &str = "tests/fixtures/e2e-hostile-feed.xml";
const DAY: &str = "2026/08/13";

/// The shipped config.toml with `model` and the mock's URL, plus `extra` lines in [llm].
fn shipped_config(model: &str, base_url: &str, extra: &str) -> String {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml")).unwrap();
    assert!(shipped.contains("model = \"gpt-4.1-mini\""));
    assert!(shipped.contains("base_url = \"https://api.openai.com/v1\""));
    shipped
        .replacen(
            "model = \"gpt-4.1-mini\"",
            &format!("model = \"{model}\""),
            1,
        )
        .replacen(
            "base_url = \"https://api.openai.com/v1\"",
            &format!("base_url = \"{base_url}\"\n{extra}"),
            1,
        )
}

fn run_day(repo: &Path) -> std::process::Output {
    papersift(repo)
        .env("OPENAI_API_KEY", MOCK_KEY)
        .arg("run")
        .arg("--feed")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(FEED))
        .output()
        .unwrap()
}

fn record(repo: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(repo.join(format!("data/{DAY}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn gpt_5_with_the_shipped_config_publishes_the_day_with_its_reasoning_tokens() {
    let mock = MockLlm::start(Behaviour::default()).await;
    let repo = user_repo(&shipped_config("gpt-5", &mock.base_url(), ""));
    let output = run_day(repo.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let calls = mock.calls();
    assert!(!calls.is_empty());
    for call in &calls {
        assert_eq!(call.status, 200, "{}", call.body);
        assert_eq!(call.body["reasoning_effort"], "low");
        assert!(call.body.get("temperature").is_none(), "{}", call.body);
        assert!(call.body.get("max_tokens").is_none(), "{}", call.body);
    }
    let day = record(repo.path());
    assert_eq!(day["status"], "ok");
    let reasoning = day["usage"]["reasoning_tokens"].as_u64().unwrap();
    assert!(reasoning > 0);
    let page = std::fs::read_to_string(repo.path().join(format!("docs/{DAY}/index.html"))).unwrap();
    assert!(
        page.contains(">Reasoning</abbr></th>"),
        "no reasoning column"
    );
    let grouped = reasoning
        .to_string()
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(",");
    assert!(
        page.contains(&format!("<td data-label=\"Reasoning\">{grouped}</td>")),
        "{grouped} not on the page"
    );
    let markdown =
        std::fs::read_to_string(repo.path().join(format!("docs/{DAY}/index.md"))).unwrap();
    assert!(markdown.contains("of which reasoning"));
}

#[tokio::test(flavor = "multi_thread")]
async fn gpt_4_1_mini_gets_no_reasoning_effort_and_no_reasoning_column() {
    let mock = MockLlm::start(Behaviour::default()).await;
    let repo = user_repo(&shipped_config("gpt-4.1-mini", &mock.base_url(), ""));
    let output = run_day(repo.path());
    assert_eq!(output.status.code(), Some(0));
    for call in mock.calls() {
        assert_eq!(call.status, 200);
        assert!(call.body.get("reasoning_effort").is_none(), "{}", call.body);
        assert!(call.body.get("temperature").is_none(), "{}", call.body);
    }
    assert!(
        record(repo.path())["usage"]
            .get("reasoning_tokens")
            .is_none()
    );
    let page = std::fs::read_to_string(repo.path().join(format!("docs/{DAY}/index.html"))).unwrap();
    assert!(!page.contains(">Reasoning</abbr>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_temperature_gpt_5_refuses_is_reported_with_the_fix_everywhere() {
    let mock = MockLlm::start(Behaviour::default()).await;
    let repo = user_repo(&shipped_config(
        "gpt-5",
        &mock.base_url(),
        "temperature = 0.0",
    ));
    let fix = "model gpt-5 does not accept temperature 0.0: remove `temperature` from [llm] or set it to 1";
    let output = run_day(repo.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains(fix), "{stdout}");
    let day = record(repo.path());
    assert_eq!(day["status"], "llm-failed");
    assert!(
        day["status_reason"].as_str().unwrap().contains(fix),
        "{day}"
    );
    let doctor = papersift(repo.path())
        .env("OPENAI_API_KEY", MOCK_KEY)
        .args(["doctor", "--online"])
        .output()
        .unwrap();
    let doctor_out = String::from_utf8_lossy(&doctor.stdout);
    assert!(doctor_out.contains(fix), "{doctor_out}");
    assert!(
        !doctor_out.contains("check the key, base_url and model"),
        "{doctor_out}"
    );
}

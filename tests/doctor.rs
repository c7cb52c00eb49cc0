//! `papersift doctor` through the real binary: a healthy fork passes, each broken setting fails
//! with its fix, and `--online` asks the (mock) LLM endpoint.

#[path = "support/mock_llm.rs"]
mod mock_llm;
#[path = "support/repo.rs"]
mod repo;

use std::path::Path;

use mock_llm::{Behaviour, MOCK_KEY, MockLlm};
use repo::{papersift, user_repo};

const GOOD: &str = "[site]\nbase_url = \"https://ada.github.io/digest/\"\n";

fn with_workflow(repo: &Path) {
    let workflows = repo.join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/daily.yml");
    std::fs::copy(shipped, workflows.join("daily.yml")).unwrap();
}

#[test]
fn a_healthy_fork_passes_with_a_warning_for_the_missing_key() {
    let repo = user_repo(GOOD);
    with_workflow(repo.path());
    papersift(repo.path())
        .env("GITHUB_REPOSITORY", "ada/digest")
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "ok   category: cs.LG is an arXiv category",
        ))
        .stdout(predicates::str::contains(
            "warn api key: OPENAI_API_KEY is not set",
        ))
        .stdout(predicates::str::contains("ok   cost:"))
        // A cold start says once what the profile is missing and what ranks days meanwhile.
        .stdout(predicates::str::contains(
            "ok   profile: no profile: 0 wanted papers",
        ))
        .stdout(predicates::str::contains(
            "ranked by built-in keyword scorer",
        ))
        .stdout(predicates::str::contains("all checks passed"));
}

#[test]
fn every_broken_setting_fails_with_its_fix() {
    let repo = user_repo("[arxiv]\ncategories = [\"cs.LG\", \"math.IT\", \"cs.lg\"]\n");
    std::fs::write(repo.path().join("prompts/topics.md"), "  \n").unwrap();
    let output = papersift(repo.path())
        .env("GITHUB_REPOSITORY", "ada/digest")
        .arg("doctor")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    for expected in [
        "FAIL category: math.IT is an alias of cs.IT",
        "did you mean \"cs.LG\"",
        "FAIL prompts:",
        "topics.md is empty",
        "FAIL site.base_url: still the placeholder; set it to your Pages address (for this repository: \"https://ada.github.io/digest/\")",
        "FAIL workflow: .github/workflows/daily.yml is missing",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[test]
fn a_misspelt_key_is_reported_before_any_check() {
    let repo = user_repo("[site]\nbase_ulr = \"https://ada.github.io/digest/\"\n");
    papersift(repo.path())
        .arg("doctor")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("base_ulr"));
}

#[tokio::test(flavor = "multi_thread")]
async fn online_asks_the_endpoint_with_the_configured_model() {
    let mock = MockLlm::start(Behaviour::default()).await;
    let repo = user_repo(&format!(
        "{GOOD}[llm]\nbase_url = \"{}\"\n",
        mock.base_url()
    ));
    with_workflow(repo.path());
    papersift(repo.path())
        .env("OPENAI_API_KEY", MOCK_KEY)
        .args(["doctor", "--online"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "ok   llm endpoint: model gpt-4.1-mini answered",
        ));
    assert_eq!(mock.calls().len(), 1);

    let key = "sk-wrong-doctor-key-123456";
    let output = papersift(repo.path())
        .env("OPENAI_API_KEY", key)
        .args(["doctor", "--online"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert!(
        stdout
            .contains("FAIL llm endpoint: model gpt-4.1-mini at llm.base_url did not answer: 401"),
        "{stdout}"
    );
    assert!(!stdout.contains(key), "the key leaked: {stdout}");
}

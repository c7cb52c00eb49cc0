//! Failure issue open/update/close against a loopback GitHub mock; Slack and webhook payloads from the real binary.

#[path = "support/repo.rs"]
mod repo;

use std::path::Path;

use assert_cmd::Command;
use papersift::publish::github::{FAILURE_LABEL, GitHubTarget, IssueAction, sync_failure_issue};
use serde_json::Value;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn target(server: &MockServer) -> GitHubTarget {
    GitHubTarget {
        api_url: server.uri(),
        token: "ghs_test_token_never_logged".into(),
        owner: "ada".into(),
        repo: "digest".into(),
    }
}

async fn open_issues(server: &MockServer, issues: Value) {
    Mock::given(method("GET"))
        .and(path("/repos/ada/digest/issues"))
        .and(query_param("state", "open"))
        .and(query_param("labels", FAILURE_LABEL))
        .and(header(
            "authorization",
            "Bearer ghs_test_token_never_logged",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(issues))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn failure_opens_an_issue_with_the_label_when_none_is_open() {
    let server = MockServer::start().await;
    open_issues(&server, serde_json::json!([])).await;
    Mock::given(method("POST"))
        .and(path("/repos/ada/digest/issues"))
        .and(body_partial_json(serde_json::json!({
            "title": "papersift: 2026-08-13 llm-failed — 401",
            "labels": [FAILURE_LABEL],
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("github-issue.json")))
        .expect(1)
        .mount(&server)
        .await;
    let action = sync_failure_issue(
        &target(&server),
        Some(("papersift: 2026-08-13 llm-failed — 401", "body")),
    )
    .await
    .unwrap();
    assert_eq!(action, IssueAction::Opened(7));
}

#[tokio::test]
async fn a_second_failure_updates_the_open_issue_instead_of_opening_another() {
    let server = MockServer::start().await;
    open_issues(&server, serde_json::json!([fixture("github-issue.json")])).await;
    Mock::given(method("PATCH"))
        .and(path("/repos/ada/digest/issues/7"))
        .and(body_partial_json(
            serde_json::json!({"title": "papersift: 2026-08-14 fetch-failed"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("github-issue.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/ada/digest/issues"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let action = sync_failure_issue(
        &target(&server),
        Some(("papersift: 2026-08-14 fetch-failed", "b")),
    )
    .await
    .unwrap();
    assert_eq!(action, IssueAction::Updated(7));
}

#[tokio::test]
async fn a_healthy_run_comments_and_closes_the_open_issue() {
    let server = MockServer::start().await;
    open_issues(&server, serde_json::json!([fixture("github-issue.json")])).await;
    Mock::given(method("POST"))
        .and(path("/repos/ada/digest/issues/7/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("github-comment.json")))
        .expect(1)
        .mount(&server)
        .await;
    let mut closed = fixture("github-issue.json");
    closed["state"] = "closed".into();
    Mock::given(method("PATCH"))
        .and(path("/repos/ada/digest/issues/7"))
        .and(body_partial_json(serde_json::json!({"state": "closed"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(closed))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        sync_failure_issue(&target(&server), None).await.unwrap(),
        IssueAction::Closed(7)
    );
}

#[tokio::test]
async fn healthy_with_no_open_issue_does_nothing_and_api_errors_carry_githubs_message() {
    let server = MockServer::start().await;
    open_issues(&server, serde_json::json!([])).await;
    assert_eq!(
        sync_failure_issue(&target(&server), None).await.unwrap(),
        IssueAction::Nothing
    );

    let denied = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest"
        })))
        .mount(&denied)
        .await;
    let error = sync_failure_issue(&target(&denied), Some(("t", "b")))
        .await
        .unwrap_err();
    let text = format!("{error:#}");
    assert!(
        text.contains("Resource not accessible by integration"),
        "{text}"
    );
    assert!(!text.contains("ghs_test_token"), "the token leaked: {text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_posts_slack_and_webhook_payloads_and_survives_their_failure() {
    let slack = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/T000/B000/XXXX"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(&slack)
        .await;
    let webhook = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&webhook)
        .await;

    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("config.toml"),
        "[site]\nbase_url = \"https://ada.github.io/digest/\"\n[selection]\nrelevance_min = 1\nnovelty_min = 1\n",
    )
    .unwrap();
    repo::copy_prompts(repo.path());
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/e2e-hostile-feed.xml");
    let summary = repo.path().join("summary.md");
    Command::cargo_bin("papersift")
        .unwrap()
        .current_dir(repo.path())
        .env_remove("OPENAI_API_KEY")
        .env_remove("GITHUB_TOKEN")
        .env(
            "SLACK_WEBHOOK_URL",
            format!("{}/services/T000/B000/XXXX", slack.uri()),
        )
        .env("PAPERSIFT_WEBHOOK_URL", webhook.uri())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .arg("run")
        .arg("--feed")
        .arg(feed)
        .assert()
        .success();

    let requests = slack.received_requests().await.unwrap();
    let payload: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let blocks = payload["blocks"].as_array().unwrap();
    assert!(blocks.len() <= 50);
    assert_eq!(
        blocks[0]["text"]["text"],
        "papersift 2026-08-13 — 2 papers selected"
    );
    let text = payload.to_string();
    assert!(
        text.contains("https://ada.github.io/digest/2026/08/13/"),
        "{text}"
    );
    assert!(text.contains("https://arxiv.org/abs/2608.90001"), "{text}");
    assert!(
        !text.contains("<script>"),
        "hostile title must be escaped for Slack: {text}"
    );

    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(
        summary.contains("## papersift 2026-08-13 — ok"),
        "{summary}"
    );
    assert!(
        summary.contains("&lt;script&gt;"),
        "the summary must escape titles: {summary}"
    );
}

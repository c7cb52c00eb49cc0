//! The GitHub Actions workflows parse as YAML and keep their triggers, permissions, concurrency and pins.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

fn workflow(name: &str) -> (String, Yaml) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".github/workflows")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(docs.len(), 1, "{name} must be one YAML document");
    (text, docs.remove(0))
}

/// Every `uses:` in every job's steps.
fn actions_used(doc: &Yaml) -> Vec<String> {
    let mut out = Vec::new();
    for (_, job) in doc["jobs"].as_hash().unwrap() {
        for step in job["steps"].as_vec().unwrap() {
            if let Some(uses) = step["uses"].as_str() {
                out.push(uses.to_string());
            }
        }
    }
    out
}

fn assert_pinned(name: &str, text: &str, doc: &Yaml) {
    for uses in actions_used(doc) {
        let (_, reference) = uses
            .split_once('@')
            .unwrap_or_else(|| panic!("{name}: {uses} has no ref"));
        assert!(
            reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}: {uses} is not pinned to a commit SHA"
        );
        let line = text.lines().find(|l| l.contains(&uses)).unwrap();
        assert!(
            line.contains("# v"),
            "{name}: {uses} needs a version comment"
        );
    }
}

#[test]
fn daily_workflow_runs_on_weekdays_with_least_privilege_and_no_races() {
    let (text, doc) = workflow("daily.yml");
    let on = &doc["on"];
    let cron = on["schedule"][0]["cron"].as_str().expect("a schedule");
    let fields: Vec<&str> = cron.split_whitespace().collect();
    assert_eq!(fields.len(), 5);
    assert_eq!(fields[4], "1-5", "weekdays only");
    let hour: u32 = fields[1].parse().unwrap();
    assert!(
        (5..=8).contains(&hour),
        "after arXiv's 04:00-05:00 UTC feed refresh, got {hour}"
    );
    assert!(
        !on["workflow_dispatch"].is_badvalue(),
        "manual runs must be possible"
    );
    assert_eq!(
        doc["permissions"].as_hash().map(|h| h.len()),
        Some(0),
        "nothing granted at workflow level"
    );
    let job = &doc["jobs"]["digest"];
    assert_eq!(job["permissions"]["contents"].as_str(), Some("write"));
    assert_eq!(
        job["permissions"].as_hash().unwrap().len(),
        2,
        "only contents and issues"
    );
    assert!(doc["concurrency"]["group"].as_str().is_some());
    assert_eq!(
        doc["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    let steps: Vec<String> = doc["jobs"]["digest"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect();
    let position = |needle: &str| {
        steps
            .iter()
            .position(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("no step runs {needle}"))
    };
    assert!(position("papersift doctor") < position("papersift run"));
    assert!(position("papersift run") < position("papersift publish --push"));
    assert!(
        text.contains("Swatinem/rust-cache@"),
        "the build must be cached"
    );
    assert_pinned("daily.yml", &text, &doc);
}

#[test]
fn ci_workflow_checks_format_lints_and_tests() {
    let (text, doc) = workflow("ci.yml");
    assert!(!doc["on"]["push"].is_badvalue());
    assert!(!doc["on"]["pull_request"].is_badvalue());
    // Marks committed from the site (data/labels/) do not start a test run.
    let ignored: Vec<&str> = doc["on"]["push"]["paths-ignore"]
        .as_vec()
        .expect("push: paths-ignore")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(ignored.contains(&"data/**"), "{ignored:?}");
    assert_eq!(doc["permissions"]["contents"].as_str(), Some("read"));
    for command in [
        "cargo fmt --all -- --check",
        "cargo clippy --locked --all-targets -- -D warnings",
        "cargo test --locked",
    ] {
        assert!(text.contains(command), "ci.yml must run {command}");
    }
    assert_pinned("ci.yml", &text, &doc);
}

#[test]
fn backfill_workflow_fans_out_over_shards_and_merges_once() {
    let (text, doc) = workflow("backfill.yml");
    let inputs = &doc["on"]["workflow_dispatch"]["inputs"];
    for input in ["from", "to", "shards"] {
        assert!(
            !inputs[input].is_badvalue(),
            "backfill.yml needs input {input}"
        );
    }
    assert_eq!(
        doc["concurrency"]["group"],
        workflow("daily.yml").1["concurrency"]["group"],
        "backfill and the daily run must share a concurrency group"
    );
    let shard = &doc["jobs"]["shard"];
    assert!(
        shard["strategy"]["matrix"]["shard"]
            .as_str()
            .unwrap()
            .contains("fromJSON")
    );
    assert!(text.contains("papersift backfill --from \"$FROM\" --to \"$TO\" --shard \"$SHARD\""));
    let merge = &doc["jobs"]["merge"];
    assert_eq!(merge["needs"].as_str(), Some("shard"));
    let merge_steps: Vec<&str> = merge["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    let render = merge_steps
        .iter()
        .find(|s| s.contains("papersift build"))
        .expect("merge renders");
    assert!(render.contains("papersift publish --push"));
    assert_pinned("backfill.yml", &text, &doc);
    assert_eq!(doc["permissions"].as_hash().map(|h| h.len()), Some(0));
    for (job, write) in [("plan", false), ("shard", false), ("merge", true)] {
        let contents = doc["jobs"][job]["permissions"]["contents"].as_str();
        assert_eq!(
            contents == Some("write"),
            write,
            "{job}: contents {contents:?}"
        );
    }
}

/// Every `${{ secrets.X }}` of a workflow, with where it is given: `job` or `step`.
fn secret_grants(doc: &Yaml) -> Vec<(String, &'static str, String)> {
    let mut grants = Vec::new();
    let secrets_in = |env: &Yaml| -> Vec<String> {
        env.as_hash()
            .into_iter()
            .flatten()
            .filter_map(|(_, value)| value.as_str())
            .filter(|value| value.contains("secrets."))
            .map(str::to_string)
            .collect()
    };
    for (name, job) in doc["jobs"].as_hash().unwrap() {
        let name = name.as_str().unwrap().to_string();
        for secret in secrets_in(&job["env"]) {
            grants.push((name.clone(), "job", secret));
        }
        for step in job["steps"].as_vec().into_iter().flatten() {
            for secret in secrets_in(&step["env"]) {
                grants.push((name.clone(), "step", secret));
            }
        }
    }
    grants
}

#[test]
fn secrets_reach_only_the_steps_that_use_them() {
    for file in ["daily.yml", "backfill.yml", "ci.yml"] {
        let (text, doc) = workflow(file);
        assert!(
            doc["env"].as_hash().is_none_or(|env| env.is_empty()),
            "{file}: workflow env"
        );
        for (job, level, secret) in secret_grants(&doc) {
            assert_eq!(
                level, "step",
                "{file}: job {job} gives {secret} to every step"
            );
        }
        // The build and the cache action run without any secret in their environment.
        for line in text.lines().filter(|l| l.contains("cargo build")) {
            assert!(!line.contains("secrets."), "{file}: {line}");
        }
        // Checkouts leave no token behind for later steps.
        let checkouts = text.matches("actions/checkout@").count();
        assert_eq!(
            text.matches("persist-credentials: false").count(),
            checkouts,
            "{file}: a checkout persists its credentials"
        );
    }
    let (_, daily) = workflow("daily.yml");
    let run_step = daily["jobs"]["digest"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("papersift run"))
        })
        .unwrap();
    for key in [
        "OPENAI_API_KEY",
        "SLACK_WEBHOOK_URL",
        "S2_API_KEY",
        "GITHUB_TOKEN",
    ] {
        assert!(
            !run_step["env"][key].is_badvalue(),
            "the run step needs {key}"
        );
    }
}

#[test]
fn the_toolchain_is_pinned_and_the_oldest_rust_named() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let toolchain = std::fs::read_to_string(root.join("rust-toolchain.toml")).unwrap();
    assert!(toolchain.contains("channel = \"1."), "{toolchain}");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("rust-version = \"1."),
        "Cargo.toml has no rust-version"
    );
}

//! Hardening, through the real binary: nothing of the user's is overwritten, committed by
//! accident or lost, and bad settings are refused at load with the key and the fix.

#[path = "support/repo.rs"]
mod repo;

use repo::{files_under, fixture, papersift, user_repo};

const FEED: &str = "e2e-hostile-feed.xml";

/// Runs `build` with `config` and expects exit 2 with every `needles` in stderr.
fn refused(config: &str, needles: &[&str]) {
    let repo = user_repo(config);
    std::fs::write(repo.path().join("index.html"), "my own page").unwrap();
    let output = papersift(repo.path()).arg("build").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{config}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{config}: {needle:?} not in {stderr}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(repo.path().join("index.html")).unwrap(),
        "my own page"
    );
    assert!(!repo.path().join("docs").exists() && !repo.path().join("data").exists());
}

#[test]
fn output_and_data_folders_must_be_folders_of_their_own_inside_the_repository() {
    for (config, key) in [
        ("[site]\noutput_dir = \".\"\n", "site.output_dir"),
        ("[site]\noutput_dir = \"\"\n", "site.output_dir"),
        ("[site]\noutput_dir = \"./\"\n", "site.output_dir"),
        ("[site]\ndata_dir = \".\"\n", "site.data_dir"),
        ("[site]\noutput_dir = \"../site\"\n", "site.output_dir"),
        ("[site]\noutput_dir = \"/tmp/site\"\n", "site.output_dir"),
        ("[site]\noutput_dir = \".git/site\"\n", "site.output_dir"),
        ("[site]\noutput_dir = \"src\"\n", "site.output_dir"),
        ("[site]\noutput_dir = \"prompts\"\n", "site.prompts_dir"),
        (
            "[site]\noutput_dir = \"site-templates\"\n",
            "site.templates_dir",
        ),
        ("[site]\noutput_dir = \"data\"\n", "site.data_dir"),
        ("[site]\ndata_dir = \"docs/data\"\n", "overlap"),
    ] {
        refused(config, &[key]);
    }
}

#[test]
fn out_of_range_settings_name_the_key_and_the_range() {
    for (config, needles) in [
        (
            "[arxiv]\nseen_lookback_days = 4294967295\n",
            &["arxiv.seen_lookback_days", "0-3650"][..],
        ),
        (
            "[arxiv]\nmax_retries = 4000000000\n",
            &["arxiv.max_retries", "0-10"],
        ),
        ("[llm]\nmax_retries = 4000000000\n", &["llm.max_retries"]),
        (
            "[llm]\nmax_cost_usd = nan\n",
            &["llm.max_cost_usd", "finite"],
        ),
        ("[llm]\nmax_cost_usd = inf\n", &["llm.max_cost_usd"]),
        ("[llm]\nmax_cost_usd = -1.0\n", &["llm.max_cost_usd"]),
        (
            "[llm.pricing.\"m\"]\ninput = -0.4\noutput = 1.6\n",
            &["llm.pricing.\"m\".input"],
        ),
        (
            "[selection]\nrelevance_weight = nan\n",
            &["selection.relevance_weight"],
        ),
        (
            "[selection]\nnovelty_weight = inf\n",
            &["selection.novelty_weight"],
        ),
        ("[arxiv]\nannounce_types = []\n", &["arxiv.announce_types"]),
        ("[arxiv]\ntimeout_secs = 0\n", &["arxiv.timeout_secs"]),
        ("[llm]\ntimeout_secs = 0\n", &["llm.timeout_secs"]),
        ("[llm]\nbatch_size = 0\n", &["llm.batch_size"]),
        ("[llm]\nconcurrency = 0\n", &["llm.concurrency"]),
        (
            "[arxiv]\nrss_url = \"not a url\"\n",
            &["arxiv.rss_url", "not a valid URL"],
        ),
    ] {
        refused(config, needles);
    }
}

#[test]
fn a_short_api_pause_is_a_warning_not_an_error() {
    let repo = user_repo("[arxiv]\napi_pause_ms = 500\n");
    let output = papersift(repo.path()).arg("build").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("arxiv.api_pause_ms = 500 is below the 3 seconds"),
        "{stderr}"
    );
}

#[test]
fn a_killed_builds_temporary_files_are_removed_by_the_next_build() {
    let repo = user_repo("");
    papersift(repo.path())
        .args(["run", "--feed"])
        .arg(fixture(FEED))
        .assert()
        .success();
    let leftovers = [
        "docs/.index.html.tmp-4242",
        "docs/2026/08/13/.index.html.tmp-4242-0",
        "data/2026/08/.13.json.tmp-77-1",
    ];
    for file in leftovers {
        std::fs::write(repo.path().join(file), "half").unwrap();
    }
    papersift(repo.path()).arg("build").assert().success();
    for file in leftovers {
        assert!(!repo.path().join(file).exists(), "{file} left behind");
    }
    let names: Vec<String> = files_under(repo.path())
        .into_iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".tmp-")), "{names:?}");
}

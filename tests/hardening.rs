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

#[test]
fn hostile_bytes_in_a_feed_file_are_cleaned_not_fatal() {
    let original = std::fs::read(fixture(FEED)).unwrap();
    let text = String::from_utf8(original).unwrap();
    let edited = text
        .replace(
            "<title>A Plain Paper on Quantization</title>",
            "<title>A Plain\u{1b}[31m Paper on QuantizINVALID\u{0}tion</title>",
        )
        .replace("Alice Smith", "Alice \u{202e}htimS\u{202c} Smith");
    // A byte that is not UTF-8, as a broken mirror might serve it.
    let bytes = edited.replace("INVALID", "\u{fffe}").into_bytes();
    let marker = "\u{fffe}".as_bytes().to_vec();
    let position = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap();
    let mut bytes = bytes;
    bytes.splice(position..position + marker.len(), [0xe9]);
    let repo = user_repo("[selection]\nrelevance_min = 1\nnovelty_min = 1\n");
    let feed = repo.path().join("feed.xml");
    std::fs::write(&feed, bytes).unwrap();
    let output = papersift(repo.path())
        .args(["run", "--feed"])
        .arg(&feed)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let record = repo::read_json(&repo.path().join("data/2026/08/13.json"));
    let paper = record["papers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "2608.90002")
        .unwrap();
    let title = paper["title"].as_str().unwrap();
    assert_eq!(title, "A Plain[31m Paper on Quantiz\u{fffd}tion");
    let authors: Vec<&str> = paper["authors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(authors[0], "Alice htimS Smith");
    let page = std::fs::read_to_string(repo.path().join("docs/2026/08/13/index.html")).unwrap();
    assert!(!page.contains('\u{1b}') && !page.contains('\u{202e}') && !page.contains('\0'));
}

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn assert_nowhere(repo: &std::path::Path, output: &std::process::Output, secret: &str) {
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!printed.contains(secret), "printed: {printed}");
    for (file, bytes) in files_under(repo) {
        if file == std::path::Path::new("config.toml") {
            continue;
        }
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "{} holds the secret",
            file.display()
        );
    }
}

#[test]
fn credentials_in_base_urls_never_reach_output_or_files() {
    let port = closed_port();
    let repo = user_repo(&format!(
        "[arxiv]\nrss_url = \"http://reader:s3cret-rss@127.0.0.1:{port}/rss/\"\nmax_retries = 0\n"
    ));
    let output = papersift(repo.path()).arg("run").output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_nowhere(repo.path(), &output, "s3cret-rss");

    let repo = user_repo(&format!(
        "[llm]\nbase_url = \"http://proxy:s3cret-llm@127.0.0.1:{port}/v1\"\nmax_retries = 0\n"
    ));
    let output = papersift(repo.path())
        .env("OPENAI_API_KEY", "sk-test-0123456789abcdef")
        .args(["run", "--feed"])
        .arg(fixture(FEED))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_nowhere(repo.path(), &output, "s3cret-llm");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gzip_bomb_of_a_feed_is_refused_with_the_cap() {
    use std::io::Write;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![b' '; 1 << 20];
    for _ in 0..40 {
        encoder.write_all(&block).unwrap();
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_bytes(encoder.finish().unwrap()),
        )
        .mount(&server)
        .await;
    let repo = user_repo(&format!(
        "[arxiv]\nrss_url = \"{}/rss/\"\nmax_retries = 0\n",
        server.uri()
    ));
    let output = papersift(repo.path()).arg("run").output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("larger than 32 MiB once decompressed"),
        "{printed}"
    );
    assert!(!repo.path().join("docs").exists());
}

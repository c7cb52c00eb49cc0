//! Hardening, through the real binary: nothing of the user's is overwritten, committed by
//! accident or lost, and bad settings are refused at load with the key and the fix.

#[path = "support/repo.rs"]
mod repo;

use repo::{files_under, fixture, papersift, user_repo};

const FEED: &str = "e2e-hostile-feed.xml";

/// `papersift run --feed` of the small demo day (2026-08-13) in `repo`.
fn run_demo_day(repo: &std::path::Path) -> std::process::Output {
    papersift(repo)
        .args(["run", "--feed"])
        .arg(fixture(FEED))
        .output()
        .unwrap()
}

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
    // Recorded as a failed fetch for the expected page date (healed by catch-up), never a day
    // of papers.
    let records = files_under(&repo.path().join("data"))
        .into_iter()
        .filter(|(file, _)| file.extension().is_some_and(|e| e == "json"))
        .filter(|(file, _)| !file.ends_with("index.json"));
    for (file, bytes) in records {
        let record: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(record["status"], "fetch-failed", "{}", file.display());
        assert_eq!(record["papers"], serde_json::json!([]));
    }
}

#[test]
fn a_feed_dated_in_the_future_is_refused_and_nothing_is_written() {
    let text = std::fs::read_to_string(fixture(FEED)).unwrap();
    let future = text.replace("Thu, 13 Aug 2026", "Thu, 13 Aug 2099");
    assert_ne!(future, text);
    let repo = user_repo("");
    let feed = repo.path().join("feed-2099.xml");
    std::fs::write(&feed, future).unwrap();
    for extra in [&[][..], &["--catch-up"][..]] {
        let output = papersift(repo.path())
            .args(["run", "--feed"])
            .arg(&feed)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("is dated 2099-08-13, more than a day after today"),
            "{stderr}"
        );
        // Nothing but the (uncommitted) lock file of the run.
        let data: Vec<_> = files_under(&repo.path().join("data"))
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(data, [std::path::PathBuf::from(".papersift.lock")]);
        assert!(!repo.path().join("docs").exists());
    }
}

#[test]
fn a_recorded_day_whose_render_was_lost_gets_its_page_on_the_next_run() {
    let repo = user_repo("");
    let run = || run_demo_day(repo.path());
    assert!(run().status.success());
    let page = repo.path().join("docs/2026/08/13/index.html");
    let before = std::fs::read(&page).unwrap();
    // The render of the day was killed: its page and the home page never landed.
    std::fs::remove_file(&page).unwrap();
    std::fs::remove_file(repo.path().join("docs/index.html")).unwrap();
    let output = run();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout.contains("already recorded"), "{stdout}");
    assert!(stdout.contains("site rebuilt: 2 files changed"), "{stdout}");
    assert_eq!(std::fs::read(&page).unwrap(), before);
    let again = String::from_utf8_lossy(&run().stdout).into_owned();
    assert!(
        again.contains("site checked: docs/ already matches data/"),
        "{again}"
    );
}

#[test]
fn a_second_run_on_the_same_repository_waits_then_says_why() {
    let repo = user_repo("");
    let data = repo.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let holder = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data.join(".papersift.lock"))
        .unwrap();
    holder.lock().unwrap();
    let started = std::time::Instant::now();
    let output = papersift(repo.path())
        .args(["run", "--feed"])
        .arg(fixture(FEED))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(4),
        "did not wait"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("another papersift is running on this repository"),
        "{stderr}"
    );
    assert!(
        !repo.path().join("data/2026").exists(),
        "scored while locked"
    );
    // Once the other run ends (however it ends), the lock is free.
    drop(holder);
    papersift(repo.path())
        .args(["run", "--feed"])
        .arg(fixture(FEED))
        .assert()
        .success();
}

/// An arXiv API page of `ids`, claiming `total` results.
fn api_page(total: u32, ids: &[&str]) -> String {
    let mut xml = format!(
        r#"<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/x</id>
  <title>arXiv Query</title>
  <updated>2026-08-14T00:41:39Z</updated>
  <opensearch:itemsPerPage>1000</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
"#
    );
    for id in ids {
        xml.push_str(&format!(
            r#"  <entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <title>Mixture of experts paper {id}</title>
    <updated>2026-08-11T19:00:00Z</updated>
    <summary>Sparse mixture of experts and pruning.</summary>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <published>2026-08-11T19:00:00Z</published>
    <arxiv:primary_category term="cs.LG"/>
    <author><name>Author {id}</name></author>
  </entry>
"#
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backfill_against_a_server_ignoring_start_ends_and_records_a_partial_day() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(api_page(1500, &["2608.20001", "2608.20002"])),
        )
        .mount(&server)
        .await;
    let repo = user_repo(&format!(
        "[arxiv]\napi_url = \"{}/api/query\"\napi_pause_ms = 0\nmax_retries = 0\n",
        server.uri()
    ));
    let output = papersift(repo.path())
        .args(["backfill", "--from", "2026-08-13", "--to", "2026-08-13"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(5), "{stdout}");
    let requests = server.received_requests().await.unwrap().len();
    assert!(requests <= 3, "{requests} requests");
    let record = repo::read_json(&repo.path().join("data/2026/08/13.json"));
    assert_eq!(record["status"], "partial");
    assert!(
        record["status_reason"]
            .as_str()
            .unwrap()
            .contains("same page again"),
        "{record}"
    );
    assert_eq!(record["counts"]["feed_items"], 2);
}

#[test]
fn build_rewrites_and_deletes_only_files_it_generated() {
    let repo = user_repo("");
    let run = || run_demo_day(repo.path());
    assert!(run().status.success());
    let docs = repo.path().join("docs");
    let manifest = std::fs::read_to_string(docs.join(".papersift-files")).unwrap();
    let year_list = std::fs::read_to_string(docs.join("2026/.papersift-files")).unwrap();
    assert!(
        year_list.lines().any(|l| l == "2026/08/13/index.html"),
        "{year_list}"
    );
    assert!(manifest.lines().any(|l| l == "index.html"), "{manifest}");
    // The user's own files in docs/ are never touched.
    std::fs::write(docs.join("CNAME"), "papers.example.org\n").unwrap();
    // A page an older build made and this one no longer makes is removed.
    std::fs::write(docs.join("old-page.html"), "stale").unwrap();
    std::fs::write(
        docs.join(".papersift-files"),
        format!("{manifest}old-page.html\n"),
    )
    .unwrap();
    papersift(repo.path()).arg("build").assert().success();
    assert_eq!(
        std::fs::read_to_string(docs.join("CNAME")).unwrap(),
        "papers.example.org\n"
    );
    assert!(!docs.join("old-page.html").exists(), "a stale page stayed");
    assert_eq!(
        std::fs::read_to_string(docs.join(".papersift-files")).unwrap(),
        manifest
    );

    // A file of the user's where papersift would write is refused, and nothing is written.
    let search = docs.join("search/index.html");
    std::fs::write(&search, "my own search page").unwrap();
    let manifest_without: String = manifest
        .lines()
        .filter(|l| *l != "search/index.html")
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(docs.join(".papersift-files"), &manifest_without).unwrap();
    let output = papersift(repo.path()).arg("build").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not a file papersift generated"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&search).unwrap(),
        "my own search page"
    );
}

#[test]
fn a_feed_cut_off_mid_body_is_fetched_again() {
    use std::io::{Read, Write};
    let feed = std::fs::read(fixture(FEED)).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let whole = feed.clone();
    std::thread::spawn(move || {
        for (attempt, stream) in listener.incoming().enumerate().take(2) {
            let mut stream = stream.unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                whole.len()
            );
            let _ = stream.write_all(head.as_bytes());
            // The first answer breaks off half-way, as a dropped connection does.
            let body = if attempt == 0 {
                &whole[..whole.len() / 2]
            } else {
                &whole[..]
            };
            let _ = stream.write_all(body);
        }
    });
    let repo = user_repo(&format!("[arxiv]\nrss_url = \"http://{address}/rss/\"\n"));
    let output = papersift(repo.path())
        .args(["run", "--date", "2026-08-13"])
        .output()
        .unwrap();
    // Catch-up would ask the API (not served here) only for days after a first record.
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let record = repo::read_json(&repo.path().join("data/2026/08/13.json"));
    assert_eq!(record["status"], "ok");
    assert_eq!(record["counts"]["feed_items"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_that_echoes_the_basic_credentials_of_openai_base_url_leaks_no_encoding_of_them()
{
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};
    let server = MockServer::start().await;
    // A misconfigured proxy: refuses every call and quotes the headers it was sent.
    Mock::given(method("POST"))
        .respond_with(|request: &Request| {
            let headers: Vec<String> = request
                .headers
                .get_all("authorization")
                .iter()
                .map(|v| v.to_str().unwrap_or("").to_string())
                .collect();
            ResponseTemplate::new(401).set_body_json(serde_json::json!({
                "error": {"message": format!("not authorised: {}", headers.join(" | "))}
            }))
        })
        .mount(&server)
        .await;
    let address = server.address();
    let repo = user_repo("[llm]\nmax_retries = 0\n");
    let output = papersift(repo.path())
        .env("OPENAI_API_KEY", "sk-test-0123456789abcdef")
        .env(
            "OPENAI_BASE_URL",
            format!("http://proxy:s3cret-llm-pass@{address}/v1"),
        )
        .args(["run", "--feed"])
        .arg(fixture(FEED))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("not authorised"), "{printed}");
    // The proxy did get the Basic header (the echo names it), only redacted.
    assert!(printed.contains("Basic [redacted]"), "{printed}");
    // "proxy:s3cret-llm-pass" in base64, as a Basic header carries it.
    for secret in [
        "s3cret-llm-pass",
        "cHJveHk6czNjcmV0LWxsbS1wYXNz",
        "sk-test-0123456789abcdef",
    ] {
        assert_nowhere(repo.path(), &output, secret);
    }
}

#[test]
fn folders_that_are_files_or_missing_prompts_are_refused_with_the_key() {
    refused(
        "[site]\noutput_dir = \"index.html\"\n",
        &["site.output_dir", "is a file"],
    );
    refused(
        "[site]\nprompts_dir = \"my-prompts\"\n",
        &["site.prompts_dir", "no such folder"],
    );
}

#[test]
fn a_record_whose_date_disagrees_with_its_path_is_named_and_the_rest_is_built() {
    let repo = user_repo("");
    papersift(repo.path())
        .args(["run", "--feed"])
        .arg(fixture(FEED))
        .assert()
        .success();
    let wrong = repo.path().join("data/2026/09/01.json");
    std::fs::create_dir_all(wrong.parent().unwrap()).unwrap();
    std::fs::copy(repo.path().join("data/2026/08/13.json"), &wrong).unwrap();
    std::fs::remove_dir_all(repo.path().join("docs")).unwrap();
    let output = papersift(repo.path()).arg("build").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("data/2026/09/01.json holds the record of 2026-08-13")
            && stderr.contains("not of 2026-09-01"),
        "{stderr}"
    );
    assert!(repo.path().join("docs/2026/08/13/index.html").exists());
    assert!(!repo.path().join("docs/2026/09/01/index.html").exists());
}

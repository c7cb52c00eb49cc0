//! End-to-end tests of the real `papersift` binary on recorded feeds: counts, pages, idempotence, bad input.

#[path = "support/shared.rs"]
mod shared;

#[path = "support/repo.rs"]
mod repo;

use std::path::Path;

use repo::{files_under, papersift, read_json, user_repo};
use shared::shared_fixture;

const CS_CL_DAY: &str = "arxiv/rss-cs.CL-2026-08-13.xml";
const BIG_FEED: &str = "feeds/rss-cs.LG+cs.AI+cs.CL+stat.ML-2025-06-12-synthetic910.xml";

#[ignore = "needs ../shared/fixtures"]
#[test]
fn real_cs_cl_day_round_trips_counts_and_decoded_names() {
    let feed = shared_fixture(CS_CL_DAY);
    // Thresholds at 1 select every scanned paper, so every name reaches the page.
    let repo = user_repo(
        "[arxiv]\ncategories = [\"cs.CL\"]\n[selection]\nrelevance_min = 1\nnovelty_min = 1\n",
    );
    papersift(repo.path())
        .arg("run")
        .arg("--feed")
        .arg(&feed)
        .assert()
        .success()
        .stdout(predicates::str::contains("2026-08-13: ok"));

    let record = read_json(&repo.path().join("data/2026/08/13.json"));
    let counts = &record["counts"];
    assert_eq!(counts["feed_items"], 139);
    assert_eq!(counts["new"], 56);
    assert_eq!(counts["cross"], 36);
    assert_eq!(counts["replace"], 32);
    assert_eq!(counts["replace_cross"], 15);
    assert_eq!(counts["scanned"], 92);
    assert_eq!(counts["selected"], 92);
    assert_eq!(record["status"], "ok");
    assert_eq!(record["usage"]["scorer"], "keywords");
    assert_eq!(record["papers"].as_array().unwrap().len(), 92);

    let page = std::fs::read_to_string(repo.path().join("docs/2026/08/13/index.html")).unwrap();
    let markdown = std::fs::read_to_string(repo.path().join("docs/2026/08/13/index.md")).unwrap();
    let record_text = record.to_string();
    for name in ["Tüfekcioğlu", "Jiménez", "Kızıltepe", "Çevik"] {
        assert!(record_text.contains(name), "{name} missing from the record");
        assert!(page.contains(name), "{name} missing from the page");
        assert!(
            markdown.contains(name),
            "{name} missing from the Markdown page"
        );
    }
    for raw in [r#"T\"ufekcio"#, r"Jim\'enez", r"K{\i}z", r"\c{C}evik"] {
        assert!(!page.contains(raw), "raw TeX {raw} on the page");
    }
    assert!(
        page.contains("139"),
        "feed item count missing from the page"
    );
    assert!(
        page.contains("keyword scorer"),
        "the page must say keyword scoring was used"
    );
    for file in [
        "index.html",
        "2026/08/index.html",
        "2026/index.html",
        ".nojekyll",
    ] {
        assert!(
            repo.path().join("docs").join(file).exists(),
            "docs/{file} missing"
        );
    }
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn big_feed_writes_pages_and_a_second_run_changes_no_byte() {
    let feed = shared_fixture(BIG_FEED);
    let repo = user_repo("");
    let run = || {
        papersift(repo.path())
            .arg("run")
            .arg("--feed")
            .arg(&feed)
            .assert()
            .success()
    };
    run().stdout(predicates::str::contains("2025-06-12: ok"));
    let record = read_json(&repo.path().join("data/2025/06/12.json"));
    assert_eq!(record["counts"]["feed_items"], 910);
    assert_eq!(record["counts"]["new"], 387);
    assert_eq!(record["counts"]["cross"], 211);
    assert_eq!(record["counts"]["scanned"], 598);
    let selected = record["counts"]["selected"].as_u64().unwrap();
    assert!(
        selected > 0,
        "the shipped keywords should select something from 598 ML papers"
    );
    assert!(repo.path().join("docs/2025/06/12/index.html").exists());

    let before = files_under(repo.path());
    run().stdout(predicates::str::contains("already recorded"));
    assert_eq!(
        before,
        files_under(repo.path()),
        "a second run changed files"
    );

    // Rebuilding from data/ alone reproduces docs/ byte for byte.
    std::fs::remove_dir_all(repo.path().join("docs")).unwrap();
    papersift(repo.path()).arg("build").assert().success();
    assert_eq!(
        before,
        files_under(repo.path()),
        "build is not a pure function of data/"
    );
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn truncated_feed_fails_with_fetch_exit_code_and_touches_nothing() {
    let feed = shared_fixture(CS_CL_DAY);
    let repo = user_repo("");
    let text = std::fs::read_to_string(feed).unwrap();
    let truncated = repo.path().join("truncated.xml");
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let not_xml = repo.path().join("page.html");
    std::fs::write(&not_xml, "<html><body>503 Service Unavailable</body>").unwrap();
    for bad in [&truncated, &not_xml] {
        papersift(repo.path())
            .arg("run")
            .arg("--feed")
            .arg(bad)
            .assert()
            .code(3)
            .stderr(predicates::str::contains("not a valid arXiv RSS feed"));
    }
    // Nothing but the run's lock file (never committed) is in data/.
    let data: Vec<_> = files_under(&repo.path().join("data"))
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        data,
        [std::path::PathBuf::from(".papersift.lock")],
        "data/ was touched"
    );
    assert!(!repo.path().join("docs").exists(), "docs/ was touched");
}

#[test]
fn misspelt_config_key_exits_2_naming_the_key() {
    let repo = user_repo("[arxiv]\ncategoris = [\"cs.LG\"]\n");
    papersift(repo.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("categoris"));
}

#[test]
fn missing_config_file_explains_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    papersift(dir.path())
        .arg("build")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--config"));
}

#[test]
fn hostile_feed_text_is_inert_on_every_page() {
    let repo = user_repo("[selection]\nrelevance_min = 1\nnovelty_min = 1\n");
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/e2e-hostile-feed.xml");
    papersift(repo.path())
        .arg("run")
        .arg("--feed")
        .arg(&feed)
        .assert()
        .success();
    let mut pages = 0;
    for (path, bytes) in files_under(&repo.path().join("docs")) {
        let text = String::from_utf8(bytes).unwrap();
        if path.extension().is_some_and(|e| e == "html") {
            pages += 1;
            assert!(
                !text.contains("<script>alert"),
                "{} runs a script",
                path.display()
            );
            assert!(
                !text.contains("<img src=x onerror"),
                "{} has a live img",
                path.display()
            );
            assert!(
                !text.contains("href=\"javascript:"),
                "{} links to javascript:",
                path.display()
            );
        }
    }
    assert!(
        pages >= 4,
        "expected day, month, year and home pages, got {pages}"
    );
    let day = std::fs::read_to_string(repo.path().join("docs/2026/08/13/index.html")).unwrap();
    assert!(
        day.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the hostile title must show as text"
    );
    assert!(
        day.contains("7*7"),
        "the template-like title text must still be shown"
    );
    assert!(
        !day.contains(">49<"),
        "template syntax in data must not be evaluated"
    );
}

#[test]
fn the_shipped_docs_folder_is_the_build_of_the_shipped_data() {
    // A fresh fork serves docs/ before its first run, so it must be current with the templates.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = user_repo(&std::fs::read_to_string(root.join("config.toml")).unwrap());
    papersift(repo.path()).arg("build").assert().success();
    assert_eq!(
        files_under(&repo.path().join("docs")),
        files_under(&root.join("docs")),
        "docs/ is stale: run `cargo run -- build` in the repository and commit docs/"
    );
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn a_re_dated_old_feed_is_recorded_as_stale_and_gets_no_page() {
    let feed = shared_fixture(CS_CL_DAY);
    let repo = user_repo("[arxiv]\ncategories = [\"cs.CL\"]\n");
    papersift(repo.path())
        .arg("run")
        .arg("--feed")
        .arg(&feed)
        .assert()
        .success();
    // arXiv sometimes serves Thursday's batch again under Saturday's date.
    let text = std::fs::read_to_string(&feed)
        .unwrap()
        .replace("Thu, 13 Aug 2026", "Sat, 15 Aug 2026");
    let saturday = repo.path().join("saturday.xml");
    std::fs::write(&saturday, text).unwrap();
    papersift(repo.path())
        .arg("run")
        .arg("--feed")
        .arg(&saturday)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "2026-08-15: stale-feed, no page written",
        ));
    let record = read_json(&repo.path().join("data/2026/08/15.json"));
    assert_eq!(record["status"], "stale-feed");
    assert_eq!(record["papers"].as_array().unwrap().len(), 0);
    assert!(
        !repo.path().join("docs/2026/08/15").exists(),
        "a stale feed must not get a page"
    );
    let next =
        std::fs::read_to_string(repo.path().join("docs/2026/08/13/next/index.html")).unwrap();
    assert!(
        next.contains("No later day yet"),
        "the stale day must not become a neighbour"
    );
}

//! A daily run renders only what its day changes, through the real binary: the files one new
//! day rewrites, and a full rebuild from `data/` that gives the same `docs/` byte for byte.

#[path = "support/repo.rs"]
mod repo;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use repo::{files_under, papersift, user_repo};

/// Thresholds of 1 select every scanned paper, so each day has papers and topics; papers are
/// "seen" for 30 days, so a feed re-served two weeks later is stale.
const CONFIG: &str =
    "[selection]\nrelevance_min = 1\nnovelty_min = 1\n[arxiv]\nseen_lookback_days = 30\n";

/// The six-item feed of Thursday 2026-08-13, moved to another day with its own arXiv IDs.
fn feed_of(dir: &Path, day: &str, id_prefix: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo::fixture("authors-feed.xml")).unwrap();
    let moved = text
        .replace("Thu, 13 Aug 2026", day)
        .replace("2608.91", id_prefix);
    let path = dir.join(format!("{id_prefix}.xml"));
    std::fs::write(&path, moved).unwrap();
    path
}

fn run(repo: &Path, feed: &Path) {
    let output = papersift(repo)
        .arg("run")
        .arg("--feed")
        .arg(feed)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs the day `day` (an RSS date) with arXiv IDs starting `ids`.
fn run_day(repo: &Path, feeds: &Path, day: &str, ids: &str) {
    run(repo, &feed_of(feeds, day, ids));
}

/// A user repository with Thursday 13 and Friday 14 August 2026 run, and the folder for feeds.
fn site_of_two_days() -> (tempfile::TempDir, tempfile::TempDir) {
    let repo = user_repo(CONFIG);
    let feeds = tempfile::tempdir().unwrap();
    run_day(repo.path(), feeds.path(), "Thu, 13 Aug 2026", "2608.91");
    run_day(repo.path(), feeds.path(), "Fri, 14 Aug 2026", "2608.92");
    (repo, feeds)
}

fn site(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|(path, bytes)| (path.to_string_lossy().replace('\\', "/"), bytes))
        .collect()
}

#[test]
fn new_days_rewrite_only_their_files_and_a_rebuild_gives_the_same_site() {
    let (repo, feeds) = site_of_two_days();
    let docs = repo.path().join("docs");
    let before = site(&docs);
    let index = repo.path().join("data/2026/08/index.json");
    assert!(
        index.is_file(),
        "the day summaries are kept beside the records"
    );

    // A page the new day does not alter is not even rendered: a mark put in it stays.
    let untouched = docs.join("2026/08/13/index.html");
    let marked = [before["2026/08/13/index.html"].as_slice(), b"<!-- mark -->"].concat();
    std::fs::write(&untouched, &marked).unwrap();

    run_day(repo.path(), feeds.path(), "Mon, 17 Aug 2026", "2608.93");
    assert_eq!(std::fs::read(&untouched).unwrap(), marked);
    std::fs::write(&untouched, &before["2026/08/13/index.html"]).unwrap();
    let after = site(&docs);
    let changed: BTreeSet<&str> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path.as_str())
        .chain(
            before
                .keys()
                .filter(|path| !after.contains_key(*path))
                .map(String::as_str),
        )
        .collect();
    let topic_files: BTreeSet<&str> = changed
        .iter()
        .copied()
        .filter(|path| path.starts_with("topics/"))
        .collect();
    assert!(!topic_files.is_empty(), "the day's topics get its papers");
    let expected: BTreeSet<&str> = [
        // The new day, and the `next/` page of the day before it (its "next day" link).
        "2026/08/17/index.html",
        "2026/08/17/index.md",
        "2026/08/17/next/index.html",
        "2026/08/17/next/index.md",
        "2026/08/14/next/index.html",
        "2026/08/14/next/index.md",
        // Its month and year, the search segment of its half-month (new: the 17th opens the
        // second half) and its own search file.
        "2026/08/index.html",
        "2026/index.html",
        "search/2026-08-2/.papersift-files",
        "search/2026-08-2/0.json",
        "search/2026-08-2/papers.json",
        "search/2026-08-2/scores.json",
        "search/days/2026/08-17.json",
        // Site-wide pages.
        "index.html",
        "feed.xml",
        "feed.json",
        "search/manifest.json",
        "status/index.html",
        // What the site was built from, and the lists of generated files of the year and of the
        // year's search files (the month's segment keeps its three files: its list stays).
        ".papersift-files",
        "2026/.papersift-files",
        "search/days/2026/.papersift-files",
    ]
    .into_iter()
    .chain(topic_files)
    .collect();
    assert_eq!(changed, expected);
    assert!(
        !changed.contains("2026/08/14/index.html"),
        "the day before is not rewritten for its next-day link"
    );

    // A day recorded out of order (a late backfill) lands before the others: the day after it
    // gets its new "previous day" link.
    run_day(repo.path(), feeds.path(), "Wed, 12 Aug 2026", "2608.94");
    let after = site(&docs);
    let thirteenth = String::from_utf8_lossy(&after["2026/08/13/index.html"]).into_owned();
    assert!(
        thirteenth.contains("href=\"../../../2026/08/12/\""),
        "the next day links back to the late one"
    );

    // A day without a page (arXiv re-served an old announcement) opens a new month: the month
    // gets no page of its own, as in a full build.
    run_day(repo.path(), feeds.path(), "Tue, 01 Sep 2026", "2608.93");
    let stale = repo::read_json(&repo.path().join("data/2026/09/01.json"));
    assert_eq!(stale["status"], "stale-feed");
    let after = site(&docs);
    assert!(!after.contains_key("2026/09/index.html"));

    // A day with a page in a new month: August's two half-month search segments become one.
    run_day(repo.path(), feeds.path(), "Wed, 02 Sep 2026", "2609.95");
    let after = site(&docs);
    assert!(after.contains_key("2026/09/02/index.html"));
    assert!(after.contains_key("search/2026-08/papers.json"));
    assert!(after.contains_key("search/2026-09-1/papers.json"));
    assert!(
        !after.keys().any(|p| p.starts_with("search/2026-08-")),
        "August's halves are gone"
    );

    assert_a_rebuild_gives(repo.path(), &after);
    assert_eq!(
        std::fs::read(&index).unwrap(),
        std::fs::read(repo.path().join("data/2026/08/index.json")).unwrap(),
    );
}

/// A rebuild of everything from `repo`'s data/ alone (with its config, prompts and template
/// overrides), in a fresh folder, gives `docs`, byte for byte, and the same day summaries.
fn assert_a_rebuild_gives(repo: &Path, docs: &BTreeMap<String, Vec<u8>>) {
    let fresh = tempfile::tempdir().unwrap();
    std::fs::copy(repo.join("config.toml"), fresh.path().join("config.toml")).unwrap();
    repo::copy_prompts(fresh.path());
    let overrides = repo.join("site-templates");
    let overrides = if overrides.is_dir() {
        files_under(&overrides)
    } else {
        Vec::new()
    };
    for (path, bytes) in overrides {
        let target = fresh.path().join("site-templates").join(&path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    for (path, bytes) in files_under(&repo.join("data")) {
        if path.ends_with(".papersift.lock") || path.ends_with("index.json") {
            continue;
        }
        let target = fresh.path().join("data").join(&path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    papersift(fresh.path()).arg("build").assert().success();
    let rebuilt = site(&fresh.path().join("docs"));
    assert_eq!(
        rebuilt.keys().collect::<Vec<_>>(),
        docs.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in docs {
        assert!(rebuilt[path] == *bytes, "{path} differs after a rebuild");
    }
    for (path, bytes) in files_under(&repo.join("data")) {
        if path.ends_with("index.json") {
            assert_eq!(
                std::fs::read(fresh.path().join("data").join(&path)).unwrap(),
                bytes,
                "the summaries in {} are rebuilt the same",
                path.display()
            );
        }
    }
}

#[test]
fn a_new_year_rewrites_its_neighbours_and_the_search_index_not_every_page() {
    let repo = user_repo(CONFIG);
    let feeds = tempfile::tempdir().unwrap();
    // The feed's times are New York summer time: in winter each page is of the day before.
    run_day(repo.path(), feeds.path(), "Tue, 16 Dec 2025", "2512.91");
    run_day(repo.path(), feeds.path(), "Wed, 17 Dec 2025", "2512.92");
    let docs = repo.path().join("docs");
    let before = site(&docs);
    assert!(before.contains_key("search/2025-12-2/papers.json"));

    run_day(repo.path(), feeds.path(), "Mon, 05 Jan 2026", "2601.93");
    let after = site(&docs);
    // Pages of the year before link years only through the home page: they stay as they were.
    for unchanged in ["2025/12/15/index.html", "2025/12/15/index.md"] {
        assert!(
            after[unchanged] == before[unchanged],
            "{unchanged} was rewritten"
        );
    }
    assert!(
        after["2025/index.html"] != before["2025/index.html"],
        "2025 links 2026"
    );
    let home = String::from_utf8_lossy(&after["index.html"]).into_owned();
    assert!(
        home.contains("<a href=\"./2026/\">2026</a>")
            && home.contains("<a href=\"./2025/\">2025</a>")
    );
    let page = String::from_utf8_lossy(&after["2026/01/04/index.html"]).into_owned();
    assert!(page.contains("<a href=\"../../../#archive\">Archive</a>"));
    // 2025 joins the `earlier` search segment; its month segments are gone.
    assert!(after.contains_key("search/earlier/papers.json"));
    assert!(after.contains_key("search/2026-01-1/papers.json"));
    assert!(
        !after.keys().any(|p| p.starts_with("search/2025-")),
        "2025's segments are gone: {:?}",
        after
            .keys()
            .filter(|p| p.starts_with("search/2025-"))
            .collect::<Vec<_>>()
    );
    assert_a_rebuild_gives(repo.path(), &after);
}

#[test]
fn a_record_changed_behind_papersift_s_back_is_rendered_on_the_next_run() {
    let (repo, feeds) = site_of_two_days();
    // A hand edit of the older day (a git pull of another machine's run does the same).
    let record = repo.path().join("data/2026/08/13.json");
    let mut day = repo::read_json(&record);
    day["papers"][0]["title"] = "A Title Edited By Hand".into();
    std::fs::write(&record, day.to_string()).unwrap();
    run_day(repo.path(), feeds.path(), "Mon, 17 Aug 2026", "2608.93");
    let page = std::fs::read_to_string(repo.path().join("docs/2026/08/13/index.html")).unwrap();
    assert!(
        page.contains("A Title Edited By Hand"),
        "the edited day's own page is rendered again"
    );
    let month = std::fs::read_to_string(repo.path().join("docs/2026/08/index.html")).unwrap();
    assert!(month.contains("A Title Edited By Hand"), "and its month");
}

#[test]
fn a_header_overridden_to_list_every_year_is_rewritten_on_every_page_in_a_new_year() {
    let repo = user_repo(CONFIG);
    let header = include_str!("../src/render/templates/base.html").replace(
        "<li><a href=\"{{ root }}#archive\">Archive</a></li>",
        "{%- for year in site.years %}<li><a href=\"{{ root }}{{ year.path }}\">{{ year.label }}</a></li>{%- endfor %}",
    );
    std::fs::create_dir_all(repo.path().join("site-templates")).unwrap();
    std::fs::write(repo.path().join("site-templates/base.html"), header).unwrap();
    let feeds = tempfile::tempdir().unwrap();
    run_day(repo.path(), feeds.path(), "Tue, 16 Dec 2025", "2512.91");
    run_day(repo.path(), feeds.path(), "Mon, 05 Jan 2026", "2601.93");
    let after = site(&repo.path().join("docs"));
    let old_page = String::from_utf8_lossy(&after["2025/12/15/index.html"]).into_owned();
    assert!(
        old_page.contains("<a href=\"../../../2026/\">2026</a>"),
        "the old page's header lists the new year"
    );
    assert_a_rebuild_gives(repo.path(), &after);
}

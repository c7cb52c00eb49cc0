//! Tests of the rendered site: snapshots of real pages, links, escaping, overrides, determinism.
//!
//! The records under `tests/fixtures/render/data/` are five hand-written days in two months: an
//! LLM day with a followed author, a backfilled day whose model has no price, a partial day with
//! an unscored paper, an llm-failed day (no page) and a keyword-scorer day.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::record::{self, Decision, PaperRecord, Scores};

fn fixture_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render")
}

/// The fixture's config: defaults, rooted where no `site-templates/` folder exists, so only the
/// built-in templates are used.
pub(super) fn fixture_config() -> Config {
    Config {
        root: fixture_root(),
        ..Config::default()
    }
}

pub(super) fn fixture_records() -> (Vec<DayRecord>, BTreeMap<String, PromptSnapshot>) {
    let data = fixture_root().join("data");
    (
        record::load_all(&data).unwrap(),
        record::load_prompt_snapshots(&data).unwrap(),
    )
}

/// Renders and returns the files as text, by path.
pub(super) fn render_text(
    config: &Config,
    records: &[DayRecord],
    prompts: &BTreeMap<String, PromptSnapshot>,
) -> BTreeMap<String, String> {
    render_site(config, records, prompts)
        .unwrap()
        .into_iter()
        .map(|file| {
            (
                file.path.to_str().unwrap().to_string(),
                String::from_utf8(file.bytes).unwrap(),
            )
        })
        .collect()
}

pub(super) fn render_fixture() -> BTreeMap<String, String> {
    let (records, prompts) = fixture_records();
    render_text(&fixture_config(), &records, &prompts)
}

#[test]
fn snapshot_of_a_partial_day_page() {
    let files = render_fixture();
    insta::assert_snapshot!("day_2026_03_02_html", files["2026/03/02/index.html"]);
}

#[test]
fn snapshot_of_a_day_page_in_markdown() {
    let files = render_fixture();
    insta::assert_snapshot!("day_2026_02_26_md", files["2026/02/26/index.md"]);
}

#[test]
fn snapshot_of_a_month_page() {
    let files = render_fixture();
    insta::assert_snapshot!("month_2026_03_html", files["2026/03/index.html"]);
}

#[test]
fn every_expected_file_and_no_page_for_the_failed_day() {
    let files = render_fixture();
    let paths: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            ".nojekyll",
            "2026/02/26/index.html",
            "2026/02/26/index.md",
            "2026/02/26/next/index.html",
            "2026/02/26/next/index.md",
            "2026/02/27/index.html",
            "2026/02/27/index.md",
            "2026/02/27/next/index.html",
            "2026/02/27/next/index.md",
            "2026/02/index.html",
            "2026/03/02/index.html",
            "2026/03/02/index.md",
            "2026/03/02/next/index.html",
            "2026/03/02/next/index.md",
            "2026/03/04/index.html",
            "2026/03/04/index.md",
            "2026/03/04/next/index.html",
            "2026/03/04/next/index.md",
            "2026/03/index.html",
            "2026/index.html",
            "favicon.svg",
            "feed.json",
            "feed.xml",
            "index.html",
            "search/2026-02/0.json",
            "search/2026-02/papers.json",
            "search/2026-02/scores.json",
            "search/2026-03-1/0.json",
            "search/2026-03-1/papers.json",
            "search/2026-03-1/scores.json",
            "search/days/2026/02-26.json",
            "search/days/2026/02-27.json",
            "search/days/2026/03-02.json",
            "search/days/2026/03-04.json",
            "search/index.html",
            "search/manifest.json",
            "search/search.js",
            "site.js",
            "status/index.html",
            "style.css",
        ]
    );
    assert_eq!(files[".nojekyll"], "");
    let march = &files["2026/03/index.html"];
    assert!(
        march.contains("status-llm-failed\">llm-failed</span>"),
        "{march}"
    );
    assert!(
        !march.contains("2026/03/03/"),
        "a failed day must not be linked"
    );
}

/// The `href` of the first link with `rel="{rel}"`.
fn rel_link<'a>(html: &'a str, rel: &str) -> Option<&'a str> {
    let start = html.find(&format!("rel=\"{rel}\" href=\""))? + rel.len() + 13;
    Some(&html[start..start + html[start..].find('"')?])
}

#[test]
fn previous_and_next_skip_days_without_pages() {
    let files = render_fixture();
    let day = |date: &str| &files[&format!("{}index.html", date.replace('-', "/") + "/")];
    // A day links to its `next/` page, which forwards to the next day with a page.
    let next = |date: &str| {
        let stub = &files[&format!("{}next/index.html", date.replace('-', "/") + "/")];
        assert_eq!(
            rel_link(day(date), "next"),
            Some("../../../".to_string() + &date.replace('-', "/") + "/next/").as_deref()
        );
        rel_link(stub, "next")
    };
    assert_eq!(rel_link(day("2026-02-26"), "prev"), None);
    assert!(day("2026-02-26").contains("No earlier day"));
    assert_eq!(next("2026-02-26"), Some("../../../../2026/02/27/"));
    assert_eq!(
        rel_link(day("2026-03-02"), "prev"),
        Some("../../../2026/02/27/")
    );
    // 2026-03-03 failed (llm-failed), so the next page after 03-02 is 03-04.
    assert_eq!(next("2026-03-02"), Some("../../../../2026/03/04/"));
    assert_eq!(next("2026-03-04"), None);
    let newest = &files["2026/03/04/next/index.html"];
    assert!(newest.contains("No later day yet"), "{newest}");
    assert!(!newest.contains("http-equiv=\"refresh\""));
    assert!(
        files["2026/03/02/next/index.html"]
            .contains("<meta http-equiv=\"refresh\" content=\"0; url=../../../../2026/03/04/\">")
    );
    // The home page shows the newest day, with nothing after it.
    assert_eq!(rel_link(&files["index.html"], "next"), None);
    // Months link to their nearest months with pages.
    assert_eq!(
        rel_link(&files["2026/02/index.html"], "next"),
        Some("../../2026/03/")
    );
    assert_eq!(rel_link(&files["2026/03/index.html"], "next"), None);
}

/// Every relative link (`href`/`src` in HTML, link destinations in Markdown) of every file,
/// as `(file, link)`.
pub(super) fn relative_links(files: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut links = Vec::new();
    for (path, text) in files {
        let mut found: Vec<String> = Vec::new();
        for attribute in ["href=\"", "src=\""] {
            for (index, _) in text.match_indices(attribute) {
                let rest = &text[index + attribute.len()..];
                found.push(rest[..rest.find('"').unwrap()].replace("&amp;", "&"));
            }
        }
        if path.ends_with(".md") {
            for (index, _) in text.match_indices("](") {
                let rest = &text[index + 2..];
                found.push(rest[..rest.find(')').unwrap()].to_string());
            }
        }
        for link in found {
            let external = ["https://", "http://", "mailto:"]
                .iter()
                .any(|scheme| link.starts_with(scheme));
            if !external {
                links.push((path.clone(), link));
            }
        }
    }
    links
}

/// Checks that every relative link resolves to a rendered file (a folder link to its
/// `index.html`) and that every `#fragment` names an id in the target. Returns the problems.
pub(super) fn broken_links(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (from, link) in relative_links(files) {
        if link.starts_with('/') || link.contains(':') {
            problems.push(format!("{from}: {link} is not a relative link"));
            continue;
        }
        let (target_path, fragment) = match link.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (link.as_str(), None),
        };
        let target = if target_path.is_empty() {
            from.clone()
        } else {
            let mut parts: Vec<&str> = from.split('/').collect();
            parts.pop();
            for part in target_path.split('/') {
                match part {
                    ".." => {
                        if parts.pop().is_none() {
                            problems.push(format!("{from}: {link} leaves the site"));
                        }
                    }
                    "." | "" => {}
                    other => parts.push(other),
                }
            }
            if target_path.ends_with('/') || target_path == "." {
                parts.push("index.html");
            }
            parts.join("/")
        };
        let Some(text) = files.get(&target) else {
            problems.push(format!("{from}: {link} → {target} does not exist"));
            continue;
        };
        if let Some(fragment) = fragment {
            let id = if target.ends_with(".md") {
                fragment.strip_prefix("user-content-").unwrap_or(fragment)
            } else {
                fragment
            };
            if !text.contains(&format!("id=\"{id}\"")) {
                problems.push(format!("{from}: {link} → no id {id:?} in {target}"));
            }
        }
    }
    problems
}

#[test]
fn every_relative_link_resolves() {
    let files = render_fixture();
    let links = relative_links(&files);
    assert!(
        links.len() > 100,
        "the checker saw only {} links",
        links.len()
    );
    assert!(links.iter().any(|(_, link)| link.contains("#link")));
    assert!(
        links.iter().any(|(from, _)| from.ends_with(".md")),
        "Markdown links are checked too"
    );
    let problems = broken_links(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_link_checker_finds_broken_links() {
    let files: BTreeMap<String, String> = [
        (
            "a/index.html".to_string(),
            r##"<a href="../b/">b</a> <a href="../c/">c</a> <a href="#x">x</a> <a href="../b/#link9">9</a> <a href="/abs">abs</a>"##
                .to_string(),
        ),
        ("b/index.html".to_string(), r#"<p id="link1"></p>"#.to_string()),
    ]
    .into();
    let problems = broken_links(&files);
    assert_eq!(problems.len(), 4, "{problems:#?}");
}

#[test]
fn month_top_papers_are_ranked_by_weighted_score() {
    let mut config = fixture_config();
    config.site.month_top_papers = 3;
    let (records, prompts) = fixture_records();
    let files = render_text(&config, &records, &prompts);
    let february = &files["2026/02/index.html"];
    let top = &february[february.find("Top papers").unwrap()..];
    let positions: Vec<usize> = [
        "Scaling Laws for Sparse Autoencoders", // 10 + 8
        "Sparse Mixture-of-Experts Routing as Optimal Transport", // 9 + 8
        "Quantization-Aware Training Without Straight-Through", // 9 + 7
    ]
    .iter()
    .map(|title| top.find(title).unwrap_or_else(|| panic!("{title} missing")))
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(
        !top.contains("State-Space Models"),
        "only 3 papers are listed"
    );
    assert!(top.contains("href=\"../../2026/02/27/#link1\""));

    // With all weight on novelty, the 9/8 paper ties the 10/8 one and relevance breaks the tie.
    config.selection.relevance_weight = 0.0;
    let files = render_text(&config, &records, &prompts);
    let february = &files["2026/02/index.html"];
    let top = &february[february.find("Top papers").unwrap()..];
    assert!(
        top.find("Scaling Laws").unwrap() < top.find("Sparse Mixture").unwrap(),
        "{top}"
    );
}

#[test]
fn unknown_cost_says_unknown_and_keyword_days_name_their_scorer() {
    let files = render_fixture();
    let backfilled = &files["2026/02/27/index.html"];
    assert!(
        backfilled.contains("<td data-label=\"Cost\">unknown <span"),
        "{backfilled}"
    );
    assert!(!backfilled.contains("$0.00"));
    assert!(backfilled.contains(
        "This day was backfilled from the arXiv API on 2026-03-05; replacements are not included."
    ));
    assert!(files["2026/02/27/index.md"].contains("**Cost:** unknown"));
    assert!(files["2026/02/26/index.html"].contains("<td data-label=\"Cost\">$0.01</td>"));

    let keywords = &files["2026/03/04/index.html"];
    assert!(keywords.contains("Scored by the built-in keyword scorer (no LLM)."));
    assert!(!keywords.contains("<table class=\"usage\""));
    assert!(keywords.contains("<li>mixture of experts</li>"));
    assert!(!keywords.contains("System prompt"));
}

#[test]
fn partial_day_warns_and_lists_unscored_papers() {
    let files = render_fixture();
    let partial = &files["2026/03/02/index.html"];
    assert!(partial.contains("class=\"notice notice-warning\""));
    assert!(partial.contains("1 of 4 papers could not be scored"));
    assert!(partial.contains("<summary>Not scored (1)</summary>"));
    assert!(partial.contains("never parsed after 4 attempts"));
    assert!(partial.contains("Followed author: Yoshua Bengio"));
}

#[test]
fn home_shows_the_latest_day_and_recent_days() {
    let mut config = fixture_config();
    config.site.recent_days = 2;
    let (records, prompts) = fixture_records();
    let files = render_text(&config, &records, &prompts);
    let home = &files["index.html"];
    assert!(home.contains(
        "<h1 data-day=\"2026-03-04\">Personalized Daily ArXiv Papers <span class=\"nowrap\">2026-03-04</span></h1>"
    ));
    assert!(home.contains("href=\"./2026/03/04/\">Wednesday 4 March 2026</a>"));
    assert!(home.contains("href=\"./2026/03/02/\">Monday 2 March 2026</a>"));
    assert!(
        !home.contains("href=\"./2026/02/27/\">"),
        "only 2 recent days"
    );
    assert!(home.contains("href=\"./style.css\""));
}

#[test]
fn an_empty_archive_still_renders_a_home_page() {
    let files = render_text(&fixture_config(), &[], &BTreeMap::new());
    let paths: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            ".nojekyll",
            "favicon.svg",
            "feed.json",
            "feed.xml",
            "index.html",
            "search/index.html",
            "search/manifest.json",
            "search/search.js",
            "site.js",
            "status/index.html",
            "style.css"
        ]
    );
    assert!(files["index.html"].contains("No day has been published yet"));
    assert!(files["status/index.html"].contains("No run has been recorded yet"));
    let manifest: serde_json::Value = serde_json::from_str(&files["search/manifest.json"]).unwrap();
    assert_eq!(manifest["total"], 0);
    assert_eq!(manifest["segments"], serde_json::json!([]));
}

#[test]
fn rendering_is_deterministic_and_independent_of_record_order() {
    let (records, prompts) = fixture_records();
    let config = fixture_config();
    let first = render_site(&config, &records, &prompts).unwrap();
    let second = render_site(&config, &records, &prompts).unwrap();
    assert_eq!(first, second);
    let mut shuffled = records.clone();
    shuffled.reverse();
    shuffled.swap(0, 2);
    assert_eq!(render_site(&config, &shuffled, &prompts).unwrap(), first);
}

pub(super) const HOSTILE: [&str; 4] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "javascript:alert(1)",
];

/// The fixture with every untrusted text field of the 2026-03-02 record made hostile.
pub(super) fn hostile_records() -> Vec<DayRecord> {
    let (mut records, _) = fixture_records();
    let hostile = HOSTILE.join(" ");
    let day = records
        .iter_mut()
        .find(|r| r.date.to_string() == "2026-03-02")
        .unwrap();
    day.status_reason = Some(hostile.clone());
    day.usage.model = Some(hostile.clone());
    for paper in &mut day.papers {
        paper.title = format!("{hostile} [link](javascript:alert(1)) title");
        paper.authors = vec![hostile.clone(), "](javascript:alert(2))".into()];
        paper.abstract_text = Some(format!("{hostile}\n# heading\n<img src=x>"));
        paper.categories = vec![hostile.clone()];
        paper.reason = Some(hostile.clone());
        if !paper.followed_authors.is_empty() {
            paper.followed_authors = vec![hostile.clone()];
        }
        if let Some(scores) = &mut paper.scores {
            scores.comment = hostile.clone();
        }
    }
    records
}

/// Every tag in an HTML text: `(name, attributes)`.
pub(super) fn tags(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start + 1..end];
        let tag = tag.trim_start_matches('/');
        let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
        found.push((
            tag[..name_end].to_ascii_lowercase(),
            tag[name_end..].to_string(),
        ));
        rest = &rest[end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1..];
    }
    found
}

/// The names of a tag's attributes; text inside quoted values is no attribute.
fn attribute_names(attributes: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = attributes.trim_start();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        names.push(rest[..end].to_string());
        rest = rest[end..].trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            rest = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => value[1..]
                    .find(quote)
                    .map_or("", |close| &value[close + 2..]),
                _ => value
                    .find(char::is_whitespace)
                    .map_or("", |space| &value[space..]),
            };
            rest = rest.trim_start();
        }
    }
    names
}

#[test]
fn hostile_text_is_inert_in_html() {
    let (_, prompts) = fixture_records();
    let files = render_text(&fixture_config(), &hostile_records(), &prompts);
    for path in ["2026/03/02/index.html", "2026/03/index.html"] {
        // The page's own script is the one allowed script element.
        let own_script = format!(
            "<script src=\"{}site.js\"></script>",
            "../".repeat(path.matches('/').count())
        );
        assert_eq!(files[path].matches("<script").count(), 1, "{path}");
        let html = &files[path].replace(&own_script, "");
        assert!(!html.contains("<script"), "{path}");
        assert!(!html.contains("<img"), "{path}");
        assert!(!html.contains("href=\"javascript"), "{path}");
        for (name, attributes) in tags(html) {
            assert!(
                !["script", "img", "iframe", "svg", "object", "embed"].contains(&name.as_str()),
                "{path}: <{name}{attributes}>"
            );
            for attribute in attribute_names(&attributes) {
                assert!(
                    !attribute.to_ascii_lowercase().starts_with("on"),
                    "{path}: event handler in <{name}{attributes}>"
                );
            }
        }
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}"
        );
        // Tera does not evaluate data: the braces are shown, never 49.
        assert!(html.contains("{{ 7*7 }} javascript:alert(1)"), "{path}");
        assert!(!html.contains("49 javascript"), "{path}");
    }
}

#[test]
fn hostile_text_is_inert_in_markdown() {
    let (_, prompts) = fixture_records();
    let files = render_text(&fixture_config(), &hostile_records(), &prompts);
    let markdown = &files["2026/03/02/index.md"];
    // The only tags are the template's own anchors and the not-scored <details>.
    let allowed = ["a", "details", "summary"];
    for (name, attributes) in tags(markdown) {
        assert!(
            allowed.contains(&name.as_str()) && !attributes.contains("href"),
            "<{name}{attributes}> in {markdown}"
        );
    }
    assert!(markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!markdown.contains("](javascript"), "{markdown}");
    assert!(!markdown.contains("[link]"), "{markdown}");
    assert!(!markdown.contains("\n# heading"), "{markdown}");
    assert!(markdown.contains("{{ 7&#42;7 }}"));
    assert!(
        broken_links(&files).is_empty(),
        "{:#?}",
        broken_links(&files)
    );
}

#[test]
fn a_user_template_overrides_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("site-templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("day.html"),
        r#"{% extends "base.html" %}{% block content %}<p>My day {{ day.date }}: {% include "extra.html" %}</p>{% endblock content %}"#,
    )
    .unwrap();
    std::fs::write(
        templates.join("extra.html"),
        "{{ day.papers | length }} papers",
    )
    .unwrap();
    std::fs::write(templates.join("style.css"), "body { color: teal; }\n").unwrap();
    std::fs::write(templates.join("notes.txt"), "not a template").unwrap();
    std::fs::write(templates.join("README.md"), "How to override {{ templates").unwrap();
    let config = Config {
        root: dir.path().to_path_buf(),
        ..Config::default()
    };
    let (records, prompts) = fixture_records();
    let files = render_text(&config, &records, &prompts);
    let day = &files["2026/03/02/index.html"];
    assert!(day.contains("<p>My day 2026-03-02: 2 papers</p>"), "{day}");
    assert!(!day.contains("Table of contents"));
    assert!(day.contains("<link rel=\"stylesheet\" href=\"../../../style.css\">"));
    assert_eq!(files["style.css"], "body { color: teal; }\n");
    // Templates not overridden stay built in.
    assert!(files["index.html"].contains("Table of contents"));
    assert!(files["2026/03/02/index.md"].contains("**Table of contents with paper titles:**"));
}

#[test]
fn a_broken_override_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("site-templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("month.html"), "{% if %}").unwrap();
    let config = Config {
        root: dir.path().to_path_buf(),
        ..Config::default()
    };
    let (records, prompts) = fixture_records();
    let error = render_site(&config, &records, &prompts).unwrap_err();
    let text = format!("{error:#}");
    assert!(text.contains("month.html"), "{text}");
}

#[test]
fn a_missing_prompt_snapshot_is_reported_on_the_page() {
    let (records, _) = fixture_records();
    let files = render_text(&fixture_config(), &records, &BTreeMap::new());
    assert!(
        files["2026/02/26/index.html"]
            .contains("The prompt snapshot <code>1111aaaa2222bbbb</code> of this day is missing")
    );
}

/// A synthetic archive of `days` weekdays, each with 50 selected and 600 filtered papers.
pub(super) fn synthetic_archive(days: usize) -> Vec<DayRecord> {
    let (records, _) = fixture_records();
    let template = records[0].clone();
    let abstract_text = "We study a thing with care. ".repeat(50);
    let mut date: jiff::civil::Date = "2025-01-06".parse().unwrap();
    let mut out = Vec::with_capacity(days);
    while out.len() < days {
        if date.weekday().to_sunday_zero_offset() % 6 != 0 {
            let mut day = template.clone();
            day.date = date;
            day.papers = (0..650)
                .map(|n| {
                    let decision = if n < 50 {
                        Decision::Selected
                    } else {
                        Decision::Filtered
                    };
                    PaperRecord {
                        id: format!("{}.{n:05}", date.strftime("%y%m")),
                        version: 1,
                        title: format!("Paper {n} on {date}: a long and descriptive title"),
                        decision,
                        reason: None,
                        scores: Some(Scores {
                            relevance: (n % 10) as u8 + 1,
                            novelty: (n % 7) as u8 + 1,
                            comment: "Matches topic 1.".into(),
                        }),
                        followed_authors: Vec::new(),
                        authors: (0..8).map(|a| format!("Author {a}")).collect(),
                        abstract_text: Some(abstract_text.clone()),
                        categories: vec!["cs.LG".into()],
                        announce_type: None,
                        doi: None,
                        journal_ref: None,
                        license: None,
                        topics: None,
                        spotlight: None,
                        listed_before: None,
                        tldr: None,
                        profile: None,
                        read_alone: None,
                    }
                })
                .collect();
            day.counts.selected = 50;
            out.push(day);
        }
        date = date.tomorrow().unwrap();
    }
    out
}

#[test]
fn a_synthetic_archive_links_up() {
    let records = synthetic_archive(30);
    let (_, prompts) = fixture_records();
    let files = render_text(&fixture_config(), &records, &prompts);
    let day_copies = files
        .keys()
        .filter(|p| p.ends_with("index.md") && !p.ends_with("next/index.md"))
        .count();
    assert_eq!(day_copies, 30);
    let problems = broken_links(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The February fixture days with topics, as a 2026 import or an LLM with topic ids records
/// them, and the 26th's second paper also listed on the 27th.
fn records_with_topics() -> (Vec<DayRecord>, BTreeMap<String, PromptSnapshot>) {
    use crate::record::{PaperTopics, Spotlight, SpotlightKind, TopicLabel, TopicSource};
    let (mut records, prompts) = fixture_records();
    let topics = [
        ("architecture", "Model architecture"),
        ("efficiency", "Efficiency"),
    ];
    for record in records.iter_mut().filter(|r| r.date.month() == 2) {
        record.topics = topics
            .iter()
            .map(|(id, label)| TopicLabel {
                id: (*id).into(),
                label: (*label).into(),
            })
            .collect();
        let selected = record
            .papers
            .iter_mut()
            .filter(|p| p.decision == crate::record::Decision::Selected);
        for (index, paper) in selected.enumerate() {
            let (primary, also) = if index % 2 == 0 {
                ("efficiency", vec!["architecture".to_string()])
            } else {
                ("architecture", Vec::new())
            };
            paper.topics = Some(PaperTopics {
                primary: primary.into(),
                also,
                source: TopicSource::Llm,
            });
            if index == 1 {
                paper.spotlight = Some(Spotlight {
                    kind: SpotlightKind::NewFrontier,
                    rank: 1,
                    comment: Some("Opens a <new> direction.".into()),
                });
            }
        }
    }
    let repeated = records[0]
        .papers
        .iter()
        .find(|p| p.decision == crate::record::Decision::Selected && !p.followed_authors.is_empty())
        .cloned()
        .unwrap();
    let mut again = repeated;
    again.followed_authors.clear();
    again.listed_before = Some(records[0].date);
    records[1].papers.insert(0, again);
    records[1].counts.selected += 1;
    (records, prompts)
}

#[test]
fn snapshot_of_a_day_grouped_by_topic() {
    let (records, prompts) = records_with_topics();
    let files = render_text(&fixture_config(), &records, &prompts);
    insta::assert_snapshot!(
        "grouped_day_2026_02_26_html",
        files["2026/02/26/index.html"]
    );
    insta::assert_snapshot!("grouped_day_2026_02_26_md", files["2026/02/26/index.md"]);
}

#[test]
fn snapshot_of_a_month_by_topic_lists_each_paper_once() {
    let (records, prompts) = records_with_topics();
    let files = render_text(&fixture_config(), &records, &prompts);
    let month = &files["2026/02/index.html"];
    insta::assert_snapshot!("grouped_month_2026_02_html", month);
    let top = &month[month.find("Top papers").unwrap()..];
    assert_eq!(top.matches("Sparse Mixture-of-Experts Routing").count(), 1);
    assert!(files["2026/02/27/index.html"].contains("Listed before on"));
    assert!(files.contains_key("topics/efficiency/index.html"));
    assert!(files.contains_key("topics/architecture/feed.xml"));
}
#[test]
fn the_email_groups_by_topic_escapes_html_and_keeps_the_text_part_plain() {
    let (mut records, _) = records_with_topics();
    records[0].papers[1].tldr = Some("Does <b>this</b> & finds that.".into());
    let email = super::email(&fixture_config(), &records[0]).unwrap();
    assert_eq!(email.subject, "papersift · 2026-02-26 · 3 papers");
    assert!(
        email
            .html
            .contains("<strong>TL;DR:</strong> Does &lt;b&gt;this&lt;/b&gt; &amp; finds that.")
    );
    assert!(email.text.contains("TL;DR: Does <b>this</b> & finds that."));
    for part in [&email.html, &email.text] {
        let followed = part.find("Followed authors").unwrap();
        let architecture = part.find("Model architecture").unwrap();
        assert!(followed < architecture, "followed authors come first");
        assert!(part.contains("https://arxiv.org/abs/2602.21002"));
    }
    assert!(!email.html.contains("<style") && !email.html.contains("<img"));
}

#[test]
fn you_may_also_like_is_in_the_page_the_markdown_and_the_email_escaped() {
    let (mut records, prompts) = records_with_topics();
    records[0].also_like = vec![crate::record::AlsoLike {
        id: "2602.29999".into(),
        title: "Routing <script>x</script> experts".into(),
        authors: vec!["Ada Lovelace".into()],
        profile: 0.734,
        like: Some(crate::record::LikePaper {
            id: "2602.21002".into(),
            title: "A *wanted* paper".into(),
        }),
    }];
    let email = super::email(&fixture_config(), &records[0]).unwrap();
    let files = render_text(&fixture_config(), &records, &prompts);
    let page = &files["2026/02/26/index.html"];
    let markdown = &files["2026/02/26/index.md"];
    for part in [&email.html, &email.text, page, markdown] {
        assert!(part.contains("You may also like"));
        assert!(part.contains("profile 0.73"));
    }
    assert!(page.contains("Routing &lt;script&gt;x&lt;/script&gt; experts"));
    assert!(
        email
            .html
            .contains("Routing &lt;script&gt;x&lt;/script&gt; experts")
    );
    assert!(
        page.contains("data-id=\"2602.29999\""),
        "the suggestion carries the marks"
    );
    assert!(
        markdown.contains("like: A &#42;wanted&#42; paper"),
        "{markdown}"
    );
}

#[test]
fn every_paper_has_its_links_and_a_bibtex_entry_in_the_page() {
    let files = render_fixture();
    let page = &files["2026/02/26/index.html"];
    for link in [
        "href=\"https://arxiv.org/pdf/2602.21001\"",
        "href=\"https://arxiv.org/html/2602.21001\"",
        "href=\"#link1\">Permalink",
    ] {
        assert!(page.contains(link), "{link}");
    }
    let (records, _) = fixture_records();
    let paper = records[0].selected().next().unwrap();
    let entry = super::view::bibtex(&records[0], paper);
    assert!(entry.starts_with("@misc{arxiv2602.21001,\n  title={Sparse Mixture-of-Experts Routing as Optimal Transport},"), "{entry}");
    assert!(entry.contains("author={Ada Lovelace and Yoshua Bengio and Jürgen Schmidhuber}"));
    assert!(entry.contains("year={2026},\n  eprint={2602.21001},\n  archivePrefix={arXiv},"));
    assert!(
        entry.ends_with("url={https://arxiv.org/abs/2602.21001}\n}"),
        "{entry}"
    );
    assert!(page.contains("<pre id=\"bib-link1\">@misc{arxiv2602.21001,"));
    // A collaboration's list ends after ten names.
    let mut many = paper.clone();
    many.authors = (1..=400).map(|n| format!("Author {n}")).collect();
    let entry = super::view::bibtex(&records[0], &many);
    assert!(entry.contains("author={Author 1 and Author 2 and Author 3 and Author 4 and Author 5 and Author 6 and Author 7 and Author 8 and Author 9 and Author 10 and others}"), "{entry}");
}

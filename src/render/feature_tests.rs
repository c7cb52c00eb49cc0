//! Tests of the site-wide features: run-health page, feeds, search index, math, page frame,
//! monthly topic groups, and which files a new day changes. They use the fixture of `tests.rs`.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

use super::tests::{
    HOSTILE, broken_links, fixture_config, fixture_records, hostile_records, render_fixture,
    render_text, synthetic_archive, tags,
};
use super::*;

/// An element of a parsed XML document.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or_else(
            || panic!("no <{name}> in <{}>", self.name),
            |c| c.text.trim(),
        )
    }

    fn link(&self, rel: &str) -> Option<&str> {
        self.children_named("link")
            .find(|l| l.attributes.get("rel").map(String::as_str) == Some(rel))
            .map(|l| l.attributes["href"].as_str())
    }
}

/// Parses XML strictly with quick-xml into a tree; panics on malformed XML.
fn parse_xml(xml: &str) -> Element {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => stack.push(element_of(&start)),
            Event::Empty(empty) => stack.last_mut().unwrap().children.push(element_of(&empty)),
            Event::End(_) => {
                let element = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(element);
            }
            Event::Text(text) => stack.last_mut().unwrap().text += &text.xml10_content(),
            Event::CData(data) => {
                stack.last_mut().unwrap().text += &data;
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => {
                        let name: &str = &reference;
                        quick_xml::escape::resolve_predefined_entity(name)
                            .unwrap_or_else(|| panic!("unknown entity &{name};"))
                            .to_string()
                    }
                };
                stack.last_mut().unwrap().text += &resolved;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut document = stack.pop().unwrap();
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

fn element_of(start: &quick_xml::events::BytesStart<'_>) -> Element {
    let mut element = Element {
        name: start.name().as_ref().to_string(),
        ..Element::default()
    };
    for attribute in start.attributes() {
        let attribute = attribute.expect("well-formed attribute");
        element.attributes.insert(
            attribute.key.as_ref().to_string(),
            attribute
                .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .unwrap()
                .into_owned(),
        );
    }
    element
}

fn atom_of(files: &BTreeMap<String, String>) -> Element {
    let feed = parse_xml(&files["feed.xml"]);
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.attributes["xmlns"], "http://www.w3.org/2005/Atom");
    feed
}

fn json_of(files: &BTreeMap<String, String>, path: &str) -> Value {
    serde_json::from_str(&files[path]).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `<li class="status-day ...">` items of the run-health page, as their text.
fn status_days(html: &str) -> Vec<&str> {
    html.split("<li class=\"status-day ")
        .skip(1)
        .map(|item| &item[..item.find("</li>").unwrap()])
        .collect()
}

/// The fixture with one more (ok) record long before it, so the run-health window is full.
fn records_with_an_old_day() -> Vec<DayRecord> {
    let (mut records, _) = fixture_records();
    let mut old = records[0].clone();
    old.date = "2025-10-01".parse().unwrap();
    records.insert(0, old);
    records
}

#[test]
fn run_health_shows_sixty_page_dates_ending_at_the_newest_record() {
    let (_, prompts) = fixture_records();
    let files = render_text(&fixture_config(), &records_with_an_old_day(), &prompts);
    let html = &files["status/index.html"];
    let days = status_days(html);
    assert_eq!(days.len(), 60);
    assert!(days.last().unwrap().contains("datetime=\"2026-03-04\""));
    // 60 weekdays back from Wednesday 4 March 2026 (no holidays then) is Thursday 11 December 2025.
    assert!(days[0].contains("datetime=\"2025-12-11\""), "{}", days[0]);
    assert!(html.contains("The last 60 arXiv announcement dates, 2025-12-11 to 2026-03-04"));

    let day = |date: &str| {
        *days
            .iter()
            .find(|d| d.contains(&format!("datetime=\"{date}\"")))
            .unwrap_or_else(|| panic!("{date} missing"))
    };
    let failed = day("2026-03-03");
    assert!(failed.starts_with("status-llm-failed"), "{failed}");
    assert!(failed.contains("LF</span> llm-failed"), "{failed}");
    assert!(
        failed.contains("401 Unauthorized: invalid API key"),
        "{failed}"
    );
    assert!(
        !failed.contains("href="),
        "a day without a page is not linked"
    );

    let partial = day("2026-03-02");
    assert!(partial.starts_with("status-partial"), "{partial}");
    assert!(partial.contains("href=\"../2026/03/02/\""), "{partial}");
    assert!(partial.contains("1 of 4 papers could not be scored"));
    assert!(partial.contains("2 papers"));

    assert!(day("2026-02-27").starts_with("status-backfilled"));
    assert!(day("2026-02-26").starts_with("status-ok column-4"));
    let missing = day("2026-02-25");
    assert!(
        missing.starts_with("status-missing column-3 alarming"),
        "{missing}"
    );
    assert!(missing.contains("??</span> missing"), "{missing}");
    assert!(
        !html.contains("datetime=\"2026-02-28\""),
        "weekends are no page dates"
    );

    for status in [
        "ok",
        "backfilled",
        "partial",
        "budget-stopped",
        "llm-failed",
        "fetch-failed",
        "stale-feed",
        "no-announcement",
        "missing",
    ] {
        assert!(
            html.contains(&format!(
                "<dt><span class=\"status-badge status-{status}\">"
            )),
            "legend lacks {status}"
        );
    }
    assert!(html.contains("missing: <strong>55</strong>"), "totals");
}

#[test]
fn run_health_starts_at_the_first_record_and_never_reads_the_clock() {
    let (records, prompts) = fixture_records();
    let mut config = fixture_config();
    // A record on a configured holiday is still shown.
    config.arxiv.holidays = vec!["2026-03-03".into()];
    let files = render_text(&config, &records, &prompts);
    let html = &files["status/index.html"];
    let dates: Vec<&str> = status_days(html)
        .iter()
        .map(|d| {
            let at = d.find("datetime=\"").unwrap() + 10;
            &d[at..at + 10]
        })
        .collect();
    assert_eq!(
        dates,
        [
            "2026-02-26",
            "2026-02-27",
            "2026-03-02",
            "2026-03-03",
            "2026-03-04"
        ]
    );
    assert!(html.contains("Every arXiv announcement date since the first recorded day"));

    // A date between records without a record of its own is missing.
    let gap: Vec<DayRecord> = records
        .iter()
        .filter(|r| r.date.to_string() != "2026-02-27")
        .cloned()
        .collect();
    let files = render_text(&config, &gap, &prompts);
    let html = &files["status/index.html"];
    assert!(html.contains("<li class=\"status-day status-missing column-5 alarming\">\n<span class=\"status-date\"><time datetime=\"2026-02-27\""), "{html}");

    // The same data renders the same page whenever it is built: only records move the end.
    let older: Vec<DayRecord> = records
        .iter()
        .filter(|r| r.date.to_string().as_str() <= "2026-02-27")
        .cloned()
        .collect();
    let files = render_text(&config, &older, &prompts);
    let days = status_days(&files["status/index.html"]);
    assert_eq!(days.len(), 2);
    assert!(days.last().unwrap().contains("datetime=\"2026-02-27\""));
}

#[test]
fn atom_feed_has_the_required_elements_and_one_entry_per_paper() {
    let mut config = fixture_config();
    config.site.base_url = "https://example.org/papers".into();
    let (records, prompts) = fixture_records();
    let files = render_text(&config, &records, &prompts);
    let feed = atom_of(&files);
    assert_eq!(feed.text_of("id"), "https://example.org/papers/");
    assert_eq!(feed.text_of("title"), "Personalized Daily ArXiv Papers");
    assert_eq!(feed.text_of("updated"), "2026-03-04T00:00:00Z");
    assert_eq!(
        feed.link("self"),
        Some("https://example.org/papers/feed.xml")
    );
    assert_eq!(feed.link("alternate"), Some("https://example.org/papers/"));
    assert!(feed.child("author").unwrap().child("name").is_some());

    let entries: Vec<&Element> = feed.children_named("entry").collect();
    // Selected papers of the four day pages: 3 + 2 + 2 + 2.
    assert_eq!(entries.len(), 9);
    let first = entries[0];
    assert_eq!(first.text_of("id"), "https://arxiv.org/abs/2603.03001");
    assert_eq!(first.text_of("title"), "Mixture of Experts Meets Pruning");
    assert_eq!(first.text_of("updated"), "2026-03-04T00:00:00Z");
    assert_eq!(
        first.link("alternate"),
        Some("https://example.org/papers/2026/03/04/#link1")
    );
    assert_eq!(
        first.link("related"),
        Some("https://arxiv.org/abs/2603.03001")
    );
    for entry in &entries {
        // Inline HTML content makes <summary> optional (RFC 4287 4.1.1.1); the abstract is in it.
        for required in ["id", "title", "updated", "content"] {
            assert!(entry.child(required).is_some(), "entry lacks <{required}>");
        }
        assert!(entry.child("author").is_some());
        let content = entry.text_of("content");
        assert!(content.contains("<strong>Relevance:</strong>") || content.contains("Not scored"));
    }
    let partial_day: Vec<&&Element> = entries
        .iter()
        .filter(|e| e.text_of("updated").starts_with("2026-03-02"))
        .collect();
    assert_eq!(partial_day.len(), 2);
    assert!(
        partial_day[1]
            .text_of("content")
            .contains("<strong>Comment:</strong> Matches topic 2: low-rank methods.")
    );

    // Every day page anchor a feed links to exists.
    for entry in &entries {
        let link = entry.link("alternate").unwrap();
        let (page, anchor) = link
            .strip_prefix("https://example.org/papers/")
            .unwrap()
            .split_once('#')
            .unwrap();
        assert!(files[&format!("{page}index.html")].contains(&format!("id=\"{anchor}\"")));
    }
}

#[test]
fn json_feed_follows_json_feed_1_1() {
    let files = render_fixture();
    let feed = json_of(&files, "feed.json");
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["title"], "Personalized Daily ArXiv Papers");
    assert_eq!(
        feed["feed_url"],
        "https://YOUR-NAME.github.io/YOUR-REPO/feed.json"
    );
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    let atom = atom_of(&files);
    let atom_ids: Vec<&str> = atom
        .children_named("entry")
        .map(|e| e.text_of("id"))
        .collect();
    let json_ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(atom_ids, json_ids, "both feeds carry the same entries");
    for item in items {
        assert!(
            item["id"]
                .as_str()
                .unwrap()
                .starts_with("https://arxiv.org/abs/")
        );
        assert!(item["content_html"].is_string() || item["content_text"].is_string());
        assert!(item["url"].as_str().unwrap().contains("/#link"));
        assert!(
            item["date_published"]
                .as_str()
                .unwrap()
                .ends_with("T00:00:00Z")
        );
    }
    assert_eq!(items[0]["authors"][0]["name"], "Hedy Lamarr");
}

#[test]
fn feeds_keep_ids_across_builds_and_days_and_carry_the_newest_papers_only() {
    let (records, prompts) = fixture_records();
    let config = fixture_config();
    let ids = |files: &BTreeMap<String, String>| -> Vec<String> {
        atom_of(files)
            .children_named("entry")
            .map(|e| e.text_of("id").to_string())
            .collect()
    };
    let full = render_text(&config, &records, &prompts);
    assert_eq!(ids(&full), ids(&render_text(&config, &records, &prompts)));
    let without_last = render_text(&config, &records[..records.len() - 1], &prompts);
    let older_ids = ids(&without_last);
    assert!(older_ids.iter().all(|id| ids(&full).contains(id)));

    // A paper selected again on a later day is one entry, dated by the later day.
    let mut repeated = records.clone();
    let again = repeated[0].papers[0].clone();
    let last = repeated.len() - 1;
    repeated[last].papers.insert(0, again.clone());
    let files = render_text(&config, &repeated, &prompts);
    let feed = atom_of(&files);
    let entries: Vec<&Element> = feed
        .children_named("entry")
        .filter(|e| e.text_of("id") == abs_url_of(&again.id))
        .collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].text_of("updated"), "2026-03-04T00:00:00Z");

    // Bounded: the newest days only, whole (a reader who looks once a day misses none), abstracts
    // cut, however many days are recent.
    let mut busy = synthetic_archive(5);
    for (day, record) in busy.iter_mut().enumerate() {
        for paper in &mut record.papers {
            paper.id = format!("{}{day}", paper.id);
        }
    }
    let files = render_text(&config, &busy, &BTreeMap::new());
    let newest = ids(&files);
    let newest_day = busy.last().unwrap();
    assert!(newest_day.selected().count() > super::feeds::FEED_PAPERS);
    assert_eq!(newest.len(), newest_day.selected().count(), "one whole day");
    let first_id = &newest_day.selected().next().unwrap().id;
    assert_eq!(newest[0], abs_url_of(first_id));
    let json = json_of(&files, "feed.json");
    let content = json["items"][0]["content_html"].as_str().unwrap();
    let abstract_text = content
        .split("<p>")
        .find(|part| part.starts_with("We study"))
        .unwrap()
        .trim_end_matches("</p>");
    assert!(abstract_text.ends_with('…'), "{abstract_text}");
    assert!(abstract_text.chars().count() <= super::feeds::FEED_ABSTRACT_CHARS + 1);
    // Fewer papers a day: whole days until there are enough.
    for record in &mut busy {
        record.papers.truncate(20);
        record.counts.selected = 20;
    }
    let files_of_small_days = render_text(&config, &busy, &BTreeMap::new());
    assert_eq!(ids(&files_of_small_days).len(), 40, "two whole days");
}

fn abs_url_of(id: &str) -> String {
    crate::paper::abs_url(id)
}

#[test]
fn hostile_text_stays_text_in_the_feeds() {
    let (_, prompts) = fixture_records();
    let mut records = hostile_records();
    // Characters XML cannot carry are dropped, not written.
    records[2].papers[0].title.push_str(" \u{1}bell\u{FFFF}");
    let files = render_text(&fixture_config(), &records, &prompts);
    let xml = &files["feed.xml"];
    assert!(!xml.contains("<script"), "{xml}");
    assert!(!xml.contains("<img"));
    let feed = atom_of(&files);
    let hostile = HOSTILE.join(" ");
    let entry = feed
        .children_named("entry")
        .find(|e| e.text_of("id").ends_with("2603.01001"))
        .unwrap();
    assert_eq!(
        entry.text_of("title"),
        format!("{hostile} [link](javascript:alert(1)) title bell")
    );
    // The HTML content escapes the text once more, so a feed reader shows it as text.
    let content = entry.text_of("content");
    assert!(
        content.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{content}"
    );
    assert!(!content.contains("<script"));

    let json = json_of(&files, "feed.json");
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_str().unwrap().ends_with("2603.01001"))
        .unwrap();
    assert!(item["title"].as_str().unwrap().starts_with(&hostile));
    assert!(!item["content_html"].as_str().unwrap().contains("<img"));
}

/// What the search finds for one whole word, read from the index files as `search.js` reads
/// them: `(day, place on the day page, title)` of each paper, in index order.
fn search_word(files: &BTreeMap<String, String>, word: &str) -> Vec<(String, u64, String)> {
    let manifest = json_of(files, "search/manifest.json");
    let mut found = Vec::new();
    for segment in manifest["segments"].as_array().unwrap().iter().rev() {
        let name = segment[0].as_str().unwrap();
        let table = json_of(files, &format!("search/{name}/papers.json"));
        let chunks: Vec<&str> = table["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let Some(chunk) = chunks.iter().rposition(|first| *first <= word) else {
            continue;
        };
        let words = json_of(files, &format!("search/{name}/{chunk}.json"));
        let Some(entry) = words["words"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry[0] == word)
        else {
            continue;
        };
        let counts: Vec<u64> = table["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        for (number, _) in super::search::decode_postings(entry[1].as_str().unwrap()) {
            let (mut day, mut first) = (0, 0);
            while first + counts[day] <= u64::from(number) {
                first += counts[day];
                day += 1;
            }
            let date = table["days"][day].as_str().unwrap().to_string();
            let rows = json_of(files, &super::search::day_file_path(date.parse().unwrap()));
            let row = &rows["papers"][(u64::from(number) - first) as usize];
            found.push((
                date,
                row[0].as_u64().unwrap(),
                row[2].as_str().unwrap().to_string(),
            ));
        }
    }
    found
}

#[test]
fn search_finds_a_paper_by_a_word_of_its_abstract_and_points_at_its_anchor() {
    let files = render_fixture();
    let manifest = json_of(&files, "search/manifest.json");
    assert_eq!(manifest["v"], 4);
    assert_eq!(manifest["total"], 9);
    let segments = manifest["segments"].as_array().unwrap();
    // [name, first day, last day, papers], newest first: the newest month's first half, then
    // the month before.
    assert_eq!(
        segments[0],
        serde_json::json!(["2026-03-1", "2026-03-02", "2026-03-04", segments[0][3]])
    );
    assert_eq!(segments[1][0], "2026-02");
    // Every paper of a segment has a row in its day's file.
    for segment in segments {
        let table = json_of(
            &files,
            &format!("search/{}/papers.json", segment[0].as_str().unwrap()),
        );
        let mut papers = 0;
        for (day, count) in table["days"]
            .as_array()
            .unwrap()
            .iter()
            .zip(table["counts"].as_array().unwrap())
        {
            let day: Date = day.as_str().unwrap().parse().unwrap();
            let rows = json_of(&files, &super::search::day_file_path(day));
            assert_eq!(
                rows["papers"].as_array().unwrap().len() as u64,
                count.as_u64().unwrap()
            );
            papers += count.as_u64().unwrap();
        }
        assert_eq!(papers, segment[3].as_u64().unwrap());
    }
    // A word that only one paper's abstract holds finds that paper, on its page.
    let (records, _) = fixture_records();
    let paper = records
        .iter()
        .flat_map(|r| r.papers.iter().map(move |p| (r, p)))
        .find(|(_, p)| p.title == "Grokking as Phase Transition in Representation Geometry")
        .unwrap();
    assert!(paper.1.abstract_text.as_deref().unwrap().contains("onset"));
    assert!(!paper.1.title.to_lowercase().contains("onset"));
    let found = search_word(&files, "onset");
    assert_eq!(found.len(), 1, "{found:?}");
    let (date, number, title) = &found[0];
    assert_eq!(title, &paper.1.title);
    let page = &files[&format!("{}/index.html", date.replace('-', "/"))];
    let at = page.find(&format!("id=\"link{number}\"")).unwrap();
    assert!(page[at..].contains(title.as_str()));
    // The result row: number, ID, title, six authors and how many more, comment, scores.
    let rows = json_of(&files, &super::search::day_file_path(date.parse().unwrap()));
    let row = rows["papers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row[2] == paper.1.title)
        .unwrap();
    assert_eq!(
        row,
        &serde_json::json!([
            1,
            "2603.01001",
            "Grokking as Phase Transition in Representation Geometry",
            "Yoshua Bengio, Marie Curie",
            0,
            "Matches topic 4: training dynamics.",
            7,
            6
        ])
    );
    // Whole words: the stem of a word finds nothing, and stop words are not in the index.
    assert!(search_word(&files, "onse").is_empty());
    assert!(search_word(&files, "the").is_empty());
    // Authors are words of their own and `@` words for the author filter.
    assert_eq!(
        search_word(&files, "bengio").len(),
        search_word(&files, "@bengio").len()
    );
    assert!(!search_word(&files, "@bengio").is_empty());
}

#[test]
fn a_new_day_rewrites_only_its_half_months_search_files() {
    let records = synthetic_archive(300);
    let config = fixture_config();
    let prompts = BTreeMap::new();
    let files = render_text(&config, &records, &prompts);
    let manifest = json_of(&files, "search/manifest.json");
    let names: Vec<&str> = manifest["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[0].as_str().unwrap())
        .collect();
    let newest = records[299].date;
    // The newest month in halves, the newest year's other months, then every earlier year as
    // one segment, newest first.
    assert_eq!(newest.to_string(), "2026-02-27");
    assert_eq!(names, ["2026-02-2", "2026-02-1", "2026-01", "earlier"]);
    assert_eq!(manifest["total"], 300 * 50);
    let older = render_text(&config, &records[..299], &prompts);
    let changed: Vec<&String> = files
        .keys()
        .filter(|path| path.starts_with("search/") && older.get(*path) != files.get(*path))
        .collect();
    assert!(!changed.is_empty());
    for path in &changed {
        assert!(
            path.starts_with("search/2026-02-2/")
                || **path == super::search::day_file_path(newest)
                || *path == "search/manifest.json",
            "{path} changed"
        );
    }
    assert!(
        older
            .keys()
            .filter(|p| p.starts_with("search/"))
            .all(|p| files.contains_key(p))
    );
}

#[test]
fn the_search_page_labels_its_inputs_and_loads_only_local_files() {
    let files = render_fixture();
    let html = &files["search/index.html"];
    for (id, label) in [
        (
            "search-query",
            "Words in the title, abstract, authors, arXiv ID or comment",
        ),
        ("search-year", "Year"),
        ("search-from", "From date"),
        ("search-to", "To date"),
        (
            "search-min-score",
            "Minimum score (relevance + novelty, 2–20)",
        ),
    ] {
        assert!(
            html.contains(&format!("<label for=\"{id}\">{label}</label>")),
            "{id}"
        );
        assert!(html.contains(&format!("id=\"{id}\"")));
    }
    assert!(html.contains("<script src=\"../search/search.js\" defer></script>"));
    assert!(html.contains("role=\"status\""));
    let script = &files["search/search.js"];
    assert!(
        !script.contains("innerHTML"),
        "results are built with textContent"
    );
    assert!(!script.contains("http"), "no external requests");
    assert!(script.contains("fetchJson(\"manifest.json\")"));
}

/// `node --check` of the scripts, when Node.js is installed: a syntax error would break every
/// page's theme button or the search.
#[test]
fn scripts_parse() {
    let files = render_fixture();
    let dir = tempfile::tempdir().unwrap();
    for script in ["site.js", "search/search.js"] {
        let path = dir.path().join(script.replace('/', "-"));
        std::fs::write(&path, &files[script]).unwrap();
        match std::process::Command::new("node")
            .arg("--check")
            .arg(&path)
            .output()
        {
            Ok(output) => assert!(
                output.status.success(),
                "{script}: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
            Err(_) => {
                eprintln!("notice: node is not installed; {script} was not syntax-checked");
                return;
            }
        }
    }
}

#[test]
fn every_html_page_has_the_frame_and_no_external_resources() {
    let files = render_fixture();
    let pages: Vec<(&String, &String)> =
        files.iter().filter(|(p, _)| p.ends_with(".html")).collect();
    assert!(pages.len() >= 10);
    for (path, html) in pages {
        let root = if path.contains('/') {
            "../".repeat(path.matches('/').count())
        } else {
            "./".into()
        };
        // A day's `next/` page is a bare forwarding page: no site frame, the same rules on loads.
        let frame = if path.ends_with("next/index.html") {
            Vec::new()
        } else {
            vec![
                format!(
                    "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Personalized Daily ArXiv Papers (Atom)\" href=\"{root}feed.xml\">"
                ),
                format!(
                    "<link rel=\"alternate\" type=\"application/feed+json\" title=\"Personalized Daily ArXiv Papers (JSON Feed)\" href=\"{root}feed.json\">"
                ),
                format!("<li><a href=\"{root}search/\">Search</a></li>"),
                format!("<a href=\"{root}status/\">Run health</a>"),
                "<a class=\"skip-link\" href=\"#main\">Skip to content</a>".to_string(),
                "<main id=\"main\" tabindex=\"-1\">".to_string(),
                "<button type=\"button\" class=\"theme-toggle\" hidden".to_string(),
            ]
        };
        for expected in frame {
            assert!(html.contains(&expected), "{path} lacks {expected}");
        }
        // Only links (<a>) may point elsewhere; nothing is loaded from another site.
        for (name, attributes) in tags(html) {
            if name != "a" {
                assert!(
                    !attributes.contains("=\"http") && !attributes.contains("=\"//"),
                    "{path}: <{name}{attributes}>"
                );
            }
        }
    }
    let problems = broken_links(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn formulas_render_as_mathml_in_html_and_stay_tex_in_markdown() {
    let (mut records, prompts) = fixture_records();
    let day = records
        .iter_mut()
        .find(|r| r.date.to_string() == "2026-03-02")
        .unwrap();
    day.papers[0].title = "Sorting in $O(n^2)$ with $W_{8}A_{8}$".into();
    day.papers[1].title = "$\\phi$-Balancing of Experts".into();
    day.papers[0].abstract_text =
        Some("We lose $<$2% and keep $\\mathbf{Li_2}$; $\\nosuchcommand x$ stays.".into());
    let files = render_text(&fixture_config(), &records, &prompts);
    let html = &files["2026/03/02/index.html"];
    assert!(
        html.contains("Sorting in <math display=\"inline\">"),
        "{html}"
    );
    assert!(html.contains("<mo>&lt;</mo>"));
    assert!(html.contains("<span class=\"tex\">$\\nosuchcommand x$</span>"));
    // The table of contents and the paper heading both carry the formula.
    assert_eq!(html.matches("<msup><mi>n</mi><mn>2</mn></msup>").count(), 2);
    let markdown = &files["2026/03/02/index.md"];
    assert!(
        markdown.contains("Sorting in $O(n^2)$ with $W_{8}A_{8}$"),
        "{markdown}"
    );
    let month = &files["2026/03/index.html"];
    assert!(
        month.contains("Sorting in <math"),
        "top papers render math too"
    );
    // Feeds and the search index keep the TeX as text.
    assert!(files["search/days/2026/03-02.json"].contains("Sorting in $O(n^2)$"));
    assert!(files["feed.xml"].contains("Sorting in $O(n^2)$"));
    // A formula of symbols alone shows as its characters where no MathML can go.
    assert!(files["feed.xml"].contains("<title type=\"text\">ϕ-Balancing of Experts</title>"));
    assert!(files["feed.json"].contains("\"title\": \"ϕ-Balancing of Experts\""));
    assert!(files["search/days/2026/03-02.json"].contains("\"ϕ-Balancing of Experts\""));
}

#[test]
fn month_top_papers_group_by_the_topic_of_the_prompt() {
    let files = render_fixture();
    let february = &files["2026/02/index.html"];
    let top = &february[february.find("Top papers").unwrap()..];
    // "Matches topic 1" takes the name the day's prompt gives topic 1; topic 2 has no name there.
    let architecture = top
        .find("<h3>Model architecture</h3>")
        .expect("topic 1 group");
    let topic_two = top.find("<h3>Topic 2</h3>").expect("topic 2 group");
    assert!(top.contains("<h3>Other papers</h3>"));
    assert!(top[architecture..topic_two].contains("Sparse Mixture-of-Experts Routing"));
    assert!(top[architecture..topic_two].contains("State-Space Models Are Attention"));
    assert!(top[topic_two..].contains("Quantization-Aware Training"));
    // Ranks are the month's, whatever the group.
    let first = top
        .find("<a href=\"../../2026/02/27/#link1\">Scaling Laws")
        .expect("the month's first paper");
    let item = &top[top[..first].rfind("<li").unwrap()..first];
    assert!(
        item.starts_with("<li value=\"1\" class=\"paper-card\" data-id=\""),
        "{item}"
    );

    // Keyword-scorer comments name no topic: March is one list.
    let march = &files["2026/03/index.html"];
    assert!(!march.contains("<h3>"), "{march}");
}

#[test]
fn a_new_day_changes_only_the_files_it_should() {
    let (records, prompts) = fixture_records();
    let config = fixture_config();
    let before = render_text(&config, &records[..records.len() - 1], &prompts);
    let after = render_text(&config, &records, &prompts);
    let changed: BTreeSet<&str> = after
        .iter()
        .filter(|(path, text)| before.get(*path) != Some(text))
        .map(|(path, _)| path.as_str())
        // The month's search segment is rewritten whole: its files are checked apart.
        .filter(|path| !path.starts_with("search/2026-03-1/"))
        .collect();
    assert!(after.keys().any(|p| p.starts_with("search/2026-03-1/")));
    assert!(
        after
            .iter()
            .filter(|(path, _)| path.starts_with("search/2026-02/"))
            .all(|(path, text)| before.get(path) == Some(text)),
        "February's search files stay"
    );
    let expected: BTreeSet<&str> = [
        "2026/03/04/index.html",
        "2026/03/04/index.md",
        "2026/03/04/next/index.html",
        "2026/03/04/next/index.md",
        // The day before changes only its `next/` page, not its own.
        "2026/03/02/next/index.html",
        "2026/03/02/next/index.md",
        "2026/03/index.html",
        "2026/index.html",
        "index.html",
        "feed.xml",
        "feed.json",
        "search/days/2026/03-04.json",
        "search/manifest.json",
        "status/index.html",
    ]
    .into();
    assert_eq!(changed, expected);
}

#[test]
fn keyword_days_show_no_novelty_and_llm_days_do() {
    let files = render_fixture();
    let (records, _) = fixture_records();
    for record in records.iter().filter(|r| r.status.has_page()) {
        let page = &files[&format!("{}/index.html", record.date.to_string().replace('-', "/"))];
        let keyword_day = record.usage.scorer == crate::record::ScorerKind::Keywords;
        let scored = record.selected().any(|p| p.scores.is_some());
        assert_eq!(
            page.contains("<span class=\"chip chip-score\">relevance")
                && page.contains(" · novelty "),
            !keyword_day && scored,
            "{}",
            record.date
        );
    }
    assert!(
        records
            .iter()
            .any(|r| r.usage.scorer == crate::record::ScorerKind::Keywords),
        "the fixture has a keyword day"
    );
    // What the keyword scorer matched shows as chips, title matches marked, in place of its
    // comment; an LLM's comment stays a comment.
    let keyword_day = &files["2026/03/04/index.html"];
    assert!(
        keyword_day.contains(" Matched: <span class=\"chip chip-title\">mixture of experts</span> <span class=\"chip\">pruning</span></p>"),
        "{keyword_day}"
    );
    assert!(!keyword_day.contains("<strong>Comment:</strong> Keyword match"));
    assert!(files["2026/02/26/index.html"].contains("<strong>Comment:</strong> Matches topic 1"));
}

#[test]
fn month_and_year_pages_count_in_the_singular_when_there_is_one() {
    let (records, prompts) = fixture_records();
    let files = render_text(&fixture_config(), &records[..1], &prompts);
    let month = &files[&format!("{}index.html", YearMonth::of(records[0].date).path())];
    assert!(month.contains("<p>1 day with pages, "), "{month}");
    let year = &files[&format!("{}/index.html", records[0].date.year())];
    assert!(year.contains("<p>1 day with pages, "), "{year}");
}

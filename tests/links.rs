//! Link checker over whole built sites: every internal link of every HTML page (and of every
//! day's Markdown version, and of the feeds) must reach an existing file, and every
//! `#fragment` an element with that id in its target. No browser needed.

#[path = "support/site.rs"]
mod site;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use html5gum::{DefaultEmitter, Token, Tokenizer};
use pulldown_cmark::{Event, Parser, Tag};

/// Attributes whose value is one URL.
const URL_ATTRIBUTES: [&str; 5] = ["href", "src", "action", "formaction", "poster"];

/// GitHub renders `<a id="x">` in Markdown as `id="user-content-x"`; links in the Markdown
/// pages point at the prefixed form.
const GITHUB_ID_PREFIX: &str = "user-content-";

/// One page's outgoing links and the fragment targets it offers.
#[derive(Default)]
struct Page {
    links: Vec<String>,
    ids: BTreeSet<String>,
    /// Problems found while reading the page itself (duplicate ids, HTML syntax errors).
    problems: Vec<String>,
}

/// What a link check found over one site.
#[derive(Default, Debug)]
struct LinkReport {
    html_pages: usize,
    markdown_pages: usize,
    /// Links to files of the site (including same-page `#fragment` links).
    internal: usize,
    /// Of those, links whose fragment was checked against the target's ids.
    fragments: usize,
    /// Absolute http(s) links, by host: counted, not followed.
    external: BTreeMap<String, usize>,
    /// Each problem as `page: link: why`.
    broken: Vec<String>,
}

impl LinkReport {
    fn external_total(&self) -> usize {
        self.external.values().sum()
    }

    fn summary(&self) -> String {
        let mut hosts: Vec<(&String, &usize)> = self.external.iter().collect();
        hosts.sort_by(|a, b| b.1.cmp(a.1));
        let top: Vec<String> = hosts
            .iter()
            .take(5)
            .map(|(host, n)| format!("{host} {n}"))
            .collect();
        format!(
            "{} HTML + {} Markdown pages: {} internal links checked ({} with a fragment), {} external links counted ({}), {} broken",
            self.html_pages,
            self.markdown_pages,
            self.internal,
            self.fragments,
            self.external_total(),
            top.join(", "),
            self.broken.len()
        )
    }
}

/// Every file under `docs`, as `/`-separated paths relative to it.
fn site_files(docs: &Path) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    let mut stack = vec![docs.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(docs).unwrap();
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                files.insert(parts.join("/"));
            }
        }
    }
    files
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Reads an HTML document with a WHATWG tokenizer (which decodes character references in
/// attribute values and knows that `<script>`/`<style>` content is not markup): its links, its
/// ids (and `<a name>`), duplicate ids and syntax errors.
fn read_html(html: &str) -> Page {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut page = Page::default();
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let token = match token {
            Ok(token) => token,
            Err(never) => match never {},
        };
        match token {
            Token::StartTag(tag) => {
                for (name, value) in &tag.attributes {
                    let name = text(name);
                    let value = text(value);
                    let is_anchor_name = name == "name" && tag.name == b"a";
                    if name == "id" || is_anchor_name {
                        if !page.ids.insert(value.clone()) && name == "id" {
                            page.problems.push(format!("duplicate id {value:?}"));
                        }
                    } else if URL_ATTRIBUTES.contains(&name.as_str()) {
                        page.links.push(value);
                    } else if name == "srcset" {
                        // "url 2x, url 640w": the URL is each candidate's first word.
                        page.links.extend(
                            value
                                .split(',')
                                .filter_map(|candidate| candidate.split_whitespace().next())
                                .map(str::to_owned),
                        );
                    }
                }
            }
            Token::Error(error) => page.problems.push(format!("HTML syntax: {}", *error)),
            _ => {}
        }
    }
    page
}

/// Reads a Markdown page as GitHub would: link and image destinations, plus links and ids
/// of its inline HTML (ids get GitHub's `user-content-` prefix).
fn read_markdown(markdown: &str) -> Page {
    let mut page = Page::default();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                page.links.push(dest_url.into_string())
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let inline = read_html(&html);
                page.links.extend(inline.links);
                page.ids.extend(
                    inline
                        .ids
                        .into_iter()
                        .map(|id| format!("{GITHUB_ID_PREFIX}{id}")),
                );
            }
            _ => {}
        }
    }
    page
}

/// Where a link points.
enum Target {
    /// http(s) or protocol-relative: outside the site.
    External { host: String },
    /// `data:` and `mailto:` URLs need no file.
    SelfContained,
    /// A file of the site, and the fragment to find in it.
    Internal {
        file: String,
        fragment: Option<String>,
    },
}

/// Resolves `link`, found on the page at `page_path`, against the site's files.
fn resolve(page_path: &str, link: &str, files: &BTreeSet<String>) -> Result<Target, String> {
    let link = link.trim();
    if link.is_empty() {
        return Err("empty link".into());
    }
    let lower = link.to_ascii_lowercase();
    if let Some(rest) = ["https://", "http://", "//"]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))
    {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        return Ok(Target::External { host: host.into() });
    }
    if lower.starts_with("data:") || lower.starts_with("mailto:") {
        return Ok(Target::SelfContained);
    }
    let scheme_end = lower.find(':');
    let path_end = lower.find(['/', '?', '#']).unwrap_or(lower.len());
    if scheme_end.is_some_and(|colon| colon < path_end) {
        return Err("a URL scheme that is neither http(s), data nor mailto".into());
    }
    if link.starts_with('/') {
        return Err("root-absolute: breaks when the site is served under a sub-path".into());
    }
    let (before_fragment, fragment) = match link.split_once('#') {
        Some((before, fragment)) => (before, Some(site::percent_decode(fragment))),
        None => (link, None),
    };
    let path = site::percent_decode(before_fragment.split('?').next().unwrap_or_default());
    if path.is_empty() {
        return Ok(Target::Internal {
            file: page_path.into(),
            fragment,
        });
    }
    let mut segments: Vec<&str> = page_path.split('/').collect();
    segments.pop(); // the page's own file name
    let is_folder = path.ends_with('/') || path.ends_with("/.") || path == ".";
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Err("leaves the site's root folder".into());
                }
            }
            name => segments.push(name),
        }
    }
    let joined = segments.join("/");
    let file = if is_folder {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined
    };
    if files.contains(&file) {
        return Ok(Target::Internal { file, fragment });
    }
    if files.contains(&format!("{file}/index.html")) {
        return Err("a folder without its trailing slash (a redirect on GitHub Pages)".into());
    }
    Err(format!("no such file {file}"))
}

/// Checks every link of every HTML and Markdown page of the site built in `docs`.
fn check_site(docs: &Path) -> LinkReport {
    let files = site_files(docs);
    let mut pages: HashMap<&str, Page> = HashMap::new();
    let mut report = LinkReport::default();
    for file in &files {
        let read = if file.ends_with(".html") {
            report.html_pages += 1;
            read_html
        } else if file.ends_with(".md") {
            report.markdown_pages += 1;
            read_markdown
        } else {
            continue;
        };
        let source = std::fs::read_to_string(docs.join(file)).unwrap();
        pages.insert(file.as_str(), read(&source));
    }
    for (page_path, page) in &pages {
        for problem in &page.problems {
            report.broken.push(format!("{page_path}: {problem}"));
        }
        for link in &page.links {
            match resolve(page_path, link, &files) {
                Ok(Target::External { host }) => *report.external.entry(host).or_default() += 1,
                Ok(Target::SelfContained) => {}
                Ok(Target::Internal { file, fragment }) => {
                    report.internal += 1;
                    let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                        continue;
                    };
                    report.fragments += 1;
                    match pages.get(file.as_str()) {
                        Some(target) if target.ids.contains(&fragment) => {}
                        Some(_) => report.broken.push(format!(
                            "{page_path}: {link}: {file} has no element with id {fragment:?}"
                        )),
                        None => report.broken.push(format!(
                            "{page_path}: {link}: a fragment into {file}, which is not a page"
                        )),
                    }
                }
                Err(why) => report.broken.push(format!("{page_path}: {link}: {why}")),
            }
        }
    }
    report.broken.sort();
    report
}

/// The absolute links of the Atom and JSON feeds that point into the site (under the site's
/// `home_page_url`), as paths relative to the site's root; `None` before the feeds exist.
fn feed_links(docs: &Path) -> Option<(String, Vec<String>)> {
    let json = std::fs::read_to_string(docs.join("feed.json")).ok()?;
    let atom = std::fs::read_to_string(docs.join("feed.xml")).ok()?;
    let feed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let base = feed["home_page_url"].as_str().unwrap().to_string();
    let mut links: Vec<String> = vec![feed["feed_url"].as_str().unwrap().to_string()];
    links.extend(
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["url"].as_str().unwrap().to_string()),
    );
    let mut reader = quick_xml::Reader::from_str(&atom);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(tag) | quick_xml::events::Event::Empty(tag)
                if tag.local_name().as_ref() == "link" =>
            {
                if let Some(href) = tag.try_get_attribute("href").unwrap() {
                    let href = href
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap();
                    links.push(href.into_owned());
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let internal = links
        .into_iter()
        .filter_map(|link| link.strip_prefix(&base).map(str::to_owned))
        .map(|path| {
            if path.is_empty() {
                "./".to_string()
            } else {
                path
            }
        })
        .collect();
    Some((base, internal))
}

fn assert_no_broken_links(report: &LinkReport) {
    println!("{}", report.summary());
    assert!(
        report.broken.is_empty(),
        "{} broken links or anchors:\n{}",
        report.broken.len(),
        report.broken[..report.broken.len().min(60)].join("\n")
    );
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn every_link_of_the_imported_archive_resolves() {
    let repo = tempfile::tempdir().unwrap();
    let docs = site::build_archive_site(repo.path());
    let report = check_site(&docs);
    assert_no_broken_links(&report);
    // 243 day pages (242 imported, one run), each with an HTML and a Markdown version, and
    // each with its `next/` page in both.
    assert_eq!(report.markdown_pages, 2 * 243);
    // 243 days, 13 months (2025 and August 2026), 2 years and the home page; more pages
    // (status, search) may come.
    let days_months_years_home = 243 + 13 + 2 + 1;
    assert!(
        report.html_pages >= days_months_years_home,
        "days, months, years and home expected, got {} HTML pages",
        report.html_pages
    );
    // Every day page links back, forward, up and to each of its papers' anchors.
    assert!(report.internal > 10_000, "{}", report.summary());
    assert!(report.fragments > 2_000, "{}", report.summary());
    assert!(report.external.contains_key("arxiv.org"));
}

#[test]
fn feed_entries_lead_to_pages_and_papers_of_the_site() {
    let repo = tempfile::tempdir().unwrap();
    let docs = site::build_hostile_site(repo.path());
    let Some((base, links)) = feed_links(&docs) else {
        panic!("docs/feed.xml or docs/feed.json was not built");
    };
    let files = site_files(&docs);
    let mut pages: HashMap<&str, Page> = HashMap::new();
    for file in files.iter().filter(|f| f.ends_with(".html")) {
        let source = std::fs::read_to_string(docs.join(file)).unwrap();
        pages.insert(file.as_str(), read_html(&source));
    }
    let mut broken = Vec::new();
    for link in &links {
        // Relative to the root: resolve as if linked from the home page.
        match resolve("index.html", link, &files) {
            Ok(Target::Internal { file, fragment }) => {
                if let Some(fragment) = fragment
                    && !pages
                        .get(file.as_str())
                        .is_some_and(|p| p.ids.contains(&fragment))
                {
                    broken.push(format!("{base}{link}: no id {fragment:?} in {file}"));
                }
            }
            Ok(_) => unreachable!("{link} is under {base}"),
            Err(why) => broken.push(format!("{base}{link}: {why}")),
        }
    }
    println!("{} feed links into {base} checked", links.len());
    assert!(
        broken.is_empty(),
        "broken feed links:\n{}",
        broken.join("\n")
    );
    // Both feeds carry the five papers of the two days, each linking to its anchor.
    let anchored = links.iter().filter(|link| link.contains("#link")).count();
    assert!(
        anchored >= 10,
        "{anchored} paper links in the feeds: {links:?}"
    );
}

#[test]
fn every_link_of_the_hostile_site_resolves_and_none_is_a_script() {
    let repo = tempfile::tempdir().unwrap();
    let docs = site::build_hostile_site(repo.path());
    let report = check_site(&docs);
    // A `javascript:` link made live by a title or abstract would be reported as broken.
    assert_no_broken_links(&report);
    // Two days, each with its Markdown copy and the Markdown twin of its `next/` page.
    assert_eq!(report.markdown_pages, 4);
    assert!(report.internal > 20, "{}", report.summary());
}

#[test]
fn the_checker_reports_each_kind_of_breakage() {
    let repo = tempfile::tempdir().unwrap();
    let docs = site::build_hostile_site(repo.path());
    let day = "2026/08/14/index.html";
    std::fs::write(
        docs.join("2026/08/broken.html"),
        concat!(
            "<!DOCTYPE html><html><head><title>t</title></head><body>",
            "<p id=\"twice\">a</p><p id=\"twice\">b</p>",
            "<a href=\"14/\">fine</a> <a href=\"14/#link1\">fine anchor</a> ",
            "<a href=\"14/#user-content-link1\">GitHub-only anchor</a> ",
            "<a href=\"14/#no-such-paper\">missing anchor</a> ",
            "<a href=\"#nowhere\">missing own anchor</a> ",
            "<a href=\"../07/\">missing folder</a> <img src=\"14/missing.png\" alt=\"\"> ",
            "<a href=\"14\">no trailing slash</a> <a href=\"/2026/08/14/\">root-absolute</a> ",
            "<a href=\"javascript:alert(1)\">script</a> <a href=\"../../../../up\">escapes</a> ",
            "<a href=\"https://arxiv.org/abs/1\">external</a>",
            "<script>var s = '<a href=\"not-a-link.html\">';</script>",
            "</body></html>"
        ),
    )
    .unwrap();
    std::fs::write(
        docs.join("2026/08/14/index.md"),
        "[web](index.html) [missing](gone.md) [toc](#user-content-link9)\n\n<a id=\"link1\"></a>\n",
    )
    .unwrap();

    let report = check_site(&docs);
    let expected = [
        "2026/08/broken.html: duplicate id \"twice\"",
        "2026/08/broken.html: 14/#user-content-link1: 2026/08/14/index.html has no element with id \"user-content-link1\"",
        "2026/08/broken.html: 14/#no-such-paper: 2026/08/14/index.html has no element",
        "2026/08/broken.html: #nowhere: 2026/08/broken.html has no element",
        "2026/08/broken.html: ../07/: no such file 2026/07/index.html",
        "2026/08/broken.html: 14/missing.png: no such file",
        "2026/08/broken.html: 14: a folder without its trailing slash",
        "2026/08/broken.html: /2026/08/14/: root-absolute",
        "2026/08/broken.html: javascript:alert(1): a URL scheme",
        "2026/08/broken.html: ../../../../up: leaves the site's root folder",
        "2026/08/14/index.md: gone.md: no such file 2026/08/14/gone.md",
        "2026/08/14/index.md: #user-content-link9: 2026/08/14/index.md has no element",
    ];
    for problem in expected {
        assert!(
            report.broken.iter().any(|found| found.starts_with(problem)),
            "not reported: {problem}\nreported:\n{}",
            report.broken.join("\n")
        );
    }
    assert_eq!(
        report.broken.len(),
        expected.len(),
        "unexpected reports:\n{}",
        report.broken.join("\n")
    );
    assert!(
        !report.broken.iter().any(|b| b.contains("not-a-link")),
        "text inside <script> is not markup"
    );
    assert!(
        report.external["arxiv.org"] > 5,
        "papers link to arxiv.org: {:?}",
        report.external
    );
    // The planted page's good links were counted, and the day page itself is sound.
    assert!(
        !report.broken.iter().any(|b| b.starts_with(day)),
        "{}",
        report.broken.join("\n")
    );
}

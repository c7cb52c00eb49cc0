//! Every kind of page checked in headless Chromium: links lead where they say, a phone never
//! scrolls sideways, hostile text runs nothing, no page logs an error; and, with the site
//! features (search, MathML, status page, dark-mode toggle), that each works as a person uses it.
//!
//! Sites are built once per run by the real binary (the imported 242-day archive plus the real
//! cs.CL day; and a small hostile site) under `target/tmp/browser/` and served on loopback.
//! Screenshots land in `target/tmp/browser/screenshots/`. The tests need chromium,
//! chromedriver and `../shared/fixtures`, so they are `#[ignore]`d by a plain `cargo test`;
//! `.ci/run` runs them with `--include-ignored`, where anything missing fails.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/site.rs"]
mod site;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use browser::{Browser, StaticServer, Viewport, browser_tools};
use serde_json::{Value as Json, json};

const SITE_TITLE: &str = "Personalized Daily ArXiv Papers";

/// An archive paper with a unique title (2025-01-23, the day's second paper).
const SEARCH_TITLE: &str = "Irrational Complex Rotations Empower Low-bit Optimizers";
const SEARCH_DAY: &str = "2025/01/23/";
/// An archive paper whose abstract has math such as `$\nabla \log f_t$` (2025-04-28, first).
const MATH_DAY: &str = "2025/04/28/";
const MATH_TITLE: &str = "Score-Based Deterministic Density Sampling";

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The built sites and the server that serves them.
struct Sites {
    server: StaticServer,
    /// `docs/` of the archive site.
    archive: PathBuf,
    /// `docs/` of the hostile site.
    hostile: PathBuf,
    screenshots: PathBuf,
}

impl Sites {
    /// The archive site's URL for `path` (relative to its root).
    fn archive_url(&self, path: &str) -> String {
        self.server.url(&format!("archive/{path}"))
    }

    fn hostile_url(&self, path: &str) -> String {
        self.server.url(&format!("hostile/{path}"))
    }
}

/// Builds and serves the sites once for all tests of this file.
fn sites() -> &'static Sites {
    static SITES: OnceLock<Sites> = OnceLock::new();
    SITES.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
        if root.exists() {
            std::fs::remove_dir_all(&root).unwrap();
        }
        let archive = site::build_archive_site(&root.join("archive-repo"));
        let hostile = site::build_hostile_site(&root.join("hostile-repo"));
        let screenshots = root.join("screenshots");
        std::fs::create_dir_all(&screenshots).unwrap();
        let mounts = vec![
            ("hostile".to_string(), hostile.clone()),
            ("archive".to_string(), archive.clone()),
        ];
        Sites {
            server: StaticServer::start(mounts),
            archive,
            hostile,
            screenshots,
        }
    })
}

/// A fresh browser and the served sites.
async fn setup() -> (Browser, &'static Sites) {
    let tools = browser_tools();
    let sites = sites();
    (Browser::start(&tools).await, sites)
}

/// The title a page of the site must have, from its URL: home, `YYYY/`, `YYYY/MM/`, `YYYY/MM/DD/`.
fn expected_title(url: &str) -> String {
    let path = url.split('#').next().unwrap();
    let relative = path
        .split_once("/archive/")
        .or_else(|| path.split_once("/hostile/"))
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("{url} is not a page of a served site"));
    let parts: Vec<&str> = relative.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        [""] => SITE_TITLE.to_string(),
        [year] => format!("{SITE_TITLE} — {year}"),
        [year, month] => {
            let name = MONTHS[month.parse::<usize>().unwrap() - 1];
            format!("{SITE_TITLE} — {name} {year}")
        }
        [year, month, day] => format!("{SITE_TITLE} {year}-{month}-{day}"),
        _ => panic!("{url} is not a home, year, month or day page"),
    }
}

async fn assert_title_matches_url(browser: &Browser, url: &str) {
    assert_eq!(
        browser.title().await,
        expected_title(url),
        "wrong page at {url}"
    );
}

/// Clicks the link `css`, then checks the page it led to has the title its URL promises.
async fn follow(browser: &Browser, css: &str) -> String {
    let landed = browser.click_link(css).await;
    assert_title_matches_url(browser, &landed).await;
    landed
}

/// Marks the first element for which `predicate` (a JS function of an element) is true among
/// those matching `css`, so WebDriver can click it; returns whether one was found.
async fn mark(browser: &Browser, css: &str, predicate: &str) -> bool {
    browser
        .eval(
            &format!(
                "document.querySelectorAll('[data-test-target]').forEach((e) => e.removeAttribute('data-test-target'));
                 const found = [...document.querySelectorAll(arguments[0])].find({predicate});
                 if (found) {{ found.setAttribute('data-test-target', ''); }}
                 return Boolean(found);"
            ),
            vec![json!(css)],
        )
        .await
        == json!(true)
}

/// Fails unless the built site has `file`, naming the feature it belongs to.
fn require_site_feature(docs: &Path, file: &str, feature: &str) {
    assert!(
        docs.join(file).is_file(),
        "docs/{file} was not built, so {feature} is missing"
    );
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn day_month_and_year_links_lead_to_the_pages_they_name() {
    let (browser, sites) = setup().await;
    let home = sites.archive_url("");
    browser.open(&home).await;
    assert_title_matches_url(&browser, &home).await;

    // The home page shows the latest day; its previous day is the archive's last.
    let last_archive_day = follow(&browser, ".day-nav a[rel=prev]").await;
    assert!(last_archive_day.ends_with("/archive/2025/12/31/"));
    // A day's "Next day" leads through its `next/` page, which forwards at once.
    let latest = browser
        .click_forwarding_link(".day-nav a[rel=next]", &sites.archive_url("2026/08/13/"))
        .await;
    assert_title_matches_url(&browser, &latest).await;
    // The newest day's `next/` page says there is none yet, and links back.
    let none_yet = browser.click_link(".day-nav a[rel=next]").await;
    assert!(
        none_yet.ends_with("/archive/2026/08/13/next/"),
        "{none_yet}"
    );
    let text: Json = browser
        .eval("return document.body.textContent;", vec![])
        .await;
    assert!(
        text.as_str().unwrap().contains("No later day yet"),
        "{text}"
    );

    // Walk back a few days, each earlier than the one before.
    browser.open(&last_archive_day).await;
    let mut previous = last_archive_day.clone();
    for _ in 0..4 {
        let day = follow(&browser, ".day-nav a[rel=prev]").await;
        assert!(day < previous, "{day} is not before {previous}");
        previous = day;
    }

    // Day → month → neighbouring months → year → neighbouring years.
    let month = follow(&browser, ".day-nav li.up a").await;
    assert!(month.ends_with("/archive/2025/12/"));
    assert!(
        follow(&browser, ".day-nav a[rel=prev]")
            .await
            .ends_with("/2025/11/")
    );
    assert!(
        follow(&browser, ".day-nav a[rel=next]")
            .await
            .ends_with("/2025/12/")
    );
    assert!(
        follow(&browser, ".day-nav a[rel=next]")
            .await
            .ends_with("/2026/08/")
    );
    let year = follow(&browser, ".day-nav li.up a").await;
    assert!(year.ends_with("/archive/2026/"));
    assert!(
        follow(&browser, ".day-nav a[rel=prev]")
            .await
            .ends_with("/archive/2025/")
    );

    // Year → a month of its table → a day of the calendar.
    assert!(
        mark(
            &browser,
            "table.months a",
            "(a) => a.textContent.trim() === 'March'"
        )
        .await
    );
    assert!(
        follow(&browser, "[data-test-target]")
            .await
            .ends_with("/2025/03/")
    );
    let calendar_day = follow(&browser, "table.calendar td.has-page a").await;
    assert!(calendar_day.contains("/2025/03/"));
    let day_heading = browser.find("h1").await.text().await.unwrap();
    assert_eq!(
        day_heading,
        expected_title(&calendar_day),
        "the day page's heading"
    );

    // Month's top paper → its day page, scrolled to that paper.
    browser.open(&sites.archive_url("2025/03/")).await;
    let paper_title = browser
        .find("section.top-papers li a")
        .await
        .text()
        .await
        .unwrap();
    let paper = follow(&browser, "section.top-papers li a").await;
    assert!(paper.contains('#'), "{paper} has no anchor");
    let target = browser
        .eval(
            "const t = document.querySelector(':target');
             return t && { tag: t.tagName, title: t.querySelector('h2') && t.querySelector('h2').textContent,
                           top: t.getBoundingClientRect().top, height: window.innerHeight };",
            vec![],
        )
        .await;
    assert_eq!(
        target["tag"], "ARTICLE",
        "no paper is the target of {paper}"
    );
    assert!(
        target["title"].as_str().unwrap().contains(&paper_title),
        "{paper} shows {:?}, not {paper_title:?}",
        target["title"]
    );
    let top = target["top"].as_f64().unwrap();
    assert!(
        (-1.0..target["height"].as_f64().unwrap() / 2.0).contains(&top),
        "the target paper is not scrolled into view: its top is at {top}px"
    );

    // The header's Archive link, the home page's list of years, and the footer's home link.
    assert!(
        mark(
            &browser,
            ".site-nav a",
            "(a) => a.textContent.trim() === 'Archive'"
        )
        .await
    );
    assert!(
        follow(&browser, "[data-test-target]")
            .await
            .ends_with("/archive/#archive")
    );
    assert!(
        mark(
            &browser,
            "#archive .year-list a",
            "(a) => a.textContent.trim() === '2025'"
        )
        .await
    );
    assert!(
        follow(&browser, "[data-test-target]")
            .await
            .ends_with("/archive/2025/")
    );
    assert_eq!(follow(&browser, ".site-footer a").await, home);

    // The first day has no previous day, and its Markdown version is served as text.
    browser.open(&sites.archive_url("2025/01/17/")).await;
    assert!(browser.has(".day-nav li.prev .disabled").await);
    assert!(!browser.has(".day-nav a[rel=prev]").await);
    let markdown = browser
        .eval(
            "const link = [...document.querySelectorAll('a')].find((a) => a.textContent === 'Markdown version');
             return fetch(link.href).then(async (r) => [r.status, r.headers.get('content-type'), (await r.text()).length]);",
            vec![],
        )
        .await;
    assert_eq!(markdown[0], 200);
    assert!(markdown[1].as_str().unwrap().starts_with("text/markdown"));
    assert!(markdown[2].as_u64().unwrap() > 1000);
}

/// The pages a phone must show without sideways scrolling: home, month, year, and days chosen
/// for their length, long unbroken words and URLs, and math.
const PHONE_PAGES: [&str; 9] = [
    "",
    "2025/",
    "2025/09/",
    "2026/08/",
    "2025/01/17/",
    "2025/09/30/", // 107 papers
    "2025/10/28/", // a 152-character \href{...} URL in an abstract
    "2025/04/11/", // a URL inside math
    "2026/08/13/", // the real cs.CL day
];

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn pages_fit_a_375px_phone_without_sideways_scrolling() {
    let (browser, sites) = setup().await;
    browser.set_viewport(Viewport::Phone).await;
    let mut overflowing = Vec::new();
    let mut urls: Vec<String> = PHONE_PAGES
        .iter()
        .map(|page| sites.archive_url(page))
        .collect();
    // The hostile day has a 160-character word in a title and a 120-character URL.
    urls.extend(
        ["", "2026/08/14/", "2026/08/"]
            .iter()
            .map(|page| sites.hostile_url(page)),
    );
    for url in &urls {
        browser.open(url).await;
        let width = browser
            .eval("return document.documentElement.clientWidth;", vec![])
            .await;
        assert_eq!(width, 375, "the phone viewport is not in effect on {url}");
        if let Some(why) = browser.horizontal_overflow().await {
            overflowing.push(format!("{url}: {why}"));
        }
        for scroller in browser.inner_scrollers().await {
            println!("note: at 375 px on {url}, {scroller}");
        }
    }
    let day = sites.archive_url("2025/10/28/");
    browser.open(&day).await;
    let phone_shot = sites.screenshots.join("day-375.png");
    browser.screenshot(&phone_shot).await;
    browser.set_viewport(Viewport::Desktop).await;
    browser.open(&day).await;
    browser
        .screenshot(&sites.screenshots.join("day-1280.png"))
        .await;
    println!("screenshots of {day} in {}", sites.screenshots.display());
    assert!(
        overflowing.is_empty(),
        "pages scroll sideways at 375 px:\n{}",
        overflowing.join("\n")
    );
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn hostile_text_runs_nothing_and_shows_as_text() {
    let (browser, sites) = setup().await;
    // `open` fails on a payload that ran (window.__pwned), an alert, or an error.
    for page in ["", "2026/", "2026/08/", "2026/08/13/", "2026/08/14/"] {
        browser.open(&sites.hostile_url(page)).await;
        let live = browser
            .eval(
                "return {
                   scripts: [...document.scripts].filter((s) => !s.src).map((s) => s.textContent)
                     .filter((t) => /alert|__pwned|steal/.test(t)).length,
                   handlers: [...document.querySelectorAll('main *')].filter((e) =>
                     [...e.attributes].some((a) => a.name.startsWith('on'))).length,
                   scriptLinks: [...document.querySelectorAll('main [href], main [src]')].filter((e) =>
                     /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src'))).length,
                   frames: document.querySelectorAll('iframe, svg[onload], img[src=x]').length,
                   hidden: getComputedStyle(document.body).display === 'none',
                 };",
                vec![],
            )
            .await;
        assert_eq!(
            live,
            json!({ "scripts": 0, "handlers": 0, "scriptLinks": 0, "frames": 0, "hidden": false }),
            "live hostile markup on {page}"
        );
    }
    browser.open(&sites.hostile_url("2026/08/14/")).await;
    let shown = browser
        .eval(
            "return [...document.querySelectorAll('article.paper')].map((p) => p.textContent).join('\\n');",
            vec![],
        )
        .await;
    let shown = shown.as_str().unwrap();
    for text in [
        "\"><svg onload=window.__pwned=1>",
        "<img src=x onerror=\"window.__pwned=2\">",
        "<script>window.__pwned=3</script>",
        "javascript:window.__pwned=5",
    ] {
        assert!(shown.contains(text), "{text:?} is not shown as text");
    }
    browser.open(&sites.hostile_url("2026/08/13/")).await;
    let title = browser
        .find("article.paper :is(h2, h3) a")
        .await
        .text()
        .await
        .unwrap();
    assert!(title.contains("<script>alert(1)</script>"), "{title}");
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn the_page_checks_catch_errors_dialogs_failed_loads_and_missing_pages() {
    let (browser, sites) = setup().await;
    // A page the hook could not reach (the first, blank one) does not pass unseen.
    let problems = browser.problems().await.join("\n");
    assert!(problems.contains("hook is missing"), "{problems}");

    browser.open(&sites.hostile_url("")).await;
    browser
        .eval(
            "console.error('planted'); alert('planted'); setTimeout(() => { throw new Error('planted throw'); });
             const img = document.createElement('img'); img.src = 'missing.png'; document.body.append(img);",
            vec![],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let problems = browser.problems().await.join("\n");
    for expected in [
        "console.error: planted",
        "dialog: alert(planted)",
        "uncaught error",
        "Uncaught Error: planted throw",
        "failed to load img",
        "missing.png - Failed to load resource",
    ] {
        assert!(
            problems.contains(expected),
            "{expected:?} not caught in:\n{problems}"
        );
    }

    browser.visit(&sites.hostile_url("2031/")).await;
    let problems = browser.problems().await.join("\n");
    assert!(problems.contains("404"), "{problems}");
    assert_eq!(browser.title().await, "404 Not Found");
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn pages_follow_the_systems_dark_preference() {
    let (browser, sites) = setup().await;
    let url = sites.hostile_url("2026/08/14/");
    for (scheme, dark) in [("dark", true), ("light", false)] {
        browser
            .devtools(
                "Emulation.setEmulatedMedia",
                json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
            )
            .await;
        browser.open(&url).await;
        assert_eq!(
            is_dark(&browser).await,
            dark,
            "with a {scheme} system preference"
        );
    }
}

/// Whether the page's background is dark (relative luminance under one half).
async fn is_dark(browser: &Browser) -> bool {
    let luminance = browser
        .eval(
            "for (const element of [document.body, document.documentElement]) {
               const [r, g, b, a = 1] = getComputedStyle(element).backgroundColor.match(/[\\d.]+/g).map(Number);
               if (a > 0) { return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; }
             }
             return 1;",
            vec![],
        )
        .await;
    luminance.as_f64().unwrap() < 0.5
}

// ---- Site features: search, math, run health, dark mode. ----

/// Types `query` into the search page's box and waits for a result link whose text contains
/// `expected`; marks that link for clicking.
async fn search_for(browser: &Browser, query: &str, expected: &str) {
    let input = browser
        .find("input[type=search], input[name=q], form[role=search] input, input[type=text]")
        .await;
    input.send_keys(query).await.unwrap();
    let result =
        "(a) => a.textContent.includes(arguments[1]) && a.getAttribute('href').includes('#')";
    let find = format!("return [...document.querySelectorAll('main a[href]')].some({result});");
    browser
        .wait_for(
            &find,
            vec![json!(query), json!(expected)],
            &format!("a result link for {query:?} showing {expected:?}"),
        )
        .await;
    let marked = browser
        .eval(
            &format!(
                "const found = [...document.querySelectorAll('main a[href]')].find({result});
                 found.setAttribute('data-test-target', ''); return true;"
            ),
            vec![json!(query), json!(expected)],
        )
        .await;
    assert_eq!(marked, json!(true));
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn search_finds_a_known_paper_and_leads_to_it() {
    let (browser, sites) = setup().await;
    let search = sites.archive_url("search/");
    let docs = &sites.archive;
    require_site_feature(docs, "search/index.html", "the search page");
    require_site_feature(docs, "search/manifest.json", "the split search index");
    browser.open(&search).await;
    search_for(&browser, "Irrational Complex Rotations", SEARCH_TITLE).await;

    let loaded: Json = browser
        .eval(
            "return performance.getEntriesByType('resource').map((e) => e.name.split('/').pop());",
            vec![],
        )
        .await;
    let loaded: Vec<&str> = loaded
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Json::as_str)
        .collect();
    assert!(loaded.contains(&"manifest.json"), "loaded: {loaded:?}");
    assert!(loaded.contains(&"papers.json"), "loaded: {loaded:?}");
    assert!(
        loaded
            .iter()
            .any(|name| name.trim_end_matches(".json").parse::<u32>().is_ok()),
        "no chunk of the search index was loaded: {loaded:?}"
    );
    assert!(
        loaded.contains(&"01-23.json"),
        "the result's day file was not loaded: {loaded:?}"
    );

    browser.set_viewport(Viewport::Phone).await;
    if let Some(why) = browser.horizontal_overflow().await {
        panic!("the search page with results scrolls sideways at 375 px: {why}");
    }
    browser
        .screenshot(&sites.screenshots.join("search-375.png"))
        .await;
    browser.set_viewport(Viewport::Desktop).await;

    let landed = browser.click_link("[data-test-target]").await;
    let (page, anchor) = landed
        .split_once('#')
        .expect("the result links to an anchor");
    assert!(
        page.ends_with(&format!("/archive/{SEARCH_DAY}")),
        "{landed}"
    );
    assert_title_matches_url(&browser, page).await;
    let target = browser
        .eval(
            "const t = document.getElementById(arguments[0]); return t && t.textContent;",
            vec![json!(anchor)],
        )
        .await;
    assert!(
        target
            .as_str()
            .is_some_and(|text| text.contains(SEARCH_TITLE)),
        "#{anchor} on {page} is not the paper: {target}"
    );
}

/// The "Send my marks" links of the page's panel: each one's address and text.
async fn send_links(browser: &Browser) -> Vec<(String, String)> {
    let links = browser
        .eval(
            "return [...document.querySelectorAll('.marks-panel a.send-marks')].map((a) => [a.href, a.textContent]);",
            vec![],
        )
        .await;
    links
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_string(),
                pair[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The file name and the JSONL a GitHub new-file address carries.
fn new_file_of(address: &str) -> (String, String) {
    let url = url::Url::parse(address).unwrap();
    assert_eq!(url.host_str(), Some("github.com"), "{address}");
    assert_eq!(url.path(), "/alice/arxiv-digest/new/digest", "{address}");
    let get = |key: &str| {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("no {key} in {address}"))
    };
    (get("filename"), get("value"))
}

/// Clicks the element `css` finds.
async fn click(browser: &Browser, css: &str) {
    browser.find(css).await.click().await.unwrap();
}

/// Presses a send link without leaving the page (GitHub is not reachable from the tests).
async fn press_send_link(browser: &Browser, index: usize) {
    browser
        .eval(
            "const link = document.querySelectorAll('.marks-panel a.send-marks')[arguments[0]];
             link.addEventListener('click', (e) => e.preventDefault(), { once: true });
             link.click(); return true;",
            vec![json!(index)],
        )
        .await;
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn marks_become_a_new_file_on_github_that_imports_back_to_the_same_labels() {
    let (browser, sites) = setup().await;
    browser.open(&sites.archive_url(SEARCH_DAY)).await;
    let nth = |n: usize, what: &str| format!("article.paper:nth-of-type({n}) {what}");
    click(&browser, &nth(1, "button.star")).await;
    click(&browser, &nth(2, "button.not-for-me")).await;
    // Marked and taken back before sending: nothing to send for it.
    click(&browser, &nth(3, "button.star")).await;
    click(&browser, &nth(3, "button.star")).await;
    let cards = browser
        .eval(
            "return [...document.querySelectorAll('article.paper')].slice(0, 3).map((p) => [p.getAttribute('data-id'), p.querySelector('h2 a, h3 a').textContent, p.querySelector('button.star').textContent, p.querySelector('button.not-for-me').textContent]);",
            vec![],
        )
        .await;
    assert_eq!(cards[0][2], "★ Wanted");
    // The same paper's other cards on the page (its spotlight line) show the mark too.
    let spotlight = browser
        .eval(
            "return [...document.querySelectorAll('.spotlight li.paper-card')].map((li) => [li.getAttribute('data-id'), li.querySelector('button.star').textContent]);",
            vec![],
        )
        .await;
    let spotlight = spotlight.as_array().unwrap();
    assert!(!spotlight.is_empty(), "the spotlight lines carry marks");
    for line in spotlight {
        let wanted = line[0] == cards[0][0];
        assert_eq!(
            line[1],
            if wanted { "★ Wanted" } else { "☆ Want" },
            "{line}"
        );
    }
    assert_eq!(cards[1][3], "✕ Not for me");
    assert_eq!(cards[2][2], "☆ Want");
    let links = send_links(&browser).await;
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(links[0].1, "Send my marks to the repository");
    let (name, jsonl) = new_file_of(&links[0].0);
    assert!(
        name.starts_with("data/labels/") && name.ends_with(".jsonl"),
        "{name}"
    );
    let lines: Vec<Json> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{jsonl}");
    let (want, not) = (&lines[0], &lines[1]);
    let by_id = |id: &Json| lines.iter().find(|l| l["id"] == *id).unwrap().clone();
    let want_line = by_id(&cards[0][0]);
    let not_line = by_id(&cards[1][0]);
    assert_eq!(want_line["label"], "want");
    assert_eq!(not_line["label"], "not_for_me");
    assert_eq!(want_line["title"], cards[0][1].as_str().unwrap().trim());
    assert!(
        want_line["abstract"].as_str().unwrap().len() > 100,
        "{want}"
    );
    assert!(!want_line["authors"].as_str().unwrap().is_empty(), "{not}");
    assert_eq!(want_line["source"], "site");

    // The decoded file, committed as GitHub would, imports back to the same labels.
    let repo = tempfile::tempdir().unwrap();
    site::user_repo(repo.path(), "");
    std::fs::write(repo.path().join("marks.jsonl"), &jsonl).unwrap();
    site::papersift(repo.path())
        .args(["labels", "import", "marks.jsonl"])
        .assert()
        .success()
        .stdout(predicates::str::contains("2 new (want 1, not for me 1"));
    let listed = site::papersift(repo.path())
        .args(["labels", "list"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    for (card, label) in [(&cards[0], "want"), (&cards[1], "not_for_me")] {
        let id = card[0].as_str().unwrap();
        assert!(
            listed.lines().any(|l| l.contains(id) && l.contains(label)),
            "{id} {label} not in:
{listed}"
        );
    }

    // How the marks and the panel look, on a phone and a desktop, light and dark.
    for (viewport, width) in [(Viewport::Phone, 375), (Viewport::Desktop, 1280)] {
        let phone = matches!(viewport, Viewport::Phone);
        browser.set_viewport(viewport).await;
        if let Some(why) = browser.horizontal_overflow().await.filter(|_| phone) {
            panic!("the day page with marks scrolls sideways at 375 px: {why}");
        }
        for scheme in ["light", "dark"] {
            browser
                .devtools(
                    "Emulation.setEmulatedMedia",
                    json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
                )
                .await;
            for (place, css) in [
                ("card", "article.paper:nth-of-type(2) p.actions"),
                ("panel", ".reader-tools"),
            ] {
                browser
                    .eval(
                        "const e = document.querySelector(arguments[0]); e.scrollIntoView({ block: 'center' }); return true;",
                        vec![json!(css)],
                    )
                    .await;
                let name = format!("marks-{place}-{width}-{scheme}.png");
                browser.screenshot(&sites.screenshots.join(name)).await;
            }
        }
    }
    browser.set_viewport(Viewport::Desktop).await;

    // Sent marks are remembered: nothing left to send, and the page says when.
    press_send_link(&browser, 0).await;
    browser.reload().await;
    browser
        .wait_for(
            "const s = document.querySelector('.marks-panel .marks-status'); return s !== null && s.textContent.includes('Marks last sent');",
            vec![],
            "the panel saying when marks were last sent",
        )
        .await;
    assert!(send_links(&browser).await.is_empty());
    // Taking a sent mark back sends a "cleared" line.
    click(&browser, &nth(1, "button.star")).await;
    let links = send_links(&browser).await;
    let (_, jsonl) = new_file_of(&links[0].0);
    let cleared: Json = serde_json::from_str(jsonl.trim()).unwrap();
    assert_eq!(cleared["id"], cards[0][0]);
    assert_eq!(cleared["label"], "cleared");
    click(&browser, &nth(1, "button.star")).await;

    browser.set_viewport(Viewport::Desktop).await;
    browser.assert_clean("the day page with marks").await;
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn many_marks_are_split_into_files_each_under_githubs_address_limit() {
    let (browser, sites) = setup().await;
    browser.open(&sites.archive_url(SEARCH_DAY)).await;
    let marked = browser
        .eval(
            "const ids = [];
             document.querySelectorAll('article.paper').forEach((p) => { p.querySelector('button.star').click(); ids.push(p.getAttribute('data-id')); });
             return ids;",
            vec![],
        )
        .await;
    let marked: std::collections::BTreeSet<String> = marked
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let links = send_links(&browser).await;
    assert!(links.len() > 1, "{} papers fit one address", marked.len());
    let mut sent = std::collections::BTreeSet::new();
    let mut names = std::collections::BTreeSet::new();
    for (index, (address, text)) in links.iter().enumerate() {
        assert!(
            address.len() <= 6000,
            "part {index} is {} characters",
            address.len()
        );
        assert_eq!(text, &format!("Send part {} of {}", index + 1, links.len()));
        let (name, jsonl) = new_file_of(address);
        names.insert(name);
        for line in jsonl.lines() {
            let line: Json = serde_json::from_str(line).unwrap();
            assert_eq!(line["label"], "want");
            sent.insert(line["id"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(sent, marked, "every mark in exactly the parts");
    assert_eq!(names.len(), links.len(), "each part its own file");
    let status = browser
        .eval(
            "return document.querySelector('.marks-panel .marks-status').textContent;",
            vec![],
        )
        .await;
    assert!(
        status
            .as_str()
            .unwrap()
            .contains(&format!("in {} files", links.len())),
        "{status}"
    );
    // Marks show on the other pages' cards too: the search result of a marked paper.
    press_send_link(&browser, 0).await;
    assert_eq!(send_links(&browser).await.len(), links.len() - 1);
    browser.assert_clean("the day page with many marks").await;
}

/// Whether the page's first paper shows as starred and read, and its star button's text.
async fn reader_state(browser: &Browser) -> Json {
    browser
        .eval(
            "const p = document.querySelector('article.paper'); return [p.classList.contains('is-starred'), p.classList.contains('is-read'), p.querySelector('button.star').textContent];",
            vec![],
        )
        .await
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn starred_and_read_papers_are_remembered_after_a_reload() {
    let (browser, sites) = setup().await;
    browser.open(&sites.archive_url(SEARCH_DAY)).await;
    let first = "article.paper:nth-of-type(1)";
    browser
        .find(&format!("{first} button.star"))
        .await
        .click()
        .await
        .unwrap();
    browser
        .find(&format!("{first} button.mark-read"))
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(
        reader_state(&browser).await,
        json!([true, true, "★ Wanted"])
    );
    browser.reload().await;
    browser
        .wait_for(
            "return document.querySelector('article.paper button.star') !== null;",
            vec![],
            "the reader buttons after a reload",
        )
        .await;
    assert_eq!(
        reader_state(&browser).await,
        json!([true, true, "★ Wanted"])
    );
    // The relevance floor hides papers below it, and stays too.
    let hidden = browser
        .eval(
            "const f = document.getElementById('relevance-floor'); f.value = '9'; f.dispatchEvent(new Event('change')); return [...document.querySelectorAll('article.paper')].filter((p) => p.hidden).length;",
            vec![],
        )
        .await;
    assert!(hidden.as_u64().unwrap() > 0, "{hidden}");
    browser.assert_clean("the day page with reader state").await;
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn copy_bibtex_copies_the_entry_shown_under_the_paper() {
    let (browser, sites) = setup().await;
    browser.open(&sites.archive_url(SEARCH_DAY)).await;
    // Headless Chromium has no system clipboard to read back: the page's own clipboard call is
    // watched instead, and answers as a browser that copied.
    let copied = browser
        .eval(
            "window.__copied = null;
             navigator.clipboard.writeText = (text) => { window.__copied = text; return Promise.resolve(); };
             const button = document.querySelector('article.paper button.copy-bibtex');
             if (button.hidden) { return 'hidden'; }
             button.click();
             return 'clicked';",
            vec![],
        )
        .await;
    assert_eq!(
        copied,
        json!("clicked"),
        "the button shows once JavaScript runs"
    );
    browser
        .wait_for(
            "return window.__copied !== null && document.querySelector('article.paper button.copy-bibtex').textContent === 'Copied';",
            vec![],
            "the BibTeX entry on the clipboard",
        )
        .await;
    let (text, shown) = {
        let both = browser
            .eval(
                "const paper = document.querySelector('article.paper'); return [window.__copied, paper.querySelector('details.bibtex pre').textContent];",
                vec![],
            )
            .await;
        (
            both[0].as_str().unwrap().to_string(),
            both[1].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(text, shown, "what is copied is the entry in the page");
    assert!(text.starts_with("@misc{arxiv"), "{text}");
    assert!(
        text.contains("archivePrefix={arXiv}") && text.contains("eprint={"),
        "{text}"
    );
    browser
        .assert_clean("the day page after copying BibTeX")
        .await;
}

/// Opens the search page at `url`, waits for its "… found." status and returns each result's
/// visible text.
async fn search_results(browser: &Browser, url: &str) -> Vec<String> {
    browser.open(url).await;
    browser
        .wait_for(
            "return /found\\.$/.test(document.getElementById('search-status').textContent);",
            vec![],
            &format!("the results of {url}"),
        )
        .await;
    let results = browser
        .eval(
            "return [...document.querySelectorAll('#search-results li')].map((li) => li.innerText);",
            vec![],
        )
        .await;
    results
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|text| text.as_str().map(str::to_string))
        .collect()
}

/// The archive site's searchable papers (first listings only) as lower-case word lists of
/// their title, authors, comment and abstract, with their titles.
fn searchable_texts(sites: &Sites) -> Vec<(String, Vec<String>)> {
    let data = sites.archive.parent().unwrap().join("data");
    let records = papersift::record::load_all(&data).unwrap();
    let mut papers = Vec::new();
    for record in records.iter().filter(|r| r.status.has_page()) {
        for paper in record.selected().filter(|p| p.listed_before.is_none()) {
            let text = [
                paper.title.as_str(),
                &paper.authors.join(" "),
                paper.scores.as_ref().map_or("", |s| s.comment.as_str()),
                paper.reason.as_deref().unwrap_or(""),
                paper
                    .spotlight
                    .as_ref()
                    .and_then(|s| s.comment.as_deref())
                    .unwrap_or(""),
                paper.abstract_text.as_deref().unwrap_or(""),
            ]
            .join(" ")
            .to_lowercase();
            let words = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            papers.push((paper.title.clone(), words));
        }
    }
    papers
}

/// The number in the search page's "N papers found." status.
async fn found_count(browser: &Browser) -> usize {
    let status = browser
        .eval(
            "return document.getElementById('search-status').textContent;",
            vec![],
        )
        .await;
    let status = status.as_str().unwrap();
    status
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {status:?}"))
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn search_matches_whole_words_not_parts_of_words() {
    let (browser, sites) = setup().await;
    let results = search_results(&browser, &sites.archive_url("search/?q=gan")).await;
    let papers = searchable_texts(sites);
    let whole = papers
        .iter()
        .filter(|(_, words)| words.iter().any(|w| w == "gan"))
        .count();
    let parts = papers
        .iter()
        .filter(|(_, words)| words.iter().any(|w| w.contains("gan")))
        .count();
    assert!(
        whole > 0 && parts > whole,
        "{whole} whole-word, {parts} substring"
    );
    assert_eq!(found_count(&browser).await, whole);
    for text in &results {
        assert!(
            !text.to_lowercase().contains("organ") || regex_lite_word("gan")(text),
            "{text:?}"
        );
    }
    // Opened from a link, the page reserves the results' space: nothing jumps as they load.
    let shift = browser
        .eval(
            "return new Promise((done) => new PerformanceObserver((list) => done(list.getEntries().filter((e) => !e.hadRecentInput).reduce((sum, e) => sum + e.value, 0))).observe({type: 'layout-shift', buffered: true}));",
            vec![],
        )
        .await;
    assert!(
        shift.as_f64().unwrap() < 0.1,
        "cumulative layout shift {shift} opening search/?q=gan"
    );
    browser.assert_clean("the search page for gan").await;
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn search_finds_a_paper_by_words_only_its_abstract_has() {
    let (browser, sites) = setup().await;
    let phrase = ["corresponding", "rotation", "angles"];
    let papers = searchable_texts(sites);
    let holding: Vec<&String> = papers
        .iter()
        .filter(|(_, words)| phrase.iter().all(|p| words.iter().any(|w| w == p)))
        .map(|(title, _)| title)
        .collect();
    assert_eq!(holding, [SEARCH_TITLE], "the phrase is this paper's alone");
    let title = SEARCH_TITLE.to_lowercase();
    let mut title_words = title.split(|c: char| !c.is_alphanumeric());
    assert!(
        title_words.all(|word| !phrase.contains(&word)),
        "only the abstract has them"
    );
    let url = sites.archive_url("search/?q=%22the+corresponding+rotation+angles%22");
    let results = search_results(&browser, &url).await;
    assert_eq!(found_count(&browser).await, 1);
    assert!(results[0].contains(SEARCH_TITLE), "{results:?}");
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn search_filters_by_author() {
    let (browser, sites) = setup().await;
    let results = search_results(&browser, &sites.archive_url("search/?author=Bengio")).await;
    let results: Vec<&str> = results.iter().map(String::as_str).collect();
    assert!(!results.is_empty());
    for text in results.iter().filter(|t| !t.contains("et al.")) {
        assert!(text.contains("Bengio"), "{text:?}");
    }
    let field = browser
        .eval(
            "return document.getElementById('search-author').value;",
            vec![],
        )
        .await;
    assert_eq!(field, json!("Bengio"));
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn search_filters_by_year() {
    let (browser, sites) = setup().await;
    let url = sites.archive_url("search/?q=quantization&from=2025-01-01&to=2025-12-31");
    let in_2025 = search_results(&browser, &url).await;
    assert!(!in_2025.is_empty());
    assert!(
        in_2025.iter().all(|text| text.contains("2025-")),
        "{in_2025:?}"
    );
    let year = browser
        .eval(
            "return document.getElementById('search-year').value;",
            vec![],
        )
        .await;
    assert_eq!(
        year,
        json!("2025"),
        "a whole year's range shows as that year"
    );
    // Choosing a year fills the dates.
    let dates = browser
        .eval(
            "const y = document.getElementById('search-year'); y.value = ''; y.dispatchEvent(new Event('change')); y.value = '2025'; y.dispatchEvent(new Event('change')); return [document.getElementById('search-from').value, document.getElementById('search-to').value];",
            vec![],
        )
        .await;
    assert_eq!(dates, json!(["2025-01-01", "2025-12-31"]));
}

/// A test for a whole word starting with `prefix`, case-insensitive.
fn regex_lite_word(prefix: &str) -> impl Fn(&str) -> bool + '_ {
    move |text: &str| {
        let lower = text.to_lowercase();
        lower.match_indices(prefix).any(|(at, _)| {
            at == 0
                || !lower[..at]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
        })
    }
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn search_filters_by_topic() {
    let (browser, sites) = setup().await;
    // The live day of the archive site was scored by the keyword scorer, which gives topics.
    let data = sites.archive.parent().unwrap().join("data");
    let records = papersift::record::load_all(&data).unwrap();
    let mut per_topic: std::collections::BTreeMap<String, usize> = Default::default();
    for record in records.iter().filter(|r| r.status.has_page()) {
        for paper in record.selected() {
            for topic in paper
                .topics
                .iter()
                .flat_map(|t| std::iter::once(&t.primary).chain(&t.also))
            {
                *per_topic.entry(topic.clone()).or_default() += 1;
            }
        }
    }
    let (topic, count) = per_topic
        .iter()
        .max_by_key(|(_, count)| **count)
        .expect("the live day has topics");
    browser
        .open(&format!("{}?topic={topic}", sites.archive_url("search/")))
        .await;
    let expected = if *count == 1 {
        "1 paper found.".to_string()
    } else {
        format!("{count} papers found.")
    };
    browser
        .wait_for(
            "return document.getElementById('search-status').textContent === arguments[0];",
            vec![json!(expected)],
            &format!("{expected:?} for topic {topic}"),
        )
        .await;
    let chosen = browser
        .eval(
            "return document.getElementById('search-topic').value;",
            vec![],
        )
        .await;
    assert_eq!(chosen, json!(topic));
    browser
        .assert_clean("the search page filtered by topic")
        .await;
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn search_shows_hostile_titles_and_queries_as_text() {
    let (browser, sites) = setup().await;
    require_site_feature(&sites.hostile, "search/index.html", "the search page");
    browser.open(&sites.hostile_url("search/")).await;
    search_for(&browser, "Sparsity", "<svg onload=window.__pwned=1>").await;
    browser
        .assert_clean("the search results for hostile titles")
        .await;

    // The query itself may be echoed ("no results for ..."): it must stay text too.
    browser.open(&sites.hostile_url("search/")).await;
    let input = browser
        .find("input[type=search], input[name=q], form[role=search] input, input[type=text]")
        .await;
    input
        .send_keys("<img src=x onerror=window.__pwned=11>")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    browser.assert_clean("a hostile search query").await;
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn math_in_titles_and_abstracts_renders_as_visible_mathml() {
    let (browser, sites) = setup().await;
    let day = sites.archive_url(MATH_DAY);
    browser.open(&day).await;
    assert!(
        mark(
            &browser,
            "article.paper",
            &format!("(p) => p.querySelector('h2').textContent.includes({MATH_TITLE:?})")
        )
        .await,
        "{MATH_TITLE} is not on {day}"
    );
    let math = browser
        .eval(
            "const abstract = document.querySelector('[data-test-target] .abstract');
             const maths = [...abstract.querySelectorAll('math')];
             return { count: maths.length,
                      visible: maths.filter((m) => { const b = m.getBoundingClientRect();
                        return b.width > 0 && b.height > 0 && getComputedStyle(m).visibility === 'visible'; }).length,
                      dollars: (abstract.textContent.match(/\\$/g) || []).length };",
            vec![],
        )
        .await;
    assert!(
        math["count"].as_u64().unwrap() > 0,
        "no <math> element in the abstract of {MATH_TITLE} on {day}: server-side MathML is missing"
    );
    assert_eq!(
        math["visible"], math["count"],
        "some math is invisible: {math}"
    );
    assert_eq!(
        math["dollars"], 0,
        "TeX delimiters are left in the abstract: {math}"
    );

    // A title's math, and math-shaped payloads, on the hostile day.
    browser.open(&sites.hostile_url("2026/08/14/")).await;
    let title_math = browser
        .eval(
            "const h = [...document.querySelectorAll('article.paper :is(h2, h3)')].find((h) => h.textContent.includes('models with'));
             return h.querySelectorAll('math msub, math msubsup').length;",
            vec![],
        )
        .await;
    assert!(
        title_math.as_u64().unwrap() > 0,
        "$W_{{4}}A_{{8}}$ in a title is not MathML with subscripts"
    );
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn status_page_shows_run_health_and_leads_to_days() {
    let (browser, sites) = setup().await;
    let status = sites.archive_url("status/");
    let docs = &sites.archive;
    require_site_feature(docs, "status/index.html", "the run-health page");
    browser.open(&status).await;
    assert!(
        browser.title().await.to_lowercase().contains("status")
            || browser.title().await.to_lowercase().contains("health"),
        "the status page's title is {:?}",
        browser.title().await
    );
    assert!(
        mark(
            &browser,
            "main a[href]",
            "(a) => /\\/\\d{4}\\/\\d\\d\\/\\d\\d\\/$/.test(a.href)"
        )
        .await,
        "the status page links to no day page"
    );
    browser.set_viewport(Viewport::Phone).await;
    if let Some(why) = browser.horizontal_overflow().await {
        panic!("the status page scrolls sideways at 375 px: {why}");
    }
    browser
        .screenshot(&sites.screenshots.join("status-375.png"))
        .await;
    browser.set_viewport(Viewport::Desktop).await;
    follow(&browser, "[data-test-target]").await;
}

#[ignore = "needs Chromium and chromedriver (and ../shared/fixtures)"]
#[tokio::test]
async fn dark_mode_toggle_switches_and_survives_a_reload() {
    let (browser, sites) = setup().await;
    let url = sites.hostile_url("2026/08/14/");
    browser.open(&url).await;
    let toggle = "[data-theme-toggle], #theme-toggle, .theme-toggle, button[aria-label*=theme i], \
                  button[aria-label*=dark i], button[title*=theme i], button[title*=dark i]";
    assert!(browser.has(toggle).await, "no dark-mode toggle on {url}");
    assert!(!is_dark(&browser).await, "headless Chromium prefers light");
    // A toggle may cycle through auto, light and dark: click until the page turns.
    for wanted in [true, false] {
        let mut clicks = 0;
        while is_dark(&browser).await != wanted {
            assert!(
                clicks < 3,
                "three clicks did not turn the page dark={wanted}"
            );
            browser.find(toggle).await.click().await.unwrap();
            clicks += 1;
        }
        browser.reload().await;
        assert_eq!(
            is_dark(&browser).await,
            wanted,
            "the choice dark={wanted} was lost on reload"
        );
        if wanted {
            browser
                .screenshot(&sites.screenshots.join("day-dark-1280.png"))
                .await;
        }
        browser.open(&sites.hostile_url("")).await;
        assert_eq!(
            is_dark(&browser).await,
            wanted,
            "the choice dark={wanted} does not carry to another page"
        );
        browser.open(&url).await;
    }
}

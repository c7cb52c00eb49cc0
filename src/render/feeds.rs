//! `feed.xml` (Atom 1.0) and `feed.json` (JSON Feed 1.1): the selected papers of the newest
//! days, whole days until there are at least [`FEED_PAPERS`] (so a reader who looks once a day
//! misses none), one entry per paper, abstracts cut to [`FEED_ABSTRACT_CHARS`]: each run
//! rewrites the feeds, so their size is bounded by a day or two, not fourteen whole days.
//!
//! An entry's id is the paper's arXiv abstract URL, which never changes between builds or days;
//! a paper on two recent days is one entry, dated by its newest day. Dates come from the page
//! dates (midnight UTC), never from the clock. The Atom feed is written with quick-xml, which
//! escapes every text and attribute; characters XML 1.0 forbids are dropped first.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use anyhow::{Context, Result};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Serialize;

use crate::config::Config;
use crate::paper::abs_url;
use crate::record::{DayRecord, PaperRecord};

use super::topic_pages::TopicPapers;
use super::view::{base_url, paper_anchor, paper_comment, topic_path};
use super::{day_path, math, textmode};

/// The site-wide feeds carry whole days, newest first, until they hold at least this many
/// papers.
pub(crate) const FEED_PAPERS: usize = 30;

/// An abstract in a feed is cut at a word end within this many characters (the entry links
/// to the whole paper).
pub(crate) const FEED_ABSTRACT_CHARS: usize = 300;

/// Authors an entry names (a 200-author paper would otherwise fill a feed); the content says
/// how many there are.
const FEED_AUTHORS: usize = 10;

/// A topic's feed carries its newest papers, whole days, until it holds at least this many
/// (at most the papers its page shows).
pub(crate) const TOPIC_FEED_PAPERS: usize = 12;

/// A feed's `updated` when there is no day yet: fixed, so empty feeds are reproducible too.
const NO_DATE: &str = "1970-01-01T00:00:00Z";

/// One paper of a feed.
struct Entry<'a> {
    /// `https://arxiv.org/abs/2603.01234`: the entry id and the paper's page.
    arxiv_url: String,
    /// The paper on its day page, absolute.
    day_url: String,
    /// RFC 3339 timestamp of the page date.
    updated: String,
    paper: &'a PaperRecord,
    /// False on keyword-scored days, whose novelty is a placeholder.
    judges_novelty: bool,
}

/// The newest day records that hold the feeds' [`FEED_PAPERS`] papers, newest first.
pub(crate) fn newest_records(
    site: &super::SiteModel<'_>,
    source: &dyn super::RecordSource,
) -> Result<Vec<Arc<DayRecord>>> {
    let mut records = Vec::new();
    let mut papers = BTreeSet::new();
    for summary in site.pages().iter().rev() {
        if papers.len() >= FEED_PAPERS {
            break;
        }
        let record = source.record(summary.date)?;
        papers.extend(record.selected().map(|p| p.id.clone()));
        records.push(record);
    }
    Ok(records)
}

/// The papers of `records` (newest day first), in page order within a day; a paper already
/// listed on a newer day is left out.
fn entries<'a>(base: &str, records: &'a [Arc<DayRecord>]) -> Vec<Entry<'a>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for record in records {
        let updated = format!("{}T00:00:00Z", record.date);
        for (number, paper) in super::groups::numbered_papers(record) {
            if !seen.insert(paper.id.as_str()) {
                continue;
            }
            out.push(Entry {
                arxiv_url: abs_url(&paper.id),
                day_url: format!("{base}{}#{}", day_path(record.date), paper_anchor(number)),
                updated: updated.clone(),
                paper,
                judges_novelty: super::view::judges_novelty(record),
            });
        }
    }
    out
}

/// An abstract as a feed carries it: plain text, cut at a word end within
/// [`FEED_ABSTRACT_CHARS`] with an ellipsis.
fn feed_abstract(abstract_text: &str) -> String {
    let plain = textmode::text_to_plain(abstract_text);
    match plain.char_indices().nth(FEED_ABSTRACT_CHARS) {
        None => plain,
        Some((cut, _)) => {
            let head = &plain[..cut];
            let end = head.rfind(char::is_whitespace).unwrap_or(cut);
            format!("{}…", head[..end].trim_end())
        }
    }
}

/// The entry's body as HTML: authors, abstract, comment, scores and the arXiv link. TeX stays
/// as TeX, since feed readers strip MathML.
fn content_html(entry: &Entry<'_>) -> String {
    let paper = entry.paper;
    let escape = math::escape_html;
    let mut html = String::with_capacity(2048);
    if let Some(tldr) = &paper.tldr {
        html.push_str(&format!("<p><strong>TL;DR:</strong> {}</p>", escape(tldr)));
    }
    if !paper.authors.is_empty() {
        html.push_str(&format!(
            "<p><strong>Authors:</strong> {}</p>",
            escape(&super::view::short_authors(&paper.authors))
        ));
    }
    if let Some(abstract_text) = &paper.abstract_text {
        html.push_str(&format!("<p>{}</p>", escape(&feed_abstract(abstract_text))));
    }
    if let Some(comment) = paper_comment(paper) {
        html.push_str(&format!(
            "<p><strong>Comment:</strong> {}</p>",
            escape(&comment)
        ));
    }
    match &paper.scores {
        Some(scores) if entry.judges_novelty => html.push_str(&format!(
            "<p><strong>Relevance:</strong> {} · <strong>Novelty:</strong> {}</p>",
            scores.relevance, scores.novelty
        )),
        Some(scores) => html.push_str(&format!(
            "<p><strong>Relevance:</strong> {}</p>",
            scores.relevance
        )),
        None => html.push_str("<p>Not scored: selected for its author.</p>"),
    }
    html.push_str(&format!(
        "<p><a href=\"{}\">arXiv:{}</a></p>",
        escape(&entry.arxiv_url),
        escape(&paper.id)
    ));
    html
}

/// Text with the characters XML 1.0 cannot carry (most C0 controls, U+FFFE, U+FFFF) removed.
fn xml_safe(text: &str) -> Cow<'_, str> {
    let forbidden = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if text.contains(forbidden) {
        Cow::Owned(text.chars().filter(|&c| !forbidden(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// What an Atom feed says about itself.
struct FeedHead {
    /// The feed's own path below the site root (`feed.xml`, `topics/<id>/feed.xml`).
    self_path: String,
    /// The page the feed belongs to, below the site root (`""` for the home page).
    page_path: String,
    title: String,
    subtitle: String,
    /// RFC 3339 time of the newest entry's day.
    updated: String,
}

/// What the site-wide feeds say they are.
fn site_feed_description() -> String {
    "The selected arXiv papers of the newest days".to_string()
}

/// `feed.xml`: an Atom 1.0 feed of the newest papers (`records` newest first).
pub(crate) fn atom(config: &Config, records: &[Arc<DayRecord>]) -> Result<Vec<u8>> {
    let base = base_url(config);
    let entries = entries(&base, records);
    let head = FeedHead {
        self_path: "feed.xml".into(),
        page_path: String::new(),
        title: config.site.title.clone(),
        subtitle: site_feed_description(),
        updated: records
            .first()
            .map_or_else(|| NO_DATE.to_string(), |r| format!("{}T00:00:00Z", r.date)),
    };
    atom_document(config, &head, &entries)
}

/// `topics/<id>/feed.xml`: the topic's newest papers.
pub(crate) fn topic_atom(config: &Config, topic: &TopicPapers<'_>) -> Result<Vec<u8>> {
    let base = base_url(config);
    let entries: Vec<Entry<'_>> = topic
        .papers
        .iter()
        .enumerate()
        // Whole days: stop at the first paper of a new day once enough are in.
        .take_while(|&(at, &(record, _, _))| {
            at < TOPIC_FEED_PAPERS || topic.papers[at - 1].0.date == record.date
        })
        .map(|(_, &(record, number, paper))| Entry {
            arxiv_url: abs_url(&paper.id),
            day_url: format!("{base}{}#{}", day_path(record.date), paper_anchor(number)),
            updated: format!("{}T00:00:00Z", record.date),
            paper,
            judges_novelty: super::view::judges_novelty(record),
        })
        .collect();
    let head = FeedHead {
        self_path: format!("{}feed.xml", topic_path(&topic.id)),
        page_path: topic_path(&topic.id),
        title: format!("{} — {}", config.site.title, topic.label),
        subtitle: format!("The newest selected arXiv papers on {}", topic.label),
        updated: entries
            .first()
            .map_or_else(|| NO_DATE.to_string(), |e| e.updated.clone()),
    };
    atom_document(config, &head, &entries)
}

fn atom_document(config: &Config, head: &FeedHead, entries: &[Entry<'_>]) -> Result<Vec<u8>> {
    let base = base_url(config);
    let title = xml_safe(&head.title);
    let site_title = xml_safe(&config.site.title);
    let mut writer = Writer::new_with_indent(Vec::with_capacity(256 * 1024), b' ', 1);
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
        .context("cannot write the Atom feed")?;
    writer
        .create_element("feed")
        .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
        .write_inner_content(|w| {
            text_element(w, "id", &format!("{base}{}", head.page_path))?;
            text_element(w, "title", &title)?;
            text_element(w, "subtitle", &xml_safe(&head.subtitle))?;
            text_element(w, "updated", &head.updated)?;
            link(
                w,
                "self",
                "application/atom+xml",
                &format!("{base}{}", head.self_path),
            )?;
            link(
                w,
                "alternate",
                "text/html",
                &format!("{base}{}", head.page_path),
            )?;
            w.create_element("author")
                .write_inner_content(|w| text_element(w, "name", &site_title))?;
            text_element(w, "generator", "papersift")?;
            for entry in entries {
                atom_entry(w, entry)?;
            }
            Ok(())
        })
        .context("cannot write the Atom feed")?;
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

fn atom_entry(w: &mut Writer<Vec<u8>>, entry: &Entry<'_>) -> std::io::Result<()> {
    let paper = entry.paper;
    w.create_element("entry").write_inner_content(|w| {
        text_element(w, "id", &entry.arxiv_url)?;
        w.create_element("title")
            .with_attribute(("type", "text"))
            .write_text_content(BytesText::new(&xml_safe(&textmode::text_to_clean(
                &paper.title,
            ))))?;
        text_element(w, "updated", &entry.updated)?;
        text_element(w, "published", &entry.updated)?;
        link(w, "alternate", "text/html", &entry.day_url)?;
        link(w, "related", "text/html", &entry.arxiv_url)?;
        for author in paper.authors.iter().take(FEED_AUTHORS) {
            w.create_element("author")
                .write_inner_content(|w| text_element(w, "name", &xml_safe(author)))?;
        }
        for category in &paper.categories {
            w.create_element("category")
                .with_attribute(("term", xml_safe(category).as_ref()))
                .write_empty()?;
        }
        // No <summary>: the content carries the (cut) abstract, and readers show one or the other.
        w.create_element("content")
            .with_attribute(("type", "html"))
            .write_text_content(BytesText::new(&xml_safe(&content_html(entry))))?;
        Ok(())
    })?;
    Ok(())
}

fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> std::io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, kind: &str, href: &str) -> std::io::Result<()> {
    w.create_element("link")
        .with_attribute(("rel", rel))
        .with_attribute(("type", kind))
        .with_attribute(("href", xml_safe(href).as_ref()))
        .write_empty()?;
    Ok(())
}

/// JSON Feed 1.1, top level.
#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    description: String,
    language: &'static str,
    authors: [JsonAuthor<'a>; 1],
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    external_url: &'a str,
    title: String,
    content_html: String,
    date_published: &'a str,
    date_modified: &'a str,
    authors: Vec<JsonAuthor<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
}

/// `feed.json`: a JSON Feed 1.1 of the newest papers, the same entries as `feed.xml`.
pub(crate) fn json_feed(config: &Config, records: &[Arc<DayRecord>]) -> Result<Vec<u8>> {
    let base = base_url(config);
    let entries = entries(&base, records);
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &config.site.title,
        home_page_url: &base,
        feed_url: format!("{base}feed.json"),
        description: site_feed_description(),
        language: "en",
        authors: [JsonAuthor {
            name: &config.site.title,
        }],
        items: entries
            .iter()
            .map(|entry| JsonItem {
                id: &entry.arxiv_url,
                url: &entry.day_url,
                external_url: &entry.arxiv_url,
                title: textmode::text_to_clean(&entry.paper.title),
                content_html: content_html(entry),
                date_published: &entry.updated,
                date_modified: &entry.updated,
                authors: entry
                    .paper
                    .authors
                    .iter()
                    .take(FEED_AUTHORS)
                    .map(|name| JsonAuthor { name })
                    .collect(),
                tags: &entry.paper.categories,
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&feed).context("cannot write the JSON feed")?;
    bytes.push(b'\n');
    Ok(bytes)
}

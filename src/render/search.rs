//! The static search index: `search/manifest.json` lists the half-months and their paper
//! counts, `search/index-YYYY-MM-1.json` (days 1-15) and `-2.json` (16 to the end) hold their
//! selected papers. The search page loads the manifest, then only the files its date range
//! needs, newest first, so a multi-year archive stays quick on a phone. A new day rewrites only
//! its own half-month's file (at most about 180 KB) and the manifest, never a year's.
//!
//! To stay small the index is compact JSON of arrays, not objects, and holds no abstracts:
//!
//! ```text
//! index-2026-03-1.json  {"v":3,"month":"2026-03","half":1,"days":["2026-03-02",…],"topics":["model-architecture",…],
//!                   "papers":[[day, number, id, title, authors, comment, relevance, novelty, [topic,…]],…]}
//! ```
//! `day` indexes `days`; `number` is the paper's place on its day page (its anchor is
//! `#link{number}`); `comment`, `relevance` and `novelty` are `null` when unknown; the last
//! element indexes `topics` (the paper's main topic first), empty for papers without topics.
//! The topic filter's choices are on the search page itself.

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::Serialize;

use crate::record::{DayRecord, DaySummary};

use super::view::paper_comment;
use super::{OutputFile, YearMonth};

/// Version of the index format, checked by `search.js`.
pub(crate) const INDEX_VERSION: u32 = 3;

/// One month of the index.
#[derive(Serialize)]
struct MonthIndex<'a> {
    v: u32,
    month: String,
    half: u8,
    days: Vec<String>,
    topics: Vec<&'a str>,
    papers: Vec<IndexedPaper<'a>>,
}

/// `[day, number, id, title, authors, comment, relevance, novelty, topics]`.
type IndexedPaper<'a> = (
    usize,
    usize,
    &'a str,
    String,
    String,
    Option<String>,
    Option<u8>,
    Option<u8>,
    Vec<usize>,
);

/// The manifest: every month with papers, newest first.
#[derive(Serialize)]
struct Manifest {
    v: u32,
    total: usize,
    chunks: Vec<ManifestChunk>,
}

/// `[month, half, count, first, last]`: `"2026-03"`, 1 for days 1-15 and 2 for the rest, the
/// papers in its file (`index-2026-03-1.json`), and its first and last page dates. Arrays, not
/// objects, because ten years make 240 of them and every run rewrites the manifest.
type ManifestChunk = (String, u8, usize, String, String);

/// 1 for the days 1-15 of a month, 2 for the rest: each has its own index file.
fn half_of(date: Date) -> u8 {
    if date.day() <= 15 { 1 } else { 2 }
}

/// `search/index-2026-03-1.json` and `search/index-2026-03-2.json`, the month's two files.
pub(crate) fn month_file_paths(month: YearMonth) -> [String; 2] {
    [1, 2].map(|half| format!("search/{}", chunk_file_name(month, half)))
}

fn chunk_file_name(month: YearMonth, half: u8) -> String {
    format!("index-{month}-{half}.json")
}

/// The manifest, from the summaries of the day pages (oldest first).
pub(crate) fn manifest(pages: &[&DaySummary]) -> Result<OutputFile> {
    let mut manifest = Manifest {
        v: INDEX_VERSION,
        total: 0,
        chunks: Vec::new(),
    };
    let chunk_of = |date: Date| (YearMonth::of(date), half_of(date));
    for chunk_pages in pages.chunk_by(|a, b| chunk_of(a.date) == chunk_of(b.date)) {
        let (month, half) = chunk_of(chunk_pages[0].date);
        let count: usize = chunk_pages.iter().map(|p| p.first_listed).sum();
        manifest.chunks.push((
            month.to_string(),
            half,
            count,
            chunk_pages[0].date.to_string(),
            chunk_pages[chunk_pages.len() - 1].date.to_string(),
        ));
        manifest.total += count;
    }
    manifest.chunks.reverse();
    let mut bytes = serde_json::to_vec(&manifest).context("cannot write the search manifest")?;
    bytes.push(b'\n');
    Ok(OutputFile {
        path: "search/manifest.json".into(),
        bytes,
    })
}

/// A month's index files (one per half-month with pages), from its day pages (oldest first).
pub(crate) fn month_files(month: YearMonth, pages: &[&DayRecord]) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    for chunk in pages.chunk_by(|a, b| half_of(a.date) == half_of(b.date)) {
        let half = half_of(chunk[0].date);
        let index = month_index(month, half, chunk);
        let mut bytes = serde_json::to_vec(&index)
            .with_context(|| format!("cannot write the search index of {month}"))?;
        bytes.push(b'\n');
        files.push(OutputFile {
            path: format!("search/{}", chunk_file_name(month, half)).into(),
            bytes,
        });
    }
    Ok(files)
}

fn month_index<'a>(month: YearMonth, half: u8, pages: &[&'a DayRecord]) -> MonthIndex<'a> {
    let mut papers = Vec::new();
    let mut topics: Vec<&str> = Vec::new();
    for (day, record) in pages.iter().enumerate() {
        for (number, paper) in super::groups::numbered_papers(record) {
            // A paper listed again is found once, where it was first listed.
            if paper.listed_before.is_some() {
                continue;
            }
            let (relevance, novelty) = paper.scores.as_ref().map_or((None, None), |s| {
                let novelty = super::view::judges_novelty(record).then_some(s.novelty);
                (Some(s.relevance), novelty)
            });
            let topic_indices = paper
                .topics
                .iter()
                .flat_map(|t| std::iter::once(&t.primary).chain(&t.also))
                .map(|id| match topics.iter().position(|known| known == id) {
                    Some(index) => index,
                    None => {
                        topics.push(id);
                        topics.len() - 1
                    }
                })
                .collect();
            papers.push((
                day,
                number,
                paper.id.as_str(),
                super::math::text_to_plain(&paper.title),
                paper.authors.join(", "),
                paper_comment(paper),
                relevance,
                novelty,
                topic_indices,
            ));
        }
    }
    MonthIndex {
        v: INDEX_VERSION,
        month: month.to_string(),
        half,
        days: pages.iter().map(|r| r.date.to_string()).collect(),
        topics,
        papers,
    }
}

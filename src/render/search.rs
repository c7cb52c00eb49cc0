//! The static search index: `search/manifest.json` lists the months and their paper counts,
//! `search/index-YYYY-MM.json` holds one month's selected papers. The search page loads the
//! manifest, then only the months its date range and year need, newest first, so a multi-year
//! archive stays quick on a phone. A new day rewrites only its own month's file (tens of
//! kilobytes) and the manifest, never a year's.
//!
//! To stay small the index is compact JSON of arrays, not objects, and holds no abstracts:
//!
//! ```text
//! index-2026-03.json  {"v":3,"month":"2026-03","days":["2026-03-02",…],"topics":["model-architecture",…],
//!                   "papers":[[day, number, id, title, authors, comment, relevance, novelty, [topic,…]],…]}
//! ```
//! `day` indexes `days`; `number` is the paper's place on its day page (its anchor is
//! `#link{number}`); `comment`, `relevance` and `novelty` are `null` when unknown; the last
//! element indexes `topics` (the paper's main topic first), empty for papers without topics.
//! The topic filter's choices are on the search page itself.

use anyhow::{Context, Result};
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

#[derive(Serialize)]
struct ManifestChunk {
    year: i16,
    /// `2026-03`.
    month: String,
    /// The index file, relative to the search page.
    file: String,
    count: usize,
    /// First and last page date of the month.
    first: String,
    last: String,
}

/// `search/index-2026-03.json`.
pub(crate) fn month_file_path(month: YearMonth) -> String {
    format!("search/{}", month_file_name(month))
}

fn month_file_name(month: YearMonth) -> String {
    format!("index-{month}.json")
}

/// The manifest, from the summaries of the day pages (oldest first).
pub(crate) fn manifest(pages: &[&DaySummary]) -> Result<OutputFile> {
    let mut manifest = Manifest {
        v: INDEX_VERSION,
        total: 0,
        chunks: Vec::new(),
    };
    for month_pages in pages.chunk_by(|a, b| YearMonth::of(a.date) == YearMonth::of(b.date)) {
        let month = YearMonth::of(month_pages[0].date);
        let count: usize = month_pages.iter().map(|p| p.first_listed).sum();
        manifest.chunks.push(ManifestChunk {
            year: month.year,
            month: month.to_string(),
            file: month_file_name(month),
            count,
            first: month_pages[0].date.to_string(),
            last: month_pages[month_pages.len() - 1].date.to_string(),
        });
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

/// One month's index file, from its day pages (oldest first).
pub(crate) fn month_file(month: YearMonth, pages: &[&DayRecord]) -> Result<OutputFile> {
    let index = month_index(month, pages);
    let mut bytes = serde_json::to_vec(&index)
        .with_context(|| format!("cannot write the search index of {month}"))?;
    bytes.push(b'\n');
    Ok(OutputFile {
        path: month_file_path(month).into(),
        bytes,
    })
}

fn month_index<'a>(month: YearMonth, pages: &[&'a DayRecord]) -> MonthIndex<'a> {
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
        days: pages.iter().map(|r| r.date.to_string()).collect(),
        topics,
        papers,
    }
}

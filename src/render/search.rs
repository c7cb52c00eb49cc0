//! The static search index: `search/manifest.json` lists the years and their paper counts,
//! `search/index-YYYY.json` holds one year's selected papers. The search page loads the
//! manifest, then only the years its date range needs, newest first, so a multi-year archive
//! stays quick on a phone. A new day rewrites only its own year's file and the manifest.
//!
//! To stay small the index is compact JSON of arrays, not objects, and holds no abstracts:
//!
//! ```text
//! index-2026.json  {"v":2,"year":2026,"days":["2026-03-02",…],"topics":["model-architecture",…],
//!                   "papers":[[day, number, id, title, authors, comment, relevance, novelty, [topic,…]],…]}
//! ```
//! `day` indexes `days`; `number` is the paper's place on its day page (its anchor is
//! `#link{number}`); `comment`, `relevance` and `novelty` are `null` when unknown; the last
//! element indexes `topics` (the paper's main topic first), empty for papers without topics.
//! The topic filter's choices are on the search page itself.

use anyhow::{Context, Result};
use serde::Serialize;

use crate::record::DayRecord;

use super::OutputFile;
use super::view::paper_comment;

/// Version of the index format, checked by `search.js`.
pub(crate) const INDEX_VERSION: u32 = 2;

/// One year of the index.
#[derive(Serialize)]
struct YearIndex<'a> {
    v: u32,
    year: i16,
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

/// The manifest: every year with papers, newest first.
#[derive(Serialize)]
struct Manifest {
    v: u32,
    total: usize,
    years: Vec<ManifestYear>,
}

#[derive(Serialize)]
struct ManifestYear {
    year: i16,
    /// The index file, relative to the search page.
    file: String,
    count: usize,
    /// First and last page date of the year with a page.
    first: String,
    last: String,
}

/// The manifest and one index file per year, from the day pages (oldest first).
pub(crate) fn search_files(pages: &[&DayRecord]) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    let mut manifest = Manifest {
        v: INDEX_VERSION,
        total: 0,
        years: Vec::new(),
    };
    for year_pages in pages.chunk_by(|a, b| a.date.year() == b.date.year()) {
        let year = year_pages[0].date.year();
        let index = year_index(year, year_pages);
        let file = format!("index-{year:04}.json");
        manifest.years.push(ManifestYear {
            year,
            file: file.clone(),
            count: index.papers.len(),
            first: year_pages[0].date.to_string(),
            last: year_pages[year_pages.len() - 1].date.to_string(),
        });
        manifest.total += index.papers.len();
        let mut bytes = serde_json::to_vec(&index)
            .with_context(|| format!("cannot write the search index of {year}"))?;
        bytes.push(b'\n');
        files.push(OutputFile {
            path: format!("search/{file}").into(),
            bytes,
        });
    }
    manifest.years.reverse();
    let mut bytes = serde_json::to_vec(&manifest).context("cannot write the search manifest")?;
    bytes.push(b'\n');
    files.push(OutputFile {
        path: "search/manifest.json".into(),
        bytes,
    });
    Ok(files)
}

fn year_index<'a>(year: i16, pages: &[&'a DayRecord]) -> YearIndex<'a> {
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
    YearIndex {
        v: INDEX_VERSION,
        year,
        days: pages.iter().map(|r| r.date.to_string()).collect(),
        topics,
        papers,
    }
}

//! The static search index: an inverted index of every listed paper's title, authors, arXiv
//! ID, comments and abstract, in segments so a daily run rewrites only its month's, and in
//! chunks of neighbouring words so a query downloads only the words it asks for. `search.js`
//! reads it in four steps, each a handful of parallel requests:
//!
//! ```text
//! search/manifest.json           {"v":4,"total":N,"stop":[stop words],
//!                                 "segments":[[name, first day, last day, papers],…]}  newest first
//! search/<segment>/papers.json   {"v":4,"days":[day,…],"counts":[papers a day,…],
//!                                 "chunks":[first word of each chunk,…]}
//! search/<segment>/<n>.json      {"v":4,"words":[[word, postings],…]}  (see index.rs)
//! search/<segment>/scores.json   {"v":4,"scores":"…"}  read for the minimum-score filter only
//! search/days/<YYYY>/<MM-DD>.json {"v":4,"papers":[[number, id, title, authors, more authors,
//!                                  comment, relevance, novelty],…]}
//! ```
//!
//! A segment is every year before the newest (`earlier`), a month of the newest year before the
//! newest month (`2025-05`), or a half of the newest month (`2025-06-1` for days 1-15, `-2`):
//! at most fourteen, however long the archive. A paper is numbered within its segment in day order, then page
//! order; `counts` maps the number to its day, and its place in that day's file. `scores` has
//! a character a paper: its relevance plus novelty (the neutral 5 on days without novelty) as
//! a base-32 digit, `~` when it has no scores (a followed author's paper). `number` is
//! its place on the day page (anchor `#link{number}`); `more authors` counts the authors past
//! the first three listed; `comment`, `relevance` and `novelty` are `null` when unknown. A paper
//! listed again is found once, on its first day.

mod index;
mod terms;

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::Serialize;

use crate::record::{DayRecord, DaySummary, PaperRecord};

use super::view::paper_comment;
use super::{OutputFile, YearMonth};

pub(crate) use index::SegmentBuilder;
#[cfg(test)]
pub(crate) use index::decode_postings;

/// Version of the index format, checked by `search.js`.
pub(crate) const INDEX_VERSION: u32 = 4;

/// Authors listed in a result before "et al.".
const AUTHORS_SHOWN: usize = 3;

/// A part of the index that is written as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Segment {
    /// Every year before the newest: written when a year begins, which renders the whole site
    /// anyway, so a query reads one chunk a word for all those years.
    Earlier,
    /// A month of the newest year before the newest month: written once, when the next month
    /// begins.
    Month(YearMonth),
    /// Days 1-15 (1) or 16 to the end (2) of the newest month: rewritten while its days arrive,
    /// so a run rewrites at most half a month's index.
    Half(YearMonth, u8),
}

impl Segment {
    /// The segment a day's papers are in, when `newest` is the month of the archive's newest
    /// page.
    pub(crate) fn of(date: Date, newest: YearMonth) -> Segment {
        let month = YearMonth::of(date);
        if date.year() < newest.year {
            Segment::Earlier
        } else if month < newest {
            Segment::Month(month)
        } else {
            Segment::Half(month, if date.day() <= 15 { 1 } else { 2 })
        }
    }

    /// Every segment a month's days can be in, whichever month is the newest.
    pub(crate) fn all_of(month: YearMonth) -> [Segment; 3] {
        [
            Segment::Month(month),
            Segment::Half(month, 1),
            Segment::Half(month, 2),
        ]
    }

    fn name(self) -> String {
        match self {
            Segment::Earlier => "earlier".to_string(),
            Segment::Month(month) => month.to_string(),
            Segment::Half(month, half) => format!("{month}-{half}"),
        }
    }

    /// The folder holding the segment's files: everything in it is the segment's.
    pub(crate) fn folder(self) -> String {
        format!("search/{}/", self.name())
    }
}

/// The day file of `date`, listing its searchable papers for the results: in a folder a year,
/// which keeps the list of a year's generated files beside them.
pub(crate) fn day_file_path(date: Date) -> String {
    format!(
        "search/days/{:04}/{:02}-{:02}.json",
        date.year(),
        date.month(),
        date.day()
    )
}

/// The papers of a day the index holds, in page order with their page numbers: all listed
/// ones but those listed on an earlier day.
pub(crate) fn searchable_papers(record: &DayRecord) -> Vec<(usize, &PaperRecord)> {
    super::groups::numbered_papers(record)
        .into_iter()
        .filter(|(_, paper)| paper.listed_before.is_none())
        .collect()
}

/// The manifest: every segment with its days and paper count, newest first.
#[derive(Serialize)]
struct Manifest {
    v: u32,
    total: usize,
    stop: &'static [&'static str],
    segments: Vec<(String, String, String, usize)>,
}

/// The manifest, from the summaries of the day pages (oldest first).
pub(crate) fn manifest(pages: &[&DaySummary]) -> Result<OutputFile> {
    let newest = pages
        .last()
        .map_or(YearMonth { year: 0, month: 1 }, |p| YearMonth::of(p.date));
    let mut manifest = Manifest {
        v: INDEX_VERSION,
        total: 0,
        stop: &terms::STOP_WORDS,
        segments: Vec::new(),
    };
    let segment_of = |date: Date| Segment::of(date, newest);
    for segment_pages in pages.chunk_by(|a, b| segment_of(a.date) == segment_of(b.date)) {
        let count: usize = segment_pages.iter().map(|p| p.first_listed).sum();
        manifest.segments.push((
            segment_of(segment_pages[0].date).name(),
            segment_pages[0].date.to_string(),
            segment_pages[segment_pages.len() - 1].date.to_string(),
            count,
        ));
        manifest.total += count;
    }
    manifest.segments.reverse();
    json_file("search/manifest.json".into(), &manifest)
}

/// A segment's table of papers.
#[derive(Serialize)]
struct PapersFile<'a> {
    v: u32,
    days: Vec<String>,
    counts: Vec<usize>,
    chunks: &'a [String],
}

/// A segment's scores, apart because only the minimum-score filter needs them.
#[derive(Serialize)]
struct ScoresFile<'a> {
    v: u32,
    scores: &'a str,
}

/// A finished segment's files: its table of papers and its chunks.
pub(crate) fn segment_files(
    segment: Segment,
    mut built: SegmentBuilder,
) -> Result<Vec<OutputFile>> {
    let folder = segment.folder();
    let chunks = built.chunks();
    let table = PapersFile {
        v: INDEX_VERSION,
        days: built
            .days
            .iter()
            .map(|(date, _)| date.to_string())
            .collect(),
        counts: built.days.iter().map(|&(_, count)| count).collect(),
        chunks: &chunks.first_words,
    };
    let scores = ScoresFile {
        v: INDEX_VERSION,
        scores: &built.scores,
    };
    let mut files = vec![
        json_file(format!("{folder}papers.json"), &table)?,
        json_file(format!("{folder}scores.json"), &scores)?,
    ];
    files.extend(
        chunks
            .files
            .into_iter()
            .enumerate()
            .map(|(number, bytes)| OutputFile {
                path: format!("{folder}{number}.json").into(),
                bytes,
            }),
    );
    Ok(files)
}

/// A day's file for the results.
#[derive(Serialize)]
struct DayFile {
    v: u32,
    papers: Vec<ResultRow>,
}

/// `[number, id, title, authors, more authors, comment, relevance, novelty]`.
type ResultRow = (
    usize,
    String,
    String,
    String,
    usize,
    Option<String>,
    Option<u8>,
    Option<u8>,
);

/// The day file of a day page: what a result shows of each of its searchable papers.
pub(crate) fn day_file(record: &DayRecord) -> Result<OutputFile> {
    let judges_novelty = super::view::judges_novelty(record);
    let papers = searchable_papers(record)
        .into_iter()
        .map(|(number, paper)| {
            let (relevance, novelty) = paper.scores.as_ref().map_or((None, None), |s| {
                (Some(s.relevance), judges_novelty.then_some(s.novelty))
            });
            (
                number,
                paper.id.clone(),
                super::textmode::text_to_clean(&paper.title),
                paper.authors[..paper.authors.len().min(AUTHORS_SHOWN)].join(", "),
                paper.authors.len().saturating_sub(AUTHORS_SHOWN),
                paper_comment(paper).map(|c| super::textmode::text_to_clean(&c)),
                relevance,
                novelty,
            )
        })
        .collect();
    let file = DayFile {
        v: INDEX_VERSION,
        papers,
    };
    json_file(day_file_path(record.date), &file)
        .with_context(|| format!("cannot write the search file of {}", record.date))
}

fn json_file(path: String, value: &impl Serialize) -> Result<OutputFile> {
    let mut bytes = serde_json::to_vec(value).with_context(|| format!("cannot write {path}"))?;
    bytes.push(b'\n');
    Ok(OutputFile {
        path: path.into(),
        bytes,
    })
}

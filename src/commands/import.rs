//! `papersift import`: turns an archive of the tool we replace (gpt_paper_assistant and its fork
//! ChatGPT-ArXiv-Paper-Assistant) into day records, one per `YYYY-MM-DD-output.json`.
//!
//! Each archive file maps arXiv IDs to the papers the old tool selected that day. Every entry
//! becomes a selected [`PaperRecord`]: title and authors TeX-decoded, the `arXiv:… Announce
//! Type: … Abstract:` prefix of early files stripped (its version and announce type kept),
//! RELEVANCE/NOVELTY/COMMENT as [`Scores`]. Author matches carry no scores; their record says
//! "Author match (imported)" in `reason`, since the archive does not say which author matched.
//! The archive lists only the selected papers, so the feed's totals stay unknown (`None`).

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail, ensure};
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::config::Config;
use crate::paper::{AnnounceType, decode_tex, split_version, strip_bidi};
use crate::record::{
    self, Counts, DayRecord, DayStatus, Decision, PaperRecord, SCHEMA_VERSION, ScorerKind, Scores,
    Source, SourceKind, Usage,
};

/// The day note of every imported record, shown to the reader instead of made-up totals.
pub(crate) const IMPORT_NOTE: &str = "Imported from the archive of the previous tool, which kept only the selected papers: the day's feed totals are unknown.";

/// `reason` of an author match: the archive does not name the author that matched.
pub const AUTHOR_MATCH_REASON: &str = "Author match (imported)";

/// Archive files carry this suffix after their date.
const OUTPUT_SUFFIX: &str = "-output.json";

/// How many failing files an error lists before summarising the rest.
const LISTED_FAILURES: usize = 20;

/// One converted archive file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImportedDay {
    pub record: DayRecord,
    /// Author names the old tool had split at a comma inside an affiliation
    /// (`Liu (Univ. A`, `Dept. B)`), re-joined into one name.
    pub rejoined_authors: usize,
}

/// What an import did, for the summary printed to the user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// Days written to `data/` (new, or overwritten with `--force`), oldest first.
    pub imported: Vec<Date>,
    /// Days left alone because `data/` already had a record of that date.
    pub skipped: Vec<Date>,
    /// Papers in the imported days.
    pub papers: usize,
    /// Files under the archive folder that are not `YYYY-MM-DD-output.json`.
    pub ignored_files: usize,
    /// Author names re-joined in the imported days (see [`ImportedDay::rejoined_authors`]).
    pub rejoined_authors: usize,
}

impl ImportReport {
    /// A few lines for the person running the import.
    pub(crate) fn summary(&self) -> String {
        let mut lines = vec![format!(
            "imported {} days ({} papers)",
            self.imported.len(),
            self.papers
        )];
        if !self.skipped.is_empty() {
            lines.push(format!(
                "skipped {} days that already have a record (--force overwrites them): {}",
                self.skipped.len(),
                date_list(&self.skipped)
            ));
        }
        if self.ignored_files > 0 {
            lines.push(format!(
                "ignored {} other files (only YYYY-MM-DD-output.json files are read)",
                self.ignored_files
            ));
        }
        if self.rejoined_authors > 0 {
            lines.push(format!(
                "re-joined {} author names the old tool had split at a comma inside an affiliation",
                self.rejoined_authors
            ));
        }
        lines.join("\n")
    }
}

/// Dates for a summary line: all of a few, or the first ones and a count.
fn date_list(dates: &[Date]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = dates.iter().take(SHOWN).map(Date::to_string).collect();
    match dates.len().checked_sub(SHOWN) {
        Some(rest) if rest > 0 => format!("{} and {rest} more", shown.join(", ")),
        _ => shown.join(", "),
    }
}

/// An archive file found under the import folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArchiveFile {
    /// The date in the file name: the old tool's page date.
    pub date: Date,
    pub path: PathBuf,
    /// The path below the import folder with `/` separators, kept as the record's origin.
    pub relative: String,
}

/// The archive files under a folder (sorted by date) and how many other files sat beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ArchiveListing {
    pub files: Vec<ArchiveFile>,
    pub ignored: usize,
}

/// `papersift import DIR [--force]`: imports, prints the summary, then re-renders `docs/`.
pub fn execute(config: &Config, dir: &Path, force: bool) -> Result<ExitCode> {
    let _lock = super::lock_repository(config)?;
    let data_dir = config.data_dir();
    let report = import_dir(dir, &data_dir, config, force)?;
    println!("{}", report.summary());
    println!("records are in {}", data_dir.display());
    // The records are saved already; a failed render must not read as a failed import.
    let changed = super::build::build(config).context(
        "the imported days are saved in data/, but re-rendering docs/ failed; run `papersift build` once that is fixed",
    )?;
    println!(
        "built {}: {changed} files changed",
        config.output_dir().display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Imports every `YYYY-MM-DD-output.json` under `dir` into `data_dir`. Any folder layout works
/// (the old repository's `out/json/YYYY-MM/`, or the files in one folder); hidden folders
/// such as `.git` are not searched. Every file is converted before the first write, so a
/// malformed entry anywhere stops the import with nothing written. A date that already has a
/// record is skipped unless `force`. Writes are atomic and skip unchanged content, so importing
/// twice changes no byte.
pub fn import_dir(
    dir: &Path,
    data_dir: &Path,
    config: &Config,
    force: bool,
) -> Result<ImportReport> {
    let listing = find_archive_files(dir)?;
    ensure!(
        !listing.files.is_empty(),
        "no YYYY-MM-DD-output.json files under {} ({} other files); point papersift import at the old tool's out/json folder",
        dir.display(),
        listing.ignored
    );
    let mut days = Vec::with_capacity(listing.files.len());
    let mut failures = Vec::new();
    for file in &listing.files {
        match read_archive_file(file, &config.arxiv.categories) {
            Ok(day) => days.push(day),
            Err(error) => failures.push(format!("{error:#}")),
        }
    }
    if !failures.is_empty() {
        let mut message = format!(
            "{} of {} archive files could not be converted; nothing was imported:",
            failures.len(),
            listing.files.len()
        );
        for failure in failures.iter().take(LISTED_FAILURES) {
            message.push_str(&format!("\n  - {failure}"));
        }
        if failures.len() > LISTED_FAILURES {
            message.push_str(&format!(
                "\n  - and {} more",
                failures.len() - LISTED_FAILURES
            ));
        }
        bail!(message);
    }

    let mut report = ImportReport {
        ignored_files: listing.ignored,
        ..ImportReport::default()
    };
    for day in days {
        let date = day.record.date;
        if !force && record::record_path(data_dir, date).exists() {
            report.skipped.push(date);
            continue;
        }
        record::save(data_dir, &day.record)?;
        report.imported.push(date);
        report.papers += day.record.papers.len();
        report.rejoined_authors += day.rejoined_authors;
    }
    Ok(report)
}

fn read_archive_file(file: &ArchiveFile, categories: &[String]) -> Result<ImportedDay> {
    let text = std::fs::read_to_string(&file.path)
        .with_context(|| format!("cannot read {}", file.path.display()))?;
    convert_day(&text, file.date, &file.relative, categories)
        .with_context(|| format!("{}", file.path.display()))
}

/// Finds the archive files under `dir`, recursively. Two files of the same date are an error:
/// which one is the archive would be a guess.
pub(crate) fn find_archive_files(dir: &Path) -> Result<ArchiveListing> {
    ensure!(
        dir.is_dir(),
        "{} is not a folder; give the folder that holds the old tool's YYYY-MM-DD-output.json files",
        dir.display()
    );
    let mut listing = ArchiveListing::default();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .with_context(|| format!("cannot list {}", folder.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", folder.display()))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry
                .file_type()
                .with_context(|| format!("cannot inspect {}", path.display()))?;
            // Symlinked folders are not followed, so a link cycle cannot trap the walk.
            if kind.is_dir() {
                if !name.starts_with('.') {
                    folders.push(path);
                }
                continue;
            }
            let Some(date_text) = output_file_date(&name) else {
                listing.ignored += 1;
                continue;
            };
            let date: Date = date_text.parse().with_context(|| {
                format!("{} is named for a day that does not exist", path.display())
            })?;
            let relative = relative_path(dir, &path);
            listing.files.push(ArchiveFile {
                date,
                path,
                relative,
            });
        }
    }
    listing
        .files
        .sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.path.cmp(&b.path)));
    if let Some(pair) = listing.files.windows(2).find(|w| w[0].date == w[1].date) {
        bail!(
            "two archive files for {}: {} and {}; keep one and import again",
            pair[0].date,
            pair[0].path.display(),
            pair[1].path.display()
        );
    }
    Ok(listing)
}

/// The `YYYY-MM-DD` of a `YYYY-MM-DD-output.json` name; `None` for every other name
/// (`-daily-papers.json`, `-hotspot-papers.json`, Markdown pages…).
fn output_file_date(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(OUTPUT_SUFFIX)?;
    let shaped_like_a_date = stem.len() == 10
        && stem.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    shaped_like_a_date.then_some(stem)
}

fn relative_path(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Converts the text of one archive file into the day record of `date`. `origin` is the file's
/// path inside the archive; `categories` are the configured ones (the archive does not say).
/// Any entry that cannot be converted is an error naming its ID; none is dropped.
pub(crate) fn convert_day(
    text: &str,
    date: Date,
    origin: &str,
    categories: &[String],
) -> Result<ImportedDay> {
    // serde_json's message already says "expected an object mapping arXiv IDs to paper
    // entries" or names the failing entry, with line and column.
    let entries: ArchiveEntries = serde_json::from_str(text)?;
    let mut seen = HashSet::new();
    let mut rejoined_authors = 0;
    let mut ranked = Vec::with_capacity(entries.0.len());
    for (key, entry) in entries.0 {
        let paper = convert_entry(&key, entry).with_context(|| format!("entry {key:?}"))?;
        ensure!(
            seen.insert(paper.record.id.clone()),
            "lists arXiv {} twice",
            paper.record.id
        );
        rejoined_authors += paper.rejoined_authors;
        ranked.push(paper);
    }
    // The old tool wrote each file in its page order: author matches first, then by its display
    // score. Ties keep the file's order, because that is how the old tool broke them (early 2025
    // files tie on SCORE in an order no field explains).
    ranked.sort_by(|a, b| {
        b.author_match
            .cmp(&a.author_match)
            .then_with(|| b.display_score.total_cmp(&a.display_score))
            .then_with(|| b.score.total_cmp(&a.score))
    });
    let papers: Vec<PaperRecord> = ranked.into_iter().map(|p| p.record).collect();
    let record = DayRecord {
        schema_version: SCHEMA_VERSION,
        date,
        categories: categories.to_vec(),
        source: Source {
            kind: SourceKind::Import,
            origin: vec![origin.to_string()],
            backfilled_on: None,
        },
        status: DayStatus::Ok,
        status_reason: Some(IMPORT_NOTE.into()),
        counts: Counts {
            selected: papers.len(),
            ..Counts::default()
        },
        usage: Usage {
            scorer: ScorerKind::Imported,
            ..Usage::default()
        },
        prompt_id: None,
        papers,
    };
    Ok(ImportedDay {
        record,
        rejoined_authors,
    })
}

/// The entries of an archive file in the file's order (a map would sort them by ID).
struct ArchiveEntries(Vec<(String, RawEntry)>);

impl<'de> Deserialize<'de> for ArchiveEntries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;

        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = ArchiveEntries;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object mapping arXiv IDs to paper entries")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ArchiveEntries, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(key) = map.next_key::<String>()? {
                    let entry = map.next_value::<RawEntry>().map_err(|error| {
                        de::Error::custom(format_args!("entry {key:?}: {error}"))
                    })?;
                    entries.push((key, entry));
                }
                Ok(ArchiveEntries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// One entry as the old tool wrote it. Keys of later eras (PRIMARY_TOPIC_ID,
/// MATCHED_TOPIC_IDS, HOTSPOT_…) are ignored. Numbers are read loosely (see [`number`]).
#[derive(Deserialize)]
struct RawEntry {
    title: String,
    authors: Vec<String>,
    #[serde(rename = "abstract")]
    abstract_text: String,
    #[serde(rename = "COMMENT", default)]
    comment: Option<String>,
    #[serde(rename = "RELEVANCE", default)]
    relevance: Option<Value>,
    #[serde(rename = "NOVELTY", default)]
    novelty: Option<Value>,
    /// RELEVANCE + NOVELTY, or 20 for author matches; absent in some January 2025 files.
    #[serde(rename = "SCORE", default)]
    score: Option<Value>,
    /// The page order of the fork's later versions, when present.
    #[serde(rename = "READ_SCORE", default)]
    read_score: Option<Value>,
    #[serde(default)]
    arxiv_id: Option<String>,
    #[serde(rename = "ARXIVID", default)]
    arxiv_id_upper: Option<String>,
}

/// A converted entry with what the old tool ranked it by.
struct RankedPaper {
    record: PaperRecord,
    author_match: bool,
    display_score: f64,
    score: f64,
    rejoined_authors: usize,
}

fn convert_entry(key: &str, entry: RawEntry) -> Result<RankedPaper> {
    let (id, key_version) = split_version(key.trim());
    ensure!(is_arxiv_id(&id), "{key:?} is not an arXiv identifier");
    for (field, value) in [
        ("arxiv_id", &entry.arxiv_id),
        ("ARXIVID", &entry.arxiv_id_upper),
    ] {
        if let Some(value) = value
            && split_version(value.trim()).0 != id
        {
            bail!("{field} {value:?} names another paper than the key {key:?}");
        }
    }

    let (announcement, abstract_text) = split_announcement(&entry.abstract_text);
    let (version, announce_type) = match announcement {
        Some(a) if split_version(a.id_with_version).0 == id => {
            (split_version(a.id_with_version).1, a.announce_type)
        }
        Some(a) => bail!(
            "the abstract starts with the announcement of another paper ({})",
            a.id_with_version
        ),
        None => (key_version, None),
    };

    let title = strip_bidi(&decode_tex(&collapse_whitespace(&entry.title)));
    ensure!(!title.is_empty(), "has an empty title");
    let (names, rejoined_authors) = rejoin_split_affiliations(&entry.authors);
    let authors: Vec<String> = names
        .iter()
        .map(|name| strip_bidi(&decode_tex(&collapse_whitespace(name))))
        .filter(|name| !name.is_empty())
        .collect();

    let comment = entry.comment.as_deref().unwrap_or("").trim().to_string();
    let relevance = entry
        .relevance
        .map(|v| score_1_to_10("RELEVANCE", &v))
        .transpose()?;
    let novelty = entry
        .novelty
        .map(|v| score_1_to_10("NOVELTY", &v))
        .transpose()?;
    let scores = match (relevance, novelty) {
        (Some(relevance), Some(novelty)) => Some(Scores {
            relevance,
            novelty,
            comment: comment.clone(),
        }),
        (None, None) => None,
        _ => bail!("has only one of RELEVANCE and NOVELTY"),
    };
    let author_match = comment.eq_ignore_ascii_case("author match");
    let reason = if author_match {
        Some(AUTHOR_MATCH_REASON.to_string())
    } else if scores.is_none() {
        // Scores hold the comment; without scores the reason is the only place left for it.
        Some(match comment.as_str() {
            "" => "Imported without scores".to_string(),
            comment => format!("Imported without scores: {comment}"),
        })
    } else {
        None
    };

    let score = match entry
        .score
        .as_ref()
        .map(|v| number("SCORE", v))
        .transpose()?
    {
        Some(score) => score,
        None => scores
            .as_ref()
            .map_or(0.0, |s| f64::from(s.relevance) + f64::from(s.novelty)),
    };
    let display_score = entry
        .read_score
        .as_ref()
        .map(|v| number("READ_SCORE", v))
        .transpose()?
        .unwrap_or(score);

    let record = PaperRecord {
        id,
        version,
        title,
        decision: Decision::Selected,
        reason,
        scores,
        // The archive does not say which author matched, so no name is claimed here.
        followed_authors: Vec::new(),
        authors,
        abstract_text: Some(abstract_text.to_string()).filter(|a| !a.is_empty()),
        categories: Vec::new(),
        announce_type,
        doi: None,
        journal_ref: None,
        license: None,
    };
    Ok(RankedPaper {
        record,
        author_match,
        display_score,
        score,
        rejoined_authors,
    })
}

/// What the RSS description put before the abstract: `arXiv:2501.09412v1 Announce Type: new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Announcement<'a> {
    id_with_version: &'a str,
    announce_type: Option<AnnounceType>,
}

/// Splits `arXiv:ID Announce Type: TYPE  Abstract: TEXT` (how the old tool stored abstracts in
/// early 2025) into the announcement and the abstract. Other text comes back trimmed as is.
fn split_announcement(text: &str) -> (Option<Announcement<'_>>, &str) {
    let trimmed = text.trim();
    let parsed = trimmed.strip_prefix("arXiv:").and_then(|rest| {
        let (head, abstract_text) = rest.split_once("Abstract:")?;
        let words: Vec<&str> = head.split_whitespace().collect();
        match words.as_slice() {
            [id_with_version, "Announce", "Type:", kind] => Some((
                Announcement {
                    id_with_version,
                    announce_type: AnnounceType::parse(kind),
                },
                abstract_text.trim(),
            )),
            _ => None,
        }
    });
    match parsed {
        Some((announcement, abstract_text)) => (Some(announcement), abstract_text),
        None => (None, trimmed),
    }
}

/// The old tool split arXiv's author line at every comma, so `Liu (Univ. A, Dept. B)` became
/// `Liu (Univ. A` and `Dept. B)`. Fragments are joined back while parentheses are open.
/// Returns the names and how many were re-joined.
fn rejoin_split_affiliations(authors: &[String]) -> (Vec<String>, usize) {
    let mut names: Vec<String> = Vec::with_capacity(authors.len());
    let mut rejoined = 0;
    let mut open = false;
    for fragment in authors {
        match names.last_mut() {
            Some(name) if open => {
                name.push_str(", ");
                name.push_str(fragment.trim());
            }
            _ => names.push(fragment.trim().to_string()),
        }
        let name = names.last().map_or("", String::as_str);
        let was_open = open;
        open = name.matches('(').count() > name.matches(')').count();
        if was_open && !open {
            rejoined += 1;
        }
    }
    (names, rejoined)
}

/// A score that must be a whole number from 1 to 10.
fn score_1_to_10(field: &str, value: &Value) -> Result<u8> {
    let score = number(field, value)?;
    ensure!(
        score.fract() == 0.0 && (1.0..=10.0).contains(&score),
        "{field} {value} is not a whole number from 1 to 10"
    );
    Ok(score as u8)
}

/// A number as the old tool stored it: a JSON number, or a string holding one (the model's
/// answer copied as text).
fn number(field: &str, value: &Value) -> Result<f64> {
    let parsed = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match parsed {
        Some(n) if n.is_finite() => Ok(n),
        _ => bail!("{field} {value} is not a number"),
    }
}

/// True for new-style (`2501.09412`) and old-style (`hep-th/9711200`, `math.AG/0601001`) IDs.
fn is_arxiv_id(id: &str) -> bool {
    let digits = |s: &str, lengths: &[usize]| {
        lengths.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    if let Some((yymm, number)) = id.split_once('.')
        && digits(yymm, &[4])
        && digits(number, &[4, 5])
    {
        return true;
    }
    match id.split_once('/') {
        Some((archive, number)) => {
            let (name, subject) = archive.split_once('.').unwrap_or((archive, "AA"));
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && subject.len() == 2
                && subject.chars().all(|c| c.is_ascii_uppercase())
                && digits(number, &[7])
        }
        None => false,
    }
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn convert(text: &str) -> ImportedDay {
        convert_day(
            text,
            date("2025-02-05"),
            "2025-02/2025-02-05-output.json",
            &["cs.LG".to_string()],
        )
        .unwrap()
    }

    fn ids(day: &ImportedDay) -> Vec<&str> {
        day.record.papers.iter().map(|p| p.id.as_str()).collect()
    }

    fn error_of(text: &str) -> String {
        let error = convert_day(text, date("2025-02-05"), "x.json", &[]).unwrap_err();
        format!("{error:#}")
    }

    /// January 2025: no SCORE, and the abstract still carries the RSS announcement line.
    const JANUARY: &str = r#"{
    "2501.09412": {
        "authors": ["Hanna Hu", "Pavel Zhao"],
        "title": "FASP: Fast and Accurate Structured Pruning",
        "abstract": "arXiv:2501.09412v2 Announce Type: cross  Abstract: The rapid increase in the size of models.",
        "ARXIVID": "2501.09412",
        "COMMENT": "Matches criterion 2: structured pruning.",
        "RELEVANCE": 9,
        "NOVELTY": 8,
        "arxiv_id": "2501.09412"
    },
    "2501.09636": {
        "authors": ["Kim Liu"],
        "title": "Routing in Mixture of Experts",
        "abstract": "arXiv:2501.09636v1 Announce Type: new  Abstract: Recent advances in routing.",
        "ARXIVID": "2501.09636",
        "COMMENT": "Matches criterion 1.",
        "RELEVANCE": 10,
        "NOVELTY": 9,
        "arxiv_id": "2501.09636"
    }
}"#;

    #[test]
    fn january_entries_lose_the_announcement_prefix_and_keep_its_version_and_type() {
        let day = convert(JANUARY);
        assert_eq!(ids(&day), ["2501.09636", "2501.09412"], "ranked by the sum");
        let pruning = &day.record.papers[1];
        assert_eq!(
            pruning.abstract_text.as_deref(),
            Some("The rapid increase in the size of models.")
        );
        assert_eq!(pruning.version, 2);
        assert_eq!(pruning.announce_type, Some(AnnounceType::Cross));
        assert_eq!(
            pruning.scores,
            Some(Scores {
                relevance: 9,
                novelty: 8,
                comment: "Matches criterion 2: structured pruning.".into()
            })
        );
        assert_eq!(pruning.decision, Decision::Selected);
        assert_eq!(pruning.reason, None);
        assert_eq!(pruning.authors, ["Hanna Hu", "Pavel Zhao"]);
        assert!(pruning.categories.is_empty());
        assert!(pruning.followed_authors.is_empty());
    }

    /// February 2025: SCORE present; an author match listed after a scored paper.
    const FEBRUARY: &str = r#"{
    "2502.01001": {
        "ARXIVID": "2502.01001",
        "COMMENT": "Matches criterion 3.",
        "RELEVANCE": 10,
        "NOVELTY": 9,
        "SCORE": 19,
        "title": "Sparse Attention at Scale",
        "authors": ["Mia Chen"],
        "abstract": "We study sparse attention.",
        "arxiv_id": "2502.01001"
    },
    "2502.03055": {
        "COMMENT": "Author match",
        "SCORE": 20.0,
        "title": "Layer by Layer: Hidden Representations",
        "authors": ["Oscar Skean", "Yann LeCun"],
        "abstract": "From extracting features to generating text.",
        "arxiv_id": "2502.03055"
    }
}"#;

    #[test]
    fn an_author_match_comes_first_without_scores_and_without_claiming_an_author() {
        let day = convert(FEBRUARY);
        assert_eq!(ids(&day), ["2502.03055", "2502.01001"]);
        let matched = &day.record.papers[0];
        assert_eq!(matched.scores, None);
        assert_eq!(matched.reason.as_deref(), Some(AUTHOR_MATCH_REASON));
        assert!(matched.followed_authors.is_empty());
        assert_eq!(matched.authors, ["Oscar Skean", "Yann LeCun"]);
        assert_eq!(matched.version, 1);
        assert_eq!(matched.announce_type, None);
        assert_eq!(
            matched.abstract_text.as_deref(),
            Some("From extracting features to generating text.")
        );
    }

    /// Later versions of the fork: topic keys (some null) and READ_SCORE, which orders the page.
    const LATER: &str = r#"{
    "2510.00002": {
        "ARXIVID": "2510.00002",
        "COMMENT": "Criterion 4.",
        "RELEVANCE": 9,
        "NOVELTY": 9,
        "SCORE": 18,
        "READ_SCORE": 16.5,
        "PRIMARY_TOPIC_ID": "efficiency",
        "MATCHED_TOPIC_IDS": ["efficiency", "architecture"],
        "HOTSPOT_PAPER_TAGS": [],
        "HOTSPOT_PAPER_PRIMARY_KIND": null,
        "title": "Quantized Experts",
        "authors": ["Ada Quinn"],
        "abstract": "Quantization of experts.",
        "arxiv_id": "2510.00002"
    },
    "2510.00001": {
        "ARXIVID": "2510.00001",
        "COMMENT": "Criterion 1.",
        "RELEVANCE": 8,
        "NOVELTY": 8,
        "SCORE": 16,
        "READ_SCORE": 17.25,
        "PRIMARY_TOPIC_ID": "architecture",
        "MATCHED_TOPIC_IDS": ["architecture"],
        "title": "Deeper Routers",
        "authors": ["Ben Ortiz"],
        "abstract": "Routers, deeper.",
        "arxiv_id": "2510.00001"
    }
}"#;

    #[test]
    fn later_topic_keys_are_ignored_and_read_score_orders_the_day() {
        let day = convert(LATER);
        assert_eq!(ids(&day), ["2510.00001", "2510.00002"]);
        assert_eq!(day.record.papers[1].scores.as_ref().unwrap().novelty, 9);
    }

    #[test]
    fn ties_keep_the_order_of_the_file() {
        let entry = |id: &str| {
            format!(
                r#""{id}": {{"title": "T {id}", "authors": ["A"], "abstract": "x", "COMMENT": "c", "RELEVANCE": 9, "NOVELTY": 8, "SCORE": 17, "arxiv_id": "{id}"}}"#
            )
        };
        let text = format!(
            "{{{}, {}, {}}}",
            entry("2502.00300"),
            entry("2502.00100"),
            entry("2502.00200")
        );
        assert_eq!(
            ids(&convert(&text)),
            ["2502.00300", "2502.00100", "2502.00200"]
        );
    }

    #[test]
    fn tex_escapes_in_names_and_titles_are_decoded() {
        let text = r#"{"2502.00001": {"title": "Neural Solvers for the Schr\\\"odinger Equation",
            "authors": ["Luka Terzi\\'c", "Fran\\c{c}ois Fleuret", "Micha{\\l} Krutul"],
            "abstract": "Keeps $\\alpha$ math.", "COMMENT": "c", "RELEVANCE": 8, "NOVELTY": 7, "SCORE": 15,
            "arxiv_id": "2502.00001"}}"#;
        let paper = &convert(text).record.papers[0];
        assert_eq!(paper.title, "Neural Solvers for the Schrödinger Equation");
        assert_eq!(
            paper.authors,
            ["Luka Terzić", "François Fleuret", "Michał Krutul"]
        );
        assert_eq!(
            paper.abstract_text.as_deref(),
            Some("Keeps $\\alpha$ math.")
        );
    }

    #[test]
    fn scores_written_as_strings_or_whole_floats_are_read() {
        let text = r#"{"2502.00001": {"title": "T", "authors": ["A"], "abstract": "x",
            "COMMENT": "c", "RELEVANCE": "8", "NOVELTY": 7.0, "SCORE": "15", "arxiv_id": "2502.00001"}}"#;
        let scores = convert(text).record.papers[0].scores.clone().unwrap();
        assert_eq!((scores.relevance, scores.novelty), (8, 7));
    }

    #[test]
    fn an_entry_without_scores_that_is_no_author_match_keeps_its_comment_as_reason() {
        let text = r#"{"2502.00001": {"title": "T", "authors": ["A"], "abstract": "x",
            "COMMENT": "Hand-picked", "arxiv_id": "2502.00001"}}"#;
        let paper = &convert(text).record.papers[0];
        assert_eq!(paper.scores, None);
        assert_eq!(
            paper.reason.as_deref(),
            Some("Imported without scores: Hand-picked")
        );
    }

    #[test]
    fn bad_entries_are_errors_that_name_the_entry() {
        let entry = |id: &str, extra: &str| {
            format!(
                r#"{{"{id}": {{"title": "T", "authors": ["A"], "abstract": "x", "COMMENT": "c"{extra}}}}}"#
            )
        };
        let cases = [
            (
                entry("2502.00001", r#", "RELEVANCE": 11, "NOVELTY": 5"#),
                "RELEVANCE 11",
            ),
            (
                entry("2502.00001", r#", "RELEVANCE": 7.5, "NOVELTY": 5"#),
                "RELEVANCE 7.5",
            ),
            (
                entry("2502.00001", r#", "RELEVANCE": "high", "NOVELTY": 5"#),
                "RELEVANCE \"high\"",
            ),
            (
                entry("2502.00001", r#", "RELEVANCE": 7"#),
                "only one of RELEVANCE",
            ),
            (
                entry("2502.00001", r#", "arxiv_id": "2502.00009""#),
                "names another paper",
            ),
            (entry("not-an-id", ""), "not an arXiv identifier"),
            (
                r#"{"2502.00001": {"authors": ["A"], "abstract": "x"}}"#.to_string(),
                "missing field `title`",
            ),
            (
                r#"{"2502.00001": {"title": "T", "authors": "A, B", "abstract": "x"}}"#.to_string(),
                "invalid type",
            ),
        ];
        for (text, expected) in cases {
            let message = error_of(&text);
            assert!(
                message.contains(expected) && message.contains("entry \""),
                "{message:?} should name the entry and say {expected:?}"
            );
        }
        let twice = r#"{"2502.00001v1": {"title": "T", "authors": [], "abstract": "x"},
            "2502.00001v2": {"title": "T", "authors": [], "abstract": "x"}}"#;
        assert!(error_of(twice).contains("lists arXiv 2502.00001 twice"));
        assert!(error_of("[1, 2]").contains("expected an object mapping arXiv IDs"));
    }

    #[test]
    fn authors_split_inside_an_affiliation_are_joined_again() {
        let names = [
            "Kuan Liu (National University",
            "College of Commerce)",
            "Ming Lo (Tech",
            "Lab",
            "Dept)",
            "Solo Author",
        ]
        .map(String::from);
        let (joined, count) = rejoin_split_affiliations(&names);
        assert_eq!(
            joined,
            [
                "Kuan Liu (National University, College of Commerce)",
                "Ming Lo (Tech, Lab, Dept)",
                "Solo Author"
            ]
        );
        assert_eq!(count, 2);
    }

    #[test]
    fn the_day_record_says_what_is_unknown() {
        let day = convert(FEBRUARY);
        let record = &day.record;
        assert_eq!(record.schema_version, SCHEMA_VERSION);
        assert_eq!(record.date, date("2025-02-05"));
        assert_eq!(record.categories, ["cs.LG"]);
        assert_eq!(record.source.kind, SourceKind::Import);
        assert_eq!(record.source.origin, ["2025-02/2025-02-05-output.json"]);
        assert_eq!(record.status, DayStatus::Ok);
        assert_eq!(record.status_reason.as_deref(), Some(IMPORT_NOTE));
        assert_eq!(record.counts.selected, 2);
        assert_eq!(record.counts.feed_items, None);
        assert_eq!(record.counts.scanned, None);
        assert_eq!(record.counts.filtered, None);
        assert_eq!(record.usage.scorer, ScorerKind::Imported);
        assert_eq!(record.usage.model, None);
        assert_eq!(record.usage.cost_usd, None);
        let json = serde_json::to_value(record).unwrap();
        assert!(json["counts"]["feed_items"].is_null());
    }

    #[test]
    fn an_empty_day_is_a_day_with_nothing_selected() {
        let day = convert("{}");
        assert!(day.record.papers.is_empty());
        assert_eq!(day.record.counts.selected, 0);
    }

    #[test]
    fn only_dated_output_files_are_archive_files() {
        assert_eq!(
            output_file_date("2025-01-17-output.json"),
            Some("2025-01-17")
        );
        for name in [
            "2025-01-17-daily-papers.json",
            "2025-01-17-hotspot-papers.json",
            "2025-01-17-output.md",
            "output.json",
            "2025-1-17-output.json",
            "x2025-01-17-output.json",
        ] {
            assert_eq!(output_file_date(name), None, "{name}");
        }
    }

    #[test]
    fn arxiv_ids_of_both_styles_are_recognised() {
        for id in [
            "2501.09412",
            "0704.0001",
            "hep-th/9711200",
            "math.AG/0601001",
        ] {
            assert!(is_arxiv_id(id), "{id}");
        }
        for id in [
            "",
            "2501.094",
            "25010.09412",
            "hep-th/97112",
            "HEP/9711200",
            "a/b",
        ] {
            assert!(!is_arxiv_id(id), "{id}");
        }
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn config() -> Config {
        Config::parse("").unwrap()
    }

    #[test]
    fn finds_output_files_in_both_layouts_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(&root.join("out/json/2025-02/2025-02-05-output.json"), "{}");
        write(
            &root.join("out/json/2025-02/2025-02-05-daily-papers.json"),
            "[]",
        );
        write(&root.join("2025-01-17-output.json"), "{}");
        write(&root.join(".git/2025-03-03-output.json"), "{}");
        write(&root.join("README.md"), "hi");
        let listing = find_archive_files(root).unwrap();
        let found: Vec<_> = listing
            .files
            .iter()
            .map(|f| (f.date.to_string(), f.relative.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("2025-01-17".to_string(), "2025-01-17-output.json"),
                (
                    "2025-02-05".to_string(),
                    "out/json/2025-02/2025-02-05-output.json"
                ),
            ]
        );
        assert_eq!(listing.ignored, 2);
    }

    #[test]
    fn two_files_of_one_day_or_an_impossible_date_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("a/2025-02-05-output.json"), "{}");
        write(&dir.path().join("b/2025-02-05-output.json"), "{}");
        let message = format!("{:#}", find_archive_files(dir.path()).unwrap_err());
        assert!(
            message.contains("two archive files for 2025-02-05"),
            "{message}"
        );

        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("2025-02-30-output.json"), "{}");
        let message = format!("{:#}", find_archive_files(dir.path()).unwrap_err());
        assert!(message.contains("does not exist"), "{message}");
    }

    #[test]
    fn import_skips_recorded_days_unless_forced_and_writes_nothing_on_error() {
        let archive = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        write(&archive.path().join("2025-02-05-output.json"), FEBRUARY);
        write(&archive.path().join("2025-01-17-output.json"), JANUARY);

        let first = import_dir(archive.path(), data.path(), &config(), false).unwrap();
        assert_eq!(first.imported, [date("2025-01-17"), date("2025-02-05")]);
        assert_eq!(first.papers, 4);
        let path = record::record_path(data.path(), date("2025-02-05"));
        let written = std::fs::read(&path).unwrap();

        let second = import_dir(archive.path(), data.path(), &config(), false).unwrap();
        assert!(second.imported.is_empty());
        assert_eq!(second.skipped, first.imported);
        assert!(second.summary().contains("skipped 2 days"));

        std::fs::write(&path, b"{}").unwrap();
        let forced = import_dir(archive.path(), data.path(), &config(), true).unwrap();
        assert_eq!(forced.imported.len(), 2);
        assert_eq!(std::fs::read(&path).unwrap(), written);

        let data = tempfile::tempdir().unwrap();
        write(
            &archive.path().join("2025-03-03-output.json"),
            r#"{"2503.00001": {"title": "T", "authors": [], "abstract": "x", "RELEVANCE": 0, "NOVELTY": 1}}"#,
        );
        let message = format!(
            "{:#}",
            import_dir(archive.path(), data.path(), &config(), false).unwrap_err()
        );
        assert!(
            message.contains("2025-03-03-output.json") && message.contains("2503.00001"),
            "{message}"
        );
        assert!(record::load_all(data.path()).unwrap().is_empty());
    }

    #[test]
    fn a_folder_without_archive_files_is_an_error_that_says_what_to_give() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("notes.txt"), "x");
        let data = tempfile::tempdir().unwrap();
        let message = format!(
            "{:#}",
            import_dir(dir.path(), data.path(), &config(), false).unwrap_err()
        );
        assert!(
            message.contains("no YYYY-MM-DD-output.json files"),
            "{message}"
        );
    }
}

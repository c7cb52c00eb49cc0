//! `papersift import`: turns an archive of the tool we replace (gpt_paper_assistant and its fork
//! ChatGPT-ArXiv-Paper-Assistant) into day records, one per day, in every era of its format.
//!
//! A day of the archive is up to four files ([`archive`]): the day's list (`-output.json`, or
//! its re-rendered `-latest.json`), and from 2026 the bundle (`-daily-papers.json`: usage,
//! totals, topic sections) and the spotlight (`-hotspot-papers.json`: the day's best papers,
//! which the old tool left out of its list). [`day`] reads them together into one record: the
//! union of the papers, each once, with the old tool's scores, comments, topics and spotlight
//! picks ([`entry`]). A day on which the old LLM made no calls becomes `llm-failed`; a paper
//! the old tool listed again on a later day keeps its first day and is flagged on the later one.
//!
//! Bad input never aborts the import: a file that is not JSON, or an entry without an arXiv
//! ID, is named and skipped, and the summary counts what was skipped.

mod archive;
mod day;
mod entry;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, ensure};
use jiff::civil::Date;

use crate::config::Config;
use crate::record;

/// `reason` of an author match: the archive does not name the author that matched.
pub const AUTHOR_MATCH_REASON: &str = "Author match (imported)";

/// How many problems the summary lists before counting the rest.
const LISTED_PROBLEMS: usize = 20;

/// A file or entry of the archive that could not be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file's path inside the archive.
    pub path: String,
    /// The entry's key, for a problem with one entry.
    pub entry: Option<String>,
    pub message: String,
}

impl Problem {
    pub(crate) fn file(path: &str, message: &str) -> Problem {
        Problem {
            path: path.to_string(),
            entry: None,
            message: message.to_string(),
        }
    }

    pub(crate) fn entry(path: &str, key: &str, message: &str) -> Problem {
        Problem {
            path: path.to_string(),
            entry: Some(key.to_string()),
            message: message.to_string(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            Some(key) => write!(f, "{}: entry {key:?} {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
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
    /// Of those, papers in the old tool's spotlight.
    pub spotlight_papers: usize,
    /// Of those, papers an earlier day of the archive listed already.
    pub repeated_papers: usize,
    /// Imported days on which the old tool's LLM made no calls (recorded as `llm-failed`).
    pub llm_failed_days: Vec<Date>,
    /// Imported days the old tool dated on a weekend.
    pub weekend_days: Vec<Date>,
    /// Archive files found, per kind: output, latest, daily-papers bundle, hotspot.
    pub files_read: [usize; 4],
    /// Files under the archive folder that are no archive file.
    pub ignored_files: usize,
    /// The old tool's rendered Markdown pages (not needed beside their JSON).
    pub rendered_pages: usize,
    /// Author names re-joined in the imported days (see [`day::ImportedDay::rejoined_authors`]).
    pub rejoined_authors: usize,
    /// Files and entries skipped because they could not be read.
    pub problems: Vec<Problem>,
}

impl ImportReport {
    /// Files skipped whole.
    pub fn skipped_files(&self) -> usize {
        self.problems.iter().filter(|p| p.entry.is_none()).count()
    }

    /// Entries skipped inside files that were read.
    pub fn skipped_entries(&self) -> usize {
        self.problems.iter().filter(|p| p.entry.is_some()).count()
    }

    /// A few lines for the person running the import.
    pub(crate) fn summary(&self) -> String {
        let [output, latest, bundle, hotspot] = self.files_read;
        let mut lines = vec![
            format!(
                "imported {} days ({} papers, {} of them in the old tool's spotlight, {} listed on an earlier day too)",
                self.imported.len(),
                self.papers,
                self.spotlight_papers,
                self.repeated_papers
            ),
            format!(
                "found {output} -output.json, {latest} -latest.json, {bundle} -daily-papers.json and {hotspot} -hotspot-papers.json files; skipped {} files and {} entries that could not be read",
                self.skipped_files(),
                self.skipped_entries()
            ),
        ];
        for problem in self.problems.iter().take(LISTED_PROBLEMS) {
            lines.push(format!("  - {problem}"));
        }
        if self.problems.len() > LISTED_PROBLEMS {
            lines.push(format!(
                "  - and {} more",
                self.problems.len() - LISTED_PROBLEMS
            ));
        }
        if !self.llm_failed_days.is_empty() {
            lines.push(format!(
                "{} days on which the old tool's LLM made no calls are recorded as llm-failed: {}; `papersift backfill --from DATE --to DATE` re-scores them from the arXiv API",
                self.llm_failed_days.len(),
                date_list(&self.llm_failed_days)
            ));
        }
        if !self.weekend_days.is_empty() {
            lines.push(format!(
                "{} days the old tool dated on a weekend are kept as they were and flagged: {}",
                self.weekend_days.len(),
                date_list(&self.weekend_days)
            ));
        }
        if !self.skipped.is_empty() {
            lines.push(format!(
                "skipped {} days that already have a record (--force overwrites them): {}",
                self.skipped.len(),
                date_list(&self.skipped)
            ));
        }
        if self.ignored_files > 0 || self.rendered_pages > 0 {
            lines.push(format!(
                "ignored {} other files and {} rendered Markdown pages",
                self.ignored_files, self.rendered_pages
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

/// Imports every day of the archive under `dir` into `data_dir`. Files and entries that cannot
/// be read are skipped and listed in the report. A date that already has a record is left
/// alone unless `force`. Writes are atomic and skip unchanged content, so importing twice
/// changes no byte.
pub fn import_dir(
    dir: &Path,
    data_dir: &Path,
    config: &Config,
    force: bool,
) -> Result<ImportReport> {
    let listing = archive::find_archive_days(dir)?;
    ensure!(
        !listing.days.is_empty(),
        "no YYYY-MM-DD-output.json (or -daily-papers.json, -hotspot-papers.json) files under {} ({} other files); point papersift import at the old tool's out/json folder",
        dir.display(),
        listing.ignored
    );
    let mut report = ImportReport {
        files_read: listing.counts(),
        ignored_files: listing.ignored,
        rendered_pages: listing.rendered_pages,
        problems: listing.problems.clone(),
        ..ImportReport::default()
    };
    // The day each paper was first listed, over the whole archive (also the days skipped
    // below), so the flags do not depend on which days are imported this time.
    let mut first_listed: HashMap<String, Date> = HashMap::new();
    for archive_day in &listing.days {
        let Some(mut day) =
            day::convert_day(archive_day, &config.arxiv.categories, &mut report.problems)
        else {
            continue;
        };
        let date = day.record.date;
        for paper in &mut day.record.papers {
            let first = *first_listed.entry(paper.id.clone()).or_insert(date);
            paper.listed_before = (first < date).then_some(first);
        }
        if !force && record::record_path(data_dir, date).exists() {
            report.skipped.push(date);
            continue;
        }
        record::save(data_dir, &day.record)?;
        report.imported.push(date);
        let papers = &day.record.papers;
        report.papers += papers.len();
        report.spotlight_papers += papers.iter().filter(|p| p.spotlight.is_some()).count();
        report.repeated_papers += papers.iter().filter(|p| p.listed_before.is_some()).count();
        if day.record.status == record::DayStatus::LlmFailed {
            report.llm_failed_days.push(date);
        } else if day.record.status_reason.is_some() {
            report.weekend_days.push(date);
        }
        report.rejoined_authors += day.rejoined_authors;
    }
    Ok(report)
}
#[cfg(test)]
mod tests {
    use super::day::ImportedDay;
    use super::*;
    use crate::paper::AnnounceType;
    use crate::record::{DayStatus, Decision, SCHEMA_VERSION, ScorerKind, Scores, SourceKind};

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Converts the day of the files (name below `2025-02/`, text) and the problems found.
    fn convert_files(files: &[(&str, &str)]) -> (Option<ImportedDay>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            write(&dir.path().join("2025-02").join(name), text);
        }
        let listing = archive::find_archive_days(dir.path()).unwrap();
        assert_eq!(listing.days.len(), 1);
        let mut problems = Vec::new();
        let day = day::convert_day(&listing.days[0], &["cs.LG".to_string()], &mut problems);
        (day, problems.iter().map(ToString::to_string).collect())
    }

    fn convert(text: &str) -> ImportedDay {
        let (day, problems) = convert_files(&[("2025-02-05-output.json", text)]);
        assert!(problems.is_empty(), "{problems:?}");
        day.unwrap()
    }

    fn ids(day: &ImportedDay) -> Vec<&str> {
        day.record.papers.iter().map(|p| p.id.as_str()).collect()
    }

    /// The one problem converting an output file with `text` reports.
    fn error_of(text: &str) -> String {
        let (_, problems) = convert_files(&[("2025-02-05-output.json", text)]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems[0].clone()
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
    fn later_topic_keys_are_kept_and_read_score_orders_the_day() {
        let day = convert(LATER);
        assert_eq!(ids(&day), ["2510.00001", "2510.00002"]);
        let quantized = &day.record.papers[1];
        assert_eq!(quantized.scores.as_ref().unwrap().novelty, 9);
        let topics = quantized.topics.as_ref().unwrap();
        assert_eq!(topics.primary, "efficiency");
        assert_eq!(topics.also, ["architecture"]);
        assert_eq!(topics.source, crate::record::TopicSource::Imported);
        assert_eq!(
            quantized.spotlight, None,
            "an empty tag list is no spotlight"
        );
        let day_topics: Vec<&str> = day.record.topics.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(day_topics, ["efficiency", "architecture"]);
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
    fn a_bad_entry_is_named_and_skipped() {
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
                message.contains(expected)
                    && message.starts_with("2025-02/2025-02-05-output.json: entry \""),
                "{message:?} should name the entry and say {expected:?}"
            );
        }
        let message = error_of("[1, 2]");
        assert!(
            message.starts_with("2025-02/2025-02-05-output.json: ")
                && message.contains("expected an object mapping arXiv IDs")
                && message.ends_with("skipped"),
            "{message}"
        );
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
        assert_eq!(
            record.status_reason, None,
            "a plain imported day is just ok"
        );
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

    fn config() -> Config {
        Config::parse("").unwrap()
    }

    #[test]
    fn import_skips_recorded_days_unless_forced_and_skips_what_it_cannot_read() {
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
            r#"{"2503.00001": {"title": "T", "authors": [], "abstract": "x", "RELEVANCE": 0, "NOVELTY": 1},
                "2503.00002": {"title": "Kept", "authors": [], "abstract": "x", "RELEVANCE": 7, "NOVELTY": 6}}"#,
        );
        write(&archive.path().join("2025-03-04-output.json"), "not json");
        let report = import_dir(archive.path(), data.path(), &config(), false).unwrap();
        assert_eq!(report.imported.len(), 3, "the rest is imported");
        assert_eq!((report.skipped_files(), report.skipped_entries()), (1, 1));
        let summary = report.summary();
        assert!(
            summary.contains("skipped 1 files and 1 entries")
                && summary.contains("2025-03-03-output.json: entry \"2503.00001\" RELEVANCE 0")
                && summary.contains("2025-03-04-output.json: expected "),
            "{summary}"
        );
        let march = record::load(data.path(), date("2025-03-03"))
            .unwrap()
            .unwrap();
        assert_eq!(march.papers.len(), 1);
        assert!(
            record::load(data.path(), date("2025-03-04"))
                .unwrap()
                .is_none()
        );
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
            message.contains("no YYYY-MM-DD-output.json (or"),
            "{message}"
        );
    }
}

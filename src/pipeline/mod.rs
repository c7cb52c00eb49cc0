//! The commands' top level: runs the stages in order for a day (`run`, `backfill`) and re-renders (`build`).

mod catch_up;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::exit::ExitKind;
use crate::fetch::s2::{self, S2Papers};
use crate::fetch::{self, FeedDay};
use crate::paper::Paper;
use crate::record::{self, Counts, DayRecord, DayStatus, PromptSnapshot, SCHEMA_VERSION, Source};
use crate::score::{self, Scorer, prompt::Prompts};
use crate::select;

pub use catch_up::{backfill, parse_shard};

/// What `run` should read.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The page date the caller expects; the feed must state the same date.
    pub date: Option<Date>,
    /// Recorded feed files to read instead of fetching live.
    pub feeds: Vec<PathBuf>,
    /// Heal missed and failed days even when reading feed files (live runs always do).
    pub catch_up: bool,
}

/// How one day of a run ended, for the summary and the exit code.
#[derive(Debug, Clone, PartialEq)]
pub struct DayReport {
    pub date: Option<Date>,
    /// The status recorded; `None` when nothing was written (no-op, empty feed).
    pub status: Option<DayStatus>,
    /// One line for the person reading the log.
    pub summary: String,
}

impl DayReport {
    /// Appends a sentence (e.g. how the Semantic Scholar lookup went) to the summary.
    fn with_note(mut self, note: Option<String>) -> DayReport {
        if let Some(note) = note {
            self.summary.push_str(&format!(". {note}"));
        }
        self
    }

    fn note(date: Option<Date>, summary: String) -> DayReport {
        DayReport {
            date,
            status: None,
            summary,
        }
    }

    /// The exit kind this day forces on the run, if it failed.
    pub fn exit_kind(&self) -> Option<ExitKind> {
        match self.status? {
            DayStatus::FetchFailed => Some(ExitKind::Fetch),
            DayStatus::LlmFailed => Some(ExitKind::Llm),
            DayStatus::Partial | DayStatus::BudgetStopped => Some(ExitKind::Incomplete),
            _ => None,
        }
    }
}

/// Every day a command touched, oldest first, and what `docs/` became.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunReport {
    pub days: Vec<DayReport>,
    /// Files of `docs/` whose content changed, when the site was rebuilt.
    pub site_files_changed: Option<usize>,
}

impl RunReport {
    /// The exit kind of the run: the most serious failure among its days (LLM over fetch over
    /// incomplete), or `None` when every day is fine.
    pub fn exit_kind(&self) -> Option<ExitKind> {
        let kinds: Vec<ExitKind> = self.days.iter().filter_map(DayReport::exit_kind).collect();
        [ExitKind::Llm, ExitKind::Fetch, ExitKind::Incomplete]
            .into_iter()
            .find(|kind| kinds.contains(kind))
    }

    /// One line per day, then the site line.
    pub fn summary(&self) -> String {
        let mut lines: Vec<String> = self.days.iter().map(|d| d.summary.clone()).collect();
        if let Some(changed) = self.site_files_changed {
            lines.push(format!("site rebuilt: {changed} files changed"));
        }
        lines.join("\n")
    }

    /// The days that were recorded, oldest first, for the job summary and notifications.
    pub fn recorded_dates(&self) -> Vec<Date> {
        let mut dates: Vec<Date> = self
            .days
            .iter()
            .filter(|d| d.status.is_some())
            .filter_map(|d| d.date)
            .collect();
        dates.sort();
        dates.dedup();
        dates
    }

    fn needs_build(&self) -> bool {
        self.days
            .iter()
            .any(|d| d.status.is_some_and(DayStatus::has_page))
    }
}

/// The daily job: heal missed or failed days (live runs, or `--catch-up`), then read the day's
/// feed, select, score, record, and render once at the end.
pub async fn run(config: &Config, options: &RunOptions) -> Result<RunReport> {
    let calendar = Calendar::from_config(&config.arxiv).context(ExitKind::Config)?;
    let scorer = score::scorer_from_config(config).context(ExitKind::Config)?;
    let offline = !options.feeds.is_empty();
    let mut report = RunReport::default();
    let feed = if offline {
        read_feed_files(&options.feeds).context(ExitKind::Fetch)?
    } else {
        match fetch_live_feed(config).await {
            Ok(feed) => feed,
            Err(error) => {
                report
                    .days
                    .push(record_fetch_failure(config, &calendar, &error)?);
                return Ok(report);
            }
        }
    };
    if let Some(expected) = options.date
        && !feed.items.is_empty()
        && feed.date != expected
    {
        return Err(anyhow::anyhow!(
            "the feed is for {}, not {expected}; past days come from `papersift backfill --from {expected} --to {expected}`",
            feed.date
        ))
        .context(ExitKind::Config);
    }
    if !offline || options.catch_up {
        catch_up::heal_recent_days(config, &calendar, &scorer, feed.date, &mut report).await?;
    }
    report
        .days
        .push(process_feed(config, &calendar, &feed, &scorer).await?);
    if report.needs_build() {
        report.site_files_changed = Some(build(config)?);
    }
    Ok(report)
}

/// A live fetch failed: record `fetch-failed` for the page date the feed should have carried
/// (unless that day is already recorded fine), so catch-up heals it on a later run.
fn record_fetch_failure(
    config: &Config,
    calendar: &Calendar,
    error: &anyhow::Error,
) -> Result<DayReport> {
    let reason = format!("fetching the arXiv feed failed: {error:#}");
    let Some(date) = calendar.expected_feed_date(jiff::Timestamp::now()) else {
        return Ok(DayReport {
            date: None,
            status: Some(DayStatus::FetchFailed),
            summary: reason,
        });
    };
    let data_dir = config.data_dir();
    if let Some(existing) = record::load(&data_dir, date)?
        && !existing.status.is_failure()
    {
        return Ok(DayReport::note(
            Some(date),
            format!(
                "{date}: already recorded ({}); {reason}",
                existing.status.as_str()
            ),
        ));
    }
    let failed = DayRecord {
        schema_version: SCHEMA_VERSION,
        date,
        categories: config.arxiv.categories.clone(),
        source: Source {
            kind: "rss".into(),
            origin: vec![fetch::rss::feed_url(
                &config.arxiv.rss_url,
                &config.arxiv.categories,
            )],
            backfilled_on: None,
        },
        status: DayStatus::FetchFailed,
        status_reason: Some(reason.clone()),
        counts: Counts::default(),
        usage: Default::default(),
        prompt_id: None,
        papers: Vec::new(),
    };
    record::save(&data_dir, &failed)?;
    Ok(DayReport {
        date: Some(date),
        status: Some(DayStatus::FetchFailed),
        summary: format!("{date}: fetch-failed — {reason}"),
    })
}

/// Runs select → score → record for one parsed feed. An empty feed writes nothing (or a
/// `no-announcement` record on a weekday arXiv skipped); a day already recorded fine is a
/// no-op; a re-served old feed is recorded as `stale-feed` with no page.
pub async fn process_feed(
    config: &Config,
    calendar: &Calendar,
    feed: &FeedDay,
    scorer: &Scorer,
) -> Result<DayReport> {
    let date = feed.date;
    let data_dir = config.data_dir();
    if let Some(existing) = record::load(&data_dir, date)?
        && !existing.status.is_failure()
    {
        return Ok(DayReport::note(
            Some(date),
            format!(
                "{date}: already recorded (status {}); nothing to do",
                existing.status.as_str()
            ),
        ));
    }
    let source = Source {
        kind: "rss".into(),
        origin: vec![feed.origin.clone()],
        backfilled_on: None,
    };
    if feed.items.is_empty() {
        if !calendar.is_page_date(date) {
            return Ok(DayReport::note(
                Some(date),
                format!(
                    "{date}: the feed has no papers (arXiv does not announce on weekends and holidays); nothing written"
                ),
            ));
        }
        let reason =
            "arXiv announced no papers for this weekday (an unlisted holiday?)".to_string();
        save_without_papers(
            config,
            date,
            source,
            DayStatus::NoAnnouncement,
            &reason,
            Counts::default(),
        )?;
        return Ok(DayReport {
            date: Some(date),
            status: Some(DayStatus::NoAnnouncement),
            summary: format!("{date}: no-announcement — {reason}; no page written"),
        });
    }
    let seen = seen_ids(&data_dir, date, config.arxiv.seen_lookback_days)?;
    let (s2_papers, s2_note) = semantic_scholar(config, &feed.items, &seen).await;
    let selection = select::select(&feed.items, config, &seen, &s2_papers);
    if select::is_stale(&selection.counts, config.arxiv.stale_fraction) {
        let reason = format!(
            "{} of {} papers in the feed were recorded on earlier days: arXiv re-served an old announcement",
            selection.counts.already_seen,
            selection.counts.already_seen + selection.counts.scanned.unwrap_or(0)
        );
        save_without_papers(
            config,
            date,
            source,
            DayStatus::StaleFeed,
            &reason,
            selection.counts,
        )?;
        return Ok(DayReport {
            date: Some(date),
            status: Some(DayStatus::StaleFeed),
            summary: format!("{date}: stale-feed, no page written: {reason}"),
        });
    }
    Ok(score_and_record(config, date, source, selection, scorer)
        .await?
        .with_note(s2_note))
}

/// Semantic Scholar data for the papers `select` will scan, when the config asks for it, with a
/// sentence for the summary. A failed lookup leaves name matching only; it never fails the day.
async fn semantic_scholar(
    config: &Config,
    items: &[Paper],
    seen: &HashSet<String>,
) -> (S2Papers, Option<String>) {
    if !s2::lookup_wanted(&config.authors) {
        return (S2Papers::new(), None);
    }
    let ids = select::scanned_ids(items, config, seen);
    let today = crate::calendar::new_york_date(jiff::Timestamp::now());
    match s2::S2Client::from_config(&config.authors) {
        Ok(client) => {
            let cache = s2::S2Cache::in_data_dir(&config.data_dir());
            let resolved = s2::resolve(&client, &cache, &ids, today).await;
            (resolved.papers, Some(resolved.note))
        }
        Err(error) => {
            tracing::warn!(
                "Semantic Scholar is not usable; followed authors are matched by name only: {error:#}"
            );
            let note = format!(
                "Semantic Scholar not used ({error:#}): followed authors matched by name only"
            );
            (S2Papers::new(), Some(note))
        }
    }
}

fn save_without_papers(
    config: &Config,
    date: Date,
    source: Source,
    status: DayStatus,
    reason: &str,
    counts: Counts,
) -> Result<PathBuf> {
    record::save(
        &config.data_dir(),
        &DayRecord {
            schema_version: SCHEMA_VERSION,
            date,
            categories: config.arxiv.categories.clone(),
            source,
            status,
            status_reason: Some(reason.to_string()),
            counts,
            usage: Default::default(),
            prompt_id: None,
            papers: Vec::new(),
        },
    )
}

/// Scores a day's selection and saves its record. A backfilled source turns `ok` into
/// `backfilled`; failures keep their own status.
async fn score_and_record(
    config: &Config,
    date: Date,
    source: Source,
    selection: select::Selection,
    scorer: &Scorer,
) -> Result<DayReport> {
    tracing::info!(%date, candidates = selection.candidates.len(), scorer = %scorer.describe(), "scoring");
    let outcome = scorer.score(&selection.candidates).await;
    let status = scored_status(&outcome, &source);
    let mut papers = score::decide(&selection.candidates, &outcome.verdicts, &config.selection);
    papers.extend(selection.excluded);
    let mut counts = selection.counts;
    counts.tally_decisions(&papers);
    let data_dir = config.data_dir();
    let prompt_id = Some(record::save_prompt_snapshot(
        &data_dir,
        &prompt_snapshot(config, scorer)?,
    )?);
    let day = DayRecord {
        schema_version: SCHEMA_VERSION,
        date,
        categories: config.arxiv.categories.clone(),
        source,
        status,
        status_reason: status_reason(status, &outcome, &counts),
        counts,
        usage: outcome.usage,
        prompt_id,
        papers,
    };
    let path = record::save(&data_dir, &day)?;
    let mut summary = format!(
        "{date}: {} — {} feed items, {} scanned, {} selected, {} unscored ({}); wrote {}",
        status.as_str(),
        record::count_text(day.counts.feed_items),
        record::count_text(day.counts.scanned),
        day.counts.selected,
        day.counts.unscored,
        scorer.describe(),
        path.display()
    );
    if !status.has_page() {
        summary.push_str("; no page published");
    }
    if let Some(reason) = &day.status_reason {
        summary.push_str(&format!(". {reason}"));
    }
    Ok(DayReport {
        date: Some(date),
        status: Some(status),
        summary,
    })
}

/// The status of a scored day: the scorer's verdict, with `ok` shown as `backfilled` for a
/// day rebuilt from the arXiv API.
fn scored_status(outcome: &score::ScoreOutcome, source: &Source) -> DayStatus {
    match score::day_status(outcome) {
        DayStatus::Ok if source.backfilled_on.is_some() => DayStatus::Backfilled,
        status => status,
    }
}

fn status_reason(
    status: DayStatus,
    outcome: &score::ScoreOutcome,
    counts: &Counts,
) -> Option<String> {
    match status {
        DayStatus::LlmFailed => Some(format!(
            "LLM scoring failed, so no page was published: {}",
            outcome.failure.as_deref().unwrap_or("every call failed")
        )),
        DayStatus::Partial => Some(format!(
            "{} of {} papers could not be scored; they are listed as not scored",
            counts.unscored,
            record::count_text(counts.scanned)
        )),
        DayStatus::BudgetStopped => Some(format!(
            "the cost cap (llm.max_cost_usd) stopped scoring; {} papers were not scored",
            counts.unscored
        )),
        _ => None,
    }
}

/// The prompts (and keyword phrases) this run scores with, for the page's appendix.
fn prompt_snapshot(config: &Config, scorer: &Scorer) -> Result<PromptSnapshot> {
    let prompts = Prompts::load(&config.prompts_dir())?;
    Ok(PromptSnapshot {
        system: prompts.system,
        topics: prompts.topics,
        criteria: prompts.criteria,
        output_format: prompts.output_format,
        keyword_phrases: match scorer {
            Scorer::Keywords(keywords) => keywords.phrases().to_vec(),
            Scorer::Llm(_) => Vec::new(),
        },
    })
}

/// IDs of papers recorded on days within `lookback_days` before `date` (failed days excluded:
/// their papers were never really looked at).
pub fn seen_ids(data_dir: &Path, date: Date, lookback_days: u32) -> Result<HashSet<String>> {
    let earliest = date
        .checked_sub(i64::from(lookback_days).days())
        .unwrap_or(Date::MIN);
    Ok(record::load_between(data_dir, earliest, date)?
        .iter()
        .filter(|r| !r.status.is_failure())
        .flat_map(|r| r.papers.iter().map(|p| p.id.clone()))
        .collect())
}

/// Re-renders `docs/` from `data/`, templates and config. Everything is rendered in memory
/// before the first write, so a template error never leaves a half-written site. Returns the
/// number of files whose content changed.
pub fn build(config: &Config) -> Result<usize> {
    let data_dir = config.data_dir();
    let records = record::load_all(&data_dir)?;
    let prompts = record::load_prompt_snapshots(&data_dir)?;
    let files = crate::render::render_site(config, &records, &prompts)?;
    let out = config.output_dir();
    let mut changed = 0;
    for file in &files {
        if record::write_atomic(&out.join(&file.path), &file.bytes)? {
            changed += 1;
        }
    }
    Ok(changed)
}

async fn fetch_live_feed(config: &Config) -> Result<FeedDay> {
    let url = fetch::rss::feed_url(&config.arxiv.rss_url, &config.arxiv.categories);
    tracing::info!(%url, "fetching the arXiv feed");
    let client = fetch::http_client(Duration::from_secs(config.arxiv.timeout_secs))?;
    let xml = fetch::get_text(&client, &url, config.arxiv.max_retries).await?;
    fetch::rss::parse(&xml, &url)
        .with_context(|| format!("{url} did not return a valid arXiv feed"))
}

/// Reads recorded feed files; several files must be of the same announcement day.
pub fn read_feed_files(paths: &[PathBuf]) -> Result<FeedDay> {
    let mut merged: Option<FeedDay> = None;
    for path in paths {
        let feed = read_feed_file(path)?;
        merged = Some(match merged {
            None => feed,
            Some(mut day) => {
                if !feed.items.is_empty() && !day.items.is_empty() && feed.date != day.date {
                    bail!(
                        "feed files are of different days: {} is {}, the others {}",
                        path.display(),
                        feed.date,
                        day.date
                    );
                }
                if day.items.is_empty() {
                    day.date = feed.date;
                }
                day.items.extend(feed.items);
                day.origin = format!("{} + {}", day.origin, feed.origin);
                day
            }
        });
    }
    merged.context("no feed file given")
}

fn read_feed_file(path: &Path) -> Result<FeedDay> {
    let xml = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read feed file {}", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    fetch::rss::parse(&xml, &name)
        .with_context(|| format!("{} is not a valid arXiv RSS feed", path.display()))
}

//! The commands' top level: runs the stages in order for a day (`run`) and re-renders (`build`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::config::Config;
use crate::exit::ExitKind;
use crate::fetch::{self, FeedDay};
use crate::record::{self, Counts, DayRecord, DayStatus, PromptSnapshot, SCHEMA_VERSION, Source};
use crate::score::{self, Scorer, prompt::Prompts};
use crate::select;

/// What `run` should read.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The page date the caller expects; the feed must state the same date.
    pub date: Option<Date>,
    /// Recorded feed files to read instead of fetching live.
    pub feeds: Vec<PathBuf>,
}

/// How one day of a run ended, for the summary and the exit code.
#[derive(Debug, Clone, PartialEq)]
pub struct DayReport {
    pub date: Option<Date>,
    pub status: Option<DayStatus>,
    /// One line for the person reading the log.
    pub summary: String,
}

impl DayReport {
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

/// The daily job: read the day's feed, select, score, record, render.
pub async fn run(config: &Config, options: &RunOptions) -> Result<DayReport> {
    let feed = if options.feeds.is_empty() {
        fetch_live_feed(config).await
    } else {
        read_feed_files(&options.feeds)
    }
    .context(ExitKind::Fetch)?;
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
    let scorer = score::scorer_from_config(config).context(ExitKind::Config)?;
    process_feed(config, &feed, &scorer).await
}

/// Runs select → score → record → render for one parsed feed.
pub async fn process_feed(config: &Config, feed: &FeedDay, scorer: &Scorer) -> Result<DayReport> {
    let date = feed.date;
    if feed.items.is_empty() {
        return Ok(DayReport {
            date: Some(date),
            status: None,
            summary: format!(
                "{date}: the feed has no papers (arXiv does not announce on weekends and holidays); nothing written"
            ),
        });
    }
    let data_dir = config.data_dir();
    let records = record::load_all(&data_dir)?;
    if let Some(existing) = records.iter().find(|r| r.date == date)
        && !existing.status.is_failure()
    {
        return Ok(DayReport {
            date: Some(date),
            status: None,
            summary: format!(
                "{date}: already recorded (status {}); nothing to do",
                existing.status.as_str()
            ),
        });
    }
    let seen = seen_ids(&records, date, config.arxiv.seen_lookback_days);
    let selection = select::select(&feed.items, config, &seen);
    let source = Source {
        kind: "rss".into(),
        origin: vec![feed.origin.clone()],
        backfilled_on: None,
    };
    if select::is_stale(&selection.counts, config.arxiv.stale_fraction) {
        let reason = format!(
            "{} of {} papers in the feed were recorded on earlier days: arXiv re-served an old announcement",
            selection.counts.already_seen,
            selection.counts.already_seen + selection.counts.scanned.unwrap_or(0)
        );
        let stale = DayRecord {
            schema_version: SCHEMA_VERSION,
            date,
            categories: config.arxiv.categories.clone(),
            source,
            status: DayStatus::StaleFeed,
            status_reason: Some(reason.clone()),
            counts: selection.counts,
            usage: Default::default(),
            prompt_id: None,
            papers: Vec::new(),
        };
        record::save(&data_dir, &stale)?;
        return Ok(DayReport {
            date: Some(date),
            status: Some(DayStatus::StaleFeed),
            summary: format!("{date}: stale feed, no page written: {reason}"),
        });
    }

    tracing::info!(%date, candidates = selection.candidates.len(), scorer = %scorer.describe(), "scoring");
    let outcome = scorer.score(&selection.candidates).await;
    let status = score::day_status(&outcome);
    let mut papers = score::decide(&selection.candidates, &outcome.verdicts, &config.selection);
    papers.extend(selection.excluded);
    let counts = Counts {
        selected: count(&papers, record::Decision::Selected),
        filtered: Some(count(&papers, record::Decision::Filtered)),
        unscored: count(&papers, record::Decision::Unscored),
        ..selection.counts
    };
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
    if status.has_page() {
        let written = build(config)?;
        summary.push_str(&format!(
            " and {written} changed files in {}",
            config.output_dir().display()
        ));
    } else {
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

fn count(papers: &[record::PaperRecord], decision: record::Decision) -> usize {
    papers.iter().filter(|p| p.decision == decision).count()
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
pub fn seen_ids(records: &[DayRecord], date: Date, lookback_days: u32) -> HashSet<String> {
    let earliest = date
        .checked_sub(i64::from(lookback_days).days())
        .unwrap_or(Date::MIN);
    records
        .iter()
        .filter(|r| r.date < date && r.date >= earliest && !r.status.is_failure())
        .flat_map(|r| r.papers.iter().map(|p| p.id.clone()))
        .collect()
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
        let path = out.join(&file.path);
        if std::fs::read(&path).is_ok_and(|existing| existing == file.bytes) {
            continue;
        }
        record::write_atomic(&path, &file.bytes)?;
        changed += 1;
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

//! `papersift run`: the daily job. Heals missed and failed recent days (catch-up), then reads
//! the day's feed (live, or recorded files with `--feed`), selects, scores, records, renders.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use jiff::civil::Date;

use super::build::update;
use super::day::{self, api_client, calendar_with_seen_holidays, heal_day, process_feed};
use super::report::{DayReport, RunReport, finish};
use crate::calendar::{self, Calendar};
use crate::config::Config;
use crate::exit::ExitKind;
use crate::fetch::{self, FeedDay};
use crate::record::{self, Counts, DayRecord, DayStatus, SCHEMA_VERSION, Source, SourceKind};
use crate::score::{self, Scoring};

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

/// `papersift run`: the day, then its summary, announcements and exit code.
pub fn execute(config: &Config, options: &RunOptions) -> Result<ExitCode> {
    let _lock = super::lock_repository(config)?;
    let runtime = super::runtime()?;
    let report = runtime.block_on(run(config, options));
    // The scanned-text store is written while the pages render; done before anything ends.
    day::wait_for_scanned_writes()?;
    finish(config, &runtime, &report?)
}

/// The daily job: heal missed or failed days (live runs, or `--catch-up`), then read the day's
/// feed, select, score, record, and render once at the end.
pub async fn run(config: &Config, options: &RunOptions) -> Result<RunReport> {
    let calendar = Calendar::from_config(&config.arxiv).context(ExitKind::Config)?;
    let scoring = score::Scoring::from_config(config).context(ExitKind::Config)?;
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
                bring_site_in_step(config, &mut report)?;
                return Ok(report);
            }
        }
    };
    refuse_future_feed(&feed, calendar::new_york_date(jiff::Timestamp::now()))?;
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
        heal_recent_days(config, &calendar, &scoring, feed.date, &mut report).await?;
    }
    report
        .days
        .push(process_feed(config, &calendar, &feed, &scoring).await?);
    // Labels that came without their paper's text: from the days just recorded, else from the
    // arXiv API when this run may use the network (as catch-up does).
    if let Some(note) = super::labels::fill_waiting(config, !offline || options.catch_up).await {
        report.days.push(DayReport::note(None, note));
    }
    bring_site_in_step(config, &mut report)?;
    Ok(report)
}

/// A feed dated more than a day after the machine's New York date is not arXiv's (a broken
/// mirror, a hostile server, or a wrong clock): recording it would create phantom days and
/// make a future page the home page. Refused, with nothing written.
fn refuse_future_feed(feed: &FeedDay, today: Date) -> Result<()> {
    let tomorrow = today.checked_add(jiff::ToSpan::days(1)).unwrap_or(today);
    if feed.date > tomorrow {
        return Err(anyhow::anyhow!(
            "the feed {} is dated {}, more than a day after today ({today}) by this machine's clock; refusing it, nothing was written. Check arxiv.rss_url and the machine's clock",
            feed.origin,
            feed.date
        ))
        .context(ExitKind::Fetch);
    }
    Ok(())
}

/// Every run ends with `docs/` matching `data/`: the pages this run's days alter are rendered,
/// and a day recorded by a run whose render failed or was killed gets its pages now (the
/// summaries tell). Only changed files are written.
fn bring_site_in_step(config: &Config, report: &mut RunReport) -> Result<()> {
    // Any recorded day (this run's included) means there is a site to keep in step.
    if record::last_date(&config.data_dir())?.is_some() {
        let days: Vec<Date> = report.days.iter().filter_map(|day| day.date).collect();
        report.site_files_changed = Some(update(config, &days)?);
    }
    Ok(())
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
    if let Some(status) = day::recorded_fine(&data_dir, date)? {
        return Ok(DayReport::note(
            Some(date),
            format!("{date}: already recorded ({status}); {reason}"),
        ));
    }
    let failed = DayRecord {
        schema_version: SCHEMA_VERSION,
        date,
        categories: config.arxiv.categories.clone(),
        source: Source {
            kind: SourceKind::Rss,
            origin: vec![crate::http::display_url(&fetch::rss::feed_url(
                &config.arxiv.rss_url,
                &config.arxiv.categories,
            ))],
            backfilled_on: None,
        },
        status: DayStatus::FetchFailed,
        status_reason: Some(reason.clone()),
        counts: Counts::default(),
        usage: Default::default(),
        prompt_id: None,
        topics: Vec::new(),
        tldr: None,
        papers: Vec::new(),
        also_like: Vec::new(),
        cascade: None,
        embeddings: None,
    };
    record::save(&data_dir, &failed)?;
    Ok(DayReport {
        date: Some(date),
        status: Some(DayStatus::FetchFailed),
        summary: format!("{date}: fetch-failed — {reason}"),
    })
}

/// Days one run heals at most, so a long outage is repaired over a few runs instead of one
/// very long job.
pub(crate) const MAX_HEALED_PER_RUN: usize = 5;

/// Heals the last `arxiv.catch_up_days` page dates before `today`: a failed day is scored
/// again (or backfilled when it has no papers), a missing day is backfilled from the API. Never
/// reaches before the archive's first record.
async fn heal_recent_days(
    config: &Config,
    calendar: &Calendar,
    scoring: &Scoring,
    today: Date,
    report: &mut RunReport,
) -> Result<()> {
    let data_dir = config.data_dir();
    let Some(first) = record::first_date(&data_dir)? else {
        return Ok(());
    };
    // Only the look-back window is read, not the whole archive.
    let window_start = calendar
        .recent_page_dates(today, config.arxiv.catch_up_days as usize + 1)
        .first()
        .copied()
        .unwrap_or(today)
        .max(first);
    let records = record::load_between(&data_dir, window_start, today)?;
    let calendar = calendar_with_seen_holidays(calendar, &records);
    let by_date: HashMap<Date, &DayRecord> = records.iter().map(|r| (r.date, r)).collect();
    let due: Vec<Date> = calendar
        .recent_page_dates(today, config.arxiv.catch_up_days as usize)
        .into_iter()
        .filter(|date| *date >= first)
        .filter(|date| by_date.get(date).is_none_or(|r| r.awaits_catch_up()))
        .take(MAX_HEALED_PER_RUN)
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    tracing::info!(days = ?due, "catching up");
    let client = api_client(config)?;
    for date in due {
        let existing = by_date.get(&date).copied();
        report
            .days
            .push(heal_day(config, &calendar, scoring, &client, date, existing).await?);
    }
    Ok(())
}

async fn fetch_live_feed(config: &Config) -> Result<FeedDay> {
    let url = fetch::rss::feed_url(&config.arxiv.rss_url, &config.arxiv.categories);
    let shown = crate::http::display_url(&url);
    tracing::info!(url = %shown, "fetching the arXiv feed");
    let client = crate::http::client(Duration::from_secs(config.arxiv.timeout_secs))?;
    let xml = crate::http::get_text(&client, &url, config.arxiv.max_retries).await?;
    fetch::rss::parse(&xml, &shown)
        .with_context(|| format!("{shown} did not return a valid arXiv feed"))
}

/// Reads recorded feed files; several files must be of the same announcement day.
pub(crate) fn read_feed_files(paths: &[PathBuf]) -> Result<FeedDay> {
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
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read feed file {}", path.display()))?;
    // As a live fetch does: invalid UTF-8 becomes U+FFFD rather than failing the day.
    let xml = String::from_utf8_lossy(&bytes);
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    fetch::rss::parse(&xml, &name)
        .with_context(|| format!("{} is not a valid arXiv RSS feed", path.display()))
}

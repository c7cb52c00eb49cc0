//! Healing missed and failed days: catch-up before each run, and `backfill` over a date range.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use jiff::civil::Date;

use super::{
    DayReport, RunReport, build, save_without_papers, score_and_record, seen_ids, semantic_scholar,
};
use crate::calendar::{self, Calendar};
use crate::config::Config;
use crate::exit::ExitKind;
use crate::fetch::s2::S2Papers;
use crate::fetch::{self, api};
use crate::record::{self, DayRecord, DayStatus, Source};
use crate::score::{self, Scorer};
use crate::select;

/// Days one run heals at most, so a long outage is repaired over a few runs instead of one
/// very long job.
pub const MAX_HEALED_PER_RUN: usize = 5;

/// Heals the last `arxiv.catch_up_days` page dates before `today`: a failed day is scored
/// again (or backfilled when it has no papers), a missing day is backfilled from the API. Never
/// reaches before the archive's first record.
pub(super) async fn heal_recent_days(
    config: &Config,
    calendar: &Calendar,
    scorer: &Scorer,
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
        .filter(|date| by_date.get(date).is_none_or(|r| r.status.is_failure()))
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
            .push(heal_day(config, &calendar, scorer, &client, date, existing).await?);
    }
    Ok(())
}

/// `papersift backfill`: day records for the page dates from `from` to `to` from the arXiv API
/// (every N-th with `--shard K/N`). Days already recorded fine are skipped, so a second run
/// changes nothing. Renders afterwards unless sharded (a final `build` renders then).
pub async fn backfill(
    config: &Config,
    from: Date,
    to: Date,
    shard: Option<(usize, usize)>,
) -> Result<RunReport> {
    if from > to {
        return Err(anyhow::anyhow!("--from {from} is after --to {to}")).context(ExitKind::Config);
    }
    let calendar = Calendar::from_config(&config.arxiv).context(ExitKind::Config)?;
    let scorer = score::scorer_from_config(config).context(ExitKind::Config)?;
    // No-announcement days just before the range widen its first window too.
    let before = from.checked_sub(jiff::ToSpan::days(7)).unwrap_or(from);
    let next_day = to.checked_add(jiff::ToSpan::days(1)).unwrap_or(to);
    let records = record::load_between(&config.data_dir(), before, next_day)?;
    let calendar = calendar_with_seen_holidays(&calendar, &records);
    let (index, of) = shard.unwrap_or((1, 1));
    let dates: Vec<Date> = calendar
        .page_dates_between(from, to)
        .into_iter()
        .enumerate()
        .filter(|(position, _)| position % of == index - 1)
        .map(|(_, date)| date)
        .collect();
    let client = api_client(config)?;
    let mut report = RunReport::default();
    for date in dates {
        let existing = record::load(&config.data_dir(), date)?;
        if let Some(day) = &existing
            && !day.status.is_failure()
        {
            report.days.push(DayReport::note(
                Some(date),
                format!(
                    "{date}: already recorded (status {}); skipped",
                    day.status.as_str()
                ),
            ));
            continue;
        }
        report
            .days
            .push(heal_day(config, &calendar, &scorer, &client, date, existing.as_ref()).await?);
    }
    if shard.is_none() && report.needs_build() {
        report.site_files_changed = Some(build(config)?);
    }
    Ok(report)
}

/// Parses `K/N` (1 ≤ K ≤ N).
pub fn parse_shard(text: &str) -> Result<(usize, usize)> {
    let parsed = text.split_once('/').and_then(|(k, n)| {
        Some((
            k.trim().parse::<usize>().ok()?,
            n.trim().parse::<usize>().ok()?,
        ))
    });
    match parsed {
        Some((k, n)) if (1..=n).contains(&k) => Ok((k, n)),
        _ => bail!("--shard {text:?} must be K/N with 1 ≤ K ≤ N, e.g. 2/4"),
    }
}

/// Weekdays recorded as `no-announcement` count as holidays, so the next page's submission
/// window covers them.
fn calendar_with_seen_holidays(calendar: &Calendar, records: &[DayRecord]) -> Calendar {
    calendar.with_holidays(
        records
            .iter()
            .filter(|r| r.status == DayStatus::NoAnnouncement)
            .map(|r| r.date),
    )
}

fn api_client(config: &Config) -> Result<reqwest::Client> {
    fetch::http_client(Duration::from_secs(config.arxiv.timeout_secs))
}

/// Heals one day: a failed day that kept its papers is scored again; otherwise the day is
/// backfilled from the arXiv API.
async fn heal_day(
    config: &Config,
    calendar: &Calendar,
    scorer: &Scorer,
    client: &reqwest::Client,
    date: Date,
    existing: Option<&DayRecord>,
) -> Result<DayReport> {
    match existing {
        Some(day) if day.status.is_failure() && day.unscored().next().is_some() => {
            rescore_day(config, scorer, day).await
        }
        _ => backfill_day(config, calendar, scorer, client, date).await,
    }
}

/// Scores the unscored papers of a failed day again, keeping every decision already made.
async fn rescore_day(config: &Config, scorer: &Scorer, day: &DayRecord) -> Result<DayReport> {
    let date = day.date;
    let papers = day.unscored_papers();
    // The papers left unscored already passed the day's author and h-index rules when it was
    // first selected, so no Semantic Scholar lookup is made again.
    let selection = select::select(&papers, config, &HashSet::new(), &S2Papers::new());
    let outcome = scorer.score(&selection.candidates).await;
    if let Some(failure) = &outcome.failure {
        return Ok(DayReport {
            date: Some(date),
            status: Some(day.status),
            summary: format!(
                "{date}: still {} — scoring again failed: {failure}",
                day.status.as_str()
            ),
        });
    }
    let mut healed = day.clone();
    healed
        .papers
        .retain(|p| p.decision != record::Decision::Unscored);
    healed.papers.extend(score::decide(
        &selection.candidates,
        &outcome.verdicts,
        &config.selection,
    ));
    healed.papers.extend(selection.excluded);
    score::rank(&mut healed.papers, &config.selection);
    healed.usage.add(&outcome.usage);
    healed.counts.tally_decisions(&healed.papers);
    healed.status = super::scored_status(&outcome, &healed.source);
    healed.status_reason = super::status_reason(healed.status, &outcome, &healed.counts);
    record::save(&config.data_dir(), &healed)?;
    Ok(DayReport {
        date: Some(date),
        status: Some(healed.status),
        summary: format!(
            "{date}: {} — scored again: {} selected, {} still unscored",
            healed.status.as_str(),
            healed.counts.selected,
            healed.counts.unscored
        ),
    })
}

/// Builds a day from the arXiv API for the page date's exact submission window.
async fn backfill_day(
    config: &Config,
    calendar: &Calendar,
    scorer: &Scorer,
    client: &reqwest::Client,
    date: Date,
) -> Result<DayReport> {
    let window = calendar.submission_window(date)?;
    let categories = &config.arxiv.categories;
    let source = Source {
        kind: "api".into(),
        origin: vec![format!(
            "{} {}",
            config.arxiv.api_url,
            window.api_date_range()
        )],
        backfilled_on: Some(calendar::new_york_date(jiff::Timestamp::now()).to_string()),
    };
    let paging = api::Paging {
        page_size: api::DEFAULT_PAGE_SIZE,
        pause: Duration::from_millis(config.arxiv.api_pause_ms),
        max_retries: config.arxiv.max_retries,
    };
    tracing::info!(%date, %window, "backfilling from the arXiv API");
    let papers = match api::fetch_window(
        client,
        &config.arxiv.api_url,
        categories,
        &window,
        &paging,
    )
    .await
    {
        Ok(papers) => papers,
        Err(error) => {
            let reason = format!("backfilling from the arXiv API failed: {error:#}");
            save_without_papers(
                config,
                date,
                source,
                DayStatus::FetchFailed,
                &reason,
                Default::default(),
            )?;
            return Ok(DayReport {
                date: Some(date),
                status: Some(DayStatus::FetchFailed),
                summary: format!("{date}: fetch-failed — {reason}"),
            });
        }
    };
    if papers.is_empty() {
        let reason = "the arXiv API has no submissions in this page date's window (a holiday?)";
        save_without_papers(
            config,
            date,
            source,
            DayStatus::NoAnnouncement,
            reason,
            Default::default(),
        )?;
        return Ok(DayReport {
            date: Some(date),
            status: Some(DayStatus::NoAnnouncement),
            summary: format!("{date}: no-announcement — {reason}"),
        });
    }
    let seen = seen_ids(&config.data_dir(), date, config.arxiv.seen_lookback_days)?;
    let (s2_papers, s2_note) = semantic_scholar(config, &papers, &seen).await;
    let selection = select::select(&papers, config, &seen, &s2_papers);
    Ok(score_and_record(config, date, source, selection, scorer)
        .await?
        .with_note(s2_note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_reject_nonsense() {
        assert_eq!(parse_shard("2/4").unwrap(), (2, 4));
        assert_eq!(parse_shard("1/1").unwrap(), (1, 1));
        for bad in ["0/4", "5/4", "2", "a/b", "2/0"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}

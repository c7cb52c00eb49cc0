//! `papersift backfill`: day records for past page dates from the arXiv export API.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::civil::Date;

use super::build::update;
use super::day::{api_client, calendar_with_seen_holidays, heal_day};
use super::report::{DayReport, RunReport, finish};
use crate::calendar::Calendar;
use crate::config::Config;
use crate::exit::ExitKind;
use crate::record;
use crate::score;

/// `papersift backfill --from D --to D [--shard K/N]`.
pub fn execute(config: &Config, from: Date, to: Date, shard: Option<&str>) -> Result<ExitCode> {
    let _lock = super::lock_repository(config)?;
    let shard = shard
        .map(parse_shard)
        .transpose()
        .context(ExitKind::Config)?;
    let runtime = super::runtime()?;
    let report = runtime.block_on(backfill(config, from, to, shard));
    // The scanned-text store's last days are written while the pages render.
    super::day::wait_for_scanned_writes()?;
    let report = report?;
    finish(config, &runtime, &report)
}

/// `papersift backfill`: day records for the page dates from `from` to `to` from the arXiv API
/// (every N-th with `--shard K/N`). Days already recorded fine are skipped, so a second run
/// changes nothing. Renders afterwards unless sharded (a final `build` renders then).
pub(crate) async fn backfill(
    config: &Config,
    from: Date,
    to: Date,
    shard: Option<(usize, usize)>,
) -> Result<RunReport> {
    if from > to {
        return Err(anyhow::anyhow!("--from {from} is after --to {to}")).context(ExitKind::Config);
    }
    let calendar = Calendar::from_config(&config.arxiv).context(ExitKind::Config)?;
    let scoring = score::Scoring::from_config(config).context(ExitKind::Config)?;
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
        report.days.push(
            heal_day(
                config,
                &calendar,
                &scoring,
                &client,
                date,
                existing.as_ref(),
            )
            .await?,
        );
    }
    if shard.is_none() && report.needs_build() {
        let days: Vec<jiff::civil::Date> = report.days.iter().filter_map(|day| day.date).collect();
        report.site_files_changed = Some(update(config, &days)?);
    }
    Ok(report)
}

/// Parses `K/N` (1 ≤ K ≤ N).
pub(crate) fn parse_shard(text: &str) -> Result<(usize, usize)> {
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

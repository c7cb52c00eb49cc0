//! The run-health page: the last page dates on arXiv's calendar with the status of each, so a
//! failed or missing run is visible at a glance.
//!
//! The calendar ends at the newest record's date, never at the clock, so the page stays a pure
//! function of `data/`.

use std::collections::BTreeMap;

use anyhow::Result;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Serialize;

use crate::calendar::Calendar;
use crate::config::Config;
use crate::record::{DayStatus, DaySummary};

use super::day_path;
use super::view::{long_date, month_name};

/// How many page dates the page shows.
pub(crate) const STATUS_DAYS: usize = 60;

/// The calendar column of a record dated on a Saturday or Sunday.
const WEEKEND_COLUMN: i8 = 6;

/// The status of a page date that has no record at all.
const MISSING: &str = "missing";

/// The run-health page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatusView {
    pub title: String,
    /// `None` before the first record.
    pub first: Option<String>,
    pub last: Option<String>,
    /// True when the calendar shows the full `STATUS_DAYS` page dates (false while the archive is
    /// younger than that).
    pub complete: bool,
    /// Column headings, Monday first (page dates are weekdays), and a sixth, "Sat/Sun", when a
    /// shown record is dated on a weekend (imported archives have some).
    pub weekdays: Vec<&'static str>,
    pub with_weekend: bool,
    /// Oldest first.
    pub days: Vec<StatusDay>,
    /// How many of the shown days have each status, in legend order, zero counts left out.
    pub totals: Vec<StatusTotal>,
    pub legend: Vec<LegendEntry>,
}

/// One page date on the run-health page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatusDay {
    pub date: String,
    /// `Mon 2 Mar`.
    pub short_label: String,
    /// `Monday 2 March 2026`.
    pub long_date: String,
    /// 1 (Monday) to 5 (Friday), the calendar column; 6 for a weekend date.
    pub column: i8,
    /// A record status or `missing`; also the CSS class suffix.
    pub status: &'static str,
    pub abbreviation: &'static str,
    pub reason: Option<String>,
    /// The day page, when the day has one.
    pub path: Option<String>,
    pub selected: Option<usize>,
    /// True for statuses that need attention (failed or missing).
    pub alarming: bool,
}

/// One status and how many shown days have it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatusTotal {
    pub status: &'static str,
    pub count: usize,
}

/// One status in the legend.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LegendEntry {
    pub status: &'static str,
    pub abbreviation: &'static str,
    pub meaning: &'static str,
}

/// Every status in legend order: `(status, abbreviation, meaning)`.
const LEGEND: [(Option<DayStatus>, &str, &str); 9] = [
    (Some(DayStatus::Ok), "OK", "scored and published"),
    (
        Some(DayStatus::Backfilled),
        "BF",
        "published later from the arXiv API",
    ),
    (
        Some(DayStatus::Partial),
        "PA",
        "published, but some papers could not be scored (catch-up retries it)",
    ),
    (
        Some(DayStatus::BudgetStopped),
        "BS",
        "published, but the cost cap stopped scoring (catch-up retries it)",
    ),
    (
        Some(DayStatus::LlmFailed),
        "LF",
        "the model failed; no page (catch-up retries it)",
    ),
    (
        Some(DayStatus::FetchFailed),
        "FF",
        "arXiv could not be read; no page (catch-up retries it)",
    ),
    (
        Some(DayStatus::StaleFeed),
        "SF",
        "arXiv served an old feed; no new page",
    ),
    (
        Some(DayStatus::NoAnnouncement),
        "NA",
        "arXiv announced nothing on this date",
    ),
    (
        None,
        "??",
        "no record: the run did not happen or was not kept",
    ),
];

fn status_name(status: Option<DayStatus>) -> &'static str {
    status.map_or(MISSING, DayStatus::as_str)
}

fn abbreviation(status: Option<DayStatus>) -> &'static str {
    LEGEND
        .iter()
        .find(|(s, _, _)| *s == status)
        .map_or("??", |(_, abbreviation, _)| abbreviation)
}

/// Builds the run-health page from every record (one per date, any order).
pub(crate) fn status_view(config: &Config, records: &[&DaySummary]) -> Result<StatusView> {
    let calendar = Calendar::from_config(&config.arxiv)?;
    let by_date: BTreeMap<Date, &DaySummary> = records.iter().map(|r| (r.date, *r)).collect();
    let days: Vec<StatusDay> = match by_date.keys().next_back() {
        Some(&newest) => shown_dates(&calendar, &by_date, newest)
            .into_iter()
            .map(|date| status_day(date, by_date.get(&date).copied()))
            .collect(),
        None => Vec::new(),
    };
    let totals = LEGEND
        .iter()
        .map(|(status, _, _)| {
            let name = status_name(*status);
            StatusTotal {
                status: name,
                count: days.iter().filter(|d| d.status == name).count(),
            }
        })
        .filter(|total| total.count > 0)
        .collect();
    let with_weekend = days.iter().any(|d| d.column == WEEKEND_COLUMN);
    let mut weekdays = vec!["Mon", "Tue", "Wed", "Thu", "Fri"];
    if with_weekend {
        weekdays.push("Sat/Sun");
    }
    Ok(StatusView {
        title: format!("{} — run health", config.site.title),
        first: days.first().map(|d| d.date.clone()),
        last: days.last().map(|d| d.date.clone()),
        weekdays,
        with_weekend,
        complete: days.len() >= STATUS_DAYS,
        days,
        totals,
        legend: LEGEND
            .iter()
            .map(|&(status, abbreviation, meaning)| LegendEntry {
                status: status_name(status),
                abbreviation,
                meaning,
            })
            .collect(),
    })
}

/// The last `STATUS_DAYS` page dates up to `newest`, plus any recorded date among them that the
/// calendar does not list (a record on a configured holiday), oldest first. Dates before the
/// oldest record are left out: a new site has no missed runs before its first one.
fn shown_dates(
    calendar: &Calendar,
    records: &BTreeMap<Date, &DaySummary>,
    newest: Date,
) -> Vec<Date> {
    let oldest_record = records.keys().next().copied().unwrap_or(newest);
    let after_newest = newest.checked_add(1.day()).unwrap_or(newest);
    let mut dates = calendar.recent_page_dates(after_newest, STATUS_DAYS);
    let first = dates.first().copied().unwrap_or(newest).max(oldest_record);
    dates.retain(|&date| date >= first);
    dates.extend(records.range(first..=newest).map(|(date, _)| *date));
    dates.sort();
    dates.dedup();
    dates
}

fn status_day(date: Date, record: Option<&DaySummary>) -> StatusDay {
    let status = record.map(|r| r.status);
    let has_page = status.is_some_and(DayStatus::has_page);
    let column = match date.weekday() {
        Weekday::Saturday | Weekday::Sunday => WEEKEND_COLUMN,
        weekday => weekday.to_monday_one_offset(),
    };
    StatusDay {
        date: date.to_string(),
        short_label: format!(
            "{} {} {}",
            &long_date(date)[..3],
            date.day(),
            &month_name(date.month())[..3]
        ),
        long_date: long_date(date),
        column,
        status: status_name(status),
        abbreviation: abbreviation(status),
        reason: record.and_then(|r| r.status_reason.clone()),
        path: has_page.then(|| day_path(date)),
        selected: record.filter(|_| has_page).map(|r| r.selected),
        alarming: status.is_none_or(DayStatus::is_failure),
    }
}

//! What a command did, day by day: the summary lines, the exit code, and the announcement of
//! the recorded days (job summary, failure issue, Slack, webhook).

use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use crate::config::Config;
use crate::exit::ExitKind;
use crate::record::{self, DayStatus};

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
    pub(crate) fn with_note(mut self, note: Option<String>) -> DayReport {
        if let Some(note) = note {
            self.summary.push_str(&format!(". {note}"));
        }
        self
    }

    pub(crate) fn note(date: Option<Date>, summary: String) -> DayReport {
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
        match self.site_files_changed {
            Some(0) => lines.push("site checked: docs/ already matches data/".to_string()),
            Some(changed) => lines.push(format!("site rebuilt: {changed} files changed")),
            None => {}
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

    pub(crate) fn needs_build(&self) -> bool {
        self.days
            .iter()
            .any(|d| d.status.is_some_and(DayStatus::has_page))
    }
}

/// Prints the run's summary, announces the days it recorded, and turns failed days into the
/// exit code.
pub(crate) fn finish(
    config: &Config,
    runtime: &tokio::runtime::Runtime,
    report: &RunReport,
) -> Result<ExitCode> {
    println!("{}", crate::secrets::redact(&report.summary()));
    let mut days = Vec::new();
    for date in report.recorded_dates() {
        days.extend(record::load(&config.data_dir(), date)?);
    }
    runtime.block_on(crate::publish::announce(config, &days));
    Ok(ExitCode::from(report.exit_kind().map_or(0, ExitKind::code)))
}

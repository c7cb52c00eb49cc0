//! Render: the site model (days, months, years, neighbours) and every file of `docs/`.
//!
//! `render_site` is pure: it reads the records, prompt snapshots, config and templates it is
//! given (plus the user's template overrides) and returns the files; `pipeline::build` writes
//! them. The same input always gives byte-identical output.

mod feeds;
mod groups;
pub(crate) mod markdown;
pub(crate) mod math;
mod pages;
mod search;
mod status;
mod textmode;
mod topic_pages;
mod topics;
mod view;

#[cfg(test)]
mod feature_tests;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use anyhow::{Context, Result};
use jiff::civil::Date;

use crate::config::Config;
use crate::record::{DayRecord, PromptSnapshot};

use pages::Templates;
use view::{DayView, HomeView, Link, SiteView};

/// One file of the built site, relative to the output folder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Renders the whole site from the day records (oldest first) and the prompt snapshots they
/// name. Pure: no network, no writes. Files come back sorted by path.
pub(crate) fn render_site(
    config: &Config,
    records: &[DayRecord],
    prompts: &BTreeMap<String, PromptSnapshot>,
) -> Result<Vec<OutputFile>> {
    let templates = Templates::load(&config.templates_dir())?;
    let site = SiteModel::new(records);
    let site_view = SiteView {
        title: config.site.title.clone(),
        years: site
            .years()
            .iter()
            .rev()
            .map(|&year| Link {
                label: year.to_string(),
                path: year_path(year),
            })
            .collect(),
    };
    let prompt_views = view::prompt_views(prompts);
    let topic_names = prompts
        .iter()
        .map(|(id, snapshot)| (id.clone(), topics::numbered_topic_names(&snapshot.topics)))
        .collect();

    let mut files = Vec::with_capacity(site.pages().len() * 2 + 8);
    let mut latest: Option<DayView> = None;
    for (index, record) in site.pages().iter().enumerate() {
        let day = view::day_view(config, record, &site.neighbours(index), &prompt_views);
        let pages = templates
            .day(&site_view, &day)
            .with_context(|| format!("cannot render the page of {}", record.date))?;
        files.extend(pages);
        latest = Some(day);
    }
    let calendar = crate::calendar::Calendar::from_config(&config.arxiv)?;
    for month in site.months() {
        let month_view = view::month_view(config, &site, month, &topic_names, &calendar);
        files.push(
            templates
                .month(&site_view, &month_view)
                .with_context(|| format!("cannot render the overview of {month}"))?,
        );
    }
    for year in site.years() {
        let year_view = view::year_view(config, &site, year);
        files.push(
            templates
                .year(&site_view, &year_view)
                .with_context(|| format!("cannot render the page of {year}"))?,
        );
    }
    let topic_papers = topic_pages::collect(site.pages());
    for topic in &topic_papers {
        let topic_view = topic_pages::topic_view(&config.site.title, topic);
        files.push(
            templates
                .topic(&site_view, &topic_view)
                .with_context(|| format!("cannot render the page of topic {}", topic.id))?,
        );
        files.push(OutputFile {
            path: format!("{}feed.xml", topic_view.path).into(),
            bytes: feeds::topic_atom(config, topic)?,
        });
    }
    let home = HomeView {
        recent: view::recent_days(&site, config.site.recent_days),
        topics: topic_papers.iter().map(topic_pages::topic_link).collect(),
    };
    files.push(
        templates
            .home(&site_view, latest.as_ref(), &home)
            .context("cannot render the home page")?,
    );
    let status_view =
        status::status_view(config, site.records()).context("cannot build the run-health page")?;
    files.push(
        templates
            .status(&site_view, &status_view)
            .context("cannot render the run-health page")?,
    );
    files.push(
        templates
            .search(&site_view, &home.topics)
            .context("cannot render the search page")?,
    );
    files.extend(search::search_files(site.pages())?);
    files.push(OutputFile {
        path: "feed.xml".into(),
        bytes: feeds::atom(config, site.pages())?,
    });
    files.push(OutputFile {
        path: "feed.json".into(),
        bytes: feeds::json_feed(config, site.pages())?,
    });
    files.extend(templates.assets().iter().cloned());
    // GitHub Pages must serve the files as they are, not through Jekyll.
    files.push(OutputFile {
        path: ".nojekyll".into(),
        bytes: Vec::new(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// A day's e-mail: subject, plain-text part and HTML part, from the `email.txt` and
/// `email.html` templates (overridable like the pages).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The e-mail of `record`: its papers by topic, or a short failure notice for a day without a
/// page. The subject is `{prefix} · 2026-08-13 · 12 papers` (or `· llm-failed`).
pub(crate) fn email(config: &Config, record: &DayRecord) -> Result<Email> {
    let templates = Templates::load(&config.templates_dir())?;
    let view = view::email_view(config, record);
    let (html, text) = templates.email(&view)?;
    let prefix = config.notify.email_subject_prefix.trim();
    let what = if record.status.has_page() {
        let n = record.counts.selected;
        format!("{n} paper{}", if n == 1 { "" } else { "s" })
    } else {
        record.status.as_str().to_string()
    };
    Ok(Email {
        subject: format!("{prefix} · {} · {what}", record.date),
        text,
        html,
    })
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct YearMonth {
    pub year: i16,
    pub month: i8,
}

impl YearMonth {
    pub(crate) fn of(date: Date) -> YearMonth {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The monthly overview's folder, relative to the site root.
    pub(crate) fn path(self) -> String {
        format!("{:04}/{:02}/", self.year, self.month)
    }

    /// `March 2026`.
    pub(crate) fn long_label(self) -> String {
        format!("{} {}", view::month_name(self.month), self.year)
    }

    pub(crate) fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).expect("a YearMonth comes from a valid date")
    }
}

impl fmt::Display for YearMonth {
    /// `2026-03`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A day page's folder, relative to the site root: `2026/03/13/`.
pub(crate) fn day_path(date: Date) -> String {
    format!("{:04}/{:02}/{:02}/", date.year(), date.month(), date.day())
}

/// A yearly page's folder, relative to the site root: `2026/`.
pub(crate) fn year_path(year: i16) -> String {
    format!("{year:04}/")
}

/// The nearest days with pages before and after a day.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DayNeighbours<'a> {
    pub prev: Option<&'a DayRecord>,
    pub next: Option<&'a DayRecord>,
}

/// The shape of the site: which days have pages, and how they group into months and years.
pub(crate) struct SiteModel<'a> {
    /// One record per date (the last given wins), oldest first, whatever its status.
    records: Vec<&'a DayRecord>,
    /// The records whose days get a page, oldest first.
    pages: Vec<&'a DayRecord>,
}

impl<'a> SiteModel<'a> {
    pub(crate) fn new(records: &'a [DayRecord]) -> SiteModel<'a> {
        let by_date: BTreeMap<Date, &DayRecord> = records.iter().map(|r| (r.date, r)).collect();
        let records: Vec<&DayRecord> = by_date.into_values().collect();
        let pages = records
            .iter()
            .copied()
            .filter(|r| r.status.has_page())
            .collect();
        SiteModel { records, pages }
    }

    /// Every record (one per date, the last given wins), oldest first.
    pub(crate) fn records(&self) -> &[&'a DayRecord] {
        &self.records
    }

    /// Days with pages, oldest first.
    pub(crate) fn pages(&self) -> &[&'a DayRecord] {
        &self.pages
    }

    /// The neighbours of the page at `index` in `pages()`.
    pub(crate) fn neighbours(&self, index: usize) -> DayNeighbours<'a> {
        DayNeighbours {
            prev: index
                .checked_sub(1)
                .and_then(|i| self.pages.get(i).copied()),
            next: self.pages.get(index + 1).copied(),
        }
    }

    /// Months with at least one day page, oldest first.
    pub(crate) fn months(&self) -> Vec<YearMonth> {
        let mut months: Vec<YearMonth> = self.pages.iter().map(|r| YearMonth::of(r.date)).collect();
        months.dedup();
        months
    }

    /// Years with at least one day page, oldest first.
    pub(crate) fn years(&self) -> Vec<i16> {
        let mut years: Vec<i16> = self.pages.iter().map(|r| r.date.year()).collect();
        years.dedup();
        years
    }

    /// Every record of a month (with or without a page), oldest first.
    pub(crate) fn records_in(&self, month: YearMonth) -> impl Iterator<Item = &'a DayRecord> + '_ {
        self.records
            .iter()
            .copied()
            .filter(move |r| YearMonth::of(r.date) == month)
    }

    /// Day pages of a month, oldest first.
    pub(crate) fn pages_in(&self, month: YearMonth) -> impl Iterator<Item = &'a DayRecord> + '_ {
        self.pages
            .iter()
            .copied()
            .filter(move |r| YearMonth::of(r.date) == month)
    }
}

/// The items just before and after `item` in a sorted, deduplicated list.
pub(crate) fn sorted_neighbours<T: Copy + Ord>(sorted: &[T], item: T) -> (Option<T>, Option<T>) {
    let (before, after) = match sorted.binary_search(&item) {
        Ok(index) => (index.checked_sub(1), index + 1),
        Err(index) => (index.checked_sub(1), index),
    };
    (
        before.and_then(|i| sorted.get(i).copied()),
        sorted.get(after).copied(),
    )
}

//! Render: the site model (days, months, years, neighbours) and every file of `docs/`.
//!
//! [`render`] is pure: it reads the day summaries, the records it asks its [`RecordSource`]
//! for, the prompt snapshots, config and templates (plus the user's template overrides), and
//! hands the files to a sink; `commands::build` writes them. The same input always gives
//! byte-identical output, whether the whole site is rendered or only what some days change
//! ([`Scope`]): both go through the same functions, each page reading only the records it
//! shows, so a daily run costs what its day changes and not what the archive holds.

mod feeds;
mod groups;
pub(crate) mod markdown;
pub(crate) mod math;
mod pages;
mod plan;
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
use std::sync::Arc;
#[cfg(test)]
use std::sync::Mutex;

use anyhow::{Context, Result};
use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Config;
use crate::record::{DayRecord, DaySummary, PromptSnapshot, TopicTally};

use pages::Templates;
pub(crate) use plan::{Coverage, Scope};
use view::{HomeView, Link, PromptView, SiteView};

/// One file of the built site, relative to the output folder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Where [`render`] reads whole day records: the archive on disk, or records in memory.
pub(crate) trait RecordSource: Sync {
    /// The record of `date`, which the summaries say exists.
    fn record(&self, date: Date) -> Result<Arc<DayRecord>>;
}

/// Records held in memory (tests).
#[cfg(test)]
pub(crate) struct InMemory(BTreeMap<Date, Arc<DayRecord>>);

#[cfg(test)]
impl InMemory {
    /// The records, one per date (the last given wins).
    pub(crate) fn new(records: &[DayRecord]) -> InMemory {
        InMemory(
            records
                .iter()
                .map(|r| (r.date, Arc::new(r.clone())))
                .collect(),
        )
    }

    /// Their summaries, oldest first (file sizes unknown: 0).
    pub(crate) fn summaries(&self) -> Vec<DaySummary> {
        self.0.values().map(|r| summarize(r, 0)).collect()
    }
}

#[cfg(test)]
impl RecordSource for InMemory {
    fn record(&self, date: Date) -> Result<Arc<DayRecord>> {
        self.0
            .get(&date)
            .cloned()
            .with_context(|| format!("no record of {date}"))
    }
}

/// What the pages that list many days need of `record` (see [`DaySummary`]); `bytes` is the
/// size of its file.
pub(crate) fn summarize(record: &DayRecord, bytes: u64) -> DaySummary {
    let mut topics: Vec<TopicTally> = Vec::new();
    for paper in topic_pages::first_listings(record) {
        let Some(paper_topics) = &paper.topics else {
            continue;
        };
        for id in std::iter::once(&paper_topics.primary).chain(&paper_topics.also) {
            match topics.iter_mut().find(|t| &t.id == id) {
                Some(tally) => tally.papers += 1,
                None => topics.push(TopicTally {
                    id: id.clone(),
                    label: groups::topic_label(record, id).to_string(),
                    papers: 1,
                }),
            }
        }
    }
    DaySummary {
        date: record.date,
        status: record.status,
        status_reason: record.status_reason.clone(),
        selected: record.counts.selected,
        first_listed: topic_pages::first_listings(record).count(),
        bytes,
        topic_order: record.topics.iter().map(|t| t.id.clone()).collect(),
        topics,
    }
}

/// Renders the whole site from records in memory; the files come back sorted by path.
#[cfg(test)]
pub(crate) fn render_site(
    config: &Config,
    records: &[DayRecord],
    prompts: &BTreeMap<String, PromptSnapshot>,
) -> Result<Vec<OutputFile>> {
    let source = InMemory::new(records);
    let summaries = source.summaries();
    let files = Mutex::new(Vec::new());
    render(
        &SiteInputs::load(config, prompts)?,
        &summaries,
        &source,
        &Scope::Everything,
        &|batch| {
            files.lock().expect("no render thread panics").extend(batch);
            Ok(())
        },
    )?;
    let mut files = files.into_inner().expect("no render thread panics");
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// What the site is rendered with besides the records: config, the compiled templates (built
/// in and overridden) and the prompt snapshots. Loaded once per build and shared by its passes.
pub(crate) struct SiteInputs<'a> {
    config: &'a Config,
    templates: Templates,
    prompts: &'a BTreeMap<String, PromptSnapshot>,
}

impl<'a> SiteInputs<'a> {
    pub(crate) fn load(
        config: &'a Config,
        prompts: &'a BTreeMap<String, PromptSnapshot>,
    ) -> Result<SiteInputs<'a>> {
        Ok(SiteInputs {
            config,
            templates: Templates::load(&config.templates_dir())?,
            prompts,
        })
    }

    /// The fingerprint of these inputs and papersift's version: which prompt snapshots exist
    /// (each is named by its content), not their text. A site built with another fingerprint
    /// is rebuilt whole.
    pub(crate) fn fingerprint(&self) -> Result<String> {
        let config_json =
            serde_json::to_string(self.config).context("cannot serialise the config")?;
        let prompt_ids: String = self.prompts.keys().map(|id| format!("{id}\n")).collect();
        Ok(crate::text::short_hash(&[
            env!("CARGO_PKG_VERSION").as_bytes(),
            config_json.as_bytes(),
            self.templates.fingerprint().as_bytes(),
            prompt_ids.as_bytes(),
        ]))
    }
}

/// Receives rendered files, in batches, from any render thread.
pub(crate) type Sink<'a> = dyn Fn(Vec<OutputFile>) -> Result<()> + Sync + 'a;

/// Everything a page needs besides its records.
struct RenderContext<'a> {
    config: &'a Config,
    templates: &'a Templates,
    site: SiteModel<'a>,
    site_view: SiteView,
    prompts: BTreeMap<String, PromptView>,
    topic_names: BTreeMap<String, topics::TopicNames>,
    calendar: crate::calendar::Calendar,
    source: &'a dyn RecordSource,
}

/// Renders the files `scope` covers from `summaries` (one per record, any order) and the
/// records `source` holds, handing them to `sink`. Returns which paths the render was
/// responsible for, so the caller can delete the ones no longer made.
pub(crate) fn render(
    inputs: &SiteInputs<'_>,
    summaries: &[DaySummary],
    source: &dyn RecordSource,
    scope: &Scope,
    sink: &Sink<'_>,
) -> Result<Coverage> {
    let config = inputs.config;
    let prompts = inputs.prompts;
    let site = SiteModel::new(summaries);
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
        repository: config.site.repository.trim().to_string(),
        branch: config.site.branch.clone(),
    };
    let plan = plan::Plan::new(&site, scope, inputs.templates.years_on_every_page());
    let cx = RenderContext {
        config,
        templates: &inputs.templates,
        site_view,
        prompts: view::prompt_views(prompts),
        topic_names: prompts
            .iter()
            .map(|(id, snapshot)| (id.clone(), topics::numbered_topic_names(&snapshot.topics)))
            .collect(),
        calendar: crate::calendar::Calendar::from_config(&config.arxiv)?,
        source,
        site,
    };
    // Month by month on every core: a month's records are read once, for its day pages, its
    // overview and its search papers, then dropped, so memory does not grow with the archive
    // beyond the search postings of the years before the newest, which make one segment.
    // All months in one parallel pass: a pass a year left a core idle at the end of each.
    let months = plan.months(&cx.site);
    let papers: Vec<Option<search::SegmentBuilder>> = months
        .par_iter()
        .map(|&month| {
            let (files, papers) = render_month(&cx, &plan, month)?;
            sink(files)?;
            Ok(papers)
        })
        .collect::<Result<_>>()?;
    let mut earlier = search::SegmentBuilder::default();
    papers
        .into_iter()
        .flatten()
        .for_each(|month| earlier.append(month));
    if plan.segment(search::Segment::Earlier) {
        sink(search::segment_files(search::Segment::Earlier, earlier)?)?;
    }
    sink(render_site_wide(&cx, &plan)?)?;
    Ok(plan.coverage())
}

/// A month's share of the plan: its day pages, overview and search files, and its papers for
/// the `earlier` search segment when that is written.
fn render_month(
    cx: &RenderContext<'_>,
    plan: &plan::Plan,
    month: YearMonth,
) -> Result<(Vec<OutputFile>, Option<search::SegmentBuilder>)> {
    let mut files = Vec::new();
    let search_papers = cx
        .site
        .pages_in(month)
        .any(|p| plan.segment(plan.segment_of(p.date)));
    let whole_month = plan.month_page(month) || search_papers;
    let mut records: Vec<Arc<DayRecord>> = Vec::new();
    for index in cx.site.page_range(month) {
        let summary = cx.site.pages()[index];
        let wanted = plan.day_page(summary.date);
        let neighbours = cx.site.neighbours(index);
        if wanted || plan.next_stub(summary.date) {
            let stub = view::next_stub_view(summary.date, neighbours.next);
            files.extend(cx.templates.next_stub(&cx.site_view, &stub)?);
        }
        if !wanted && !whole_month {
            continue;
        }
        let record = cx.source.record(summary.date)?;
        if wanted {
            let day = view::day_view(cx.config, &record, &neighbours, &cx.prompts);
            let pages = cx
                .templates
                .day(&cx.site_view, &day)
                .with_context(|| format!("cannot render the page of {}", record.date))?;
            files.extend(pages);
            files.push(search::day_file(&record)?);
        }
        if whole_month {
            records.push(record);
        }
    }
    // The month's search segments: one, or the newest month's two halves.
    let mut papers = None;
    for days in records.chunk_by(|a, b| plan.segment_of(a.date) == plan.segment_of(b.date)) {
        let segment = plan.segment_of(days[0].date);
        if !plan.segment(segment) {
            continue;
        }
        let mut built = search::SegmentBuilder::default();
        days.iter().for_each(|record| built.add_day(record));
        match segment {
            search::Segment::Earlier => {
                built.seal();
                papers = Some(built);
            }
            _ => files.extend(search::segment_files(segment, built)?),
        }
    }
    if plan.month_page(month) {
        let pages: Vec<&DayRecord> = records.iter().map(|r| r.as_ref()).collect();
        let month_view = view::month_view(
            cx.config,
            &cx.site,
            month,
            &pages,
            &cx.topic_names,
            &cx.calendar,
        );
        files.push(
            cx.templates
                .month(&cx.site_view, &month_view)
                .with_context(|| format!("cannot render the overview of {month}"))?,
        );
    }
    Ok((files, papers))
}

/// Pages that are not a month's: years, topics, home, run health, search, feeds, assets.
fn render_site_wide(cx: &RenderContext<'_>, plan: &plan::Plan) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    for &year in plan.years() {
        let year_view = view::year_view(cx.config, &cx.site, year);
        files.push(
            cx.templates
                .year(&cx.site_view, &year_view)
                .with_context(|| format!("cannot render the page of {year}"))?,
        );
    }
    let catalog = topic_pages::catalog(&cx.site);
    for entry in catalog.iter().filter(|entry| plan.topic(&entry.id)) {
        let records = topic_pages::records_for(&cx.site, cx.source, &entry.id)?;
        let topic = topic_pages::collect(&records, entry);
        let topic_view = topic_pages::topic_view(&cx.config.site.title, &topic);
        files.push(
            cx.templates
                .topic(&cx.site_view, &topic_view)
                .with_context(|| format!("cannot render the page of topic {}", entry.id))?,
        );
        files.push(OutputFile {
            path: format!("{}feed.xml", topic_view.path).into(),
            bytes: feeds::topic_atom(cx.config, &topic)?,
        });
    }
    let topic_links: Vec<view::TopicLink> = catalog.iter().map(topic_pages::topic_link).collect();
    let latest = match cx.site.pages().len().checked_sub(1) {
        Some(index) => {
            let record = cx.source.record(cx.site.pages()[index].date)?;
            let mut latest =
                view::day_view(cx.config, &record, &cx.site.neighbours(index), &cx.prompts);
            // The home page always shows the newest day: there is no next one to link.
            latest.next = None;
            Some(latest)
        }
        None => None,
    };
    let home = HomeView {
        recent: view::recent_days(&cx.site, cx.config.site.recent_days),
        topics: topic_links,
    };
    files.push(
        cx.templates
            .home(&cx.site_view, latest.as_ref(), &home)
            .context("cannot render the home page")?,
    );
    let status_view = status::status_view(cx.config, cx.site.records())
        .context("cannot build the run-health page")?;
    files.push(
        cx.templates
            .status(&cx.site_view, &status_view)
            .context("cannot render the run-health page")?,
    );
    files.push(
        cx.templates
            .search(&cx.site_view, &home.topics)
            .context("cannot render the search page")?,
    );
    files.push(search::manifest(cx.site.pages())?);
    let newest = feeds::newest_records(&cx.site, cx.source)?;
    files.push(OutputFile {
        path: "feed.xml".into(),
        bytes: feeds::atom(cx.config, &newest)?,
    });
    files.push(OutputFile {
        path: "feed.json".into(),
        bytes: feeds::json_feed(cx.config, &newest)?,
    });
    files.extend(cx.templates.assets().iter().cloned());
    // GitHub Pages must serve the files as they are, not through Jekyll.
    files.push(OutputFile {
        path: ".nojekyll".into(),
        bytes: Vec::new(),
    });
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
pub(crate) struct DayNeighbours {
    pub prev: Option<Date>,
    pub next: Option<Date>,
}

/// The shape of the site: which days have pages, and how they group into months and years.
pub(crate) struct SiteModel<'a> {
    /// One summary per date (the last given wins), oldest first, whatever its status.
    records: Vec<&'a DaySummary>,
    /// The days that get a page, oldest first.
    pages: Vec<&'a DaySummary>,
}

impl<'a> SiteModel<'a> {
    pub(crate) fn new(summaries: &'a [DaySummary]) -> SiteModel<'a> {
        let by_date: BTreeMap<Date, &DaySummary> = summaries.iter().map(|r| (r.date, r)).collect();
        let records: Vec<&DaySummary> = by_date.into_values().collect();
        let pages = records
            .iter()
            .copied()
            .filter(|r| r.status.has_page())
            .collect();
        SiteModel { records, pages }
    }

    /// Every day (one per date), oldest first.
    pub(crate) fn records(&self) -> &[&'a DaySummary] {
        &self.records
    }

    /// Days with pages, oldest first.
    pub(crate) fn pages(&self) -> &[&'a DaySummary] {
        &self.pages
    }

    /// The neighbours of the page at `index` in `pages()`.
    pub(crate) fn neighbours(&self, index: usize) -> DayNeighbours {
        let date = |i: usize| self.pages.get(i).map(|p| p.date);
        DayNeighbours {
            prev: index.checked_sub(1).and_then(date),
            next: date(index + 1),
        }
    }

    /// The page dates just before and after `date` (which need not have a page).
    pub(crate) fn pages_around(&self, date: Date) -> (Option<Date>, Option<Date>) {
        let before = self.pages.partition_point(|p| p.date < date);
        let after = self.pages.partition_point(|p| p.date <= date);
        (
            before
                .checked_sub(1)
                .and_then(|i| self.pages.get(i))
                .map(|p| p.date),
            self.pages.get(after).map(|p| p.date),
        )
    }

    /// The range of `pages()` indices of a month's day pages.
    pub(crate) fn page_range(&self, month: YearMonth) -> std::ops::Range<usize> {
        let start = self
            .pages
            .partition_point(|p| YearMonth::of(p.date) < month);
        let end = self
            .pages
            .partition_point(|p| YearMonth::of(p.date) <= month);
        start..end
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

    /// Every day of a month (with or without a page), oldest first.
    pub(crate) fn records_in(&self, month: YearMonth) -> impl Iterator<Item = &'a DaySummary> + '_ {
        self.records
            .iter()
            .copied()
            .filter(move |r| YearMonth::of(r.date) == month)
    }

    /// Day pages of a month, oldest first.
    pub(crate) fn pages_in(&self, month: YearMonth) -> impl Iterator<Item = &'a DaySummary> + '_ {
        self.pages[self.page_range(month)].iter().copied()
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

//! Which files a render makes: the whole site, or exactly the files that changes to some days
//! alter (their pages, the neighbouring pages, their months, years and topics, and the
//! site-wide pages), so a daily run renders about twenty files however large the archive is.

use std::collections::BTreeSet;

use jiff::civil::Date;

use crate::record::DaySummary;

use super::search::{self, Segment};
use super::{SiteModel, YearMonth, day_path, sorted_neighbours, view, year_path};

/// What to render.
#[derive(Debug, Clone)]
pub(crate) enum Scope {
    /// The whole site.
    Everything,
    /// What changes to these days alter. `before` holds the summaries the site was last built
    /// from for those of them that existed then.
    Days {
        changed: BTreeSet<Date>,
        before: Vec<DaySummary>,
    },
}

/// Which output paths a render was responsible for: a path it covers but did not make is one
/// the site no longer has (a day that lost its page, a topic without papers).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Coverage {
    Everything,
    /// These files, and every file in these folders (each ending in `/`).
    Paths {
        files: BTreeSet<String>,
        folders: BTreeSet<String>,
    },
}

impl Coverage {
    /// True when the render answered for `path` (relative to `docs/`).
    pub(crate) fn covers(&self, path: &str) -> bool {
        match self {
            Coverage::Everything => true,
            Coverage::Paths { files, folders } => {
                files.contains(path)
                    || folders
                        .iter()
                        .any(|folder| path.starts_with(folder.as_str()))
            }
        }
    }
}

/// The pages a render makes, worked out from the scope and the site's shape.
pub(crate) struct Plan {
    everything: bool,
    days: BTreeSet<Date>,
    /// Days whose `next/` page alone is made (their page does not change).
    next_stubs: BTreeSet<Date>,
    /// Months whose overview is made.
    months: BTreeSet<YearMonth>,
    years: BTreeSet<i16>,
    /// Search segments written again, and the days whose search files are (with or without a
    /// page now).
    segments: BTreeSet<Segment>,
    search_days: BTreeSet<Date>,
    /// The month of the newest page: it decides which search segment a day is in.
    newest_month: YearMonth,
    topics: BTreeSet<String>,
    /// Months and years the plan answers for though they have no page (any more): their
    /// files are deleted.
    emptied_months: BTreeSet<YearMonth>,
    emptied_years: BTreeSet<i16>,
}

impl Plan {
    pub(crate) fn new(site: &SiteModel<'_>, scope: &Scope, years_on_every_page: bool) -> Plan {
        let newest_month = site
            .pages()
            .last()
            .map_or(YearMonth { year: 0, month: 1 }, |p| YearMonth::of(p.date));
        let everything = Plan {
            everything: true,
            days: site.pages().iter().map(|p| p.date).collect(),
            next_stubs: BTreeSet::new(),
            months: site.months().into_iter().collect(),
            years: site.years().into_iter().collect(),
            topics: BTreeSet::new(),
            emptied_months: BTreeSet::new(),
            emptied_years: BTreeSet::new(),
            segments: site
                .pages()
                .iter()
                .map(|p| Segment::of(p.date, newest_month))
                .collect(),
            search_days: site.pages().iter().map(|p| p.date).collect(),
            newest_month,
        };
        let Scope::Days { changed, before } = scope else {
            return everything;
        };
        let old = OldShape::new(site, changed, before);
        // A year whose last page went (records removed by hand) leaves search segments the
        // plan cannot name: rare enough to render everything. So is a new year when the
        // user's templates list the years on every page.
        let years_changed = old.years != site.years();
        if old.years.iter().any(|year| !site.years().contains(year))
            || (years_changed && years_on_every_page)
        {
            return everything;
        }
        let mut plan = Plan {
            everything: false,
            days: BTreeSet::new(),
            next_stubs: BTreeSet::new(),
            months: BTreeSet::new(),
            years: BTreeSet::new(),
            topics: BTreeSet::new(),
            emptied_months: BTreeSet::new(),
            emptied_years: BTreeSet::new(),
            segments: changed
                .iter()
                .map(|&date| Segment::of(date, newest_month))
                .collect(),
            search_days: changed.clone(),
            newest_month,
        };
        // A new year changes the previous and next links of the years beside it (pages link
        // years only through the home page's archive list, which every run renders). When it
        // is the newest, the months of the year before join the `earlier` search segment: all
        // of their segments are answered for.
        let years = site.years();
        for &year in years.iter().filter(|year| !old.years.contains(year)) {
            let (prev, next) = sorted_neighbours(&years, year);
            plan.years
                .extend([Some(year), prev, next].into_iter().flatten());
            if years.last() == Some(&year) {
                plan.segments.insert(Segment::Earlier);
                for month in site.months().into_iter().filter(|m| Some(m.year) == prev) {
                    plan.segments.extend(Segment::all_of(month));
                }
            }
        }
        // When the newest month moves, the month it leaves (or returns to) changes from two
        // half-month segments to one, or back: all of them are answered for.
        if let Some(old_newest) = old.newest_month
            && old_newest != newest_month
        {
            for month in [old_newest, newest_month] {
                plan.segments.extend(Segment::all_of(month));
            }
        }
        let months = site.months();
        let pages: BTreeSet<Date> = site.pages().iter().map(|p| p.date).collect();
        for &date in changed {
            if pages.contains(&date) {
                plan.days.insert(date);
            }
            // The day before links here through its `next/` page; the day after links here
            // (or now past it) directly.
            let (prev, next) = site.pages_around(date);
            plan.next_stubs.extend(prev);
            plan.days.extend(next);
            let month = YearMonth::of(date);
            plan.months.insert(month);
            let (prev, next) = sorted_neighbours(&months, month);
            plan.months.extend(prev.into_iter().chain(next));
            plan.years.insert(date.year());
        }
        for summary in site
            .records()
            .iter()
            .filter(|s| changed.contains(&s.date))
            .copied()
            .chain(before)
        {
            plan.topics
                .extend(summary.topics.iter().map(|tally| tally.id.clone()));
        }
        // Month calendars mark missed weekdays between the first and the last record: when
        // either end moves, every month between its old and new place changes.
        let new_span = span(site.records().iter().map(|s| s.date));
        for (old_edge, new_edge) in [
            (old.span.map(|s| s.0), new_span.map(|s| s.0)),
            (old.span.map(|s| s.1), new_span.map(|s| s.1)),
        ] {
            if let (Some(a), Some(b)) = (old_edge, new_edge)
                && a != b
            {
                let (from, to) = (YearMonth::of(a.min(b)), YearMonth::of(a.max(b)));
                plan.months
                    .extend(months.iter().filter(|m| from <= **m && **m <= to));
            }
        }
        // A month or year with no page left is not rendered, but its old files go.
        let (months_with_pages, emptied): (BTreeSet<YearMonth>, _) =
            plan.months.iter().partition(|m| months.contains(m));
        plan.months = months_with_pages;
        plan.emptied_months = emptied;
        let years = site.years();
        let (years_with_pages, emptied): (BTreeSet<i16>, _) =
            plan.years.iter().partition(|y| years.contains(y));
        plan.years = years_with_pages;
        plan.emptied_years = emptied;
        plan
    }

    /// Months with anything to render, oldest first: a page, or papers for a search segment.
    pub(crate) fn months(&self, site: &SiteModel<'_>) -> Vec<YearMonth> {
        let mut months: BTreeSet<YearMonth> = self.months.clone();
        months.extend(
            self.days
                .iter()
                .chain(&self.next_stubs)
                .map(|&d| YearMonth::of(d)),
        );
        months.extend(site.months().into_iter().filter(|&month| {
            site.pages_in(month)
                .any(|p| self.segments.contains(&self.segment_of(p.date)))
        }));
        months.into_iter().collect()
    }

    /// The search segment a day's papers are in.
    pub(crate) fn segment_of(&self, date: Date) -> Segment {
        Segment::of(date, self.newest_month)
    }

    /// True when the search segment is written.
    pub(crate) fn segment(&self, segment: Segment) -> bool {
        self.segments.contains(&segment)
    }

    /// True when the day's page (and its `next/` page) is rendered.
    pub(crate) fn day_page(&self, date: Date) -> bool {
        self.days.contains(&date)
    }

    /// True when only the day's `next/` page is rendered.
    pub(crate) fn next_stub(&self, date: Date) -> bool {
        self.next_stubs.contains(&date)
    }

    /// True when the month's overview is rendered.
    pub(crate) fn month_page(&self, month: YearMonth) -> bool {
        self.months.contains(&month)
    }

    pub(crate) fn years(&self) -> &BTreeSet<i16> {
        &self.years
    }

    pub(crate) fn topic(&self, id: &str) -> bool {
        self.everything || self.topics.contains(id)
    }

    /// The paths this plan is responsible for, made or (when their day, month, year or topic
    /// has nothing left to show) not.
    pub(crate) fn coverage(&self) -> Coverage {
        if self.everything {
            return Coverage::Everything;
        }
        let mut paths = BTreeSet::new();
        for &date in &self.search_days {
            paths.insert(search::day_file_path(date));
        }
        for &date in &self.days {
            paths.insert(format!("{}index.html", day_path(date)));
            paths.insert(format!("{}index.md", day_path(date)));
        }
        for &date in self.days.iter().chain(&self.next_stubs) {
            paths.insert(format!("{}index.html", view::next_stub_path(date)));
            paths.insert(format!("{}index.md", view::next_stub_path(date)));
        }
        for &month in self.months.iter().chain(&self.emptied_months) {
            paths.insert(format!("{}index.html", month.path()));
        }
        for &year in self.years.iter().chain(&self.emptied_years) {
            paths.insert(format!("{}index.html", year_path(year)));
        }
        for id in &self.topics {
            paths.insert(format!("{}index.html", view::topic_path(id)));
            paths.insert(format!("{}feed.xml", view::topic_path(id)));
        }
        Coverage::Paths {
            files: paths,
            folders: self.segments.iter().map(|s| s.folder()).collect(),
        }
    }
}

/// The first and last of some dates.
fn span(dates: impl Iterator<Item = Date>) -> Option<(Date, Date)> {
    dates.fold(None, |span, date| match span {
        None => Some((date, date)),
        Some((first, last)) => Some((first.min(date), last.max(date))),
    })
}

/// The site as it was before the changed days changed.
struct OldShape {
    years: Vec<i16>,
    span: Option<(Date, Date)>,
    /// The month of the newest page.
    newest_month: Option<YearMonth>,
}

impl OldShape {
    fn new(site: &SiteModel<'_>, changed: &BTreeSet<Date>, before: &[DaySummary]) -> OldShape {
        let unchanged = site
            .records()
            .iter()
            .copied()
            .filter(|s| !changed.contains(&s.date));
        let old: Vec<&DaySummary> = unchanged.chain(before).collect();
        let mut years: Vec<i16> = old
            .iter()
            .filter(|s| s.status.has_page())
            .map(|s| s.date.year())
            .collect();
        years.sort_unstable();
        years.dedup();
        OldShape {
            years,
            span: span(old.iter().map(|s| s.date)),
            newest_month: old
                .iter()
                .filter(|s| s.status.has_page())
                .map(|s| s.date)
                .max()
                .map(YearMonth::of),
        }
    }
}

//! View models: plain serialisable structs the templates read. Everything a template shows is
//! computed here (labels, formatted numbers, links), so templates only lay it out.
//!
//! Every `path` is relative to the site root (`2026/03/13/`); templates prefix the page's `root`
//! (`../../../` on a day page), which keeps every link relative.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::Config;
use crate::paper::abs_url;
use crate::record::{Counts, DayRecord, DayStatus, PaperRecord, PromptSnapshot, ScorerKind, Usage};

use super::topics::{self, TopicNames};
use super::{DayNeighbours, SiteModel, YearMonth, day_path, sorted_neighbours, year_path};
use super::{markdown, math};

/// A link to another page of the site.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Link {
    pub label: String,
    /// Relative to the site root; directory links end in `/`.
    pub path: String,
}

/// Site-wide values every page gets.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SiteView {
    pub title: String,
    /// Year pages, newest first, for the header navigation.
    pub years: Vec<Link>,
}

/// One daily page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DayView {
    /// `2026-03-13`.
    pub date: String,
    /// `Friday 13 March 2026`.
    pub long_date: String,
    /// `{site.title} 2026-03-13`.
    pub title: String,
    /// `site.title` alone, for the heading that keeps the date on one line.
    pub site_title: String,
    pub path: String,
    pub status: &'static str,
    pub notice: Option<Notice>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    pub month: Link,
    pub usage: UsageView,
    /// The record's counts as they are (they are plain numbers already).
    pub counts: Counts,
    pub papers: Vec<PaperView>,
    pub unscored: Vec<UnscoredView>,
    pub prompt: Option<PromptView>,
    /// The prompt id the record names when no snapshot of it exists.
    pub missing_prompt_id: Option<String>,
}

/// A banner above a day's content.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Notice {
    /// `remedial` (backfilled day) or `warning` (incomplete day); also the CSS class suffix.
    pub kind: &'static str,
    pub heading: String,
    pub text: String,
}

/// Which scorer ran and what it cost. Token counts are pre-formatted with digit grouping.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UsageView {
    /// Set when no model scored the day (keyword scorer, imported archive): says so instead
    /// of a token table.
    pub scorer_note: Option<&'static str>,
    /// True when the built-in keyword scorer ranked the day: the appendix lists its phrases.
    pub keyword_scorer: bool,
    pub model: String,
    pub calls: u64,
    pub cache_hits: u64,
    pub prompt_tokens: String,
    pub cached_prompt_tokens: String,
    pub completion_tokens: String,
    /// The part of the completion a reasoning model spent thinking; `None` for other models.
    pub reasoning_tokens: Option<String>,
    /// Prompt plus completion tokens (cached prompt tokens are part of the prompt tokens).
    pub total_tokens: String,
    /// `$0.47`, or `unknown` when the model had no configured price.
    pub cost: String,
    pub cost_known: bool,
}

/// One selected paper as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PaperView {
    /// 1-based position on the page.
    pub number: usize,
    /// The element id of the paper on its page: `link{number}`, as the old tool's pages had.
    pub anchor: String,
    pub id: String,
    pub url: String,
    /// The title as arXiv gave it (TeX math as TeX), for text outputs.
    pub title: String,
    /// The title as safe HTML: escaped, with its formulas as MathML.
    pub title_html: String,
    pub authors: String,
    /// At most a handful of names, then "et al. (N authors)", for tables of contents.
    pub authors_short: String,
    #[serde(rename = "abstract")]
    pub abstract_text: Option<String>,
    /// The abstract as safe HTML: escaped, with its formulas as MathML.
    pub abstract_html: Option<String>,
    pub comment: Option<String>,
    pub scores: Option<ScoresView>,
    /// Followed authors on the paper, comma-separated; `None` when there are none.
    pub followed_authors: Option<String>,
    pub categories: Vec<String>,
    /// `cross-list`, `replacement`…; `None` for new papers and records without the type.
    pub announce_label: Option<&'static str>,
    pub doi: Option<String>,
    pub doi_url: Option<String>,
    pub journal_ref: Option<String>,
}

/// Relevance and novelty of a scored paper.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ScoresView {
    pub relevance: u8,
    pub novelty: u8,
}

/// A paper the scorer could not score, with the reason.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UnscoredView {
    pub id: String,
    pub url: String,
    pub title: String,
    /// The title as safe HTML (formulas as MathML).
    pub title_html: String,
    pub authors_short: String,
    pub reason: String,
}

/// The prompt a day was scored with.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PromptView {
    pub id: String,
    /// Non-empty prompt parts in the order the model reads them.
    pub sections: Vec<PromptSection>,
    /// Phrases the keyword scorer ranked by (empty on LLM days).
    pub keyword_phrases: Vec<String>,
}

/// One part of the prompt.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PromptSection {
    /// What the part is; `None` when the part's text opens with a heading of its own.
    pub title: Option<&'static str>,
    /// Rendered HTML with raw HTML shown as text: safe to output unescaped.
    pub html: String,
    /// The Markdown as a block quote with raw HTML tags neutralised, for `index.md`.
    pub quoted_markdown: String,
}

/// A monthly overview.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MonthView {
    /// `March 2026`.
    pub label: String,
    pub title: String,
    pub path: String,
    pub year: Link,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    pub weekdays: [&'static str; 7],
    /// Calendar rows, Sunday first; `None` pads days outside the month.
    pub weeks: Vec<Vec<Option<CalendarDay>>>,
    pub days_with_pages: usize,
    pub selected: usize,
    pub top_papers: Vec<TopPaper>,
    /// The same top papers grouped by the topic their comments name; empty when the comments
    /// name too few shared topics to group by (then `top_papers` is shown as one list).
    pub topic_groups: Vec<TopicGroup>,
}

/// Top papers of a month that share a topic.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicGroup {
    pub name: String,
    pub papers: Vec<TopPaper>,
}

/// One date in a month's calendar.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CalendarDay {
    pub day: i8,
    pub date: String,
    /// The day page, when the day has one.
    pub path: Option<String>,
    pub selected: Option<usize>,
    /// The record's status when it is not plainly `ok` (failed, partial, backfilled…).
    pub status: Option<&'static str>,
    pub failed: bool,
}

/// A paper in a month's top list, linked to its place on its day page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopPaper {
    pub rank: usize,
    pub date: String,
    /// Day page path plus `#link{n}`.
    pub path: String,
    pub title: String,
    /// The title as safe HTML (formulas as MathML).
    pub title_html: String,
    pub authors_short: String,
    pub scores: Option<ScoresView>,
    pub followed: bool,
}

/// A yearly page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct YearView {
    pub label: String,
    pub title: String,
    pub path: String,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    pub months: Vec<MonthSummary>,
    pub days_with_pages: usize,
    pub selected: usize,
}

/// One month on a yearly page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MonthSummary {
    pub name: &'static str,
    /// The monthly overview, when the month has day pages.
    pub path: Option<String>,
    pub days: usize,
    pub selected: usize,
    pub failed_days: usize,
}

/// The home page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HomeView {
    pub recent: Vec<RecentDay>,
}

/// A day in the home page's recent list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RecentDay {
    pub date: String,
    pub long_date: String,
    pub path: String,
    pub selected: usize,
    pub status: Option<&'static str>,
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const WEEKDAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Column headings of a calendar, Sunday first.
pub(crate) const CALENDAR_WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// English name of a month number 1-12.
pub(crate) fn month_name(month: i8) -> &'static str {
    MONTH_NAMES[usize::try_from(month - 1).expect("months are 1-12")]
}

/// `Friday 13 March 2026`.
pub(crate) fn long_date(date: Date) -> String {
    let weekday =
        usize::try_from(date.weekday().to_sunday_zero_offset()).expect("weekday offsets are 0-6");
    format!(
        "{} {} {} {}",
        WEEKDAY_NAMES[weekday],
        date.day(),
        month_name(date.month()),
        date.year()
    )
}

/// `153004` → `153,004`.
pub(crate) fn group_digits(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The cost when it is known: recorded, finite and not negative.
fn known_cost(cost_usd: Option<f64>) -> Option<f64> {
    cost_usd.filter(|cost| cost.is_finite() && *cost >= 0.0)
}

/// A cost in USD for people: cents for ordinary sums, more digits for tiny ones, and `unknown`
/// (never `$0.00`) when the cost was not known.
pub(crate) fn format_cost(cost_usd: Option<f64>) -> String {
    match known_cost(cost_usd) {
        Some(cost) if cost > 0.0 && cost < 0.01 => {
            // Sub-cent sums keep their first significant digits: $0.004, not $0.0040.
            let digits = format!("{cost:.4}");
            format!("${}", digits.trim_end_matches('0'))
        }
        Some(cost) => format!("${cost:.2}"),
        None => "unknown".to_string(),
    }
}

/// The first few authors, then how many there are in all.
pub(crate) fn short_authors(authors: &[String]) -> String {
    const SHOWN: usize = 6;
    if authors.len() <= SHOWN + 1 {
        authors.join(", ")
    } else {
        format!(
            "{}, et al. ({} authors)",
            authors[..SHOWN].join(", "),
            authors.len()
        )
    }
}

/// Builds the day page's view. `prompts` holds the views of every prompt snapshot by id.
pub(crate) fn day_view(
    config: &Config,
    record: &DayRecord,
    neighbours: &DayNeighbours<'_>,
    prompts: &BTreeMap<String, PromptView>,
) -> DayView {
    let date = record.date.to_string();
    let (prompt, missing_prompt_id) = match &record.prompt_id {
        Some(id) => match prompts.get(id) {
            Some(view) => (Some(view.clone()), None),
            None => (None, Some(id.clone())),
        },
        None => (None, None),
    };
    let month = YearMonth::of(record.date);
    DayView {
        title: format!("{} {date}", config.site.title),
        site_title: config.site.title.clone(),
        long_date: long_date(record.date),
        path: day_path(record.date),
        status: record.status.as_str(),
        notice: notice(record),
        prev: neighbours.prev.map(day_link),
        next: neighbours.next.map(day_link),
        month: Link {
            label: month.to_string(),
            path: month.path(),
        },
        usage: usage_view(&record.usage),
        counts: record.counts.clone(),
        papers: record
            .selected()
            .enumerate()
            .map(|(index, paper)| paper_view(index + 1, paper))
            .collect(),
        unscored: record.unscored().map(unscored_view).collect(),
        prompt,
        missing_prompt_id,
        date,
    }
}

fn day_link(record: &DayRecord) -> Link {
    Link {
        label: record.date.to_string(),
        path: day_path(record.date),
    }
}

fn notice(record: &DayRecord) -> Option<Notice> {
    let reason = record.status_reason.as_deref();
    let backfill_note = match &record.source.backfilled_on {
        Some(on) => format!(
            "This day was backfilled from the arXiv API on {on}; replacements are not included."
        ),
        None => "This day was backfilled from the arXiv API; replacements are not included.".into(),
    };
    let backfilled =
        record.status == DayStatus::Backfilled || record.source.backfilled_on.is_some();
    // An incomplete backfilled day shows the warning, with the backfill note after it.
    let with_backfill_note = |text: &str| {
        if backfilled {
            format!("{text} {backfill_note}")
        } else {
            text.to_string()
        }
    };
    match record.status {
        DayStatus::Partial => {
            Some(Notice {
                kind: "warning",
                heading: "Incomplete day".into(),
                text: with_backfill_note(reason.unwrap_or(
                    "Some papers could not be scored; they are listed under “Not scored”.",
                )),
            })
        }
        DayStatus::BudgetStopped => Some(Notice {
            kind: "warning",
            heading: "Stopped by the cost cap".into(),
            text: with_backfill_note(reason.unwrap_or(
                "The cost cap stopped scoring; the remaining papers are listed under “Not scored”.",
            )),
        }),
        _ if backfilled => Some(Notice {
            kind: "remedial",
            heading: "Remedial page".into(),
            text: backfill_note,
        }),
        _ => None,
    }
}

fn usage_view(usage: &Usage) -> UsageView {
    UsageView {
        keyword_scorer: usage.scorer == ScorerKind::Keywords,
        scorer_note: match usage.scorer {
            ScorerKind::Keywords => Some("Scored by the built-in keyword scorer (no LLM)."),
            ScorerKind::Imported => Some(
                "Imported from a gpt_paper_assistant archive: its token usage, cost and feed totals were not recorded.",
            ),
            ScorerKind::Llm | ScorerKind::None => None,
        },
        model: usage
            .model
            .clone()
            .unwrap_or_else(|| "unknown model".into()),
        calls: usage.calls,
        cache_hits: usage.cache_hits,
        prompt_tokens: group_digits(usage.prompt_tokens),
        cached_prompt_tokens: group_digits(usage.cached_prompt_tokens),
        completion_tokens: group_digits(usage.completion_tokens),
        reasoning_tokens: (usage.reasoning_tokens > 0)
            .then(|| group_digits(usage.reasoning_tokens)),
        total_tokens: group_digits(usage.prompt_tokens + usage.completion_tokens),
        cost: format_cost(usage.cost_usd),
        cost_known: known_cost(usage.cost_usd).is_some(),
    }
}

fn scores_view(paper: &PaperRecord) -> Option<ScoresView> {
    paper.scores.as_ref().map(|s| ScoresView {
        relevance: s.relevance,
        novelty: s.novelty,
    })
}

/// The paper's element id on its day page.
pub(crate) fn paper_anchor(number: usize) -> String {
    format!("link{number}")
}

/// What the page says about why a paper was selected: the scorer's comment, or the selection
/// reason (a followed author) when there is no comment.
pub(crate) fn paper_comment(paper: &PaperRecord) -> Option<String> {
    paper
        .scores
        .as_ref()
        .map(|s| s.comment.clone())
        .filter(|c| !c.trim().is_empty())
        .or_else(|| paper.reason.clone())
}

fn paper_view(number: usize, paper: &PaperRecord) -> PaperView {
    use crate::paper::AnnounceType;
    let comment = paper_comment(paper);
    PaperView {
        number,
        anchor: paper_anchor(number),
        id: paper.id.clone(),
        url: abs_url(&paper.id),
        title: paper.title.clone(),
        title_html: math::text_to_html(&paper.title),
        authors: paper.authors.join(", "),
        authors_short: short_authors(&paper.authors),
        abstract_text: paper.abstract_text.clone(),
        abstract_html: paper.abstract_text.as_deref().map(math::text_to_html),
        comment,
        scores: scores_view(paper),
        followed_authors: (!paper.followed_authors.is_empty())
            .then(|| paper.followed_authors.join(", ")),
        categories: paper.categories.clone(),
        announce_label: paper.announce_type.and_then(|kind| match kind {
            AnnounceType::New => None,
            AnnounceType::Cross => Some("cross-list"),
            AnnounceType::Replace => Some("replacement"),
            AnnounceType::ReplaceCross => Some("cross-listed replacement"),
        }),
        doi_url: paper
            .doi
            .as_ref()
            .map(|doi| format!("https://doi.org/{doi}")),
        doi: paper.doi.clone(),
        journal_ref: paper.journal_ref.clone(),
    }
}

fn unscored_view(paper: &PaperRecord) -> UnscoredView {
    UnscoredView {
        id: paper.id.clone(),
        url: abs_url(&paper.id),
        title: paper.title.clone(),
        title_html: math::text_to_html(&paper.title),
        authors_short: short_authors(&paper.authors),
        reason: paper
            .reason
            .clone()
            .unwrap_or_else(|| "no reason recorded".into()),
    }
}

/// The views of every prompt snapshot, by id; each prompt is rendered once however many days
/// use it.
pub(crate) fn prompt_views(
    prompts: &BTreeMap<String, PromptSnapshot>,
) -> BTreeMap<String, PromptView> {
    prompts
        .iter()
        .map(|(id, snapshot)| (id.clone(), prompt_view(id, snapshot)))
        .collect()
}

fn prompt_view(id: &str, snapshot: &PromptSnapshot) -> PromptView {
    let parts = [
        ("System prompt", &snapshot.system),
        ("Topics", &snapshot.topics),
        ("Scoring criteria", &snapshot.criteria),
        ("Answer format", &snapshot.output_format),
    ];
    PromptView {
        id: id.to_string(),
        sections: parts
            .into_iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(title, text)| PromptSection {
                title: (!text.trim_start().starts_with('#')).then_some(title),
                html: markdown::prompt_to_html(text),
                quoted_markdown: markdown::block_quote(&markdown::neutralise_html_in_markdown(
                    text,
                )),
            })
            .collect(),
        keyword_phrases: snapshot.keyword_phrases.clone(),
    }
}

/// Orders papers for a top list: weighted score, then relevance, then ID (then date, so equal
/// papers on two days still have one order).
pub(crate) fn rank_papers(config: &Config, papers: &mut [(Date, usize, &PaperRecord)]) {
    let (relevance_weight, novelty_weight) = (
        config.selection.relevance_weight,
        config.selection.novelty_weight,
    );
    let relevance = |p: &PaperRecord| p.scores.as_ref().map_or(0, |s| s.relevance);
    papers.sort_by(|(date_a, _, a), (date_b, _, b)| {
        b.rank_score(relevance_weight, novelty_weight)
            .total_cmp(&a.rank_score(relevance_weight, novelty_weight))
            .then_with(|| relevance(b).cmp(&relevance(a)))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| date_a.cmp(date_b))
    });
}

/// A top-list entry for a paper at `number` on the page of `date`.
pub(crate) fn top_paper(rank: usize, date: Date, number: usize, paper: &PaperRecord) -> TopPaper {
    TopPaper {
        rank,
        date: date.to_string(),
        path: format!("{}#{}", day_path(date), paper_anchor(number)),
        title: paper.title.clone(),
        title_html: math::text_to_html(&paper.title),
        authors_short: short_authors(&paper.authors),
        scores: scores_view(paper),
        followed: !paper.followed_authors.is_empty(),
    }
}

fn month_link(month: YearMonth) -> Link {
    Link {
        label: month.long_label(),
        path: month.path(),
    }
}

/// Builds a monthly overview: the calendar, neighbouring months and the month's top papers.
///
/// `topic_names` holds the numbered topics of each prompt snapshot, by prompt id, so comments
/// such as "Matches topic 2" group under the topic's name.
pub(crate) fn month_view(
    config: &Config,
    site: &SiteModel<'_>,
    month: YearMonth,
    topic_names: &BTreeMap<String, TopicNames>,
) -> MonthView {
    let records: BTreeMap<i8, &DayRecord> =
        site.records_in(month).map(|r| (r.date.day(), r)).collect();
    let first = month.first_day();
    let leading_blanks =
        usize::try_from(first.weekday().to_sunday_zero_offset()).expect("weekday offsets are 0-6");
    let mut cells: Vec<Option<CalendarDay>> = vec![None; leading_blanks];
    for day in 1..=first.days_in_month() {
        let date = Date::new(month.year, month.month, day).expect("a day of the month");
        cells.push(Some(calendar_day(date, records.get(&day).copied())));
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }

    let pages: Vec<&DayRecord> = site.pages_in(month).collect();
    let mut candidates: Vec<(Date, usize, &PaperRecord)> = pages
        .iter()
        .flat_map(|record| {
            record
                .selected()
                .enumerate()
                .map(|(index, paper)| (record.date, index + 1, paper))
        })
        .collect();
    rank_papers(config, &mut candidates);
    let no_names = TopicNames::new();
    let names_of_day: BTreeMap<Date, &TopicNames> = pages
        .iter()
        .map(|record| {
            let names = record
                .prompt_id
                .as_ref()
                .and_then(|id| topic_names.get(id))
                .unwrap_or(&no_names);
            (record.date, names)
        })
        .collect();
    let top: Vec<(TopPaper, Option<String>)> = candidates
        .iter()
        .take(config.site.month_top_papers)
        .enumerate()
        .map(|(index, &(date, number, paper))| {
            let names = names_of_day.get(&date).copied().unwrap_or(&no_names);
            (
                top_paper(index + 1, date, number, paper),
                paper_topic(paper, names),
            )
        })
        .collect();
    let top_papers: Vec<TopPaper> = top.iter().map(|(paper, _)| paper.clone()).collect();
    let topic_groups = topics::group_by_topic(top, |(_, topic)| topic.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|(name, members)| TopicGroup {
            name,
            papers: members.into_iter().map(|(paper, _)| paper).collect(),
        })
        .collect();

    let (prev, next) = sorted_neighbours(&site.months(), month);
    MonthView {
        label: month.long_label(),
        title: format!("{} — {}", config.site.title, month.long_label()),
        path: month.path(),
        year: Link {
            label: month.year.to_string(),
            path: year_path(month.year),
        },
        prev: prev.map(month_link),
        next: next.map(month_link),
        weekdays: CALENDAR_WEEKDAYS,
        weeks: cells.chunks(7).map(<[_]>::to_vec).collect(),
        days_with_pages: pages.len(),
        selected: pages.iter().map(|r| r.counts.selected).sum(),
        top_papers,
        topic_groups,
    }
}

/// The group a paper belongs to in a top list: the topic its comment names, or the followed
/// authors' group for a paper selected for its author without a topic.
fn paper_topic(paper: &PaperRecord, names: &TopicNames) -> Option<String> {
    let comment = paper_comment(paper).unwrap_or_default();
    topics::comment_topic(&comment, names).or_else(|| {
        // Selected without scores means selected for an author (imports say "Author match").
        let author_match = comment
            .trim()
            .to_ascii_lowercase()
            .starts_with("author match");
        (!paper.followed_authors.is_empty() || paper.scores.is_none() || author_match)
            .then(|| topics::FOLLOWED_GROUP.to_string())
    })
}

fn calendar_day(date: Date, record: Option<&DayRecord>) -> CalendarDay {
    let has_page = record.is_some_and(|r| r.status.has_page());
    CalendarDay {
        day: date.day(),
        date: date.to_string(),
        path: has_page.then(|| day_path(date)),
        selected: record.filter(|_| has_page).map(|r| r.counts.selected),
        status: record
            .map(|r| r.status)
            .filter(|&status| status != DayStatus::Ok)
            .map(DayStatus::as_str),
        failed: record.is_some_and(|r| r.status.is_failure()),
    }
}

/// Builds a yearly page: each month's day and paper counts.
pub(crate) fn year_view(config: &Config, site: &SiteModel<'_>, year: i16) -> YearView {
    let months: Vec<MonthSummary> = (1..=12)
        .map(|month| {
            let month = YearMonth { year, month };
            let pages: Vec<&DayRecord> = site.pages_in(month).collect();
            MonthSummary {
                name: month_name(month.month),
                path: (!pages.is_empty()).then(|| month.path()),
                days: pages.len(),
                selected: pages.iter().map(|r| r.counts.selected).sum(),
                failed_days: site
                    .records_in(month)
                    .filter(|r| r.status.is_failure())
                    .count(),
            }
        })
        .collect();
    let (prev, next) = sorted_neighbours(&site.years(), year);
    let year_link = |year: i16| Link {
        label: year.to_string(),
        path: year_path(year),
    };
    YearView {
        label: year.to_string(),
        title: format!("{} — {year}", config.site.title),
        path: year_path(year),
        prev: prev.map(year_link),
        next: next.map(year_link),
        days_with_pages: months.iter().map(|m| m.days).sum(),
        selected: months.iter().map(|m| m.selected).sum(),
        months,
    }
}

/// The newest `count` day pages, newest first.
pub(crate) fn recent_days(site: &SiteModel<'_>, count: usize) -> Vec<RecentDay> {
    site.pages()
        .iter()
        .rev()
        .take(count)
        .map(|record| RecentDay {
            date: record.date.to_string(),
            long_date: long_date(record.date),
            path: day_path(record.date),
            selected: record.counts.selected,
            status: Some(record.status)
                .filter(|&status| status != DayStatus::Ok)
                .map(DayStatus::as_str),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_in_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(153004), "153,004");
        assert_eq!(group_digits(1234567), "1,234,567");
    }

    #[test]
    fn unknown_cost_is_never_zero() {
        assert_eq!(format_cost(None), "unknown");
        assert_eq!(format_cost(Some(f64::NAN)), "unknown");
        assert_eq!(format_cost(Some(0.0)), "$0.00");
        assert_eq!(format_cost(Some(0.4712)), "$0.47");
        assert_eq!(format_cost(Some(0.00042)), "$0.0004");
        assert_eq!(format_cost(Some(0.004)), "$0.004");
    }

    #[test]
    fn long_author_lists_are_shortened() {
        let authors: Vec<String> = (1..=9).map(|n| format!("A{n}")).collect();
        assert_eq!(
            short_authors(&authors),
            "A1, A2, A3, A4, A5, A6, et al. (9 authors)"
        );
        assert_eq!(short_authors(&authors[..7]), "A1, A2, A3, A4, A5, A6, A7");
    }

    #[test]
    fn long_date_names_weekday_and_month() {
        let date: Date = "2026-03-13".parse().unwrap();
        assert_eq!(long_date(date), "Friday 13 March 2026");
    }
}

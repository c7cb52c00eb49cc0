//! View models: plain serialisable structs the templates read. Everything a template shows is
//! computed here (labels, formatted numbers, links), so templates only lay it out.
//!
//! Every `path` is relative to the site root (`2026/03/13/`); templates prefix the page's `root`
//! (`../../../` on a day page), which keeps every link relative.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::Config;
use crate::paper::abs_url;
use crate::record::{
    Counts, DayRecord, DayStatus, DaySummary, IMPORTED_TOOL, PaperRecord, PromptSnapshot,
    ScorerKind, SourceKind, SpotlightKind, Usage,
};

use super::groups::{self, GroupKind};
use super::topics::{self, TopicNames};
use super::{DayNeighbours, SiteModel, YearMonth, day_path, sorted_neighbours, year_path};
use super::{markdown, textmode};

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
    /// `site.repository` (`OWNER/REPO`, or empty) and `site.branch`: where the reader's
    /// "Send my marks" button commits the marks.
    pub repository: String,
    pub branch: String,
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
    /// The page's `<meta name="description">`: the count and the first titles.
    pub description: String,
    pub path: String,
    pub status: &'static str,
    pub notice: Option<Notice>,
    pub prev: Option<Link>,
    /// Where "Next day" leads: the day's `next/` page ([`next_stub_path`]), which forwards to the
    /// next day with a page, so the next day's arrival rewrites that small page and not this
    /// one. `None` on the home page, which shows the newest day. Its label is "the next day":
    /// which day that is, only the `next/` page knows.
    pub next: Option<Link>,
    pub month: Link,
    pub usage: UsageView,
    /// For an imported day: where it came from.
    pub source_note: Option<String>,
    /// The record's counts as they are (they are plain numbers already).
    pub counts: Counts,
    /// True when the feed's breakdown (new, cross-lists…) is known: never for imports.
    pub feed_breakdown: bool,
    /// Every selected paper in page order.
    pub papers: Vec<Arc<PaperView>>,
    /// The same papers in their sections; `grouped` is false for a day without topics, whose
    /// page is one list.
    pub groups: Vec<GroupView>,
    pub grouped: bool,
    /// The day's best papers, each linking to its entry in its section.
    pub spotlight: Vec<SpotlightView>,
    /// The TL;DRs' account, when `[tldr]` was enabled for the day.
    pub tldr: Option<TldrView>,
    pub unscored: Vec<UnscoredView>,
    /// "You may also like": papers left out that the reader's profile rates highest.
    pub also_like: Vec<AlsoLikeView>,
    /// What the profile's cascade cut before the LLM, or why it cut nothing.
    pub cascade: Option<String>,
    /// The profile's embeddings: their token table and what the cache saved.
    pub embeddings: Option<EmbeddingsView>,
    pub prompt: Option<PromptView>,
    /// The prompt id the record names when no snapshot of it exists.
    pub missing_prompt_id: Option<String>,
}

/// What the TL;DR step of a day did and cost.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TldrView {
    pub language: String,
    pub written: usize,
    pub missing: usize,
    /// `2 × the answer had no TL;DR for it`, for the page.
    pub missing_reasons: Vec<String>,
    /// Said once instead of any TL;DR (no API key).
    pub note: Option<String>,
    /// Tokens and cost, like scoring's; `None` when no call was needed or made.
    pub usage: Option<UsageView>,
}

/// One section of a day page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GroupView {
    /// The topic id; `None` for the followed-authors and other-papers groups.
    pub id: Option<String>,
    pub label: String,
    /// The section's element id: `topic-<id>`, `followed` or `other`.
    pub anchor: String,
    /// The topic's page, relative to the site root.
    pub path: Option<String>,
    pub papers: Vec<Arc<PaperView>>,
}

/// A paper in the day's spotlight.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SpotlightView {
    pub number: usize,
    /// The version-free arXiv ID (the reader's marks are kept by it).
    pub id: String,
    pub anchor: String,
    /// The title as arXiv gave it, for text outputs.
    pub title: String,
    pub title_html: String,
    /// `New frontier`, `Daily hot`, `New direction`; `None` for a plain best paper.
    pub badge: Option<&'static str>,
    pub comment: Option<String>,
    pub scores: Option<ScoresView>,
}

/// A topic chip on a paper: one of its other topics.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicChip {
    pub label: String,
    /// The topic's page, relative to the site root.
    pub path: String,
}

/// A banner above a day's content.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Notice {
    /// `remedial` (backfilled day) or `warning` (incomplete day); also the CSS class suffix.
    pub kind: &'static str,
    pub heading: String,
    pub text: String,
}

/// The embeddings of a day (`profile.embeddings_model`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EmbeddingsView {
    pub usage: UsageView,
    pub embedded: usize,
    pub cached: usize,
    pub warning: Option<String>,
}

/// Which scorer ran and what it cost. Token counts are pre-formatted with digit grouping.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UsageView {
    /// Set when no model scored the day (keyword scorer, imported archive): says so instead
    /// of a token table.
    pub scorer_note: Option<String>,
    /// True when the built-in keyword scorer ranked the day: the appendix lists its phrases.
    pub keyword_scorer: bool,
    pub model: String,
    pub calls: u64,
    /// False for imported days: the old tool did not record its calls.
    pub calls_known: bool,
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
    pub pdf_url: String,
    pub html_url: String,
    /// A BibTeX entry of the paper (`@misc{…, eprint=…, archivePrefix={arXiv}}`), in the page
    /// so it works without JavaScript.
    pub bibtex: String,
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
    /// What in the paper's text made the LLM read it on its own, when it did.
    pub read_alone: Option<String>,
    pub categories: Vec<String>,
    /// `cross-list`, `replacement`…; `None` for new papers and records without the type.
    pub announce_label: Option<&'static str>,
    pub doi: Option<String>,
    pub doi_url: Option<String>,
    pub journal_ref: Option<String>,
    /// The primary topic's label (on grouped days), and its page.
    pub topic: Option<String>,
    pub topic_path: Option<String>,
    /// The paper's other topics.
    pub also_topics: Vec<TopicChip>,
    /// The phrases the keyword scorer matched ("why selected", as chips in place of its
    /// comment), title matches first; empty for an LLM's papers.
    pub keywords: Vec<KeywordChip>,
    /// The day that listed the paper first, when it was listed before.
    pub listed_before: Option<Link>,
    pub tldr: Option<String>,
}

/// A phrase the keyword scorer matched, and whether in the title.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KeywordChip {
    pub phrase: String,
    pub in_title: bool,
}

/// Relevance and novelty of a scored paper.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ScoresView {
    pub relevance: u8,
    /// `None` when the day's scorer judges no novelty (the keyword scorer).
    pub novelty: Option<u8>,
}

/// A "You may also like" paper: left out by the day, rated highly by the reader's profile.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AlsoLikeView {
    pub id: String,
    pub url: String,
    pub title: String,
    /// The title as safe HTML (formulas as MathML).
    pub title_html: String,
    pub authors_short: String,
    /// The profile score, two decimals.
    pub score: String,
    /// The wanted paper it is most like, as plain text.
    pub like: Option<String>,
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
    /// The same top papers grouped by topic: the records' topics, or for older records the
    /// topic their comments name; empty when there is nothing to group by (then `top_papers`
    /// is shown as one list).
    pub topic_groups: Vec<TopicGroup>,
    /// Papers per topic in the whole month (records with topics only).
    pub topic_counts: Vec<TopicCountView>,
}

/// Top papers of a month that share a topic.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicGroup {
    pub name: String,
    /// The topic's page, for topics the records store.
    pub path: Option<String>,
    pub papers: Vec<TopPaper>,
}

/// How many papers of a month (or day) a topic has.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicCountView {
    pub label: String,
    pub path: Option<String>,
    pub count: usize,
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
    /// An announcement date inside the archive's span with no record at all: a missed run,
    /// which must not look like a weekend.
    pub missed: bool,
}

/// A paper in a month's top list, linked to its place on its day page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopPaper {
    pub rank: usize,
    /// The version-free arXiv ID (the reader's marks are kept by it).
    pub id: String,
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
    /// Every topic with a page, in the newest day's topic order.
    pub topics: Vec<TopicLink>,
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

/// The first few authors, then how many there are in all: tables of contents and lists are for
/// scanning (the paper itself names everyone), and ten years of them are part of the site's size.
pub(crate) fn short_authors(authors: &[String]) -> String {
    const SHOWN: usize = 4;
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
    neighbours: &DayNeighbours,
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
    // Each paper's view is built once (its title and abstract converted once) and shared by
    // the day's list and its topic sections.
    let papers: Vec<Arc<PaperView>> = groups::numbered_papers(record)
        .into_iter()
        .map(|(number, paper)| Arc::new(paper_view(record, number, paper)))
        .collect();
    DayView {
        title: format!("{} {date}", config.site.title),
        site_title: config.site.title.clone(),
        description: day_description(record),
        long_date: long_date(record.date),
        path: day_path(record.date),
        status: record.status.as_str(),
        notice: notice(record),
        prev: neighbours.prev.map(day_link),
        next: Some(Link {
            label: "the next day".into(),
            path: next_stub_path(record.date),
        }),
        month: Link {
            label: month.to_string(),
            path: month.path(),
        },
        usage: usage_view(&record.usage),
        source_note: source_note(record),
        counts: record.counts.clone(),
        feed_breakdown: record.source.kind != SourceKind::Import,
        groups: group_views(record, &papers),
        papers,
        grouped: record.selected().any(|p| p.topics.is_some()),
        spotlight: spotlight_views(config, record),
        tldr: record.tldr.as_ref().map(|t| TldrView {
            language: t.language.clone(),
            written: t.written,
            missing: t.missing,
            missing_reasons: t
                .missing_reasons
                .iter()
                .map(|(reason, count)| format!("{count} × {reason}"))
                .collect(),
            note: t.note.clone(),
            usage: (t.usage.calls > 0 || t.usage.cache_hits > 0).then(|| usage_view(&t.usage)),
        }),
        unscored: record.unscored().map(unscored_view).collect(),
        also_like: record.also_like.iter().map(also_like_view).collect(),
        cascade: record.cascade.as_ref().map(|c| {
            let line = c.describe();
            let mut chars = line.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>() + ".")
                .unwrap_or_default()
        }),
        embeddings: record.embeddings.as_ref().map(|e| EmbeddingsView {
            usage: usage_view(&e.usage),
            embedded: e.embedded,
            cached: e.cached,
            warning: e.warning.clone(),
        }),
        prompt,
        missing_prompt_id,
        date,
    }
}

/// `12 arXiv papers selected on Friday 13 March 2026: First title; second title; …`, at most
/// about 300 characters (search engines show less).
fn day_description(record: &DayRecord) -> String {
    let count = record.counts.selected;
    let mut text = format!(
        "{count} arXiv paper{} selected on {}",
        if count == 1 { "" } else { "s" },
        long_date(record.date)
    );
    let titles: Vec<String> = groups::numbered_papers(record)
        .into_iter()
        .take(3)
        .map(|(_, p)| textmode::text_to_plain(&p.title))
        .collect();
    if !titles.is_empty() {
        text.push_str(": ");
        text.push_str(&titles.join("; "));
    }
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text,
    }
}

/// The page forwarding to the day after `date`: `2026/03/13/next/`.
pub(crate) fn next_stub_path(date: Date) -> String {
    format!("{}next/", day_path(date))
}

/// The view of the page at [`next_stub_path`]: where it forwards, if anywhere yet.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NextStubView {
    pub date: String,
    pub path: String,
    pub day: Link,
    pub next: Option<Link>,
}

pub(crate) fn next_stub_view(date: Date, next: Option<Date>) -> NextStubView {
    NextStubView {
        date: date.to_string(),
        path: next_stub_path(date),
        day: day_link(date),
        next: next.map(day_link),
    }
}

pub(crate) fn day_link(date: Date) -> Link {
    Link {
        label: date.to_string(),
        path: day_path(date),
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
        // An imported day the old tool dated oddly (a weekend) says so.
        _ if record.source.kind == SourceKind::Import => reason.map(|text| Notice {
            kind: "warning",
            heading: "Imported as the old tool dated it".into(),
            text: text.to_string(),
        }),
        _ => None,
    }
}

/// Where an imported day came from, and what its archive did not record.
fn source_note(record: &DayRecord) -> Option<String> {
    if record.source.kind != SourceKind::Import {
        return None;
    }
    let mut note = format!("Imported from a {IMPORTED_TOOL} archive");
    if !record.source.origin.is_empty() {
        let names: Vec<&str> = record
            .source
            .origin
            .iter()
            .map(|path| path.rsplit('/').next().unwrap_or(path))
            .collect();
        note.push_str(&format!(" ({})", names.join(", ")));
    }
    note.push('.');
    if record.counts.feed_items.is_none() {
        note.push_str(" It kept only the selected papers, so the day's feed totals are unknown.");
    }
    Some(note)
}

fn usage_view(usage: &Usage) -> UsageView {
    UsageView {
        keyword_scorer: usage.scorer == ScorerKind::Keywords,
        scorer_note: match usage.scorer {
            ScorerKind::Keywords => Some("Scored by the built-in keyword scorer (no LLM).".into()),
            ScorerKind::Profile => Some(
                "Ranked by your profile, learned from the papers you marked “want” and “not for me” (no LLM): relevance says how much a paper is like what you want; novelty is not judged.".into(),
            ),
            // Archives from 2026 recorded the model and its tokens: those get the table.
            ScorerKind::Imported if usage.model.is_none() => {
                Some("The old tool did not record its token usage and cost on this day.".into())
            }
            ScorerKind::Imported | ScorerKind::Llm | ScorerKind::None => None,
        },
        calls_known: usage.scorer != ScorerKind::Imported,
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

fn scores_view(record: &DayRecord, paper: &PaperRecord) -> Option<ScoresView> {
    paper.scores.as_ref().map(|s| ScoresView {
        relevance: s.relevance,
        novelty: judges_novelty(record).then_some(s.novelty),
    })
}

/// False for days the keyword scorer or the profile ranked: their novelty is a placeholder,
/// never shown.
pub(crate) fn judges_novelty(record: &DayRecord) -> bool {
    !matches!(
        record.usage.scorer,
        ScorerKind::Keywords | ScorerKind::Profile
    )
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

/// The page path of a topic.
pub(crate) fn topic_path(id: &str) -> String {
    format!("topics/{id}/")
}

/// Authors a BibTeX entry names before `and others`.
const BIBTEX_AUTHORS: usize = 10;

/// The paper as a BibTeX `@misc` entry, as arXiv's own export writes it: key `arXiv:<id>`-like
/// (`arxiv2501.01234`), authors joined by `and`, the year of its arXiv ID (else of the page),
/// `eprint`, `archivePrefix`, `primaryClass` when the category is known, and the URL; the
/// first [`BIBTEX_AUTHORS`] authors of a longer list, then `and others`.
pub(crate) fn bibtex(record: &DayRecord, paper: &PaperRecord) -> String {
    // Braces must balance in BibTeX; a title whose braces do not is written without them.
    let braced = |text: &str| {
        let mut depth = 0i32;
        let balanced = text.chars().all(|c| {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            depth >= 0
        }) && depth == 0;
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if balanced {
            text
        } else {
            text.replace(['{', '}'], "")
        }
    };
    let year = paper
        .id
        .get(..2)
        .filter(|yy| paper.id.get(4..5) == Some(".") && yy.bytes().all(|b| b.is_ascii_digit()))
        .map_or_else(|| record.date.year().to_string(), |yy| format!("20{yy}"));
    let key = format!("arxiv{}", paper.id.replace('/', "_"));
    // A collaboration's hundreds of names would outweigh the rest of the day's page; BibTeX's
    // own `and others` prints as "et al." in every style.
    let authors = if paper.authors.len() > BIBTEX_AUTHORS {
        format!(
            "{} and others",
            paper.authors[..BIBTEX_AUTHORS].join(" and ")
        )
    } else {
        paper.authors.join(" and ")
    };
    let mut entry = format!(
        "@misc{{{key},\n  title={{{}}},\n  author={{{}}},\n  year={{{year}}},\n  eprint={{{}}},\n  archivePrefix={{arXiv}},",
        braced(&paper.title),
        braced(&authors),
        paper.id
    );
    if let Some(category) = paper.categories.first() {
        entry.push_str(&format!("\n  primaryClass={{{category}}},"));
    }
    entry.push_str(&format!("\n  url={{{}}}\n}}", abs_url(&paper.id)));
    entry
}

/// The day's sections, their papers taken from `papers` (the day's paper views by number).
fn group_views(record: &DayRecord, papers: &[Arc<PaperView>]) -> Vec<GroupView> {
    groups::day_groups(record)
        .into_iter()
        .map(|group| GroupView {
            id: group.id.map(str::to_string),
            anchor: match (group.kind, group.id) {
                (GroupKind::Topic, Some(id)) => format!("topic-{id}"),
                (GroupKind::Followed, _) => "followed".into(),
                _ => "other".into(),
            },
            path: group.id.map(topic_path),
            label: group.label,
            papers: group
                .papers
                .into_iter()
                .map(|(number, paper)| match papers.get(number - 1) {
                    Some(view) if view.number == number => Arc::clone(view),
                    _ => Arc::new(paper_view(record, number, paper)),
                })
                .collect(),
        })
        .collect()
}

/// The day's spotlight: the old tool's picks on imported days, else the `site.spotlight` best
/// scored papers (by relevance plus novelty, then relevance) when the day has more than that.
fn spotlight_views(config: &Config, record: &DayRecord) -> Vec<SpotlightView> {
    let numbered = groups::numbered_papers(record);
    let mut picked: Vec<(usize, &PaperRecord)> = numbered
        .iter()
        .copied()
        .filter(|(_, p)| p.spotlight.is_some())
        .collect();
    if picked.is_empty() {
        let wanted = config.site.spotlight;
        if wanted == 0 || numbered.len() <= wanted {
            return Vec::new();
        }
        picked = numbered
            .iter()
            .copied()
            .filter(|(_, p)| p.scores.is_some())
            .collect();
        let key = |p: &PaperRecord| {
            p.scores.as_ref().map_or((0, 0), |s| {
                (u16::from(s.relevance) + u16::from(s.novelty), s.relevance)
            })
        };
        picked.sort_by(|(a_number, a), (b_number, b)| {
            key(b).cmp(&key(a)).then(a_number.cmp(b_number))
        });
        picked.truncate(wanted);
    } else {
        picked.sort_by_key(|(_, p)| p.spotlight.as_ref().map_or(u32::MAX, |s| s.rank));
    }
    picked
        .into_iter()
        .map(|(number, paper)| SpotlightView {
            number,
            id: paper.id.clone(),
            anchor: paper_anchor(number),
            title: textmode::text_to_plain(&paper.title),
            title_html: textmode::title_to_html(&paper.title),
            badge: match &paper.spotlight {
                Some(s) if s.kind == SpotlightKind::NewFrontier => Some("New frontier"),
                Some(_) => Some("Daily hot"),
                None => paper
                    .scores
                    .as_ref()
                    .filter(|s| s.novelty >= 9)
                    .map(|_| "New direction"),
            },
            comment: paper
                .spotlight
                .as_ref()
                .and_then(|s| s.comment.clone())
                .or_else(|| paper_comment(paper)),
            scores: scores_view(record, paper),
        })
        .collect()
}

fn paper_view(record: &DayRecord, number: usize, paper: &PaperRecord) -> PaperView {
    use crate::paper::AnnounceType;
    let comment = paper_comment(paper);
    let topics = paper.topics.as_ref();
    let keywords = match (&paper.scores, record.usage.scorer) {
        (Some(scores), ScorerKind::Keywords) => crate::text::keyword_match_phrases(&scores.comment)
            .into_iter()
            .map(|(phrase, in_title)| KeywordChip {
                phrase: phrase.to_string(),
                in_title,
            })
            .collect(),
        _ => Vec::new(),
    };
    let (title_html, title) = textmode::title_to_html_and_plain(&paper.title);
    let (abstract_html, abstract_text) = paper
        .abstract_text
        .as_deref()
        .map(textmode::text_to_html_and_plain)
        .unzip();
    PaperView {
        number,
        anchor: paper_anchor(number),
        id: paper.id.clone(),
        url: abs_url(&paper.id),
        pdf_url: format!("https://arxiv.org/pdf/{}", paper.id),
        html_url: format!("https://arxiv.org/html/{}", paper.id),
        bibtex: bibtex(record, paper),
        title,
        title_html,
        authors: paper.authors.join(", "),
        authors_short: short_authors(&paper.authors),
        abstract_text,
        abstract_html,
        comment,
        scores: scores_view(record, paper),
        read_alone: paper.read_alone.clone(),
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
        topic: topics.map(|t| groups::topic_label(record, &t.primary).to_string()),
        topic_path: topics.map(|t| topic_path(&t.primary)),
        also_topics: topics
            .map(|t| {
                t.also
                    .iter()
                    .map(|id| TopicChip {
                        label: groups::topic_label(record, id).to_string(),
                        path: topic_path(id),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        listed_before: paper.listed_before.map(|date| Link {
            label: date.to_string(),
            path: day_path(date),
        }),
        tldr: paper.tldr.clone(),
        keywords,
    }
}

pub(crate) fn also_like_view(paper: &crate::record::AlsoLike) -> AlsoLikeView {
    AlsoLikeView {
        id: paper.id.clone(),
        url: abs_url(&paper.id),
        title: textmode::text_to_plain(&paper.title),
        title_html: textmode::title_to_html(&paper.title),
        authors_short: short_authors(&paper.authors),
        score: format!("{:.2}", paper.profile),
        like: paper
            .like
            .as_ref()
            .map(|like| textmode::text_to_plain(&like.title)),
    }
}

fn unscored_view(paper: &PaperRecord) -> UnscoredView {
    UnscoredView {
        id: paper.id.clone(),
        url: abs_url(&paper.id),
        title: textmode::text_to_plain(&paper.title),
        title_html: textmode::title_to_html(&paper.title),
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
        ("Examples from your labels", &snapshot.examples),
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

/// Orders papers for a top list: weighted score, then relevance, then novelty, then the
/// earlier day, then ID, so equal papers always have one order.
pub(crate) fn rank_papers(config: &Config, papers: &mut [(Date, usize, &PaperRecord)]) {
    let (relevance_weight, novelty_weight) = (
        config.selection.relevance_weight,
        config.selection.novelty_weight,
    );
    let scores = |p: &PaperRecord| {
        p.scores
            .as_ref()
            .map_or((0, 0), |s| (s.relevance, s.novelty))
    };
    papers.sort_by(|(date_a, _, a), (date_b, _, b)| {
        b.rank_score(relevance_weight, novelty_weight)
            .total_cmp(&a.rank_score(relevance_weight, novelty_weight))
            .then_with(|| scores(b).cmp(&scores(a)))
            .then_with(|| date_a.cmp(date_b))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// A top-list entry for a paper at `number` on the page of `date`.
pub(crate) fn top_paper(
    rank: usize,
    record: &DayRecord,
    number: usize,
    paper: &PaperRecord,
) -> TopPaper {
    let date = record.date;
    TopPaper {
        rank,
        id: paper.id.clone(),
        date: date.to_string(),
        path: format!("{}#{}", day_path(date), paper_anchor(number)),
        title: textmode::text_to_plain(&paper.title),
        title_html: textmode::title_to_html(&paper.title),
        authors_short: short_authors(&paper.authors),
        scores: scores_view(record, paper),
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
    pages: &[&DayRecord],
    topic_names: &BTreeMap<String, TopicNames>,
    calendar: &crate::calendar::Calendar,
) -> MonthView {
    let records: BTreeMap<i8, &DaySummary> =
        site.records_in(month).map(|r| (r.date.day(), r)).collect();
    let span = site
        .records()
        .first()
        .zip(site.records().last())
        .map(|(first, last)| (first.date, last.date));
    let missed = |date: Date, record: Option<&DaySummary>| {
        record.is_none()
            && span.is_some_and(|(first, last)| first <= date && date <= last)
            && calendar.is_page_date(date)
    };
    let first = month.first_day();
    let leading_blanks =
        usize::try_from(first.weekday().to_sunday_zero_offset()).expect("weekday offsets are 0-6");
    let mut cells: Vec<Option<CalendarDay>> = vec![None; leading_blanks];
    for day in 1..=first.days_in_month() {
        let date = Date::new(month.year, month.month, day).expect("a day of the month");
        let record = records.get(&day).copied();
        let mut cell = calendar_day(date, record);
        cell.missed = missed(date, record);
        cells.push(Some(cell));
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }

    let candidates = month_candidates(config, pages, topic_names);
    let topic_counts = month_topic_counts(&candidates);
    let top = capped_top_list(config, pages, candidates);
    let top_papers: Vec<TopPaper> = top.iter().map(|(paper, _)| paper.clone()).collect();
    let topic_groups = if top.iter().any(|(_, topic)| topic.from_record) {
        group_by_record_topic(top)
    } else {
        topics::group_by_topic(top, |(_, topic)| topic.label.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|(name, members)| TopicGroup {
                name,
                path: None,
                papers: members.into_iter().map(|(paper, _)| paper).collect(),
            })
            .collect()
    };

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
        topic_counts,
    }
}

/// The topic a paper of a month's top list is counted and grouped under.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MonthTopic {
    /// Topic id for topics of records, lower-cased label for topics read from comments, `""`
    /// for none.
    key: String,
    /// `None` when the paper has no known topic.
    label: Option<String>,
    /// The topic's page, for topics of records.
    path: Option<String>,
    /// True for a topic the record stores (not guessed from the comment).
    from_record: bool,
    followed: bool,
}

/// The month's selected papers, each once (on the first day that listed it), ranked, with
/// their topics.
fn month_candidates<'a>(
    config: &Config,
    pages: &[&'a DayRecord],
    topic_names: &BTreeMap<String, TopicNames>,
) -> Vec<(Date, usize, &'a PaperRecord, MonthTopic)> {
    let no_names = TopicNames::new();
    let mut seen = std::collections::HashSet::new();
    let mut candidates = Vec::new();
    for record in pages {
        let names = record
            .prompt_id
            .as_ref()
            .and_then(|id| topic_names.get(id))
            .unwrap_or(&no_names);
        for (number, paper) in groups::numbered_papers(record) {
            if paper.listed_before.is_some() || !seen.insert(paper.id.as_str()) {
                continue;
            }
            candidates.push((
                record.date,
                number,
                paper,
                month_topic(record, paper, names),
            ));
        }
    }
    let mut ranked: Vec<(Date, usize, &PaperRecord)> =
        candidates.iter().map(|&(d, n, p, _)| (d, n, p)).collect();
    rank_papers(config, &mut ranked);
    let mut topic_of: BTreeMap<(Date, &str), MonthTopic> = candidates
        .into_iter()
        .map(|(date, _, paper, topic)| ((date, paper.id.as_str()), topic))
        .collect();
    ranked
        .into_iter()
        .map(|(date, number, paper)| {
            let topic = topic_of
                .remove(&(date, paper.id.as_str()))
                .expect("every ranked paper is a candidate");
            (date, number, paper, topic)
        })
        .collect()
}

fn month_topic(record: &DayRecord, paper: &PaperRecord, names: &TopicNames) -> MonthTopic {
    // As on the day page: on a day with topics, followed authors' papers are a group of their
    // own. Older days group by the topic the comment names, then by followed author.
    let day_has_topics = record.selected().any(|p| p.topics.is_some());
    if day_has_topics && groups::is_author_pick(paper) {
        return MonthTopic {
            key: topics::FOLLOWED_GROUP.into(),
            label: Some(topics::FOLLOWED_GROUP.into()),
            path: None,
            from_record: false,
            followed: true,
        };
    }
    if let Some(paper_topics) = &paper.topics {
        return MonthTopic {
            key: paper_topics.primary.clone(),
            label: Some(groups::topic_label(record, &paper_topics.primary).to_string()),
            path: Some(topic_path(&paper_topics.primary)),
            from_record: true,
            followed: false,
        };
    }
    let label = paper_topic(paper, names);
    MonthTopic {
        key: label.as_deref().map(str::to_lowercase).unwrap_or_default(),
        label,
        path: None,
        from_record: false,
        followed: false,
    }
}

/// How many of the month's papers each topic of the records has, in the order of the best.
fn month_topic_counts(
    candidates: &[(Date, usize, &PaperRecord, MonthTopic)],
) -> Vec<TopicCountView> {
    let mut counts: Vec<TopicCountView> = Vec::new();
    for (_, _, _, topic) in candidates.iter().filter(|c| c.3.from_record) {
        let label = topic.label.clone().unwrap_or_default();
        match counts.iter_mut().find(|c| c.path == topic.path) {
            Some(count) => count.count += 1,
            None => counts.push(TopicCountView {
                label,
                path: topic.path.clone(),
                count: 1,
            }),
        }
    }
    counts
}

/// The month's top list: the best papers, at most `site.month_top_per_topic` of one topic and
/// `site.month_top_papers` in all.
fn capped_top_list(
    config: &Config,
    pages: &[&DayRecord],
    candidates: Vec<(Date, usize, &PaperRecord, MonthTopic)>,
) -> Vec<(TopPaper, MonthTopic)> {
    let mut per_topic: BTreeMap<String, usize> = BTreeMap::new();
    let mut top = Vec::new();
    for (date, number, paper, topic) in candidates {
        if top.len() == config.site.month_top_papers {
            break;
        }
        let taken = per_topic.entry(topic.key.clone()).or_default();
        if *taken == config.site.month_top_per_topic {
            continue;
        }
        *taken += 1;
        let record = pages
            .iter()
            .find(|r| r.date == date)
            .expect("every candidate is of a page of the month");
        top.push((top_paper(top.len() + 1, record, number, paper), topic));
    }
    top
}

/// Groups a top list by the records' topics: followed authors first, then topics in the order
/// of their best paper, then papers of no topic.
fn group_by_record_topic(top: Vec<(TopPaper, MonthTopic)>) -> Vec<TopicGroup> {
    let mut groups: Vec<(MonthTopic, Vec<TopPaper>)> = Vec::new();
    for (paper, topic) in top {
        match groups.iter_mut().find(|(t, _)| t.key == topic.key) {
            Some((_, papers)) => papers.push(paper),
            None => groups.push((topic, vec![paper])),
        }
    }
    // Stable: followed first, unknown last, the rest in the order of their best paper.
    groups.sort_by_key(|(topic, _)| match (topic.followed, &topic.label) {
        (true, _) => 0,
        (false, Some(_)) => 1,
        (false, None) => 2,
    });
    groups
        .into_iter()
        .map(|(topic, papers)| TopicGroup {
            name: topic
                .label
                .unwrap_or_else(|| topics::OTHER_GROUP.to_string()),
            path: topic.path,
            papers,
        })
        .collect()
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

fn calendar_day(date: Date, record: Option<&DaySummary>) -> CalendarDay {
    let has_page = record.is_some_and(|r| r.status.has_page());
    CalendarDay {
        day: date.day(),
        date: date.to_string(),
        path: has_page.then(|| day_path(date)),
        selected: record.filter(|_| has_page).map(|r| r.selected),
        status: record
            .map(|r| r.status)
            .filter(|&status| status != DayStatus::Ok)
            .map(DayStatus::as_str),
        failed: record.is_some_and(|r| r.status.is_failure()),
        missed: false,
    }
}

/// Builds a yearly page: each month's day and paper counts.
pub(crate) fn year_view(config: &Config, site: &SiteModel<'_>, year: i16) -> YearView {
    let months: Vec<MonthSummary> = (1..=12)
        .map(|month| {
            let month = YearMonth { year, month };
            let pages: Vec<&DaySummary> = site.pages_in(month).collect();
            MonthSummary {
                name: month_name(month.month),
                path: (!pages.is_empty()).then(|| month.path()),
                days: pages.len(),
                selected: pages.iter().map(|r| r.selected).sum(),
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
            selected: record.selected,
            status: Some(record.status)
                .filter(|&status| status != DayStatus::Ok)
                .map(DayStatus::as_str),
        })
        .collect()
}

/// The site's absolute base URL, ending in `/`.
pub(crate) fn base_url(config: &crate::config::Config) -> String {
    let base = config.site.base_url.trim();
    if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    }
}

/// A topic in the home page's list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicLink {
    pub id: String,
    pub label: String,
    pub path: String,
    pub count: usize,
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
            "A1, A2, A3, A4, et al. (9 authors)"
        );
        assert_eq!(short_authors(&authors[..5]), "A1, A2, A3, A4, A5");
    }

    #[test]
    fn long_date_names_weekday_and_month() {
        let date: Date = "2026-03-13".parse().unwrap();
        assert_eq!(long_date(date), "Friday 13 March 2026");
    }
}

/// The day's e-mail, as its templates read it. Links are absolute (from `site.base_url`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EmailView {
    pub site_title: String,
    pub date: String,
    pub long_date: String,
    pub status: &'static str,
    /// The day page, absolute; `None` for a day without a page (a failure notice).
    pub page_url: Option<String>,
    pub status_url: String,
    /// Why the day failed, for a failure notice.
    pub failure: Option<String>,
    pub selected: usize,
    pub groups: Vec<EmailGroup>,
    /// Said once when the day has no TL;DRs (no API key).
    pub tldr_note: Option<String>,
    /// "You may also like".
    pub also_like: Vec<AlsoLikeView>,
}

/// One topic of the e-mail.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EmailGroup {
    /// Empty for a day without topics (one list).
    pub label: String,
    pub papers: Vec<EmailPaper>,
}

/// One paper of the e-mail.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EmailPaper {
    pub number: usize,
    pub title: String,
    pub authors: String,
    /// The TL;DR, or else the scorer's comment.
    pub summary: Option<String>,
    pub summary_is_tldr: bool,
    pub scores: Option<ScoresView>,
    pub url: String,
    /// The paper on its day page, absolute.
    pub page_url: String,
}

/// The e-mail of a day (a failure notice when the day has no page).
pub(crate) fn email_view(config: &Config, record: &DayRecord) -> EmailView {
    let base = base_url(config);
    let has_page = record.status.has_page();
    let page = format!("{base}{}", day_path(record.date));
    let groups = if has_page {
        groups::day_groups(record)
            .into_iter()
            .map(|group| EmailGroup {
                label: group.label,
                papers: group
                    .papers
                    .into_iter()
                    .map(|(number, paper)| {
                        let comment = paper_comment(paper);
                        EmailPaper {
                            number,
                            title: textmode::text_to_plain(&paper.title),
                            authors: short_authors(&paper.authors),
                            summary_is_tldr: paper.tldr.is_some(),
                            summary: paper.tldr.clone().or(comment),
                            scores: scores_view(record, paper),
                            url: abs_url(&paper.id),
                            page_url: format!("{page}#{}", paper_anchor(number)),
                        }
                    })
                    .collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    EmailView {
        site_title: config.site.title.clone(),
        date: record.date.to_string(),
        long_date: long_date(record.date),
        status: record.status.as_str(),
        page_url: has_page.then_some(page),
        status_url: format!("{base}status/"),
        failure: (!has_page).then(|| {
            record
                .status_reason
                .clone()
                .unwrap_or_else(|| "no reason recorded".into())
        }),
        selected: record.counts.selected,
        groups,
        tldr_note: record.tldr.as_ref().and_then(|t| t.note.clone()),
        also_like: record.also_like.iter().map(also_like_view).collect(),
    }
}

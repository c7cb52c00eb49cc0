//! Day records in `data/YYYY/MM/DD.json`: the source of truth the site is rendered from.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::paper::{AnnounceType, Paper};

pub mod embeddings;
pub mod labels;
pub mod scanned;

/// A paper's text as learning needs it: what the scanned-text store keeps of a filtered paper,
/// and what a label carries or is filled in with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperText {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(rename = "abstract", default)]
    pub abstract_text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
}

/// Version of the day-record format; bumped when a field changes meaning or shape. Version 3
/// adds each scanned paper's `profile` score (a filtered row's fifth element); version 2 wrote
/// filtered papers as short rows (see [`PaperRecord`]); versions 1 and 2 still read.
pub const SCHEMA_VERSION: u32 = 3;

/// The tool whose archives `papersift import` reads, as pages name it.
pub const IMPORTED_TOOL: &str = "ChatGPT-ArXiv-Paper-Assistant / gpt_paper_assistant";

/// The `status_reason` earlier versions wrote on every imported day. It said nothing the page
/// does not say anyway, so it is dropped on read (and no longer written).
const OLD_IMPORT_NOTE: &str = "Imported from the archive of the previous tool, which kept only the selected papers: the day's feed totals are unknown.";

/// How a day ended. Failed statuses are retried by catch-up and make a run exit non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayStatus {
    Ok,
    NoAnnouncement,
    StaleFeed,
    FetchFailed,
    LlmFailed,
    Partial,
    BudgetStopped,
    Backfilled,
}

impl DayStatus {
    /// True for statuses catch-up retries and that fail a run.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            DayStatus::FetchFailed
                | DayStatus::LlmFailed
                | DayStatus::Partial
                | DayStatus::BudgetStopped
        )
    }

    /// True when the day gets a published page. Failed fetches and LLM outages never do, so no
    /// page ever claims "no papers" for a day that was not really scored.
    pub fn has_page(self) -> bool {
        matches!(
            self,
            DayStatus::Ok | DayStatus::Partial | DayStatus::BudgetStopped | DayStatus::Backfilled
        )
    }

    /// The spelling used in records and on the status page.
    pub fn as_str(self) -> &'static str {
        match self {
            DayStatus::Ok => "ok",
            DayStatus::NoAnnouncement => "no-announcement",
            DayStatus::StaleFeed => "stale-feed",
            DayStatus::FetchFailed => "fetch-failed",
            DayStatus::LlmFailed => "llm-failed",
            DayStatus::Partial => "partial",
            DayStatus::BudgetStopped => "budget-stopped",
            DayStatus::Backfilled => "backfilled",
        }
    }
}

/// How a day's papers reached papersift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// arXiv's RSS feed (`run`).
    Rss,
    /// arXiv's export API (`backfill`, catch-up).
    Api,
    /// An archive of the tool papersift replaces (`import`).
    Import,
}

/// Where a day's papers came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub kind: SourceKind,
    /// The URL fetched, or the file names read (never absolute paths, so records are portable).
    pub origin: Vec<String>,
    /// For backfills: the date the backfill ran (shown in the remedial banner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backfilled_on: Option<String>,
}

/// Counts shown on the page and kept for the status page.
///
/// `feed_items`, `scanned` and `filtered` are `None` (JSON `null`) when they were never known:
/// an imported archive lists only the selected papers. Such records leave the breakdowns of the
/// feed (per announce type, duplicates, already seen) at 0; they are meaningful only when
/// `feed_items` is known. Show an unknown count with [`count_text`], never as 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Items in the feed, before any filtering.
    #[serde(default)]
    pub feed_items: Option<usize>,
    /// Feed items per announce type.
    pub new: usize,
    pub cross: usize,
    pub replace: usize,
    pub replace_cross: usize,
    /// Items dropped because their announce type is not configured.
    pub skipped_announce_type: usize,
    /// Items dropped as the same paper listed again under another category.
    pub duplicates: usize,
    /// Papers skipped because an earlier day recorded them.
    pub already_seen: usize,
    /// Unique papers this day looked at (the papers listed in the record).
    #[serde(default)]
    pub scanned: Option<usize>,
    pub selected: usize,
    #[serde(default)]
    pub filtered: Option<usize>,
    pub unscored: usize,
}

/// A count for people to read: the number, or `unknown` when it was never known.
pub fn count_text(count: Option<usize>) -> String {
    count.map_or_else(|| "unknown".to_string(), |n| n.to_string())
}

impl Counts {
    /// Sets the selected, filtered and unscored counts from the day's paper decisions.
    pub fn tally_decisions(&mut self, papers: &[PaperRecord]) {
        let count = |decision| papers.iter().filter(|p| p.decision == decision).count();
        self.selected = count(Decision::Selected);
        self.filtered = Some(count(Decision::Filtered));
        self.unscored = count(Decision::Unscored);
    }
}

/// Which scorer produced a day's scores. The JSON spellings are the record format's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScorerKind {
    /// Nothing was scored (a failed fetch, a day with no announcement, a stale feed).
    #[default]
    #[serde(rename = "")]
    None,
    /// The built-in keyword scorer.
    #[serde(rename = "keywords")]
    Keywords,
    /// An OpenAI-compatible model.
    #[serde(rename = "llm")]
    Llm,
    /// Scores carried over from an imported archive.
    #[serde(rename = "import")]
    Imported,
    /// The reader's profile ranked the day (no API key, enough labels).
    #[serde(rename = "profile")]
    Profile,
}

/// Which scorer produced the scores, and what it cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub scorer: ScorerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    pub calls: u64,
    pub prompt_tokens: u64,
    pub cached_prompt_tokens: u64,
    pub completion_tokens: u64,
    /// The part of `completion_tokens` a reasoning model spent thinking (billed as output).
    /// Absent in records of models that do not reason, and in records before it was kept.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reasoning_tokens: u64,
    /// `None` when the model has no price in config: shown as "unknown", never $0.00.
    pub cost_usd: Option<f64>,
    /// Scoring answers reused from the cache instead of calling the model.
    #[serde(default)]
    pub cache_hits: u64,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

impl Usage {
    /// Adds another run's usage (a re-scoring of the same day). The cost stays unknown if
    /// either part is unknown.
    pub fn add(&mut self, other: &Usage) {
        self.calls += other.calls;
        self.prompt_tokens += other.prompt_tokens;
        self.cached_prompt_tokens += other.cached_prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.reasoning_tokens += other.reasoning_tokens;
        self.cache_hits += other.cache_hits;
        self.cost_usd = self.cost_usd.zip(other.cost_usd).map(|(a, b)| a + b);
        if self.model.is_none() {
            self.model.clone_from(&other.model);
        }
    }
}

/// Relevance and novelty (1-10) with the scorer's reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub relevance: u8,
    pub novelty: u8,
    pub comment: String,
}

/// What happened to a scanned paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Selected,
    Filtered,
    /// The scorer could not score it (retries exhausted, budget); the reason says why.
    Unscored,
}

/// One scanned paper in a day record. Selected and unscored papers keep their full
/// metadata; filtered ones keep only what explains the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperRecord {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<Scores>,
    /// Display names of followed authors on the paper; such papers are pinned first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub followed_authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announce_type: Option<AnnounceType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// The topics the paper is listed under; `None` in records from before topics were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<PaperTopics>,
    /// Set when the day's source ranked the paper among its few best (imported archives keep
    /// the old tool's "Daily Hot" / "New Frontier" picks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spotlight: Option<Spotlight>,
    /// The earlier day that listed this paper already: the page says so, and top lists count
    /// the paper on that first day only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_before: Option<Date>,
    /// A short summary in the reader's language (`[tldr]`), for selected papers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tldr: Option<String>,
    /// How much the reader's profile says they want the paper, in [0, 1] (higher: more
    /// wanted), kept to three decimals; `None` on days scored without a profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<f32>,
    /// Why the LLM read this paper in a call of its own: what in its text could steer a model
    /// (`an arXiv ID`, `a field name of the answer format`, `an instruction to the model`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_alone: Option<String>,
}

/// The TL;DRs of a day: their language, how many were written, why any are missing, and what
/// they cost (kept apart from the scoring usage, and shown as its own row).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TldrRecord {
    pub language: String,
    pub written: usize,
    /// Selected papers left without a TL;DR.
    pub missing: usize,
    /// Why, counted by reason ("the answer had no TL;DR for it": 2).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub missing_reasons: std::collections::BTreeMap<String, usize>,
    /// Set when no TL;DR could be asked for at all (no API key): said once on the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub usage: Usage,
}

/// Who assigned a paper's topics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TopicSource {
    /// The model named the topic ids in its answer.
    Llm,
    /// The keyword lines of `prompts/topics.md` matched.
    Keywords,
    /// Carried over from an imported archive.
    Imported,
}

/// A paper's topics, by topic id (the day's [`DayRecord::topics`] holds their labels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperTopics {
    /// The topic the paper is listed under.
    pub primary: String,
    /// Its other matching topics, in the order they were given (the primary one not repeated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    pub source: TopicSource,
}

/// A topic of a day, in the day's topic order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicLabel {
    pub id: String,
    pub label: String,
}

/// Why a paper is in the day's spotlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpotlightKind {
    /// Among the day's most relevant papers.
    DailyHot,
    /// A new direction: unusually novel.
    NewFrontier,
}

/// A paper's place in the day's spotlight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spotlight {
    pub kind: SpotlightKind,
    /// 1 for the first spotlight paper of the day.
    pub rank: u32,
    /// The spotlight's own remark on the paper, when its source made one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl PaperRecord {
    /// A record keeping all of the paper's metadata.
    pub fn full(paper: &Paper, decision: Decision) -> PaperRecord {
        PaperRecord {
            id: paper.id.clone(),
            version: paper.version,
            title: paper.title.clone(),
            decision,
            reason: None,
            scores: None,
            followed_authors: Vec::new(),
            authors: paper.authors.clone(),
            abstract_text: Some(paper.abstract_text.clone()),
            categories: paper.categories.clone(),
            announce_type: Some(paper.announce_type),
            doi: paper.doi.clone(),
            journal_ref: paper.journal_ref.clone(),
            license: paper.license.clone(),
            topics: None,
            spotlight: None,
            listed_before: None,
            tldr: None,
            profile: None,
            read_alone: None,
        }
    }

    /// A filtered paper: ID, title, scores and the reason only (the file keeps less: see
    /// [`DayRecord::papers`]).
    pub fn filtered(paper: &Paper, reason: String, scores: Option<Scores>) -> PaperRecord {
        PaperRecord {
            title: paper.title.clone(),
            reason: Some(reason),
            ..PaperRecord::filtered_row(paper.id.clone(), paper.version, scores)
        }
    }

    /// A filtered paper as its file row keeps it: no title, no comment, no reason yet.
    fn filtered_row(id: String, version: u32, scores: Option<Scores>) -> PaperRecord {
        PaperRecord {
            id,
            version,
            title: String::new(),
            decision: Decision::Filtered,
            reason: None,
            scores,
            followed_authors: Vec::new(),
            authors: Vec::new(),
            abstract_text: None,
            categories: Vec::new(),
            announce_type: None,
            doi: None,
            journal_ref: None,
            license: None,
            topics: None,
            spotlight: None,
            listed_before: None,
            tldr: None,
            profile: None,
            read_alone: None,
        }
    }

    /// The ranking key: weighted sum of the scores (0 when unscored).
    pub fn rank_score(&self, relevance_weight: f64, novelty_weight: f64) -> f64 {
        self.scores.as_ref().map_or(0.0, |s| {
            relevance_weight * f64::from(s.relevance) + novelty_weight * f64::from(s.novelty)
        })
    }
}

/// Everything known about one announcement day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayRecord {
    pub schema_version: u32,
    /// The page date: the announcement date the feed states (New York), `YYYY-MM-DD`.
    pub date: Date,
    pub categories: Vec<String>,
    pub source: Source,
    pub status: DayStatus,
    /// Why the day is not plainly ok, in words for the reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    pub counts: Counts,
    pub usage: Usage,
    /// The prompt snapshot (`data/prompts/<id>.json`) the day was scored with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_id: Option<String>,
    /// The day's topics in page order; empty in records from before topics were kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<TopicLabel>,
    /// What the TL;DR step did, when `[tldr]` was enabled for the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tldr: Option<TldrRecord>,
    /// Selected papers first in page order, then unscored, then filtered. In the file each
    /// paper is one line; a filtered paper is a row `[id, version, relevance, novelty, profile,
    /// reason]` (the scores and the profile `null` when unknown; the reason only when it was not
    /// the score thresholds, the profile only when either is there), because nothing but its
    /// decision is ever shown or needed again; its text is in the scanned-text store.
    #[serde(with = "stored_papers")]
    pub papers: Vec<PaperRecord>,
    /// "You may also like": papers the day left out that the reader's profile rates highest,
    /// best first (empty without a profile of the reader's own labels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_like: Vec<AlsoLike>,
    /// What the profile's cascade did before the LLM: absent without an LLM, or with
    /// `profile.cascade = false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cascade: Option<CascadeRecord>,
    /// What the profile's embeddings cost, when `profile.embeddings_model` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeddings: Option<EmbeddingsRecord>,
}

/// The embeddings of one day: what was sent, what the cache saved, what it cost, what failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EmbeddingsRecord {
    /// Calls, tokens and cost of the `/embeddings` requests (the model is the embeddings model).
    pub usage: Usage,
    /// Papers embedded by this run, and papers whose vector came from the cache.
    pub embedded: usize,
    pub cached: usize,
    /// Why the day's profile scores are without the similarity (a failed call, a vector of the
    /// wrong size, the cost cap), or what was set aside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// The reason every paper the cascade cut carries; the calibration finds its cuts by it.
pub const CASCADE_REASON: &str = "profile: cut before the LLM";

/// The cascade of one day: the cut it made, or why it made none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CascadeRecord {
    /// The share of the LLM's selections on recorded days the cut aimed to keep.
    pub recall: f64,
    /// Papers with a profile score below this (as recorded, three decimals) were cut, except
    /// followed authors, include-keyword matches and the audit sample. `None`: nothing cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f32>,
    /// The share of the day's papers the cut keeps (from the calibration).
    #[serde(default)]
    pub keep_share: f64,
    /// The share of the papers below the cut the LLM read all the same, to keep measuring it.
    #[serde(default)]
    pub audit: f64,
    /// Candidates cut, and candidates the LLM was sent (audited ones included).
    pub cut: usize,
    pub sent: usize,
    /// The recorded days and LLM picks the cut was calibrated on.
    #[serde(default)]
    pub days: usize,
    #[serde(default)]
    pub picks: usize,
    /// Why nothing was cut (cold start, a profile that looks wrong, contradicting labels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl CascadeRecord {
    /// One line for the run's log and the day page.
    pub fn describe(&self) -> String {
        match (&self.note, self.threshold) {
            (Some(note), _) => format!("cascade off: {note}"),
            (None, Some(_)) => {
                let total = self.cut + self.sent;
                format!(
                    "cascade cut {} of {} papers ({:.0}%) before the LLM, aiming to keep {:.0}% of what it would select (calibrated on {} LLM picks of {} recorded days)",
                    self.cut,
                    total,
                    100.0 * self.cut as f64 / total.max(1) as f64,
                    self.recall * 100.0,
                    self.picks,
                    self.days
                )
            }
            (None, None) => "cascade: nothing to cut".to_string(),
        }
    }
}

/// A paper the day left out that the reader's profile rates among its best.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlsoLike {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Its profile score.
    pub profile: f32,
    /// The wanted paper it is most like.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub like: Option<LikePaper>,
}

/// The wanted paper a suggestion is most like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikePaper {
    pub id: String,
    pub title: String,
}

impl DayRecord {
    /// True for a failed day that catch-up may retry on its own. An imported day the old tool
    /// failed is retried only when the user asks (`papersift backfill`), never silently.
    pub fn awaits_catch_up(&self) -> bool {
        self.status.is_failure() && self.source.kind != SourceKind::Import
    }

    /// Selected papers in page order.
    pub fn selected(&self) -> impl Iterator<Item = &PaperRecord> {
        self.papers
            .iter()
            .filter(|p| p.decision == Decision::Selected)
    }

    /// Papers the scorer could not score.
    pub fn unscored(&self) -> impl Iterator<Item = &PaperRecord> {
        self.papers
            .iter()
            .filter(|p| p.decision == Decision::Unscored)
    }

    /// The unscored papers rebuilt from their kept metadata, to be scored again.
    pub fn unscored_papers(&self) -> Vec<Paper> {
        self.unscored()
            .map(|p| Paper {
                id: p.id.clone(),
                version: p.version,
                title: p.title.clone(),
                authors: p.authors.clone(),
                abstract_text: p.abstract_text.clone().unwrap_or_default(),
                categories: p.categories.clone(),
                announce_type: p.announce_type.unwrap_or(AnnounceType::New),
                doi: p.doi.clone(),
                journal_ref: p.journal_ref.clone(),
                license: p.license.clone(),
            })
            .collect()
    }
}

/// The prompts and phrases a day was scored with, kept so old pages show the prompt of their day.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PromptSnapshot {
    pub system: String,
    pub topics: String,
    pub criteria: String,
    pub output_format: String,
    /// Phrases the keyword scorer used (empty for LLM days).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keyword_phrases: Vec<String>,
    /// The titles of the reader's labels that ended the prompt (`profile.prompt_examples`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub examples: String,
}

/// Saves a prompt snapshot under `data/prompts/`, named by a hash of its content, and returns
/// that id. Identical prompts share one file.
pub fn save_prompt_snapshot(data_dir: &Path, snapshot: &PromptSnapshot) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut json =
        serde_json::to_vec_pretty(snapshot).context("cannot serialise prompt snapshot")?;
    json.push(b'\n');
    let digest = Sha256::digest(&json);
    let id: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    crate::files::write_atomic(&data_dir.join("prompts").join(format!("{id}.json")), &json)?;
    Ok(id)
}

/// Loads every prompt snapshot under `data/prompts/`, by id.
pub fn load_prompt_snapshots(
    data_dir: &Path,
) -> Result<std::collections::BTreeMap<String, PromptSnapshot>> {
    let dir = data_dir.join("prompts");
    let mut out = std::collections::BTreeMap::new();
    if !dir.exists() {
        return Ok(out);
    }
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
    {
        let path = entry
            .with_context(|| format!("cannot list {}", dir.display()))?
            .path();
        let Some(id) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|_| path.extension().is_some_and(|e| e == "json"))
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let snapshot = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid prompt snapshot", path.display()))?;
        out.insert(id.to_string(), snapshot);
    }
    Ok(out)
}

/// `data/YYYY/MM/DD.json` for a date.
pub fn record_path(data_dir: &Path, date: Date) -> PathBuf {
    data_dir
        .join(format!("{:04}", date.year()))
        .join(format!("{:02}", date.month()))
        .join(format!("{:02}.json", date.day()))
}

/// Saves a day record atomically: the header indented, one line per paper, trailing newline.
pub fn save(data_dir: &Path, record: &DayRecord) -> Result<PathBuf> {
    let path = record_path(data_dir, record.date);
    let json = to_json_lines(record).context("cannot serialise day record")?;
    // The record is public (and every page is built from it): no secret in any encoding,
    // whatever a provider echoed into a reason.
    let json = String::from_utf8(json).context("a day record is not UTF-8")?;
    crate::files::write_atomic(&path, crate::secrets::redact(&json).as_bytes())?;
    Ok(path)
}

/// `value` as JSON whose top two levels are indented and whose deeper values (a record's
/// papers, an index's days) take one line each: readable, diffable line by line, and about a
/// third smaller than indenting everything.
pub(crate) fn to_json_lines<T: Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut out, LinesFormatter::default());
    value.serialize(&mut serializer)?;
    out.push(b'\n');
    Ok(out)
}

/// serde_json's pretty layout for the outer two levels of nesting, compact below.
#[derive(Default)]
struct LinesFormatter {
    /// Containers open around the next token.
    depth: usize,
    pretty: serde_json::ser::PrettyFormatter<'static>,
}

/// Containers opened below this depth are written on one line.
const PRETTY_LEVELS: usize = 2;

impl LinesFormatter {
    /// True when the container being opened or closed, or holding the next value, is pretty.
    fn opening_pretty(&self) -> bool {
        self.depth < PRETTY_LEVELS
    }

    fn inside_pretty(&self) -> bool {
        self.depth <= PRETTY_LEVELS
    }
}

impl serde_json::ser::Formatter for LinesFormatter {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        let pretty = self.opening_pretty();
        self.depth += 1;
        if pretty {
            self.pretty.begin_array(writer)
        } else {
            writer.write_all(b"[")
        }
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.opening_pretty() {
            self.pretty.end_array(writer)
        } else {
            writer.write_all(b"]")
        }
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if self.inside_pretty() {
            self.pretty.begin_array_value(writer, first)
        } else if first {
            Ok(())
        } else {
            writer.write_all(b",")
        }
    }

    fn end_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        if self.inside_pretty() {
            self.pretty.end_array_value(writer)
        } else {
            Ok(())
        }
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        let pretty = self.opening_pretty();
        self.depth += 1;
        if pretty {
            self.pretty.begin_object(writer)
        } else {
            writer.write_all(b"{")
        }
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.opening_pretty() {
            self.pretty.end_object(writer)
        } else {
            writer.write_all(b"}")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if self.inside_pretty() {
            self.pretty.begin_object_key(writer, first)
        } else if first {
            Ok(())
        } else {
            writer.write_all(b",")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        if self.inside_pretty() {
            self.pretty.begin_object_value(writer)
        } else {
            writer.write_all(b":")
        }
    }

    fn end_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        if self.inside_pretty() {
            self.pretty.end_object_value(writer)
        } else {
            Ok(())
        }
    }
}

/// The file shape of [`DayRecord::papers`]: objects for selected and unscored papers, short
/// rows for filtered ones (schema 2). Version 1 files, all objects, read the same.
mod stored_papers {
    use serde::de::{self, SeqAccess, Visitor};
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Decision, PaperRecord, Scores};

    /// The reason a row without one stands for; the scores in the row say by how much.
    const THRESHOLD_REASON: &str = "below thresholds";

    pub(super) fn serialize<S: Serializer>(
        papers: &[PaperRecord],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(papers.len()))?;
        for paper in papers {
            if paper.decision == Decision::Filtered {
                seq.serialize_element(&FilteredRow(paper))?;
            } else {
                seq.serialize_element(paper)?;
            }
        }
        seq.end()
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<PaperRecord>, D::Error> {
        let stored = Vec::<StoredPaper>::deserialize(deserializer)?;
        Ok(stored.into_iter().map(|paper| paper.0).collect())
    }

    /// `[id, version, relevance, novelty, profile]`, plus the reason unless it was the
    /// thresholds; the profile (a number, or `null` without one) is left off when neither it
    /// nor a reason follows.
    struct FilteredRow<'a>(&'a PaperRecord);

    impl Serialize for FilteredRow<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let paper = self.0;
            let reason = paper
                .reason
                .as_deref()
                .filter(|reason| !reason.starts_with(THRESHOLD_REASON));
            let tail = if reason.is_some() {
                2
            } else {
                usize::from(paper.profile.is_some())
            };
            let mut row = serializer.serialize_seq(Some(4 + tail))?;
            row.serialize_element(&paper.id)?;
            row.serialize_element(&paper.version)?;
            row.serialize_element(&paper.scores.as_ref().map(|s| s.relevance))?;
            row.serialize_element(&paper.scores.as_ref().map(|s| s.novelty))?;
            if tail > 0 {
                row.serialize_element(&paper.profile)?;
            }
            if let Some(reason) = reason {
                row.serialize_element(reason)?;
            }
            row.end()
        }
    }

    /// A row's fifth element: the profile score (schema 3), or the reason (schema 2).
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Fifth {
        Reason(String),
        Profile(Option<f32>),
    }

    struct StoredPaper(PaperRecord);

    impl<'de> Deserialize<'de> for StoredPaper {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(StoredPaperVisitor)
        }
    }

    struct StoredPaperVisitor;

    impl<'de> Visitor<'de> for StoredPaperVisitor {
        type Value = StoredPaper;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(
                "a paper object or a filtered-paper row [id, version, relevance, novelty, profile]",
            )
        }

        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<StoredPaper, A::Error> {
            PaperRecord::deserialize(de::value::MapAccessDeserializer::new(map)).map(StoredPaper)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut row: A) -> Result<StoredPaper, A::Error> {
            let missing =
                |what| de::Error::custom(format!("a filtered-paper row lacks its {what}"));
            let id: String = row.next_element()?.ok_or_else(|| missing("id"))?;
            let version: u32 = row.next_element()?.ok_or_else(|| missing("version"))?;
            let relevance: Option<u8> = row.next_element()?.ok_or_else(|| missing("relevance"))?;
            let novelty: Option<u8> = row.next_element()?.ok_or_else(|| missing("novelty"))?;
            let (profile, reason) = match row.next_element::<Fifth>()? {
                None => (None, None),
                Some(Fifth::Reason(reason)) => (None, Some(reason)),
                Some(Fifth::Profile(profile)) => (profile, row.next_element::<String>()?),
            };
            let scores = relevance.zip(novelty).map(|(relevance, novelty)| Scores {
                relevance,
                novelty,
                comment: String::new(),
            });
            let mut paper = PaperRecord::filtered_row(id, version, scores);
            paper.reason = Some(reason.unwrap_or_else(|| THRESHOLD_REASON.to_string()));
            paper.profile = profile;
            Ok(StoredPaper(paper))
        }
    }
}

/// Loads the record of one date, `None` when there is none.
pub fn load(data_dir: &Path, date: Date) -> Result<Option<DayRecord>> {
    let path = record_path(data_dir, date);
    if !path.exists() {
        return Ok(None);
    }
    let record = read_record(&path)?;
    if record.date != date {
        let right = record_path(data_dir, record.date);
        anyhow::bail!(
            "{} holds the record of {} (its \"date\"), not of {date} (its path): move it to {}, or correct its date",
            path.display(),
            record.date,
            right.display()
        );
    }
    Ok(Some(record))
}

fn read_record(path: &Path) -> Result<DayRecord> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut record: DayRecord = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid day record", path.display()))?;
    if record.source.kind == SourceKind::Import
        && record.status_reason.as_deref() == Some(OLD_IMPORT_NOTE)
    {
        record.status_reason = None;
    }
    if record.schema_version > SCHEMA_VERSION {
        anyhow::bail!(
            "{} has schema_version {}, newer than this papersift understands ({SCHEMA_VERSION}); update papersift",
            path.display(),
            record.schema_version
        );
    }
    Ok(record)
}

/// Loads the records of the dates from `from` up to but not including `to`, oldest first: the
/// few days a run needs, without reading the whole archive.
pub fn load_between(data_dir: &Path, from: Date, to: Date) -> Result<Vec<DayRecord>> {
    let mut records = Vec::new();
    for date in from
        .series(jiff::ToSpan::days(1))
        .take_while(|date| *date < to)
    {
        records.extend(load(data_dir, date)?);
    }
    Ok(records)
}

/// The date of the oldest day record, from file names alone (nothing is parsed).
pub fn first_date(data_dir: &Path) -> Result<Option<Date>> {
    edge_date(data_dir, false)
}

/// The date of the newest record, from file names alone.
pub fn last_date(data_dir: &Path) -> Result<Option<Date>> {
    edge_date(data_dir, true)
}

/// The first or (`newest`) last record date, reading folder names only.
fn edge_date(data_dir: &Path, newest: bool) -> Result<Option<Date>> {
    let name = |path: &Path| {
        path.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    };
    let ordered = |mut paths: Vec<PathBuf>| {
        if newest {
            paths.reverse();
        }
        paths
    };
    for year in ordered(sorted_entries(data_dir, |name| name.len() == 4)?) {
        for month in ordered(sorted_entries(&year, |name| name.len() == 2)?) {
            let days = sorted_entries(&month, |name| name.len() == 7 && name.ends_with(".json"))?;
            if let Some(day) = ordered(days).first() {
                let text = format!("{}-{}-{}", name(&year), name(&month), &name(day)[..2]);
                return Ok(text.parse().ok());
            }
        }
    }
    Ok(None)
}

/// Loads every day record under `data_dir`, oldest first. Other files (the cache) are ignored.
pub fn load_all(data_dir: &Path) -> Result<Vec<DayRecord>> {
    let mut paths = Vec::new();
    for year in sorted_entries(data_dir, |name| name.len() == 4)? {
        for month in sorted_entries(&year, |name| name.len() == 2)? {
            for day in sorted_entries(&month, |name| name.len() == 7 && name.ends_with(".json"))? {
                paths.push(day);
            }
        }
    }
    let mut records = paths
        .iter()
        .map(|path| read_record(path))
        .collect::<Result<Vec<_>>>()?;
    records.sort_by_key(|r| r.date);
    Ok(records)
}

/// What the pages that list many days need of one day, kept per month in
/// `data/YYYY/MM/index.json` so a run renders its day without reading the whole archive. Derived
/// from the records (`papersift build` rewrites it); never the source of truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    pub date: Date,
    pub status: DayStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    pub selected: usize,
    /// Selected papers listed here first (a paper listed again is found on its first day).
    pub first_listed: usize,
    /// The record file's size when summarised: a record changed since is summarised again.
    pub bytes: u64,
    /// The day's topic ids in page order ([`DayRecord::topics`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topic_order: Vec<String>,
    /// Each topic the day's papers name (first listings only), in page order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<TopicTally>,
}

/// How many of a day's papers a topic lists, and the label the day gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicTally {
    pub id: String,
    pub label: String,
    pub papers: usize,
}

/// Name of a month's summary file, `data/YYYY/MM/index.json`.
pub const INDEX_FILE: &str = "index.json";

/// Version of the summary format; a file of another version is summarised again.
const INDEX_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct MonthIndex {
    index_version: u32,
    days: Vec<DaySummary>,
}

/// What the summary files say and what the record files are: a record whose size differs
/// from its summary's, or that has none, is summarised again by the caller.
#[derive(Debug, Default)]
pub struct IndexState {
    /// Every summary the index files hold (some may be out of date, or of deleted records).
    pub stored: std::collections::BTreeMap<Date, DaySummary>,
    /// Every record file's size, by date.
    pub sizes: std::collections::BTreeMap<Date, u64>,
}

/// Reads every month's summary file and the record files' names and sizes (a directory
/// listing and a `stat` per record: no record is parsed).
pub fn read_index(data_dir: &Path) -> Result<IndexState> {
    let mut state = IndexState::default();
    for year in sorted_entries(data_dir, |name| name.len() == 4)? {
        for month in sorted_entries(&year, |name| name.len() == 2)? {
            state
                .stored
                .extend(read_month_index(&month.join(INDEX_FILE)));
            for day in sorted_entries(&month, |name| name.len() == 7 && name.ends_with(".json"))? {
                let Some(date) = date_of_record_path(&day) else {
                    continue;
                };
                let bytes = std::fs::metadata(&day)
                    .with_context(|| format!("cannot read {}", day.display()))?
                    .len();
                state.sizes.insert(date, bytes);
            }
        }
    }
    Ok(state)
}

/// The summaries of a month's index file; none when it is missing, unreadable or of another
/// version (every record of the month is then summarised again).
fn read_month_index(path: &Path) -> std::collections::BTreeMap<Date, DaySummary> {
    let parsed = std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<MonthIndex>(&bytes).ok())
        .filter(|index| index.index_version == INDEX_VERSION);
    parsed
        .map(|index| index.days.into_iter().map(|d| (d.date, d)).collect())
        .unwrap_or_default()
}

/// `data/2026/03/13.json` → 2026-03-13.
fn date_of_record_path(path: &Path) -> Option<Date> {
    let name = |p: Option<&Path>| p?.file_name()?.to_str().map(str::to_string);
    let day = name(Some(path))?;
    let month = name(path.parent())?;
    let year = name(path.parent().and_then(Path::parent))?;
    format!("{year}-{month}-{}", day.get(..2)?).parse().ok()
}

/// Writes each month's summary file (only those whose content changes) and removes the files
/// of months without records.
///
/// With `only` given, just the months of those dates are written (or removed): a run that
/// changed one day reads and writes one month's file, not the archive's.
pub fn write_index(
    data_dir: &Path,
    summaries: &std::collections::BTreeMap<Date, DaySummary>,
    only: Option<&std::collections::BTreeSet<Date>>,
) -> Result<()> {
    let folder_of = |date: Date| {
        data_dir
            .join(format!("{:04}", date.year()))
            .join(format!("{:02}", date.month()))
    };
    let wanted: Option<std::collections::BTreeSet<PathBuf>> =
        only.map(|dates| dates.iter().map(|&d| folder_of(d)).collect());
    let is_wanted = |folder: &PathBuf| wanted.as_ref().is_none_or(|w| w.contains(folder));
    let mut months: std::collections::BTreeMap<PathBuf, Vec<DaySummary>> = Default::default();
    for summary in summaries.values() {
        let folder = folder_of(summary.date);
        if is_wanted(&folder) {
            months.entry(folder).or_default().push(summary.clone());
        }
    }
    for year in sorted_entries(data_dir, |name| name.len() == 4)? {
        for month in sorted_entries(&year, |name| name.len() == 2)? {
            let stale = month.join(INDEX_FILE);
            if is_wanted(&month) && !months.contains_key(&month) && stale.is_file() {
                std::fs::remove_file(&stale)
                    .with_context(|| format!("cannot remove {}", stale.display()))?;
            }
        }
    }
    for (folder, days) in months {
        let index = MonthIndex {
            index_version: INDEX_VERSION,
            days,
        };
        let bytes = to_json_lines(&index).context("cannot serialise the day summaries")?;
        crate::files::write_atomic(&folder.join(INDEX_FILE), &bytes)?;
    }
    Ok(())
}

/// Children of `dir` whose names are ASCII digits (plus the accepted suffix), sorted.
fn sorted_entries(dir: &Path, accept: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    crate::files::sorted_children(dir, |name| {
        let stem = name.trim_end_matches(".json");
        accept(name) && stem.chars().all(|c| c.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_path_is_year_month_day() {
        let date: Date = "2026-08-13".parse().unwrap();
        assert_eq!(
            record_path(Path::new("data"), date),
            Path::new("data/2026/08/13.json")
        );
    }

    #[test]
    fn windowed_loads_and_first_date_read_only_what_they_need() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(first_date(dir.path()).unwrap(), None);
        for day in ["2026-08-10", "2026-08-12", "2026-09-01"] {
            let mut record: DayRecord = serde_json::from_str(MINIMAL_RECORD).unwrap();
            record.date = day.parse().unwrap();
            save(dir.path(), &record).unwrap();
        }
        assert_eq!(
            first_date(dir.path()).unwrap(),
            Some("2026-08-10".parse().unwrap())
        );
        let dates: Vec<String> = load_between(
            dir.path(),
            "2026-08-11".parse().unwrap(),
            "2026-09-01".parse().unwrap(),
        )
        .unwrap()
        .iter()
        .map(|r| r.date.to_string())
        .collect();
        assert_eq!(dates, ["2026-08-12"]);
    }

    #[test]
    fn an_imported_failure_waits_for_the_user_not_for_catch_up() {
        let mut record: DayRecord = serde_json::from_str(MINIMAL_RECORD).unwrap();
        record.status = DayStatus::LlmFailed;
        assert!(record.awaits_catch_up());
        record.source.kind = SourceKind::Import;
        assert!(!record.awaits_catch_up());
        assert!(
            record.status.is_failure(),
            "still a failure on the status page"
        );
    }

    #[test]
    fn the_old_import_note_is_dropped_on_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut record: DayRecord = serde_json::from_str(MINIMAL_RECORD).unwrap();
        record.source.kind = SourceKind::Import;
        record.status_reason = Some(OLD_IMPORT_NOTE.into());
        save(dir.path(), &record).unwrap();
        let read = load(dir.path(), record.date).unwrap().unwrap();
        assert_eq!(read.status_reason, None);
        record.status_reason = Some("imported: something else".into());
        save(dir.path(), &record).unwrap();
        let read = load(dir.path(), record.date).unwrap().unwrap();
        assert_eq!(read.status_reason, record.status_reason);
    }

    #[test]
    fn filtered_rows_carry_the_profile_fifth_and_schema_2_rows_still_read() {
        let mut record: DayRecord = serde_json::from_str(MINIMAL_RECORD).unwrap();
        let row = |id: &str, profile: Option<f32>, reason: &str| {
            let mut paper = PaperRecord::filtered_row(id.into(), 1, None);
            paper.profile = profile;
            paper.reason = Some(reason.into());
            paper
        };
        record.papers = vec![
            row("2601.00001", Some(0.125), "below thresholds"),
            row("2601.00002", Some(0.5), "title filter"),
            row("2601.00003", None, "title filter"),
            row("2601.00004", None, "below thresholds"),
        ];
        let text = String::from_utf8(to_json_lines(&record).unwrap()).unwrap();
        for line in [
            "[\"2601.00001\",1,null,null,0.125]",
            "[\"2601.00002\",1,null,null,0.5,\"title filter\"]",
            "[\"2601.00003\",1,null,null,null,\"title filter\"]",
            "[\"2601.00004\",1,null,null]",
        ] {
            assert!(text.contains(line), "{line} not in {text}");
        }
        let read: DayRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(read.papers, record.papers);
        // A schema-2 row: the fifth element is the reason.
        let mut old: serde_json::Value = serde_json::from_str(MINIMAL_RECORD).unwrap();
        old["papers"] = serde_json::json!([["2601.00005", 1, 2, 3, "title filter"]]);
        let read: DayRecord = serde_json::from_value(old).unwrap();
        assert_eq!(read.papers[0].reason.as_deref(), Some("title filter"));
        assert_eq!(read.papers[0].profile, None);
    }

    #[test]
    fn a_version_1_record_reads_and_is_saved_with_filtered_papers_as_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut old: serde_json::Value = serde_json::from_str(MINIMAL_RECORD).unwrap();
        old["papers"] = serde_json::json!([
            {"id": "2601.00001", "version": 2, "title": "Kept", "decision": "selected",
             "scores": {"relevance": 9, "novelty": 7, "comment": "Fits."},
             "abstract": "An abstract."},
            {"id": "2601.00002", "version": 1, "title": "Dropped", "decision": "filtered",
             "reason": "below thresholds (relevance 3 < 7 or novelty 5 < 5)",
             "scores": {"relevance": 3, "novelty": 5, "comment": "Off topic."}},
            {"id": "2601.00003", "version": 1, "title": "Excluded", "decision": "filtered",
             "reason": "excluded by keyword rule \"medical imaging\""}
        ]);
        let path = record_path(dir.path(), "2026-01-01".parse().unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_vec_pretty(&old).unwrap()).unwrap();
        let read = load(dir.path(), "2026-01-01".parse().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(read.papers.len(), 3);
        assert_eq!(
            read.papers[1].title, "Dropped",
            "version 1 objects read whole"
        );

        save(dir.path(), &read).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\n    [\"2601.00002\",1,3,5]"), "{text}");
        assert!(
            text.contains(
                "[\"2601.00003\",1,null,null,null,\"excluded by keyword rule \\\"medical imaging\\\"\"]"
            ),
            "{text}"
        );
        let paper_lines = text
            .lines()
            .filter(|l| l.starts_with("    {\"id\""))
            .count();
        assert_eq!(paper_lines, 1, "one line per paper: {text}");
        assert!(
            text.contains("\n  \"counts\": {\n"),
            "the header stays indented"
        );

        let again = load(dir.path(), read.date).unwrap().unwrap();
        assert_eq!(
            again.papers[0], read.papers[0],
            "selected papers keep everything"
        );
        let filtered = &again.papers[1];
        assert_eq!(filtered.decision, Decision::Filtered);
        assert_eq!((filtered.id.as_str(), filtered.version), ("2601.00002", 1));
        assert_eq!(filtered.reason.as_deref(), Some("below thresholds"));
        let scores = filtered.scores.as_ref().unwrap();
        assert_eq!((scores.relevance, scores.novelty), (3, 5));
        assert_eq!(again.papers[2].scores, None);
        assert_eq!(
            again.papers[2].reason.as_deref(),
            Some("excluded by keyword rule \"medical imaging\"")
        );
        let mut counts = Counts::default();
        counts.tally_decisions(&again.papers);
        assert_eq!((counts.selected, counts.filtered), (1, Some(2)));
    }

    #[test]
    fn the_index_notices_new_changed_and_removed_records() {
        let dir = tempfile::tempdir().unwrap();
        let mut record: DayRecord = serde_json::from_str(MINIMAL_RECORD).unwrap();
        save(dir.path(), &record).unwrap();
        let state = read_index(dir.path()).unwrap();
        assert!(state.stored.is_empty());
        let bytes = state.sizes[&record.date];
        let summary = DaySummary {
            date: record.date,
            status: record.status,
            status_reason: None,
            selected: 0,
            first_listed: 0,
            bytes,
            topic_order: Vec::new(),
            topics: Vec::new(),
        };
        let summaries = std::iter::once((record.date, summary.clone())).collect();
        write_index(dir.path(), &summaries, None).unwrap();
        let state = read_index(dir.path()).unwrap();
        assert_eq!(state.stored[&record.date], summary);
        assert_eq!(state.sizes[&record.date], bytes);
        record.status_reason = Some("changed".into());
        save(dir.path(), &record).unwrap();
        let state = read_index(dir.path()).unwrap();
        assert_ne!(state.sizes[&record.date], state.stored[&record.date].bytes);
        // Told which days changed, only their months' files are written.
        let january = dir.path().join("2026/01").join(INDEX_FILE);
        std::fs::write(&january, "left as it is").unwrap();
        let mut february = summary.clone();
        february.date = "2026-02-02".parse().unwrap();
        let both = [(summary.date, summary), (february.date, february.clone())].into();
        let only = std::iter::once(february.date).collect();
        write_index(dir.path(), &both, Some(&only)).unwrap();
        assert_eq!(std::fs::read_to_string(&january).unwrap(), "left as it is");
        assert!(dir.path().join("2026/02").join(INDEX_FILE).is_file());
        std::fs::remove_file(record_path(dir.path(), record.date)).unwrap();
        write_index(dir.path(), &Default::default(), None).unwrap();
        assert!(!dir.path().join("2026/01").join(INDEX_FILE).exists());
    }

    const MINIMAL_RECORD: &str = r#"{"schema_version": 1, "date": "2026-01-01", "categories": [],
        "source": {"kind": "rss", "origin": []}, "status": "ok", "counts": {"new": 0, "cross": 0,
        "replace": 0, "replace_cross": 0, "skipped_announce_type": 0, "duplicates": 0,
        "already_seen": 0, "selected": 0, "unscored": 0}, "usage": {"scorer": "keywords",
        "calls": 0, "prompt_tokens": 0, "cached_prompt_tokens": 0, "completion_tokens": 0,
        "cost_usd": 0.0}, "papers": []}"#;
}

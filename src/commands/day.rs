//! One day through the stages: select → score → record, for a feed (`run`), a day rebuilt from
//! the arXiv API (`backfill`, catch-up) or a failed day scored again (catch-up).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use jiff::ToSpan;
use jiff::civil::Date;

use super::report::DayReport;
use crate::calendar::{self, Calendar};
use crate::config::Config;
use crate::fetch::FeedDay;
use crate::fetch::api;
use crate::fetch::s2::{self, S2Papers};
use crate::paper::Paper;
use crate::record::{
    self, Counts, DayRecord, DayStatus, PromptSnapshot, SCHEMA_VERSION, Source, SourceKind,
};
use crate::score::{self, Scorer, Scoring, prompt::Prompts};
use crate::select;

/// The status of `date`'s record when it is recorded and not failed: such a day is never
/// fetched, scored or overwritten again.
pub(crate) fn recorded_fine(data_dir: &Path, date: Date) -> Result<Option<&'static str>> {
    Ok(record::load(data_dir, date)?
        .filter(|existing| !existing.status.is_failure())
        .map(|existing| existing.status.as_str()))
}

/// Runs select → score → record for one parsed feed. An empty feed writes nothing (or a
/// `no-announcement` record on a weekday arXiv skipped); a day already recorded fine is a
/// no-op; a re-served old feed is recorded as `stale-feed` with no page.
pub async fn process_feed(
    config: &Config,
    calendar: &Calendar,
    feed: &FeedDay,
    scoring: &Scoring,
) -> Result<DayReport> {
    let date = feed.date;
    let data_dir = config.data_dir();
    if let Some(status) = recorded_fine(&data_dir, date)? {
        return Ok(DayReport::note(
            Some(date),
            format!("{date}: already recorded (status {status}); nothing to do"),
        ));
    }
    let source = Source {
        kind: SourceKind::Rss,
        origin: vec![feed.origin.clone()],
        backfilled_on: None,
    };
    if feed.items.is_empty() {
        if !calendar.is_page_date(date) {
            return Ok(DayReport::note(
                Some(date),
                format!(
                    "{date}: the feed has no papers (arXiv does not announce on weekends and holidays); nothing written"
                ),
            ));
        }
        let reason =
            "arXiv announced no papers for this weekday (an unlisted holiday?)".to_string();
        save_without_papers(
            config,
            date,
            source,
            DayStatus::NoAnnouncement,
            &reason,
            Counts::default(),
        )?;
        return Ok(DayReport {
            date: Some(date),
            status: Some(DayStatus::NoAnnouncement),
            summary: format!("{date}: no-announcement — {reason}; no page written"),
        });
    }
    let seen = seen_ids(&data_dir, date, config.arxiv.seen_lookback_days)?;
    let (s2_papers, s2_note) = semantic_scholar(config, &feed.items, &seen).await;
    let selection = select::select(&feed.items, config, &seen, &s2_papers);
    if select::is_stale(&selection.counts, config.arxiv.stale_fraction) {
        let reason = format!(
            "{} of {} papers in the feed were recorded on earlier days: arXiv re-served an old announcement",
            selection.counts.already_seen,
            selection.counts.already_seen + selection.counts.scanned.unwrap_or(0)
        );
        save_without_papers(
            config,
            date,
            source,
            DayStatus::StaleFeed,
            &reason,
            selection.counts,
        )?;
        return Ok(DayReport {
            date: Some(date),
            status: Some(DayStatus::StaleFeed),
            summary: format!("{date}: stale-feed, no page written: {reason}"),
        });
    }
    Ok(score_and_record(
        config,
        date,
        source,
        (&feed.items, selection),
        scoring,
        None,
    )
    .await?
    .with_note(s2_note))
}

/// Semantic Scholar data for the papers `select` will scan, when the config asks for it, with a
/// sentence for the summary. A failed lookup leaves name matching only; it never fails the day.
async fn semantic_scholar(
    config: &Config,
    items: &[Paper],
    seen: &HashSet<String>,
) -> (S2Papers, Option<String>) {
    if !s2::lookup_wanted(&config.authors) {
        return (S2Papers::new(), None);
    }
    let ids = select::scanned_ids(items, config, seen);
    let today = crate::calendar::new_york_date(jiff::Timestamp::now());
    match s2::S2Client::from_config(&config.authors) {
        Ok(client) => {
            let cache = s2::S2Cache::in_data_dir(&config.data_dir());
            let resolved = s2::resolve(&client, &cache, &ids, today).await;
            (resolved.papers, Some(resolved.note))
        }
        Err(error) => {
            tracing::warn!(
                "Semantic Scholar is not usable; followed authors are matched by name only: {error:#}"
            );
            let note = format!(
                "Semantic Scholar not used ({error:#}): followed authors matched by name only"
            );
            (S2Papers::new(), Some(note))
        }
    }
}

fn save_without_papers(
    config: &Config,
    date: Date,
    source: Source,
    status: DayStatus,
    reason: &str,
    counts: Counts,
) -> Result<PathBuf> {
    record::save(
        &config.data_dir(),
        &DayRecord {
            schema_version: SCHEMA_VERSION,
            date,
            categories: config.arxiv.categories.clone(),
            source,
            status,
            status_reason: Some(reason.to_string()),
            counts,
            usage: Default::default(),
            prompt_id: None,
            topics: Vec::new(),
            tldr: None,
            papers: Vec::new(),
            also_like: Vec::new(),
            cascade: None,
            embeddings: None,
        },
    )
}

/// Adds TL;DRs (`[tldr]`) to the selected `papers`; the day's account of them, when enabled.
async fn write_tldrs(
    config: &Config,
    scorer: &Scorer,
    candidates: &[select::Candidate],
    papers: &mut [record::PaperRecord],
    scoring: &record::Usage,
) -> Option<record::TldrRecord> {
    let selected: HashSet<&str> = papers
        .iter()
        .filter(|p| p.decision == record::Decision::Selected)
        .map(|p| p.id.as_str())
        .collect();
    let chosen: Vec<&Paper> = candidates
        .iter()
        .map(|c| &c.paper)
        .filter(|p| selected.contains(p.id.as_str()))
        .collect();
    let outcome = scorer.tldrs(config, &chosen, scoring).await?;
    for paper in papers.iter_mut() {
        if let Some(text) = outcome.texts.get(&paper.id) {
            paper.tldr = Some(text.clone());
        }
    }
    Some(outcome.record)
}

/// Scores a day's selection and saves its record, and the text of the papers it filtered into
/// the scanned-text store. A backfilled source turns `ok` into `backfilled`; failures keep their
/// own status. `scanned` pairs the day's papers with their selection.
async fn score_and_record(
    config: &Config,
    date: Date,
    source: Source,
    scanned: (&[Paper], select::Selection),
    scoring: &Scoring,
    incomplete: Option<String>,
) -> Result<DayReport> {
    let scorer = &scoring.scorer;
    let (items, selection) = scanned;
    tracing::info!(%date, candidates = selection.candidates.len(), scorer = %scoring.describe(config), "scoring");
    let (day_scores, embeddings) = scoring.day_scores_embedded(items, config).await;
    let spent_before = embeddings
        .as_ref()
        .and_then(|e| e.usage.cost_usd)
        .unwrap_or(0.0);
    let (outcome, cascade) = scoring
        .score_day(config, &selection.candidates, &day_scores, spent_before)
        .await;
    let mut status = scored_status(&outcome, &source);
    // A day whose papers may be short is never complete, however well it scored.
    if incomplete.is_some() && !status.is_failure() {
        status = DayStatus::Partial;
    }
    // Read once: the topics assign each paper's topics, the whole is the day's snapshot.
    let prompts = Prompts::load(&config.prompts_dir())?;
    let catalog = prompts.topic_catalog();
    let mut papers = score::decide(
        &selection.candidates,
        &outcome.verdicts,
        &config.selection,
        &catalog,
    );
    let tldr = if status.has_page() {
        write_tldrs(
            config,
            scorer,
            &selection.candidates,
            &mut papers,
            &outcome.usage,
        )
        .await
    } else {
        None
    };
    if let Scorer::Llm(_) = scorer {
        mark_read_alone(&mut papers, &selection.candidates);
    }
    papers.extend(selection.excluded);
    apply_profile(&mut papers, &day_scores);
    let also_like = also_like(config, scoring, &papers, items);
    let mut counts = selection.counts;
    counts.tally_decisions(&papers);
    let data_dir = config.data_dir();
    let examples = match scorer {
        Scorer::Llm(_) => score::label_examples(config, &prompts),
        Scorer::Keywords(_) => String::new(),
    };
    let snapshot = PromptSnapshot {
        examples,
        ..prompt_snapshot(prompts, scorer)
    };
    let prompt_id = Some(record::save_prompt_snapshot(&data_dir, &snapshot)?);
    let day = DayRecord {
        schema_version: SCHEMA_VERSION,
        date,
        categories: config.arxiv.categories.clone(),
        source,
        status,
        status_reason: match (incomplete, status_reason(status, &outcome, &counts)) {
            (Some(short), Some(scoring)) => Some(format!("{short}; {scoring}")),
            (short, scoring) => short.or(scoring),
        },
        counts,
        usage: outcome.usage,
        prompt_id,
        topics: catalog.labels(),
        tldr,
        papers,
        also_like,
        cascade,
        embeddings,
    };
    let path = record::save(&data_dir, &day)?;
    save_scanned_texts(config, &day, items)?;
    let mut summary = format!(
        "{date}: {} — {} feed items, {} scanned, {} selected, {} unscored ({}); wrote {}",
        status.as_str(),
        record::count_text(day.counts.feed_items),
        record::count_text(day.counts.scanned),
        day.counts.selected,
        day.counts.unscored,
        scoring.describe(config),
        path.display()
    );
    summary.push_str(&format!("; {}", scoring.describe_profile()));
    if let Some(cascade) = &day.cascade {
        summary.push_str(&format!("; {}", cascade.describe()));
    }
    if let Some(embeddings) = &day.embeddings {
        summary.push_str(&format!(
            "; embeddings: {} papers sent, {} from the cache{}",
            embeddings.embedded,
            embeddings.cached,
            embeddings
                .warning
                .as_deref()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default()
        ));
    }
    if !status.has_page() {
        summary.push_str("; no page published");
    }
    if let Some(reason) = &day.status_reason {
        summary.push_str(&format!(". {reason}"));
    }
    Ok(DayReport {
        date: Some(date),
        status: Some(status),
        summary,
    })
}

/// Notes on each paper the page shows (selected or unscored) that the LLM read in a call of its
/// own what in its text made it do so. Filtered papers are not shown, so not checked again.
fn mark_read_alone(papers: &mut [record::PaperRecord], candidates: &[select::Candidate]) {
    let by_id: std::collections::HashMap<&str, &Paper> = candidates
        .iter()
        .map(|c| (c.paper.id.as_str(), &c.paper))
        .collect();
    for paper in papers
        .iter_mut()
        .filter(|p| p.decision != record::Decision::Filtered)
    {
        if let Some(signal) = by_id
            .get(paper.id.as_str())
            .and_then(|p| score::prompt::instruction_signal(p))
        {
            paper.read_alone = Some(signal.to_string());
        }
    }
}

/// Gives each of the day's papers its profile score, kept to three decimals (none without a
/// profile).
fn apply_profile(papers: &mut [record::PaperRecord], day_scores: &score::profile::DayScores) {
    for paper in papers.iter_mut() {
        if let Some(score) = day_scores.get(&paper.id) {
            paper.profile = Some(score::profile::cascade::recorded(*score));
        }
    }
}

/// "You may also like": the papers among the profile's own best `profile.select` of the day
/// that the day left out (filtered), best first, each with the wanted paper it is most like.
/// Only with a profile of the reader's own labels.
fn also_like(
    config: &Config,
    scoring: &Scoring,
    papers: &[record::PaperRecord],
    items: &[Paper],
) -> Vec<record::AlsoLike> {
    let Some(profile) = scoring.readers_profile(config) else {
        return Vec::new();
    };
    let by_id: HashMap<&str, &Paper> = items.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut scores: Vec<f32> = papers.iter().filter_map(|p| p.profile).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    let Some(&cut) = scores.get(config.profile.select.min(scores.len()).saturating_sub(1)) else {
        return Vec::new();
    };
    let mut left_out: Vec<(&record::PaperRecord, f32)> = papers
        .iter()
        .filter(|p| p.decision == record::Decision::Filtered)
        .filter_map(|p| p.profile.map(|score| (p, score)))
        .filter(|(_, score)| *score >= cut)
        .collect();
    left_out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    left_out
        .into_iter()
        .take(config.profile.also_like)
        .filter_map(|(paper, score)| {
            let text = by_id.get(paper.id.as_str())?;
            let like = profile
                .nearest_wanted(&text.title, &text.abstract_text, &text.authors)
                .map(|(near, _)| record::LikePaper {
                    id: near.id.clone(),
                    title: near.title.clone(),
                });
            Some(record::AlsoLike {
                id: paper.id.clone(),
                title: text.title.clone(),
                authors: text.authors.clone(),
                profile: score,
                like,
            })
        })
        .collect()
}

/// Keeps the text of the day's filtered papers in `data/scanned/`, beside any the store holds
/// for the day already (a failed day scored again adds the papers it filters now). The texts
/// of labelled papers in a day about to be pruned are kept first, here; compressing and
/// writing the day's file (the costly part) runs on another thread while the pages are
/// rendered: [`wait_for_scanned_writes`] ends it.
fn save_scanned_texts(config: &Config, day: &DayRecord, items: &[Paper]) -> Result<()> {
    let data_dir = config.data_dir();
    let by_id: HashMap<&str, &Paper> = items.iter().map(|p| (p.id.as_str(), p)).collect();
    let new = record::scanned::filtered_texts(day, &by_id, config.llm.abstract_chars);
    // An earlier write of the same day (a failed day scored again in this run) lands first.
    wait_for_scanned_writes()?;
    let mut texts = record::scanned::load_day(&data_dir, day.date).unwrap_or_else(|error| {
        tracing::warn!("{error:#}; writing the day's file anew");
        Vec::new()
    });
    texts.retain(|old| !new.iter().any(|text| text.id == old.id));
    texts.extend(new);
    if texts.is_empty() {
        return Ok(());
    }
    // A labelled paper's text outlives the store's window: rescued before its day goes.
    let keep = config.labels.scanned_days;
    let mut doomed = Vec::new();
    for date in record::scanned::to_prune(&data_dir, day.date, keep)? {
        match record::scanned::load_day(&data_dir, date) {
            Ok(day_texts) => doomed.extend(day_texts),
            Err(error) => tracing::warn!("{error:#}"),
        }
    }
    if !doomed.is_empty() {
        let kept = record::labels::rescue_texts(&data_dir, doomed)?;
        if kept > 0 {
            tracing::info!(
                kept,
                "kept the texts of labelled papers before pruning their days"
            );
        }
    }
    let date = day.date;
    let writer = std::thread::spawn(move || -> Result<()> {
        let removed = record::scanned::save_day(&data_dir, date, &texts, keep)?;
        if !removed.is_empty() {
            tracing::info!(days = ?removed, "pruned the scanned-text store");
        }
        Ok(())
    });
    SCANNED_WRITES
        .lock()
        .map_err(|_| anyhow::anyhow!("a scanned-text store write panicked"))?
        .push(writer);
    Ok(())
}

/// Writes of the scanned-text store still running (see [`save_scanned_texts`]).
static SCANNED_WRITES: std::sync::Mutex<Vec<std::thread::JoinHandle<Result<()>>>> =
    std::sync::Mutex::new(Vec::new());

/// Waits for the scanned-text store's writes of this process, and returns the first error.
/// Every command that records days calls it before it ends.
pub(crate) fn wait_for_scanned_writes() -> Result<()> {
    let writers: Vec<_> = SCANNED_WRITES
        .lock()
        .map_err(|_| anyhow::anyhow!("a scanned-text store write panicked"))?
        .drain(..)
        .collect();
    let mut first_error = None;
    for writer in writers {
        let outcome = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("writing the scanned-text store panicked")));
        if let Err(error) = outcome {
            first_error.get_or_insert(error);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// The status of a scored day: the scorer's verdict, with `ok` shown as `backfilled` for a
/// day rebuilt from the arXiv API.
fn scored_status(outcome: &score::ScoreOutcome, source: &Source) -> DayStatus {
    match score::day_status(outcome) {
        DayStatus::Ok if source.backfilled_on.is_some() => DayStatus::Backfilled,
        status => status,
    }
}

fn status_reason(
    status: DayStatus,
    outcome: &score::ScoreOutcome,
    counts: &Counts,
) -> Option<String> {
    match status {
        DayStatus::LlmFailed => Some(format!(
            "LLM scoring failed, so no page was published: {}",
            outcome.failure.as_deref().unwrap_or("every call failed")
        )),
        DayStatus::Partial => Some(format!(
            "{} of {} papers could not be scored; they are listed as not scored",
            counts.unscored,
            record::count_text(counts.scanned)
        )),
        DayStatus::BudgetStopped => Some(format!(
            "the cost cap (llm.max_cost_usd) stopped scoring; {} papers were not scored",
            counts.unscored
        )),
        _ => None,
    }
}

/// The prompts (and keyword phrases) this run scores with, for the page's appendix.
fn prompt_snapshot(prompts: Prompts, scorer: &Scorer) -> PromptSnapshot {
    PromptSnapshot {
        system: prompts.system,
        topics: prompts.topics,
        criteria: prompts.criteria,
        output_format: prompts.output_format,
        keyword_phrases: match scorer {
            Scorer::Keywords(keywords) => keywords.phrases().to_vec(),
            Scorer::Llm(_) => Vec::new(),
        },
        examples: String::new(),
    }
}

/// IDs of papers recorded on days within `lookback_days` before `date` (failed days excluded:
/// their papers were never really looked at).
pub(crate) fn seen_ids(data_dir: &Path, date: Date, lookback_days: u32) -> Result<HashSet<String>> {
    let earliest = date
        .checked_sub(i64::from(lookback_days).days())
        .unwrap_or(Date::MIN);
    Ok(record::load_between(data_dir, earliest, date)?
        .iter()
        .filter(|r| !r.status.is_failure())
        .flat_map(|r| r.papers.iter().map(|p| p.id.clone()))
        .collect())
}

/// Weekdays recorded as `no-announcement` count as holidays, so the next page's submission
/// window covers them.
pub(crate) fn calendar_with_seen_holidays(calendar: &Calendar, records: &[DayRecord]) -> Calendar {
    calendar.with_holidays(
        records
            .iter()
            .filter(|r| r.status == DayStatus::NoAnnouncement)
            .map(|r| r.date),
    )
}

pub(crate) fn api_client(config: &Config) -> Result<reqwest::Client> {
    crate::http::client(Duration::from_secs(config.arxiv.timeout_secs))
}

/// Heals one day: a failed day that kept its papers is scored again; otherwise the day is
/// backfilled from the arXiv API.
pub(crate) async fn heal_day(
    config: &Config,
    calendar: &Calendar,
    scoring: &Scoring,
    client: &reqwest::Client,
    date: Date,
    existing: Option<&DayRecord>,
) -> Result<DayReport> {
    match existing {
        Some(day) if day.status.is_failure() && day.unscored().next().is_some() => {
            rescore_day(config, scoring, day).await
        }
        _ => backfill_day(config, calendar, scoring, client, date).await,
    }
}

/// Scores the unscored papers of a failed day again, keeping every decision already made.
async fn rescore_day(config: &Config, scoring: &Scoring, day: &DayRecord) -> Result<DayReport> {
    let date = day.date;
    let papers = day.unscored_papers();
    // The papers left unscored already passed the day's author and h-index rules when it was
    // first selected, so no Semantic Scholar lookup is made again.
    let selection = select::select(&papers, config, &HashSet::new(), &S2Papers::new());
    let day_scores = scoring.day_scores(&papers, config);
    let outcome = scoring
        .score(config, &selection.candidates, &day_scores)
        .await;
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
    let catalog = Prompts::load(&config.prompts_dir())?.topic_catalog();
    healed.papers.extend(score::decide(
        &selection.candidates,
        &outcome.verdicts,
        &config.selection,
        &catalog,
    ));
    if healed.topics.is_empty() {
        healed.topics = catalog.labels();
    }
    healed.papers.extend(selection.excluded);
    apply_profile(&mut healed.papers, &day_scores);
    score::rank(&mut healed.papers, &config.selection);
    healed.usage.add(&outcome.usage);
    healed.counts.tally_decisions(&healed.papers);
    healed.status = scored_status(&outcome, &healed.source);
    healed.status_reason = status_reason(healed.status, &outcome, &healed.counts);
    record::save(&config.data_dir(), &healed)?;
    save_scanned_texts(config, &healed, &papers)?;
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
    scoring: &Scoring,
    client: &reqwest::Client,
    date: Date,
) -> Result<DayReport> {
    let window = calendar.submission_window(date)?;
    let categories = &config.arxiv.categories;
    let source = Source {
        kind: SourceKind::Api,
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
        Ok(fetched) => fetched,
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
    let api::WindowFetch { papers, incomplete } = papers;
    if papers.is_empty() && incomplete.is_none() {
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
    Ok(score_and_record(
        config,
        date,
        source,
        (&papers, selection),
        scoring,
        incomplete,
    )
    .await?
    .with_note(s2_note))
}

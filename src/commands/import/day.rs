//! One day of the old tool's archive, from all its files together: the union of the day's
//! papers (the list, the bundle and the spotlight, each paper once), its topics, usage and
//! totals, and whether its LLM ran at all.

use std::collections::HashMap;

use anyhow::Context;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use serde_json::Value;

use crate::record::{
    Counts, DayRecord, DayStatus, PaperTopics, SCHEMA_VERSION, ScorerKind, Source, SourceKind,
    Spotlight, SpotlightKind, TopicLabel, TopicSource, Usage,
};

use super::Problem;
use super::archive::{ArchiveDay, ArchiveFile};
use super::entry::{ArchiveEntries, ImportedPaper, convert_entry, number};

/// `status_reason` of a day on which the old tool's LLM never ran (its quota ran out).
pub(crate) const NO_LLM_CALLS_REASON: &str = "imported: the old tool's LLM made no calls this day";

/// One converted day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ImportedDay {
    pub record: DayRecord,
    /// Author names the old tool had split at a comma inside an affiliation
    /// (`Liu (Univ. A`, `Dept. B)`), re-joined into one name.
    pub rejoined_authors: usize,
}

/// `YYYY-MM-DD-daily-papers.json` (bundle v2), as far as import needs it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Bundle {
    meta: BundleMeta,
    topic_order: Vec<String>,
    diagnostics: Diagnostics,
    papers: ArchiveEntries,
    topic_sections: Vec<TopicSection>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BundleMeta {
    usage: Option<OldUsage>,
}

/// What the old tool recorded of its model's use and the day's totals. Figures are read
/// loosely: numbers, or numeric strings.
#[derive(Deserialize, Default)]
#[serde(default)]
struct OldUsage {
    model: Option<String>,
    prompt_tokens: Option<Value>,
    completion_tokens: Option<Value>,
    prompt_cost: Option<Value>,
    completion_cost: Option<Value>,
    total_arxiv_papers: Option<Value>,
    total_scanned_papers: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Diagnostics {
    topic_counts: Vec<TopicCount>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TopicCount {
    topic_id: String,
    topic_label: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TopicSection {
    topic_id: String,
    topic_label: String,
    paper_ids: Vec<String>,
}

/// `YYYY-MM-DD-hotspot-papers.json`: the day's spotlight papers and their sections.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Hotspot {
    papers: ArchiveEntries,
    sections: Vec<HotspotSection>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HotspotSection {
    kind: String,
    paper_ids: Vec<String>,
}

/// The files of a day that could be read, parsed, each with its path in the archive.
#[derive(Default)]
struct DayFiles {
    list: Option<(String, ArchiveEntries)>,
    bundle: Option<(String, Bundle)>,
    hotspot: Option<(String, Hotspot)>,
}

/// Reads and converts one day. Files and entries that cannot be read are pushed to `problems`
/// and left out; `None` when no file of the day could be read at all.
pub(crate) fn convert_day(
    day: &ArchiveDay,
    categories: &[String],
    problems: &mut Vec<Problem>,
) -> Option<ImportedDay> {
    // `-latest` is a re-rendered `-output` and wins; `-output` stands in when it is unreadable.
    let list = [&day.latest, &day.output]
        .into_iter()
        .flatten()
        .find_map(|file| parse_file(file, problems));
    let files = DayFiles {
        list,
        bundle: day.bundle.as_ref().and_then(|f| parse_file(f, problems)),
        hotspot: day.hotspot.as_ref().and_then(|f| parse_file(f, problems)),
    };
    let nothing_read = files.list.is_none() && files.bundle.is_none() && files.hotspot.is_none();
    (!nothing_read).then(|| merge_day(day.date, files, categories, problems))
}

/// Parses one file; a file that cannot be read or is not of the expected shape is a problem.
fn parse_file<T: for<'de> Deserialize<'de>>(
    file: &ArchiveFile,
    problems: &mut Vec<Problem>,
) -> Option<(String, T)> {
    let parsed = std::fs::read_to_string(&file.path)
        .with_context(|| format!("cannot read {}", file.path.display()))
        .and_then(|text| Ok(serde_json::from_str::<T>(&text)?));
    match parsed {
        Ok(value) => Some((file.relative.clone(), value)),
        Err(error) => {
            problems.push(Problem::file(
                &file.relative,
                &format!("{error:#}; skipped"),
            ));
            None
        }
    }
}

fn merge_day(
    date: Date,
    files: DayFiles,
    categories: &[String],
    problems: &mut Vec<Problem>,
) -> ImportedDay {
    let (list_origin, bundle_origin, hotspot_origin) = (
        files.list.as_ref().map(|(path, _)| path.clone()),
        files.bundle.as_ref().map(|(path, _)| path.clone()),
        files.hotspot.as_ref().map(|(path, _)| path.clone()),
    );
    let read: Vec<String> = [&list_origin, &bundle_origin, &hotspot_origin]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let list = files.list.map(|(_, list)| list).unwrap_or_default();
    let mut bundle = files.bundle.map(|(_, bundle)| bundle).unwrap_or_default();
    let hotspot = files
        .hotspot
        .map(|(_, hotspot)| hotspot)
        .unwrap_or_default();
    let had_usage = bundle.meta.usage.is_some();

    // The union, each paper once, in the order its files list them: the list, the bundle,
    // then the spotlight (which the old tool moved out of the list).
    let mut papers: Vec<ImportedPaper> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut in_hotspot_file = Vec::new();
    let hotspot_path = hotspot_origin.clone().unwrap_or_default();
    let sources = [
        (list, list_origin, false),
        (std::mem::take(&mut bundle.papers), bundle_origin, false),
        (hotspot.papers, hotspot_origin, true),
    ];
    for (entries, origin, spotlight_file) in sources {
        let origin = origin.unwrap_or_default();
        for (key, value) in entries.0 {
            let paper = match convert_entry(&key, value) {
                Ok(paper) => paper,
                Err(error) => {
                    problems.push(Problem::entry(
                        &origin,
                        &key,
                        &format!("{error:#}; skipped"),
                    ));
                    continue;
                }
            };
            let id = paper.record.id.clone();
            let index = match position.get(&id) {
                Some(&index) => {
                    let known = &mut papers[index];
                    if known.topics.is_empty() {
                        known.topics = paper.topics;
                    }
                    if known.spotlight_comment.is_none() {
                        known.spotlight_comment = paper.spotlight_comment;
                    }
                    if known.spotlight_kind.is_none() {
                        known.spotlight_kind = paper.spotlight_kind;
                    }
                    index
                }
                None => {
                    position.insert(id.clone(), papers.len());
                    papers.push(paper);
                    papers.len() - 1
                }
            };
            if spotlight_file {
                in_hotspot_file.push(index);
            }
        }
    }

    mark_spotlight(
        &mut papers,
        &position,
        &hotspot.sections,
        &in_hotspot_file,
        &hotspot_path,
        problems,
    );
    let topics = assign_topics(&mut papers, &position, &bundle);

    let rejoined_authors = papers.iter().map(|p| p.rejoined_authors).sum();
    // The old tool's page order: author matches first, then its display score. Ties keep the
    // files' order, because that is how the old tool broke them (early 2025 files tie on SCORE
    // in an order no field explains).
    papers.sort_by(|a, b| {
        b.author_match
            .cmp(&a.author_match)
            .then_with(|| b.display_score.total_cmp(&a.display_score))
            .then_with(|| b.score.total_cmp(&a.score))
    });
    let papers: Vec<_> = papers.into_iter().map(|p| p.record).collect();

    let old_usage = bundle.meta.usage.unwrap_or_default();
    let figure = |value: &Option<Value>| value.as_ref().and_then(|v| number("", v).ok());
    let count = |value: &Option<Value>| {
        figure(value)
            .filter(|n| *n >= 0.0 && n.fract() == 0.0)
            .map(|n| n as usize)
    };
    let prompt_tokens = figure(&old_usage.prompt_tokens);
    let usage = Usage {
        scorer: ScorerKind::Imported,
        model: old_usage.model.filter(|m| !m.trim().is_empty()),
        prompt_tokens: prompt_tokens.map_or(0, |n| n.max(0.0) as u64),
        completion_tokens: figure(&old_usage.completion_tokens).map_or(0, |n| n.max(0.0) as u64),
        cost_usd: figure(&old_usage.prompt_cost)
            .zip(figure(&old_usage.completion_cost))
            .map(|(prompt, completion)| prompt + completion),
        ..Usage::default()
    };
    let scanned = count(&old_usage.total_scanned_papers);
    let counts = Counts {
        feed_items: count(&old_usage.total_arxiv_papers),
        scanned,
        selected: papers.len(),
        filtered: scanned.map(|n| n.saturating_sub(papers.len())),
        ..Counts::default()
    };
    let llm_never_ran = had_usage && prompt_tokens == Some(0.0) && papers.is_empty();
    let (status, status_reason) = if llm_never_ran {
        (DayStatus::LlmFailed, Some(NO_LLM_CALLS_REASON.to_string()))
    } else {
        (DayStatus::Ok, weekend_note(date))
    };
    let record = DayRecord {
        schema_version: SCHEMA_VERSION,
        date,
        categories: categories.to_vec(),
        source: Source {
            kind: SourceKind::Import,
            origin: read,
            backfilled_on: None,
        },
        status,
        status_reason,
        counts,
        usage,
        prompt_id: None,
        topics,
        tldr: None,
        papers,
        also_like: Vec::new(),
        cascade: None,
        embeddings: None,
    };
    ImportedDay {
        record,
        rejoined_authors,
    }
}

/// The old tool sometimes dated a page on a weekend, when arXiv announces nothing. Such a day
/// is kept as it was, and says so.
fn weekend_note(date: Date) -> Option<String> {
    let day = match date.weekday() {
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
        _ => return None,
    };
    Some(format!(
        "imported: the old tool dated this page on a {day}, when arXiv announces nothing; its papers are most likely those of the announcement before"
    ))
}

/// Marks the spotlight papers, in the old tool's order: its sections first (each paper at its
/// first mention), then any other paper of the spotlight file.
fn mark_spotlight(
    papers: &mut [ImportedPaper],
    position: &HashMap<String, usize>,
    sections: &[HotspotSection],
    in_hotspot_file: &[usize],
    hotspot_path: &str,
    problems: &mut Vec<Problem>,
) {
    let mut rank = 0;
    let mut mark = |paper: &mut ImportedPaper, kind: &str| {
        if paper.record.spotlight.is_some() {
            return;
        }
        rank += 1;
        paper.record.spotlight = Some(Spotlight {
            kind: spotlight_kind(kind),
            rank,
            comment: paper.spotlight_comment.clone(),
        });
    };
    for section in sections {
        for id in &section.paper_ids {
            let id = crate::paper::split_version(id.trim()).0;
            match position.get(&id) {
                Some(&index) => mark(&mut papers[index], &section.kind),
                None => problems.push(Problem::entry(
                    hotspot_path,
                    &id,
                    "is in a spotlight section but no file of the day has its entry; skipped",
                )),
            }
        }
    }
    for &index in in_hotspot_file {
        let kind = papers[index].spotlight_kind.clone().unwrap_or_default();
        mark(&mut papers[index], &kind);
    }
}

fn spotlight_kind(kind: &str) -> SpotlightKind {
    match kind.trim() {
        "new_frontier" => SpotlightKind::NewFrontier,
        _ => SpotlightKind::DailyHot,
    }
}

/// Sets each paper's topics and returns the day's topics in order: the bundle's order first,
/// then any other topic as the papers name it. A paper without topics of its own takes the
/// bundle section that lists it.
fn assign_topics(
    papers: &mut [ImportedPaper],
    position: &HashMap<String, usize>,
    bundle: &Bundle,
) -> Vec<TopicLabel> {
    let mut labels: Vec<TopicLabel> = Vec::new();
    let add = |labels: &mut Vec<TopicLabel>, id: &str, label: &str| {
        if id.is_empty() {
            return;
        }
        match labels.iter_mut().find(|t| t.id == id) {
            Some(known) if known.label == known.id && !label.trim().is_empty() => {
                known.label = label.trim().to_string();
            }
            Some(_) => {}
            None => labels.push(TopicLabel {
                id: id.to_string(),
                label: Some(label.trim())
                    .filter(|l| !l.is_empty())
                    .unwrap_or(id)
                    .to_string(),
            }),
        }
    };
    for id in &bundle.topic_order {
        add(&mut labels, &crate::text::slug(id), "");
    }
    for section in &bundle.topic_sections {
        let id = crate::text::slug(&section.topic_id);
        add(&mut labels, &id, &section.topic_label);
        for paper_id in &section.paper_ids {
            let paper_id = crate::paper::split_version(paper_id.trim()).0;
            if let Some(&index) = position.get(&paper_id)
                && papers[index].topics.is_empty()
                && !id.is_empty()
            {
                papers[index].topics = vec![(id.clone(), section.topic_label.clone())];
            }
        }
    }
    for count in &bundle.diagnostics.topic_counts {
        add(
            &mut labels,
            &crate::text::slug(&count.topic_id),
            &count.topic_label,
        );
    }
    for paper in papers.iter_mut() {
        for (id, label) in &paper.topics {
            add(&mut labels, id, label);
        }
        if let Some(((primary, _), also)) = paper.topics.split_first() {
            paper.record.topics = Some(PaperTopics {
                primary: primary.clone(),
                also: also.iter().map(|(id, _)| id.clone()).collect(),
                source: TopicSource::Imported,
            });
        }
    }
    labels
}

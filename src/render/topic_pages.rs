//! A page and an Atom feed per topic (`topics/<id>/index.html`, `topics/<id>/feed.xml`): the
//! newest papers of the topic across days, each linking to its entry on its day page.

use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;

use crate::record::{DayRecord, PaperRecord};

use super::view::{Link, TopPaper, TopicLink, top_paper, topic_path};
use super::{RecordSource, SiteModel, groups};

/// Papers a topic page and its feed carry: enough for a few weeks of a busy topic, bounded so
/// a page costs the same in year ten as in year one.
pub(crate) const TOPIC_PAPERS: usize = 60;

/// A topic the site lists: its id, the label its newest day gives it, and how many papers its
/// page shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TopicEntry {
    pub id: String,
    pub label: String,
    pub count: usize,
}

/// One topic and its newest papers (newest day first, page order within a day).
pub(crate) struct TopicPapers<'a> {
    pub id: String,
    pub label: String,
    pub papers: Vec<(&'a DayRecord, usize, &'a PaperRecord)>,
}

/// The selected papers of a day listed there first, in page order, with their numbers: a
/// paper listed again is linked where it was first listed.
pub(crate) fn first_listings(record: &DayRecord) -> impl Iterator<Item = &PaperRecord> {
    groups::numbered_papers(record)
        .into_iter()
        .map(|(_, paper)| paper)
        .filter(|paper| paper.listed_before.is_none())
}

/// Every topic a day page names (as a paper's primary or other topic), from the summaries
/// alone: in the order of the newest day's topics, then as met going back in time.
pub(crate) fn catalog(site: &SiteModel<'_>) -> Vec<TopicEntry> {
    let mut entries: Vec<TopicEntry> = Vec::new();
    for summary in site.pages().iter().rev() {
        for tally in &summary.topics {
            match entries.iter_mut().find(|e| e.id == tally.id) {
                Some(entry) => entry.count = (entry.count + tally.papers).min(TOPIC_PAPERS),
                None => entries.push(TopicEntry {
                    id: tally.id.clone(),
                    label: tally.label.clone(),
                    count: tally.papers.min(TOPIC_PAPERS),
                }),
            }
        }
    }
    // The newest day's topic order first (the user's file order), then the rest as met.
    let newest_order: Vec<&str> = site
        .pages()
        .iter()
        .rev()
        .flat_map(|s| s.topic_order.iter().map(String::as_str))
        .collect();
    entries.sort_by_key(|entry| {
        newest_order
            .iter()
            .position(|known| *known == entry.id)
            .unwrap_or(usize::MAX)
    });
    entries
}

/// The records, newest first, that hold a topic's newest [`TOPIC_PAPERS`] papers: found from
/// the summaries, so only those records are read.
pub(crate) fn records_for(
    site: &SiteModel<'_>,
    source: &dyn RecordSource,
    id: &str,
) -> Result<Vec<Arc<DayRecord>>> {
    let mut records = Vec::new();
    let mut papers = 0;
    for summary in site.pages().iter().rev() {
        let Some(tally) = summary.topics.iter().find(|t| t.id == id) else {
            continue;
        };
        records.push(source.record(summary.date)?);
        papers += tally.papers;
        if papers >= TOPIC_PAPERS {
            break;
        }
    }
    Ok(records)
}

/// The topic's newest [`TOPIC_PAPERS`] papers in `records` (newest first).
pub(crate) fn collect<'a>(records: &'a [Arc<DayRecord>], entry: &TopicEntry) -> TopicPapers<'a> {
    let mut papers = Vec::new();
    'days: for record in records {
        for (number, paper) in groups::numbered_papers(record) {
            let listed = paper
                .topics
                .as_ref()
                .filter(|_| paper.listed_before.is_none())
                .is_some_and(|t| t.primary == entry.id || t.also.contains(&entry.id));
            if !listed {
                continue;
            }
            if papers.len() == TOPIC_PAPERS {
                break 'days;
            }
            papers.push((record.as_ref(), number, paper));
        }
    }
    TopicPapers {
        id: entry.id.clone(),
        label: entry.label.clone(),
        papers,
    }
}

/// A topic page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicView {
    pub id: String,
    pub label: String,
    pub title: String,
    pub path: String,
    /// The topic's papers grouped by day, newest first.
    pub days: Vec<TopicDay>,
    pub count: usize,
}

/// The papers of one day on a topic page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicDay {
    pub day: Link,
    pub papers: Vec<TopPaper>,
}

pub(crate) fn topic_view(site_title: &str, topic: &TopicPapers<'_>) -> TopicView {
    let mut days: Vec<TopicDay> = Vec::new();
    for (rank, &(record, number, paper)) in topic.papers.iter().enumerate() {
        let date = record.date;
        let entry = top_paper(rank + 1, record, number, paper);
        match days.last_mut() {
            Some(day) if day.day.label == date.to_string() => day.papers.push(entry),
            _ => days.push(TopicDay {
                day: Link {
                    label: date.to_string(),
                    path: super::day_path(date),
                },
                papers: vec![entry],
            }),
        }
    }
    TopicView {
        id: topic.id.clone(),
        label: topic.label.clone(),
        title: format!("{site_title} — {}", topic.label),
        path: topic_path(&topic.id),
        days,
        count: topic.papers.len(),
    }
}

pub(crate) fn topic_link(entry: &TopicEntry) -> TopicLink {
    TopicLink {
        id: entry.id.clone(),
        label: entry.label.clone(),
        path: topic_path(&entry.id),
        count: entry.count,
    }
}

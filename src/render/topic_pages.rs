//! A page and an Atom feed per topic (`topics/<id>/index.html`, `topics/<id>/feed.xml`): the
//! newest papers of the topic across days, each linking to its entry on its day page.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::record::{DayRecord, PaperRecord};

use super::groups;
use super::view::{Link, TopPaper, top_paper, topic_path};

/// Papers a topic page and its feed carry: enough for a few weeks of a busy topic, bounded so
/// a page costs the same in year ten as in year one.
pub(crate) const TOPIC_PAPERS: usize = 60;

/// One topic and its newest papers (newest day first, page order within a day).
pub(crate) struct TopicPapers<'a> {
    pub id: String,
    /// The label the newest day gives the topic.
    pub label: String,
    pub papers: Vec<(&'a DayRecord, usize, &'a PaperRecord)>,
}

/// Every topic named by a day page (as a paper's primary or other topic), in the order of the
/// newest day's topics and then by id, each with its newest [`TOPIC_PAPERS`] papers.
pub(crate) fn collect<'a>(pages: &[&'a DayRecord]) -> Vec<TopicPapers<'a>> {
    let mut by_id: BTreeMap<String, TopicPapers<'a>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for record in pages.iter().rev() {
        for (number, paper) in groups::numbered_papers(record) {
            // A paper listed again is linked where it was first listed.
            let Some(topics) = paper
                .topics
                .as_ref()
                .filter(|_| paper.listed_before.is_none())
            else {
                continue;
            };
            for id in std::iter::once(&topics.primary).chain(&topics.also) {
                let entry = by_id.entry(id.clone()).or_insert_with(|| {
                    order.push(id.clone());
                    TopicPapers {
                        id: id.clone(),
                        label: groups::topic_label(record, id).to_string(),
                        papers: Vec::new(),
                    }
                });
                if entry.papers.len() < TOPIC_PAPERS
                    && !entry.papers.iter().any(|(_, _, p)| p.id == paper.id)
                {
                    entry.papers.push((record, number, paper));
                }
            }
        }
    }
    // The newest day's topic order first (the user's file order), then the rest as met.
    let newest_order: Vec<&str> = pages
        .iter()
        .rev()
        .flat_map(|r| r.topics.iter().map(|t| t.id.as_str()))
        .collect();
    order.sort_by_key(|id| {
        newest_order
            .iter()
            .position(|known| known == id)
            .unwrap_or(usize::MAX)
    });
    order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .collect()
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

/// A topic in the home page's list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TopicLink {
    pub id: String,
    pub label: String,
    pub path: String,
    pub count: usize,
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

pub(crate) fn topic_link(topic: &TopicPapers<'_>) -> TopicLink {
    TopicLink {
        id: topic.id.clone(),
        label: topic.label.clone(),
        path: topic_path(&topic.id),
        count: topic.papers.len(),
    }
}

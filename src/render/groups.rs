//! A day's selected papers as every output lays them out: followed authors first, then one
//! group per topic in the day's topic order, then papers of no known topic; numbered in that
//! order, so `#link{n}` means the same paper on the page, in feeds, search and top lists.

use crate::record::{DayRecord, Decision, PaperRecord, TopicLabel};

use super::topics::{FOLLOWED_GROUP, OTHER_GROUP};

/// What a group of the day holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupKind {
    /// Papers selected for a followed author.
    Followed,
    /// Papers whose primary topic is this topic.
    Topic,
    /// Papers of no topic the day knows.
    Other,
}

/// One group of a day's papers, ranked as the record ranks them.
#[derive(Debug, Clone)]
pub(crate) struct DayGroup<'a> {
    pub kind: GroupKind,
    /// The topic id (for a topic group).
    pub id: Option<&'a str>,
    pub label: String,
    /// (1-based number on the page, paper).
    pub papers: Vec<(usize, &'a PaperRecord)>,
}

/// True for a paper selected for its author: a followed author matched, or (imported
/// archives) it was selected without scores.
pub(crate) fn is_author_pick(paper: &PaperRecord) -> bool {
    !paper.followed_authors.is_empty()
        || (paper.decision == Decision::Selected && paper.scores.is_none())
}

/// The day's groups. A day without topics (records from before topics were kept) is one
/// group of kind [`GroupKind::Other`] in the record's order, exactly as pages were before.
pub(crate) fn day_groups(record: &DayRecord) -> Vec<DayGroup<'_>> {
    let selected: Vec<&PaperRecord> = record.selected().collect();
    let has_topics = selected.iter().any(|p| p.topics.is_some());
    if !has_topics {
        return vec![DayGroup {
            kind: GroupKind::Other,
            id: None,
            label: String::new(),
            papers: selected
                .into_iter()
                .enumerate()
                .map(|(i, p)| (i + 1, p))
                .collect(),
        }];
    }
    let topic_of = |paper: &PaperRecord| -> Option<usize> {
        let primary = &paper.topics.as_ref()?.primary;
        record.topics.iter().position(|t| &t.id == primary)
    };
    let (followed, rest): (Vec<&PaperRecord>, Vec<&PaperRecord>) =
        selected.iter().partition(|p| is_author_pick(p));
    let mut groups = vec![group(GroupKind::Followed, None, FOLLOWED_GROUP, followed)];
    for (index, topic) in record.topics.iter().enumerate() {
        let papers = rest
            .iter()
            .copied()
            .filter(|p| topic_of(p) == Some(index))
            .collect();
        groups.push(group(GroupKind::Topic, Some(topic), &topic.label, papers));
    }
    let other = rest
        .iter()
        .copied()
        .filter(|p| topic_of(p).is_none())
        .collect();
    groups.push(group(GroupKind::Other, None, OTHER_GROUP, other));
    groups.retain(|g| !g.papers.is_empty());
    let mut number = 0;
    for group in &mut groups {
        for entry in &mut group.papers {
            number += 1;
            entry.0 = number;
        }
    }
    groups
}

fn group<'a>(
    kind: GroupKind,
    topic: Option<&'a TopicLabel>,
    label: &str,
    papers: Vec<&'a PaperRecord>,
) -> DayGroup<'a> {
    DayGroup {
        kind,
        id: topic.map(|t| t.id.as_str()),
        label: label.to_string(),
        papers: papers.into_iter().map(|p| (0, p)).collect(),
    }
}

/// The day's selected papers with their numbers, in page order.
pub(crate) fn numbered_papers(record: &DayRecord) -> Vec<(usize, &PaperRecord)> {
    day_groups(record)
        .into_iter()
        .flat_map(|group| group.papers)
        .collect()
}

/// The label of a topic id on a day; the id itself when the day does not list it.
pub(crate) fn topic_label<'a>(record: &'a DayRecord, id: &'a str) -> &'a str {
    record
        .topics
        .iter()
        .find(|t| t.id == id)
        .map_or(id, |t| t.label.as_str())
}

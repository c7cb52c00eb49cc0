//! One paper entry of the old tool's archive files: read loosely (numbers as numbers or numeric
//! strings, later eras' extra keys tolerated), checked, and turned into a selected
//! [`PaperRecord`].

use std::fmt;

use anyhow::{Result, bail, ensure};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::paper::{AnnounceType, decode_tex, split_version, strip_bidi};
use crate::record::{Decision, PaperRecord, Scores};

use super::AUTHOR_MATCH_REASON;

/// The entries of an archive object in the file's order (a map would sort them by ID), each
/// still unparsed, so one bad entry is skipped without losing the rest of the file.
#[derive(Default)]
pub(super) struct ArchiveEntries(pub Vec<(String, Value)>);

impl<'de> Deserialize<'de> for ArchiveEntries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;

        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = ArchiveEntries;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object mapping arXiv IDs to paper entries")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ArchiveEntries, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(key) = map.next_key::<String>()? {
                    entries.push((key, map.next_value::<Value>()?));
                }
                Ok(ArchiveEntries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// One entry as the old tool wrote it, in any era. Numbers are read loosely (see [`number`]).
#[derive(Deserialize)]
struct RawEntry {
    title: String,
    authors: Vec<String>,
    #[serde(rename = "abstract")]
    abstract_text: String,
    #[serde(rename = "COMMENT", default)]
    comment: Option<String>,
    #[serde(rename = "RELEVANCE", default)]
    relevance: Option<Value>,
    #[serde(rename = "NOVELTY", default)]
    novelty: Option<Value>,
    /// RELEVANCE + NOVELTY, or 20 for author matches; absent in some January 2025 files.
    #[serde(rename = "SCORE", default)]
    score: Option<Value>,
    /// The page order of the fork's later versions, when present.
    #[serde(rename = "READ_SCORE", default)]
    read_score: Option<Value>,
    #[serde(default)]
    arxiv_id: Option<String>,
    #[serde(rename = "ARXIVID", default)]
    arxiv_id_upper: Option<String>,
    /// From 2026: the model's topic for the paper, and every topic it matched.
    #[serde(rename = "PRIMARY_TOPIC_ID", default)]
    primary_topic_id: Option<String>,
    #[serde(rename = "PRIMARY_TOPIC_LABEL", default)]
    primary_topic_label: Option<String>,
    #[serde(rename = "MATCHED_TOPIC_IDS", default)]
    matched_topic_ids: Vec<String>,
    #[serde(rename = "MATCHED_TOPIC_LABELS", default)]
    matched_topic_labels: Vec<String>,
    /// From 2026: the spotlight ("hotspot") the old tool put the paper in, if any.
    #[serde(rename = "HOTSPOT_PAPER_TAGS", default)]
    hotspot_tags: Vec<String>,
    #[serde(rename = "HOTSPOT_PAPER_PRIMARY_KIND", default)]
    hotspot_primary_kind: Option<String>,
    #[serde(rename = "HOTSPOT_PAPER_COMMENT", default)]
    hotspot_comment: Option<String>,
}

/// A converted entry with what the old tool ranked it by and what it said of its topics.
pub(super) struct ImportedPaper {
    pub record: PaperRecord,
    pub author_match: bool,
    pub display_score: f64,
    pub score: f64,
    pub rejoined_authors: usize,
    /// Topic ids with their labels, the primary one first (empty before 2026).
    pub topics: Vec<(String, String)>,
    /// The spotlight kind the entry names itself (`daily_hot`, `new_frontier`), if any.
    pub spotlight_kind: Option<String>,
    pub spotlight_comment: Option<String>,
}

/// Converts the entry stored under `key`. A malformed entry is an error saying what is wrong.
pub(super) fn convert_entry(key: &str, value: Value) -> Result<ImportedPaper> {
    let entry: RawEntry = serde_json::from_value(value)?;
    let key = match key.trim() {
        "" => entry
            .arxiv_id
            .clone()
            .or_else(|| entry.arxiv_id_upper.clone())
            .unwrap_or_default(),
        key => key.to_string(),
    };
    ensure!(!key.trim().is_empty(), "has no arXiv ID");
    convert_raw(&key, entry)
}

/// Topic ids and labels of an entry, the primary one first, each once. Ids are made safe for
/// URLs ([`crate::text::slug`]); a label the entry lacks is its id.
fn entry_topics(entry: &RawEntry) -> Vec<(String, String)> {
    let primary = entry
        .primary_topic_id
        .as_deref()
        .map(|id| (id, entry.primary_topic_label.as_deref()));
    let matched = entry.matched_topic_ids.iter().enumerate().map(|(i, id)| {
        (
            id.as_str(),
            entry.matched_topic_labels.get(i).map(String::as_str),
        )
    });
    let mut topics: Vec<(String, String)> = Vec::new();
    for (id, label) in primary.into_iter().chain(matched) {
        let id = crate::text::slug(id);
        if id.is_empty() || topics.iter().any(|(seen, _)| *seen == id) {
            continue;
        }
        let label = label
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map_or_else(|| id.clone(), str::to_string);
        topics.push((id, label));
    }
    topics
}

fn convert_raw(key: &str, entry: RawEntry) -> Result<ImportedPaper> {
    let (id, key_version) = split_version(key.trim());
    ensure!(is_arxiv_id(&id), "{key:?} is not an arXiv identifier");
    for (field, value) in [
        ("arxiv_id", &entry.arxiv_id),
        ("ARXIVID", &entry.arxiv_id_upper),
    ] {
        if let Some(value) = value
            && split_version(value.trim()).0 != id
        {
            bail!("{field} {value:?} names another paper than the key {key:?}");
        }
    }

    let (announcement, abstract_text) = split_announcement(&entry.abstract_text);
    let (version, announce_type) = match announcement {
        Some(a) if split_version(a.id_with_version).0 == id => {
            (split_version(a.id_with_version).1, a.announce_type)
        }
        Some(a) => bail!(
            "the abstract starts with the announcement of another paper ({})",
            a.id_with_version
        ),
        None => (key_version, None),
    };

    let title = strip_bidi(&decode_tex(&collapse_whitespace(&entry.title)));
    ensure!(!title.is_empty(), "has an empty title");
    let (names, rejoined_authors) = rejoin_split_affiliations(&entry.authors);
    let authors: Vec<String> = names
        .iter()
        .map(|name| strip_bidi(&decode_tex(&collapse_whitespace(name))))
        .filter(|name| !name.is_empty())
        .collect();

    let topics = entry_topics(&entry);
    let comment = entry.comment.as_deref().unwrap_or("").trim().to_string();
    let relevance = entry
        .relevance
        .map(|v| score_1_to_10("RELEVANCE", &v))
        .transpose()?;
    let novelty = entry
        .novelty
        .map(|v| score_1_to_10("NOVELTY", &v))
        .transpose()?;
    let scores = match (relevance, novelty) {
        (Some(relevance), Some(novelty)) => Some(Scores {
            relevance,
            novelty,
            comment: comment.clone(),
        }),
        (None, None) => None,
        _ => bail!("has only one of RELEVANCE and NOVELTY"),
    };
    let author_match = comment.eq_ignore_ascii_case("author match");
    let reason = if author_match {
        Some(AUTHOR_MATCH_REASON.to_string())
    } else if scores.is_none() {
        // Scores hold the comment; without scores the reason is the only place left for it.
        Some(match comment.as_str() {
            "" => "Imported without scores".to_string(),
            comment => format!("Imported without scores: {comment}"),
        })
    } else {
        None
    };

    let score = match entry
        .score
        .as_ref()
        .map(|v| number("SCORE", v))
        .transpose()?
    {
        Some(score) => score,
        None => scores
            .as_ref()
            .map_or(0.0, |s| f64::from(s.relevance) + f64::from(s.novelty)),
    };
    let display_score = entry
        .read_score
        .as_ref()
        .map(|v| number("READ_SCORE", v))
        .transpose()?
        .unwrap_or(score);

    let spotlight_kind = entry
        .hotspot_primary_kind
        .clone()
        .filter(|k| !k.trim().is_empty())
        .or_else(|| entry.hotspot_tags.first().cloned());
    let spotlight_comment = entry
        .hotspot_comment
        .clone()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let record = PaperRecord {
        id,
        version,
        title,
        decision: Decision::Selected,
        reason,
        scores,
        // The archive does not say which author matched, so no name is claimed here.
        followed_authors: Vec::new(),
        authors,
        abstract_text: Some(abstract_text.to_string()).filter(|a| !a.is_empty()),
        categories: Vec::new(),
        announce_type,
        doi: None,
        journal_ref: None,
        license: None,
        // Filled in by the day, which knows the day's topics and spotlight sections.
        topics: None,
        spotlight: None,
        listed_before: None,
        tldr: None,
        profile: None,
        read_alone: None,
    };
    Ok(ImportedPaper {
        record,
        author_match,
        display_score,
        score,
        rejoined_authors,
        topics,
        spotlight_kind,
        spotlight_comment,
    })
}

/// What the RSS description put before the abstract: `arXiv:2501.09412v1 Announce Type: new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Announcement<'a> {
    id_with_version: &'a str,
    announce_type: Option<AnnounceType>,
}

/// Splits `arXiv:ID Announce Type: TYPE  Abstract: TEXT` (how the old tool stored abstracts in
/// early 2025) into the announcement and the abstract. Other text comes back trimmed as is.
fn split_announcement(text: &str) -> (Option<Announcement<'_>>, &str) {
    let trimmed = text.trim();
    let parsed = trimmed.strip_prefix("arXiv:").and_then(|rest| {
        let (head, abstract_text) = rest.split_once("Abstract:")?;
        let words: Vec<&str> = head.split_whitespace().collect();
        match words.as_slice() {
            [id_with_version, "Announce", "Type:", kind] => Some((
                Announcement {
                    id_with_version,
                    announce_type: AnnounceType::parse(kind),
                },
                abstract_text.trim(),
            )),
            _ => None,
        }
    });
    match parsed {
        Some((announcement, abstract_text)) => (Some(announcement), abstract_text),
        None => (None, trimmed),
    }
}

/// The old tool split arXiv's author line at every comma, so `Liu (Univ. A, Dept. B)` became
/// `Liu (Univ. A` and `Dept. B)`. Fragments are joined back while parentheses are open.
/// Returns the names and how many were re-joined.
fn rejoin_split_affiliations(authors: &[String]) -> (Vec<String>, usize) {
    let mut names: Vec<String> = Vec::with_capacity(authors.len());
    let mut rejoined = 0;
    let mut open = false;
    for fragment in authors {
        match names.last_mut() {
            Some(name) if open => {
                name.push_str(", ");
                name.push_str(fragment.trim());
            }
            _ => names.push(fragment.trim().to_string()),
        }
        let name = names.last().map_or("", String::as_str);
        let was_open = open;
        open = name.matches('(').count() > name.matches(')').count();
        if was_open && !open {
            rejoined += 1;
        }
    }
    (names, rejoined)
}

/// A score that must be a whole number from 1 to 10.
fn score_1_to_10(field: &str, value: &Value) -> Result<u8> {
    let score = number(field, value)?;
    ensure!(
        score.fract() == 0.0 && (1.0..=10.0).contains(&score),
        "{field} {value} is not a whole number from 1 to 10"
    );
    Ok(score as u8)
}

/// A number as the old tool stored it: a JSON number, or a string holding one (the model's
/// answer copied as text).
pub(super) fn number(field: &str, value: &Value) -> Result<f64> {
    let parsed = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match parsed {
        Some(n) if n.is_finite() => Ok(n),
        _ => bail!("{field} {value} is not a number"),
    }
}

/// True for new-style (`2501.09412`) and old-style (`hep-th/9711200`, `math.AG/0601001`) IDs.
fn is_arxiv_id(id: &str) -> bool {
    let digits = |s: &str, lengths: &[usize]| {
        lengths.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    if let Some((yymm, number)) = id.split_once('.')
        && digits(yymm, &[4])
        && digits(number, &[4, 5])
    {
        return true;
    }
    match id.split_once('/') {
        Some((archive, number)) => {
            let (name, subject) = archive.split_once('.').unwrap_or((archive, "AA"));
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && subject.len() == 2
                && subject.chars().all(|c| c.is_ascii_uppercase())
                && digits(number, &[7])
        }
        None => false,
    }
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_split_inside_an_affiliation_are_joined_again() {
        let names = [
            "Kuan Liu (National University",
            "College of Commerce)",
            "Ming Lo (Tech",
            "Lab",
            "Dept)",
            "Solo Author",
        ]
        .map(String::from);
        let (joined, count) = rejoin_split_affiliations(&names);
        assert_eq!(
            joined,
            [
                "Kuan Liu (National University, College of Commerce)",
                "Ming Lo (Tech, Lab, Dept)",
                "Solo Author"
            ]
        );
        assert_eq!(count, 2);
    }

    #[test]
    fn arxiv_ids_of_both_styles_are_recognised() {
        for id in [
            "2501.09412",
            "0704.0001",
            "hep-th/9711200",
            "math.AG/0601001",
        ] {
            assert!(is_arxiv_id(id), "{id}");
        }
        for id in [
            "",
            "2501.094",
            "25010.09412",
            "hep-th/97112",
            "HEP/9711200",
            "a/b",
        ] {
            assert!(!is_arxiv_id(id), "{id}");
        }
    }

    #[test]
    fn an_entry_under_an_empty_key_takes_its_id_field_or_is_refused() {
        let entry = |id_field: &str| {
            serde_json::from_str::<Value>(&format!(
                r#"{{"title": "T", "authors": ["A"], "abstract": "x"{id_field}}}"#
            ))
            .unwrap()
        };
        let paper = convert_entry("", entry(r#", "arxiv_id": "2601.00001v2""#)).unwrap();
        assert_eq!(
            (paper.record.id.as_str(), paper.record.version),
            ("2601.00001", 2)
        );
        let message = format!("{:#}", convert_entry(" ", entry("")).err().unwrap());
        assert_eq!(message, "has no arXiv ID");
    }

    #[test]
    fn topics_come_primary_first_each_once_with_safe_ids() {
        let entry: RawEntry = serde_json::from_str(
            r#"{"title": "T", "authors": [], "abstract": "x",
                "PRIMARY_TOPIC_ID": "Efficiency", "PRIMARY_TOPIC_LABEL": "Efficient ML",
                "MATCHED_TOPIC_IDS": ["robotics", "Efficiency", "../x y"],
                "MATCHED_TOPIC_LABELS": ["Robotics", "Efficient ML"]}"#,
        )
        .unwrap();
        assert_eq!(
            entry_topics(&entry),
            [
                ("efficiency".to_string(), "Efficient ML".to_string()),
                ("robotics".to_string(), "Robotics".to_string()),
                ("x-y".to_string(), "x-y".to_string()),
            ]
        );
    }
}

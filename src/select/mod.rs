//! Select: announce-type filter, de-duplication, seen-paper skip, keyword rules and followed authors.

pub mod authors;

use std::collections::HashSet;

use crate::config::Config;
use crate::paper::{AnnounceType, Paper};
use crate::record::{Counts, PaperRecord};

/// A paper that goes on to scoring, with why it is of interest before any score.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub paper: Paper,
    /// Display names of followed authors on the paper; such a paper is always selected.
    pub followed_authors: Vec<String>,
    /// Configured include phrases found in title or abstract.
    pub include_hits: Vec<String>,
}

/// The outcome of selection for one day.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    pub candidates: Vec<Candidate>,
    /// Papers filtered by an exclude rule, reason recorded.
    pub excluded: Vec<PaperRecord>,
    /// Feed, announce-type, duplicate and seen counts (scored counts are filled in later).
    pub counts: Counts,
}

/// Runs the selection rules over a day's feed items. `seen` holds version-free IDs recorded on
/// earlier days; such papers are skipped and counted, never listed twice.
pub fn select(items: &[Paper], config: &Config, seen: &HashSet<String>) -> Selection {
    let wanted: Vec<AnnounceType> = config
        .arxiv
        .announce_types
        .iter()
        .filter_map(|t| AnnounceType::parse(t))
        .collect();
    let include = PhraseSet::new(&config.keywords.include);
    let exclude = PhraseSet::new(&config.keywords.exclude);
    let followed = authors::FollowedAuthors::new(&config.authors.follow);
    let mut counts = Counts {
        feed_items: Some(items.len()),
        ..Counts::default()
    };
    let mut scanned = 0;
    let mut taken = HashSet::new();
    let mut selection = Selection::default();
    for paper in items {
        match paper.announce_type {
            AnnounceType::New => counts.new += 1,
            AnnounceType::Cross => counts.cross += 1,
            AnnounceType::Replace => counts.replace += 1,
            AnnounceType::ReplaceCross => counts.replace_cross += 1,
        }
        if !wanted.contains(&paper.announce_type) {
            counts.skipped_announce_type += 1;
            continue;
        }
        if !taken.insert(paper.id.as_str()) {
            counts.duplicates += 1;
            continue;
        }
        if seen.contains(&paper.id) {
            counts.already_seen += 1;
            continue;
        }
        scanned += 1;
        let text = searchable_text(paper);
        let followed_authors = followed.matches(&paper.authors);
        // A followed author's paper is always kept: the user asked for it by name.
        if followed_authors.is_empty()
            && let Some(phrase) = exclude.first_match(&text)
        {
            selection.excluded.push(PaperRecord::filtered(
                paper,
                format!("excluded by keyword rule \"{phrase}\""),
                None,
            ));
            continue;
        }
        selection.candidates.push(Candidate {
            paper: paper.clone(),
            followed_authors,
            include_hits: include.all_matches(&text),
        });
    }
    counts.scanned = Some(scanned);
    selection.counts = counts;
    selection
}

/// True when a feed re-serves an old batch: nearly all papers it would keep were recorded
/// already (arXiv sometimes re-dates a day's feed on Saturday).
pub fn is_stale(counts: &Counts, stale_fraction: f64) -> bool {
    let kept = counts.already_seen + counts.scanned.unwrap_or(0);
    kept > 0 && counts.already_seen as f64 >= stale_fraction * kept as f64
}

/// Title and abstract lower-cased with non-alphanumerics folded to single spaces, padded with a
/// space at each end so phrase search is whole-word by construction.
fn searchable_text(paper: &Paper) -> String {
    normalise(&format!("{} {}", paper.title, paper.abstract_text))
}

/// Lower-cases and replaces every run of non-alphanumeric characters by one space, with a
/// space at each end.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Configured phrases prepared for whole-word, case-insensitive search in [`normalise`]d text.
#[derive(Debug, Clone)]
pub struct PhraseSet {
    /// (phrase as configured, normalised needle with surrounding spaces)
    phrases: Vec<(String, String)>,
}

impl PhraseSet {
    pub fn new<S: AsRef<str>>(phrases: &[S]) -> PhraseSet {
        PhraseSet {
            phrases: phrases
                .iter()
                .map(|p| (p.as_ref().trim().to_string(), normalise(p.as_ref())))
                .filter(|(_, needle)| !needle.trim().is_empty())
                .collect(),
        }
    }

    /// The first configured phrase found in `normalised_text`.
    pub fn first_match(&self, normalised_text: &str) -> Option<&str> {
        self.phrases
            .iter()
            .find(|(_, needle)| normalised_text.contains(needle.as_str()))
            .map(|(phrase, _)| phrase.as_str())
    }

    /// Every configured phrase found in `normalised_text`, in configured order.
    pub fn all_matches(&self, normalised_text: &str) -> Vec<String> {
        self.phrases
            .iter()
            .filter(|(_, needle)| normalised_text.contains(needle.as_str()))
            .map(|(phrase, _)| phrase.clone())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, kind: AnnounceType, title: &str, abstract_text: &str) -> Paper {
        Paper {
            id: id.into(),
            version: 1,
            title: title.into(),
            authors: vec!["A. Author".into()],
            abstract_text: abstract_text.into(),
            categories: vec!["cs.LG".into()],
            announce_type: kind,
            doi: None,
            journal_ref: None,
            license: None,
        }
    }

    fn config(include: &[&str], exclude: &[&str]) -> Config {
        let mut config = Config::default();
        config.keywords.include = include.iter().map(|s| s.to_string()).collect();
        config.keywords.exclude = exclude.iter().map(|s| s.to_string()).collect();
        config
    }

    #[test]
    fn phrases_match_whole_words_only_and_ignore_case() {
        let set = PhraseSet::new(&["MoE", "mixture of experts"]);
        assert_eq!(
            set.all_matches(&normalise("A Mixture-of-Experts model")),
            ["mixture of experts"]
        );
        assert_eq!(set.all_matches(&normalise("MoE routing")), ["MoE"]);
        assert!(set.all_matches(&normalise("Moebius transforms")).is_empty());
    }

    #[test]
    fn keeps_configured_types_dedupes_and_skips_seen() {
        let items = vec![
            paper("1", AnnounceType::New, "t", "a"),
            paper("2", AnnounceType::Cross, "t", "a"),
            paper("2", AnnounceType::Cross, "t", "a"),
            paper("3", AnnounceType::Replace, "t", "a"),
            paper("4", AnnounceType::New, "t", "a"),
        ];
        let seen = HashSet::from(["4".to_string()]);
        let selection = select(&items, &config(&[], &[]), &seen);
        let ids: Vec<_> = selection
            .candidates
            .iter()
            .map(|c| c.paper.id.as_str())
            .collect();
        assert_eq!(ids, ["1", "2"]);
        let c = &selection.counts;
        assert_eq!(
            (c.feed_items, c.new, c.cross, c.replace),
            (Some(5), 2, 2, 1)
        );
        assert_eq!(
            (
                c.skipped_announce_type,
                c.duplicates,
                c.already_seen,
                c.scanned
            ),
            (1, 1, 1, Some(2))
        );
    }

    #[test]
    fn exclude_rule_filters_with_reason() {
        let items = vec![
            paper(
                "1",
                AnnounceType::New,
                "Sparse nets for Medical Imaging",
                "x",
            ),
            paper("2", AnnounceType::New, "Sparse nets", "sparsity everywhere"),
        ];
        let selection = select(
            &items,
            &config(&["sparsity"], &["medical imaging"]),
            &HashSet::new(),
        );
        assert_eq!(selection.excluded.len(), 1);
        assert_eq!(
            selection.excluded[0].reason.as_deref(),
            Some("excluded by keyword rule \"medical imaging\"")
        );
        assert_eq!(selection.candidates[0].include_hits, ["sparsity"]);
    }

    #[test]
    fn followed_author_is_kept_despite_an_exclude_rule() {
        let mut config = config(&[], &["medical imaging"]);
        config.authors.follow = vec![crate::config::FollowedAuthor {
            name: "Ada Lovelace".into(),
            ..Default::default()
        }];
        let mut by_ada = paper("1", AnnounceType::New, "Medical imaging engines", "x");
        by_ada.authors = vec!["B. Babbage".into(), "Ada  Lovelace".into()];
        let selection = select(&[by_ada], &config, &HashSet::new());
        assert!(selection.excluded.is_empty());
        assert_eq!(selection.candidates[0].followed_authors, ["Ada Lovelace"]);
    }

    #[test]
    fn stale_when_nearly_everything_was_seen() {
        let stale = Counts {
            already_seen: 95,
            scanned: Some(5),
            ..Counts::default()
        };
        let fresh = Counts {
            already_seen: 3,
            scanned: Some(400),
            ..Counts::default()
        };
        assert!(is_stale(&stale, 0.9));
        assert!(!is_stale(&fresh, 0.9));
        assert!(!is_stale(&Counts::default(), 0.9));
    }
}

//! Select: announce-type filter, de-duplication, seen-paper skip, keyword rules and followed authors.

pub mod authors;

use std::collections::HashSet;

use crate::config::Config;
use crate::fetch::s2::S2Papers;
use crate::paper::{AnnounceType, Paper};
use crate::record::{Counts, PaperRecord};
use crate::text::{PhraseSet, normalise};

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
/// earlier days; such papers are skipped and counted, never listed twice. `s2` holds what
/// Semantic Scholar knows of the papers (empty when the lookup is off or failed): it lets a
/// followed author match by S2 author ID and feeds the h-index gate.
pub fn select(
    items: &[Paper],
    config: &Config,
    seen: &HashSet<String>,
    s2: &S2Papers,
) -> Selection {
    let include = PhraseSet::new(&config.keywords.include);
    let exclude = PhraseSet::new(&config.keywords.exclude);
    let followed = authors::FollowedAuthors::new(&config.authors.follow);
    let h_index_min = config.authors.h_index_min;
    let mut selection = Selection::default();
    let scanned = scan(items, config, seen, &mut selection.counts);
    selection.counts.scanned = Some(scanned.len());
    for paper in scanned {
        let text = searchable_text(paper);
        let s2_paper = s2.get(&paper.id);
        let s2_author_ids = s2_paper.map_or(&[][..], |p| p.author_ids.as_slice());
        let followed_authors = followed.matches(&paper.authors, s2_author_ids);
        // A followed author's paper is always kept: the user asked for it by name.
        if followed_authors.is_empty() {
            let excluded_by = exclude.first_match(&text);
            let low_h_index = s2_paper
                .and_then(|p| p.max_h_index)
                .filter(|h| *h < h_index_min);
            // A paper Semantic Scholar does not know (or knows no h-index for) passes the
            // gate: unknown is not low, and new authors are often not resolved yet.
            let reason = match (excluded_by, low_h_index) {
                (Some(phrase), _) => Some(format!("excluded by keyword rule \"{phrase}\"")),
                (None, Some(h)) => Some(format!(
                    "h-index gate: highest author h-index {h} < {h_index_min}"
                )),
                (None, None) => None,
            };
            if let Some(reason) = reason {
                selection
                    .excluded
                    .push(PaperRecord::filtered(paper, reason, None));
                continue;
            }
        }
        selection.candidates.push(Candidate {
            paper: paper.clone(),
            followed_authors,
            include_hits: include.all_matches(&text),
        });
    }
    selection
}

/// Version-free IDs of the papers [`select`] would look at (configured announce types,
/// de-duplicated, not seen before): the ones worth asking Semantic Scholar about.
pub(crate) fn scanned_ids(items: &[Paper], config: &Config, seen: &HashSet<String>) -> Vec<String> {
    scan(items, config, seen, &mut Counts::default())
        .into_iter()
        .map(|paper| paper.id.clone())
        .collect()
}

/// The papers selection looks at: configured announce types, first listing of each ID, not
/// recorded on an earlier day. Fills in the feed counts on the way.
fn scan<'a>(
    items: &'a [Paper],
    config: &Config,
    seen: &HashSet<String>,
    counts: &mut Counts,
) -> Vec<&'a Paper> {
    let wanted = &config.arxiv.announce_types;
    counts.feed_items = Some(items.len());
    let mut taken = HashSet::new();
    let mut scanned = Vec::new();
    for paper in items {
        match paper.announce_type {
            AnnounceType::New => counts.new += 1,
            AnnounceType::Cross => counts.cross += 1,
            AnnounceType::Replace => counts.replace += 1,
            AnnounceType::ReplaceCross => counts.replace_cross += 1,
        }
        if !wanted.contains(&paper.announce_type) {
            counts.skipped_announce_type += 1;
        } else if !taken.insert(paper.id.as_str()) {
            counts.duplicates += 1;
        } else if seen.contains(&paper.id) {
            counts.already_seen += 1;
        } else {
            scanned.push(paper);
        }
    }
    scanned
}

/// True when a feed re-serves an old batch: nearly all papers it would keep were recorded
/// already (arXiv sometimes re-dates a day's feed on Saturday).
pub(crate) fn is_stale(counts: &Counts, stale_fraction: f64) -> bool {
    let kept = counts.already_seen + counts.scanned.unwrap_or(0);
    kept > 0 && counts.already_seen as f64 >= stale_fraction * kept as f64
}

/// Title and abstract lower-cased with non-alphanumerics folded to single spaces, padded with a
/// space at each end so phrase search is whole-word by construction.
fn searchable_text(paper: &Paper) -> String {
    normalise(&format!("{} {}", paper.title, paper.abstract_text))
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
    fn keeps_configured_types_dedupes_and_skips_seen() {
        let items = vec![
            paper("1", AnnounceType::New, "t", "a"),
            paper("2", AnnounceType::Cross, "t", "a"),
            paper("2", AnnounceType::Cross, "t", "a"),
            paper("3", AnnounceType::Replace, "t", "a"),
            paper("4", AnnounceType::New, "t", "a"),
        ];
        let seen = HashSet::from(["4".to_string()]);
        let selection = select(&items, &config(&[], &[]), &seen, &S2Papers::new());
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
            &S2Papers::new(),
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
        let selection = select(&[by_ada], &config, &HashSet::new(), &S2Papers::new());
        assert!(selection.excluded.is_empty());
        assert_eq!(selection.candidates[0].followed_authors, ["Ada Lovelace"]);
    }

    fn s2_paper(author_ids: &[&str], max_h_index: Option<u32>) -> crate::fetch::s2::S2Paper {
        crate::fetch::s2::S2Paper {
            author_ids: author_ids.iter().map(|a| a.to_string()).collect(),
            max_h_index,
        }
    }

    #[test]
    fn h_index_gate_filters_known_low_papers_only() {
        let mut config = config(&[], &["medical imaging"]);
        config.authors.h_index_min = 10;
        config.authors.follow = vec![crate::config::FollowedAuthor {
            name: "Yoshua Bengio".into(),
            s2_id: Some("1751762".into()),
            ..Default::default()
        }];
        let items = vec![
            paper("low", AnnounceType::New, "t", "a"),
            paper("high", AnnounceType::New, "t", "a"),
            paper("unknown", AnnounceType::New, "t", "a"),
            paper("no-h", AnnounceType::New, "t", "a"),
            paper("followed-low", AnnounceType::New, "t", "a"),
            paper("excluded-low", AnnounceType::New, "Medical imaging", "a"),
        ];
        let s2 = S2Papers::from([
            ("low".to_string(), s2_paper(&["1"], Some(9))),
            ("high".to_string(), s2_paper(&["2"], Some(10))),
            ("no-h".to_string(), s2_paper(&["3"], None)),
            (
                "followed-low".to_string(),
                s2_paper(&["4", "1751762"], Some(2)),
            ),
            ("excluded-low".to_string(), s2_paper(&["5"], Some(1))),
        ]);
        let selection = select(&items, &config, &HashSet::new(), &s2);
        let kept: Vec<_> = selection
            .candidates
            .iter()
            .map(|c| (c.paper.id.as_str(), c.followed_authors.clone()))
            .collect();
        assert_eq!(
            kept,
            [
                ("high", vec![]),
                ("unknown", vec![]),
                ("no-h", vec![]),
                ("followed-low", vec!["Yoshua Bengio".to_string()]),
            ]
        );
        let reasons: Vec<_> = selection
            .excluded
            .iter()
            .map(|r| (r.id.as_str(), r.reason.as_deref().unwrap()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("low", "h-index gate: highest author h-index 9 < 10"),
                (
                    "excluded-low",
                    "excluded by keyword rule \"medical imaging\""
                ),
            ]
        );
    }

    #[test]
    fn without_a_gate_s2_data_only_adds_author_id_matches() {
        let mut config = config(&[], &[]);
        config.authors.follow = vec![crate::config::FollowedAuthor {
            name: "Yoshua Bengio".into(),
            s2_id: Some("1751762".into()),
            ..Default::default()
        }];
        let items = vec![paper("1", AnnounceType::New, "t", "a")];
        let s2 = S2Papers::from([("1".to_string(), s2_paper(&["1751762"], Some(0)))]);
        let selection = select(&items, &config, &HashSet::new(), &s2);
        assert!(selection.excluded.is_empty());
        assert_eq!(selection.candidates[0].followed_authors, ["Yoshua Bengio"]);
    }

    #[test]
    fn scanned_ids_are_the_papers_select_looks_at() {
        let items = vec![
            paper("1", AnnounceType::New, "t", "a"),
            paper("2", AnnounceType::Cross, "t", "a"),
            paper("2", AnnounceType::Cross, "t", "a"),
            paper("3", AnnounceType::Replace, "t", "a"),
            paper("4", AnnounceType::New, "t", "a"),
        ];
        let seen = HashSet::from(["4".to_string()]);
        assert_eq!(scanned_ids(&items, &config(&[], &[]), &seen), ["1", "2"]);
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

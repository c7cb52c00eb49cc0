//! The built-in keyword scorer: ranks papers by configured and topic phrases when no LLM key is set.

use crate::record::{Scores, Usage};
use crate::score::prompt::Prompts;
use crate::score::{ScoreOutcome, Verdict};
use crate::text::{PhraseSet, normalise};

/// Scores by phrase matches: a phrase in the title counts two, in the abstract only one.
/// Relevance is 1 + 2 × that weight (capped at 10), so the default threshold of 7 needs two
/// signals (a title match plus another phrase in the abstract, two title matches, or three
/// abstract matches): one common word alone never selects a paper. Novelty cannot be judged from words and is a
/// neutral 5; the page says keyword scoring was used.
#[derive(Debug, Clone)]
pub struct KeywordScorer {
    phrases: PhraseSet,
    phrase_list: Vec<String>,
}

/// Novelty every keyword-scored paper gets: the middle of the scale.
pub(crate) const NEUTRAL_NOVELTY: u8 = 5;

impl KeywordScorer {
    /// Uses `[keywords] include` and the `Keywords:` lines of the topics prompt.
    pub(crate) fn new(include: &[String], prompts: &Prompts) -> KeywordScorer {
        let mut phrase_list: Vec<String> = include.to_vec();
        for keyword in prompts.topic_keywords() {
            if !phrase_list.iter().any(|p| p.eq_ignore_ascii_case(&keyword)) {
                phrase_list.push(keyword);
            }
        }
        KeywordScorer {
            phrases: PhraseSet::new(&phrase_list),
            phrase_list,
        }
    }

    /// The phrases this scorer looks for.
    pub(crate) fn phrases(&self) -> &[String] {
        &self.phrase_list
    }

    /// Scores each candidate; never fails and never calls out.
    pub(crate) fn score(&self, candidates: &[crate::select::Candidate]) -> ScoreOutcome {
        let verdicts = candidates
            .iter()
            .map(|c| {
                Verdict::Scored(
                    self.score_text(&c.paper.title, &c.paper.abstract_text),
                    Vec::new(),
                )
            })
            .collect();
        ScoreOutcome {
            verdicts,
            usage: Usage {
                scorer: crate::record::ScorerKind::Keywords,
                cost_usd: Some(0.0),
                ..Usage::default()
            },
            failure: None,
        }
    }

    fn score_text(&self, title: &str, abstract_text: &str) -> Scores {
        let in_title = self.phrases.all_matches(&normalise(title));
        let in_abstract: Vec<String> = self
            .phrases
            .all_matches(&normalise(abstract_text))
            .into_iter()
            .filter(|p| !in_title.contains(p))
            .collect();
        let weight = 2 * in_title.len() + in_abstract.len();
        let relevance = (1 + 2 * weight).min(10) as u8;
        let comment = match (in_title.is_empty(), in_abstract.is_empty()) {
            (true, true) => "Keyword scorer: no configured phrase matched".to_string(),
            _ => crate::text::keyword_match_comment(&in_title, &in_abstract),
        };
        Scores {
            relevance,
            novelty: NEUTRAL_NOVELTY,
            comment,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phrases_of_a_comment_read_back() {
        let scores = scorer().score_text("Pruning a Mixture of Experts", "with quantization");
        assert_eq!(
            crate::text::keyword_match_phrases(&scores.comment),
            [
                ("mixture of experts", true),
                ("pruning", true),
                ("quantization", false)
            ]
        );
        assert!(crate::text::keyword_match_phrases("A fine paper on pruning.").is_empty());
    }

    fn scorer() -> KeywordScorer {
        let prompts = Prompts {
            topics: "Keywords: pruning, quantization".into(),
            ..Prompts::default()
        };
        KeywordScorer::new(&["mixture of experts".to_string()], &prompts)
    }

    #[test]
    fn title_matches_weigh_more_than_abstract_matches() {
        let s = scorer();
        let title = s.score_text("Pruning a Mixture of Experts", "we prune");
        assert_eq!(title.relevance, 9);
        assert_eq!(
            title.comment,
            "Keyword match — title: mixture of experts, pruning"
        );
        let one_abstract = s.score_text("A model", "uses quantization");
        assert_eq!(one_abstract.relevance, 3);
        let one_title = s.score_text("Quantization", "nothing else");
        assert_eq!(one_title.relevance, 5);
        let title_and_abstract = s.score_text("Quantization", "of a mixture of experts");
        assert_eq!(title_and_abstract.relevance, 7);
        let none = s.score_text("Graphs", "nodes");
        assert_eq!(none.relevance, 1);
        assert_eq!(none.novelty, NEUTRAL_NOVELTY);
    }
}

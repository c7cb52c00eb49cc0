//! Score: the scorer interface (LLM or built-in keywords), and turning scores into decisions.

pub(crate) mod answer;
pub(crate) mod cache;
pub(crate) mod cost;
pub(crate) mod keywords;
pub mod llm;
pub mod profile;
pub mod prompt;
pub mod topics;

use crate::config::{Config, SelectionConfig};
use crate::record::{DayStatus, Decision, PaperRecord, Scores, Usage};
use crate::select::Candidate;

/// What a scorer concluded about one candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Relevance, novelty and comment, and the topic ids (or labels) the model named, best
    /// first (empty from the keyword scorer, and from models not asked for topics).
    Scored(Scores, Vec<String>),
    /// Dropped by the title prefilter before abstract scoring; the text says why.
    TitleRejected(String),
    /// Cut by the profile's cascade before the LLM; the text says by how much.
    Cut(String),
    /// Not scored; the reason is shown on the page. `budget` marks the cost cap as the cause.
    Unscored { reason: String, budget: bool },
}

/// A scorer's answer for a whole day: one verdict per candidate, in candidate order.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreOutcome {
    pub verdicts: Vec<Verdict>,
    pub usage: Usage,
    /// Set when scoring failed as a whole (unreachable API, bad key, quota): what the API said.
    pub failure: Option<String>,
}

/// The scorer a run uses: the LLM when an API key is set, otherwise the keyword scorer.
pub enum Scorer {
    Keywords(keywords::KeywordScorer),
    Llm(Box<llm::LlmScorer>),
}

impl Scorer {
    /// Scores every candidate. Never drops one: the outcome has a verdict for each.
    /// `spent_before`: what the day already spent (embeddings), counted against the cost cap.
    pub(crate) async fn score(&self, candidates: &[Candidate], spent_before: f64) -> ScoreOutcome {
        let outcome = match self {
            Scorer::Keywords(scorer) => scorer.score(candidates),
            Scorer::Llm(scorer) => scorer.score(candidates, spent_before).await,
        };
        assert_eq!(
            outcome.verdicts.len(),
            candidates.len(),
            "a scorer must return one verdict per candidate"
        );
        outcome
    }

    /// TL;DRs of the selected papers when `[tldr]` is enabled: by the LLM, within what the cost
    /// cap leaves after `scoring`; with the keyword scorer none, and the record says why once.
    pub(crate) async fn tldrs(
        &self,
        config: &crate::config::Config,
        papers: &[&crate::paper::Paper],
        scoring: &Usage,
    ) -> Option<llm::tldr::TldrOutcome> {
        let settings = &config.tldr;
        if !settings.enabled {
            return None;
        }
        match self {
            Scorer::Keywords(_) => Some(llm::tldr::TldrOutcome {
                texts: Default::default(),
                record: crate::record::TldrRecord {
                    language: settings.language.trim().to_string(),
                    missing: papers.len(),
                    note: Some(
                        "No TL;DRs on this day: they are written by the LLM, and no API key was set."
                            .into(),
                    ),
                    ..Default::default()
                },
            }),
            Scorer::Llm(scorer) => {
                let path = config.prompts_dir().join("tldr.md");
                // A fork whose prompts/ predates tldr.md gets the built-in prompt.
                let template = std::fs::read_to_string(&path)
                    .ok()
                    .filter(|text| !text.trim().is_empty())
                    .unwrap_or_else(|| llm::tldr::DEFAULT_PROMPT.to_string());
                let budget = config.llm.max_cost_usd - scoring.cost_usd.unwrap_or(0.0);
                Some(scorer.tldrs(settings, &template, papers, budget).await)
            }
        }
    }

    /// A short description for logs: which scorer and model.
    pub(crate) fn describe(&self) -> String {
        match self {
            Scorer::Keywords(_) => "built-in keyword scorer (no LLM API key set)".to_string(),
            Scorer::Llm(scorer) => format!("LLM scorer, model {}", scorer.model()),
        }
    }
}

/// Applies thresholds and ranking to a scored day. Papers by followed authors are always
/// selected and pinned first; the rest are selected when both scores reach the minimums and
/// ranked by the weighted sum (ties by relevance, then ID for a stable order).
///
/// Each selected paper gets its topics from `topics`: the ones the model named, else the
/// topics whose keywords it matches.
pub fn decide(
    candidates: &[Candidate],
    verdicts: &[Verdict],
    selection: &SelectionConfig,
    topics: &topics::TopicCatalog,
) -> Vec<PaperRecord> {
    let mut records: Vec<PaperRecord> = candidates
        .iter()
        .zip(verdicts)
        .map(|(candidate, verdict)| {
            let mut record = decide_one(candidate, verdict, selection);
            if record.decision == Decision::Selected {
                let named = match verdict {
                    Verdict::Scored(_, named) => named.as_slice(),
                    _ => &[],
                };
                record.topics = topics.assign(named, &candidate.paper);
            }
            record
        })
        .collect();
    rank(&mut records, selection);
    records
}

/// Page order: selected, then unscored, then filtered; within each, followed authors first,
/// then by weighted score, relevance and ID.
pub(crate) fn rank(records: &mut [PaperRecord], selection: &SelectionConfig) {
    let weights = (selection.relevance_weight, selection.novelty_weight);
    records.sort_by(|a, b| {
        decision_rank(a)
            .cmp(&decision_rank(b))
            .then_with(|| {
                a.followed_authors
                    .is_empty()
                    .cmp(&b.followed_authors.is_empty())
            })
            .then_with(|| {
                b.rank_score(weights.0, weights.1)
                    .total_cmp(&a.rank_score(weights.0, weights.1))
            })
            .then_with(|| relevance(b).cmp(&relevance(a)))
            .then_with(|| a.id.cmp(&b.id))
    });
}

fn relevance(record: &PaperRecord) -> u8 {
    record.scores.as_ref().map_or(0, |s| s.relevance)
}

fn decision_rank(record: &PaperRecord) -> u8 {
    match record.decision {
        Decision::Selected => 0,
        Decision::Unscored => 1,
        Decision::Filtered => 2,
    }
}

fn decide_one(
    candidate: &Candidate,
    verdict: &Verdict,
    selection: &SelectionConfig,
) -> PaperRecord {
    let paper = &candidate.paper;
    let followed = !candidate.followed_authors.is_empty();
    let mut record = match verdict {
        Verdict::Scored(scores, _) => {
            let passes = scores.relevance >= selection.relevance_min
                && scores.novelty >= selection.novelty_min;
            if passes || followed {
                let mut record = PaperRecord::full(paper, Decision::Selected);
                record.scores = Some(scores.clone());
                record
            } else {
                PaperRecord::filtered(
                    paper,
                    format!(
                        "below thresholds (relevance {} < {} or novelty {} < {})",
                        scores.relevance,
                        selection.relevance_min,
                        scores.novelty,
                        selection.novelty_min
                    ),
                    Some(scores.clone()),
                )
            }
        }
        Verdict::TitleRejected(reason) | Verdict::Cut(reason) if !followed => {
            PaperRecord::filtered(paper, reason.clone(), None)
        }
        Verdict::TitleRejected(_) | Verdict::Cut(_) => PaperRecord::full(paper, Decision::Selected),
        Verdict::Unscored { .. } if followed => PaperRecord::full(paper, Decision::Selected),
        Verdict::Unscored { reason, .. } => {
            let mut record = PaperRecord::full(paper, Decision::Unscored);
            record.reason = Some(reason.clone());
            record
        }
    };
    if followed {
        record.followed_authors = candidate.followed_authors.clone();
        let names = candidate.followed_authors.join(", ");
        let note = format!("Followed author: {names}");
        record.reason = Some(match record.reason.take() {
            Some(other) => format!("{note}; {other}"),
            None => note,
        });
    }
    record
}

/// The day's status from the scoring outcome.
pub fn day_status(outcome: &ScoreOutcome) -> DayStatus {
    if outcome.failure.is_some() {
        DayStatus::LlmFailed
    } else if outcome
        .verdicts
        .iter()
        .any(|v| matches!(v, Verdict::Unscored { budget: true, .. }))
    {
        DayStatus::BudgetStopped
    } else if outcome
        .verdicts
        .iter()
        .any(|v| matches!(v, Verdict::Unscored { .. }))
    {
        DayStatus::Partial
    } else {
        DayStatus::Ok
    }
}

/// Chooses the scorer: the LLM when its API key variable is set and not empty.
/// `OPENAI_BASE_URL` in the environment overrides `llm.base_url`.
/// The examples section of the scoring prompt from the reader's labels (newest first), or
/// nothing when `profile.prompt_examples` is 0, there are no labels, or they cannot be read.
pub(crate) fn label_examples(config: &Config, prompts: &prompt::Prompts) -> String {
    match crate::record::labels::load(&config.data_dir()) {
        Ok(store) => label_examples_from(config, prompts, &store),
        Err(_) => String::new(),
    }
}

/// [`label_examples`] from a label store already read.
fn label_examples_from(
    config: &Config,
    prompts: &prompt::Prompts,
    store: &crate::record::labels::LabelStore,
) -> String {
    use crate::record::labels::{LabelKind, LabelSource};
    if config.profile.prompt_examples == 0 {
        return String::new();
    }
    let mut current: Vec<_> = store
        .current()
        .into_values()
        .filter(|l| l.source != LabelSource::Imported)
        .collect();
    current.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
    let titled: Vec<(LabelKind, String)> = current
        .iter()
        .filter_map(|l| store.text(&l.id).map(|t| (l.kind, t.title)))
        .collect();
    let of = |kind| {
        titled
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
    };
    prompt::examples_section(
        &of(LabelKind::Want),
        &of(LabelKind::NotForMe),
        &prompts.topic_catalog(),
        config.profile.prompt_examples,
    )
}

/// A day's scoring: the scorer, and the reader's profile when there is one (else why not).
pub struct Scoring {
    pub scorer: Scorer,
    pub profile: Result<profile::Profile, String>,
    /// The cascade's calibration when the LLM scores and `profile.cascade` is on (else
    /// `None`); an error says why it cuts nothing yet.
    pub(crate) cascade: Option<Result<profile::cascade::Calibration, String>>,
    /// The embeddings client, with an API key and `profile.embeddings_model` set.
    embedder: Option<profile::embeddings::Embedder>,
}

impl Scoring {
    /// A day's scoring with this scorer and profile, without the cascade or embeddings.
    pub fn new(scorer: Scorer, profile: Result<profile::Profile, String>) -> Scoring {
        Scoring {
            scorer,
            profile,
            cascade: None,
            embedder: None,
        }
    }

    /// The scorer from config, and the profile trained on the repository's labels and
    /// scanned papers as they are now. A profile that cannot be trained never stops scoring.
    pub(crate) fn from_config(config: &Config) -> anyhow::Result<Scoring> {
        let started = std::time::Instant::now();
        // Labels and recent records are read once, for the prompt's examples, the profile and
        // the cascade's calibration.
        let history = profile::read_history(
            &config.data_dir(),
            &config.profile,
            profile::History::Recent,
        )
        .map_err(|error| format!("{error:#}"));
        let scorer = scorer_with_labels(config, history.as_ref().ok().map(|(store, _)| store))?;
        let profile = history
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|(store, records)| {
                profile::examples_from(&config.data_dir(), &config.profile, store, records)
                    .map_err(|error| format!("{error:#}"))
            })
            .and_then(|examples| {
                tracing::debug!(
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    examples = examples.len(),
                    "profile: examples read"
                );
                profile::Profile::train(&examples, &config.profile, true)
                    .map_err(|reason| reason.to_string())
            });
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            trained = profile.is_ok(),
            "profile: model trained"
        );
        let cascade = match (&scorer, &profile) {
            (Scorer::Llm(_), _) if config.profile.cascade => Some(match (&profile, &history) {
                (Ok(_), Ok((store, records))) => {
                    profile::cascade::calibrate(records, store, &config.profile)
                }
                (Ok(_), Err(error)) => Err(error.clone()),
                (Err(_), _) => Err("no profile yet (it is learned from your labels, or from the LLM's picks of recorded days)".to_string()),
            }),
            _ => None,
        };
        let embedder = match api_key(config) {
            Some(key) => profile::embeddings::Embedder::from_config(config, &key)?,
            None => None,
        };
        Ok(Scoring {
            scorer,
            profile,
            cascade,
            embedder,
        })
    }

    /// The profile's scores of a day's papers ([`Scoring::day_scores`]), with the embedding
    /// similarity blended in when `profile.embeddings_model` is set, and what that did.
    pub(crate) async fn day_scores_embedded(
        &self,
        papers: &[crate::paper::Paper],
        config: &Config,
    ) -> (profile::DayScores, Option<crate::record::EmbeddingsRecord>) {
        let mut scores = self.day_scores(papers, config);
        let (Some(embedder), Ok(profile)) = (&self.embedder, &self.profile) else {
            return (scores, None);
        };
        let day: Vec<crate::record::PaperText> = papers
            .iter()
            .map(|p| crate::record::PaperText {
                id: p.id.clone(),
                title: p.title.clone(),
                authors: p.authors.clone(),
                abstract_text: p.abstract_text.clone(),
                categories: p.categories.clone(),
            })
            .collect();
        let record =
            profile::embeddings::apply(embedder, config, &day, &profile.positives, &mut scores)
                .await;
        (scores, Some(record))
    }

    /// Scores a day as [`Scoring::score`] does, with the cascade before the LLM when it is
    /// calibrated: the papers it cuts are not sent and come back filtered with the reason
    /// [`crate::record::CASCADE_REASON`]. The record of what the cascade did comes with it.
    pub(crate) async fn score_day(
        &self,
        config: &Config,
        candidates: &[Candidate],
        day_scores: &profile::DayScores,
        spent_before: f64,
    ) -> (ScoreOutcome, Option<crate::record::CascadeRecord>) {
        let calibration = match (&self.cascade, self.ranking_profile(config)) {
            (Some(Ok(calibration)), None) => calibration,
            (Some(Err(reason)), None) => {
                let outcome = self.scorer.score(candidates, spent_before).await;
                let record = crate::record::CascadeRecord {
                    recall: config.profile.cascade_recall,
                    sent: candidates.len(),
                    note: Some(reason.clone()),
                    ..Default::default()
                };
                return (outcome, Some(record));
            }
            _ => {
                let outcome = match self.ranking_profile(config) {
                    Some(_) => self.score(config, candidates, day_scores).await,
                    None => self.scorer.score(candidates, spent_before).await,
                };
                return (outcome, None);
            }
        };
        let plan = profile::cascade::cut_day(calibration, candidates, day_scores, &config.profile);
        let sent: Vec<Candidate> = candidates
            .iter()
            .zip(&plan.cut)
            .filter(|(_, cut)| !**cut)
            .map(|(c, _)| c.clone())
            .collect();
        let scored = self.scorer.score(&sent, spent_before).await;
        let mut answers = scored.verdicts.into_iter();
        let threshold = plan.record.threshold.unwrap_or(0.0);
        let verdicts = candidates
            .iter()
            .zip(&plan.cut)
            .map(|(candidate, &cut)| {
                if cut {
                    let score = day_scores.get(&candidate.paper.id).copied().unwrap_or(0.0);
                    Verdict::Cut(profile::cascade::cut_reason(score, threshold))
                } else {
                    answers
                        .next()
                        .expect("the scorer returns one verdict per paper sent")
                }
            })
            .collect();
        let outcome = ScoreOutcome {
            verdicts,
            usage: scored.usage,
            failure: scored.failure,
        };
        (outcome, Some(plan.record))
    }

    /// The profile when it is the reader's own: their "want" labels reach
    /// `profile.min_wants` (the LLM's picks do not count for this).
    pub(crate) fn readers_profile(&self, config: &Config) -> Option<&profile::Profile> {
        self.profile
            .as_ref()
            .ok()
            .filter(|profile| profile.counts.want >= config.profile.min_wants)
    }

    /// The profile when it ranks days without an API key.
    fn ranking_profile(&self, config: &Config) -> Option<&profile::Profile> {
        match self.scorer {
            Scorer::Keywords(_) => self.readers_profile(config),
            Scorer::Llm(_) => None,
        }
    }

    /// Scores a day's candidates: by the LLM when a key is set; without one by the reader's
    /// profile when there are enough labels, else by the keyword scorer.
    /// `day_scores` are the profile's scores of the day's papers ([`Scoring::day_scores`]).
    pub(crate) async fn score(
        &self,
        config: &Config,
        candidates: &[Candidate],
        day_scores: &profile::DayScores,
    ) -> ScoreOutcome {
        match self.ranking_profile(config) {
            Some(profile) => profile::rank_day(
                profile,
                candidates,
                &config.profile,
                &config.selection,
                day_scores,
            ),
            None => self.scorer.score(candidates, 0.0).await,
        }
    }

    /// The profile's scores of a day's papers (none without a profile).
    pub(crate) fn day_scores(
        &self,
        papers: &[crate::paper::Paper],
        config: &Config,
    ) -> profile::DayScores {
        match &self.profile {
            Ok(profile) => profile.day_scores(papers, config.llm.abstract_chars),
            Err(_) => profile::DayScores::new(),
        }
    }

    /// Which scorer a day gets, for logs.
    pub(crate) fn describe(&self, config: &Config) -> String {
        match self.ranking_profile(config) {
            Some(_) => "your profile (no LLM API key set)".to_string(),
            None => self.scorer.describe(),
        }
    }

    /// One line for the run's log: the profile's evidence, or why there is none.
    pub(crate) fn describe_profile(&self) -> String {
        match &self.profile {
            Ok(profile) => {
                let c = &profile.counts;
                format!(
                    "profile from {} \"want\" and {} \"not for me\" labels, {} LLM picks, {} imported picks, {} unmarked papers ({} set aside as perhaps wanted)",
                    c.want, c.not_for_me, c.llm_picks, c.imported_picks, c.unmarked, c.doubted
                )
            }
            Err(reason) => format!("no profile: {reason}"),
        }
    }
}

/// The LLM API key from `llm.api_key_env`, when set and not empty.
fn api_key(config: &Config) -> Option<String> {
    std::env::var(&config.llm.api_key_env)
        .ok()
        .filter(|k| !k.trim().is_empty())
}

pub(crate) fn scorer_from_config(config: &Config) -> anyhow::Result<Scorer> {
    let store = crate::record::labels::load(&config.data_dir()).ok();
    scorer_with_labels(config, store.as_ref())
}

/// [`scorer_from_config`] with the label store already read (`None`: it could not be).
fn scorer_with_labels(
    config: &Config,
    labels: Option<&crate::record::labels::LabelStore>,
) -> anyhow::Result<Scorer> {
    let mut prompts = prompt::Prompts::load(&config.prompts_dir())?;
    prompts.examples = labels
        .map(|store| label_examples_from(config, &prompts, store))
        .unwrap_or_default();
    match api_key(config) {
        Some(api_key) => {
            let mut config = config.clone();
            config.llm.base_url = llm::client::effective_base_url(
                &config.llm.base_url,
                std::env::var("OPENAI_BASE_URL").ok(),
            );
            Ok(Scorer::Llm(Box::new(llm::LlmScorer::new(
                &config, prompts, api_key,
            )?)))
        }
        None => Ok(Scorer::Keywords(keywords::KeywordScorer::new(
            &config.keywords.include,
            &prompts,
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::{AnnounceType, Paper};

    fn candidate(id: &str, followed: &[&str]) -> Candidate {
        Candidate {
            paper: Paper {
                id: id.into(),
                version: 1,
                title: format!("Paper {id}"),
                authors: vec!["A".into()],
                abstract_text: "abstract".into(),
                categories: vec!["cs.LG".into()],
                announce_type: AnnounceType::New,
                doi: None,
                journal_ref: None,
                license: None,
            },
            followed_authors: followed.iter().map(|s| s.to_string()).collect(),
            include_hits: Vec::new(),
        }
    }

    fn scored(relevance: u8, novelty: u8) -> Verdict {
        Verdict::Scored(
            Scores {
                relevance,
                novelty,
                comment: "c".into(),
            },
            Vec::new(),
        )
    }

    #[test]
    fn thresholds_ranking_and_pinning() {
        let candidates = [
            candidate("a", &[]),
            candidate("b", &[]),
            candidate("c", &[]),
            candidate("d", &["Ada Lovelace"]),
            candidate("e", &[]),
            candidate("f", &[]),
        ];
        let verdicts = [
            scored(8, 6),
            scored(10, 9),
            scored(6, 9),
            scored(2, 2),
            Verdict::Unscored {
                reason: "answer never parsed".into(),
                budget: false,
            },
            scored(9, 5),
        ];
        let records = decide(
            &candidates,
            &verdicts,
            &SelectionConfig::default(),
            &topics::TopicCatalog::default(),
        );
        let order: Vec<_> = records
            .iter()
            .map(|r| (r.id.as_str(), r.decision))
            .collect();
        assert_eq!(
            order,
            [
                ("d", Decision::Selected),
                ("b", Decision::Selected),
                ("f", Decision::Selected), // ties with "a" on the sum; higher relevance wins
                ("a", Decision::Selected),
                ("e", Decision::Unscored),
                ("c", Decision::Filtered),
            ]
        );
        assert_eq!(
            records[0].reason.as_deref(),
            Some("Followed author: Ada Lovelace")
        );
        assert!(
            records[5]
                .reason
                .as_deref()
                .unwrap()
                .contains("below thresholds")
        );
    }

    #[test]
    fn status_follows_the_worst_verdict() {
        let mut outcome = ScoreOutcome {
            verdicts: vec![scored(5, 5)],
            usage: Usage::default(),
            failure: None,
        };
        assert_eq!(day_status(&outcome), DayStatus::Ok);
        outcome.verdicts.push(Verdict::Unscored {
            reason: "x".into(),
            budget: false,
        });
        assert_eq!(day_status(&outcome), DayStatus::Partial);
        outcome.verdicts.push(Verdict::Unscored {
            reason: "budget".into(),
            budget: true,
        });
        assert_eq!(day_status(&outcome), DayStatus::BudgetStopped);
        outcome.failure = Some("401 Unauthorized".into());
        assert_eq!(day_status(&outcome), DayStatus::LlmFailed);
    }
}

//! The profile: a model of what the reader wants, learned in pure Rust from their labels (and,
//! weighted less, the papers the LLM selected on recorded days and the replaced tool's imported
//! picks), against the scanned papers they did not mark. Features are tf-idf over title and
//! abstract plus author names ([`features`]); the model is class-balanced L2 logistic
//! regression ([`logistic`]). It reads labels and the scanned-text store through `record`.

pub(crate) mod cascade;
pub(crate) mod embeddings;
pub(crate) mod features;
pub(crate) mod logistic;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Result;
use jiff::civil::Date;

use crate::config::ProfileConfig;
use crate::record::labels::{self, LabelKind, LabelSource};
use crate::record::{self, DayRecord, Decision, PaperText, ScorerKind, SourceKind, scanned};
use features::{Sparse, Vocabulary, VocabularyBounds};

/// Where a training example came from, weakest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Evidence {
    /// The reader's own "want" or "not for me".
    Label,
    /// Selected by the LLM on a recorded day.
    LlmPick,
    /// Picked by the replaced tool (`source: imported`, or an imported day's selection).
    ImportedPick,
    /// Scanned on a recent day and not marked: taken as not wanted.
    Unmarked,
    /// Not marked, and left out by the LLM on its day: known not to be what the LLM selects, so
    /// never doubted (`profile.unmarked_doubt` is about papers nobody judged).
    LlmPassed,
}

/// One training example.
#[derive(Debug, Clone)]
pub(crate) struct Example {
    pub text: PaperText,
    pub wanted: bool,
    pub evidence: Evidence,
    /// The day it counts for (its label's date, or the day that scanned it).
    pub at: Date,
}

/// How many examples of each kind a profile learned from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub want: usize,
    pub not_for_me: usize,
    pub llm_picks: usize,
    pub imported_picks: usize,
    pub unmarked: usize,
    /// Unmarked papers set aside as too like the wanted ones (`profile.unmarked_doubt`).
    pub doubted: usize,
}

/// A term and its weight in the model.
pub type WeightedTerm = (String, f64);

/// A trained profile.
#[derive(Debug, Clone)]
pub struct Profile {
    vocabulary: Vocabulary,
    model: logistic::Model,
    /// The wanted papers' vectors, for "like: <title>" and `profile explain`.
    wanted: Vec<(PaperText, Sparse)>,
    /// Every wanted paper the profile learned from (labels and picks), for embeddings.
    pub(crate) positives: Vec<PaperText>,
    pub counts: Counts,
}

/// Why a profile could not be trained.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NoProfile {
    #[error(
        "{have} wanted papers with a known text (\"want\" labels, and with an API key the LLM's picks of recorded days), {need} needed ([profile] min_wants); mark papers on the site or `papersift labels import`"
    )]
    TooFewWants { have: usize, need: usize },
    #[error("no scanned papers to learn what is not wanted (data/scanned/ is empty)")]
    NoNegatives,
}

/// How much of the archive [`examples`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum History {
    /// The records of the last `profile.history_days` days (a run).
    Recent,
    /// Every record (`papersift profile`, which also dates each label by its paper's day).
    All,
}

/// Gathers the examples: labels in force (with their texts), the weaker picks of recorded
/// days when `settings` gives them weight, and unmarked scanned papers of the store as
/// negatives. Followed-author papers are not evidence of topic and are left out. Labels still
/// waiting for their paper's text are left out until a run fills it in.
pub(crate) fn examples(
    data_dir: &Path,
    settings: &ProfileConfig,
    history: History,
) -> Result<Vec<Example>> {
    let (store, records) = read_history(data_dir, settings, history)?;
    examples_from(data_dir, settings, &store, &records)
}

/// The label store and the recorded days [`examples`] learns from (and the cascade calibrates
/// on), read once.
pub(crate) fn read_history(
    data_dir: &Path,
    settings: &ProfileConfig,
    history: History,
) -> Result<(labels::LabelStore, Vec<DayRecord>)> {
    let store = labels::load(data_dir)?;
    let records = match (history, record::last_date(data_dir)?) {
        (History::All, _) => record::load_all(data_dir)?,
        (History::Recent, Some(last)) => {
            let (from, to) = history_window(last, settings.history_days);
            record::load_between(data_dir, from, to)?
        }
        (History::Recent, None) => Vec::new(),
    };
    Ok((store, records))
}

/// [`examples`] from a label store and recorded days already read.
pub(crate) fn examples_from(
    data_dir: &Path,
    settings: &ProfileConfig,
    store: &labels::LabelStore,
    records: &[DayRecord],
) -> Result<Vec<Example>> {
    let current = store.current();
    let mut out: Vec<Example> = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut waiting: HashMap<String, (bool, Date, Evidence)> = HashMap::new();
    for label in current.values() {
        let evidence = if label.source == LabelSource::Imported {
            Evidence::ImportedPick
        } else {
            Evidence::Label
        };
        let wanted = label.kind == LabelKind::Want;
        match store.text(&label.id) {
            Some(text) => {
                taken.insert(label.id.clone());
                out.push(Example {
                    text,
                    wanted,
                    evidence,
                    at: label.at,
                });
            }
            None => {
                waiting.insert(label.id.clone(), (wanted, label.at, evidence));
            }
        }
    }
    // Recorded days: the weaker picks, and the texts of labels that carried none.
    let weak_picks = settings.llm_pick_weight > 0.0 || settings.imported_pick_weight > 0.0;
    let days: Vec<&DayRecord> = records.iter().filter(|d| d.status.has_page()).collect();
    for day in &days {
        // A keyword-scored day's picks say nothing the profile should learn.
        let evidence = match (day.source.kind, day.usage.scorer) {
            (SourceKind::Import, _) | (_, ScorerKind::Imported) => Some(Evidence::ImportedPick),
            (_, ScorerKind::Llm) => Some(Evidence::LlmPick),
            _ => None,
        };
        for paper in day
            .papers
            .iter()
            .filter(|p| p.decision == Decision::Selected)
        {
            if paper.title.is_empty() || !paper.followed_authors.is_empty() {
                continue;
            }
            let text = PaperText {
                id: paper.id.clone(),
                title: paper.title.clone(),
                authors: paper.authors.clone(),
                abstract_text: paper.abstract_text.clone().unwrap_or_default(),
                categories: paper.categories.clone(),
            };
            if let Some((wanted, at, evidence)) = waiting.remove(&paper.id) {
                taken.insert(paper.id.clone());
                out.push(Example {
                    text,
                    wanted,
                    evidence,
                    at,
                });
                continue;
            }
            if let Some(evidence) = evidence.filter(|_| weak_picks)
                && !taken.contains(&paper.id)
            {
                taken.insert(paper.id.clone());
                out.push(Example {
                    text,
                    wanted: true,
                    evidence,
                    at: day.date,
                });
            }
        }
    }
    // A label counts for the day its paper was announced, when a recorded day saw it: an
    // import dates every label on the day of the import.
    let seen_on: HashMap<&str, Date> = days
        .iter()
        .flat_map(|d| d.papers.iter().map(move |p| (p.id.as_str(), d.date)))
        .collect();
    for example in out.iter_mut() {
        if let Some(day) = seen_on.get(example.text.id.as_str()) {
            example.at = *day;
        }
    }
    // Too few wanted papers for any profile: the store (the costly part to read) is not read.
    if out.iter().filter(|e| e.wanted).count() < settings.min_wants {
        return Ok(out);
    }
    // The scanned papers not marked: what the reader saw and passed over.
    let llm_days: HashSet<Date> = days
        .iter()
        .filter(|d| d.usage.scorer == ScorerKind::Llm)
        .map(|d| d.date)
        .collect();
    let mut unmarked = Vec::new();
    for date in scanned::dates(data_dir)? {
        let texts = match scanned::load_day(data_dir, date) {
            Ok(texts) => texts,
            Err(error) => {
                tracing::warn!("{error:#}; the profile learns without that day");
                continue;
            }
        };
        for text in texts {
            if let Some((wanted, at, evidence)) = waiting.remove(&text.id) {
                taken.insert(text.id.clone());
                out.push(Example {
                    text,
                    wanted,
                    evidence,
                    at,
                });
            } else if !current.contains_key(&text.id) && !taken.contains(&text.id) {
                unmarked.push(Example {
                    text,
                    wanted: false,
                    evidence: if llm_days.contains(&date) {
                        Evidence::LlmPassed
                    } else {
                        Evidence::Unmarked
                    },
                    at: date,
                });
            }
        }
    }
    // An even sample across the days, newest kept when there are too many.
    if unmarked.len() > settings.max_unmarked {
        let step = unmarked.len() as f64 / settings.max_unmarked as f64;
        unmarked = (0..settings.max_unmarked)
            .map(|i| unmarked[(i as f64 * step) as usize].clone())
            .collect();
    }
    out.extend(unmarked);
    Ok(out)
}

/// The recorded days a run learns from: the `history_days` before `last`, and `last`.
pub(crate) fn history_window(last: Date, history_days: u32) -> (Date, Date) {
    let from = last
        .checked_sub(jiff::ToSpan::days(i64::from(history_days)))
        .unwrap_or(last);
    (from, last.tomorrow().unwrap_or(last))
}

impl Profile {
    /// Trains a profile, or says why there is none: fewer than `min_wants` "want" labels (the
    /// reader's own, or with `from_picks` the LLM's and imported picks too), or no negatives.
    pub(crate) fn train(
        examples: &[Example],
        settings: &ProfileConfig,
        from_picks: bool,
    ) -> std::result::Result<Profile, NoProfile> {
        let weight = |e: &Example| match e.evidence {
            Evidence::Label | Evidence::Unmarked | Evidence::LlmPassed => 1.0,
            Evidence::LlmPick => settings.llm_pick_weight,
            Evidence::ImportedPick => settings.imported_pick_weight,
        };
        let used: Vec<&Example> = examples.iter().filter(|e| weight(e) > 0.0).collect();
        let wants = used
            .iter()
            .filter(|e| e.wanted && (from_picks || e.evidence == Evidence::Label))
            .count();
        if wants < settings.min_wants {
            return Err(NoProfile::TooFewWants {
                have: wants,
                need: settings.min_wants,
            });
        }
        if !used.iter().any(|e| !e.wanted) {
            return Err(NoProfile::NoNegatives);
        }
        let terms: Vec<Vec<String>> = used
            .iter()
            .map(|e| features::terms(&e.text.title, &e.text.abstract_text, &e.text.authors))
            .collect();
        let vocabulary = Vocabulary::fit(&terms, VocabularyBounds::default());
        let xs: Vec<Sparse> = terms.iter().map(|t| vocabulary.vector(t)).collect();
        let ys: Vec<bool> = used.iter().map(|e| e.wanted).collect();
        let own: Vec<f64> = used.iter().map(|e| weight(e)).collect();
        let ws = logistic::balanced(&ys, &own);
        let solver = logistic::Settings {
            c: settings.c,
            ..logistic::Settings::default()
        };
        let mut model = logistic::train(&xs, &ys, &ws, vocabulary.len(), solver);
        // The unmarked papers are not all unwanted: some the reader would have marked. Those the
        // first model rates most like the wanted papers are set aside and the model trained again
        // (the "reliable negatives" step of learning from positive and unlabelled examples).
        let mut doubted: HashSet<usize> = HashSet::new();
        if settings.unmarked_doubt > 0.0 {
            let mut unmarked: Vec<(usize, f64)> = used
                .iter()
                .enumerate()
                .filter(|(_, e)| e.evidence == Evidence::Unmarked)
                .map(|(i, _)| (i, model.probability(&xs[i])))
                .collect();
            unmarked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let take = (unmarked.len() as f64 * settings.unmarked_doubt) as usize;
            doubted = unmarked.iter().take(take).map(|(i, _)| *i).collect();
            if !doubted.is_empty() {
                let kept: Vec<f64> = own
                    .iter()
                    .enumerate()
                    .map(|(i, w)| if doubted.contains(&i) { 0.0 } else { *w })
                    .collect();
                model = logistic::train_from(
                    &xs,
                    &ys,
                    &logistic::balanced(&ys, &kept),
                    &model,
                    vocabulary.len(),
                    solver,
                );
            }
        }
        let mut counts = Counts {
            doubted: doubted.len(),
            ..Counts::default()
        };
        for e in &used {
            match (e.evidence, e.wanted) {
                (Evidence::Label, true) => counts.want += 1,
                (Evidence::Label, false) => counts.not_for_me += 1,
                (Evidence::LlmPick, _) => counts.llm_picks += 1,
                (Evidence::ImportedPick, _) => counts.imported_picks += 1,
                (Evidence::Unmarked | Evidence::LlmPassed, _) => counts.unmarked += 1,
            }
        }
        let positives = used
            .iter()
            .filter(|e| e.wanted)
            .map(|e| e.text.clone())
            .collect();
        let wanted = used
            .iter()
            .zip(xs)
            .filter(|(e, _)| e.wanted && e.evidence == Evidence::Label)
            .map(|(e, x)| (e.text.clone(), x))
            .collect();
        Ok(Profile {
            vocabulary,
            model,
            wanted,
            positives,
            counts,
        })
    }

    fn vector(&self, title: &str, abstract_text: &str, authors: &[String]) -> Sparse {
        self.vocabulary
            .vector(&features::terms(title, abstract_text, authors))
    }

    /// How much the reader wants a paper: a probability in [0, 1].
    pub fn score(&self, title: &str, abstract_text: &str, authors: &[String]) -> f64 {
        self.model
            .probability(&self.vector(title, abstract_text, authors))
    }

    /// The wanted paper most like this one, with its cosine similarity.
    pub fn nearest_wanted(
        &self,
        title: &str,
        abstract_text: &str,
        authors: &[String],
    ) -> Option<(&PaperText, f32)> {
        let x = self.vector(title, abstract_text, authors);
        self.wanted
            .iter()
            .map(|(text, w)| (text, features::cosine(&x, w)))
            .filter(|(_, s)| *s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The `n` terms with the largest positive and the largest negative weights.
    pub fn top_terms(&self, n: usize) -> (Vec<WeightedTerm>, Vec<WeightedTerm>) {
        let mut ranked: Vec<(usize, f64)> =
            self.model.weights.iter().copied().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let named = |items: &[(usize, f64)]| {
            items
                .iter()
                .map(|(i, w)| (self.vocabulary.terms[*i].clone(), *w))
                .collect::<Vec<_>>()
        };
        let positive: Vec<(usize, f64)> = ranked
            .iter()
            .filter(|(_, w)| *w > 0.0)
            .take(n)
            .copied()
            .collect();
        let negative: Vec<(usize, f64)> = ranked
            .iter()
            .rev()
            .filter(|(_, w)| *w < 0.0)
            .take(n)
            .copied()
            .collect();
        (named(&positive), named(&negative))
    }

    /// The terms of one paper that moved its score most, each with its share of the margin.
    pub fn explain(
        &self,
        title: &str,
        abstract_text: &str,
        authors: &[String],
        n: usize,
    ) -> Vec<(String, f64)> {
        let x = self.vector(title, abstract_text, authors);
        let mut parts: Vec<(String, f64)> = x
            .iter()
            .map(|(i, v)| {
                (
                    self.vocabulary.terms[*i as usize].clone(),
                    self.model.weights[*i as usize] * f64::from(*v),
                )
            })
            .collect();
        parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        parts.truncate(n);
        parts
    }

    pub fn vocabulary_size(&self) -> usize {
        self.vocabulary.len()
    }
}

/// Profile scores of a day's papers, by ID: computed once a day, for the ranking and for the
/// record.
pub type DayScores = HashMap<String, f64>;

impl Profile {
    /// The scores of `papers`, their abstracts cut as the profile's own texts are (the scanned
    /// store keeps them so).
    pub(crate) fn day_scores(
        &self,
        papers: &[crate::paper::Paper],
        abstract_chars: usize,
    ) -> DayScores {
        papers
            .iter()
            .map(|p| {
                let abstract_text = crate::text::abstract_cut(&p.abstract_text, abstract_chars);
                (
                    p.id.clone(),
                    self.score(&p.title, &abstract_text, &p.authors),
                )
            })
            .collect()
    }
}

/// A day's verdicts from the profile, for a day with no API key: the `select` best papers by
/// profile score (or those reaching `threshold`), and every paper matching an include keyword,
/// get a relevance from `relevance_min` up to 10; the rest below it, in order of score.
/// Novelty is not judged (the keyword scorer's neutral value). The comment names the score and
/// the wanted paper the paper is most like.
pub(crate) fn rank_day(
    profile: &Profile,
    candidates: &[crate::select::Candidate],
    settings: &ProfileConfig,
    selection: &crate::config::SelectionConfig,
    day_scores: &DayScores,
) -> super::ScoreOutcome {
    let scores: Vec<f64> = candidates
        .iter()
        .map(|c| day_scores.get(&c.paper.id).copied().unwrap_or(0.0))
        .collect();
    let cut = match settings.threshold {
        Some(threshold) => threshold,
        None => {
            let mut sorted = scores.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            sorted
                .get(settings.select.min(sorted.len()).saturating_sub(1))
                .copied()
                .unwrap_or(1.0)
        }
    };
    let low = f64::from(selection.relevance_min.saturating_sub(1).max(1));
    let high_floor = f64::from(selection.relevance_min);
    let verdicts = candidates
        .iter()
        .zip(&scores)
        .map(|(candidate, &p)| {
            let chosen = p >= cut || !candidate.include_hits.is_empty();
            let relevance = if chosen {
                let above = if cut < 1.0 {
                    ((p - cut) / (1.0 - cut)).max(0.0)
                } else {
                    0.0
                };
                (high_floor + (10.0 - high_floor) * above)
                    .round()
                    .clamp(high_floor, 10.0)
            } else {
                (1.0 + (low - 1.0) * (p / cut.max(f64::EPSILON)))
                    .floor()
                    .clamp(1.0, low)
            };
            // Only a chosen paper's comment is shown (a filtered row keeps none).
            let like = if chosen {
                profile
                    .nearest_wanted(
                        &candidate.paper.title,
                        &candidate.paper.abstract_text,
                        &candidate.paper.authors,
                    )
                    .map(|(near, _)| format!("; like “{}”", crate::text::one_line(&near.title)))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let keywords = if candidate.include_hits.is_empty() {
                String::new()
            } else {
                format!("; include keywords: {}", candidate.include_hits.join(", "))
            };
            super::Verdict::Scored(
                crate::record::Scores {
                    relevance: relevance as u8,
                    novelty: super::keywords::NEUTRAL_NOVELTY,
                    comment: format!("Profile score {p:.2}{like}{keywords}"),
                },
                Vec::new(),
            )
        })
        .collect();
    super::ScoreOutcome {
        verdicts,
        usage: crate::record::Usage {
            scorer: ScorerKind::Profile,
            cost_usd: Some(0.0),
            ..crate::record::Usage::default()
        },
        failure: None,
    }
}

/// ROC-AUC of scores against labels: the chance that a wanted paper outranks an unwanted one
/// (ties count half). `None` without both classes.
pub fn roc_auc(scored: &[(f64, bool)]) -> Option<f64> {
    let positives = scored.iter().filter(|(_, y)| *y).count();
    let negatives = scored.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut sorted: Vec<(f64, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Rank sum of the positives, ties given their mean rank.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += mean_rank * sorted[i..j].iter().filter(|(_, y)| *y).count() as f64;
        i = j;
    }
    let p = positives as f64;
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_pairs_and_ties_half() {
        assert_eq!(roc_auc(&[(0.9, true), (0.1, false)]), Some(1.0));
        assert_eq!(roc_auc(&[(0.1, true), (0.9, false)]), Some(0.0));
        assert_eq!(roc_auc(&[(0.5, true), (0.5, false)]), Some(0.5));
        assert_eq!(
            roc_auc(&[(0.9, true), (0.4, true), (0.5, false), (0.1, false)]),
            Some(0.75)
        );
        assert_eq!(roc_auc(&[(0.9, true)]), None);
    }

    fn text(id: &str, title: &str, abstract_text: &str) -> PaperText {
        PaperText {
            id: id.into(),
            title: title.into(),
            authors: vec![],
            abstract_text: abstract_text.into(),
            categories: vec![],
        }
    }

    fn trained() -> Profile {
        trained_with_examples().1
    }

    /// Twelve wanted papers on sparse experts, twelve unmarked ones on medical imaging.
    fn trained_with_examples() -> (Vec<Example>, Profile) {
        let day: Date = "2026-03-02".parse().unwrap();
        let mut examples = Vec::new();
        for i in 0..12 {
            examples.push(Example {
                text: text(
                    &format!("w{i}"),
                    &format!("Sparse mixture of experts {i}"),
                    "We prune experts for sparse routing in large models.",
                ),
                wanted: true,
                evidence: Evidence::Label,
                at: day,
            });
            examples.push(Example {
                text: text(
                    &format!("u{i}"),
                    &format!("Medical image segmentation {i}"),
                    "A dataset of clinical scans for tumour segmentation.",
                ),
                wanted: false,
                evidence: Evidence::Unmarked,
                at: day,
            });
        }
        let profile = Profile::train(&examples, &ProfileConfig::default(), false).unwrap();
        (examples, profile)
    }

    fn candidate(id: &str, title: &str, include: &[&str]) -> crate::select::Candidate {
        crate::select::Candidate {
            paper: crate::paper::Paper {
                id: id.into(),
                version: 1,
                title: title.into(),
                authors: vec![],
                abstract_text: title.into(),
                categories: vec![],
                announce_type: crate::paper::AnnounceType::New,
                doi: None,
                journal_ref: None,
                license: None,
            },
            followed_authors: vec![],
            include_hits: include.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_keyless_day_selects_the_best_by_profile_and_every_include_keyword_match() {
        let profile = trained();
        let candidates = vec![
            candidate("a", "Sparse experts routing", &[]),
            candidate("b", "Mixture of experts pruning", &[]),
            candidate("c", "Tumour scans segmentation", &[]),
            candidate("d", "Clinical scans", &["scans"]),
        ];
        let settings = ProfileConfig {
            select: 2,
            ..ProfileConfig::default()
        };
        let selection = crate::config::SelectionConfig::default();
        let papers: Vec<crate::paper::Paper> = candidates.iter().map(|c| c.paper.clone()).collect();
        let scores = profile.day_scores(&papers, 1150);
        let outcome = rank_day(&profile, &candidates, &settings, &selection, &scores);
        assert_eq!(outcome.usage.scorer, ScorerKind::Profile);
        let relevance: Vec<u8> = outcome
            .verdicts
            .iter()
            .map(|v| match v {
                crate::score::Verdict::Scored(s, _) => s.relevance,
                other => panic!("{other:?}"),
            })
            .collect();
        let min = selection.relevance_min;
        assert!(relevance[0] >= min && relevance[1] >= min, "{relevance:?}");
        assert!(relevance[2] < min, "{relevance:?}");
        assert!(
            relevance[3] >= min,
            "an include keyword is never cut: {relevance:?}"
        );
        let comment = match &outcome.verdicts[0] {
            crate::score::Verdict::Scored(s, _) => s.comment.clone(),
            _ => unreachable!(),
        };
        assert!(
            comment.starts_with("Profile score 0.")
                && comment.contains("like “Sparse mixture of experts"),
            "{comment}"
        );
    }

    #[test]
    fn a_profile_ranks_papers_like_the_wanted_ones_first_and_names_its_terms() {
        let (examples, profile) = trained_with_examples();
        let settings = ProfileConfig::default();
        let like = profile.score(
            "Routing in sparse experts",
            "Sparse experts prune well.",
            &[],
        );
        let unlike = profile.score("Tumour scans", "Clinical segmentation of scans.", &[]);
        assert!(like > 0.5 && unlike < 0.5, "{like} {unlike}");
        let (positive, negative) = profile.top_terms(3);
        assert!(
            positive
                .iter()
                .any(|(t, _)| t.contains("sparse") || t.contains("experts")),
            "{positive:?}"
        );
        assert!(
            negative.iter().any(|(t, _)| t.contains("segmentation")
                || t.contains("clinical")
                || t.contains("scans")),
            "{negative:?}"
        );
        let (nearest, similarity) = profile
            .nearest_wanted("Sparse mixture of experts again", "Prune experts.", &[])
            .unwrap();
        assert!(nearest.id.starts_with('w') && similarity > 0.3);
        // Too few wants: no profile, and the reason says how many.
        let few: Vec<Example> = examples
            .iter()
            .filter(|e| !e.wanted || e.text.id == "w0")
            .cloned()
            .collect();
        assert_eq!(
            Profile::train(&few, &settings, false).unwrap_err(),
            NoProfile::TooFewWants { have: 1, need: 10 }
        );
    }

    #[test]
    fn unmarked_papers_most_like_the_wanted_ones_are_doubted_not_learned_against() {
        let (mut examples, _) = trained_with_examples();
        let day: Date = "2026-03-02".parse().unwrap();
        // Three papers the reader would have wanted but did not mark, among 30 unmarked.
        for i in 0..3 {
            examples.push(Example {
                text: text(
                    &format!("h{i}"),
                    &format!("Sparse experts routing {i}"),
                    "We prune experts for sparse routing.",
                ),
                wanted: false,
                evidence: Evidence::Unmarked,
                at: day,
            });
        }
        for i in 12..27 {
            examples.push(Example {
                text: text(
                    &format!("u{i}"),
                    &format!("Protein folding {i}"),
                    "Structure prediction of proteins.",
                ),
                wanted: false,
                evidence: Evidence::Unmarked,
                at: day,
            });
        }
        let score = |settings: &ProfileConfig| {
            let profile = Profile::train(&examples, settings, false).unwrap();
            let like = profile.score("Sparse experts routing", "We prune experts.", &[]);
            (profile.counts.doubted, like)
        };
        let trusting = ProfileConfig {
            unmarked_doubt: 0.0,
            ..ProfileConfig::default()
        };
        let doubting = ProfileConfig {
            unmarked_doubt: 0.1,
            ..ProfileConfig::default()
        };
        let (none, before) = score(&trusting);
        let (doubted, after) = score(&doubting);
        assert_eq!((none, doubted), (0, 3));
        assert!(
            after > before,
            "with the hidden positives set aside, a paper like them scores higher: {before} -> {after}"
        );
    }
}

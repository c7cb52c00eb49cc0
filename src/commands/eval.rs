//! `papersift eval`: how the recorded decisions agree with the reader's labels, over the
//! labelled papers the archive saw. `--rescore` scores the same papers again with the current
//! prompts and model, so a prompt change is judged before it goes live.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::ExitCode;

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::Serialize;

use crate::config::Config;
use crate::exit::ExitKind;
use crate::paper::{AnnounceType, Paper};
use crate::record::labels::{self, LabelKind, LabelStore};
use crate::record::{self, DayRecord, Decision, PaperRecord, scanned};
use crate::score::prompt::Prompts;
use crate::score::topics::TopicCatalog;
use crate::score::{self, Scorer};
use crate::select;

/// What `papersift eval` was asked for.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub json: bool,
    pub rescore: bool,
}

/// Agreement of decisions with labels.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Labelled papers counted ("want" plus "not for me"), unscored ones left out.
    pub labelled: usize,
    pub want: usize,
    pub not_for_me: usize,
    pub want_selected: usize,
    pub not_for_me_selected: usize,
    /// Labelled papers the scorer could not score: counted apart.
    pub unscored: usize,
    /// Share of "want" papers selected.
    pub want_recall: Option<f64>,
    /// Share of "not for me" papers selected (lower is better).
    pub not_for_me_rate: Option<f64>,
    /// Share of "want" among the labelled selected papers.
    pub precision: Option<f64>,
    /// Mean of want-recall and the share of "not for me" left out.
    pub balanced_accuracy: Option<f64>,
}

impl Figures {
    fn count(&mut self, kind: LabelKind, decision: Decision) {
        if decision == Decision::Unscored {
            self.unscored += 1;
            return;
        }
        let selected = decision == Decision::Selected;
        self.labelled += 1;
        match kind {
            LabelKind::Want => {
                self.want += 1;
                self.want_selected += usize::from(selected);
            }
            _ => {
                self.not_for_me += 1;
                self.not_for_me_selected += usize::from(selected);
            }
        }
    }

    fn finish(mut self) -> Figures {
        let share = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
        self.want_recall = share(self.want_selected, self.want);
        self.not_for_me_rate = share(self.not_for_me_selected, self.not_for_me);
        self.precision = share(
            self.want_selected,
            self.want_selected + self.not_for_me_selected,
        );
        self.balanced_accuracy = match (self.want_recall, self.not_for_me_rate) {
            (Some(recall), Some(rate)) => Some((recall + 1.0 - rate) / 2.0),
            _ => None,
        };
        self
    }
}

/// A labelled paper the decision disagrees with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub date: Date,
    pub id: String,
    pub title: String,
    pub label: LabelKind,
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relevance: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub novelty: Option<u8>,
    /// The scorer's comment (selected papers), or why the paper was filtered.
    pub why: String,
}

/// One side of the comparison: the recorded decisions, or the rescored ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Side {
    pub overall: Figures,
    /// Per topic (by label), when the prompts name topics.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub topics: BTreeMap<String, Figures>,
    pub disagreements: Vec<Disagreement>,
}

/// What `eval` reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvalReport {
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Days with a page in the range.
    pub days: usize,
    /// Labels in force.
    pub labels: usize,
    /// Labels on papers no day in the range saw.
    pub labels_unseen: usize,
    pub recorded: Side,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescored: Option<Rescored>,
}

/// The labelled papers scored again.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rescored {
    pub scorer: String,
    /// Labelled papers left out for want of their text.
    pub without_text: usize,
    pub cost_usd: Option<f64>,
    pub cache_hits: u64,
    pub side: Side,
    /// The recorded figures over the same papers, for a fair comparison.
    pub recorded_same_papers: Figures,
}

/// A labelled paper as one day saw it.
struct Seen<'a> {
    date: Date,
    paper: &'a PaperRecord,
    kind: LabelKind,
}

/// `papersift eval`.
pub fn execute(config: &Config, options: &EvalOptions) -> Result<ExitCode> {
    let data_dir = config.data_dir();
    let store = labels::load(&data_dir)?;
    let current = store.current();
    if current.is_empty() {
        println!("{}", super::labels::no_labels_hint());
        return Ok(ExitCode::SUCCESS);
    }
    if let (Some(from), Some(to)) = (options.from, options.to)
        && from > to
    {
        return Err(anyhow::anyhow!("--from {from} is after --to {to}")).context(ExitKind::Config);
    }
    let days: Vec<DayRecord> = record::load_all(&data_dir)?
        .into_iter()
        .filter(|d| d.status.has_page())
        .filter(|d| options.from.is_none_or(|from| d.date >= from))
        .filter(|d| options.to.is_none_or(|to| d.date <= to))
        .collect();
    let catalog = Prompts::load(&config.prompts_dir())?.topic_catalog();
    // Each labelled paper once: on the day that selected it, else the first day that saw it.
    let mut seen: BTreeMap<&str, Seen> = BTreeMap::new();
    for day in &days {
        for paper in &day.papers {
            let Some(label) = current.get(&paper.id) else {
                continue;
            };
            let better = seen.get(paper.id.as_str()).is_none_or(|s| {
                s.paper.decision != Decision::Selected && paper.decision == Decision::Selected
            });
            if better {
                seen.insert(
                    &paper.id,
                    Seen {
                        date: day.date,
                        paper,
                        kind: label.kind,
                    },
                );
            }
        }
    }
    let texts = Texts::new(&data_dir, &store, &days);
    let recorded = side(
        seen.values().map(|s| (s, s.paper.decision, s.paper)),
        &texts,
        &catalog,
    );
    let mut report = EvalReport {
        from: options.from,
        to: options.to,
        days: days.len(),
        labels: current.len(),
        labels_unseen: current.len() - seen.len(),
        recorded,
        rescored: None,
    };
    if options.rescore {
        report.rescored = Some(rescore(config, &seen, &texts, &catalog, options.json)?);
    }
    if options.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("cannot write the report as JSON")?
        );
    } else {
        print!("{}", render(&report));
    }
    Ok(ExitCode::SUCCESS)
}

/// The texts of labelled papers: the label's own, the day's record or the scanned store.
struct Texts {
    by_id: HashMap<String, (String, Vec<String>, String)>,
}

impl Texts {
    fn new(data_dir: &std::path::Path, store: &LabelStore, days: &[DayRecord]) -> Texts {
        let mut by_id = HashMap::new();
        let wanted: HashSet<&str> = store.lines.iter().map(|l| l.id.as_str()).collect();
        let held: HashSet<Date> = scanned::dates(data_dir)
            .unwrap_or_default()
            .into_iter()
            .collect();
        for day in days {
            let from_store = if held.contains(&day.date) {
                scanned::day_texts(data_dir, day).unwrap_or_else(|error| {
                    tracing::warn!("{error:#}");
                    Vec::new()
                })
            } else {
                Vec::new()
            };
            for text in from_store {
                if wanted.contains(text.id.as_str()) {
                    by_id.insert(text.id, (text.title, text.authors, text.abstract_text));
                }
            }
            for paper in day.papers.iter().filter(|p| !p.title.is_empty()) {
                if wanted.contains(paper.id.as_str()) {
                    by_id.entry(paper.id.clone()).or_insert_with(|| {
                        (
                            paper.title.clone(),
                            paper.authors.clone(),
                            paper.abstract_text.clone().unwrap_or_default(),
                        )
                    });
                }
            }
        }
        for id in wanted {
            if let Some(text) = store.text(id) {
                by_id.entry(id.to_string()).or_insert((
                    text.title,
                    text.authors,
                    text.abstract_text,
                ));
            }
        }
        Texts { by_id }
    }

    fn title(&self, id: &str) -> String {
        self.by_id
            .get(id)
            .map_or_else(|| "(title not kept)".to_string(), |t| t.0.clone())
    }

    /// The paper with its text, when its text is known.
    fn paper(&self, id: &str, record: &PaperRecord) -> Option<Paper> {
        let (title, authors, abstract_text) = self.by_id.get(id)?;
        Some(Paper {
            id: id.to_string(),
            version: record.version,
            title: title.clone(),
            authors: authors.clone(),
            abstract_text: abstract_text.clone(),
            categories: record.categories.clone(),
            announce_type: record.announce_type.unwrap_or(AnnounceType::New),
            doi: None,
            journal_ref: None,
            license: None,
        })
    }
}

/// Figures, per-topic figures and disagreements of some decisions.
fn side<'a>(
    decided: impl Iterator<Item = (&'a Seen<'a>, Decision, &'a PaperRecord)>,
    texts: &Texts,
    catalog: &TopicCatalog,
) -> Side {
    let mut overall = Figures::default();
    let mut topics: BTreeMap<String, Figures> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let labels: HashMap<String, String> = catalog
        .labels()
        .into_iter()
        .map(|t| (t.id, t.label))
        .collect();
    for (seen, decision, decided) in decided {
        let id = seen.paper.id.as_str();
        overall.count(seen.kind, decision);
        if !catalog.is_empty() {
            let topic = decided
                .topics
                .as_ref()
                .or(seen.paper.topics.as_ref())
                .map(|t| t.primary.clone())
                .or_else(|| {
                    texts
                        .paper(id, seen.paper)
                        .and_then(|p| catalog.assign(&[], &p))
                        .map(|t| t.primary)
                });
            let name = topic
                .map(|t| labels.get(&t).cloned().unwrap_or(t))
                .unwrap_or_else(|| "(no topic)".to_string());
            topics.entry(name).or_default().count(seen.kind, decision);
        }
        let wrong = matches!(
            (seen.kind, decision),
            (LabelKind::Want, Decision::Filtered) | (LabelKind::NotForMe, Decision::Selected)
        );
        if wrong {
            let scores = decided.scores.as_ref();
            let why = match decision {
                Decision::Selected => scores.map(|s| s.comment.clone()).unwrap_or_default(),
                _ => decided.reason.clone().unwrap_or_default(),
            };
            disagreements.push(Disagreement {
                date: seen.date,
                id: id.to_string(),
                title: texts.title(id),
                label: seen.kind,
                decision,
                relevance: scores.map(|s| s.relevance),
                novelty: scores.map(|s| s.novelty),
                why,
            });
        }
    }
    disagreements.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    Side {
        overall: overall.finish(),
        topics: topics.into_iter().map(|(k, v)| (k, v.finish())).collect(),
        disagreements,
    }
}

/// Scores the labelled papers again with the current prompts and scorer.
fn rescore(
    config: &Config,
    seen: &BTreeMap<&str, Seen>,
    texts: &Texts,
    catalog: &TopicCatalog,
    quiet: bool,
) -> Result<Rescored> {
    let mut papers = Vec::new();
    let mut without_text = 0;
    for (id, s) in seen {
        match texts.paper(id, s.paper) {
            Some(paper) => papers.push(paper),
            None => without_text += 1,
        }
    }
    let scorer = score::scorer_from_config(config).context(ExitKind::Config)?;
    if let Scorer::Llm(_) = scorer
        && !quiet
    {
        let prompts = Prompts::load(&config.prompts_dir())?;
        let static_chars = prompts.system.len()
            + prompts.topics.len()
            + prompts.criteria.len()
            + prompts.output_format.len();
        let tokens = score::cost::papers_tokens(&config.llm, static_chars, papers.len());
        let estimate = config
            .model_price()
            .map(|price| score::cost::cost_usd(&price, &tokens));
        println!(
            "Rescoring {} labelled papers with {}: about {} before the score cache (the cap llm.max_cost_usd = ${:.2} holds)",
            papers.len(),
            scorer.describe(),
            estimate.map_or_else(|| "an unknown cost".to_string(), |c| format!("${c:.2}")),
            config.llm.max_cost_usd
        );
    }
    let selection = select::select(
        &papers,
        config,
        &HashSet::new(),
        &crate::fetch::s2::S2Papers::new(),
    );
    let outcome = super::runtime()?.block_on(scorer.score(&selection.candidates, 0.0));
    if let Some(failure) = &outcome.failure {
        return Err(anyhow::anyhow!("rescoring failed: {failure}")).context(ExitKind::Llm);
    }
    let mut decided = score::decide(
        &selection.candidates,
        &outcome.verdicts,
        &config.selection,
        catalog,
    );
    decided.extend(selection.excluded);
    let by_id: HashMap<&str, &PaperRecord> = decided.iter().map(|p| (p.id.as_str(), p)).collect();
    let rows: Vec<(&Seen, Decision, &PaperRecord)> = seen
        .iter()
        .filter_map(|(id, s)| by_id.get(id).map(|p| (s, p.decision, *p)))
        .collect();
    let mut same = Figures::default();
    for (s, _, _) in &rows {
        same.count(s.kind, s.paper.decision);
    }
    Ok(Rescored {
        scorer: scorer.describe(),
        without_text,
        cost_usd: outcome.usage.cost_usd,
        cache_hits: outcome.usage.cache_hits,
        side: side(rows.into_iter(), texts, catalog),
        recorded_same_papers: same.finish(),
    })
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// The report as a table for people.
fn render(report: &EvalReport) -> String {
    let mut out = String::new();
    let range = match (report.from, report.to) {
        (None, None) => "all recorded days".to_string(),
        (from, to) => format!(
            "{} .. {}",
            from.map_or("first day".to_string(), |d| d.to_string()),
            to.map_or("last day".to_string(), |d| d.to_string())
        ),
    };
    let o = &report.recorded.overall;
    out.push_str(&format!(
        "papersift eval — {range}: {} days\n{} labelled papers seen (want {}, not for me {}); {} of the {} labels are on papers of other days\n\n",
        report.days,
        o.labelled + o.unscored,
        o.want,
        o.not_for_me,
        report.labels_unseen,
        report.labels
    ));
    let rescored = report.rescored.as_ref();
    let header = match rescored {
        Some(_) => format!("{:<20} {:>10} {:>10}\n", "", "recorded", "rescored"),
        None => format!("{:<20} {:>10}\n", "", "recorded"),
    };
    out.push_str(&header);
    type Metric = fn(&Figures) -> String;
    let metrics: [(&str, Metric, String); 5] = [
        (
            "want-recall",
            |f| percent(f.want_recall),
            format!("{} of {} \"want\" papers selected", o.want_selected, o.want),
        ),
        (
            "not-for-me rate",
            |f| percent(f.not_for_me_rate),
            format!(
                "{} of {} \"not for me\" papers selected",
                o.not_for_me_selected, o.not_for_me
            ),
        ),
        (
            "precision",
            |f| percent(f.precision),
            format!(
                "\"want\" among the {} labelled papers selected",
                o.want_selected + o.not_for_me_selected
            ),
        ),
        (
            "balanced accuracy",
            |f| percent(f.balanced_accuracy),
            "the mean of want-recall and the share of \"not for me\" left out".to_string(),
        ),
        (
            "unscored",
            |f| f.unscored.to_string(),
            "labelled papers the scorer could not score".to_string(),
        ),
    ];
    for (name, metric, meaning) in metrics {
        out.push_str(&format!("{name:<20} {:>10}", metric(o)));
        if let Some(r) = rescored {
            out.push_str(&format!(" {:>10}", metric(&r.side.overall)));
        }
        out.push_str(&format!("   {meaning}\n"));
    }
    if let Some(r) = rescored {
        out.push_str(&format!(
            "rescored with {}: {} papers ({} without a kept text left out; the recorded want-recall over the same papers is {}), cost {}, {} answers from the score cache\n",
            r.scorer,
            r.side.overall.labelled + r.side.overall.unscored,
            r.without_text,
            percent(r.recorded_same_papers.want_recall),
            r.cost_usd.map_or_else(|| "unknown".to_string(), |c| format!("${c:.4}")),
            r.cache_hits
        ));
    }
    if !report.recorded.topics.is_empty() {
        out.push_str(&format!(
            "\n{:<32} {:>5} {:>11} {:>11} {:>9}\n",
            "by topic", "want", "want-recall", "not for me", "selected"
        ));
        out.push_str(&format!(
            "{:<32} {:>5} {:>11} {:>11} {:>9}\n",
            "", "", "", "", "of them"
        ));
        for (topic, f) in &report.recorded.topics {
            out.push_str(&format!(
                "{:<32} {:>5} {:>11} {:>11} {:>9}\n",
                crate::text::one_line(topic)
                    .chars()
                    .take(32)
                    .collect::<String>(),
                f.want,
                percent(f.want_recall),
                f.not_for_me,
                percent(f.not_for_me_rate)
            ));
        }
    }
    let list = rescored.map_or(&report.recorded, |r| &r.side);
    let wanted_missed = list
        .disagreements
        .iter()
        .filter(|d| d.label == LabelKind::Want)
        .count();
    out.push_str(&format!(
        "\nDisagreements{}: {} \"want\" papers left out, {} \"not for me\" papers selected\n(newest first: the papers to read when rewriting prompts/topics.md)\n",
        if rescored.is_some() { " after rescoring" } else { "" },
        wanted_missed,
        list.disagreements.len() - wanted_missed
    ));
    for d in list.disagreements.iter().take(SHOWN_DISAGREEMENTS) {
        let scores = match (d.relevance, d.novelty) {
            (Some(r), Some(n)) => format!("relevance {r}, novelty {n}"),
            _ => "not scored".to_string(),
        };
        let what = match d.label {
            LabelKind::Want => "want, left out",
            _ => "not for me, selected",
        };
        out.push_str(&format!(
            "{}  {:<12} {}\n    {what}; {scores}{}\n",
            d.date,
            d.id,
            crate::text::one_line(&d.title),
            if d.why.is_empty() {
                String::new()
            } else {
                format!(": {}", crate::text::one_line(&d.why))
            }
        ));
    }
    if list.disagreements.len() > SHOWN_DISAGREEMENTS {
        out.push_str(&format!(
            "… and {} more (`papersift eval --json` lists them all; --from/--to narrows the days)\n",
            list.disagreements.len() - SHOWN_DISAGREEMENTS
        ));
    }
    out
}

/// Disagreements the table lists, newest first; `--json` gives them all.
const SHOWN_DISAGREEMENTS: usize = 40;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_shares_of_their_own_counts() {
        let mut f = Figures::default();
        for (kind, decision) in [
            (LabelKind::Want, Decision::Selected),
            (LabelKind::Want, Decision::Selected),
            (LabelKind::Want, Decision::Filtered),
            (LabelKind::Want, Decision::Unscored),
            (LabelKind::NotForMe, Decision::Selected),
            (LabelKind::NotForMe, Decision::Filtered),
            (LabelKind::NotForMe, Decision::Filtered),
            (LabelKind::NotForMe, Decision::Filtered),
        ] {
            f.count(kind, decision);
        }
        let f = f.finish();
        assert_eq!((f.labelled, f.unscored, f.want, f.not_for_me), (7, 1, 3, 4));
        assert_eq!(f.want_recall, Some(2.0 / 3.0));
        assert_eq!(f.not_for_me_rate, Some(0.25));
        assert_eq!(f.precision, Some(2.0 / 3.0));
        assert_eq!(f.balanced_accuracy, Some((2.0 / 3.0 + 0.75) / 2.0));
        let empty = Figures::default().finish();
        assert_eq!(empty.want_recall, None);
        assert_eq!(empty.balanced_accuracy, None);
    }
}

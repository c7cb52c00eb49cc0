//! TL;DRs of the selected papers in the reader's language (`[tldr]`): batched calls after
//! selection with the scorer's client, limits, retries and cost cap, the static prompt first so
//! providers cache it, and a cache of their own keyed by model, prompt, language and paper, so
//! a re-run costs nothing. A missing or malformed TL;DR is asked again once, then left out
//! with its reason counted; it never fails the day.

use std::collections::BTreeMap;

use futures::StreamExt;

use crate::config::TldrConfig;
use crate::paper::Paper;
use crate::record::TldrRecord;
use crate::score::answer::parse_tldr_answer;
use crate::score::cache::{self, CachedVerdict, ScoreCache};
use crate::score::cost::{self, TokenCounts, cost_usd};
use crate::score::prompt::tldr_message;

use super::LlmScorer;

/// The built-in TL;DR prompt, for forks whose `prompts/` predates `tldr.md`.
pub(crate) const DEFAULT_PROMPT: &str = include_str!("../../../prompts/tldr.md");

/// Why a TL;DR is missing when the cost cap left no room for its call.
const BUDGET_REASON: &str = "the cost cap (llm.max_cost_usd) left no room for the call";

/// The TL;DRs written, by paper ID, and the day's account of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TldrOutcome {
    pub texts: BTreeMap<String, String>,
    pub record: TldrRecord,
}

/// The system message: the prompt file with `{language}` and `{max_words}` filled in.
pub(crate) fn system_prompt(template: &str, settings: &TldrConfig) -> String {
    template
        .replace("{language}", settings.language.trim())
        .replace("{max_words}", &settings.max_words.to_string())
}

impl LlmScorer {
    /// Writes TL;DRs of `papers`. `budget_usd` is what the cost cap leaves after scoring.
    pub(crate) async fn tldrs(
        &self,
        settings: &TldrConfig,
        template: &str,
        papers: &[&Paper],
        budget_usd: f64,
    ) -> TldrOutcome {
        let system = system_prompt(template, settings);
        let folder = self.tldr_cache_root.join(cache::prompt_key(
            &self.settings.model,
            &crate::score::prompt::StagePrompts {
                title: String::new(),
                score: system.clone(),
            },
            self.settings.abstract_chars,
        ));
        let mut cache = ScoreCache::open(&folder).unwrap_or_else(|error| {
            tracing::warn!(
                error = format!("{error:#}"),
                "TL;DR cache unreadable; starting empty"
            );
            ScoreCache::empty(&folder)
        });
        let mut outcome = TldrOutcome::default();
        let mut cache_hits = 0;
        let mut waiting: Vec<&Paper> = Vec::new();
        for &paper in papers {
            match cache.get(&cache::paper_key(paper)) {
                Some(CachedVerdict::Summary { text }) => {
                    outcome.texts.insert(paper.id.clone(), text.clone());
                    cache_hits += 1;
                }
                _ => waiting.push(paper),
            }
        }
        let mut tokens = TokenCounts::default();
        let mut requests = 0;
        let mut spent = 0.0;
        let mut reasons: BTreeMap<String, String> = BTreeMap::new();
        // Two rounds: every paper, then the ones whose answer had no usable TL;DR, in halves.
        for round in 0..2 {
            if waiting.is_empty() {
                break;
            }
            let size = if round == 0 {
                settings.batch_size
            } else {
                settings.batch_size.div_ceil(2)
            };
            let mut calls = Vec::new();
            // A paper whose text reads like instructions is summarised alone, so it cannot
            // write another paper's TL;DR.
            let (alone, together): (Vec<&Paper>, Vec<&Paper>) = waiting
                .iter()
                .copied()
                .partition(|p| crate::score::prompt::looks_like_instructions(p));
            let batches: Vec<&[&Paper]> = alone
                .chunks(1)
                .chain(together.chunks(size.max(1)))
                .collect();
            for batch in batches {
                let user = tldr_message(batch, self.settings.abstract_chars);
                let prompt_chars = system.len() + user.len();
                let expected = u64::from(settings.max_words) * 3 * batch.len() as u64;
                let estimate = cost::estimate(prompt_chars, expected);
                let estimated_usd = self.price.map_or(0.0, |p| cost_usd(&p, &estimate));
                if self.price.is_some() && spent + estimated_usd > budget_usd {
                    for paper in batch {
                        reasons.insert(paper.id.clone(), BUDGET_REASON.into());
                    }
                    continue;
                }
                spent += estimated_usd;
                calls.push((batch.to_vec(), user, prompt_chars, estimate));
            }
            let answers: Vec<_> = futures::stream::iter(calls.into_iter().map(
                |(batch, user, prompt_chars, estimate)| {
                    let body = self.tldr_body(&system, &user);
                    async move {
                        let report = self
                            .client
                            .complete(&body, prompt_chars, estimate.prompt + estimate.completion)
                            .await;
                        (batch, report)
                    }
                },
            ))
            .buffer_unordered(self.settings.concurrency.max(1))
            .collect()
            .await;
            let mut again = Vec::new();
            for (batch, report) in answers {
                requests += u64::from(report.requests);
                let ids: Vec<&str> = batch.iter().map(|p| p.id.as_str()).collect();
                match report.result {
                    Ok(completion) => {
                        tokens.add(&completion.tokens);
                        let parsed = parse_tldr_answer(&completion.content, &ids);
                        for paper in batch {
                            match parsed.texts.get(&paper.id) {
                                Some(text) => {
                                    cache.put(paper, CachedVerdict::Summary { text: text.clone() });
                                    outcome.texts.insert(paper.id.clone(), text.clone());
                                    reasons.remove(&paper.id);
                                }
                                None => {
                                    let reason = parsed.missing.get(&paper.id).cloned();
                                    reasons.insert(
                                        paper.id.clone(),
                                        reason.unwrap_or_else(|| "no TL;DR in the answer".into()),
                                    );
                                    again.push(paper);
                                }
                            }
                        }
                    }
                    Err(error) => {
                        tracing::warn!(error = error.message(), "a TL;DR call failed");
                        for paper in batch {
                            reasons.insert(
                                paper.id.clone(),
                                format!("the call failed: {}", error.message()),
                            );
                            again.push(paper);
                        }
                    }
                }
            }
            waiting = again;
        }
        if let Err(error) = cache.save() {
            tracing::warn!(error = format!("{error:#}"), "TL;DR cache not saved");
        }
        let mut missing_reasons: BTreeMap<String, usize> = BTreeMap::new();
        for paper in papers {
            if !outcome.texts.contains_key(&paper.id) {
                let reason = reasons
                    .get(&paper.id)
                    .cloned()
                    .unwrap_or_else(|| "no TL;DR in the answer".into());
                *missing_reasons.entry(reason).or_default() += 1;
            }
        }
        outcome.record = TldrRecord {
            language: settings.language.trim().to_string(),
            written: outcome.texts.len(),
            missing: papers.len() - outcome.texts.len(),
            missing_reasons,
            note: None,
            usage: self.usage(requests, &tokens, cache_hits),
        };
        tracing::info!(
            written = outcome.record.written,
            missing = outcome.record.missing,
            calls = requests,
            "TL;DRs done"
        );
        outcome
    }

    fn tldr_body(&self, system: &str, user: &str) -> Vec<u8> {
        serde_json::to_vec(&self.chat_body(system, user)).expect("a JSON value always serialises")
    }
}

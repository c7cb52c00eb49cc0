//! The OpenAI-compatible LLM scorer: the title prefilter and abstract scoring as batches in
//! flight together, the cost cap, the score cache, and re-asking in smaller batches until
//! every paper is scored or given up with a reason.
//!
//! The HTTP side (retries, limits, usage, key redaction) is in [`client`] and [`limiter`];
//! prompt text in [`crate::score::prompt`]; reading answers in [`crate::score::answer`].

pub(crate) mod client;
pub(crate) mod limiter;
pub(crate) mod quirks;
pub(crate) mod tldr;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use serde_json::json;
use tokio::task::JoinSet;

use crate::config::{Config, LlmConfig, ModelPrice};
use crate::paper::Paper;
use crate::record::{Scores, Usage};
use crate::score::answer::{parse_score_answer, parse_title_answer};
use crate::score::cache::{self, CachedVerdict, ScoreCache};
use crate::score::cost::{self, EXPECTED_SCORE_TOKENS, EXPECTED_TITLE_TOKENS, cost_usd};
use crate::score::prompt::{self, Prompts, StagePrompts};
use crate::score::{ScoreOutcome, Verdict};
use crate::select::Candidate;
use client::{ApiClient, ApiKey, CallError, CallReport, TokenCounts};
use quirks::RequestShape;

/// A title batch whose answer is unusable is asked again once, in halves; after that its
/// papers skip the prefilter and are scored in full (costs more, loses nothing).
const TITLE_RETRY_ROUNDS: u32 = 1;
/// Failed calls, with no usable answer yet in their stage, that stop the run.
const FAILED_CALLS_BEFORE_GIVING_UP: u32 = 4;

/// Scores candidates with a chat-completions endpoint.
#[derive(Debug)]
pub struct LlmScorer {
    settings: LlmConfig,
    stages: StagePrompts,
    cache_folder: PathBuf,
    /// `data/cache/tldr`: TL;DR caches, one folder per prompt.
    tldr_cache_root: PathBuf,
    price: Option<ModelPrice>,
    shape: RequestShape,
    client: Arc<ApiClient>,
}

impl LlmScorer {
    /// Builds the scorer from `[llm]` config, the prompt files and the API key. (The
    /// `OPENAI_BASE_URL` override is applied by [`crate::score::scorer_from_config`], so a
    /// scorer built here talks to exactly the configured URL.)
    pub fn new(config: &Config, prompts: Prompts, api_key: String) -> Result<LlmScorer> {
        let settings = config.llm.clone();
        let stages = prompts.stage_prompts(settings.structured_output);
        let cache_folder = config
            .data_dir()
            .join("cache/scores")
            .join(cache::prompt_key(
                &settings.model,
                &stages,
                settings.abstract_chars,
            ));
        let client = ApiClient::new(&settings, ApiKey::new(api_key))?;
        Ok(LlmScorer {
            tldr_cache_root: config.data_dir().join("cache/tldr"),
            price: config.model_price(),
            shape: RequestShape::new(&settings),
            settings,
            stages,
            cache_folder,
            client: Arc::new(client),
        })
    }

    /// The configured model name.
    pub(crate) fn model(&self) -> &str {
        &self.settings.model
    }

    /// Scores every candidate, one verdict each, in candidate order. Never fails: what could
    /// not be scored is `Unscored` with the reason, and `failure` says what the API answered
    /// when nothing could be scored at all.
    ///
    /// `spent_before` is what the day already spent (embeddings): the cost cap counts it.
    pub async fn score(&self, candidates: &[Candidate], spent_before: f64) -> ScoreOutcome {
        let cache = ScoreCache::open(&self.cache_folder).unwrap_or_else(|error| {
            tracing::warn!(
                error = format!("{error:#}"),
                "score cache unreadable; starting empty"
            );
            ScoreCache::empty(&self.cache_folder)
        });
        if self.price.is_none() {
            tracing::warn!(
                model = %self.settings.model,
                "no price for this model in llm.pricing: cost is shown as unknown and llm.max_cost_usd cannot be enforced"
            );
        }
        let mut run = Run::new(self, candidates, cache);
        run.spent_before = spent_before;
        run.plan();
        run.execute().await;
        run.finish()
    }

    /// Sends one tiny request with the configured model, for `doctor --online`: the answer
    /// text, or what the API said (key redacted).
    pub(crate) async fn probe(&self) -> Result<String, String> {
        let mut body = json!({
            "model": self.settings.model,
            "messages": [{"role": "user", "content": "Reply with the single word OK."}],
        });
        // The same provider and model fields as scoring, so a refusal shows here first.
        self.shape.apply(&mut body);
        let body = serde_json::to_vec(&body).expect("a JSON value always serialises");
        match self.client.complete(&body, 40, 20).await.result {
            Ok(completion) => Ok(completion.content.trim().to_string()),
            Err(error) => Err(error.message().to_string()),
        }
    }

    /// The usage record of `requests` calls that used `tokens`.
    fn usage(&self, requests: u64, tokens: &TokenCounts, cache_hits: u64) -> Usage {
        Usage {
            scorer: crate::record::ScorerKind::Llm,
            model: Some(self.settings.model.clone()),
            calls: requests,
            prompt_tokens: tokens.prompt,
            cached_prompt_tokens: tokens.cached,
            completion_tokens: tokens.completion,
            reasoning_tokens: tokens.reasoning,
            cost_usd: self.price.map(|p| cost_usd(&p, tokens)),
            cache_hits,
        }
    }

    /// Why a paper was dropped by the title prefilter, as the page shows it.
    fn title_reason(&self) -> String {
        format!(
            "title prefilter: {} judged it clearly irrelevant from the title",
            self.settings.model
        )
    }

    /// The chat request both scoring and TL;DRs send: the model, the two messages, and the
    /// provider's shape (its quirks) applied.
    fn chat_body(&self, system: &str, user: &str) -> serde_json::Value {
        let mut body = json!({
            "model": self.settings.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        });
        self.shape.apply(&mut body);
        body
    }

    fn request_body(&self, stage: Stage, system: &str, user: &str) -> Vec<u8> {
        let mut body = self.chat_body(system, user);
        if self.settings.structured_output {
            body["response_format"] = stage.response_format();
        }
        serde_json::to_vec(&body).expect("a JSON value always serialises")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Title = 0,
    Score = 1,
}

impl Stage {
    /// The JSON schema a structured-output request demands.
    fn response_format(self) -> serde_json::Value {
        let (name, property, items) = match self {
            Stage::Title => ("irrelevant_titles", "irrelevant", json!({"type": "string"})),
            Stage::Score => (
                "paper_scores",
                "papers",
                json!({
                    "type": "object",
                    "properties": {
                        "ARXIVID": {"type": "string"},
                        "COMMENT": {"type": "string"},
                        "RELEVANCE": {"type": "integer"},
                        "NOVELTY": {"type": "integer"},
                        "TOPICS": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["ARXIVID", "COMMENT", "RELEVANCE", "NOVELTY", "TOPICS"],
                    "additionalProperties": false,
                }),
            ),
        };
        json!({
            "type": "json_schema",
            "json_schema": {
                "name": name,
                "strict": true,
                "schema": {
                    "type": "object",
                    "properties": {property: {"type": "array", "items": items}},
                    "required": [property],
                    "additionalProperties": false,
                },
            },
        })
    }
}

/// One call's worth of papers (indices into the candidates) and how often they were asked.
#[derive(Debug)]
struct Job {
    stage: Stage,
    papers: Vec<usize>,
    round: u32,
}

/// Why the run stopped sending calls.
#[derive(Debug, Clone)]
enum Stop {
    Budget,
    Refused(String),
}

/// The state of one `score` call.
struct Run<'a> {
    scorer: &'a LlmScorer,
    candidates: &'a [Candidate],
    verdicts: Vec<Option<Verdict>>,
    cache: ScoreCache,
    queue: VecDeque<Job>,
    /// Papers through the title stage, waiting to fill a scoring batch.
    waiting: Vec<usize>,
    /// Title jobs queued or in flight: while any are, scoring batches are only sent full.
    open_title_jobs: usize,
    requests: u64,
    tokens: TokenCounts,
    spent_usd: f64,
    /// Spent by the day before scoring began (embeddings), counted against the cap.
    spent_before: f64,
    reserved_usd: f64,
    cache_hits: u64,
    /// Calls that brought a usable answer, and calls that failed, per stage.
    usable_answers: [u32; 2],
    failed_calls: [u32; 2],
    last_problem: Option<String>,
    stop: Option<Stop>,
}

impl<'a> Run<'a> {
    fn new(scorer: &'a LlmScorer, candidates: &'a [Candidate], cache: ScoreCache) -> Run<'a> {
        Run {
            scorer,
            candidates,
            verdicts: vec![None; candidates.len()],
            cache,
            queue: VecDeque::new(),
            waiting: Vec::new(),
            open_title_jobs: 0,
            requests: 0,
            tokens: TokenCounts::default(),
            spent_usd: 0.0,
            spent_before: 0.0,
            reserved_usd: 0.0,
            cache_hits: 0,
            usable_answers: [0; 2],
            failed_calls: [0; 2],
            last_problem: None,
            stop: None,
        }
    }

    fn paper(&self, index: usize) -> &'a Paper {
        &self.candidates[index].paper
    }

    /// Answers what the cache knows; queues title batches, then papers to score in full.
    /// A paper whose text reads like instructions skips the prefilter and is scored alone.
    fn plan(&mut self) {
        let settings = &self.scorer.settings;
        let mut to_screen = Vec::new();
        let mut alone = Vec::new();
        for index in 0..self.candidates.len() {
            let paper = self.paper(index);
            match self.cache.get(&cache::paper_key(paper)) {
                Some(CachedVerdict::Scored {
                    relevance,
                    novelty,
                    comment,
                    topics,
                }) => {
                    self.verdicts[index] = Some(Verdict::Scored(
                        Scores {
                            relevance: *relevance,
                            novelty: *novelty,
                            comment: comment.clone(),
                        },
                        topics.clone(),
                    ));
                    self.cache_hits += 1;
                }
                Some(CachedVerdict::TitleRejected) => {
                    self.verdicts[index] = Some(Verdict::TitleRejected(self.scorer.title_reason()));
                    self.cache_hits += 1;
                }
                Some(CachedVerdict::TitleKept) => self.waiting.push(index),
                // The score cache never holds TL;DRs (they have a folder of their own).
                None | Some(CachedVerdict::Summary { .. })
                    if prompt::looks_like_instructions(paper) =>
                {
                    alone.push(index)
                }
                None | Some(CachedVerdict::Summary { .. })
                    if settings.title_filter && !self.known_interesting(index) =>
                {
                    to_screen.push(index)
                }
                None | Some(CachedVerdict::Summary { .. }) => self.waiting.push(index),
            }
        }
        for batch in balanced(to_screen, settings.title_batch_size) {
            self.queue_job(Stage::Title, batch, 0, false);
        }
        for index in alone {
            tracing::info!(id = %self.paper(index).id, "paper text reads like instructions; scoring it alone");
            self.queue_job(Stage::Score, vec![index], 0, false);
        }
    }

    /// A paper by a followed author or matching an include phrase is not "clearly
    /// irrelevant" whatever its title says: it skips the prefilter and is read in full.
    fn known_interesting(&self, index: usize) -> bool {
        let candidate = &self.candidates[index];
        !candidate.followed_authors.is_empty() || !candidate.include_hits.is_empty()
    }

    fn queue_job(&mut self, stage: Stage, papers: Vec<usize>, round: u32, first: bool) {
        if stage == Stage::Title {
            self.open_title_jobs += 1;
        }
        let job = Job {
            stage,
            papers,
            round,
        };
        if first {
            self.queue.push_front(job);
        } else {
            self.queue.push_back(job);
        }
    }

    /// Keeps up to `concurrency` calls in flight until every job is done.
    async fn execute(&mut self) {
        let mut in_flight: JoinSet<(Job, CallReport, f64)> = JoinSet::new();
        loop {
            self.batch_waiting();
            while in_flight.len() < self.scorer.settings.concurrency && self.stop.is_none() {
                let Some(job) = self.queue.pop_front() else {
                    break;
                };
                self.launch(job, &mut in_flight);
            }
            if self.stop.is_some() {
                self.abandon_queued();
            }
            match in_flight.join_next().await {
                Some(Ok((job, report, reserved))) => self.absorb(job, report, reserved),
                Some(Err(error)) => tracing::error!(%error, "an LLM call task failed"),
                None => break,
            }
        }
    }

    /// Turns waiting papers into scoring batches: full ones while title batches are still
    /// out, then the rest split evenly.
    fn batch_waiting(&mut self) {
        let size = self.scorer.settings.batch_size;
        if self.open_title_jobs > 0 {
            while self.waiting.len() >= size {
                let batch: Vec<usize> = self.waiting.drain(..size).collect();
                self.queue_job(Stage::Score, batch, 0, false);
            }
        } else if !self.waiting.is_empty() {
            for batch in balanced(std::mem::take(&mut self.waiting), size) {
                self.queue_job(Stage::Score, batch, 0, false);
            }
        }
    }

    /// Sends a job unless its estimated cost would break the cap.
    fn launch(&mut self, job: Job, in_flight: &mut JoinSet<(Job, CallReport, f64)>) {
        let settings = &self.scorer.settings;
        let papers: Vec<&Paper> = job.papers.iter().map(|&i| self.paper(i)).collect();
        let (system, user, expected_output) = match job.stage {
            Stage::Title => (
                &self.scorer.stages.title,
                prompt::title_message(&papers),
                EXPECTED_TITLE_TOKENS * papers.len() as u64,
            ),
            Stage::Score => (
                &self.scorer.stages.score,
                prompt::score_message(
                    &job.papers
                        .iter()
                        .map(|&i| prompt::ScoredPaper {
                            paper: &self.candidates[i].paper,
                            followed: &self.candidates[i].followed_authors,
                        })
                        .collect::<Vec<_>>(),
                    settings.abstract_chars,
                ),
                EXPECTED_SCORE_TOKENS * papers.len() as u64,
            ),
        };
        let expected_output = settings
            .max_tokens
            .map_or(expected_output, |cap| expected_output.min(u64::from(cap)));
        let prompt_chars = system.chars().count() + user.chars().count();
        let estimate = cost::estimate(prompt_chars, expected_output);
        let estimated_usd = self.scorer.price.map_or(0.0, |p| cost_usd(&p, &estimate));
        if self.scorer.price.is_some()
            && self.spent_before + self.spent_usd + self.reserved_usd + estimated_usd
                > settings.max_cost_usd
        {
            tracing::warn!(
                spent_usd = self.spent_usd,
                cap_usd = settings.max_cost_usd,
                "the next call would exceed llm.max_cost_usd; stopping"
            );
            self.stop = Some(Stop::Budget);
            if job.stage == Stage::Title {
                self.open_title_jobs -= 1;
            }
            self.give_up(&job);
            return;
        }
        self.reserved_usd += estimated_usd;
        let body = self.scorer.request_body(job.stage, system, &user);
        let client = Arc::clone(&self.scorer.client);
        let estimated_tokens = estimate.prompt + estimate.completion;
        in_flight.spawn(async move {
            let report = client.complete(&body, prompt_chars, estimated_tokens).await;
            (job, report, estimated_usd)
        });
    }

    /// Takes in one finished call.
    fn absorb(&mut self, job: Job, report: CallReport, reserved_usd: f64) {
        self.reserved_usd -= reserved_usd;
        self.requests += u64::from(report.requests);
        if job.stage == Stage::Title {
            self.open_title_jobs -= 1;
        }
        match report.result {
            Ok(completion) => {
                self.count_tokens(&completion.tokens);
                match job.stage {
                    Stage::Title => self.absorb_titles(job, &completion.content),
                    Stage::Score => self.absorb_scores(job, &completion.content),
                }
            }
            Err(CallError::Fatal(message)) => {
                tracing::error!(%message, "the LLM API refused the call; stopping");
                self.last_problem = Some(message.clone());
                self.stop = Some(Stop::Refused(message));
                self.give_up(&job);
            }
            Err(CallError::Rejected(message)) => {
                self.note_failed_call(job.stage, &message);
                let all: Vec<(usize, String)> =
                    job.papers.iter().map(|&i| (i, message.clone())).collect();
                match job.stage {
                    Stage::Title => self.retry_titles(job, &message),
                    Stage::Score => self.retry_scores(&job, all),
                }
            }
            Err(CallError::Unavailable(message)) => {
                self.note_failed_call(job.stage, &message);
                match job.stage {
                    // The prefilter only saves money: its papers go on to full scoring.
                    Stage::Title => self.waiting.extend(job.papers),
                    Stage::Score => {
                        for &index in &job.papers {
                            self.verdicts[index] = Some(Verdict::Unscored {
                                reason: format!("the LLM API did not answer: {message}"),
                                budget: false,
                            });
                        }
                    }
                }
            }
        }
    }

    fn count_tokens(&mut self, tokens: &TokenCounts) {
        if tokens.estimated && !self.tokens.estimated {
            tracing::warn!("the API reported no token usage; counting characters / 4 instead");
        }
        self.tokens.add(tokens);
        if let Some(price) = &self.scorer.price {
            self.spent_usd += cost_usd(price, tokens);
        }
    }

    /// Counts a call that brought nothing usable. With no usable answer yet in its stage,
    /// the fourth such call stops the run: the API or the model is broken, and more calls
    /// would only repeat the failure.
    fn note_failed_call(&mut self, stage: Stage, problem: &str) {
        tracing::warn!(%problem, "LLM call brought no usable answer");
        let at = stage as usize;
        self.failed_calls[at] += 1;
        self.last_problem = Some(problem.to_string());
        if self.usable_answers[at] == 0
            && self.failed_calls[at] >= FAILED_CALLS_BEFORE_GIVING_UP
            && self.stop.is_none()
        {
            tracing::error!(
                calls = self.failed_calls[at],
                "no call of this stage has brought a usable answer; stopping"
            );
            self.stop = Some(Stop::Refused(problem.to_string()));
        }
    }

    fn absorb_titles(&mut self, job: Job, answer: &str) {
        let ids: Vec<&str> = job
            .papers
            .iter()
            .map(|&i| self.paper(i).id.as_str())
            .collect();
        match parse_title_answer(answer, &ids) {
            Ok(rejected) => {
                self.usable_answers[Stage::Title as usize] += 1;
                for &index in &job.papers {
                    let paper = self.paper(index);
                    if rejected.contains(&paper.id) {
                        self.cache.put(paper, CachedVerdict::TitleRejected);
                        self.verdicts[index] =
                            Some(Verdict::TitleRejected(self.scorer.title_reason()));
                    } else {
                        self.cache.put(paper, CachedVerdict::TitleKept);
                        self.waiting.push(index);
                    }
                }
            }
            Err(problem) => {
                // Not counted towards giving up: the prefilter failing costs money, not papers.
                tracing::warn!(%problem, "unusable title-prefilter answer");
                self.retry_titles(job, &problem);
            }
        }
    }

    fn retry_titles(&mut self, job: Job, problem: &str) {
        if job.round < TITLE_RETRY_ROUNDS && job.papers.len() > 1 {
            let half = job.papers.len().div_ceil(2);
            for chunk in job.papers.chunks(half) {
                self.queue_job(Stage::Title, chunk.to_vec(), job.round + 1, true);
            }
        } else {
            tracing::warn!(%problem, papers = job.papers.len(), "title prefilter failed; scoring these papers in full");
            self.waiting.extend(job.papers);
        }
    }

    fn absorb_scores(&mut self, job: Job, answer: &str) {
        let ids: Vec<&str> = job
            .papers
            .iter()
            .map(|&i| self.paper(i).id.as_str())
            .collect();
        let parsed = parse_score_answer(answer, &ids);
        for note in &parsed.ignored {
            tracing::warn!(%note, "ignored part of a scoring answer");
        }
        if parsed.scores.is_empty() {
            let problem = parsed.rejected.values().next().cloned().unwrap_or_default();
            let detail = parsed.ignored.first().cloned().unwrap_or(problem);
            self.note_failed_call(Stage::Score, &format!("unusable scoring answer: {detail}"));
        } else {
            self.usable_answers[Stage::Score as usize] += 1;
        }
        let mut again = Vec::new();
        for &index in &job.papers {
            let paper = self.paper(index);
            if let Some(scores) = parsed.scores.get(&paper.id) {
                let topics = parsed.topics.get(&paper.id).cloned().unwrap_or_default();
                self.cache.put(
                    paper,
                    CachedVerdict::Scored {
                        relevance: scores.relevance,
                        novelty: scores.novelty,
                        comment: scores.comment.clone(),
                        topics: topics.clone(),
                    },
                );
                self.verdicts[index] = Some(Verdict::Scored(scores.clone(), topics));
            } else {
                let reason = parsed
                    .rejected
                    .get(&paper.id)
                    .cloned()
                    .unwrap_or_else(|| "the answer has no line for it".to_string());
                again.push((index, reason));
            }
        }
        if !again.is_empty() {
            self.retry_scores(&job, again);
        }
    }

    /// Asks again for papers without a usable score, in batches half the size of the last,
    /// down to one paper per call; after `max_retries` rounds a paper is given up with why.
    fn retry_scores(&mut self, job: &Job, papers: Vec<(usize, String)>) {
        if job.round >= self.scorer.settings.max_retries {
            for (index, reason) in papers {
                self.verdicts[index] = Some(Verdict::Unscored {
                    reason: format!("no usable score after {} calls: {reason}", job.round + 1),
                    budget: false,
                });
            }
            return;
        }
        let size = (job.papers.len() / 2).max(1);
        let indices: Vec<usize> = papers.into_iter().map(|(index, _)| index).collect();
        for chunk in indices.chunks(size).rev() {
            self.queue_job(Stage::Score, chunk.to_vec(), job.round + 1, true);
        }
    }

    /// Marks a job's papers as given up for the run's stop reason.
    fn give_up(&mut self, job: &Job) {
        let verdict = self.stopped_verdict();
        for &index in &job.papers {
            self.verdicts[index] = Some(verdict.clone());
        }
    }

    fn stopped_verdict(&self) -> Verdict {
        match &self.stop {
            Some(Stop::Budget) => Verdict::Unscored {
                reason: format!(
                    "not scored: the run reached its cost cap (llm.max_cost_usd = ${:.2})",
                    self.scorer.settings.max_cost_usd
                ),
                budget: true,
            },
            Some(Stop::Refused(message)) => Verdict::Unscored {
                reason: format!("not scored: the LLM API failed: {message}"),
                budget: false,
            },
            None => Verdict::Unscored {
                reason: "not scored: the scorer lost track of it (a bug; please report it)"
                    .to_string(),
                budget: false,
            },
        }
    }

    /// After a stop, everything not yet sent is given up.
    fn abandon_queued(&mut self) {
        let verdict = self.stopped_verdict();
        let mut abandoned = std::mem::take(&mut self.waiting);
        for job in std::mem::take(&mut self.queue) {
            if job.stage == Stage::Title {
                self.open_title_jobs -= 1;
            }
            abandoned.extend(job.papers);
        }
        for index in abandoned {
            self.verdicts[index] = Some(verdict.clone());
        }
    }

    fn finish(mut self) -> ScoreOutcome {
        match self.cache.save() {
            Ok(Some(path)) => tracing::info!(segment = %path.display(), "score cache updated"),
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(error = format!("{error:#}"), "cannot write the score cache")
            }
        }
        let fallback = self.stopped_verdict();
        let verdicts: Vec<Verdict> = self
            .verdicts
            .into_iter()
            .map(|v| v.unwrap_or_else(|| fallback.clone()))
            .collect();
        let nothing_scored = !verdicts.iter().any(|v| matches!(v, Verdict::Scored(..)));
        let failed = verdicts
            .iter()
            .any(|v| matches!(v, Verdict::Unscored { budget: false, .. }));
        let failure = (nothing_scored && failed).then(|| {
            self.last_problem
                .clone()
                .unwrap_or_else(|| "no call to the LLM API succeeded".to_string())
        });
        tracing::info!(
            calls = self.requests,
            prompt_tokens = self.tokens.prompt,
            cached_prompt_tokens = self.tokens.cached,
            completion_tokens = self.tokens.completion,
            cost_usd = self.scorer.price.map(|p| cost_usd(&p, &self.tokens)),
            cache_hits = self.cache_hits,
            "LLM scoring done"
        );
        let usage = self
            .scorer
            .usage(self.requests, &self.tokens, self.cache_hits);
        ScoreOutcome {
            verdicts,
            usage,
            failure,
        }
    }
}

/// Splits `items` into the fewest batches of at most `max`, as even in size as possible.
fn balanced(items: Vec<usize>, max: usize) -> Vec<Vec<usize>> {
    if items.is_empty() {
        return Vec::new();
    }
    let count = items.len().div_ceil(max.max(1));
    let (base, extra) = (items.len() / count, items.len() % count);
    let mut rest = items.as_slice();
    (0..count)
        .map(|n| {
            let (batch, tail) = rest.split_at(base + usize::from(n < extra));
            rest = tail;
            batch.to_vec()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_balanced() {
        let sizes = |n: usize, max: usize| -> Vec<usize> {
            balanced((0..n).collect(), max)
                .iter()
                .map(Vec::len)
                .collect()
        };
        assert_eq!(sizes(0, 10), Vec::<usize>::new());
        assert_eq!(sizes(10, 10), [10]);
        assert_eq!(sizes(11, 10), [6, 5]);
        assert_eq!(sizes(598, 100), [100, 100, 100, 100, 99, 99]);
        let all: Vec<usize> = balanced((0..23).collect(), 4).concat();
        assert_eq!(all, (0..23).collect::<Vec<_>>());
    }
}

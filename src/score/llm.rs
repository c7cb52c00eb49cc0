//! The OpenAI-compatible LLM scorer: batching, concurrency, rate limits, retries and answer parsing.

use anyhow::Result;

use crate::config::Config;
use crate::record::Usage;
use crate::score::prompt::Prompts;
use crate::score::{ScoreOutcome, Verdict};
use crate::select::Candidate;

/// Scores candidates with a chat-completions endpoint.
pub struct LlmScorer {
    model: String,
    #[allow(dead_code)]
    prompts: Prompts,
    #[allow(dead_code)]
    api_key: String,
}

impl LlmScorer {
    /// Builds the scorer from `[llm]` config, the prompt files and the API key.
    pub fn new(config: &Config, prompts: Prompts, api_key: String) -> Result<LlmScorer> {
        Ok(LlmScorer {
            model: config.llm.model.clone(),
            prompts,
            api_key,
        })
    }

    /// The configured model name.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Scores every candidate, one verdict each.
    pub async fn score(&self, candidates: &[Candidate]) -> ScoreOutcome {
        ScoreOutcome {
            verdicts: candidates
                .iter()
                .map(|_| Verdict::Unscored {
                    reason: "LLM scoring is not implemented yet".into(),
                    budget: false,
                })
                .collect(),
            usage: Usage {
                scorer: "llm".into(),
                model: Some(self.model.clone()),
                ..Usage::default()
            },
            failure: Some("LLM scoring is not implemented yet".into()),
        }
    }
}

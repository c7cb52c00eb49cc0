//! The one cost model: tokens from characters, USD from tokens, and the estimate of a whole day
//! that `doctor` compares with `llm.max_cost_usd`. The scorer's per-call budget check and
//! doctor's daily estimate both go through here, so they cannot drift apart.

use crate::config::{Config, LlmConfig, ModelPrice};

/// Characters per token for English prose under OpenAI's tokenizers: the rule of thumb used
/// wherever a provider reports no usage, and for every estimate before a call.
pub(crate) const CHARS_PER_TOKEN: usize = 4;

/// Completion tokens a scoring answer is expected to take per paper (one JSON line with a
/// one-sentence comment), for the cost and tokens-per-minute estimates.
pub(crate) const EXPECTED_SCORE_TOKENS: u64 = 50;
/// Completion tokens per title in a title answer (an ID, if the paper is named).
pub(crate) const EXPECTED_TITLE_TOKENS: u64 = 5;

/// Tokens one response used, as the provider reported them (or estimated, if it did not).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TokenCounts {
    pub prompt: u64,
    /// The part of `prompt` served from the provider's prompt cache.
    pub cached: u64,
    pub completion: u64,
    /// The part of `completion` a reasoning model spent thinking (billed as output).
    pub reasoning: u64,
    /// True when the response had no `usage` and the counts come from [`CHARS_PER_TOKEN`].
    pub estimated: bool,
}

impl TokenCounts {
    /// Adds another response's counts; the sum is estimated if either part was.
    pub(crate) fn add(&mut self, more: &TokenCounts) {
        self.prompt += more.prompt;
        self.cached += more.cached;
        self.completion += more.completion;
        self.reasoning += more.reasoning;
        self.estimated |= more.estimated;
    }
}

/// Tokens in `chars` characters of text, by [`CHARS_PER_TOKEN`].
pub(crate) fn tokens_for_chars(chars: usize) -> u64 {
    (chars / CHARS_PER_TOKEN) as u64
}

/// The expected tokens of one call before it is sent: its prompt from its characters, nothing
/// cached (the budget check assumes the worst), and the expected answer length.
pub(crate) fn estimate(prompt_chars: usize, expected_completion: u64) -> TokenCounts {
    TokenCounts {
        prompt: tokens_for_chars(prompt_chars),
        cached: 0,
        completion: expected_completion,
        reasoning: 0,
        estimated: true,
    }
}

/// The price of `tokens` in USD; cached prompt tokens at the cached rate when there is one.
pub(crate) fn cost_usd(price: &ModelPrice, tokens: &TokenCounts) -> f64 {
    let uncached = tokens.prompt.saturating_sub(tokens.cached) as f64;
    let cached = tokens.cached as f64;
    (uncached * price.input
        + cached * price.cached_input.unwrap_or(price.input)
        + tokens.completion as f64 * price.output)
        / 1_000_000.0
}

/// Candidates on a typical day of four busy categories (new + cross-lists, after de-duplication).
const TYPICAL_CANDIDATES: usize = 600;
/// The share of titles the prefilter passes on to abstract scoring.
const TYPICAL_TITLE_SURVIVORS: f64 = 0.3;
/// Characters of a paper's wrapper in the scoring message (ID, title, authors) besides its abstract.
const PAPER_WRAPPER_CHARS: usize = 800;
/// Characters of one title line in the prefilter message.
const TITLE_LINE_CHARS: usize = 120;

/// The tokens of a typical day with these settings and `static_prompt_chars` characters of
/// prompt files (sent with every call; cached after the first call of each stage).
pub(crate) fn typical_day_tokens(llm: &LlmConfig, static_prompt_chars: usize) -> TokenCounts {
    papers_tokens(llm, static_prompt_chars, TYPICAL_CANDIDATES)
}

/// The expected tokens of scoring `candidates` papers with these settings (a typical share of
/// them passing the title stage).
pub(crate) fn papers_tokens(
    llm: &LlmConfig,
    static_prompt_chars: usize,
    candidates: usize,
) -> TokenCounts {
    let survivors = if llm.title_filter {
        (candidates as f64 * TYPICAL_TITLE_SURVIVORS).round() as usize
    } else {
        candidates
    };
    let title_calls = if llm.title_filter {
        candidates.div_ceil(llm.title_batch_size)
    } else {
        0
    };
    let score_calls = survivors.div_ceil(llm.batch_size);
    let stages = usize::from(llm.title_filter) + 1;
    let calls = (title_calls + score_calls) as u64;
    let static_tokens = tokens_for_chars(static_prompt_chars);
    let title_chars = if llm.title_filter {
        candidates * TITLE_LINE_CHARS
    } else {
        0
    };
    let paper_chars = survivors * (llm.abstract_chars + PAPER_WRAPPER_CHARS) + title_chars;
    TokenCounts {
        prompt: calls * static_tokens + tokens_for_chars(paper_chars),
        cached: calls.saturating_sub(stages as u64) * static_tokens,
        completion: survivors as u64 * EXPECTED_SCORE_TOKENS
            + candidates as u64 * EXPECTED_TITLE_TOKENS * u64::from(llm.title_filter),
        reasoning: 0,
        estimated: true,
    }
}

/// The cost of a typical day with the configured model, or `None` when the model has no price.
pub(crate) fn typical_day_cost(config: &Config, static_prompt_chars: usize) -> Option<f64> {
    let price = config.model_price()?;
    Some(cost_usd(
        &price,
        &typical_day_tokens(&config.llm, static_prompt_chars),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_prices_cached_tokens_at_the_cached_rate() {
        let price = ModelPrice {
            input: 0.40,
            cached_input: Some(0.10),
            output: 1.60,
        };
        let tokens = TokenCounts {
            prompt: 1_000_000,
            cached: 500_000,
            completion: 100_000,
            reasoning: 60_000,
            estimated: false,
        };
        assert!((cost_usd(&price, &tokens) - (0.20 + 0.05 + 0.16)).abs() < 1e-9);
        let no_cached_rate = ModelPrice {
            cached_input: None,
            ..price
        };
        assert!((cost_usd(&no_cached_rate, &tokens) - (0.40 + 0.16)).abs() < 1e-9);
    }

    #[test]
    fn an_estimate_counts_four_characters_a_token_and_nothing_cached() {
        let tokens = estimate(4000, 50);
        assert_eq!(
            (tokens.prompt, tokens.cached, tokens.completion),
            (1000, 0, 50)
        );
        assert!(tokens.estimated);
    }

    #[test]
    fn a_typical_day_scales_with_the_settings() {
        let llm = LlmConfig::default();
        let day = typical_day_tokens(&llm, 8000);
        // 600 titles in 6 calls, 180 abstracts in 12 calls: 18 calls, 16 of them cached.
        assert_eq!(day.cached, 16 * 2000);
        assert_eq!(day.completion, 180 * 50 + 600 * 5);
        let unfiltered = typical_day_tokens(
            &LlmConfig {
                title_filter: false,
                ..llm.clone()
            },
            8000,
        );
        assert!(
            unfiltered.prompt > day.prompt,
            "scoring every abstract costs more"
        );
        assert_eq!(unfiltered.completion, 600 * 50);
    }
}

//! One chat-completions call against any OpenAI-compatible API: the request, retries with
//! `Retry-After` and backoff, what kind of failure an error is, token usage as each provider
//! reports it, and keeping the API key out of every message.

use std::fmt;
use std::time::Duration;

use anyhow::{Context, Result};
use reqwest::StatusCode;
use serde_json::Value;

use super::limiter::{RateLimiter, Ticket};
use super::quirks::{self, Auth, Provider};
use crate::config::LlmConfig;
use crate::score::cost::tokens_for_chars;

/// The API key. Its `Debug` never shows it; only the request header sees the value.
pub(crate) struct ApiKey(String);

impl ApiKey {
    pub(crate) fn new(key: String) -> ApiKey {
        ApiKey(key.trim().to_string())
    }

    /// `text` with the key, and anything that looks like an echo of it, replaced: providers
    /// quote a masked key back ("Incorrect API key provided: sk-abc***xyz").
    pub(crate) fn redact(&self, text: &str) -> String {
        let text = if self.0.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.0, "[redacted]")
        };
        let text = crate::secrets::redact(&text).into_owned();
        let head: String = self.0.chars().take(6).collect();
        text.split_inclusive(char::is_whitespace)
            .map(|word| {
                let bare =
                    word.trim_end_matches(|c: char| c.is_whitespace() || ".,;:)\"'".contains(c));
                let echoes_key = bare.contains("**")
                    || bare.starts_with("sk-")
                    || (head.chars().count() == 6 && self.0.len() >= 12 && bare.contains(&head));
                if echoes_key && !bare.is_empty() {
                    word.replacen(bare, "[redacted]", 1)
                } else {
                    word.to_string()
                }
            })
            .collect()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

pub(crate) use crate::score::cost::TokenCounts;

/// A successful call: the answer text and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Completion {
    pub content: String,
    pub tokens: TokenCounts,
}

/// Why a call brought no answer. The text is what the API said, with the key redacted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CallError {
    /// The API refuses this account, key or model (401, 402, 403, 404, exhausted quota):
    /// every other call would fail the same way.
    Fatal(String),
    /// The API or the model rejected this request (400-class, or a reply without a usable
    /// message); a smaller batch may pass.
    Rejected(String),
    /// No answer after every retry (429, 5xx, timeouts, connection errors).
    Unavailable(String),
}

impl CallError {
    pub(crate) fn message(&self) -> &str {
        match self {
            CallError::Fatal(m) | CallError::Rejected(m) | CallError::Unavailable(m) => m,
        }
    }
}

/// The outcome of a call and how many HTTP requests it took.
#[derive(Debug)]
pub(crate) struct CallReport {
    pub result: Result<Completion, CallError>,
    pub requests: u32,
}

/// The HTTP side of the scorer: endpoint, key, retries and the shared rate limiter.
#[derive(Debug)]
pub(crate) struct ApiClient {
    http: reqwest::Client,
    url: String,
    /// `url` without any credentials in it, for messages.
    shown_url: String,
    key: ApiKey,
    auth: Auth,
    timeout: Duration,
    max_retries: u32,
    limiter: RateLimiter,
    /// The settings a refusal may be about, to say how to fix them.
    settings: LlmConfig,
}

impl ApiClient {
    /// A client for `settings.base_url` (already resolved against `OPENAI_BASE_URL`), with the
    /// provider's way of sending the key and any query parameter it requires.
    pub(crate) fn new(settings: &LlmConfig, key: ApiKey) -> Result<ApiClient> {
        Self::for_endpoint(settings, key, &chat_completions_url(&settings.base_url))
    }

    /// A client for another endpoint of the same API (`endpoint_url`, e.g. the embeddings
    /// URL), with the same key, provider rules, retries and rate limits.
    pub(crate) fn for_endpoint(
        settings: &LlmConfig,
        key: ApiKey,
        endpoint_url: &str,
    ) -> Result<ApiClient> {
        let base_url = &settings.base_url;
        let provider = Provider::of(settings);
        let mut url = reqwest::Url::parse(endpoint_url)
            .with_context(|| format!("llm.base_url {base_url:?} is not a valid URL"))?;
        if let Some((name, value)) = provider.required_query()
            && !url.query_pairs().any(|(key, _)| key == name)
        {
            url.query_pairs_mut().append_pair(name, value);
        }
        let timeout = Duration::from_secs(settings.timeout_secs.max(1));
        Ok(ApiClient {
            http: crate::http::client(timeout)?,
            shown_url: crate::http::display_url(url.as_str()),
            url: url.to_string(),
            key,
            auth: provider.auth(),
            timeout,
            max_retries: settings.max_retries,
            limiter: RateLimiter::new(
                settings.requests_per_minute.cap(),
                settings.tokens_per_minute,
            ),
            settings: settings.clone(),
        })
    }

    /// Posts `body`, retrying 429s (after `Retry-After`, which also pauses every other
    /// request), 5xx, timeouts and connection errors with exponential backoff, at most
    /// `max_retries` times. `prompt_chars` estimates usage when the response reports none;
    /// `estimated_tokens` feeds the tokens-per-minute limit.
    pub(crate) async fn complete(
        &self,
        body: &[u8],
        prompt_chars: usize,
        estimated_tokens: u64,
    ) -> CallReport {
        let (result, requests) = self.post(body, estimated_tokens).await;
        let result = result.and_then(|text| {
            parse_completion(&text, prompt_chars)
                .map_err(|problem| CallError::Rejected(self.key.redact(&problem)))
        });
        CallReport { result, requests }
    }

    /// Posts `body` with [`ApiClient::complete`]'s retries; the body of the successful answer
    /// and the number of requests made.
    pub(crate) async fn post(
        &self,
        body: &[u8],
        estimated_tokens: u64,
    ) -> (Result<String, CallError>, u32) {
        let mut requests = 0;
        let mut attempt = 0;
        loop {
            let ticket = self.limiter.acquire(estimated_tokens).await;
            requests += 1;
            let (outcome, retry_after) = self.attempt(body, ticket).await;
            let message = match outcome {
                Attempt::Done(result) => return (result, requests),
                Attempt::Retryable(message) => message,
            };
            if attempt >= self.max_retries {
                return (
                    Err(CallError::Unavailable(format!(
                        "{message} (after {requests} attempts)"
                    ))),
                    requests,
                );
            }
            let wait = match retry_after {
                Some(wait) => {
                    self.limiter.pause(wait);
                    wait
                }
                None => crate::http::backoff(attempt, None),
            };
            tracing::warn!(
                attempt = attempt + 1,
                wait_ms = wait.as_millis() as u64,
                %message,
                "LLM call failed; retrying"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, body: &[u8], ticket: Ticket) -> (Attempt, Option<Duration>) {
        let mut request = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        request = match self.auth {
            Auth::Bearer => request.bearer_auth(&self.key.0),
            Auth::ApiKeyHeader => {
                let mut value = reqwest::header::HeaderValue::from_str(&self.key.0)
                    .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
                value.set_sensitive(true);
                request.header("api-key", value)
            }
        };
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return (Attempt::Retryable(self.transport_error(error)), None),
        };
        let status = response.status();
        let retry_after = crate::http::retry_after(response.headers());
        self.limiter.observe(ticket, response.headers());
        let text = match response.text().await {
            Ok(text) => text,
            Err(error) => return (Attempt::Retryable(self.transport_error(error)), None),
        };
        if status.is_success() {
            return (Attempt::Done(Ok(text)), None);
        }
        if status == StatusCode::BAD_REQUEST
            && let Some(rejected) =
                quirks::rejected_setting(&text, &self.settings.model, &self.settings)
        {
            // Every call carries the same setting: no smaller batch or retry can pass.
            let message = self.key.redact(&format!(
                "{}. The API said: {status}: {}",
                rejected.fix,
                error_message(&text)
            ));
            return (Attempt::Done(Err(CallError::Fatal(message))), None);
        }
        let message = self
            .key
            .redact(&format!("{status}: {}", error_message(&text)));
        let outcome = match classify(status, &text) {
            Failure::Fatal => Attempt::Done(Err(CallError::Fatal(message))),
            Failure::Rejected => Attempt::Done(Err(CallError::Rejected(message))),
            Failure::Retryable => Attempt::Retryable(message),
        };
        (outcome, retry_after)
    }

    /// What a failed request says, naming the endpoint without any credentials in it (reqwest's
    /// own text would name the URL it tried, user and password included).
    fn transport_error(&self, error: reqwest::Error) -> String {
        let text = if error.is_timeout() {
            format!(
                "no answer from {} within {} s (llm.timeout_secs)",
                self.shown_url,
                self.timeout.as_secs()
            )
        } else if error.is_connect() {
            format!(
                "cannot connect to {}: {}",
                self.shown_url,
                error.without_url()
            )
        } else {
            format!(
                "request to {} failed: {}",
                self.shown_url,
                error.without_url()
            )
        };
        self.key.redact(&text)
    }
}

enum Attempt {
    Done(Result<String, CallError>),
    Retryable(String),
}

enum Failure {
    Fatal,
    Rejected,
    Retryable,
}

/// What an HTTP error status means for the run.
fn classify(status: StatusCode, body: &str) -> Failure {
    match status.as_u16() {
        429 if is_quota_exhausted(body) => Failure::Fatal,
        408 | 409 | 425 | 429 => Failure::Retryable,
        401..=404 => Failure::Fatal,
        code if code >= 500 => Failure::Retryable,
        _ => Failure::Rejected,
    }
}

/// OpenAI answers an exhausted quota with 429 `insufficient_quota`: waiting will not help.
fn is_quota_exhausted(body: &str) -> bool {
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        return false;
    };
    let error = &value["error"];
    ["code", "type"]
        .iter()
        .any(|key| error[key].as_str() == Some("insufficient_quota"))
}

/// `{base_url}/chat/completions`, keeping a query string (Azure's `?api-version=...`) last.
pub(crate) fn chat_completions_url(base_url: &str) -> String {
    endpoint_url(base_url, "chat/completions")
}

/// `{base_url}/{endpoint}`, keeping a query string (Azure's `?api-version=...`) last.
pub(crate) fn endpoint_url(base_url: &str, endpoint: &str) -> String {
    let base = base_url.trim();
    let (path, query) = match base.split_once('?') {
        Some((path, query)) => (path, format!("?{query}")),
        None => (base, String::new()),
    };
    format!("{}/{endpoint}{query}", path.trim_end_matches('/'))
}

/// The configured base URL, unless `OPENAI_BASE_URL` (passed in) is set and not empty.
pub(crate) fn effective_base_url(configured: &str, environment: Option<String>) -> String {
    environment
        .map(|url| url.trim().to_string())
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| configured.to_string())
}

/// A `Retry-After` (seconds, possibly fractional) or OpenAI's `retry-after-ms`, capped.
/// The message of an error body: OpenAI's `{"error": {"message"}}`, or the other shapes
/// providers use, or the start of the body.
pub(crate) fn error_message(body: &str) -> String {
    let from_json = serde_json::from_str::<Value>(body).ok().and_then(|value| {
        [
            &value["error"]["message"],
            &value["error"],
            &value["message"],
            &value["detail"],
        ]
        .into_iter()
        .find_map(|v| v.as_str().map(str::to_string))
    });
    let text = from_json.unwrap_or_else(|| body.split_whitespace().collect::<Vec<_>>().join(" "));
    match text.char_indices().nth(300) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None if text.is_empty() => "(empty response body)".to_string(),
        None => text,
    }
}

/// The answer text and token counts of a chat-completions response. Tolerates missing
/// fields: no `usage` (counts estimated from characters), content given as a list of parts.
pub(crate) fn parse_completion(body: &str, prompt_chars: usize) -> Result<Completion, String> {
    let value: Value = serde_json::from_str(body).map_err(|_| {
        format!(
            "the response is not a chat completion: {:?}",
            error_message(body)
        )
    })?;
    let message = &value["choices"][0]["message"];
    let content = quirks::answer_text(message);
    if content.trim().is_empty() {
        return Err(match message["refusal"].as_str() {
            Some(refusal) => format!("the model refused: {refusal}"),
            None if value["choices"].as_array().is_none_or(Vec::is_empty) => {
                "the response has no choices".to_string()
            }
            None => format!(
                "the answer is empty (finish_reason {})",
                value["choices"][0]["finish_reason"]
            ),
        });
    }
    let tokens = token_counts(&value["usage"], prompt_chars, content.chars().count());
    Ok(Completion { content, tokens })
}

/// Token counts from `usage` as OpenAI (`prompt_tokens_details.cached_tokens`), DeepSeek
/// (`prompt_cache_hit_tokens`) or others report them; characters / 4 when absent.
pub(crate) fn token_counts(usage: &Value, prompt_chars: usize, answer_chars: usize) -> TokenCounts {
    let number = |paths: &[&[&str]]| {
        paths.iter().find_map(|path| {
            path.iter()
                .try_fold(usage, |v, key| v.get(key))
                .and_then(Value::as_u64)
        })
    };
    let prompt = number(&[&["prompt_tokens"], &["input_tokens"]]);
    let completion = number(&[&["completion_tokens"], &["output_tokens"]]);
    let cached = number(&[
        &["prompt_tokens_details", "cached_tokens"],
        &["prompt_cache_hit_tokens"],
        &["input_tokens_details", "cached_tokens"],
    ]);
    // Part of `completion_tokens` (billed as output), as OpenAI, DeepSeek and others report it.
    let reasoning = number(&[
        &["completion_tokens_details", "reasoning_tokens"],
        &["output_tokens_details", "reasoning_tokens"],
    ]);
    match (prompt, completion) {
        (Some(prompt), reported) => {
            let completion = reported.unwrap_or_else(|| tokens_for_chars(answer_chars));
            TokenCounts {
                prompt,
                cached: cached.unwrap_or(0).min(prompt),
                completion,
                reasoning: reasoning.unwrap_or(0).min(completion),
                estimated: reported.is_none(),
            }
        }
        (None, _) => TokenCounts {
            prompt: tokens_for_chars(prompt_chars),
            cached: 0,
            completion: tokens_for_chars(answer_chars),
            reasoning: 0,
            estimated: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_its_echoes_are_redacted() {
        let key = ApiKey::new("sk-test-0123456789abcdef".into());
        assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
        let echoed = key.redact(
            "Incorrect API key provided: sk-test-********cdef. You can find your key at https://x.",
        );
        assert_eq!(
            echoed,
            "Incorrect API key provided: [redacted]. You can find your key at https://x."
        );
        assert_eq!(
            key.redact("bad key sk-test-0123456789abcdef!"),
            "bad key [redacted]!"
        );
        assert!(!key.redact("prefix sk-test-01 here").contains("sk-test"));
        assert_eq!(key.redact("401 Unauthorized"), "401 Unauthorized");
    }

    #[test]
    fn urls_keep_azure_queries_last() {
        assert_eq!(
            chat_completions_url("https://api.openai.com/v1/"),
            "https://api.openai.com/v1/chat/completions"
        );
        assert_eq!(
            chat_completions_url(
                "https://r.openai.azure.com/openai/deployments/d?api-version=2024-10-21"
            ),
            "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"
        );
        assert_eq!(
            effective_base_url(
                "https://api.openai.com/v1",
                Some("http://localhost:11434/v1".into())
            ),
            "http://localhost:11434/v1"
        );
        assert_eq!(
            effective_base_url("https://api.openai.com/v1", Some("  ".into())),
            "https://api.openai.com/v1"
        );
        assert_eq!(
            effective_base_url("https://api.openai.com/v1", None),
            "https://api.openai.com/v1"
        );
    }

    #[test]
    fn usage_from_openai_deepseek_and_nobody() {
        let openai = serde_json::json!({"prompt_tokens": 1200, "completion_tokens": 80,
            "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0}});
        assert_eq!(
            token_counts(&openai, 0, 0),
            TokenCounts {
                prompt: 1200,
                cached: 1024,
                completion: 80,
                reasoning: 0,
                estimated: false
            }
        );
        let gpt5 = serde_json::json!({"prompt_tokens": 1200, "completion_tokens": 900,
            "completion_tokens_details": {"reasoning_tokens": 832}});
        let gpt5 = token_counts(&gpt5, 0, 0);
        assert_eq!((gpt5.completion, gpt5.reasoning), (900, 832));
        let deepseek = serde_json::json!({"prompt_tokens": 900, "completion_tokens": 50,
            "prompt_cache_hit_tokens": 640, "prompt_cache_miss_tokens": 260});
        assert_eq!(token_counts(&deepseek, 0, 0).cached, 640);
        let no_details = serde_json::json!({"prompt_tokens": 10, "completion_tokens": 2});
        assert_eq!(token_counts(&no_details, 0, 0).cached, 0);
        let missing = token_counts(&Value::Null, 4000, 400);
        assert_eq!(
            missing,
            TokenCounts {
                prompt: 1000,
                cached: 0,
                completion: 100,
                reasoning: 0,
                estimated: true
            }
        );
    }

    #[test]
    fn completions_with_extra_missing_or_odd_fields() {
        let plain = r#"{"id": "x", "object": "chat.completion", "choices": [{"index": 0,
            "message": {"role": "assistant", "content": "[]", "extra": 1}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 1}, "system_fingerprint": null}"#;
        let completion = parse_completion(plain, 20).unwrap();
        assert_eq!(completion.content, "[]");
        assert_eq!(completion.tokens.prompt, 5);
        let parts = r#"{"choices": [{"message": {"content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}}]}"#;
        let completion = parse_completion(parts, 40).unwrap();
        assert_eq!(completion.content, "ab");
        assert!(completion.tokens.estimated);
        let refusal = r#"{"choices": [{"message": {"content": null, "refusal": "I can't."}}]}"#;
        assert_eq!(
            parse_completion(refusal, 0).unwrap_err(),
            "the model refused: I can't."
        );
        assert!(
            parse_completion(r#"{"choices": []}"#, 0)
                .unwrap_err()
                .contains("no choices")
        );
        assert!(
            parse_completion("<html>502 Bad Gateway</html>", 0)
                .unwrap_err()
                .contains("not a chat completion")
        );
    }

    #[test]
    fn errors_are_classified_and_their_messages_extracted() {
        let quota = r#"{"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}"#;
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, quota),
            Failure::Fatal
        ));
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, "{}"),
            Failure::Retryable
        ));
        assert!(matches!(
            classify(StatusCode::UNAUTHORIZED, ""),
            Failure::Fatal
        ));
        assert!(matches!(
            classify(StatusCode::NOT_FOUND, ""),
            Failure::Fatal
        ));
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, ""),
            Failure::Retryable
        ));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, ""),
            Failure::Rejected
        ));
        assert_eq!(error_message(quota), "You exceeded your current quota");
        assert_eq!(
            error_message(r#"{"error": "model not found"}"#),
            "model not found"
        );
        assert_eq!(error_message(r#"{"detail": "Not Found"}"#), "Not Found");
        assert_eq!(error_message("upstream\n  timeout"), "upstream timeout");
        assert_eq!(error_message(""), "(empty response body)");
    }
}

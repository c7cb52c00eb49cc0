//! Fetch: arXiv's RSS feed (today) and export API (backfill), over HTTP with retries.

pub mod api;
pub mod rss;

use std::time::Duration;

use anyhow::{Context, Result};
use jiff::civil::Date;

use crate::paper::Paper;

/// One announcement as a feed states it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedDay {
    /// The announcement date in New York, from the channel's `pubDate` (never the machine clock).
    pub date: Date,
    /// Every item in feed order, before any filtering.
    pub items: Vec<Paper>,
    /// The URL or file name the feed came from.
    pub origin: String,
}

/// The User-Agent every request carries, so arXiv and others can see who calls.
pub const USER_AGENT: &str = concat!(
    "papersift/",
    env!("CARGO_PKG_VERSION"),
    " (personal arXiv digest; +https://github.com/papersift/papersift)"
);

/// An HTTP client with the project's User-Agent and the given timeout.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .build()
        .context("cannot build the HTTP client")
}

/// An HTTP status that retrying did not or cannot fix. The message names only the URL and
/// status; callers that can explain the refusal read `body`.
#[derive(Debug, thiserror::Error)]
#[error("{url} answered HTTP {status}")]
pub struct HttpStatusError {
    pub url: String,
    pub status: reqwest::StatusCode,
    pub body: String,
}

/// GETs `url` as text, retrying 429, 5xx and transport errors with exponential backoff
/// (honouring `Retry-After`) up to `max_retries` times. A final bad status is an
/// [`HttpStatusError`] carrying the response body.
pub async fn get_text(client: &reqwest::Client, url: &str, max_retries: u32) -> Result<String> {
    let mut attempt = 0;
    loop {
        let outcome = client.get(url).send().await;
        let retry_after = match outcome {
            Ok(response) if response.status().is_success() => {
                return response
                    .text()
                    .await
                    .with_context(|| format!("reading the response body of {url}"));
            }
            Ok(response) => {
                let status = response.status();
                let retryable = status.as_u16() == 429 || status.is_server_error();
                if !retryable || attempt >= max_retries {
                    // The body often explains the refusal (the arXiv API sends an error feed).
                    let body = response.text().await.unwrap_or_default();
                    return Err(HttpStatusError {
                        url: url.to_string(),
                        status,
                        body,
                    }
                    .into());
                }
                retry_after_secs(&response)
            }
            Err(error) => {
                if attempt >= max_retries {
                    return Err(error).with_context(|| format!("cannot reach {url}"));
                }
                None
            }
        };
        let wait = backoff(attempt, retry_after);
        tracing::warn!(
            url,
            attempt = attempt + 1,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

/// Seconds from a `Retry-After` header given in seconds.
pub fn retry_after_secs(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Wait before retry `attempt` (0-based): the server's `Retry-After` when given (capped at
/// two minutes), otherwise 0.5 s doubling per attempt, capped at 30 s.
pub fn backoff(attempt: u32, retry_after_secs: Option<u64>) -> Duration {
    match retry_after_secs {
        Some(secs) => Duration::from_secs(secs.min(120)),
        None => Duration::from_millis(500u64.saturating_mul(1 << attempt.min(6)))
            .min(Duration::from_secs(30)),
    }
}

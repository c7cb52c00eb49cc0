//! HTTP plumbing for every stage: one client shape (User-Agent, timeout), GET/send with bounded
//! retries on 429, 5xx and transport errors, exponential backoff with jitter, `Retry-After`, and
//! the typed status error callers branch on. It knows nothing of arXiv, the LLM or git.

use std::time::Duration;

use anyhow::{Context, Result};

/// The User-Agent every request carries, so arXiv and others can see who calls.
pub(crate) const USER_AGENT: &str = concat!(
    "papersift/",
    env!("CARGO_PKG_VERSION"),
    " (personal arXiv digest; +https://github.com/papersift/papersift)"
);

/// An HTTP client with the project's User-Agent and the given timeout.
pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .build()
        .context("cannot build the HTTP client")
}

/// The first wait before a retry when the server sends no `Retry-After`; it doubles per attempt.
pub(crate) const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// An HTTP status that retrying did not or cannot fix. The message names only the URL and
/// status; callers that can explain the refusal read `body`.
#[derive(Debug, thiserror::Error)]
#[error("{url} answered HTTP {status}")]
pub(crate) struct HttpStatusError {
    pub url: String,
    pub status: reqwest::StatusCode,
    pub body: String,
}

/// GETs `url` as text, retrying 429, 5xx and transport errors with exponential backoff
/// (honouring `Retry-After`) up to `max_retries` times. A final bad status is an
/// [`HttpStatusError`] carrying the response body.
pub(crate) async fn get_text(
    client: &reqwest::Client,
    url: &str,
    max_retries: u32,
) -> Result<String> {
    get_text_with_backoff(client, url, max_retries, FIRST_BACKOFF).await
}

/// [`get_text`] with a chosen first backoff (tests shrink it to keep them fast).
pub(crate) async fn get_text_with_backoff(
    client: &reqwest::Client,
    url: &str,
    max_retries: u32,
    first_backoff: Duration,
) -> Result<String> {
    send_for_text(client.get(url), url, max_retries, first_backoff).await
}

/// The most a response body may hold once decompressed. A day's feed is a few MB and an API
/// page of 1,000 entries about 3 MB; a gzip bomb (300 KB expanding to 300 MB) stops here.
pub(crate) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// `url` fit for logs, errors and records: user name and password removed, since a base URL
/// may carry credentials (`http://user:secret@host`).
pub(crate) fn display_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Ok(_) => url.to_string(),
        // Not a URL: cut at the last '@' of the authority, the only place a secret could be.
        Err(_) => match (url.find("://"), url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                format!("{}://{}", &url[..scheme_end], &url[at + 1..])
            }
            _ => url.to_string(),
        },
    }
}

/// Why a body could not be read.
enum BodyError {
    /// More than [`MAX_BODY_BYTES`] once decompressed.
    TooLarge,
    /// The connection was cut or timed out mid-body: worth another attempt.
    Cut(reqwest::Error),
}

/// Reads a body chunk by chunk up to [`MAX_BODY_BYTES`]; invalid UTF-8 becomes U+FFFD.
async fn read_capped(mut response: reqwest::Response) -> Result<String, BodyError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Cut)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(match String::from_utf8(body) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

/// Sends `request` (which must be clonable: no streaming body) and returns the response body,
/// retrying 429, 5xx, transport errors and bodies cut off mid-way like [`get_text`]. `url`
/// names the request in logs and errors, with any credentials in it removed.
pub(crate) async fn send_for_text(
    request: reqwest::RequestBuilder,
    url: &str,
    max_retries: u32,
    first_backoff: Duration,
) -> Result<String> {
    let shown = display_url(url);
    let url = shown.as_str();
    let mut attempt = 0;
    loop {
        let Some(attempt_request) = request.try_clone() else {
            // A builder that cannot be cloned either failed to build or streams its body.
            return Err(match request.build() {
                Err(error) => {
                    anyhow::Error::new(error).context(format!("{url} is not a valid URL"))
                }
                Ok(_) => anyhow::anyhow!("an HTTP request with a streaming body cannot be retried"),
            });
        };
        let outcome = attempt_request.send().await;
        let retry_after = match outcome {
            Ok(response) if response.status().is_success() => match read_capped(response).await {
                Ok(text) => return Ok(text),
                Err(BodyError::TooLarge) => anyhow::bail!(
                    "the response of {url} is larger than {} MiB once decompressed; papersift stops reading there",
                    MAX_BODY_BYTES / (1024 * 1024)
                ),
                Err(BodyError::Cut(error)) if attempt >= max_retries => {
                    return Err(error).with_context(|| {
                        format!(
                            "reading the response body of {url} failed, still after {} attempts",
                            attempt + 1
                        )
                    });
                }
                Err(BodyError::Cut(_)) => None,
            },
            Ok(response) => {
                let status = response.status();
                let retryable = status.as_u16() == 429 || status.is_server_error();
                if !retryable || attempt >= max_retries {
                    // The body often explains the refusal (the arXiv API sends an error feed).
                    let body = read_capped(response).await.unwrap_or_default();
                    return Err(HttpStatusError {
                        url: url.to_string(),
                        status,
                        body,
                    }
                    .into());
                }
                retry_after(response.headers())
            }
            Err(error) => {
                if attempt >= max_retries {
                    let error = error.without_url();
                    return Err(error).with_context(|| {
                        format!("cannot reach {url}, still after {} attempts", attempt + 1)
                    });
                }
                None
            }
        };
        let wait = backoff_from(first_backoff, attempt, retry_after);
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

/// Longest wait a `Retry-After` may impose on one retry.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// The wait a server asks for: `retry-after-ms` (OpenAI, Azure) or `Retry-After` in seconds,
/// capped at [`MAX_RETRY_AFTER`]. An HTTP-date form is ignored (backoff applies instead).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok();
    let wait = header("retry-after-ms")
        .map(|ms| ms / 1000.0)
        .or_else(|| header("retry-after"))
        .filter(|secs| secs.is_finite() && *secs >= 0.0)?;
    Some(Duration::from_secs_f64(wait).min(MAX_RETRY_AFTER))
}

/// Wait before retry `attempt` (0-based): the server's `Retry-After` when given, otherwise
/// 0.5 s doubling per attempt, capped at 30 s, plus up to a quarter more of jitter.
pub(crate) fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    backoff_from(FIRST_BACKOFF, attempt, retry_after)
}

fn backoff_from(first: Duration, attempt: u32, retry_after: Option<Duration>) -> Duration {
    match retry_after {
        Some(wait) => wait.min(MAX_RETRY_AFTER),
        None => with_jitter(exponential(first, attempt)),
    }
}

/// `first` doubled per attempt, capped at 30 s.
fn exponential(first: Duration, attempt: u32) -> Duration {
    first
        .saturating_mul(1 << attempt.min(6))
        .min(Duration::from_secs(30))
}

/// `wait` plus a random part of up to a quarter of it, so clients that failed together do not
/// retry together. The randomness comes from the standard library's per-process hash keys.
fn with_jitter(wait: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(wait.as_nanos());
    let fraction = (hasher.finish() % 1024) as f64 / 1024.0;
    wait + wait.mul_f64(0.25 * fraction)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    /// Short enough that retry tests take milliseconds, long enough to be a real wait.
    const TEST_BACKOFF: Duration = Duration::from_millis(20);

    async fn fetch(server: &MockServer, max_retries: u32) -> Result<String> {
        let client = client(Duration::from_secs(5)).unwrap();
        let url = format!("{}/rss/cs.CL", server.uri());
        get_text_with_backoff(&client, &url, max_retries, TEST_BACKOFF).await
    }

    fn feed_response() -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_string("<rss/>")
    }

    #[test]
    fn backoff_doubles_from_half_a_second_and_is_capped() {
        let waits: Vec<u64> = (0..8)
            .map(|a| exponential(FIRST_BACKOFF, a).as_millis() as u64)
            .collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(
            backoff(0, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(
            backoff(3, Some(Duration::from_secs(3600))),
            Duration::from_secs(120)
        );
    }

    #[test]
    fn jitter_adds_at_most_a_quarter_and_varies() {
        let waits: Vec<Duration> = (0..64).map(|_| backoff(2, None)).collect();
        for wait in &waits {
            assert!(
                *wait >= Duration::from_secs(2) && *wait <= Duration::from_millis(2500),
                "{wait:?}"
            );
        }
        let distinct: std::collections::HashSet<_> = waits.iter().collect();
        assert!(distinct.len() > 1, "jitter never varied: {waits:?}");
    }

    #[test]
    fn retry_after_in_seconds_or_milliseconds() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert("retry-after-ms", "1500".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(1500)));
        headers.remove("retry-after-ms");
        headers.insert("retry-after", "99999".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(MAX_RETRY_AFTER));
    }

    #[tokio::test]
    async fn too_many_requests_waits_for_retry_after_then_succeeds() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/rss/cs.CL"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(feed_response())
            .expect(1)
            .mount(&server)
            .await;
        let started = Instant::now();
        assert_eq!(fetch(&server, 3).await.unwrap(), "<rss/>");
        // The 20 ms test backoff would have retried long before; only Retry-After explains this.
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn server_errors_are_retried_until_success() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(2)
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(feed_response())
            .expect(1)
            .mount(&server)
            .await;
        let started = Instant::now();
        assert_eq!(fetch(&server, 3).await.unwrap(), "<rss/>");
        // Two waits: 20 ms, then 40 ms.
        assert!(
            started.elapsed() >= TEST_BACKOFF * 3,
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn not_found_fails_at_once() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(404).set_body_string("no such feed"))
            .expect(1)
            .mount(&server)
            .await;
        let error = fetch(&server, 3).await.unwrap_err();
        let url = format!("{}/rss/cs.CL", server.uri());
        assert_eq!(
            format!("{error:#}"),
            format!("{url} answered HTTP 404 Not Found")
        );
        let status = error
            .downcast_ref::<HttpStatusError>()
            .expect("a status error");
        assert_eq!(status.status.as_u16(), 404);
        assert_eq!(status.body, "no such feed");
    }

    #[tokio::test]
    async fn exhausted_retries_name_the_url_and_status() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(502))
            .expect(3)
            .mount(&server)
            .await;
        let error = fetch(&server, 2).await.unwrap_err();
        let url = format!("{}/rss/cs.CL", server.uri());
        assert_eq!(
            format!("{error:#}"),
            format!("{url} answered HTTP 502 Bad Gateway")
        );
        let status = error
            .downcast_ref::<HttpStatusError>()
            .expect("a status error");
        assert_eq!(
            (status.url.as_str(), status.status.as_u16()),
            (url.as_str(), 502)
        );
    }

    #[tokio::test]
    async fn an_unreachable_host_is_retried_then_reported() {
        // Bind and drop a listener: nothing accepts on that loopback port any more.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = client(Duration::from_secs(5)).unwrap();
        let url = format!("http://127.0.0.1:{port}/rss/cs.CL");
        let error = get_text_with_backoff(&client, &url, 1, TEST_BACKOFF)
            .await
            .unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.contains(&format!("cannot reach {url}")),
            "{message}"
        );
        assert!(message.contains("after 2 attempts"), "{message}");
    }

    /// A loopback server that answers each connection with the next of `responses` (raw
    /// HTTP/1.1 bytes), then closes it.
    fn raw_server(responses: Vec<Vec<u8>>) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for (stream, response) in listener.incoming().zip(responses) {
                let mut stream = stream.unwrap();
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(&response);
            }
        });
        format!("http://{address}/rss/cs.CL")
    }

    #[tokio::test]
    async fn a_body_cut_off_mid_way_is_retried_like_a_server_error() {
        let cut = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n<rss>only the start".to_vec();
        let whole =
            b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\n<rss/>".to_vec();
        let url = raw_server(vec![cut, whole]);
        let client = client(Duration::from_secs(5)).unwrap();
        let text = get_text_with_backoff(&client, &url, 2, TEST_BACKOFF)
            .await
            .unwrap();
        assert_eq!(text, "<rss/>");
    }

    #[tokio::test]
    async fn a_decompression_bomb_stops_at_the_cap_and_says_so() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..(MAX_BODY_BYTES / zeros.len() + 8) {
            encoder.write_all(&zeros).unwrap();
        }
        let bomb = encoder.finish().unwrap();
        assert!(bomb.len() < 1024 * 1024, "the bomb is small on the wire");
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-encoding", "gzip")
                    .set_body_bytes(bomb),
            )
            .mount(&server)
            .await;
        let error = fetch(&server, 0).await.unwrap_err();
        assert!(
            format!("{error:#}").contains("larger than 32 MiB once decompressed"),
            "{error:#}"
        );
    }

    #[tokio::test]
    async fn invalid_utf8_becomes_replacement_characters() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(b"<rss>caf\xe9</rss>".to_vec()))
            .mount(&server)
            .await;
        assert_eq!(fetch(&server, 0).await.unwrap(), "<rss>caf\u{fffd}</rss>");
    }

    #[tokio::test]
    async fn credentials_in_a_url_never_reach_an_error() {
        assert_eq!(
            display_url("http://user:s3cret@example.org/rss/"),
            "http://example.org/rss/"
        );
        assert_eq!(
            display_url("https://example.org/a"),
            "https://example.org/a"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://user:s3cret@127.0.0.1:{port}/rss/cs.CL");
        let client = client(Duration::from_secs(5)).unwrap();
        let error = get_text_with_backoff(&client, &url, 0, TEST_BACKOFF)
            .await
            .unwrap_err();
        let text = format!("{error:#} {error:?}");
        assert!(!text.contains("s3cret"), "{text}");
    }

    #[tokio::test]
    async fn an_invalid_url_says_so() {
        let client = client(Duration::from_secs(5)).unwrap();
        let error = get_text_with_backoff(&client, "not a url", 0, TEST_BACKOFF)
            .await
            .unwrap_err();
        assert!(
            format!("{error:#}").contains("not a url is not a valid URL"),
            "{error:#}"
        );
    }
}

//! Semantic Scholar: the batch lookup of a day's papers (author IDs, h-index) with its cache under
//! `data/cache/s2/`, and the author search behind `papersift authors find`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use jiff::civil::Date;
use reqwest::header::HeaderValue;
use serde::{Deserialize, Serialize};

use crate::config::AuthorsConfig;

/// The environment variable holding a Semantic Scholar API key (optional).
pub(crate) const API_KEY_ENV: &str = crate::config::S2_API_KEY_ENV;

/// Most paper IDs the batch endpoint accepts in one request.
pub(crate) const BATCH_LIMIT: usize = 500;

/// Wait between consecutive requests: a key's introductory allowance is one request per second,
/// and callers without a key share one pool, so neither should go faster.
pub(crate) const PAUSE: Duration = Duration::from_secs(1);

/// Retries of a 429, 5xx or transport error before the lookup gives up (0.5 + 1 + 2 + 4 s, or
/// what `Retry-After` asks).
pub(crate) const MAX_RETRIES: u32 = 4;

const TIMEOUT: Duration = Duration::from_secs(30);

/// Only what selection needs; `externalIds` lets each answer be checked against its request.
const PAPER_FIELDS: &str = "externalIds,authors.authorId,authors.hIndex";

const AUTHOR_FIELDS: &str = "name,affiliations,paperCount,hIndex,url";

/// How many authors `authors find` asks for.
const SEARCH_LIMIT: u32 = 10;

/// What Semantic Scholar says about one arXiv paper's authors, reduced to what selection uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct S2Paper {
    /// Semantic Scholar author IDs of the authors it has resolved, in paper order.
    #[serde(rename = "ids", default, skip_serializing_if = "Vec::is_empty")]
    pub author_ids: Vec<String>,
    /// The highest h-index among the authors; `None` when no author has one.
    #[serde(rename = "h", default, skip_serializing_if = "Option::is_none")]
    pub max_h_index: Option<u32>,
}

/// Semantic Scholar data by version-free arXiv ID. Papers it does not know are absent.
pub type S2Papers = HashMap<String, S2Paper>;

/// True when the config asks for Semantic Scholar data: the option is on, and a followed author
/// has an S2 ID or the h-index gate is set. Otherwise no request is ever made.
pub(crate) fn lookup_wanted(config: &AuthorsConfig) -> bool {
    config.semantic_scholar
        && (config.h_index_min > 0 || config.follow.iter().any(|a| a.s2_id.is_some()))
}

/// One author from the author search.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthorCandidate {
    pub author_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub affiliations: Vec<String>,
    pub paper_count: Option<u32>,
    pub h_index: Option<u32>,
    pub url: Option<String>,
}

#[derive(Deserialize)]
struct AuthorSearchPage {
    #[serde(default)]
    data: Vec<AuthorCandidate>,
}

/// One element of the batch answer (`null` when Semantic Scholar does not know the paper).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchPaper {
    #[serde(default)]
    external_ids: Option<ExternalIds>,
    #[serde(default)]
    authors: Vec<BatchAuthor>,
}

#[derive(Deserialize)]
struct ExternalIds {
    #[serde(rename = "ArXiv")]
    arxiv: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchAuthor {
    author_id: Option<String>,
    h_index: Option<u32>,
}

impl BatchPaper {
    fn into_s2_paper(self) -> S2Paper {
        S2Paper {
            max_h_index: self.authors.iter().filter_map(|a| a.h_index).max(),
            author_ids: self
                .authors
                .into_iter()
                .filter_map(|a| a.author_id)
                .collect(),
        }
    }
}

/// A Semantic Scholar Graph API client: base URL, optional API key, pacing and retries.
pub(crate) struct S2Client {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<HeaderValue>,
    /// Wait between consecutive batch requests.
    pub pause: Duration,
    pub max_retries: u32,
    /// First wait before a retry without `Retry-After`; it doubles per attempt.
    pub first_backoff: Duration,
}

impl S2Client {
    /// A client for `base_url` (e.g. `https://api.semanticscholar.org/graph/v1`). The key, if
    /// any, is sent as `x-api-key` and marked sensitive so it never shows in debug output.
    pub(crate) fn new(base_url: &str, api_key: Option<&str>) -> Result<S2Client> {
        let api_key = api_key
            .map(|key| {
                let mut value = HeaderValue::from_str(key.trim()).map_err(|_| {
                    anyhow::anyhow!("{API_KEY_ENV} holds characters an HTTP header cannot carry")
                })?;
                value.set_sensitive(true);
                Ok::<_, anyhow::Error>(value)
            })
            .transpose()?;
        Ok(S2Client {
            http: crate::http::client(TIMEOUT)?,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            pause: PAUSE,
            max_retries: MAX_RETRIES,
            first_backoff: crate::http::FIRST_BACKOFF,
        })
    }

    /// A client for `authors.s2_url`, with the key from `S2_API_KEY` when it is set and not empty.
    pub(crate) fn from_config(config: &AuthorsConfig) -> Result<S2Client> {
        let key = std::env::var(API_KEY_ENV)
            .ok()
            .filter(|k| !k.trim().is_empty());
        S2Client::new(&config.s2_url, key.as_deref())
    }

    /// Whether requests carry an API key (for messages; the key itself is never shown).
    pub(crate) fn has_api_key(&self) -> bool {
        self.api_key.is_some()
    }

    fn with_key(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.api_key {
            Some(key) => request.header("x-api-key", key.clone()),
            None => request,
        }
    }

    /// Looks papers up by version-free arXiv ID through `POST /paper/batch`, at most
    /// [`BATCH_LIMIT`] per request with [`S2Client::pause`] between requests. The answer has
    /// every requested ID: `None` where Semantic Scholar does not know the paper.
    pub(crate) async fn papers(
        &self,
        arxiv_ids: &[String],
    ) -> Result<BTreeMap<String, Option<S2Paper>>> {
        let url = format!("{}/paper/batch?fields={PAPER_FIELDS}", self.base_url);
        let mut answers = BTreeMap::new();
        for (index, chunk) in arxiv_ids.chunks(BATCH_LIMIT).enumerate() {
            if index > 0 {
                tokio::time::sleep(self.pause).await;
            }
            let ids: Vec<String> = chunk.iter().map(|id| format!("ARXIV:{id}")).collect();
            let request = self
                .with_key(self.http.post(&url))
                .json(&serde_json::json!({ "ids": ids }));
            tracing::info!(
                papers = chunk.len(),
                with_api_key = self.has_api_key(),
                "looking papers up on Semantic Scholar"
            );
            let body =
                crate::http::send_for_text(request, &url, self.max_retries, self.first_backoff)
                    .await?;
            answers.extend(parse_batch(chunk, &body).with_context(|| {
                format!("{url} answered with something other than the batch format")
            })?);
        }
        Ok(answers)
    }

    /// Searches authors by name through `GET /author/search`, in Semantic Scholar's order.
    pub(crate) async fn search_authors(&self, name: &str) -> Result<Vec<AuthorCandidate>> {
        let url = format!("{}/author/search", self.base_url);
        let limit = SEARCH_LIMIT.to_string();
        let request = self.with_key(self.http.get(&url).query(&[
            ("query", name),
            ("fields", AUTHOR_FIELDS),
            ("limit", limit.as_str()),
        ]));
        let body =
            crate::http::send_for_text(request, &url, self.max_retries, self.first_backoff).await?;
        let page: AuthorSearchPage = serde_json::from_str(&body)
            .with_context(|| format!("{url} answered with something other than an author list"))?;
        Ok(page.data)
    }
}

/// Pairs a batch answer with the IDs it was asked for. The answer must be a list aligned with
/// the request; an element whose arXiv ID names another paper is dropped, because attributing
/// authors to the wrong paper is worse than not knowing them.
fn parse_batch(requested: &[String], body: &str) -> Result<Vec<(String, Option<S2Paper>)>> {
    let answer: Vec<Option<BatchPaper>> = serde_json::from_str(body)?;
    if answer.len() != requested.len() {
        bail!(
            "{} papers asked for, {} answered",
            requested.len(),
            answer.len()
        );
    }
    Ok(requested
        .iter()
        .zip(answer)
        .map(|(id, paper)| {
            let paper = paper.filter(|p| {
                let claimed = p.external_ids.as_ref().and_then(|e| e.arxiv.as_deref());
                let aligned = claimed.is_none_or(|claimed| same_arxiv_id(claimed, id));
                if !aligned {
                    tracing::warn!(requested = %id, answered = ?claimed, "Semantic Scholar answered for another paper; ignored");
                }
                aligned
            });
            (id.clone(), paper.map(BatchPaper::into_s2_paper))
        })
        .collect())
}

fn same_arxiv_id(a: &str, b: &str) -> bool {
    without_version(a).eq_ignore_ascii_case(without_version(b))
}

fn without_version(id: &str) -> &str {
    let id = id.trim();
    match id.rsplit_once('v') {
        Some((base, version))
            if !base.is_empty()
                && !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_digit()) =>
        {
            base
        }
        _ => id,
    }
}

/// What the pipeline gets from Semantic Scholar for a day: the data, and a sentence for the
/// run summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Resolved {
    pub papers: S2Papers,
    pub note: String,
}

/// Resolves the papers through the cache first and the batch endpoint for the rest, then
/// caches the answers. Never fails: when Semantic Scholar cannot be reached the cached papers
/// are all there is, a warning is logged, and the note says followed authors were matched by
/// name only.
pub(crate) async fn resolve(
    client: &S2Client,
    cache: &S2Cache,
    arxiv_ids: &[String],
    today: Date,
) -> Resolved {
    let (mut papers, missing) = cache.load(arxiv_ids, today).unwrap_or_else(|error| {
        tracing::warn!(
            "the Semantic Scholar cache is unreadable, looking everything up: {error:#}"
        );
        (S2Papers::new(), arxiv_ids.to_vec())
    });
    let cached = papers.len();
    if missing.is_empty() {
        return Resolved {
            note: format!(
                "Semantic Scholar: {cached} of {} papers known (all from the cache)",
                arxiv_ids.len()
            ),
            papers,
        };
    }
    match client.papers(&missing).await {
        Ok(answers) => {
            if let Err(error) = cache.store(&answers, today) {
                tracing::warn!("cannot update the Semantic Scholar cache: {error:#}");
            }
            papers.extend(
                answers
                    .into_iter()
                    .filter_map(|(id, paper)| Some((id, paper?))),
            );
            Resolved {
                note: format!(
                    "Semantic Scholar: {} of {} papers known ({cached} from the cache, {} looked up)",
                    papers.len(),
                    arxiv_ids.len(),
                    missing.len()
                ),
                papers,
            }
        }
        Err(error) => {
            tracing::warn!(
                "Semantic Scholar lookup failed; followed authors are matched by name only: {error:#}"
            );
            Resolved {
                note: format!(
                    "Semantic Scholar lookup failed ({error}): followed authors matched by name only, {cached} papers known from the cache"
                ),
                papers,
            }
        }
    }
}

/// The Semantic Scholar cache: one small JSON file per month of arXiv ID (`2506.json` holds
/// `2506.*`), one paper per line, so a day adds a few hundred short lines to one file.
/// A known paper is `{"ids":[...],"h":N}`; one Semantic Scholar did not know is
/// `{"unknown_on":"YYYY-MM-DD"}` and is asked again on a later day (new papers take a while to
/// appear there), never twice on the same day.
#[derive(Debug, Clone)]
pub(crate) struct S2Cache {
    dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum CacheEntry {
    Unknown { unknown_on: Date },
    Known(S2Paper),
}

impl S2Cache {
    pub(crate) fn new(dir: PathBuf) -> S2Cache {
        S2Cache { dir }
    }

    /// The cache of a data folder: `data/cache/s2/`.
    pub(crate) fn in_data_dir(data_dir: &Path) -> S2Cache {
        S2Cache::new(data_dir.join("cache").join("s2"))
    }

    /// The cached papers among `arxiv_ids`, and the IDs still to look up: never asked, or
    /// unknown when asked on an earlier day.
    pub(crate) fn load(
        &self,
        arxiv_ids: &[String],
        today: Date,
    ) -> Result<(S2Papers, Vec<String>)> {
        let mut files: HashMap<PathBuf, BTreeMap<String, CacheEntry>> = HashMap::new();
        let mut known = S2Papers::new();
        let mut missing = Vec::new();
        for id in arxiv_ids {
            let path = self.file_of(id);
            let entries = match files.entry(path) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => {
                    let entries = read_entries(entry.key())?;
                    entry.insert(entries)
                }
            };
            match entries.get(id) {
                Some(CacheEntry::Known(paper)) => {
                    known.insert(id.clone(), paper.clone());
                }
                Some(CacheEntry::Unknown { unknown_on }) if *unknown_on >= today => {}
                _ => missing.push(id.clone()),
            }
        }
        Ok((known, missing))
    }

    /// Adds answers to the cache (`None`: unknown today), rewriting each touched file atomically.
    pub(crate) fn store(
        &self,
        answers: &BTreeMap<String, Option<S2Paper>>,
        today: Date,
    ) -> Result<()> {
        let mut by_file: BTreeMap<PathBuf, Vec<(&String, &Option<S2Paper>)>> = BTreeMap::new();
        for (id, paper) in answers {
            by_file
                .entry(self.file_of(id))
                .or_default()
                .push((id, paper));
        }
        for (path, answers) in by_file {
            let mut entries = read_entries(&path)?;
            for (id, paper) in answers {
                let entry = match paper {
                    Some(paper) => CacheEntry::Known(paper.clone()),
                    None => CacheEntry::Unknown { unknown_on: today },
                };
                entries.insert(id.clone(), entry);
            }
            crate::files::write_atomic(&path, &entries_json(&entries)?)?;
        }
        Ok(())
    }

    /// `YYMM.json` from the ID's year and month (`2506.01234`, `hep-th/0601001`); `other.json`
    /// for anything else, so no ID can name a path.
    fn file_of(&self, arxiv_id: &str) -> PathBuf {
        let number = arxiv_id.rsplit('/').next().unwrap_or(arxiv_id);
        let month = number
            .get(..4)
            .filter(|m| m.bytes().all(|b| b.is_ascii_digit()));
        self.dir.join(format!("{}.json", month.unwrap_or("other")))
    }
}

fn read_entries(path: &Path) -> Result<BTreeMap<String, CacheEntry>> {
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a Semantic Scholar cache file", path.display()))
}

/// A JSON object with one entry per line, sorted by ID, so git diffs stay small.
fn entries_json(entries: &BTreeMap<String, CacheEntry>) -> Result<Vec<u8>> {
    let mut lines = Vec::with_capacity(entries.len());
    for (id, entry) in entries {
        lines.push(format!(
            "{}:{}",
            serde_json::to_string(id)?,
            serde_json::to_string(entry)?
        ));
    }
    Ok(format!("{{\n{}\n}}\n", lines.join(",\n")).into_bytes())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Instant;

    use wiremock::matchers::{header, method, path, query_param};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

    use super::*;

    /// Answers a batch request the way Semantic Scholar does: one element per requested ID, in
    /// order. IDs ending in `0` are unknown (`null`); the others get two authors whose IDs and
    /// h-indices derive from the arXiv ID. Records the size of each request.
    #[derive(Default)]
    struct BatchEcho {
        request_sizes: Mutex<Vec<usize>>,
    }

    impl Respond for &'static BatchEcho {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            let ids: Vec<String> = body["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_str().unwrap().to_string())
                .collect();
            self.request_sizes.lock().unwrap().push(ids.len());
            let answer: Vec<serde_json::Value> = ids.iter().map(|id| echo_paper(id)).collect();
            ResponseTemplate::new(200).set_body_json(answer)
        }
    }

    fn echo_paper(requested: &str) -> serde_json::Value {
        let arxiv = requested.strip_prefix("ARXIV:").expect("ARXIV: prefix");
        if arxiv.ends_with('0') {
            return serde_json::Value::Null;
        }
        let tail: u32 = arxiv[arxiv.len() - 2..].parse().unwrap();
        serde_json::json!({
            "paperId": format!("s2-{arxiv}"),
            "externalIds": {"ArXiv": arxiv, "CorpusId": 12345},
            "authors": [
                {"authorId": format!("a{tail}"), "name": "First Author", "hIndex": tail},
                {"authorId": null, "name": "Unresolved Author", "hIndex": null},
                {"authorId": "1751762", "name": "Yoshua Bengio", "hIndex": 1},
            ]
        })
    }

    fn leak<T>(value: T) -> &'static T {
        Box::leak(Box::new(value))
    }

    fn client(server: &MockServer, key: Option<&str>) -> S2Client {
        let mut client = S2Client::new(&format!("{}/graph/v1/", server.uri()), key).unwrap();
        client.pause = Duration::from_millis(10);
        client.first_backoff = Duration::from_millis(10);
        client
    }

    fn ids(count: usize) -> Vec<String> {
        (1..=count).map(|n| format!("2506.{n:05}")).collect()
    }

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[tokio::test]
    async fn batches_are_chunked_at_500_and_aligned_with_the_request() {
        let server = MockServer::start().await;
        let echo = leak(BatchEcho::default());
        Mock::given(method("POST"))
            .and(path("/graph/v1/paper/batch"))
            .and(query_param("fields", PAPER_FIELDS))
            .respond_with(echo)
            .expect(3)
            .mount(&server)
            .await;
        let requested = ids(1200);
        let answers = client(&server, None).papers(&requested).await.unwrap();
        assert_eq!(*echo.request_sizes.lock().unwrap(), [500, 500, 200]);
        assert_eq!(answers.len(), 1200);
        assert_eq!(
            answers["2506.00042"],
            Some(S2Paper {
                author_ids: vec!["a42".into(), "1751762".into()],
                max_h_index: Some(42),
            })
        );
        assert_eq!(answers["2506.01190"], None);
        assert_eq!(answers.values().filter(|a| a.is_none()).count(), 120);
    }

    #[tokio::test]
    async fn too_many_requests_waits_for_retry_after_then_succeeds() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(leak(BatchEcho::default()))
            .expect(1)
            .mount(&server)
            .await;
        let started = Instant::now();
        let answers = client(&server, None).papers(&ids(3)).await.unwrap();
        assert!(started.elapsed() >= Duration::from_secs(1));
        assert_eq!(answers["2506.00003"].as_ref().unwrap().max_h_index, Some(3));
    }

    #[tokio::test]
    async fn the_api_key_goes_in_the_x_api_key_header() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(header("x-api-key", "test-key-123"))
            .respond_with(leak(BatchEcho::default()))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server, Some("test-key-123"));
        assert!(client.has_api_key());
        client.papers(&ids(2)).await.unwrap();
        let request = &server.received_requests().await.unwrap()[0];
        assert!(!request.url.as_str().contains("test-key-123"));
    }

    #[tokio::test]
    async fn answers_for_another_paper_or_of_the_wrong_length_are_not_trusted() {
        let requested = vec!["2506.00001".to_string(), "2506.00002".to_string()];
        let swapped = r#"[{"externalIds":{"ArXiv":"2506.00002"},"authors":[{"authorId":"9","hIndex":9}]},
                          {"externalIds":{"ArXiv":"2506.00002v3"},"authors":[{"authorId":"7","hIndex":7}]}]"#;
        let parsed = parse_batch(&requested, swapped).unwrap();
        assert_eq!(parsed[0], ("2506.00001".to_string(), None));
        assert_eq!(parsed[1].1.as_ref().unwrap().author_ids, ["7"]);
        assert!(parse_batch(&requested, "[null]").is_err());
        assert!(parse_batch(&requested, r#"{"error":"nope"}"#).is_err());
    }

    #[tokio::test]
    async fn server_errors_forever_degrade_to_the_cache_with_a_note() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500))
            .expect(u64::from(MAX_RETRIES) + 1)
            .mount(&server)
            .await;
        let dir = tempfile::tempdir().unwrap();
        let cache = S2Cache::in_data_dir(dir.path());
        let known = S2Paper {
            author_ids: vec!["5".into()],
            max_h_index: Some(5),
        };
        let today = date("2025-06-12");
        cache
            .store(
                &BTreeMap::from([("2506.00005".to_string(), Some(known.clone()))]),
                today,
            )
            .unwrap();
        let resolved = resolve(&client(&server, None), &cache, &ids(6), today).await;
        assert_eq!(
            resolved.papers,
            S2Papers::from([("2506.00005".to_string(), known)])
        );
        assert!(resolved.note.contains("lookup failed"), "{}", resolved.note);
        assert!(resolved.note.contains("HTTP 500"), "{}", resolved.note);
        assert!(resolved.note.contains("name only"), "{}", resolved.note);
    }

    #[tokio::test]
    async fn a_paper_is_looked_up_once_and_unknown_ones_again_on_a_later_day() {
        let server = MockServer::start().await;
        let echo = leak(BatchEcho::default());
        Mock::given(method("POST"))
            .respond_with(echo)
            .mount(&server)
            .await;
        let dir = tempfile::tempdir().unwrap();
        let cache = S2Cache::in_data_dir(dir.path());
        let client = client(&server, None);
        let day = ids(12);

        let first = resolve(&client, &cache, &day, date("2025-06-12")).await;
        assert_eq!(first.papers.len(), 11);
        assert!(
            first
                .note
                .contains("11 of 12 papers known (0 from the cache, 12 looked up)"),
            "{}",
            first.note
        );

        let same_day = resolve(&client, &cache, &day, date("2025-06-12")).await;
        assert_eq!(same_day.papers, first.papers);
        assert!(
            same_day.note.contains("all from the cache"),
            "{}",
            same_day.note
        );

        let next_day = resolve(&client, &cache, &day, date("2025-06-13")).await;
        assert_eq!(next_day.papers, first.papers);
        // Only the unknown 2506.00010 was asked again.
        assert_eq!(*echo.request_sizes.lock().unwrap(), [12, 1]);
    }

    #[test]
    fn the_cache_is_one_file_per_id_month_with_one_paper_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let cache = S2Cache::in_data_dir(dir.path());
        let paper = |h| {
            Some(S2Paper {
                author_ids: vec!["1751762".into()],
                max_h_index: Some(h),
            })
        };
        let answers = BTreeMap::from([
            ("2506.00002".to_string(), paper(2)),
            ("2506.00001".to_string(), None),
            ("2505.99999".to_string(), paper(9)),
            ("hep-th/0601001".to_string(), paper(6)),
            ("../../etc".to_string(), paper(1)),
        ]);
        cache.store(&answers, date("2025-06-12")).unwrap();
        let folder = dir.path().join("cache/s2");
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["0601.json", "2505.json", "2506.json", "other.json"]);
        assert_eq!(
            std::fs::read_to_string(folder.join("2506.json")).unwrap(),
            "{\n\"2506.00001\":{\"unknown_on\":\"2025-06-12\"},\n\"2506.00002\":{\"ids\":[\"1751762\"],\"h\":2}\n}\n"
        );
        let wanted: Vec<String> = answers.keys().cloned().collect();
        let (known, missing) = cache.load(&wanted, date("2025-06-12")).unwrap();
        assert_eq!(known.len(), 4);
        assert!(missing.is_empty());
        let (_, missing) = cache.load(&wanted, date("2025-06-13")).unwrap();
        assert_eq!(missing, ["2506.00001"]);
    }

    #[tokio::test]
    async fn author_search_asks_for_the_fields_and_parses_candidates() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/graph/v1/author/search"))
            .and(query_param("query", "Petar Veličković"))
            .and(query_param("fields", AUTHOR_FIELDS))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "total": 2, "offset": 0,
                "data": [
                    {"authorId": "3444569", "name": "Petar Velickovic", "affiliations": ["DeepMind"],
                     "paperCount": 120, "hIndex": 40, "url": "https://www.semanticscholar.org/author/3444569"},
                    {"authorId": "2", "name": "P. Velickovic", "affiliations": [], "paperCount": null, "hIndex": null}
                ]
            })))
            .expect(1)
            .mount(&server)
            .await;
        let found = client(&server, None)
            .search_authors("Petar Veličković")
            .await
            .unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].author_id, "3444569");
        assert_eq!(found[0].affiliations, ["DeepMind"]);
        assert_eq!(
            (found[0].paper_count, found[0].h_index),
            (Some(120), Some(40))
        );
        assert_eq!(
            (found[1].paper_count, found[1].url.as_deref()),
            (None, None)
        );
    }

    #[test]
    fn lookup_is_wanted_only_when_switched_on_and_useful() {
        let mut config = AuthorsConfig::default();
        assert!(!lookup_wanted(&config));
        config.semantic_scholar = true;
        assert!(
            !lookup_wanted(&config),
            "nothing to resolve without IDs or a gate"
        );
        config.h_index_min = 10;
        assert!(lookup_wanted(&config));
        config.h_index_min = 0;
        config.follow.push(crate::config::FollowedAuthor {
            name: "Yoshua Bengio".into(),
            aliases: Vec::new(),
            s2_id: Some("1751762".into()),
        });
        assert!(lookup_wanted(&config));
        config.semantic_scholar = false;
        assert!(!lookup_wanted(&config));
    }

    #[test]
    fn versions_are_ignored_when_comparing_arxiv_ids() {
        assert!(same_arxiv_id("2506.00001v2", "2506.00001"));
        assert!(same_arxiv_id("hep-th/9901001v1", "hep-th/9901001"));
        assert!(!same_arxiv_id("2506.00001", "2506.00011"));
        assert_eq!(without_version("solv-int/9901001"), "solv-int/9901001");
    }
}

//! Embedding similarity for the profile (optional, `profile.embeddings_model`): the day's
//! papers and the profile's wanted papers are embedded through the LLM's own endpoint and key
//! (`POST {base_url}/embeddings`, batched, `dimensions` sent where the provider takes it), and
//! each paper's similarity to the wanted papers is blended into its profile score. Vectors are
//! cached in `data/embeddings/` (through `record`) so a paper is embedded once. Any failure
//! (the endpoint, a vector of the wrong size, the cost cap, a broken cache) is a warning: the
//! day is scored without the similarity, never failed.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use crate::config::{Config, ModelPrice};
use crate::record::embeddings::{self as cache_file, EmbeddingCache};
use crate::record::{EmbeddingsRecord, PaperText, ScorerKind, Usage};
use crate::score::cost::{TokenCounts, cost_usd, tokens_for_chars};
use crate::score::llm::client::{ApiClient, ApiKey, CallError, endpoint_url};
use crate::score::llm::quirks::Provider;

use super::DayScores;

/// The wanted papers a paper's similarity is the mean of its nearest this many.
const NEAREST: usize = 3;

/// Sends texts to the embeddings endpoint.
pub(crate) struct Embedder {
    client: ApiClient,
    model: String,
    dimensions: Option<u32>,
    batch: usize,
    price: Option<ModelPrice>,
    abstract_chars: usize,
}

impl Embedder {
    /// The embedder of `profile.embeddings_model`, or `None` when it is unset.
    pub(crate) fn from_config(config: &Config, api_key: &str) -> anyhow::Result<Option<Embedder>> {
        let Some(model) = config.profile.embeddings_model.clone() else {
            return Ok(None);
        };
        let provider = Provider::of(&config.llm);
        let client = ApiClient::for_endpoint(
            &config.llm,
            ApiKey::new(api_key.to_string()),
            &embeddings_url(&config.llm.base_url, provider, &model),
        )?;
        Ok(Some(Embedder {
            client,
            dimensions: config
                .profile
                .embeddings_dimensions
                .filter(|_| provider.takes_embedding_dimensions()),
            price: config.price_of(&model),
            model,
            batch: config.profile.embeddings_batch,
            abstract_chars: config.llm.abstract_chars,
        }))
    }

    /// The text embedded for a paper: its title and the start of its abstract.
    fn text(&self, paper: &PaperText) -> String {
        format!(
            "{}\n{}",
            crate::text::one_line(&paper.title),
            crate::text::abstract_cut(&paper.abstract_text, self.abstract_chars)
        )
    }

    /// Embeds `papers` in batches; stops at the first failure, keeping what came back.
    async fn embed(
        &self,
        papers: &[&PaperText],
        budget_usd: f64,
    ) -> (HashMap<String, Vec<f32>>, Usage, Option<String>) {
        let mut vectors = HashMap::new();
        let mut tokens = TokenCounts::default();
        let mut calls = 0;
        let mut problem = None;
        for batch in papers.chunks(self.batch) {
            let texts: Vec<String> = batch.iter().map(|p| self.text(p)).collect();
            let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
            let estimate = TokenCounts {
                prompt: tokens_for_chars(chars),
                ..TokenCounts::default()
            };
            if let Some(price) = &self.price {
                let spent = cost_usd(price, &tokens);
                if spent + cost_usd(price, &estimate) > budget_usd {
                    problem = Some(format!(
                        "embedding {} more papers would pass llm.max_cost_usd",
                        papers.len() - vectors.len()
                    ));
                    break;
                }
            }
            let mut body = json!({"model": self.model, "input": texts});
            if let Some(dimensions) = self.dimensions {
                body["dimensions"] = json!(dimensions);
            }
            let (answer, requests) = self
                .client
                .post(body.to_string().as_bytes(), estimate.prompt)
                .await;
            calls += u64::from(requests);
            let parsed = answer
                .map_err(|error| match error {
                    CallError::Fatal(m) | CallError::Rejected(m) | CallError::Unavailable(m) => m,
                })
                .and_then(|text| parse(&text, batch.len(), self.dimensions));
            match parsed {
                Ok((batch_vectors, used)) => {
                    tokens.prompt += used.unwrap_or(estimate.prompt);
                    for (paper, vector) in batch.iter().zip(batch_vectors) {
                        vectors.insert(paper.id.clone(), vector);
                    }
                }
                Err(message) => {
                    problem = Some(message);
                    break;
                }
            }
        }
        let usage = Usage {
            scorer: ScorerKind::Llm,
            model: Some(self.model.clone()),
            calls,
            prompt_tokens: tokens.prompt,
            cost_usd: self.price.as_ref().map(|price| cost_usd(price, &tokens)),
            ..Usage::default()
        };
        (vectors, usage, problem)
    }
}

/// `{base_url}/embeddings`; on Azure, whose base URL names the chat model's deployment
/// (`…/openai/deployments/NAME`), the deployment of the embeddings model, named after it.
pub(crate) fn embeddings_url(base_url: &str, provider: Provider, model: &str) -> String {
    if provider == Provider::Azure
        && let Some(start) = base_url.find("/deployments/")
    {
        let after = &base_url[start + "/deployments/".len()..];
        let end = after.find(['/', '?']).unwrap_or(after.len());
        let swapped = format!(
            "{}/deployments/{model}{}",
            &base_url[..start],
            &after[end..]
        );
        return endpoint_url(&swapped, "embeddings");
    }
    endpoint_url(base_url, "embeddings")
}

/// The vectors of an embeddings answer in input order, and the prompt tokens it reports.
/// Wrong count, wrong or mixed length, or not numbers: an error saying so.
fn parse(
    body: &str,
    expected: usize,
    dimensions: Option<u32>,
) -> Result<(Vec<Vec<f32>>, Option<u64>), String> {
    let value: Value =
        serde_json::from_str(body).map_err(|_| "the embeddings answer is not JSON".to_string())?;
    let data = value["data"]
        .as_array()
        .ok_or("the embeddings answer has no data list")?;
    if data.len() != expected {
        return Err(format!(
            "the embeddings answer has {} vectors for {expected} texts",
            data.len()
        ));
    }
    let mut ordered: Vec<(u64, Vec<f32>)> = Vec::with_capacity(expected);
    for (position, item) in data.iter().enumerate() {
        let index = item["index"].as_u64().unwrap_or(position as u64);
        let vector: Option<Vec<f32>> = item["embedding"].as_array().and_then(|numbers| {
            numbers
                .iter()
                .map(|n| n.as_f64().map(|x| x as f32).filter(|x| x.is_finite()))
                .collect()
        });
        let vector = vector.ok_or("an embedding is not a list of numbers")?;
        ordered.push((index, vector));
    }
    ordered.sort_by_key(|(index, _)| *index);
    let length = ordered[0].1.len();
    let wanted = dimensions.map_or(length, |d| d as usize);
    if length == 0 || ordered.iter().any(|(_, v)| v.len() != wanted) {
        return Err(format!(
            "the embeddings have {length} dimensions where {wanted} were asked for (profile.embeddings_dimensions)"
        ));
    }
    let tokens = value["usage"]["prompt_tokens"].as_u64();
    Ok((ordered.into_iter().map(|(_, v)| v).collect(), tokens))
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        dot += f64::from(*x) * f64::from(*y);
        na += f64::from(*x) * f64::from(*x);
        nb += f64::from(*y) * f64::from(*y);
    }
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na.sqrt() * nb.sqrt())
    }
}

/// A paper's similarity to the wanted papers: the mean cosine of its `NEAREST` nearest,
/// itself left out.
fn similarity(id: &str, vector: &[f32], wanted: &[(&str, &Vec<f32>)]) -> f64 {
    let mut sims: Vec<f64> = wanted
        .iter()
        .filter(|(w, _)| *w != id)
        .map(|(_, v)| cosine(vector, v))
        .collect();
    sims.sort_by(|a, b| b.total_cmp(a));
    let nearest = &sims[..sims.len().min(NEAREST)];
    if nearest.is_empty() {
        0.0
    } else {
        nearest.iter().sum::<f64>() / nearest.len() as f64
    }
}

/// Blends the day's similarity into `scores`: each paper's similarity becomes its rank among
/// the day's papers (0 the least similar, 1 the most), and its profile score becomes
/// `(1 - weight) * score + weight * rank`, so the two agree in scale and the score stays in
/// [0, 1]. Papers without a vector keep their score.
fn blend(scores: &mut DayScores, similarities: &HashMap<String, f64>, weight: f64) {
    let mut ranked: Vec<(&String, f64)> = similarities.iter().map(|(k, v)| (k, *v)).collect();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let last = ranked.len().saturating_sub(1).max(1) as f64;
    for (position, (id, _)) in ranked.iter().enumerate() {
        if let Some(score) = scores.get_mut(*id) {
            *score = (1.0 - weight) * *score + weight * (position as f64 / last);
        }
    }
}

/// Adds the embedding similarity to a day's profile scores. `day` is the day's papers,
/// `wanted` the profile's wanted papers. Returns what it did for the record.
pub(crate) async fn apply(
    embedder: &Embedder,
    config: &Config,
    day: &[PaperText],
    wanted: &[PaperText],
    scores: &mut DayScores,
) -> EmbeddingsRecord {
    let data_dir = config.data_dir();
    let mut warnings = Vec::new();
    let mut cache = match cache_file::load(&data_dir, &embedder.model) {
        Ok(cache) => cache,
        Err(error) => {
            let aside = cache_file::set_aside(&data_dir, &embedder.model)
                .map(|p| format!("moved to {}", p.display()))
                .unwrap_or_else(|e| format!("{e:#}"));
            warnings.push(format!("{error:#}; {aside}, and it is rebuilt"));
            EmbeddingCache {
                model: embedder.model.clone(),
                ..EmbeddingCache::default()
            }
        }
    };
    let wanted_ids: HashSet<&str> = wanted.iter().map(|p| p.id.as_str()).collect();
    let mut needed: Vec<&PaperText> = Vec::new();
    let mut seen = HashSet::new();
    for paper in wanted.iter().chain(day) {
        if seen.insert(paper.id.as_str()) && !cache.vectors.contains_key(&paper.id) {
            needed.push(paper);
        }
    }
    let cached = seen.len() - needed.len();
    let budget = config.llm.max_cost_usd;
    let (fresh, usage, problem) = if needed.is_empty() {
        (HashMap::new(), Usage::default(), None)
    } else {
        embedder.embed(&needed, budget).await
    };
    let embedded = fresh.len();
    // A fresh vector of another length than the cache's: the model changed its size; the
    // cache is of no more use and starts over.
    if let Some(length) = fresh.values().next().map(Vec::len)
        && cache.dimensions != length
    {
        if !cache.vectors.is_empty() {
            warnings.push(format!(
                "cached embeddings have {} dimensions, the model now answers {length}; the cache starts over",
                cache.dimensions
            ));
        }
        cache.vectors.clear();
        cache.dimensions = length;
    }
    cache.vectors.extend(fresh);
    if let Some(problem) = problem {
        warnings.push(format!(
            "{problem}; the profile scores this day without embeddings"
        ));
    } else {
        let vectors = &cache.vectors;
        let wanted_vectors: Vec<(&str, &Vec<f32>)> = wanted
            .iter()
            .filter_map(|p| vectors.get(&p.id).map(|v| (p.id.as_str(), v)))
            .collect();
        let similarities: HashMap<String, f64> = day
            .iter()
            .filter_map(|p| {
                vectors
                    .get(&p.id)
                    .map(|v| (p.id.clone(), similarity(&p.id, v, &wanted_vectors)))
            })
            .collect();
        if !wanted_vectors.is_empty() {
            blend(scores, &similarities, config.profile.embeddings_weight);
        }
    }
    let day_ids: HashSet<&str> = day.iter().map(|p| p.id.as_str()).collect();
    if let Err(error) = cache_file::save(&data_dir, &cache, &|id| {
        wanted_ids.contains(id) || day_ids.contains(id)
    }) {
        warnings.push(format!("{error:#}; the vectors are sent again next time"));
    }
    for warning in &warnings {
        tracing::warn!("embeddings: {warning}");
    }
    EmbeddingsRecord {
        usage,
        embedded,
        cached,
        warning: (!warnings.is_empty()).then(|| warnings.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_with_the_wrong_size_count_or_shape_is_refused_with_why() {
        let ok = r#"{"data": [{"index": 1, "embedding": [0.0, 1.0]}, {"index": 0, "embedding": [1.0, 0.0]}], "usage": {"prompt_tokens": 7}}"#;
        let (vectors, tokens) = parse(ok, 2, Some(2)).unwrap();
        assert_eq!(vectors, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
        assert_eq!(tokens, Some(7));
        let error = parse(ok, 2, Some(256)).unwrap_err();
        assert!(error.contains("2 dimensions where 256"), "{error}");
        assert!(parse(ok, 3, None).unwrap_err().contains("2 vectors for 3"));
        assert!(parse("<html>", 1, None).unwrap_err().contains("not JSON"));
        let mixed = r#"{"data": [{"embedding": [1.0]}, {"embedding": [1.0, 0.0]}]}"#;
        assert!(parse(mixed, 2, None).is_err());
        let words = r#"{"data": [{"embedding": ["a"]}]}"#;
        assert!(
            parse(words, 1, None)
                .unwrap_err()
                .contains("not a list of numbers")
        );
    }

    #[test]
    fn azure_embeds_through_the_deployment_named_after_the_model() {
        assert_eq!(
            embeddings_url(
                "https://x.openai.azure.com/openai/deployments/gpt-4o?api-version=2025-04-01-preview",
                Provider::Azure,
                "text-embedding-3-small"
            ),
            "https://x.openai.azure.com/openai/deployments/text-embedding-3-small/embeddings?api-version=2025-04-01-preview"
        );
        assert_eq!(
            embeddings_url("http://127.0.0.1:11434/v1", Provider::Ollama, "nomic"),
            "http://127.0.0.1:11434/v1/embeddings"
        );
        assert!(!Provider::Ollama.takes_embedding_dimensions());
    }

    #[test]
    fn similarity_ranks_blend_into_the_score_and_a_paper_is_not_its_own_neighbour() {
        let a = vec![1.0f32, 0.0];
        let b = vec![0.0f32, 1.0];
        let wanted = [("w", &a)];
        assert!((similarity("x", &a, &wanted) - 1.0).abs() < 1e-9);
        assert_eq!(similarity("w", &a, &wanted), 0.0);
        let mut scores: DayScores = [("p".to_string(), 0.5), ("q".to_string(), 0.5)].into();
        let sims: HashMap<String, f64> = [("p".to_string(), 0.9), ("q".to_string(), 0.1)].into();
        blend(&mut scores, &sims, 0.5);
        assert!((scores["p"] - 0.75).abs() < 1e-9 && (scores["q"] - 0.25).abs() < 1e-9);
        assert!((cosine(&a, &b)).abs() < 1e-9);
    }
}

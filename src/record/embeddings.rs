//! The embeddings cache: `data/embeddings/<model>.json.zst`, one vector per paper ID for one
//! embeddings model, so a paper is embedded once. It keeps the vectors the profile compares
//! with (its wanted papers) and the newest day's papers (so a re-run of that day sends
//! nothing); anything else is dropped when it is written. A file that cannot be read is set
//! aside by the caller (renamed, named in a warning) and rebuilt; it only saves money.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// zstd level: vectors compress little; a fast level is enough.
const LEVEL: i32 = 9;

/// The vectors of one model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingCache {
    pub model: String,
    /// The length of every vector in the file.
    pub dimensions: usize,
    /// Vectors by arXiv ID, values rounded to 4 decimals (cosine similarity does not notice).
    pub vectors: HashMap<String, Vec<f32>>,
}

/// `data/embeddings/<model>.json.zst`, the model name made a safe file name.
pub fn path(data_dir: &Path, model: &str) -> PathBuf {
    let name: String = model
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    data_dir.join("embeddings").join(format!("{name}.json.zst"))
}

/// Reads the cache of `model`: empty when there is none; an error names the file and why it
/// cannot be used (not zstd, not JSON of this shape, another model, vectors of mixed length).
pub fn load(data_dir: &Path, model: &str) -> Result<EmbeddingCache> {
    let file = path(data_dir, model);
    if !file.exists() {
        return Ok(EmbeddingCache {
            model: model.to_string(),
            ..EmbeddingCache::default()
        });
    }
    let packed = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let json = zstd::stream::decode_all(packed.as_slice())
        .with_context(|| format!("{} is not a zstd file", file.display()))?;
    let cache: EmbeddingCache = serde_json::from_slice(&json)
        .with_context(|| format!("{} is not an embeddings cache", file.display()))?;
    if cache.model != model {
        anyhow::bail!(
            "{} holds vectors of {:?}, not {model:?}",
            file.display(),
            cache.model
        );
    }
    if let Some((id, _)) = cache
        .vectors
        .iter()
        .find(|(_, v)| v.len() != cache.dimensions || v.iter().any(|x| !x.is_finite()))
    {
        anyhow::bail!(
            "{} has a vector for {id} that is not {} finite numbers",
            file.display(),
            cache.dimensions
        );
    }
    Ok(cache)
}

/// Moves an unreadable cache file aside (`.broken` beside it) so the next write starts fresh
/// and nothing is lost; returns where it went.
pub fn set_aside(data_dir: &Path, model: &str) -> Result<PathBuf> {
    let file = path(data_dir, model);
    let aside = file.with_extension("zst.broken");
    std::fs::rename(&file, &aside)
        .with_context(|| format!("cannot move {} aside", file.display()))?;
    Ok(aside)
}

/// Writes the cache atomically, keeping only the vectors of `keep`.
pub fn save(data_dir: &Path, cache: &EmbeddingCache, keep: &dyn Fn(&str) -> bool) -> Result<()> {
    let kept = EmbeddingCache {
        model: cache.model.clone(),
        dimensions: cache.dimensions,
        vectors: cache
            .vectors
            .iter()
            .filter(|(id, _)| keep(id))
            .map(|(id, v)| {
                let rounded = v
                    .iter()
                    .map(|x| (x * 10_000.0).round() / 10_000.0)
                    .collect();
                (id.clone(), rounded)
            })
            .collect(),
    };
    // Sorted keys: the same vectors make the same file.
    let sorted: std::collections::BTreeMap<&String, &Vec<f32>> = kept.vectors.iter().collect();
    let json = serde_json::to_vec(&serde_json::json!({
        "model": kept.model,
        "dimensions": kept.dimensions,
        "vectors": sorted,
    }))
    .context("cannot serialise the embeddings cache")?;
    let packed =
        zstd::bulk::compress(&json, LEVEL).context("cannot compress the embeddings cache")?;
    crate::files::write_atomic(&path(data_dir, &cache.model), &packed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_round_trips_keeps_what_is_asked_and_refuses_a_broken_file() {
        let dir = tempfile::tempdir().unwrap();
        let model = "openai/text-embedding-3-small";
        let mut cache = load(dir.path(), model).unwrap();
        assert!(cache.vectors.is_empty());
        cache.dimensions = 2;
        cache.vectors.insert("2601.00001".into(), vec![0.6, 0.8]);
        cache.vectors.insert("2601.00002".into(), vec![1.0, 0.0]);
        save(dir.path(), &cache, &|id| id.ends_with('1')).unwrap();
        let back = load(dir.path(), model).unwrap();
        assert_eq!(back.vectors.len(), 1);
        assert_eq!(back.vectors["2601.00001"], vec![0.6, 0.8]);
        assert!(path(dir.path(), model).ends_with("openai_text-embedding-3-small.json.zst"));
        // Another model's name on the file, a vector of the wrong length, or garbage: refused,
        // named, and set aside without losing the file.
        std::fs::copy(
            path(dir.path(), model),
            path(dir.path(), "text-embedding-3-large"),
        )
        .unwrap();
        let error = format!(
            "{:#}",
            load(dir.path(), "text-embedding-3-large").unwrap_err()
        );
        assert!(error.contains("holds vectors of"), "{error}");
        let mut wrong = back.clone();
        wrong.vectors.insert("2601.00003".into(), vec![1.0]);
        save(dir.path(), &wrong, &|_| true).unwrap();
        let error = format!("{:#}", load(dir.path(), model).unwrap_err());
        assert!(
            error.contains("2601.00003") && error.contains("2 finite"),
            "{error}"
        );
        std::fs::write(path(dir.path(), model), b"not zstd").unwrap();
        let error = format!("{:#}", load(dir.path(), model).unwrap_err());
        assert!(error.contains("is not a zstd file"), "{error}");
        let aside = set_aside(dir.path(), model).unwrap();
        assert_eq!(std::fs::read(aside).unwrap(), b"not zstd");
        assert!(load(dir.path(), model).unwrap().vectors.is_empty());
    }
}

//! Content-addressed score cache under `data/cache/scores/`, so a paper is never paid for twice.
//!
//! Layout: `data/cache/scores/<prompt-key>/<segment>.json`. The prompt key hashes the model,
//! both stages' assembled prompts, the abstract length and the paper layout, so editing a
//! prompt file starts a fresh folder instead of reusing answers to other instructions. Inside,
//! entries are keyed by a hash of the paper's ID, version, title and abstract. Each run that
//! learns something adds one segment holding only its new entries, one line each, named by
//! the hash of its content; old segments are never rewritten, so git stores each byte once
//! and a day adds a few dozen kilobytes.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::paper::Paper;
use crate::score::prompt::{PROMPT_LAYOUT_VERSION, StagePrompts};

/// What the cache remembers about one paper under one prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub(crate) enum CachedVerdict {
    /// The abstract was scored.
    Scored {
        relevance: u8,
        novelty: u8,
        comment: String,
        /// The topics the model named (absent in entries from before topics were asked for).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        topics: Vec<String>,
    },
    /// The title prefilter named it clearly irrelevant. (The page's reason is rebuilt from
    /// the model name, which the prompt key already covers, so it is not stored per paper.)
    TitleRejected,
    /// The title prefilter let it through; its abstract was not scored (yet).
    TitleKept,
    /// A TL;DR (kept in the TL;DR cache's own folder, keyed by its prompt and language).
    Summary { text: String },
}

impl CachedVerdict {
    /// Which of two verdicts for the same paper wins: a score says the most.
    fn weight(&self) -> u8 {
        match self {
            CachedVerdict::Summary { .. } => 3,
            CachedVerdict::Scored { .. } => 2,
            CachedVerdict::TitleRejected => 1,
            CachedVerdict::TitleKept => 0,
        }
    }
}

/// One stored entry; the ID (with version) is there for people reading the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    id: String,
    #[serde(flatten)]
    verdict: CachedVerdict,
}

/// The cache folder of one prompt key: what earlier runs stored, plus this run's additions.
#[derive(Debug)]
pub(crate) struct ScoreCache {
    folder: PathBuf,
    known: HashMap<String, CachedVerdict>,
    fresh: BTreeMap<String, Entry>,
}

/// The folder name for a model and its prompts: 16 hex digits of a SHA-256.
pub(crate) fn prompt_key(model: &str, stages: &StagePrompts, abstract_chars: usize) -> String {
    short_hash(&[
        &PROMPT_LAYOUT_VERSION.to_string(),
        model,
        &stages.title,
        &stages.score,
        &abstract_chars.to_string(),
    ])
}

/// The entry key of a paper: 16 hex digits of a SHA-256 over ID, version, title and abstract,
/// so a new version or an edited abstract is scored afresh.
pub(crate) fn paper_key(paper: &Paper) -> String {
    short_hash(&[
        &paper.id,
        &paper.version.to_string(),
        &paper.title,
        &paper.abstract_text,
    ])
}

fn short_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ScoreCache {
    /// A cache with nothing known yet that saves into `folder`.
    pub(crate) fn empty(folder: &Path) -> ScoreCache {
        ScoreCache {
            folder: folder.to_path_buf(),
            known: HashMap::new(),
            fresh: BTreeMap::new(),
        }
    }

    /// Loads every segment in `folder` (absent folder: empty cache). A segment that does not
    /// parse is skipped with a warning: the cache only saves money, it never stops a run.
    pub(crate) fn open(folder: &Path) -> Result<ScoreCache> {
        let mut cache = ScoreCache::empty(folder);
        if !folder.exists() {
            return Ok(cache);
        }
        let mut segments = Vec::new();
        for entry in std::fs::read_dir(folder)
            .with_context(|| format!("cannot list the score cache {}", folder.display()))?
        {
            let path = entry
                .with_context(|| format!("cannot list the score cache {}", folder.display()))?
                .path();
            if path.extension().is_some_and(|e| e == "json") {
                segments.push(path);
            }
        }
        segments.sort();
        for path in segments {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read cache segment {}", path.display()))?;
            match serde_json::from_str::<BTreeMap<String, Entry>>(&text) {
                Ok(entries) => entries
                    .into_iter()
                    .for_each(|(key, entry)| cache.remember(key, entry.verdict)),
                Err(error) => tracing::warn!(
                    segment = %path.display(),
                    %error,
                    "skipping a score-cache segment that does not parse"
                ),
            }
        }
        Ok(cache)
    }

    fn remember(&mut self, key: String, verdict: CachedVerdict) {
        match self.known.get(&key) {
            Some(existing) if existing.weight() >= verdict.weight() => {}
            _ => {
                self.known.insert(key, verdict);
            }
        }
    }

    /// What is known about a paper key.
    pub(crate) fn get(&self, key: &str) -> Option<&CachedVerdict> {
        self.known.get(key)
    }

    /// Records a verdict learnt in this run; it is written by [`ScoreCache::save`]. A verdict
    /// that says no more than what is already known is not stored again.
    pub(crate) fn put(&mut self, paper: &Paper, verdict: CachedVerdict) {
        let key = paper_key(paper);
        if self
            .known
            .get(&key)
            .is_some_and(|existing| existing.weight() >= verdict.weight())
        {
            return;
        }
        self.known.insert(key.clone(), verdict.clone());
        self.fresh.insert(
            key,
            Entry {
                id: format!("{}v{}", paper.id, paper.version),
                verdict,
            },
        );
    }

    /// Number of entries learnt in this run and not yet saved.
    #[cfg(test)]
    pub(crate) fn unsaved(&self) -> usize {
        self.fresh.len()
    }

    /// Writes this run's new entries as one segment (atomically), named by its content hash.
    /// Returns the segment's path, or `None` when there was nothing new.
    pub(crate) fn save(&mut self) -> Result<Option<PathBuf>> {
        if self.fresh.is_empty() {
            return Ok(None);
        }
        let mut text = String::from("{\n");
        let last = self.fresh.len() - 1;
        for (index, (key, entry)) in self.fresh.iter().enumerate() {
            let line = serde_json::to_string(entry).context("cannot serialise a cache entry")?;
            let comma = if index == last { "" } else { "," };
            text.push_str(&format!("{key:?}: {line}{comma}\n"));
        }
        text.push_str("}\n");
        let path = self
            .folder
            .join(format!("{}.json", short_hash(&[text.as_str()])));
        crate::files::write_atomic(&path, text.as_bytes())?;
        self.fresh.clear();
        Ok(Some(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::AnnounceType;

    fn paper(id: &str, version: u32, abstract_text: &str) -> Paper {
        Paper {
            id: id.into(),
            version,
            title: "A title".into(),
            authors: vec!["A".into()],
            abstract_text: abstract_text.into(),
            categories: vec!["cs.LG".into()],
            announce_type: AnnounceType::New,
            doi: None,
            journal_ref: None,
            license: None,
        }
    }

    fn scored(relevance: u8) -> CachedVerdict {
        CachedVerdict::Scored {
            relevance,
            novelty: 5,
            comment: "c \"quoted\"".into(),
            topics: Vec::new(),
        }
    }

    #[test]
    fn keys_change_with_version_abstract_model_and_prompts() {
        let base = paper_key(&paper("2501.00001", 1, "abs"));
        assert_eq!(base.len(), 16);
        assert_ne!(base, paper_key(&paper("2501.00001", 2, "abs")));
        assert_ne!(base, paper_key(&paper("2501.00001", 1, "abs.")));
        let stages = StagePrompts {
            title: "t".into(),
            score: "s".into(),
        };
        let key = prompt_key("gpt-4.1-mini", &stages, 2000);
        assert_ne!(key, prompt_key("gpt-4.1", &stages, 2000));
        assert_ne!(key, prompt_key("gpt-4.1-mini", &stages, 1500));
        let edited = StagePrompts {
            score: "s2".into(),
            ..stages.clone()
        };
        assert_ne!(key, prompt_key("gpt-4.1-mini", &edited, 2000));
    }

    #[test]
    fn saved_segments_are_read_back_and_never_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("cache/scores/abc");
        let (a, b, c) = (
            paper("2501.00001", 1, "a"),
            paper("2501.00002", 1, "b"),
            paper("2501.00003", 1, "c"),
        );
        let mut cache = ScoreCache::open(&folder).unwrap();
        assert_eq!(cache.save().unwrap(), None, "nothing new, nothing written");
        cache.put(&a, CachedVerdict::TitleKept);
        cache.put(&a, scored(8));
        cache.put(&b, CachedVerdict::TitleRejected);
        let first = cache.save().unwrap().unwrap();
        let first_text = std::fs::read_to_string(&first).unwrap();
        assert_eq!(
            first_text.lines().count(),
            4,
            "one line per entry: {first_text}"
        );
        assert!(first_text.contains("\"id\":\"2501.00001v1\""));

        let mut again = ScoreCache::open(&folder).unwrap();
        assert_eq!(again.get(&paper_key(&a)), Some(&scored(8)));
        assert_eq!(
            again.get(&paper_key(&b)),
            Some(&CachedVerdict::TitleRejected)
        );
        again.put(&a, CachedVerdict::TitleKept);
        again.put(&a, scored(8));
        assert_eq!(again.unsaved(), 0, "known verdicts are not stored twice");
        again.put(&c, scored(3));
        let second = again.save().unwrap().unwrap();
        assert_ne!(first, second);
        assert_eq!(std::fs::read_to_string(&first).unwrap(), first_text);
        let third = ScoreCache::open(&folder).unwrap();
        assert_eq!(third.get(&paper_key(&c)), Some(&scored(3)));
    }

    #[test]
    fn a_broken_segment_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("broken.json"), "{not json").unwrap();
        let mut cache = ScoreCache::open(dir.path()).unwrap();
        let a = paper("2501.00001", 1, "a");
        cache.put(&a, scored(9));
        cache.save().unwrap();
        let reopened = ScoreCache::open(dir.path()).unwrap();
        assert_eq!(reopened.get(&paper_key(&a)), Some(&scored(9)));
    }
}

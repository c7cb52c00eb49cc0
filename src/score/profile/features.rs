//! The profile's features: tf-idf over a paper's title and abstract (words and pairs of
//! neighbouring words) and its authors' names as tokens of their own. Sublinear term frequency
//! (1 + ln tf), document-frequency bounds, a vocabulary capped to the most common terms, and
//! each vector scaled to unit length, as scikit-learn's `TfidfVectorizer(sublinear_tf=True,
//! ngram_range=(1, 2), min_df=2, max_df=0.5)` does.

use rustc_hash::FxHashMap as HashMap;

use serde::{Deserialize, Serialize};

/// A sparse vector: (term index, value), indices ascending.
pub(crate) type Sparse = Vec<(u32, f32)>;

/// Words that say nothing of a paper's topic; left out of words and of pairs.
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "across", "after", "again", "against", "all", "also", "an", "and",
    "any", "are", "as", "at", "be", "been", "being", "between", "both", "but", "by", "can",
    "could", "do", "does", "doing", "during", "each", "either", "et", "etc", "few", "for", "from",
    "further", "had", "has", "have", "having", "here", "how", "however", "i", "if", "in", "into",
    "is", "it", "its", "itself", "more", "most", "much", "must", "no", "nor", "not", "of", "off",
    "on", "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "paper",
    "per", "same", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "through", "thus", "to", "too", "two", "under",
    "until", "up", "upon", "us", "use", "used", "uses", "using", "very", "via", "was", "we",
    "were", "what", "when", "where", "whether", "which", "while", "who", "whose", "why", "will",
    "with", "within", "without", "would", "yet", "you", "your", "show", "shows", "propose",
    "proposed", "present", "results", "approach", "method", "methods", "based", "new", "work",
    "however", "often", "may", "well", "first", "three",
];

/// True for a word of [`STOPWORDS`] (a hash set made once).
fn is_stopword(word: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect())
        .contains(word)
}

/// The words of a text: lower-cased runs of letters and digits, without stopwords, single
/// characters or pure numbers (left out, as scikit-learn does before it pairs words, so
/// "mixture of experts" gives "mixture experts"). `None` marks punctuation other than a
/// hyphen: pairs never span a sentence or a clause.
fn words(text: &str, out: &mut Vec<Option<String>>) {
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Option<String>>| {
        if word.is_empty() {
            return;
        }
        if word.chars().count() > 1
            && !word.chars().all(|c| c.is_ascii_digit())
            && !is_stopword(word)
        {
            out.push(Some(word.clone()));
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, out);
            if !c.is_whitespace() && c != '-' {
                out.push(None);
            }
        }
    }
    flush(&mut word, out);
}

/// The terms of a paper: its title's and abstract's words and pairs of neighbouring words, and
/// `@name` for each author (lower-cased, spaces as `_`).
pub(crate) fn terms(title: &str, abstract_text: &str, authors: &[String]) -> Vec<String> {
    let mut sequence = Vec::new();
    words(title, &mut sequence);
    sequence.push(None);
    words(abstract_text, &mut sequence);
    let mut out: Vec<String> = sequence.iter().flatten().cloned().collect();
    for pair in sequence.windows(2) {
        if let [Some(a), Some(b)] = pair {
            out.push(format!("{a} {b}"));
        }
    }
    for author in authors {
        let name: String = author
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("_")
            .to_lowercase();
        if !name.is_empty() {
            out.push(format!("@{name}"));
        }
    }
    out
}

/// The terms a profile knows, with their inverse document frequencies.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct Vocabulary {
    /// Terms by index.
    pub terms: Vec<String>,
    pub idf: Vec<f32>,
    #[serde(skip)]
    index: HashMap<String, u32>,
}

/// How a vocabulary is chosen.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VocabularyBounds {
    /// Terms in fewer documents are left out.
    pub min_df: usize,
    /// Terms in a larger share of documents are left out.
    pub max_df_share: f64,
    /// At most this many terms, the most common kept.
    pub max_terms: usize,
}

impl Default for VocabularyBounds {
    fn default() -> Self {
        Self {
            min_df: 2,
            max_df_share: 0.5,
            max_terms: 20_000,
        }
    }
}

impl Vocabulary {
    /// The vocabulary of `documents` (each a paper's terms).
    pub(crate) fn fit(documents: &[Vec<String>], bounds: VocabularyBounds) -> Vocabulary {
        let mut df: HashMap<&str, usize> = HashMap::default();
        for document in documents {
            let mut seen: Vec<&str> = document.iter().map(String::as_str).collect();
            seen.sort_unstable();
            seen.dedup();
            for term in seen {
                *df.entry(term).or_default() += 1;
            }
        }
        let n = documents.len().max(1);
        let max_df = ((n as f64) * bounds.max_df_share).floor().max(1.0) as usize;
        let mut kept: Vec<(&str, usize)> = df
            .into_iter()
            .filter(|(_, count)| *count >= bounds.min_df && *count <= max_df)
            .collect();
        // The most common first, ties by term, so the same documents give the same vocabulary.
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        kept.truncate(bounds.max_terms);
        kept.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut vocabulary = Vocabulary {
            terms: kept.iter().map(|(t, _)| (*t).to_string()).collect(),
            // Smoothed as scikit-learn does: ln((1 + n) / (1 + df)) + 1.
            idf: kept
                .iter()
                .map(|(_, count)| (((1 + n) as f64 / (1 + count) as f64).ln() + 1.0) as f32)
                .collect(),
            index: HashMap::default(),
        };
        vocabulary.build_index();
        vocabulary
    }

    /// Rebuilds the term index (after deserialising).
    pub(crate) fn build_index(&mut self) {
        self.index = self
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
    }

    pub(crate) fn len(&self) -> usize {
        self.terms.len()
    }

    /// A paper's unit-length tf-idf vector; terms outside the vocabulary are left out.
    pub(crate) fn vector(&self, terms: &[String]) -> Sparse {
        let mut counts: HashMap<u32, u32> = HashMap::default();
        for term in terms {
            if let Some(&i) = self.index.get(term) {
                *counts.entry(i).or_default() += 1;
            }
        }
        let mut vector: Sparse = counts
            .into_iter()
            .map(|(i, tf)| (i, (1.0 + (tf as f32).ln()) * self.idf[i as usize]))
            .collect();
        vector.sort_unstable_by_key(|(i, _)| *i);
        let norm = vector.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, v) in &mut vector {
                *v /= norm;
            }
        }
        vector
    }
}

/// The cosine similarity of two unit-length sparse vectors.
pub(crate) fn cosine(a: &Sparse, b: &Sparse) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_words_pairs_and_authors_and_pairs_never_cross_a_stopword() {
        let t = terms(
            "Sparse Mixture-of-Experts",
            "We prune the experts. Sparse routing.",
            &["Ada Lovelace".to_string()],
        );
        for expected in [
            "sparse",
            "mixture",
            "experts",
            "mixture experts",
            "sparse routing",
            "@ada_lovelace",
        ] {
            assert!(
                t.contains(&expected.to_string()),
                "{expected} missing from {t:?}"
            );
        }
        // "prune the experts": the stopword is left out; "experts. Sparse" crosses a full stop.
        assert!(t.contains(&"prune experts".to_string()), "{t:?}");
        assert!(!t.contains(&"experts sparse".to_string()), "{t:?}");
        assert!(!t.iter().any(|w| w == "we" || w == "the"));
    }

    #[test]
    fn the_vocabulary_keeps_terms_within_its_bounds_and_vectors_have_unit_length() {
        let docs: Vec<Vec<String>> = [
            "sparse experts routing",
            "sparse experts pruning",
            "dense attention pruning",
            "attention graphs",
        ]
        .iter()
        .map(|d| d.split(' ').map(str::to_string).collect())
        .collect();
        let v = Vocabulary::fit(&docs, VocabularyBounds::default());
        // df 2 of 4 is the most max_df_share 0.5 allows; df 1 is below min_df.
        assert_eq!(v.terms, ["attention", "experts", "pruning", "sparse"]);
        let x = v.vector(&docs[0]);
        assert_eq!(x.len(), 2);
        let norm: f32 = x.iter().map(|(_, v)| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-6);
        assert!((cosine(&x, &x) - 1.0).abs() < 1e-6);
        assert_eq!(cosine(&x, &v.vector(&docs[3])), 0.0);
        let capped = Vocabulary::fit(
            &docs,
            VocabularyBounds {
                max_terms: 1,
                ..Default::default()
            },
        );
        assert_eq!(capped.len(), 1);
    }
}

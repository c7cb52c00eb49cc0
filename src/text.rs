//! Text plumbing: the normal form keyword rules match in, and whole-word phrase matching.

/// Lower-cases and replaces every run of non-alphanumeric characters by one space, with a
/// space at each end.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Configured phrases prepared for whole-word, case-insensitive search in [`normalise`]d text.
#[derive(Debug, Clone)]
pub(crate) struct PhraseSet {
    /// (phrase as configured, normalised needle with surrounding spaces)
    phrases: Vec<(String, String)>,
}

impl PhraseSet {
    pub(crate) fn new<S: AsRef<str>>(phrases: &[S]) -> PhraseSet {
        PhraseSet {
            phrases: phrases
                .iter()
                .map(|p| (p.as_ref().trim().to_string(), normalise(p.as_ref())))
                .filter(|(_, needle)| !needle.trim().is_empty())
                .collect(),
        }
    }

    /// The first configured phrase found in `normalised_text`.
    pub(crate) fn first_match(&self, normalised_text: &str) -> Option<&str> {
        self.phrases
            .iter()
            .find(|(_, needle)| normalised_text.contains(needle.as_str()))
            .map(|(phrase, _)| phrase.as_str())
    }

    /// Every configured phrase found in `normalised_text`, in configured order.
    pub(crate) fn all_matches(&self, normalised_text: &str) -> Vec<String> {
        self.phrases
            .iter()
            .filter(|(_, needle)| normalised_text.contains(needle.as_str()))
            .map(|(phrase, _)| phrase.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_only_and_ignore_case() {
        let set = PhraseSet::new(&["MoE", "mixture of experts"]);
        assert_eq!(
            set.all_matches(&normalise("A Mixture-of-Experts model")),
            ["mixture of experts"]
        );
        assert_eq!(set.all_matches(&normalise("MoE routing")), ["MoE"]);
        assert!(set.all_matches(&normalise("Moebius transforms")).is_empty());
    }

    #[test]
    fn normalise_folds_case_and_punctuation_runs() {
        assert_eq!(
            normalise("Mixture-of-Experts, (MoE)!"),
            " mixture of experts moe "
        );
        assert_eq!(normalise(""), " ");
    }
}

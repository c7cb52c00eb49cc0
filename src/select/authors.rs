//! Followed authors: exact, local matching of arXiv author names after folding case, accents and TeX.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use crate::config::FollowedAuthor;
use crate::paper::decode_tex;

/// Folds a name for comparison: TeX escapes decoded, affiliations in parentheses dropped,
/// diacritics removed, case folded, and punctuation and runs of whitespace turned into single
/// spaces. `Veli\v{c}kovi\'c`, `Veličković` and `velickovic` all fold to `velickovic`.
pub(crate) fn fold_name(name: &str) -> String {
    let decoded = decode_tex(name);
    let mut out = String::with_capacity(decoded.len());
    let mut depth = 0usize;
    for c in decoded.nfkd() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            _ if unicode_normalization::char::is_combining_mark(c) => {}
            _ if c.is_alphanumeric() => push_folded_letter(&mut out, c),
            _ => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Letters that Unicode does not decompose into a base letter plus an accent.
fn push_folded_letter(out: &mut String, c: char) {
    match c {
        'ł' | 'Ł' => out.push('l'),
        'ø' | 'Ø' => out.push('o'),
        'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
        'ı' => out.push('i'),
        'ß' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'þ' | 'Þ' => out.push_str("th"),
        _ => out.extend(c.to_lowercase()),
    }
}

/// The followed authors of a config, prepared for matching: each folded name or alias, and each
/// Semantic Scholar author ID, maps to the display name the page shows.
#[derive(Debug, Clone, Default)]
pub struct FollowedAuthors {
    by_folded_name: HashMap<String, String>,
    by_s2_id: HashMap<String, String>,
}

impl FollowedAuthors {
    pub fn new(follow: &[FollowedAuthor]) -> FollowedAuthors {
        let mut by_folded_name = HashMap::new();
        let mut by_s2_id = HashMap::new();
        for author in follow {
            // The page shows the configured name, with any TeX written in config decoded.
            let display = decode_tex(author.name.trim());
            if let Some(id) = author
                .s2_id
                .as_deref()
                .map(str::trim)
                .filter(|id| !id.is_empty())
            {
                by_s2_id
                    .entry(id.to_string())
                    .or_insert_with(|| display.clone());
            }
            for spelling in std::iter::once(&author.name).chain(&author.aliases) {
                let folded = fold_name(spelling);
                if !folded.is_empty() {
                    by_folded_name
                        .entry(folded)
                        .or_insert_with(|| display.clone());
                }
            }
        }
        FollowedAuthors {
            by_folded_name,
            by_s2_id,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_folded_name.is_empty() && self.by_s2_id.is_empty()
    }

    /// Display names of the followed authors of a paper, each once: first those whose name is
    /// among the arXiv `authors` (in paper order), then those whose Semantic Scholar ID is among
    /// the paper's `s2_author_ids`. Both comparisons are exact.
    pub fn matches(&self, authors: &[String], s2_author_ids: &[String]) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        if self.is_empty() {
            return found;
        }
        let by_name = authors
            .iter()
            .filter_map(|author| self.by_folded_name.get(&fold_name(author)));
        let by_id = s2_author_ids
            .iter()
            .filter_map(|id| self.by_s2_id.get(id.as_str()));
        for name in by_name.chain(by_id) {
            if !found.contains(name) {
                found.push(name.clone());
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn follow(name: &str, aliases: &[&str]) -> FollowedAuthor {
        FollowedAuthor {
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            s2_id: None,
        }
    }

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn folding_handles_accents_case_whitespace_and_affiliations() {
        assert_eq!(fold_name("Veličković"), "velickovic");
        assert_eq!(fold_name("  Petar   VELIČKOVIĆ "), "petar velickovic");
        assert_eq!(
            fold_name("Jürgen Schmidhuber (IDSIA)"),
            "jurgen schmidhuber"
        );
        assert_eq!(fold_name("Y. Bengio"), "y bengio");
        assert_eq!(fold_name("Łukasz Kaiser"), "lukasz kaiser");
        assert_eq!(fold_name("Kızıltepe"), "kiziltepe");
    }

    #[test]
    fn tex_escapes_fold_like_the_unicode_they_stand_for() {
        for spelling in [
            r"Petar Veli\v{c}kovi\'c",
            r"Petar Veli{\v c}kovi{\'c}",
            r"Petar Veli\v{c}kovi\'{c}",
            "Petar Veličković",
            "Petar Velic\u{30c}kovic\u{301}", // decomposed accents
            "petar velickovic",
        ] {
            assert_eq!(fold_name(spelling), "petar velickovic", "{spelling}");
        }
        assert_eq!(fold_name(r#"J\"urgen Schmidhuber"#), "jurgen schmidhuber");
        assert_eq!(
            fold_name(r"Jos\'e Hern\'andez-Orallo"),
            "jose hernandez orallo"
        );
        assert_eq!(
            fold_name(r"Aur\'elien G\'eron (Google, Paris)"),
            "aurelien geron"
        );
    }

    #[test]
    fn matches_exact_names_and_given_aliases_only() {
        let followed = FollowedAuthors::new(&[
            follow("Yoshua Bengio", &["Y. Bengio"]),
            follow("Petar Veličković", &[]),
        ]);
        let by_name = |authors: &[&str]| followed.matches(&names(authors), &[]);
        assert_eq!(by_name(&["A. Smith", "Yoshua  Bengio"]), ["Yoshua Bengio"]);
        assert_eq!(by_name(&["Y. Bengio (Mila)"]), ["Yoshua Bengio"]);
        assert_eq!(by_name(&["Petar Velickovic"]), ["Petar Veličković"]);
        assert_eq!(
            by_name(&[r"Petar Veli\v{c}kovi\'c", "Y. Bengio", "Yoshua Bengio"]),
            ["Petar Veličković", "Yoshua Bengio"]
        );
        // Near misses: another Bengio, a different initial, an initial without an alias, a
        // name that contains the followed one, and the name run together.
        for near_miss in [
            "Samy Bengio",
            "S. Bengio",
            "Y Bengio Jr",
            "P. Veličković",
            "Petar Veličković-Smith",
            "Anna Petar Veličković",
            "PetarVeličković",
            "Bengio",
        ] {
            assert!(
                by_name(&[near_miss]).is_empty(),
                "{near_miss} must not match"
            );
        }
    }

    #[test]
    fn a_name_written_in_tex_is_shown_decoded() {
        let followed = FollowedAuthors::new(&[follow(r"Petar Veli\v{c}kovi\'c", &[])]);
        assert_eq!(
            followed.matches(&names(&["Petar Veličković"]), &[]),
            ["Petar Veličković"]
        );
    }

    #[test]
    fn matches_by_semantic_scholar_author_id_exactly() {
        let mut bengio = follow("Yoshua Bengio", &[]);
        bengio.s2_id = Some(" 1751762 ".into());
        let followed = FollowedAuthors::new(&[bengio, follow("Ada Lovelace", &[])]);
        let ids = |ids: &[&str]| names(ids);
        assert_eq!(
            followed.matches(&names(&["Yoshua B."]), &ids(&["99", "1751762"])),
            ["Yoshua Bengio"]
        );
        // Named and resolved at once: listed once.
        assert_eq!(
            followed.matches(&names(&["Yoshua Bengio"]), &ids(&["1751762"])),
            ["Yoshua Bengio"]
        );
        assert!(
            followed
                .matches(&names(&["Y. B."]), &ids(&["17517620", "175176"]))
                .is_empty()
        );
        // Name and ID matches together, in that order.
        assert_eq!(
            followed.matches(&names(&["Ada Lovelace"]), &ids(&["1751762"])),
            ["Ada Lovelace", "Yoshua Bengio"]
        );
    }
}

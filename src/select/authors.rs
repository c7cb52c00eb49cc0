//! Followed authors: exact, local matching of arXiv author names after folding case, accents and TeX.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use crate::config::FollowedAuthor;
use crate::paper::decode_tex;

/// Folds a name for comparison: TeX escapes decoded, affiliations in parentheses dropped,
/// diacritics removed, case folded, and punctuation and runs of whitespace turned into single
/// spaces. `Veli\v{c}kovi\'c`, `Veličković` and `velickovic` all fold to `velickovic`.
pub fn fold_name(name: &str) -> String {
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

/// The followed authors of a config, prepared for matching: each folded name or alias maps to
/// the display name the page shows.
#[derive(Debug, Clone, Default)]
pub struct FollowedAuthors {
    by_folded_name: HashMap<String, String>,
}

impl FollowedAuthors {
    pub fn new(follow: &[FollowedAuthor]) -> FollowedAuthors {
        let mut by_folded_name = HashMap::new();
        for author in follow {
            for spelling in std::iter::once(&author.name).chain(&author.aliases) {
                let folded = fold_name(spelling);
                if !folded.is_empty() {
                    by_folded_name
                        .entry(folded)
                        .or_insert_with(|| author.name.clone());
                }
            }
        }
        FollowedAuthors { by_folded_name }
    }

    pub fn is_empty(&self) -> bool {
        self.by_folded_name.is_empty()
    }

    /// Display names of the followed authors among `authors`, each once, in paper order.
    pub fn matches(&self, authors: &[String]) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        if self.is_empty() {
            return found;
        }
        for author in authors {
            if let Some(name) = self.by_folded_name.get(&fold_name(author))
                && !found.contains(name)
            {
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
    fn matches_exact_names_and_given_aliases_only() {
        let followed = FollowedAuthors::new(&[
            follow("Yoshua Bengio", &["Y. Bengio"]),
            follow("Petar Veličković", &[]),
        ]);
        let paper = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            followed.matches(&paper(&["A. Smith", "Yoshua  Bengio"])),
            ["Yoshua Bengio"]
        );
        assert_eq!(
            followed.matches(&paper(&["Y. Bengio (Mila)"])),
            ["Yoshua Bengio"]
        );
        assert_eq!(
            followed.matches(&paper(&["Petar Velickovic"])),
            ["Petar Veličković"]
        );
        // Near misses: another Bengio, a different initial, no alias given.
        assert!(followed.matches(&paper(&["Samy Bengio"])).is_empty());
        assert!(followed.matches(&paper(&["S. Bengio"])).is_empty());
        assert!(followed.matches(&paper(&["P. Veličković"])).is_empty());
    }
}

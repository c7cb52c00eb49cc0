//! Words as the search index holds them and `search.js` reads a query: folded (lower case,
//! accents dropped, so "Celine" finds "Céline"), split at every character that is not a letter
//! or digit, an arXiv ID (`2506.18001`) kept whole, one-letter words and the stop words below
//! left out. `search.js` does the same with `\p{Alphabetic}` and `\p{N}`, which are the Unicode
//! properties [`char::is_alphabetic`] and [`char::is_numeric`] test; the stop words reach it in
//! the manifest, so the two cannot drift apart.

use unicode_normalization::UnicodeNormalization;

/// Words too common to search for: nearly every abstract has them.
pub(crate) const STOP_WORDS: [&str; 40] = [
    "about", "also", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "for",
    "from", "has", "have", "in", "into", "is", "it", "its", "more", "not", "of", "on", "or", "our",
    "such", "than", "that", "the", "their", "these", "this", "to", "was", "we", "were", "which",
    "with",
];

/// Longer "words" are hashes, encodings or run-together formulas, not anything one types.
pub(crate) const MAX_WORD_CHARS: usize = 40;

/// `text` lower-cased, with the accents (combining marks U+0300-U+036F after canonical
/// decomposition) dropped.
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.nfd().filter(|c| !('\u{300}'..='\u{36f}').contains(c)) {
        out.extend(c.to_lowercase());
    }
    out
}

/// Calls `each` with every searchable word of `text`, folded, in order.
pub(crate) fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    let folded = fold(text);
    let bytes = folded.as_bytes();
    let mut at = 0;
    while let Some(c) = folded[at..].chars().next() {
        if !is_word_char(c) {
            at += c.len_utf8();
            continue;
        }
        let end = arxiv_id_end(bytes, at).unwrap_or_else(|| {
            folded[at..]
                .char_indices()
                .find(|&(_, c)| !is_word_char(c))
                .map_or(folded.len(), |(offset, _)| at + offset)
        });
        let word = &folded[at..end];
        if is_searchable(word) {
            each(word);
        }
        at = end;
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric()
}

/// Where an arXiv ID (`\d{4}\.\d{4,5}`) that starts at `at` ends.
fn arxiv_id_end(bytes: &[u8], at: usize) -> Option<usize> {
    let digits = |from: usize, most: usize| {
        bytes
            .iter()
            .skip(from)
            .take(most)
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    if digits(at, 4) != 4 || bytes.get(at + 4) != Some(&b'.') {
        return None;
    }
    let tail = digits(at + 5, 5);
    (tail >= 4).then_some(at + 5 + tail)
}

fn is_searchable(word: &str) -> bool {
    let chars = word.chars().count();
    (2..=MAX_WORD_CHARS).contains(&chars) && !STOP_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn words_are_folded_and_split_without_stop_words_or_single_letters() {
        assert_eq!(
            words("Mixture-of-Experts for Céline's GANs: a 3D study, x_i"),
            ["mixture", "experts", "celine", "gans", "3d", "study"]
        );
    }

    #[test]
    fn arxiv_ids_stay_whole() {
        assert_eq!(
            words("see 2506.18001v2 and 12345.6789"),
            ["see", "2506.18001", "v2", "12345", "6789"]
        );
        assert_eq!(words("hep-th/9711200"), ["hep", "th", "9711200"]);
    }

    #[test]
    fn stop_words_are_sorted_and_folded() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| fold(w) == *w));
    }
}

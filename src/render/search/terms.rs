//! Words as the search index holds them and `search.js` reads a query: folded (lower case,
//! accents dropped, so "Celine" finds "Céline"), split at every character that is not a letter
//! or digit, an arXiv ID (`2506.18001`) kept whole, one-letter words and the stop words below
//! left out. `search.js` does the same with `\p{Alphabetic}` and `\p{N}`, which are the Unicode
//! properties [`char::is_alphabetic`] and [`char::is_numeric`] test; the stop words reach it in
//! the manifest, so the two cannot drift apart.

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
/// decomposition) dropped. Only the characters that are not ASCII are decomposed: most text
/// is ASCII but for a dash or a name.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        // Runs of ASCII are copied and lower-cased whole, which the compiler vectorises.
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            return out;
        };
        unicode_normalization::char::decompose_canonical(c, |part| {
            if !('\u{300}'..='\u{36f}').contains(&part) {
                out.extend(part.to_lowercase());
            }
        });
        rest = &rest[c.len_utf8()..];
    }
}

/// Calls `each` with every searchable word of text [`fold`] has folded, in order, borrowed
/// from it.
pub(crate) fn for_each_word_of_folded<'a>(folded: &'a str, mut each: impl FnMut(&'a str)) {
    let bytes = folded.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte.is_ascii() && !byte.is_ascii_alphanumeric() {
            at += 1;
            continue;
        }
        if !byte.is_ascii() {
            let (is_word, length) = non_ascii_word_char_at(folded, at);
            if !is_word {
                at += length;
                continue;
            }
        }
        let arxiv_id = if byte.is_ascii_digit() {
            arxiv_id_end(bytes, at)
        } else {
            None
        };
        let (end, ascii) = arxiv_id.map_or_else(|| word_end(folded, at), |end| (end, true));
        let word = &folded[at..end];
        if is_searchable(word, ascii) {
            each(word);
        }
        at = end;
    }
}

/// Where the word that starts at byte `at` ends, and whether it is all ASCII. Runs of ASCII
/// letters and digits, most of every word, are passed over a byte at a time without decoding.
fn word_end(text: &str, at: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut end = at;
    let mut ascii = true;
    loop {
        while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        if end == bytes.len() || bytes[end].is_ascii() {
            return (end, ascii);
        }
        let (is_word, length) = non_ascii_word_char_at(text, end);
        if !is_word {
            return (end, ascii);
        }
        ascii = false;
        end += length;
    }
}

/// Whether the character at byte `at`, which is not ASCII, is part of a word, and its length.
fn non_ascii_word_char_at(text: &str, at: usize) -> (bool, usize) {
    let c = text[at..]
        .chars()
        .next()
        .expect("`at` is a character boundary");
    (is_word_char(c), c.len_utf8())
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

/// Whether a word goes into the index; `ascii` says it is all ASCII (one byte a character).
fn is_searchable(word: &str, ascii: bool) -> bool {
    // Byte length bounds the character count from both sides before counting.
    let long_enough = word.len() >= 2 && (ascii || word.chars().nth(1).is_some());
    let short_enough =
        word.len() <= MAX_WORD_CHARS || (!ascii && word.chars().count() <= MAX_WORD_CHARS);
    long_enough && short_enough && !is_stop_word(word)
}

/// Stop words are at most five ASCII letters: compared as numbers, not strings, because every
/// word of every abstract is looked up.
fn is_stop_word(word: &str) -> bool {
    const fn packed(word: &str) -> u64 {
        let bytes = word.as_bytes();
        let mut value = 0u64;
        let mut i = 0;
        while i < bytes.len() {
            value = value << 8 | bytes[i] as u64;
            i += 1;
        }
        value
    }
    const PACKED: [u64; STOP_WORDS.len()] = {
        let mut out = [0u64; STOP_WORDS.len()];
        let mut i = 0;
        while i < STOP_WORDS.len() {
            out[i] = packed(STOP_WORDS[i]);
            i += 1;
        }
        out
    };
    word.len() <= 5 && PACKED.contains(&packed(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word_of_folded(&fold(text), |w| out.push(w.to_string()));
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
    fn words_of_one_character_or_more_than_forty_are_left_out_in_any_script() {
        let (ascii_40, ascii_41) = ("a".repeat(40), "a".repeat(41));
        let (greek_40, greek_41) = ("ω".repeat(40), "ω".repeat(41));
        let text = format!("é ω {ascii_40} {ascii_41} {greek_40} {greek_41} éé");
        assert_eq!(words(&text), [ascii_40, greek_40, "ee".to_string()]);
        assert_eq!(words("Ωmega-x2ω ・ 3Dé"), ["ωmega", "x2ω", "3de"]);
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
    fn stop_words_are_sorted_short_and_folded() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            STOP_WORDS
                .iter()
                .all(|w| fold(w) == *w && w.len() <= 5 && w.is_ascii())
        );
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        assert!(!is_stop_word("there") && !is_stop_word("tho") && !is_stop_word("them"));
    }

    #[test]
    fn folding_drops_accents_and_lowers_every_script() {
        assert_eq!(
            fold("Céline ÉCOLE Straße Ωmega"),
            "celine ecole straße ωmega"
        );
    }
}

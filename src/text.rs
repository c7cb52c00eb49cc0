//! Text plumbing: the normal form keyword rules match in, whole-word phrase matching, the
//! keyword scorer's comment format (written by score, read by render), and
//! escaping untrusted text for Markdown (the day's `index.md`, job summaries, issue bodies).

use std::io::{self, Write};

/// A short, stable hex hash of some byte strings (each length-prefixed, so the parts cannot
/// run into each other): 16 hex digits of their SHA-256.
pub(crate) fn short_hash(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The abstract as the model reads it: web addresses left out (a code link says nothing of
/// relevance and costs a dozen tokens), and cut at the last sentence end within `max_chars`
/// (a word end when no sentence ends early enough), marked "…".
pub(crate) fn abstract_cut(text: &str, max_chars: usize) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|word| {
            let bare = word.trim_start_matches(['(', '[', '{', '<']);
            !(bare.starts_with("http://") || bare.starts_with("https://"))
        })
        .collect();
    let folded = words.join(" ");
    let Some((limit, _)) = folded.char_indices().nth(max_chars) else {
        return folded;
    };
    let head = &folded[..limit];
    let sentence_end = head
        .match_indices(". ")
        .map(|(at, _)| at + 1)
        .filter(|&end| end >= limit / 2)
        .last();
    let cut = sentence_end.unwrap_or_else(|| head.rfind(' ').unwrap_or(limit));
    format!("{}…", folded[..cut].trim_end())
}

/// Untrusted text for a terminal line: control characters (ESC, NUL, line breaks) and
/// bidirectional controls dropped, whitespace folded to single spaces.
pub(crate) fn one_line(text: &str) -> String {
    let bidi = |c: char| matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let kept: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !bidi(*c))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

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

/// Text as a model reads it, for spotting instructions however they are disguised: NFKC
/// (full-width and styled letters become plain ones), invisible format characters removed
/// (zero-width spaces and joiners, soft hyphens, bidirectional controls), letters that look
/// Latin folded to Latin (Cyrillic and Greek homoglyphs), digits that look like letters read
/// as letters inside words, runs of single letters joined (`i g n o r e` → `ignore`), then
/// [`normalise`]d.
pub(crate) fn normalise_disguised(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = text
        .nfkc()
        .filter(|c| !is_invisible(*c))
        .map(fold_homoglyph)
        .collect();
    let words = normalise(&folded);
    let mut out = String::with_capacity(words.len());
    out.push(' ');
    let mut run = String::new();
    for word in words.split_whitespace() {
        if word.chars().count() == 1 {
            run.push_str(word);
            continue;
        }
        if !run.is_empty() {
            out.push_str(&run);
            out.push(' ');
            run.clear();
        }
        out.push_str(word);
        out.push(' ');
    }
    if !run.is_empty() {
        out.push_str(&run);
        out.push(' ');
    }
    out
}

/// Format characters a reader does not see but that split words for a naive matcher.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fe00}'..='\u{fe0f}')
}

/// [`fold_homoglyph`] keeping upper case (for field names, which are upper case).
pub(crate) fn fold_homoglyph_keep_case(c: char) -> char {
    let folded = fold_homoglyph(c);
    if folded != c && c.is_uppercase() {
        folded.to_ascii_uppercase()
    } else {
        folded
    }
}

/// A Cyrillic or Greek letter that looks like a Latin one, as that Latin letter.
fn fold_homoglyph(c: char) -> char {
    match c {
        'а' | 'А' | 'α' | 'Α' => 'a',
        'в' | 'В' | 'β' | 'Β' => 'b',
        'с' | 'С' | 'ϲ' => 'c',
        'е' | 'Е' | 'ε' | 'Ε' => 'e',
        'н' | 'Н' | 'Η' => 'h',
        'і' | 'І' | 'ι' | 'Ι' | 'ӏ' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'м' | 'М' | 'Μ' => 'm',
        'п' | 'η' => 'n',
        'о' | 'О' | 'ο' | 'Ο' | 'σ' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'ѕ' | 'Ѕ' => 's',
        'т' | 'Т' | 'τ' | 'Τ' => 't',
        'υ' | 'Υ' => 'u',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'у' | 'У' | 'γ' => 'y',
        'ν' => 'v',
        'ω' => 'w',
        'Ζ' => 'z',
        _ => c,
    }
}

/// A stable id for a name, safe in a URL path and an element id: letters and digits lower-cased,
/// `_` kept, every other run of characters one `-`, none at either end (`Model Compression &
/// Efficiency` → `model-compression-efficiency`). Letters of any script are kept.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
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

/// The escape function of the Markdown templates (tera calls it on every `{{ value }}`).
///
/// Untrusted text (titles, abstracts, authors, comments) must stay one inert run of text inside
/// whatever line the template puts it in, so:
/// - line breaks become spaces (no value can start a heading, list, HTML block or link definition);
/// - characters that open HTML, links, images, code spans, tables and emphasis are written as
///   numeric character references, which Markdown never treats as syntax;
/// - a backslash before ASCII punctuation (where Markdown would swallow it as an escape) or at the
///   end of the value (where it would escape the template's next character) becomes `&#92;`;
/// - a leading `#`, `-`, `+` or `=` is encoded so a value placed at a line start is not a block.
///
/// `_`, `$`, `^`, `{` and `}` are kept so TeX math such as `$x_i^{2}$` survives for GitHub's math
/// renderer; an intraword `_` cannot start emphasis in GitHub-flavoured Markdown.
pub(crate) fn escape_markdown(input: &str, out: &mut dyn Write) -> io::Result<()> {
    // Every character escaped is ASCII, so walking bytes never splits a UTF-8 sequence; runs of
    // plain text are written as whole slices.
    let bytes = input.as_bytes();
    let mut written = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let next = bytes.get(index + 1);
        let replacement: &[u8] = match byte {
            b'\r' if next == Some(&b'\n') => b"",
            b'\n' | b'\r' => b" ",
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'[' => b"&#91;",
            b']' => b"&#93;",
            b'`' => b"&#96;",
            b'|' => b"&#124;",
            b'*' => b"&#42;",
            b'~' => b"&#126;",
            b'\\' if next.is_none_or(u8::is_ascii_punctuation) => b"&#92;",
            b'#' if index == 0 => b"&#35;",
            b'-' if index == 0 => b"&#45;",
            b'+' if index == 0 => b"&#43;",
            b'=' if index == 0 => b"&#61;",
            _ => continue,
        };
        out.write_all(&bytes[written..index])?;
        out.write_all(replacement)?;
        written = index + 1;
    }
    out.write_all(&bytes[written..])
}

/// `escape_markdown` into a `String` (job summaries, issue bodies).
pub(crate) fn escape_markdown_string(input: &str) -> String {
    let mut out = Vec::with_capacity(input.len());
    escape_markdown(input, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("escaping keeps UTF-8 intact")
}

/// Untrusted text (a provider's error, a reason quoting one) for GitHub Markdown: one line
/// without control or bidirectional characters, in a code span fenced by more backticks than
/// it holds, so nothing in it becomes a link, a mention, HTML or formatting.
pub(crate) fn code_span(text: &str) -> String {
    let line = one_line(text);
    let longest = line.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    format!("{fence} {line} {fence}")
}

/// Opens every comment the keyword scorer writes for a paper some phrase matched.
const KEYWORD_MATCH: &str = "Keyword match — ";

/// The keyword scorer's comment on a paper (`Keyword match — title: a, b; abstract: c`): the
/// score stage writes it into the record, and the render stage reads it back with
/// [`keyword_match_phrases`], so the format is kept here, beside both.
pub(crate) fn keyword_match_comment(in_title: &[String], in_abstract: &[String]) -> String {
    let mut parts = Vec::new();
    if !in_title.is_empty() {
        parts.push(format!("title: {}", in_title.join(", ")));
    }
    if !in_abstract.is_empty() {
        parts.push(format!("abstract: {}", in_abstract.join(", ")));
    }
    format!("{KEYWORD_MATCH}{}", parts.join("; "))
}

/// The phrases a [`keyword_match_comment`] names, title matches first, each with whether it
/// matched the title; empty for any other comment (an LLM's, an old tool's).
pub(crate) fn keyword_match_phrases(comment: &str) -> Vec<(&str, bool)> {
    let Some(parts) = comment.strip_prefix(KEYWORD_MATCH) else {
        return Vec::new();
    };
    let mut phrases = Vec::new();
    for part in parts.split("; ") {
        let (in_title, list) = match part.split_once(": ") {
            Some(("title", list)) => (true, list),
            Some(("abstract", list)) => (false, list),
            _ => return Vec::new(),
        };
        phrases.extend(list.split(", ").map(|phrase| (phrase, in_title)));
    }
    phrases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(
            slug("Model Compression & Efficiency"),
            "model-compression-efficiency"
        );
        assert_eq!(slug("  llm_reasoning "), "llm_reasoning");
        assert_eq!(slug("3D Vision / NeRF"), "3d-vision-nerf");
        assert_eq!(slug("../<script>"), "script");
        assert_eq!(slug("Graph 学习"), "graph-学习");
        assert_eq!(slug("--"), "");
    }

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

    #[test]
    fn hostile_text_cannot_open_markdown_or_html_syntax() {
        let escaped = escape_markdown_string(
            "<script>alert(1)</script> [click](javascript:alert(1)) ![x](http://e/x.png) `code` a|b *em*\n# heading",
        );
        for forbidden in ["<", "[", "]", "`", "|", "*", "\n"] {
            assert!(
                !escaped.contains(forbidden),
                "{forbidden:?} left in {escaped}"
            );
        }
        assert!(escaped.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    #[test]
    fn backslashes_that_markdown_would_eat_are_kept_as_references() {
        assert_eq!(escape_markdown_string(r"\[x\]"), "&#92;&#91;x&#92;&#93;");
        assert_eq!(escape_markdown_string(r"end\"), "end&#92;");
        // TeX commands keep their backslash so GitHub's math renderer still sees them.
        assert_eq!(escape_markdown_string(r"$\int x_i^{2}$"), r"$\int x_i^{2}$");
    }

    #[test]
    fn a_value_cannot_start_a_block() {
        assert_eq!(
            escape_markdown_string("# not a heading"),
            "&#35; not a heading"
        );
        assert_eq!(escape_markdown_string("- item"), "&#45; item");
        assert_eq!(escape_markdown_string("a - b"), "a - b");
    }
}

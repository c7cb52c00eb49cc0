//! A paper as arXiv announced it: identifiers, metadata, and TeX-escape decoding of names and titles.

use serde::{Deserialize, Serialize};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// How arXiv announced a paper on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnnounceType {
    New,
    Cross,
    Replace,
    ReplaceCross,
}

impl AnnounceType {
    /// The spelling arXiv uses in `arxiv:announce_type` and in config.
    pub fn as_str(self) -> &'static str {
        match self {
            AnnounceType::New => "new",
            AnnounceType::Cross => "cross",
            AnnounceType::Replace => "replace",
            AnnounceType::ReplaceCross => "replace-cross",
        }
    }

    /// Parses arXiv's spelling; `None` for anything else.
    pub fn parse(text: &str) -> Option<AnnounceType> {
        match text.trim() {
            "new" => Some(AnnounceType::New),
            "cross" => Some(AnnounceType::Cross),
            "replace" => Some(AnnounceType::Replace),
            "replace-cross" => Some(AnnounceType::ReplaceCross),
            _ => None,
        }
    }
}

/// One announced paper with everything the later stages and the page need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paper {
    /// Version-free arXiv identifier, e.g. `2608.11232` or `hep-th/9711200`.
    pub id: String,
    /// Version number from the guid (`v1` → 1).
    pub version: u32,
    /// Title with TeX accents decoded; `$...$` math left as is.
    pub title: String,
    /// Author names with TeX accents decoded, in arXiv's order.
    pub authors: Vec<String>,
    /// Abstract text (after `Abstract:` in the RSS description), TeX decoded like the title with
    /// `$...$` math left as is; paragraphs are separated by a single `\n`.
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// All categories; the first is the primary one.
    pub categories: Vec<String>,
    pub announce_type: AnnounceType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

impl Paper {
    /// The abstract page on arXiv.
    pub fn abs_url(&self) -> String {
        abs_url(&self.id)
    }
}

/// The arXiv abstract page of a version-free identifier.
pub fn abs_url(id: &str) -> String {
    format!("https://arxiv.org/abs/{id}")
}

/// Splits `2608.11232v3` into (`2608.11232`, 3). An identifier without a version gets version 1.
pub fn split_version(id_with_version: &str) -> (String, u32) {
    if let Some(pos) = id_with_version.rfind('v') {
        let (id, version) = id_with_version.split_at(pos);
        if let Ok(number) = version[1..].parse::<u32>()
            && !id.is_empty()
            && id.ends_with(|c: char| c.is_ascii_digit())
        {
            return (id.to_string(), number);
        }
    }
    (id_with_version.to_string(), 1)
}

/// The version-free arXiv identifier in `text`, when `text` is one: a new-style ID
/// (`2510.01234`, `0704.0001`), an old-style one (`hep-th/9901001`, `math.GT/0309136`), either
/// with a version (`v2`) or an `arXiv:` prefix, or an arXiv address (`/abs/`, `/pdf/`, `.pdf`)
/// or DOI (`10.48550/arXiv.2510.01234`, `https://doi.org/…`). `None` for anything else.
pub fn parse_arxiv_id(text: &str) -> Option<String> {
    let mut rest = text.trim();
    for prefix in ["https://", "http://"] {
        if let Some(tail) = rest.strip_prefix(prefix) {
            rest = tail;
        }
    }
    let lower = rest.to_ascii_lowercase();
    for marker in [
        "arxiv.org/abs/",
        "arxiv.org/pdf/",
        "arxiv.org/html/",
        "10.48550/arxiv.",
    ] {
        if let Some(at) = lower.find(marker) {
            rest = &rest[at + marker.len()..];
            break;
        }
    }
    if rest.len() > 6 && rest[..6].eq_ignore_ascii_case("arxiv:") {
        rest = &rest[6..];
    }
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".pdf").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (id, _) = split_version(rest);
    is_arxiv_id(&id).then_some(id)
}

/// True for a version-free arXiv identifier, new style (`YYMM.NNNN` or `YYMM.NNNNN`) or old
/// (`archive[.SC]/YYMMNNN`).
pub fn is_arxiv_id(id: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some((head, tail)) = id.split_once('.')
        && head.len() == 4
        && digits(head)
        && (tail.len() == 4 || tail.len() == 5)
        && digits(tail)
    {
        let month: u32 = head[2..].parse().unwrap_or(0);
        return (1..=12).contains(&month);
    }
    if let Some((archive, number)) = id.split_once('/') {
        let (name, class) = archive.split_once('.').unwrap_or((archive, ""));
        return number.len() == 7
            && digits(number)
            && !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
            && class.bytes().all(|b| b.is_ascii_uppercase());
    }
    false
}

/// NUL and the other control characters but tab and newline: never meaningful in a title, a
/// name or an abstract, and harmful in logs, files and terminals. Every source's text passes
/// through [`decode_tex`], which drops them.
fn is_stripped_control(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// `text` without the bidirectional controls (embeddings, overrides, isolates and marks) that
/// can make a title or a name display as something else ("Trojan Source"); for titles and names,
/// where no legitimate use needs them.
pub fn strip_bidi(text: &str) -> String {
    const BIDI: [char; 12] = [
        '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
        '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{061C}',
    ];
    if text.contains(BIDI) {
        text.chars().filter(|c| !BIDI.contains(c)).collect()
    } else {
        text.to_string()
    }
}

/// Decodes the TeX that arXiv writes in names, titles and abstracts into plain Unicode (NFC):
/// `T\"ufekcio\u{g}lu` → `Tüfekcioğlu`, `K{\i}z{\i}ltepe` → `Kızıltepe`.
///
/// - Accents `\" \' \` \^ \~ \= \. \u \v \H \c \k \r \d \b` in the forms `\'e`, `\'{e}`, `{\'e}`,
///   `\c c`; on `\i`/`\j` they give the dotted letter (`\'{\i}` → `í`).
/// - Letters `\i \j \ss \o \O \l \L \ae \AE \oe \OE \aa \AA`, bare, braced or with `{}`.
/// - Escaped specials `\& \% \$ \_ \# \{ \}`, control space `\ ` and thin space `\,` (U+202F).
/// - Braces around letters only go (`{G}aussian` → `Gaussian`); other braces stay.
/// - `~` becomes a no-break space only when glued between a word (or `)`, `]`, `}`, `$`, `.`) and
///   a non-space (`Figure~1`, `learning~(CL)`, `1~GB`); elsewhere it means "about"
///   (`(~1.6 billion)`, `RMF ~ 0.31`) or, between digits, a range (`2~4`), and stays.
/// - Math (`$...$`, `$$...$$`, `\(...\)`, `\[...\]`) is copied byte for byte. A `$` that is
///   never closed is no math (`costs $8.1 per manuscript`): it stays and decoding goes on.
/// - Unknown commands (`\textbf{G}`, `\emph{x}`, `\\`) stay verbatim with their brace arguments,
///   whose contents are still decoded; no text is ever dropped.
pub fn decode_tex(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let without_controls;
    let text = if text.chars().any(is_stripped_control) {
        without_controls = text
            .chars()
            .filter(|c| !is_stripped_control(*c))
            .collect::<String>();
        &without_controls
    } else {
        text
    };
    decode_fragment(text, &mut decoded);
    // `is_ascii` is far cheaper than the NFC quick check, and most text is ASCII.
    if decoded.is_ascii() || is_nfc_quick(decoded.chars()) == IsNormalized::Yes {
        decoded
    } else {
        decoded.nfc().collect()
    }
}

/// Appends the decoded form of a TeX fragment to `out`. All syntax characters are ASCII, so every
/// byte index at which the scanner stops is a char boundary.
fn decode_fragment(src: &str, out: &mut String) {
    let bytes = src.as_bytes();
    let mut plain_from = 0;
    while let Some(pos) = next_tex_syntax(bytes, plain_from) {
        out.push_str(&src[plain_from..pos]);
        plain_from = match bytes[pos] {
            b'$' => {
                let end = math_end(src, pos).unwrap_or(pos + 1);
                out.push_str(&src[pos..end]);
                end
            }
            b'\\' => decode_command(src, pos, out),
            b'{' => decode_group(src, pos, out),
            _ => {
                push_tilde(src, pos, out);
                pos + 1
            }
        };
    }
    out.push_str(&src[plain_from..]);
}

/// The next `\`, `{`, `$` or `~` at or after `from`. Both searches are SIMD scans, and the second
/// stops where the first hit, so repeated calls stay linear.
fn next_tex_syntax(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let syntax = memchr::memchr3(b'\\', b'{', b'$', rest);
    let tie = memchr::memchr(b'~', &rest[..syntax.unwrap_or(rest.len())]);
    tie.or(syntax).map(|at| from + at)
}

/// Decodes the command starting with the backslash at `pos`; returns the position after it.
fn decode_command(src: &str, pos: usize, out: &mut String) -> usize {
    let Some(next) = src[pos + 1..].chars().next() else {
        out.push('\\');
        return pos + 1;
    };
    let after_symbol = pos + 1 + next.len_utf8();
    if let Some(mark) = symbol_accent_mark(next) {
        return match accent_argument(src, after_symbol) {
            Some((base, end)) => {
                push_accented(base, mark, out);
                end
            }
            None => {
                out.push_str(&src[pos..after_symbol]);
                push_kept_group(src, after_symbol, out).unwrap_or(after_symbol)
            }
        };
    }
    match next {
        '(' | '[' => {
            let close = if next == '(' { "\\)" } else { "\\]" };
            let end = find_unescaped(src, after_symbol, close).map_or(after_symbol, |at| at + 2);
            out.push_str(&src[pos..end]);
            end
        }
        '&' | '%' | '$' | '_' | '#' | '{' | '}' | ' ' => {
            out.push(next);
            after_symbol
        }
        ',' => {
            out.push('\u{202F}');
            after_symbol
        }
        letter if letter.is_ascii_alphabetic() => decode_control_word(src, pos, out),
        _ => {
            out.push_str(&src[pos..after_symbol]);
            after_symbol
        }
    }
}

/// Decodes a control word (`\u`, `\ss`, `\textbf`) starting at the backslash at `pos`.
fn decode_control_word(src: &str, pos: usize, out: &mut String) -> usize {
    let name_end = pos
        + 1
        + src[pos + 1..]
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
    let name = &src[pos + 1..name_end];
    if let Some(mark) = word_accent_mark(name)
        && let Some((base, end)) = accent_argument(src, skip_spaces(src, name_end))
    {
        push_accented(base, mark, out);
        return end;
    }
    if let Some(letter) = letter_command(name) {
        out.push(letter);
        return after_control_word(src, name_end);
    }
    // Unknown: keep the command and its brace arguments so a later stage (or a reader) can
    // still make sense of them.
    out.push_str(&src[pos..name_end]);
    let mut cursor = name_end;
    while let Some(end) = push_kept_group(src, cursor, out) {
        cursor = end;
    }
    cursor
}

/// If a balanced brace group opens at `pos` (a command's argument), appends it with its braces
/// kept and its contents decoded, and returns the position after it.
fn push_kept_group(src: &str, pos: usize, out: &mut String) -> Option<usize> {
    if src.as_bytes().get(pos) != Some(&b'{') {
        return None;
    }
    let close = group_end(src, pos)?;
    out.push('{');
    decode_fragment(&src[pos + 1..close], out);
    out.push('}');
    Some(close + 1)
}

/// Appends a letter with a combining accent, precomposed where Unicode has the character, so
/// that most decoded text is already NFC and skips the full normalisation pass.
fn push_accented(base: char, mark: char, out: &mut String) {
    match unicode_normalization::char::compose(base, mark) {
        Some(composed) => out.push(composed),
        None => {
            out.push(base);
            out.push(mark);
        }
    }
}

/// The base letter an accent applies to, starting at `start` (`e`, `{e}`, `\i`, `{\i}`), and the
/// position after it; `None` when there is no single letter there.
fn accent_argument(src: &str, start: usize) -> Option<(char, usize)> {
    let rest = &src[start..];
    let first = rest.chars().next()?;
    match first {
        '{' => {
            let close = group_end(src, start)?;
            let inner = src[start + 1..close].trim();
            let mut chars = inner.chars();
            let base = match (chars.next()?, chars.next()) {
                (letter, None) if letter.is_alphabetic() => letter,
                ('\\', Some(_)) => match dotless_base(inner)? {
                    (base, end)
                        if inner[end..].trim() == "{}" || inner[end..].trim().is_empty() =>
                    {
                        base
                    }
                    _ => return None,
                },
                _ => return None,
            };
            Some((base, close + 1))
        }
        '\\' => {
            let (base, end) = dotless_base(rest)?;
            Some((base, after_control_word(src, start + end)))
        }
        letter if letter.is_alphabetic() => Some((letter, start + letter.len_utf8())),
        _ => None,
    }
}

/// `\i` or `\j` at the start of `text` (not the start of a longer command such as `\in`): the
/// dotted letter an accent goes on, and the byte length of the command.
fn dotless_base(text: &str) -> Option<(char, usize)> {
    let bytes = text.as_bytes();
    let base = match bytes.get(..2)? {
        b"\\i" => 'i',
        b"\\j" => 'j',
        _ => return None,
    };
    if bytes.get(2).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    Some((base, 2))
}

/// Decodes the brace group opening at `pos`: braces around letters only are dropped, others kept.
fn decode_group(src: &str, pos: usize, out: &mut String) -> usize {
    let Some(close) = group_end(src, pos) else {
        out.push('{');
        return pos + 1;
    };
    let mut inner = String::new();
    decode_fragment(&src[pos + 1..close], &mut inner);
    let letters_only = !inner.is_empty() && inner.chars().all(is_letter_or_mark);
    if letters_only {
        out.push_str(&inner);
    } else {
        out.push('{');
        out.push_str(&inner);
        out.push('}');
    }
    close + 1
}

/// A tie between two glued words is a no-break space; any other `~` is kept: it often means
/// "approximately" (`(~1.6 billion)`) or, between digits, a range (`2~4`).
fn push_tilde(src: &str, pos: usize, out: &mut String) {
    let before = out.chars().next_back();
    let after = src[pos + 1..].chars().next();
    let glued_before =
        before.is_some_and(|c| c.is_alphanumeric() || matches!(c, ')' | ']' | '}' | '$' | '.'));
    let glued_after = after.is_some_and(|c| !c.is_whitespace());
    let range =
        before.is_some_and(|c| c.is_ascii_digit()) && after.is_some_and(|c| c.is_ascii_digit());
    out.push(if glued_before && glued_after && !range {
        '\u{A0}'
    } else {
        '~'
    });
}

/// Deeper brace nesting is left as literal braces, which bounds the decoder's recursion whatever
/// a hostile feed sends. Real titles and names nest two or three levels.
const MAX_GROUP_NESTING: usize = 32;

/// Index of the `}` matching the `{` at `open`, skipping escapes and math; `None` if unbalanced
/// or nested deeper than [`MAX_GROUP_NESTING`].
fn group_end(src: &str, open: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    let mut pos = open;
    while pos < bytes.len() {
        match bytes[pos] {
            b'\\' => pos += 1,
            b'$' => {
                pos = math_end(src, pos).unwrap_or(pos + 1);
                continue;
            }
            b'{' => {
                depth += 1;
                if depth > MAX_GROUP_NESTING {
                    return None;
                }
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(pos);
                }
            }
            _ => {}
        }
        pos += 1;
    }
    None
}

/// End (exclusive) of the `$...$` or `$$...$$` span starting at `start`; `None` if never closed.
fn math_end(src: &str, start: usize) -> Option<usize> {
    let delimiter = if src.as_bytes()[start..].starts_with(b"$$") {
        "$$"
    } else {
        "$"
    };
    find_unescaped(src, start + delimiter.len(), delimiter).map(|at| at + delimiter.len())
}

/// First index at or after `from` where `needle` starts, not counting backslash-escaped bytes.
fn find_unescaped(src: &str, from: usize, needle: &str) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut pos = from;
    while pos < bytes.len() {
        if bytes[pos..].starts_with(needle.as_bytes()) {
            return Some(pos);
        }
        pos += if bytes[pos] == b'\\' { 2 } else { 1 };
    }
    None
}

/// TeX ends a control word at the first non-letter and swallows the spaces after it
/// (`S\o ren` → `Søren`); an empty group `\o{}` ends it as well.
fn after_control_word(src: &str, end: usize) -> usize {
    if src.as_bytes()[end..].starts_with(b"{}") {
        end + 2
    } else {
        skip_spaces(src, end)
    }
}

fn skip_spaces(src: &str, from: usize) -> usize {
    from + src.as_bytes()[from..]
        .iter()
        .take_while(|b| b.is_ascii_whitespace())
        .count()
}

fn is_letter_or_mark(c: char) -> bool {
    c.is_alphabetic() || ('\u{300}'..='\u{36F}').contains(&c)
}

/// Combining mark of an accent written as a control symbol (`\'`).
fn symbol_accent_mark(symbol: char) -> Option<char> {
    Some(match symbol {
        '"' => '\u{308}',
        '\'' => '\u{301}',
        '`' => '\u{300}',
        '^' => '\u{302}',
        '~' => '\u{303}',
        '=' => '\u{304}',
        '.' => '\u{307}',
        _ => return None,
    })
}

/// Combining mark of an accent written as a control word (`\v`).
fn word_accent_mark(name: &str) -> Option<char> {
    Some(match name {
        "u" => '\u{306}',
        "v" => '\u{30C}',
        "H" => '\u{30B}',
        "c" => '\u{327}',
        "k" => '\u{328}',
        "r" => '\u{30A}',
        "d" => '\u{323}',
        "b" => '\u{331}',
        _ => return None,
    })
}

/// The letter a letter command stands for.
fn letter_command(name: &str) -> Option<char> {
    Some(match name {
        "i" => 'ı',
        "j" => 'ȷ',
        "ss" => 'ß',
        "o" => 'ø',
        "O" => 'Ø',
        "l" => 'ł',
        "L" => 'Ł',
        "ae" => 'æ',
        "AE" => 'Æ',
        "oe" => 'œ',
        "OE" => 'Œ',
        "aa" => 'å',
        "AA" => 'Å',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arxiv_ids_are_found_in_every_spelling_and_nothing_else_passes() {
        for (text, id) in [
            ("2510.01234", "2510.01234"),
            ("2510.01234v3", "2510.01234"),
            ("arXiv:2510.01234", "2510.01234"),
            (" https://arxiv.org/abs/2510.01234v2 ", "2510.01234"),
            ("http://arxiv.org/pdf/2510.01234.pdf", "2510.01234"),
            ("https://arxiv.org/pdf/2510.01234v1", "2510.01234"),
            ("10.48550/arXiv.2510.01234", "2510.01234"),
            ("https://doi.org/10.48550/ARXIV.2510.01234", "2510.01234"),
            ("0704.0001", "0704.0001"),
            ("hep-th/9901001v2", "hep-th/9901001"),
            ("math.GT/0309136", "math.GT/0309136"),
        ] {
            assert_eq!(parse_arxiv_id(text).as_deref(), Some(id), "{text}");
        }
        for text in [
            "",
            "2510.123",
            "2513.01234",
            "25100.1234",
            "10.1000/xyz",
            "hello",
            "HEP-TH/9901001",
            "2510.01234x",
        ] {
            assert_eq!(parse_arxiv_id(text), None, "{text}");
        }
    }

    #[test]
    fn splits_versions() {
        assert_eq!(split_version("2608.11232v3"), ("2608.11232".into(), 3));
        assert_eq!(
            split_version("hep-th/9711200v2"),
            ("hep-th/9711200".into(), 2)
        );
        assert_eq!(split_version("2608.11232"), ("2608.11232".into(), 1));
    }

    #[test]
    fn decodes_real_arxiv_names() {
        let cases = [
            (
                r#"O\u{g}uz Akif T\"ufekcio\u{g}lu"#,
                "Oğuz Akif Tüfekcioğlu",
            ),
            (r"Bernal Jim\'enez Guti\'errez", "Bernal Jiménez Gutiérrez"),
            (r"Tu\u{g}\c{c}e K{\i}z{\i}ltepe", "Tuğçe Kızıltepe"),
            (r"Mustafa Kaan \c{C}evik", "Mustafa Kaan Çevik"),
            (r"Terzi\'c", "Terzić"),
            (r"Petar Veli\v{c}kovi\'c", "Petar Veličković"),
            (r"R\'obert Csord\'as", "Róbert Csordás"),
            (r#"J\"urgen Schmidhuber"#, "Jürgen Schmidhuber"),
            (r"Daniel Riofr\'io", "Daniel Riofrío"),
            (r"Przemys{\l}aw A. Wa{\l}\k{e}ga", "Przemysław A. Wałęga"),
            (r"Kamil Ksi\k{a}\.zek", "Kamil Książek"),
            (r#"Pascal Bergstr\"a{\ss}er"#, "Pascal Bergsträßer"),
            (r"Liv V{\aa}ge, S{\o}ren Hauberg", "Liv Våge, Søren Hauberg"),
            (r"Adrian {\L}a\'ncucki", "Adrian Łańcucki"),
            (r"Djordje \v{Z}ikeli\'c", "Djordje Žikelić"),
            (r"Rodr\'iguez-Mu\~noz, Jo\~ao", "Rodríguez-Muñoz, João"),
            (r"Martin Tak\'a\v{c}", "Martin Takáč"),
            (r"Beno\^it, Pietro Li\`o", "Benoît, Pietro Liò"),
        ];
        for (tex, expected) in cases {
            assert_eq!(decode_tex(tex), expected, "decoding {tex}");
        }
    }

    #[test]
    fn every_accent_command_in_every_spelling() {
        let cases = [
            (r#"\"o"#, "ö"),
            (r"\'e", "é"),
            (r"\`a", "à"),
            (r"\^o", "ô"),
            (r"\~n", "ñ"),
            (r"\=a", "ā"),
            (r"\.z", "ż"),
            (r"\u{g}", "ğ"),
            (r"\v{s}", "š"),
            (r"\H{o}", "ő"),
            (r"\c{c}", "ç"),
            (r"\k{a}", "ą"),
            (r"\r{u}", "ů"),
            (r"\d{a}", "ạ"),
            (r"\b{k}", "\u{1E35}"),
            (r"\'{e}", "é"),
            (r"{\'e}", "é"),
            (r"{\'{e}}", "é"),
            (r"\c c", "ç"),
            (r"\v S", "Š"),
            (r"\'{ e }", "é"),
        ];
        for (tex, expected) in cases {
            assert_eq!(decode_tex(tex), expected, "decoding {tex}");
        }
    }

    #[test]
    fn dotless_letters_alone_and_under_accents() {
        assert_eq!(decode_tex(r"K{\i}z{\i}ltepe"), "Kızıltepe");
        assert_eq!(decode_tex(r"Y\i ld\i z"), "Yıldız");
        assert_eq!(decode_tex(r"\j"), "ȷ");
        assert_eq!(decode_tex(r"Rodr\'{\i}guez"), "Rodríguez");
        assert_eq!(decode_tex(r"Rodr\'\i guez"), "Rodríguez");
        assert_eq!(decode_tex(r"Rodr{\'\i}guez"), "Rodríguez");
        assert_eq!(decode_tex(r"\v{\j}"), "ǰ");
    }

    #[test]
    fn letter_commands_bare_braced_and_terminated() {
        let cases = [
            (r"Gau{\ss}", "Gauß"),
            (r"Gau\ss{}", "Gauß"),
            (r"S\o ren", "Søren"),
            (r"S\o{}ren", "Søren"),
            (r"{\O}stergaard", "Østergaard"),
            (r"Micha\l{}", "Michał"),
            (r"{\L}ukasz", "Łukasz"),
            (r"{\ae}{\AE}{\oe}{\OE}", "æÆœŒ"),
            (r#"{\aa}ngstr{\"o}m {\AA}"#, "ångström Å"),
        ];
        for (tex, expected) in cases {
            assert_eq!(decode_tex(tex), expected, "decoding {tex}");
        }
    }

    #[test]
    fn braces_around_letters_go_and_others_stay() {
        assert_eq!(
            decode_tex("{G}aussian {BERT} models"),
            "Gaussian BERT models"
        );
        assert_eq!(decode_tex("{GPT-4} and {0,1}"), "{GPT-4} and {0,1}");
        assert_eq!(decode_tex("empty {} stays"), "empty {} stays");
        assert_eq!(
            decode_tex("unbalanced { and } stay"),
            "unbalanced { and } stay"
        );
    }

    #[test]
    fn escaped_specials_and_spaces() {
        assert_eq!(
            decode_tex(r"Q\&A at 70.2\% \$5 a\_b \#1"),
            "Q&A at 70.2% $5 a_b #1"
        );
        assert_eq!(decode_tex(r"\{x\}"), "{x}");
        assert_eq!(decode_tex(r"68.84\,GB"), "68.84\u{202F}GB");
        assert_eq!(decode_tex(r"vs.\ the"), "vs. the");
    }

    #[test]
    fn tilde_is_a_tie_only_between_glued_words() {
        assert_eq!(decode_tex("Figure~1"), "Figure\u{A0}1");
        assert_eq!(decode_tex("learning~(CL)"), "learning\u{A0}(CL)");
        assert_eq!(
            decode_tex(r"(\textit{i})~relying"),
            "(\\textit{i})\u{A0}relying"
        );
        assert_eq!(
            decode_tex("threshold (~1.6 billion)"),
            "threshold (~1.6 billion)"
        );
        assert_eq!(decode_tex("RMF ~ 0.31 and ~80%"), "RMF ~ 0.31 and ~80%");
        assert_eq!(decode_tex("http://x.org/~user"), "http://x.org/~user");
        assert_eq!(
            decode_tex("as low as 2~4 memory, 1~GB"),
            "as low as 2~4 memory, 1\u{A0}GB"
        );
    }

    #[test]
    fn math_is_left_exactly_as_is() {
        let untouched = [
            r"CT-$\Delta$Bench",
            r"$<$2% of $p {<} 0.01$",
            r"$\mathbb{R}_{LCRN}$ and $\'e \{x\} {G}$",
            r#"$$\sum_i \"a_i$$ then"#,
            r"\(\hat{y}\) and \[ {\i} \]",
            r"1.24$\times$ faster, $\tau^2$-bench",
        ];
        for text in untouched {
            assert_eq!(decode_tex(text), text, "math in {text}");
        }
        assert_eq!(
            decode_tex(r#"G\"odel's $\"o$ vs. G\"odel"#),
            r#"Gödel's $\"o$ vs. Gödel"#
        );
        assert_eq!(decode_tex(r"cost \$5 and $x$ \'e"), r"cost $5 and $x$ é");
        // A dollar that is never closed opens no math.
        assert_eq!(
            decode_tex(r"costs $8.1 per paper, 70\% {G}ood"),
            "costs $8.1 per paper, 70% Good"
        );
        // Dollars pair up left to right, also across braces.
        assert_eq!(decode_tex(r"{a $ b} $x {G}$"), r"{a $ b} $x G$");
        assert_eq!(decode_tex(r"{\'e $\'e}$}"), r"{é $\'e}$}");
    }

    #[test]
    fn unknown_commands_stay_with_decoded_arguments() {
        assert_eq!(
            decode_tex(r"\textbf{G}roup \textbf{A}lignment"),
            r"\textbf{G}roup \textbf{A}lignment"
        );
        assert_eq!(decode_tex(r#"\emph{G\"odel}"#), r"\emph{Gödel}");
        assert_eq!(decode_tex(r"\lfts{}, extends"), r"\lfts{}, extends");
        assert_eq!(
            decode_tex(r"\href{https://x.org/a\_b}{code}"),
            r"\href{https://x.org/a_b}{code}"
        );
        assert_eq!(
            decode_tex(r"line\\break \; \unicode"),
            r"line\\break \; \unicode"
        );
        assert_eq!(decode_tex(r"\'1 \'{ab} \u"), r"\'1 \'{ab} \u");
        assert_eq!(decode_tex(r"trailing \"), r"trailing \");
    }

    #[test]
    fn deep_nesting_keeps_its_text_without_deep_recursion() {
        let hostile = format!("{}x{}", "{".repeat(20_000), "}".repeat(20_000));
        let decoded = decode_tex(&hostile);
        assert_eq!(decoded.len(), hostile.len() - 2 * MAX_GROUP_NESTING);
        assert!(decoded.contains('x'));
        assert_eq!(decode_tex(&"{".repeat(5000)), "{".repeat(5000));
    }

    #[test]
    fn output_is_nfc_and_plain_text_passes_through() {
        let decoded = decode_tex(r"\'e\c{c}");
        assert_eq!(decoded.chars().count(), 2);
        // A decomposed é in the input is composed too.
        assert_eq!(decode_tex("e\u{301}"), "é");
        assert_eq!(decode_tex("Plain title: 3 < 4"), "Plain title: 3 < 4");
        assert_eq!(decode_tex(""), "");
    }
}

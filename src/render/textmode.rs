//! Text-mode TeX outside formulas, as arXiv authors write it in titles and abstracts:
//! `\textbf{…}`, `\emph{…}`, `\textit{…}`, `\texttt{…}`, `\href{url}{text}`, `\url{…}`, `~`,
//! `\%`, `\&`, `\_`, `\#`, `\ `, `--`, `---`, ``` ``…'' ```, and bare web addresses, with the
//! formulas among them (also inside a macro's argument: `\textbf{19.4$\times$}`) left to
//! [`super::math`]. [`to_html`]
//! writes safe HTML (every text escaped, links only to `http`/`https` with
//! `rel="nofollow noopener"`); [`to_plain`] writes clean text for feeds, search and Markdown.

/// What a span of text becomes.
enum Piece {
    Text(String),
    /// A formula, with its delimiters: MathML in HTML, kept as TeX in text.
    Math(String),
    Styled(&'static str, Vec<Piece>),
    Link {
        url: String,
        text: Vec<Piece>,
    },
}

/// Styling macros and their HTML elements.
const STYLES: [(&str, &str); 6] = [
    ("textbf", "strong"),
    ("emph", "em"),
    ("textit", "em"),
    ("textsl", "em"),
    ("texttt", "code"),
    ("textsc", "span"),
];

/// Deeper nesting than this is left as text (hostile input cannot recurse deeply).
const MAX_DEPTH: usize = 8;

/// `text` as safe HTML, links made only where `links` allows.
fn html_with(text: &str, links: Links, out: &mut String) {
    if is_plain(text) {
        super::math::escape_into(text, out);
        return;
    }
    for piece in parse(text, 0) {
        piece_html(&piece, links, out);
    }
}

/// Plain text (an abstract) as HTML — the text escaped, its text-mode TeX (`\textbf{}`,
/// `\href{}{}`, `--`, web addresses…) as HTML, its formulas as MathML — and as
/// [`text_to_plain`], parsed once.
pub(crate) fn text_to_html_and_plain(text: &str) -> (String, String) {
    to_html_and_plain(text, Links::Allowed)
}

/// Plain text with its text-mode TeX resolved (`\textbf{x}` → `x`, `\%` → `%`, links as
/// `text (url)`) and its formulas kept as TeX: for feeds, the search index and Markdown.
pub(crate) fn text_to_plain(text: &str) -> String {
    to_plain(text)
}

/// [`text_to_plain`] with formulas of symbols alone as their characters (`$\phi$` → `ϕ`): for
/// a title in a feed or a search result, where no MathML can go.
pub(crate) fn text_to_clean(text: &str) -> String {
    to_clean(text)
}

/// A title as HTML, for inside the link it always sits in (its heading, the table of contents):
/// as [`text_to_html_and_plain`], but a web address or `\href` in it stays text, never a second `<a>`
/// inside the first.
pub(crate) fn title_to_html(title: &str) -> String {
    title_to_html_and_plain(title).0
}

/// [`title_to_html`] and [`text_to_plain`] of a title, parsed once.
pub(crate) fn title_to_html_and_plain(title: &str) -> (String, String) {
    to_html_and_plain(title, Links::InsideLink)
}

/// Whether a piece may become a link: not inside another one, where a nested `<a>` is invalid
/// HTML (`\href{url}{https://…}` would otherwise link its bare-address label a second time).
#[derive(Clone, Copy, PartialEq)]
enum Links {
    Allowed,
    InsideLink,
}

/// True when `tex` opens with a text-mode macro this module converts (`\href`, `\url`,
/// `\textbf`…): a "formula" that is really text.
pub(crate) fn is_text_markup(tex: &str) -> bool {
    let tex = tex.trim_start();
    ["href", "url"]
        .into_iter()
        .chain(STYLES.iter().map(|(name, _)| *name))
        .any(|name| {
            tex.strip_prefix('\\')
                .and_then(|rest| rest.strip_prefix(name))
                .is_some_and(|rest| rest.starts_with('{'))
        })
}

/// `text` as clean text: styling dropped, links as `text (url)`, escapes resolved, formulas
/// kept as TeX (Markdown renders them; feeds' abstracts keep what a reader can read back).
pub(crate) fn to_plain(text: &str) -> String {
    plain_with(text, Formulas::AsTex)
}

/// [`to_html`] (into a new string) and [`to_plain`] of the same text, parsed once: a day
/// page shows each title and abstract both ways.
fn to_html_and_plain(text: &str, links: Links) -> (String, String) {
    let mut html = String::with_capacity(text.len() + text.len() / 8);
    if is_plain(text) {
        super::math::escape_into(text, &mut html);
        return (html, text.to_string());
    }
    let mut plain = String::with_capacity(text.len());
    for piece in parse(text, 0) {
        piece_html(&piece, links, &mut html);
        piece_plain(&piece, Formulas::AsTex, &mut plain);
    }
    (html, plain)
}

/// [`to_plain`], but a formula of symbols alone (`$\phi$`, `$\times$`, `$\leq 2$`) as the
/// characters MathML shows for it (`ϕ`, `×`, `≤2`): for titles where no MathML can go, a
/// feed's or a search result's. A formula with structure (a fraction, an exponent) stays TeX.
pub(crate) fn to_clean(text: &str) -> String {
    plain_with(text, Formulas::AsSymbols)
}

/// What [`piece_plain`] makes of a formula.
#[derive(Clone, Copy, PartialEq)]
enum Formulas {
    AsTex,
    AsSymbols,
}

fn plain_with(text: &str, formulas: Formulas) -> String {
    if is_plain(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for piece in parse(text, 0) {
        piece_plain(&piece, formulas, &mut out);
    }
    out
}

/// True for text nothing here would change: no TeX, no TeX ligature, no web address. Most
/// titles and many abstracts are plain, and skipping the parse for them halves a build's time
/// in text conversion.
fn is_plain(text: &str) -> bool {
    // Whole-text scans (memchr's are vectorised) rather than a test of each byte: every title,
    // abstract and comment of every day goes through here at least twice a build (for its
    // page and for the search index).
    let bytes = text.as_bytes();
    memchr::memchr3(b'$', b'\\', b'~', bytes).is_none()
        && PLAIN_BREAKERS
            .get_or_init(|| {
                ["--", "``", "''", "http://", "https://"]
                    .map(|needle| memchr::memmem::Finder::new(needle.as_bytes()))
            })
            .iter()
            .all(|finder| finder.find(bytes).is_none())
}

/// The sequences besides `$`, `\` and `~` that [`is_plain`] looks for: TeX ligatures and web
/// addresses.
static PLAIN_BREAKERS: std::sync::OnceLock<[memchr::memmem::Finder<'static>; 5]> =
    std::sync::OnceLock::new();

fn piece_html(piece: &Piece, links: Links, out: &mut String) {
    match piece {
        Piece::Text(text) => super::math::escape_into(text, out),
        Piece::Math(source) => {
            let formula = super::math::find_formula(source, 0).expect("a formula piece is one");
            // A "formula" that is only text-mode markup (`$\href{…}{…}$`) is that text.
            if !super::math::formula_html(&formula, out) {
                if is_text_markup(formula.tex) {
                    html_with(formula.tex, links, out);
                } else {
                    super::math::tex_html(source, out);
                }
            }
        }
        Piece::Styled(element, inner) => {
            out.push_str(&format!("<{element}>"));
            inner.iter().for_each(|p| piece_html(p, links, out));
            out.push_str(&format!("</{element}>"));
        }
        Piece::Link { text, .. } if links == Links::InsideLink => {
            text.iter().for_each(|p| piece_html(p, links, out));
        }
        Piece::Link { url, text } => {
            out.push_str("<a href=\"");
            super::math::escape_into(url, out);
            out.push_str("\" rel=\"nofollow noopener\">");
            text.iter()
                .for_each(|p| piece_html(p, Links::InsideLink, out));
            out.push_str("</a>");
        }
    }
}

fn piece_plain(piece: &Piece, formulas: Formulas, out: &mut String) {
    match piece {
        Piece::Text(text) => out.push_str(text),
        // `$\textbf{L}$` is text in math clothing: as text it is `L`.
        Piece::Math(source) => match super::math::find_formula(source, 0) {
            Some(formula) if is_text_markup(formula.tex) && !formula.tex.contains('$') => {
                for piece in parse(formula.tex, 1) {
                    piece_plain(&piece, formulas, out);
                }
            }
            Some(formula) if formulas == Formulas::AsSymbols => {
                match super::math::formula_symbols(formula.tex) {
                    Some(symbols) => out.push_str(&symbols),
                    None => out.push_str(source),
                }
            }
            _ => out.push_str(source),
        },
        Piece::Styled(_, inner) => inner.iter().for_each(|p| piece_plain(p, formulas, out)),
        Piece::Link { url, text } => {
            let mut label = String::new();
            text.iter()
                .for_each(|p| piece_plain(p, formulas, &mut label));
            if label == *url {
                out.push_str(url);
            } else {
                out.push_str(&format!("{label} ({url})"));
            }
        }
    }
}

/// True for the links pages may carry.
fn allowed_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > "https://".len()
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

/// The `{…}` group opening at `text[0]`: its content and the rest after it.
fn group(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (index, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((&text[1..index], &text[index + 1..]));
                }
            }
            _ if index == 0 => return None,
            _ => {}
        }
    }
    None
}

/// The bytes that may start TeX, a TeX ligature or a web address.
const MAY_START_MARKUP: [bool; 256] = {
    let mut table = [false; 256];
    let starts = b"$\\-`'~h";
    let mut i = 0;
    while i < starts.len() {
        table[starts[i] as usize] = true;
        i += 1;
    }
    table
};

fn parse(text: &str, depth: usize) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    let flush = |plain: &mut String, pieces: &mut Vec<Piece>| {
        if !plain.is_empty() {
            pieces.push(Piece::Text(std::mem::take(plain)));
        }
    };
    while let Some(c) = rest.chars().next() {
        // Most text holds no TeX: copy it up to the next character that may start something.
        match rest.bytes().position(|b| MAY_START_MARKUP[usize::from(b)]) {
            Some(0) => {}
            Some(plain_len) => {
                plain.push_str(&rest[..plain_len]);
                rest = &rest[plain_len..];
                continue;
            }
            None => {
                plain.push_str(rest);
                break;
            }
        }
        if (c == '$' || rest.starts_with("\\(") || rest.starts_with("\\["))
            && let Some(formula) = super::math::find_formula(rest, 0)
        {
            flush(&mut plain, &mut pieces);
            pieces.push(Piece::Math(rest[..formula.end].to_string()));
            rest = &rest[formula.end..];
            continue;
        }
        if c == '\\' && depth < MAX_DEPTH {
            let name_len = rest[1..]
                .bytes()
                .take_while(u8::is_ascii_alphabetic)
                .count();
            let name = &rest[1..1 + name_len];
            let after = &rest[1 + name_len..];
            if let Some(&(_, element)) = STYLES.iter().find(|(macro_name, _)| *macro_name == name)
                && let Some((inner, tail)) = group(after)
            {
                flush(&mut plain, &mut pieces);
                pieces.push(Piece::Styled(element, parse(inner, depth + 1)));
                rest = tail;
                continue;
            }
            // A styling macro whose group never closes (broken markup such as
            // `$\textbf{2.5$\times$…}$`) loses its name: the words stay, the TeX goes.
            if STYLES.iter().any(|(macro_name, _)| *macro_name == name) && after.starts_with('{') {
                rest = &after[1..];
                continue;
            }
            if name == "href"
                && let Some((url, tail)) = group(after)
                && let Some((label, tail)) = group(tail)
            {
                flush(&mut plain, &mut pieces);
                let label = parse(label, depth + 1);
                if allowed_url(url.trim()) {
                    pieces.push(Piece::Link {
                        url: url.trim().to_string(),
                        text: label,
                    });
                } else {
                    pieces.extend(label);
                }
                rest = tail;
                continue;
            }
            if name == "url"
                && let Some((url, tail)) = group(after)
            {
                flush(&mut plain, &mut pieces);
                let url = url.trim().to_string();
                if allowed_url(&url) {
                    pieces.push(Piece::Link {
                        text: vec![Piece::Text(url.clone())],
                        url,
                    });
                } else {
                    plain.push_str(&url);
                }
                rest = tail;
                continue;
            }
            // One-character escapes: `\%`, `\&`, `\_`, `\#`, `\$`, `\{`, `\}`, `\ ` (a space).
            if name_len == 0
                && let Some(escaped) = rest[1..].chars().next()
                && "%&_#${} ".contains(escaped)
            {
                plain.push(escaped);
                rest = &rest[1 + escaped.len_utf8()..];
                continue;
            }
        }
        if let Some(tail) = rest.strip_prefix("---") {
            plain.push('—');
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix("--") {
            plain.push('–');
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix("``") {
            plain.push('“');
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix("''") {
            plain.push('”');
            rest = tail;
        } else if c == '~' {
            plain.push('\u{a0}');
            rest = &rest[1..];
        } else if (rest.starts_with("http://") || rest.starts_with("https://"))
            && !plain.ends_with(|p: char| p.is_alphanumeric())
        {
            let (url, tail) = bare_url(rest);
            flush(&mut plain, &mut pieces);
            pieces.push(Piece::Link {
                text: vec![Piece::Text(url.to_string())],
                url: url.to_string(),
            });
            rest = tail;
        } else {
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    flush(&mut plain, &mut pieces);
    pieces
}

/// A bare web address and the text after it: up to white space, without trailing punctuation
/// (`.`, `,`, `;`, `:`, `!`, `?`, quotes) or a closing bracket it did not open.
fn bare_url(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '{' | '}' | '\\'))
        .unwrap_or(text.len());
    let mut url = &text[..end];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '*']);
        let trimmed = match trimmed.chars().last() {
            Some(close @ (')' | ']')) => {
                let open = if close == ')' { '(' } else { '[' };
                if trimmed.matches(open).count() < trimmed.matches(close).count() {
                    &trimmed[..trimmed.len() - 1]
                } else {
                    trimmed
                }
            }
            _ => trimmed,
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    (url, &text[url.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_never_links_inside_the_link_it_sits_in() {
        for title in [
            "A Plain [evil site](https://evil.example) Paper",
            r"Code at \href{https://evil.example}{our site}",
            r"Also $\url{https://evil.example}$",
        ] {
            let (html, plain) = title_to_html_and_plain(title);
            assert!(!html.contains("<a"), "{title} -> {html}");
            assert!(
                html.contains("evil.example") || html.contains("our site"),
                "{html}"
            );
            assert!(!plain.is_empty());
        }
        // An abstract keeps its links.
        assert!(
            text_to_html_and_plain("see https://ok.example")
                .0
                .contains("<a href")
        );
    }

    #[test]
    fn html_and_plain_at_once_are_what_each_gives_alone() {
        for text in [
            "A plain title",
            "Fast $O(n \\log n)$ sorting with \\textbf{19.4$\\times$} speed-up -- see https://x.org/a_b",
            "``Quoted'' \\href{https://a.org}{a \\emph{link}} 5\\% <b>&amp;",
        ] {
            let (html_once, plain_once) = text_to_html_and_plain(text);
            assert_eq!(html_once, html(text), "{text:?}");
            assert_eq!(plain_once, to_plain(text), "{text:?}");
        }
    }

    #[test]
    fn plain_text_is_told_from_text_with_tex_ligatures_or_web_addresses() {
        for plain in [
            "",
            "A well-known model's `loss` at 5% (x - y), http or https, see htt://x",
            "Céline et al. — a study",
            "ends in h",
        ] {
            assert!(is_plain(plain), "{plain:?} is plain");
        }
        for marked in [
            "$x$",
            "a \\emph{b}",
            "Fig.~1",
            "2--3",
            "``quoted''",
            "it''s",
            "a ``b",
            "see http://x.org",
            "see https://x.org",
            "https://",
            "-- at the start",
        ] {
            assert!(!is_plain(marked), "{marked:?} is not plain");
        }
    }

    fn html(text: &str) -> String {
        let mut out = String::new();
        html_with(text, Links::Allowed, &mut out);
        out
    }

    #[test]
    fn styling_macros_become_elements() {
        assert_eq!(
            html(r"\textbf{Bold} and \emph{it \texttt{code}} \textit{x}"),
            "<strong>Bold</strong> and <em>it <code>code</code></em> <em>x</em>"
        );
        assert_eq!(to_plain(r"\textbf{Bold} and \emph{it}"), "Bold and it");
    }

    #[test]
    fn escapes_dashes_quotes_and_ties() {
        assert_eq!(
            to_plain(r"40\% of A\&B use x\_i, 400\ times, pp.~3--5 --- ``quoted''"),
            "40% of A&B use x_i, 400 times, pp.\u{a0}3–5 — “quoted”"
        );
    }

    #[test]
    fn links_only_to_http_with_nofollow() {
        assert_eq!(
            html(r"\href{https://ex.org/a?b=1&c=2}{our code}"),
            "<a href=\"https://ex.org/a?b=1&amp;c=2\" rel=\"nofollow noopener\">our code</a>"
        );
        assert_eq!(html(r"\href{javascript:alert(1)}{click}"), "click");
        assert_eq!(
            html(r"\url{http://x.org/y}"),
            "<a href=\"http://x.org/y\" rel=\"nofollow noopener\">http://x.org/y</a>"
        );
        assert_eq!(
            to_plain(r"\href{https://ex.org}{code}"),
            "code (https://ex.org)"
        );
    }

    #[test]
    fn clean_text_shows_formulas_of_symbols_as_their_characters() {
        assert_eq!(
            to_clean(r"$\phi$-Balancing for $k \leq 2$ at 3$\times$"),
            "ϕ-Balancing for k≤2 at 3×"
        );
        assert_eq!(to_clean(r"Sorting in $O(n^2)$"), "Sorting in $O(n^2)$");
        assert_eq!(to_plain(r"$\phi$-Balancing"), r"$\phi$-Balancing");
        assert_eq!(to_clean("<b> & $x<y$"), "<b> & x<y");
    }

    #[test]
    fn a_link_whose_label_is_an_address_is_one_link() {
        assert_eq!(
            html(
                r"see \href{https://a.org/x}{https://a.org/y} and \href{https://b.org}{\url{https://b.org}}"
            ),
            "see <a href=\"https://a.org/x\" rel=\"nofollow noopener\">https://a.org/y</a> and <a href=\"https://b.org\" rel=\"nofollow noopener\">https://b.org</a>"
        );
    }

    #[test]
    fn bare_addresses_are_linked_without_trailing_punctuation() {
        assert_eq!(
            html("Code: https://github.com/a/b. More (see https://x.org/p_(1))."),
            "Code: <a href=\"https://github.com/a/b\" rel=\"nofollow noopener\">https://github.com/a/b</a>. More (see <a href=\"https://x.org/p_(1)\" rel=\"nofollow noopener\">https://x.org/p_(1)</a>)."
        );
        assert_eq!(html("not a link: xhttps://a.b"), "not a link: xhttps://a.b");
    }

    #[test]
    fn formulas_inside_macro_arguments_stay_formulas() {
        let html = html(r"up to \textbf{19.39$\times$} faster, 5\$ each");
        assert!(html.starts_with("up to <strong>19.39<math"), "{html}");
        assert!(html.ends_with("</math></strong> faster, 5$ each"), "{html}");
        assert_eq!(
            to_plain(r"\textbf{19.39$\times$} -- $a--b$ $\textbf{L}$oad"),
            "19.39$\\times$ – $a--b$ Load"
        );
    }

    #[test]
    fn a_formula_that_is_only_a_link_shows_as_one() {
        let html =
            text_to_html_and_plain(r"Code at $\href{https://github.com/a/b}{\texttt{a/b}}$.").0;
        assert_eq!(
            html,
            "Code at <a href=\"https://github.com/a/b\" rel=\"nofollow noopener\"><code>a/b</code></a>."
        );
    }

    #[test]
    fn hostile_text_stays_text() {
        assert_eq!(
            html(r#"\textbf{<script>alert(1)</script>} \href{https://a.org/"onmouseover="x}{t}"#),
            "<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong> t"
        );
        let deep = format!("{}x{}", r"\emph{".repeat(50), "}".repeat(50));
        assert!(
            html(&deep).contains("\\emph"),
            "deep nesting is left as text"
        );
        assert_eq!(html(r"\textbf{unclosed"), "unclosed");
    }
}

#[cfg(test)]
mod formula_tests {
    use super::*;
    use crate::render::math::ELEMENTS;

    fn text_to_html(text: &str) -> String {
        let mut html = String::new();
        html_with(text, Links::Allowed, &mut html);
        html
    }

    /// The MathML of the one formula in `text`, without its TeX annotation.
    fn presentation(html: &str) -> &str {
        let start = html.find("<math").expect("a formula");
        let end = html.find("<annotation").expect("an annotation");
        &html[start..end]
    }

    #[test]
    fn real_formulas_become_mathml() {
        let html = text_to_html("A $\\Delta$ of $O(n^2)$");
        assert!(html.starts_with("A <math display=\"inline\">"), "{html}");
        assert!(html.contains("<mi mathvariant=\"normal\">Δ</mi>"), "{html}");
        assert!(html.contains("<msup><mi>n</mi><mn>2</mn></msup>"), "{html}");
        assert_eq!(html.matches("<math").count(), 2);

        let html = text_to_html("$W_{8}A_{8}$ quantisation");
        assert!(
            presentation(&html).contains("<msub><mi>W</mi><mrow><mn>8</mn></mrow></msub>"),
            "{html}"
        );
        assert!(html.ends_with("</math> quantisation"));

        let html = text_to_html("the $\\mathbf{Li_2}$ model");
        assert!(presentation(&html).contains("𝐋"), "{html}");
    }

    #[test]
    fn a_less_than_sign_in_math_is_escaped() {
        // The converter writes `<mo><</mo>`; the page must get `&lt;`.
        let html = text_to_html("with $<$2% loss and $a<b$");
        assert!(html.contains("<mo>&lt;</mo>"), "{html}");
        assert!(!html.contains("<mo><"), "{html}");
        assert!(html.contains("2% loss"));
        assert_eq!(html.matches("<math").count(), 2);
    }

    #[test]
    fn the_tex_is_kept_as_an_annotation() {
        let html = text_to_html("$a<b$");
        assert!(
            html.contains("<annotation encoding=\"application/x-tex\">a&lt;b</annotation>"),
            "{html}"
        );
    }

    #[test]
    fn formulas_that_do_not_convert_show_their_tex() {
        for (text, shown) in [
            ("uses $\\unknowncmd x$ here", "$\\unknowncmd x$"),
            ("a $\\frac{1}{2$ b", "$\\frac{1}{2$"),
            ("in \\(x^\\) too", "\\(x^\\)"),
        ] {
            let html = text_to_html(text);
            assert!(!html.contains("<math"), "{html}");
            assert!(
                html.contains(&format!("<span class=\"tex\">{shown}</span>")),
                "{html}"
            );
        }
        let deep = format!("${}x{}$", "{".repeat(100), "}".repeat(100));
        assert!(text_to_html(&deep).contains("<span class=\"tex\">$"));
    }

    #[test]
    fn hostile_text_inside_math_stays_inert() {
        for text in [
            "$<script>$alert(1)",
            "$<script>alert(1)</script>$",
            "$\\text{<img src=x onerror=alert(1)>}$",
            "$\\operatorname{<mi onclick=alert(1)>}$",
            "$\\color{red}{x}\\href{javascript:alert(1)}{y}$",
            "$\\unknown<script>$",
            "$$<style>body{display:none}</style>$$",
        ] {
            let html = text_to_html(text);
            for forbidden in ["<script", "<img", "<style"] {
                assert!(!html.contains(forbidden), "{text} → {html}");
            }
            for tag in html.split('<').skip(1) {
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                assert!(
                    name == "span" || ELEMENTS.contains(&name.as_str()),
                    "<{name}> in {html}"
                );
                let tag_text = &tag[..tag.find('>').unwrap()];
                assert!(!tag_text.contains("style="), "{html}");
                assert!(!tag_text.contains(" on"), "{html}");
                assert!(!tag_text.contains("href"), "{html}");
            }
        }
    }

    #[test]
    fn plain_text_is_escaped_and_dollars_for_money_are_not_math() {
        assert_eq!(
            text_to_html("costs $8 and $9 <b>"),
            "costs $8 and $9 &lt;b&gt;"
        );
        assert_eq!(text_to_html("from $5 to $10."), "from $5 to $10.");
        assert_eq!(text_to_html("a $ b $ c"), "a $ b $ c");
        assert_eq!(text_to_html("price \\$5 and \\$6"), "price $5 and $6");
        assert_eq!(
            text_to_html("Tom's \"model\""),
            "Tom&#x27;s &quot;model&quot;"
        );
        assert_eq!(text_to_html("never closed $x"), "never closed $x");
        assert_eq!(text_to_html("$a\n\nb$"), "$a\n\nb$");
    }

    #[test]
    fn display_math_is_a_block() {
        let html = text_to_html("so $$x = 1$$ and \\[y\\]");
        assert_eq!(
            html.matches("<math display=\"block\">").count(),
            2,
            "{html}"
        );
        let html = text_to_html("inline \\(x\\)");
        assert!(html.contains("<math display=\"inline\">"), "{html}");
    }

    #[ignore = "needs ../shared/fixtures"]
    #[test]
    fn formulas_of_the_imported_archive_mostly_convert() {
        let dir = crate::testing::shared_fixture("archive/daily-json-2025/2025-03");
        let (mut formulas, mut converted) = (0, 0);
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let day: serde_json::Value = serde_json::from_str(&text).unwrap();
            for paper in day.as_object().unwrap().values() {
                let abstract_text = paper["abstract"].as_str().unwrap_or_default();
                let html = text_to_html(abstract_text);
                converted += html.matches("<math").count();
                formulas += html.matches("<math").count() + html.matches("class=\"tex\"").count();
                assert!(!html.contains("<script"));
            }
        }
        assert!(formulas > 100, "only {formulas} formulas found");
        assert!(
            converted * 100 >= formulas * 95,
            "{converted} of {formulas} converted"
        );
    }
}

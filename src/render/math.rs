//! TeX math → MathML, server-side: titles and abstracts become safe HTML in which `$...$`,
//! `$$...$$`, `\(...\)` and `\[...\]` are MathML (rendered by the browser, no JavaScript).
//!
//! Conversion uses `pulldown-latex`. Its output is not trusted as HTML: it writes some
//! characters (`<` in `$a<b$`, `&`) unescaped, so every formula's MathML is re-tokenised and
//! re-written here from an allow-list of MathML elements and attributes, with all text escaped.
//! Whatever the converter does, the page only ever gets allow-listed MathML. A formula that
//! does not convert (unknown command, unbalanced braces, anything the allow-list rejects) is
//! shown as its original TeX, escaped, so no text is ever lost.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

/// Formulas longer than this are shown as TeX: real ones are far shorter, and the limit keeps
/// hostile input from costing time.
const MAX_FORMULA_BYTES: usize = 1000;

/// Inline formulas with more TeX than this may be wider than a phone: they get a box that
/// scrolls sideways on its own.
const WIDE_INLINE_FORMULA: usize = 40;

/// Deeper brace nesting is shown as TeX, so hostile input cannot recurse deeply in the parser.
const MAX_BRACE_DEPTH: usize = 32;

/// MathML elements a converted formula may contain (MathML Core plus `menclose`).
pub(crate) const ELEMENTS: [&str; 29] = [
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "merror",
    "mpadded",
    "mphantom",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mmultiscripts",
    "mprescripts",
    "mtable",
    "mtr",
    "mtd",
    "menclose",
];

/// Presentation attributes kept on those elements; any other attribute (`style`, event
/// handlers, links) is dropped.
const ATTRIBUTES: [&str; 20] = [
    "display",
    "mathvariant",
    "stretchy",
    "symmetric",
    "largeop",
    "movablelimits",
    "minsize",
    "maxsize",
    "linethickness",
    "displaystyle",
    "scriptlevel",
    "width",
    "height",
    "depth",
    "lspace",
    "rspace",
    "form",
    "accent",
    "accentunder",
    "notation",
];

/// The characters a formula shows when its MathML is symbols only (identifiers, operators,
/// numbers and text, in rows); `None` when it has structure a line of text cannot show
/// (a fraction, a script, a root) or does not convert.
pub(crate) fn formula_symbols(tex: &str) -> Option<String> {
    const FLAT: [&str; 8] = [
        "math",
        "semantics",
        "mrow",
        "mi",
        "mo",
        "mn",
        "mtext",
        "mspace",
    ];
    let mathml = to_mathml(tex, false)?;
    let mut text = String::new();
    let mut rest = mathml.as_str();
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = open + rest[open..].find('>')?;
        let tag = rest[open + 1..close].trim_start_matches('/');
        let name = tag.split([' ', '/']).next().unwrap_or_default();
        if name == "annotation" {
            // The TeX source rides along for copy and paste; it is not what the formula shows.
            let end = rest.find("</annotation>")?;
            rest = &rest[end + "</annotation>".len()..];
            continue;
        }
        if !FLAT.contains(&name) {
            return None;
        }
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// A formula (`source` with its delimiters) as MathML; false, writing nothing, when it does
/// not convert (the caller shows it as text-mode markup or as [`tex_html`]).
pub(crate) fn formula_html(formula: &Formula<'_>, out: &mut String) -> bool {
    match to_mathml(formula.tex, formula.display) {
        // A long inline formula scrolls inside its own box instead of widening a phone's page.
        Some(mathml) if !formula.display && formula.tex.len() > WIDE_INLINE_FORMULA => {
            out.push_str("<span class=\"math-scroll\">");
            out.push_str(&mathml);
            out.push_str("</span>");
            true
        }
        Some(mathml) => {
            out.push_str(&mathml);
            true
        }
        None => false,
    }
}

/// A formula that does not convert, as its TeX (`source`, with its delimiters) escaped.
pub(crate) fn tex_html(source: &str, out: &mut String) {
    out.push_str("<span class=\"tex\">");
    escape_into(source, out);
    out.push_str("</span>");
}

/// A formula found in text: its TeX (without delimiters), whether it is displayed, and the
/// byte offset just after its closing delimiter.
pub(crate) struct Formula<'a> {
    pub tex: &'a str,
    pub display: bool,
    pub end: usize,
}

/// The formula opening at `start` (a `$` or `\`), if one does.
///
/// `$...$` closes at the next unescaped `$`, and is math only when the opening `$` is followed
/// by a non-space and the closing one follows a non-space, which tells math from prices
/// (`costs $8 and $9` is no math). No formula spans a blank line.
pub(crate) fn find_formula(text: &str, start: usize) -> Option<Formula<'_>> {
    let rest = &text[start..];
    let (open, close, display) = if rest.starts_with("$$") {
        ("$$", "$$", true)
    } else if rest.starts_with('$') {
        ("$", "$", false)
    } else if rest.starts_with("\\(") {
        ("\\(", "\\)", false)
    } else if rest.starts_with("\\[") {
        ("\\[", "\\]", true)
    } else {
        return None;
    };
    let body_start = start + open.len();
    let body = &text[body_start..];
    if body.starts_with(char::is_whitespace) && open == "$" {
        return None;
    }
    let mut search = 0;
    let close_at = loop {
        let close_at = search + body[search..].find(close)?;
        let escaped = body[..close_at].ends_with('\\') && !body[..close_at].ends_with("\\\\");
        if !escaped {
            break close_at;
        }
        search = close_at + close.len();
    };
    let tex = &body[..close_at];
    let blank_line = tex.contains("\n\n") || tex.contains("\r\n\r\n");
    let acceptable = if open == "$" {
        !tex.is_empty() && !tex.ends_with(char::is_whitespace)
    } else {
        !tex.trim().is_empty()
    };
    (acceptable && !blank_line).then_some(Formula {
        tex,
        display,
        end: body_start + close_at + close.len(),
    })
}

/// One formula as sanitised MathML, or `None` when it does not convert.
pub(crate) fn to_mathml(tex: &str, display: bool) -> Option<String> {
    if tex.len() > MAX_FORMULA_BYTES || brace_depth(tex) > MAX_BRACE_DEPTH {
        return None;
    }
    let storage = Storage::new();
    let events = Parser::new(tex, &storage)
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut raw = String::with_capacity(tex.len() * 16);
    push_mathml(
        &mut raw,
        events.into_iter().map(Ok::<_, std::convert::Infallible>),
        config,
    )
    .ok()?;
    sanitise(&raw, tex)
}

/// The deepest `{` nesting in a formula.
fn brace_depth(tex: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for byte in tex.bytes() {
        match byte {
            b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Re-writes the converter's MathML from the allow-lists, with the TeX as an annotation.
/// `None` when the markup is not one balanced `<math>` element of allowed elements.
fn sanitise(raw: &str, tex: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len() + tex.len() + 96);
    let mut open: Vec<&str> = Vec::new();
    let mut rest = raw;
    let mut closed_math = false;
    while !rest.is_empty() {
        if closed_math {
            return None;
        }
        if let Some(tag) = rest.strip_prefix('<').and_then(parse_tag) {
            rest = &rest[tag.length..];
            if tag.closing {
                if open.pop() != Some(tag.name) {
                    return None;
                }
                if tag.name == "math" {
                    out.push_str("</mrow><annotation encoding=\"application/x-tex\">");
                    escape_into(tex, &mut out);
                    out.push_str("</annotation></semantics></math>");
                    closed_math = true;
                } else {
                    push_close(&mut out, tag.name);
                }
                continue;
            }
            if (tag.name == "math") != open.is_empty() {
                return None;
            }
            out.push('<');
            out.push_str(tag.name);
            for (name, value) in &tag.attributes {
                out.push(' ');
                out.push_str(name);
                out.push_str("=\"");
                out.push_str(value);
                out.push('"');
            }
            out.push('>');
            if tag.name == "math" {
                out.push_str("<semantics><mrow>");
            }
            if tag.self_closing {
                push_close(&mut out, tag.name);
            } else {
                open.push(tag.name);
            }
            continue;
        }
        if open.is_empty() {
            return None;
        }
        // Text up to the next `<`; a `<` that did not start an allowed tag is text too.
        let skip = usize::from(rest.starts_with('<'));
        let text_end = rest[skip..].find('<').map_or(rest.len(), |i| i + skip);
        push_text(&rest[..text_end], &mut out);
        rest = &rest[text_end..];
    }
    (open.is_empty() && closed_math).then_some(out)
}

fn push_close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// A tag the converter wrote.
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    self_closing: bool,
    /// Allowed attributes with values of safe characters only.
    attributes: Vec<(&'a str, &'a str)>,
    /// Bytes the tag spans, including its `<` and `>`.
    length: usize,
}

/// Parses an allowed tag from the text after a `<`; `None` when the `<` does not open one.
fn parse_tag(after_lt: &str) -> Option<Tag<'_>> {
    let closing = after_lt.starts_with('/');
    let body = &after_lt[usize::from(closing)..];
    let name_len = body.bytes().take_while(u8::is_ascii_lowercase).count();
    let name = ELEMENTS.iter().copied().find(|&e| e == &body[..name_len])?;
    let mut rest = &body[name_len..];
    let mut attributes = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix("/>") {
            let consumed = after_lt.len() - after.len();
            return (!closing).then_some(Tag {
                name,
                closing,
                self_closing: true,
                attributes,
                length: consumed + 1,
            });
        }
        if let Some(after) = rest.strip_prefix('>') {
            let consumed = after_lt.len() - after.len();
            return Some(Tag {
                name,
                closing,
                self_closing: false,
                attributes,
                length: consumed + 1,
            });
        }
        // ` name="value"`
        let attribute = rest.strip_prefix(' ')?;
        let attribute_name_len = attribute
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || *b == b'-')
            .count();
        let attribute_name = &attribute[..attribute_name_len];
        let value_and_rest = attribute[attribute_name_len..].strip_prefix("=\"")?;
        let value_len = value_and_rest.find(['"', '<', '>'])?;
        if !value_and_rest[value_len..].starts_with('"') || closing {
            return None;
        }
        let value = &value_and_rest[..value_len];
        let safe_value = value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" .%#-".contains(&b));
        if let Some(allowed) = ATTRIBUTES.iter().copied().find(|&a| a == attribute_name)
            && safe_value
        {
            attributes.push((allowed, value));
        }
        rest = &value_and_rest[value_len + 1..];
    }
}

/// Text from the converter: its entities decoded, then escaped again.
fn push_text(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        escape_into(&rest[..amp], out);
        let entity = &rest[amp..];
        let known = [
            ("&amp;", "&"),
            ("&lt;", "<"),
            ("&gt;", ">"),
            ("&quot;", "\""),
            ("&nbsp;", "\u{a0}"),
        ]
        .into_iter()
        .find(|(name, _)| entity.starts_with(name));
        match known {
            Some((name, value)) => {
                escape_into(value, out);
                rest = &entity[name.len()..];
            }
            None => {
                out.push_str("&amp;");
                rest = &entity[1..];
            }
        }
    }
    escape_into(rest, out);
}

/// `text` escaped for HTML text and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    escape_into(text, &mut out);
    out
}

/// Appends `text` escaped for HTML text and attribute values.
pub(crate) fn escape_into(text: &str, out: &mut String) {
    let mut written = 0;
    for (index, byte) in text.bytes().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&text[written..index]);
        out.push_str(replacement);
        written = index + 1;
    }
    out.push_str(&text[written..]);
}

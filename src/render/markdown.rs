//! Markdown safety: escaping untrusted text for the GitHub-rendered `index.md`, and rendering the
//! user's prompt Markdown with raw HTML and script links neutralised.

use std::io::{self, Write};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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

fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Renders prompt Markdown to HTML for the page's appendix.
///
/// Prompts are the user's files, but they end up in a public page, so raw HTML is shown as text
/// (HTML blocks as code blocks), links with script-capable schemes lose their link, images are
/// reduced to their alt text (no external requests), and headings drop one level so a prompt's
/// `# Topics` sits below the page's title, beside its other sections.
pub(crate) fn prompt_to_html(markdown: &str) -> String {
    let mut dropped_ends: Vec<TagEnd> = Vec::new();
    let events = Parser::new_ext(markdown, markdown_options()).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::CodeBlock(CodeBlockKind::Indented))),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::CodeBlock)),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(demote(level)))),
        Event::Start(Tag::Link { ref dest_url, .. }) if !is_safe_url(dest_url) => {
            dropped_ends.push(TagEnd::Link);
            None
        }
        Event::Start(Tag::Image { .. }) => {
            dropped_ends.push(TagEnd::Image);
            None
        }
        // Links cannot nest and alt text holds no images, so the innermost dropped tag is the
        // one an end of the same kind closes.
        Event::End(end @ (TagEnd::Link | TagEnd::Image)) if dropped_ends.last() == Some(&end) => {
            dropped_ends.pop();
            None
        }
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// True for relative links and the schemes a prompt may reasonably link to.
fn is_safe_url(url: &CowStr<'_>) -> bool {
    let url = url.trim_start();
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(pos) if url[pos..].starts_with(':') => {
            let scheme = url[..pos].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// The prompt Markdown for the `index.md` page: the text itself, but with every raw HTML tag's
/// `<` written as `&lt;`, so GitHub shows the tag as text instead of interpreting it.
pub(crate) fn neutralise_html_in_markdown(markdown: &str) -> String {
    let html_ranges: Vec<Range<usize>> = Parser::new_ext(markdown, markdown_options())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Html(_) | Event::InlineHtml(_)))
        .map(|(_, range)| range)
        .collect();
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut copied_to = 0;
    for range in html_ranges {
        if range.start < copied_to {
            continue;
        }
        out.push_str(&markdown[copied_to..range.start]);
        out.push_str(&markdown[range.clone()].replace('<', "&lt;"));
        copied_to = range.end;
    }
    out.push_str(&markdown[copied_to..]);
    out
}

/// Prefixes every line with `> ` so a Markdown text becomes a block quote.
pub(crate) fn block_quote(markdown: &str) -> String {
    markdown
        .trim_end()
        .lines()
        .map(|line| {
            if line.is_empty() {
                ">".to_string()
            } else {
                format!("> {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn prompt_html_is_shown_as_text() {
        let html = prompt_to_html(
            "# Topics\n\nSee <b onclick=\"x()\">this</b>.\n\n<script>alert(1)</script>\n",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("<h2>Topics</h2>"), "{html}");
    }

    #[test]
    fn prompt_script_links_and_images_lose_their_targets() {
        let html = prompt_to_html(
            "[bad](javascript:alert(1)) [good](https://arxiv.org) ![pic](https://e.com/p.png) <javascript:alert(2)>",
        );
        assert!(!html.contains("javascript:alert(1)\""), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://arxiv.org\">good</a>"),
            "{html}"
        );
        assert!(html.contains("bad") && html.contains("pic"), "{html}");
    }

    #[test]
    fn markdown_prompt_keeps_text_but_not_tags() {
        let text = neutralise_html_in_markdown("Keep **this** and `<code>`.\n\n<div>x</div>\n");
        assert_eq!(text, "Keep **this** and `<code>`.\n\n&lt;div>x&lt;/div>\n");
    }

    #[test]
    fn block_quote_prefixes_every_line() {
        assert_eq!(block_quote("a\n\nb\n"), "> a\n>\n> b");
    }
}

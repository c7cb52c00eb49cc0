//! Rendering the user's prompt Markdown with raw HTML and script links neutralised. (Escaping
//! untrusted text for Markdown is plumbing shared with publish: [`crate::text`].)

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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

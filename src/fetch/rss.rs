//! arXiv RSS 2.0 feed (`rss.arxiv.org/rss/cat1+cat2`): one request for all categories, parsed with quick-xml.
//!
//! quick-xml rather than a feed library, because the `arxiv:*` elements (announce type, DOI,
//! journal reference) are exactly what generic feed parsers drop. The parser is strict: a
//! document that is not a complete RSS channel, or an item that cannot become a [`Paper`], is an
//! error naming the problem, never a silently shorter day.

use std::borrow::Cow;

use anyhow::{Context, Result, anyhow, bail};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use quick_xml::NsReader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::fetch::FeedDay;
use crate::paper::{AnnounceType, Paper, decode_tex, split_version, strip_bidi};

/// The feed URL for all configured categories in one request.
pub(crate) fn feed_url(base: &str, categories: &[String]) -> String {
    format!("{}/{}", base.trim_end_matches('/'), categories.join("+"))
}

/// Parses a feed document. Errors on anything that is not a complete arXiv RSS channel.
///
/// The day is the channel's `pubDate` (else `lastBuildDate`) as a New York civil date. A channel
/// without items is a valid day with no announcements (weekends, holidays).
pub fn parse(xml: &str, origin: &str) -> Result<FeedDay> {
    let mut feed = FeedBuilder::default();
    let mut reader = NsReader::from_str(xml);
    loop {
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((resolved, event)) => (Namespace::of(&resolved), event),
            Err(error) => bail!(
                "{origin} is not well-formed XML (at byte {}): {error}",
                reader.error_position()
            ),
        };
        let step = match event {
            Event::Start(element) => feed.open(namespace, &element),
            Event::Empty(element) => feed.open(namespace, &element).and_then(|()| feed.close()),
            Event::End(_) => feed.close(),
            Event::Text(text) => {
                feed.text(text.xml10_content());
                Ok(())
            }
            Event::CData(cdata) => {
                feed.text(cdata.xml10_content());
                Ok(())
            }
            Event::GeneralRef(reference) => {
                resolve_reference(&reference).map(|c| feed.text(Cow::Owned(c)))
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => Ok(()),
        };
        step.with_context(|| {
            format!(
                "{origin} is not a usable arXiv RSS feed (near byte {})",
                reader.buffer_position()
            )
        })?;
    }
    feed.finish(origin)
}

/// The namespaces whose elements the parser reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Namespace {
    /// No namespace: the RSS 2.0 elements.
    Rss,
    Arxiv,
    DublinCore,
    Other,
}

impl Namespace {
    fn of(resolved: &ResolveResult<'_>) -> Namespace {
        match resolved {
            ResolveResult::Unbound => Namespace::Rss,
            ResolveResult::Bound(ns) if ns.as_ref() == "http://arxiv.org/schemas/atom" => {
                Namespace::Arxiv
            }
            ResolveResult::Bound(ns) if ns.as_ref() == "http://purl.org/dc/elements/1.1/" => {
                Namespace::DublinCore
            }
            _ => Namespace::Other,
        }
    }
}

/// Where an open element sits in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Rss,
    Channel,
    Item,
    Field(Field),
    /// Anything the parser does not read (and everything nested in it).
    Other,
}

/// The text-valued elements the parser keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    PubDate,
    LastBuildDate,
    Title,
    Description,
    Guid,
    Category,
    AnnounceType,
    Doi,
    JournalRef,
    Rights,
    Creator,
}

impl Field {
    /// The element as written in the feed, for error messages.
    fn element(self) -> &'static str {
        match self {
            Field::PubDate => "pubDate",
            Field::LastBuildDate => "lastBuildDate",
            Field::Title => "title",
            Field::Description => "description",
            Field::Guid => "guid",
            Field::Category => "category",
            Field::AnnounceType => "arxiv:announce_type",
            Field::Doi => "arxiv:DOI",
            Field::JournalRef => "arxiv:journal_reference",
            Field::Rights => "dc:rights",
            Field::Creator => "dc:creator",
        }
    }

    fn of_channel(namespace: Namespace, local: &str) -> Option<Field> {
        match (namespace, local) {
            (Namespace::Rss, "pubDate") => Some(Field::PubDate),
            (Namespace::Rss, "lastBuildDate") => Some(Field::LastBuildDate),
            _ => None,
        }
    }

    fn of_item(namespace: Namespace, local: &str) -> Option<Field> {
        Some(match (namespace, local) {
            (Namespace::Rss, "title") => Field::Title,
            (Namespace::Rss, "description") => Field::Description,
            (Namespace::Rss, "guid") => Field::Guid,
            (Namespace::Rss, "category") => Field::Category,
            (Namespace::Arxiv, "announce_type") => Field::AnnounceType,
            (Namespace::Arxiv, "DOI") => Field::Doi,
            (Namespace::Arxiv, "journal_reference") => Field::JournalRef,
            (Namespace::DublinCore, "rights") => Field::Rights,
            (Namespace::DublinCore, "creator") => Field::Creator,
            _ => return None,
        })
    }
}

/// The raw text of one `<item>`, collected before it becomes a [`Paper`]. Text borrows from the
/// document wherever an element holds a single run of text, which is nearly always.
#[derive(Debug, Default)]
struct RawItem<'i> {
    title: Option<Cow<'i, str>>,
    description: Option<Cow<'i, str>>,
    guid: Option<Cow<'i, str>>,
    categories: Vec<Cow<'i, str>>,
    announce_type: Option<Cow<'i, str>>,
    doi: Option<Cow<'i, str>>,
    journal_ref: Option<Cow<'i, str>>,
    rights: Option<Cow<'i, str>>,
    /// arXiv sends one comma-separated `dc:creator`; several are accepted and concatenated.
    creators: Vec<Cow<'i, str>>,
}

/// Event-driven state of the parse: the open elements, the text being collected and the results.
#[derive(Debug, Default)]
struct FeedBuilder<'i> {
    open: Vec<Level>,
    seen_root: bool,
    seen_channel: bool,
    /// The field whose text is being collected (also through any markup nested inside it).
    collecting: Option<Field>,
    text: Cow<'i, str>,
    pub_date: Option<Cow<'i, str>>,
    last_build_date: Option<Cow<'i, str>>,
    item: Option<RawItem<'i>>,
    items: Vec<Paper>,
}

impl<'i> FeedBuilder<'i> {
    fn open(&mut self, namespace: Namespace, element: &BytesStart<'_>) -> Result<()> {
        let local = element.local_name();
        let local = local.as_ref();
        let level = match self.open.last() {
            None => {
                if self.seen_root {
                    bail!("a second root element <{}>", qualified_name(element));
                }
                self.seen_root = true;
                if namespace != Namespace::Rss || local != "rss" {
                    bail!(
                        "the root element is <{}>, not an RSS 2.0 <rss>",
                        qualified_name(element)
                    );
                }
                Level::Rss
            }
            Some(Level::Rss) if namespace == Namespace::Rss && local == "channel" => {
                if self.seen_channel {
                    bail!("the feed has more than one <channel>");
                }
                self.seen_channel = true;
                Level::Channel
            }
            Some(Level::Channel) if namespace == Namespace::Rss && local == "item" => {
                self.item = Some(RawItem::default());
                Level::Item
            }
            Some(Level::Channel) => {
                Field::of_channel(namespace, local).map_or(Level::Other, Level::Field)
            }
            Some(Level::Item) => {
                Field::of_item(namespace, local).map_or(Level::Other, Level::Field)
            }
            Some(_) => Level::Other,
        };
        if let Level::Field(field) = level
            && self.collecting.is_none()
        {
            self.collecting = Some(field);
            self.text = Cow::Borrowed("");
        }
        self.open.push(level);
        Ok(())
    }

    fn text(&mut self, piece: Cow<'i, str>) {
        if self.collecting.is_none() {
            return;
        }
        if self.text.is_empty() {
            self.text = piece;
        } else {
            self.text.to_mut().push_str(&piece);
        }
    }

    fn close(&mut self) -> Result<()> {
        let level = self
            .open
            .pop()
            .ok_or_else(|| anyhow!("a closing tag without an opening one"))?;
        match level {
            Level::Field(field) if self.collecting == Some(field) => {
                self.collecting = None;
                let value = std::mem::take(&mut self.text);
                self.store(field, value)
            }
            Level::Item => {
                let raw = self.item.take().unwrap_or_default();
                let number = self.items.len() + 1;
                let paper = paper_from(&raw).with_context(|| item_label(number, &raw))?;
                self.items.push(paper);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn store(&mut self, field: Field, value: Cow<'i, str>) -> Result<()> {
        let slot = match (field, self.item.as_mut()) {
            (Field::PubDate, _) => &mut self.pub_date,
            (Field::LastBuildDate, _) => &mut self.last_build_date,
            (Field::Category, Some(item)) => {
                item.categories.push(value);
                return Ok(());
            }
            (Field::Creator, Some(item)) => {
                item.creators.push(value);
                return Ok(());
            }
            (Field::Title, Some(item)) => &mut item.title,
            (Field::Description, Some(item)) => &mut item.description,
            (Field::Guid, Some(item)) => &mut item.guid,
            (Field::AnnounceType, Some(item)) => &mut item.announce_type,
            (Field::Doi, Some(item)) => &mut item.doi,
            (Field::JournalRef, Some(item)) => &mut item.journal_ref,
            (Field::Rights, Some(item)) => &mut item.rights,
            (_, None) => return Ok(()),
        };
        if slot.is_some() {
            let place = match &self.item {
                Some(raw) => item_label(self.items.len() + 1, raw),
                None => "the channel".to_string(),
            };
            bail!("{place} has more than one <{}>", field.element());
        }
        *slot = Some(value);
        Ok(())
    }

    fn finish(self, origin: &str) -> Result<FeedDay> {
        if let Some(innermost) = self.open.last() {
            let place = match (innermost, &self.item) {
                (Level::Field(field), Some(_)) => {
                    format!("<{}> of item {}", field.element(), self.items.len() + 1)
                }
                (Level::Field(field), None) => format!("<{}>", field.element()),
                (Level::Item, _) => format!("item {}", self.items.len() + 1),
                (Level::Channel, _) => "<channel>".to_string(),
                (Level::Rss, _) => "<rss>".to_string(),
                (Level::Other, _) => format!("an element {} levels deep", self.open.len()),
            };
            bail!(
                "{origin} ends inside {place} after {} complete items: the download was cut \
                 short or the document is truncated",
                self.items.len()
            );
        }
        if !self.seen_root {
            bail!("{origin} is not XML: it has no root element");
        }
        if !self.seen_channel {
            bail!("{origin} is not an RSS feed: <rss> has no <channel>");
        }
        let date = match (&self.pub_date, &self.last_build_date) {
            (Some(pub_date), _) => new_york_date(pub_date).context("reading the channel <pubDate>"),
            (None, Some(built)) => {
                new_york_date(built).context("reading the channel <lastBuildDate>")
            }
            (None, None) => Err(anyhow!(
                "the channel has neither <pubDate> nor <lastBuildDate>"
            )),
        }
        .with_context(|| format!("{origin} does not say which day it announces"))?;
        Ok(FeedDay {
            date,
            items: self.items,
            origin: origin.to_string(),
        })
    }
}

/// `item 17 (oai:arXiv.org:2608.11232v1)`, or the start of its title when it has no guid.
fn item_label(number: usize, raw: &RawItem<'_>) -> String {
    match (&raw.guid, &raw.title) {
        (Some(guid), _) => format!("item {number} ({})", guid.trim()),
        (None, Some(title)) => {
            let start: String = title.trim().chars().take(80).collect();
            format!("item {number} (no guid; title \"{start}\")")
        }
        (None, None) => format!("item {number} (no guid, no title)"),
    }
}

/// Resolves `&lt;`-style and `&#60;`-style references; anything else is not XML without a DTD.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<String> {
    // A reference to a character XML does not allow (`&#0;`, other controls) is dropped: one
    // bad character in one abstract must not cost the whole day.
    if let Some(text) = reference.strip_prefix('#') {
        let code = match text.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => text.parse::<u32>().ok(),
        };
        if let Some(code) = code
            && (code == 0
                || (code < 0x20 && !matches!(code, 0x09 | 0x0a | 0x0d))
                || (0xd800..=0xdfff).contains(&code)
                || code > 0x10ffff)
        {
            return Ok(String::new());
        }
    }
    if let Some(character) = reference
        .resolve_char_ref()
        .with_context(|| format!("bad character reference &{};", &**reference))?
    {
        return Ok(character.to_string());
    }
    quick_xml::escape::resolve_predefined_entity(reference)
        .map(str::to_string)
        .ok_or_else(|| anyhow!("unknown entity &{};", &**reference))
}

fn qualified_name(element: &BytesStart<'_>) -> String {
    element.name().as_ref().to_string()
}

/// The New York civil date of an RFC 2822 timestamp (`Thu, 13 Aug 2026 00:00:00 -0400`).
fn new_york_date(text: &str) -> Result<Date> {
    let moment = jiff::fmt::rfc2822::parse(text.trim())
        .with_context(|| format!("\"{}\" is not an RFC 2822 date", text.trim()))?;
    let new_york = TimeZone::get("America/New_York").context("the bundled tz database")?;
    Ok(moment.with_time_zone(new_york).date())
}

/// Builds a paper from an item, or says what makes it unusable.
fn paper_from(raw: &RawItem<'_>) -> Result<Paper> {
    let guid = raw
        .guid
        .as_deref()
        .map(str::trim)
        .filter(|guid| !guid.is_empty())
        .context("it has no <guid>, the only place arXiv states the version")?;
    let (id, version) = id_and_version(guid)?;

    let title = raw
        .title
        .as_deref()
        .map(one_line)
        .filter(|title| !title.is_empty())
        .context("it has no <title>")?;

    let description = raw.description.as_deref().unwrap_or_default();
    let (header, abstract_raw) = split_description(description);
    let announce_type = match &raw.announce_type {
        Some(text) => AnnounceType::parse(text)
            .with_context(|| format!("unknown <arxiv:announce_type> \"{}\"", text.trim()))?,
        None => announce_type_in(header).context(
            "it has no <arxiv:announce_type> and its description states no \"Announce Type:\"",
        )?,
    };

    let categories: Vec<String> = raw
        .categories
        .iter()
        .map(|category| category.trim())
        .filter(|category| !category.is_empty())
        .map(str::to_string)
        .collect();
    if categories.is_empty() {
        bail!("it has no <category>, so no primary category");
    }

    let authors = raw
        .creators
        .iter()
        .flat_map(|creators| split_authors(creators))
        .map(one_line)
        .filter(|name| !name.is_empty())
        .collect();

    Ok(Paper {
        id,
        version,
        title,
        authors,
        abstract_text: paragraphs(&decode_tex(abstract_raw)),
        categories,
        announce_type,
        doi: non_empty(raw.doi.as_deref()).map(str::to_string),
        journal_ref: non_empty(raw.journal_ref.as_deref()).map(one_line),
        license: non_empty(raw.rights.as_deref()).map(str::to_string),
    })
}

/// The version-free identifier and version of a guid such as `oai:arXiv.org:2608.11232v1` or
/// `oai:arXiv.org:hep-th/9711200v2`.
fn id_and_version(guid: &str) -> Result<(String, u32)> {
    let with_version = guid.strip_prefix("oai:arXiv.org:").unwrap_or(guid);
    let (id, version) = split_version(with_version);
    if id == with_version || !is_arxiv_id(&id) {
        bail!("<guid> \"{guid}\" is not a versioned arXiv identifier");
    }
    Ok((id, version))
}

/// New-style `2608.11232` (or the four-digit `0704.0001`) and old-style `hep-th/9711200` or
/// `math.AG/0601001` identifiers.
fn is_arxiv_id(id: &str) -> bool {
    let all_digits = |s: &str, lengths: &[usize]| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if let Some((archive, number)) = id.split_once('/') {
        let (archive, subject) = archive.split_once('.').unwrap_or((archive, "AA"));
        return !archive.is_empty()
            && archive.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
            && subject.len() == 2
            && subject.bytes().all(|b| b.is_ascii_uppercase())
            && all_digits(number, &[7]);
    }
    id.split_once('.')
        .is_some_and(|(month, number)| all_digits(month, &[4]) && all_digits(number, &[4, 5]))
}

/// Splits `arXiv:2608.11232v1 Announce Type: new \nAbstract: ...` into the header and the
/// abstract. A description without `Abstract:` has a header only when its first line names an
/// announce type; otherwise it is all abstract.
fn split_description(description: &str) -> (&str, &str) {
    if let Some(at) = description.find("Abstract:") {
        return (&description[..at], &description[at + "Abstract:".len()..]);
    }
    match description.split_once('\n') {
        Some((first, rest)) if first.contains("Announce Type:") => (first, rest),
        None if description.contains("Announce Type:") => (description, ""),
        _ => ("", description),
    }
}

/// The `Announce Type: new` stated in a description header.
fn announce_type_in(header: &str) -> Option<AnnounceType> {
    let (_, rest) = header.split_once("Announce Type:")?;
    AnnounceType::parse(rest.split_ascii_whitespace().next()?)
}

/// Splits arXiv's one-string author list at commas outside braces and math.
fn split_authors(creators: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut depth = 0i32;
    let mut in_math = false;
    let mut start = 0;
    let mut escaped = false;
    for (at, byte) in creators.bytes().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'$' => in_math = !in_math,
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b',' if depth <= 0 && !in_math => {
                names.push(creators[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    names.push(creators[start..].trim());
    names
}

/// TeX-decoded text on one line, without bidirectional controls (titles and names): each run
/// of ASCII whitespace becomes one space, none at either end; TeX ties (U+00A0) stay.
fn one_line(text: &str) -> String {
    let decoded = strip_bidi(&decode_tex(text));
    let trimmed = decoded.trim_ascii();
    if trimmed.len() == decoded.len() && next_irregular_whitespace(trimmed.as_bytes(), 0).is_none()
    {
        return decoded;
    }
    let mut out = String::with_capacity(decoded.len());
    push_collapsed(&decoded, &mut out);
    out
}

/// Appends `text` with each run of ASCII whitespace as one space and none at either end. Copies
/// whole stretches between irregular whitespace, since most text has single spaces only.
fn push_collapsed(text: &str, out: &mut String) {
    let text = text.trim_ascii();
    let bytes = text.as_bytes();
    let mut copied_to = 0;
    while let Some(at) = next_irregular_whitespace(bytes, copied_to) {
        out.push_str(text[copied_to..at].trim_end_matches(' '));
        out.push(' ');
        copied_to = at
            + bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
    }
    out.push_str(&text[copied_to..]);
}

/// The next whitespace at or after `from` that is not a lone space: a tab, a newline or two
/// spaces. (XML text holds no other ASCII whitespace: `\r` is normalised away, `\x0c` is not
/// allowed.) Both searches are SIMD scans, and the second stops where the first hit, so
/// repeated calls stay linear.
fn next_irregular_whitespace(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = &bytes[from..];
    let line_break = memchr::memchr2(b'\n', b'\t', rest);
    let double_space = memchr::memmem::find(&rest[..line_break.unwrap_or(rest.len())], b"  ");
    double_space.or(line_break).map(|at| from + at)
}

/// Abstract text with arXiv's paragraph breaks (a new line that starts indented, or a blank
/// line) as single `\n`, and all other whitespace collapsed to single spaces.
fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    if memchr::memchr(b'\n', text.as_bytes()).is_none() {
        push_collapsed(text, &mut out);
        return out;
    }
    let mut paragraph_open = false;
    let mut break_pending = false;
    for line in text.lines() {
        if line.trim_ascii().is_empty() {
            break_pending |= paragraph_open;
            continue;
        }
        if paragraph_open && (break_pending || line.starts_with([' ', '\t'])) {
            out.push('\n');
        } else if paragraph_open {
            out.push(' ');
        }
        push_collapsed(line, &mut out);
        paragraph_open = true;
        break_pending = false;
    }
    out
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A channel in arXiv's real layout around the given items and channel dates.
    fn channel(dates: &str, items: &str) -> String {
        format!(
            r#"<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
  <channel>
    <title>cs.CL updates on arXiv.org</title>
    {dates}
    {items}
  </channel>
</rss>"#
        )
    }

    const PUB_DATE: &str = "<pubDate>Thu, 13 Aug 2026 00:00:00 -0400</pubDate>";

    fn item(guid: &str, extra: &str) -> String {
        format!(
            "<item><title>T</title>\n<description>arXiv:{guid} Announce Type: new \n\
             Abstract: A.</description>{extra}<category>cs.CL</category>\
             <arxiv:announce_type>new</arxiv:announce_type><dc:creator>A B</dc:creator></item>"
        )
    }

    fn error_text(result: Result<FeedDay>) -> String {
        format!("{:#}", result.expect_err("the parse should fail"))
    }

    #[test]
    fn ids_and_versions_from_guids() {
        assert_eq!(
            id_and_version("oai:arXiv.org:2608.11232v1").unwrap(),
            ("2608.11232".into(), 1)
        );
        assert_eq!(
            id_and_version("oai:arXiv.org:hep-th/9711200v2").unwrap(),
            ("hep-th/9711200".into(), 2)
        );
        assert_eq!(
            id_and_version("oai:arXiv.org:math.AG/0601001v3").unwrap(),
            ("math.AG/0601001".into(), 3)
        );
        assert_eq!(
            id_and_version("0704.0001v1").unwrap(),
            ("0704.0001".into(), 1)
        );
        for bad in [
            "oai:arXiv.org:2608.11232",
            "https://arxiv.org/abs/2608.11232v1",
            "oai:arXiv.org:abc v1",
            "oai:arXiv.org:26.11232v1",
        ] {
            assert!(id_and_version(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn description_header_and_abstract() {
        let (header, rest) =
            split_description("arXiv:2608.11232v1 Announce Type: replace-cross \nAbstract: We x.");
        assert_eq!(announce_type_in(header), Some(AnnounceType::ReplaceCross));
        assert_eq!(rest, " We x.");
        assert_eq!(split_description("Just text."), ("", "Just text."));
        assert_eq!(
            split_description("arXiv:1v1 Announce Type: new \nno label"),
            ("arXiv:1v1 Announce Type: new ", "no label")
        );
    }

    #[test]
    fn abstracts_keep_paragraphs_and_collapse_the_rest() {
        assert_eq!(
            paragraphs(" First  line\nwrapped.\n  Second paragraph.\n\nThird."),
            "First line wrapped.\nSecond paragraph.\nThird."
        );
        assert_eq!(paragraphs("  \n "), "");
    }

    #[test]
    fn authors_split_at_top_level_commas_only() {
        assert_eq!(
            split_authors(r"A B, C {D, E}, $x,y$ F,, G\, H "),
            vec!["A B", "C {D, E}", "$x,y$ F", "", r"G\, H"]
        );
    }

    #[test]
    fn last_build_date_is_the_fallback_in_new_york_time() {
        // 03:00 UTC on the 14th is still the 13th in New York.
        let xml = channel(
            "<lastBuildDate>Fri, 14 Aug 2026 03:00:00 +0000</lastBuildDate>",
            "",
        );
        let day = parse(&xml, "test").unwrap();
        assert_eq!(day.date, jiff::civil::date(2026, 8, 13));
        assert!(day.items.is_empty());
        // pubDate wins over lastBuildDate.
        let both = channel(
            &format!("{PUB_DATE}<lastBuildDate>Fri, 14 Aug 2026 04:00:00 +0000</lastBuildDate>"),
            "",
        );
        assert_eq!(
            parse(&both, "t").unwrap().date,
            jiff::civil::date(2026, 8, 13)
        );
    }

    #[test]
    fn a_channel_without_dates_or_with_a_bad_date_is_an_error() {
        let message = error_text(parse(&channel("", ""), "feed.xml"));
        assert!(message.contains("feed.xml"), "{message}");
        assert!(
            message.contains("neither <pubDate> nor <lastBuildDate>"),
            "{message}"
        );
        let bad = channel("<pubDate>yesterday</pubDate>", "");
        assert!(error_text(parse(&bad, "f")).contains("\"yesterday\" is not an RFC 2822 date"));
    }

    #[test]
    fn announce_type_falls_back_to_the_description() {
        let xml = channel(
            PUB_DATE,
            "<item><title>T</title><description>arXiv:2608.00001v2 Announce Type: replace \n\
             Abstract: A.</description><guid>oai:arXiv.org:2608.00001v2</guid>\
             <category>cs.CL</category></item>",
        );
        let paper = &parse(&xml, "t").unwrap().items[0];
        assert_eq!(paper.announce_type, AnnounceType::Replace);
        assert_eq!(paper.version, 2);
        assert!(paper.authors.is_empty());
    }

    #[test]
    fn unusable_items_are_errors_that_name_the_item() {
        let good = item("2608.00001v1", "<guid>oai:arXiv.org:2608.00001v1</guid>");
        let cases = [
            (
                item("2608.00002v1", ""),
                "item 2 (no guid; title \"T\")",
                "no <guid>",
            ),
            (
                item("x", "<guid>oai:arXiv.org:2608.00003v1</guid><guid>g</guid>"),
                "item 2 (oai:arXiv.org:2608.00003v1)",
                "more than one <guid>",
            ),
            (
                item("x", "<guid>oai:arXiv.org:nonsense</guid>"),
                "item 2 (oai:arXiv.org:nonsense)",
                "not a versioned arXiv identifier",
            ),
            (
                good.replace("<arxiv:announce_type>new", "<arxiv:announce_type>old")
                    .replace("00001", "00004"),
                "item 2 (oai:arXiv.org:2608.00004v1)",
                "unknown <arxiv:announce_type> \"old\"",
            ),
            (
                good.replace("<category>cs.CL</category>", "<category> </category>")
                    .replace("00001", "00005"),
                "item 2 (oai:arXiv.org:2608.00005v1)",
                "no <category>",
            ),
            (
                good.replace("<title>T</title>", "<title/>")
                    .replace("00001", "00006"),
                "item 2 (oai:arXiv.org:2608.00006v1)",
                "no <title>",
            ),
        ];
        for (bad, label, reason) in cases {
            let message = error_text(parse(&channel(PUB_DATE, &format!("{good}{bad}")), "f"));
            assert!(message.contains(label), "{label} not in: {message}");
            assert!(message.contains(reason), "{reason} not in: {message}");
        }
    }

    #[test]
    fn documents_that_are_not_rss_are_errors() {
        let cases = [
            ("", "has no root element"),
            ("this is not xml", "has no root element"),
            ("{\"items\": []}", "has no root element"),
            ("<html><body>503</body></html>", "root element is <html>"),
            (
                "<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>",
                "root element is <feed>",
            ),
            ("<rss version=\"2.0\"></rss>", "has no <channel>"),
            (
                "<rss><channel></channel><channel></channel></rss>",
                "more than one <channel>",
            ),
            (
                "<rss><channel><item>",
                "ends inside item 1 after 0 complete items",
            ),
            (
                "<rss><channel><pubDate>Thu, 1",
                "ends inside <pubDate> after 0",
            ),
            (
                "<rss><channel><x><y>",
                "ends inside an element 4 levels deep",
            ),
            ("<rss><channel></rss>", "not well-formed XML"),
            (
                "<rss><channel><title>&nbsp;</title></channel></rss>",
                "unknown entity &nbsp;",
            ),
            ("<rss/><rss/>", "second root element"),
        ];
        for (xml, expected) in cases {
            let message = error_text(parse(xml, "origin.xml"));
            assert!(message.contains(expected), "{xml:?}: {message}");
            assert!(message.contains("origin.xml"), "{xml:?}: {message}");
        }
    }

    #[test]
    fn character_references_and_cdata_are_text() {
        let xml = channel(
            PUB_DATE,
            &item(
                "2608.00001v1",
                "<guid>oai:arXiv.org:2608.00001v1</guid><arxiv:DOI><![CDATA[10.1/<x>]]></arxiv:DOI>",
            )
            .replace("<title>T</title>", "<title>&#60;3 &#x263A; &amp;</title>"),
        );
        let paper = &parse(&xml, "t").unwrap().items[0];
        assert_eq!(paper.title, "<3 ☺ &");
        assert_eq!(paper.doi.as_deref(), Some("10.1/<x>"));
    }

    #[test]
    fn a_reference_to_a_character_xml_forbids_is_dropped_and_the_day_kept() {
        let xml = channel(
            PUB_DATE,
            &item("2608.00001v1", "<guid>oai:arXiv.org:2608.00001v1</guid>").replace(
                "<title>T</title>",
                "<title>Nul&#0;l &#x1b;[31mred &#65;</title>",
            ),
        );
        let paper = &parse(&xml, "t").unwrap().items[0];
        assert_eq!(paper.title, "Null [31mred A");
    }
}

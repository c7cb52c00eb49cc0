//! The files `papersift labels import` reads: papersift's own JSONL, BibTeX, Zotero's CSV
//! export and plain lists of arXiv IDs or addresses. Each parser returns the labels it read and
//! names every entry it could not read (file and line); none stops at a bad entry.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::paper::{decode_tex, parse_arxiv_id};
use crate::record::labels::{LabelKind, LabelLine, LabelSource, LineProblem, parse_line};

/// The formats, told by the file's ending (or, for standard input, by its first character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Jsonl,
    Bibtex,
    ZoteroCsv,
    Text,
}

impl Format {
    /// The format of a file named `name` holding `text`.
    pub(crate) fn detect(name: &str, text: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".json") || lower.ends_with(".ndjson") {
            return Format::Jsonl;
        }
        if lower.ends_with(".bib") || lower.ends_with(".bibtex") {
            return Format::Bibtex;
        }
        if lower.ends_with(".csv") {
            return Format::ZoteroCsv;
        }
        match text.trim_start().chars().next() {
            Some('{') => Format::Jsonl,
            Some('@') => Format::Bibtex,
            _ => Format::Text,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "papersift JSONL",
            Format::Bibtex => "BibTeX",
            Format::ZoteroCsv => "Zotero CSV",
            Format::Text => "a list of IDs",
        }
    }
}

/// What one file gave.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub labels: Vec<LabelLine>,
    pub problems: Vec<LineProblem>,
}

impl Parsed {
    fn problem(&mut self, file: &str, line: usize, what: impl Into<String>) {
        self.problems.push(LineProblem {
            file: file.to_string(),
            line,
            what: what.into(),
        });
    }
}

/// Reads `text` (from `file`) in `format`; labels without a date of their own get `today`.
pub(crate) fn parse(format: Format, file: &str, text: &str, today: Date) -> Parsed {
    match format {
        Format::Jsonl => jsonl(file, text),
        Format::Bibtex => bibtex(file, text, today),
        Format::ZoteroCsv => zotero_csv(file, text, today),
        Format::Text => plain(file, text, today),
    }
}

fn jsonl(file: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(label) => out.labels.push(label),
            Err(what) => out.problem(file, number + 1, what),
        }
    }
    out
}

fn bare(id: String, label: LabelKind, at: Date, source: LabelSource) -> LabelLine {
    LabelLine {
        id,
        label,
        at,
        source,
        title: None,
        authors: Vec::new(),
        abstract_text: None,
        categories: Vec::new(),
    }
}

/// One arXiv ID or address a line; `-` or `!` before it marks "not for me"; `#` starts a
/// comment line.
fn plain(file: &str, text: &str, today: Date) -> Parsed {
    let mut out = Parsed::default();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (kind, rest) = match line.strip_prefix(['-', '!']) {
            Some(rest) => (LabelKind::NotForMe, rest.trim()),
            None => (LabelKind::Want, line),
        };
        match parse_arxiv_id(rest) {
            Some(id) => out.labels.push(bare(id, kind, today, LabelSource::Text)),
            None => out.problem(
                file,
                number + 1,
                format!("{rest:?} is not an arXiv ID or address"),
            ),
        }
    }
    out
}

/// The arXiv ID of a bibliography entry from the fields that can carry it.
fn id_from_fields(fields: &HashMap<String, String>, keys: &[&str]) -> Option<String> {
    for key in keys {
        let Some(value) = fields.get(*key) else {
            continue;
        };
        if let Some(id) = parse_arxiv_id(value) {
            return Some(id);
        }
        // "arXiv preprint arXiv:2510.01234", "arXiv:2510.01234 [cs]", "https://… ; …".
        for word in value.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '[' | ']')) {
            if let Some(id) = parse_arxiv_id(word) {
                return Some(id);
            }
        }
    }
    None
}

/// Text of a BibTeX value: braces dropped, TeX accents decoded, whitespace folded.
fn tex_text(value: &str) -> String {
    let decoded = decode_tex(value);
    let unbraced: String = decoded.chars().filter(|c| *c != '{' && *c != '}').collect();
    unbraced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// BibTeX "Last, First and Other, Name" as "First Last", "Name Other".
fn bibtex_authors(value: &str) -> Vec<String> {
    tex_text(value)
        .split(" and ")
        .map(str::trim)
        .filter(|name| !name.is_empty() && *name != "others")
        .map(|name| match name.split_once(',') {
            Some((last, first)) => format!("{} {}", first.trim(), last.trim()),
            None => name.to_string(),
        })
        .collect()
}

/// Every entry of a BibTeX file is a "want"; its arXiv ID comes from `eprint` (arXiv's own
/// entries), a `url`, a `doi` of 10.48550/arXiv.*, or a `journal`/`note` naming `arXiv:ID`.
fn bibtex(file: &str, text: &str, today: Date) -> Parsed {
    let mut out = Parsed::default();
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some(offset) = text[pos..].find('@') {
        let start = pos + offset;
        let line = text[..start].matches('\n').count() + 1;
        match bib_entry(text, start) {
            Ok((end, entry)) => {
                pos = end;
                let Some(entry) = entry else { continue };
                let keys = [
                    "eprint",
                    "arxivid",
                    "url",
                    "doi",
                    "journal",
                    "note",
                    "howpublished",
                    "archiveprefix",
                ];
                match id_from_fields(&entry.fields, &keys) {
                    Some(id) => {
                        let mut label = bare(id, LabelKind::Want, today, LabelSource::Bibtex);
                        label.title = entry
                            .fields
                            .get("title")
                            .map(|t| tex_text(t))
                            .filter(|t| !t.is_empty());
                        label.authors = entry
                            .fields
                            .get("author")
                            .map(|a| bibtex_authors(a))
                            .unwrap_or_default();
                        label.abstract_text = entry
                            .fields
                            .get("abstract")
                            .map(|a| tex_text(a))
                            .filter(|a| !a.is_empty());
                        if let Some(class) = entry.fields.get("primaryclass") {
                            label.categories = vec![class.trim().to_string()];
                        }
                        out.labels.push(label);
                    }
                    None => out.problem(
                        file,
                        line,
                        format!(
                            "entry {:?} names no arXiv ID (no eprint, arXiv address or arXiv DOI)",
                            entry.key
                        ),
                    ),
                }
            }
            Err(what) => {
                out.problem(file, line, format!("does not parse as BibTeX: {what}"));
                // Go on at the next line that starts an entry.
                pos = start + 1;
                while pos < bytes.len()
                    && !(bytes[pos] == b'@' && (pos == 0 || bytes[pos - 1] == b'\n'))
                {
                    pos += 1;
                }
            }
        }
    }
    out
}

struct BibEntry {
    key: String,
    fields: HashMap<String, String>,
}

/// Parses the entry starting at `start` (an `@`): its end, and the entry (`None` for
/// `@comment`, `@string` and `@preamble`).
fn bib_entry(text: &str, start: usize) -> Result<(usize, Option<BibEntry>), String> {
    let bytes = text.as_bytes();
    let mut pos = start + 1;
    let kind_start = pos;
    while pos < bytes.len() && bytes[pos].is_ascii_alphanumeric() {
        pos += 1;
    }
    let kind = text[kind_start..pos].to_ascii_lowercase();
    if kind.is_empty() {
        return Ok((pos, None));
    }
    pos = skip_ws(bytes, pos);
    let close = match bytes.get(pos) {
        Some(b'{') => b'}',
        Some(b'(') => b')',
        _ => return Err(format!("@{kind} is not followed by {{")),
    };
    if matches!(kind.as_str(), "comment" | "string" | "preamble") {
        let end = group_end(bytes, pos).ok_or("an unclosed brace")?;
        return Ok((end, None));
    }
    pos += 1;
    let key_start = pos;
    while pos < bytes.len() && bytes[pos] != b',' && bytes[pos] != close {
        pos += 1;
    }
    let key = text[key_start..pos].trim().to_string();
    let mut fields = HashMap::new();
    loop {
        pos = skip_ws(bytes, pos);
        match bytes.get(pos) {
            None => return Err(format!("entry {key:?} is not closed")),
            Some(b) if *b == close => return Ok((pos + 1, Some(BibEntry { key, fields }))),
            Some(b',') => {
                pos += 1;
                continue;
            }
            _ => {}
        }
        let name_start = pos;
        while pos < bytes.len()
            && (bytes[pos].is_ascii_alphanumeric() || matches!(bytes[pos], b'_' | b'-' | b':'))
        {
            pos += 1;
        }
        let name = text[name_start..pos].to_ascii_lowercase();
        pos = skip_ws(bytes, pos);
        if name.is_empty() || bytes.get(pos) != Some(&b'=') {
            return Err(format!(
                "entry {key:?}: expected a field such as title = {{…}}"
            ));
        }
        pos = skip_ws(bytes, pos + 1);
        let mut value = String::new();
        loop {
            match bytes.get(pos) {
                Some(b'{') => {
                    let end = group_end(bytes, pos)
                        .ok_or_else(|| format!("entry {key:?}: an unclosed brace in {name}"))?;
                    value.push_str(&text[pos + 1..end - 1]);
                    pos = end;
                }
                Some(b'"') => {
                    let mut end = pos + 1;
                    let mut depth = 0;
                    while end < bytes.len() && !(bytes[end] == b'"' && depth == 0) {
                        match bytes[end] {
                            b'{' => depth += 1,
                            b'}' => depth -= 1,
                            _ => {}
                        }
                        end += 1;
                    }
                    if end >= bytes.len() {
                        return Err(format!("entry {key:?}: an unclosed quote in {name}"));
                    }
                    value.push_str(&text[pos + 1..end]);
                    pos = end + 1;
                }
                _ => {
                    let word_start = pos;
                    while pos < bytes.len()
                        && (bytes[pos].is_ascii_alphanumeric()
                            || matches!(bytes[pos], b'_' | b'-' | b'.' | b':' | b'/'))
                    {
                        pos += 1;
                    }
                    if word_start == pos {
                        return Err(format!("entry {key:?}: {name} has no value"));
                    }
                    value.push_str(&text[word_start..pos]);
                }
            }
            pos = skip_ws(bytes, pos);
            if bytes.get(pos) == Some(&b'#') {
                pos = skip_ws(bytes, pos + 1);
                continue;
            }
            break;
        }
        fields.insert(name, value);
    }
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
        pos += 1;
    }
    pos
}

/// The position after the brace (or parenthesis) that closes the one at `open`.
fn group_end(bytes: &[u8], open: usize) -> Option<usize> {
    let (up, down) = if bytes[open] == b'(' {
        (b'(', b')')
    } else {
        (b'{', b'}')
    };
    let mut depth = 0usize;
    for (at, byte) in bytes.iter().enumerate().skip(open) {
        if *byte == up {
            depth += 1;
        } else if *byte == down {
            depth -= 1;
            if depth == 0 {
                return Some(at + 1);
            }
        }
    }
    None
}

/// Zotero's "Export Collection… → CSV": every row with an arXiv ID (in Url, DOI, Extra,
/// Archive Location or Report Number) is a "want".
fn zotero_csv(file: &str, text: &str, today: Date) -> Parsed {
    let mut out = Parsed::default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect(),
        Err(error) => {
            out.problem(file, 1, format!("not a CSV file ({error})"));
            return out;
        }
    };
    if !headers.iter().any(|h| h == "title") {
        out.problem(
            file,
            1,
            "no Title column: export the collection from Zotero as CSV",
        );
        return out;
    }
    for (number, row) in reader.records().enumerate() {
        let line = number + 2;
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                out.problem(file, line, format!("not a CSV row ({error})"));
                continue;
            }
        };
        let fields: HashMap<String, String> = headers
            .iter()
            .cloned()
            .zip(row.iter().map(str::to_string))
            .collect();
        let keys = [
            "url",
            "doi",
            "extra",
            "archive location",
            "report number",
            "publication title",
            "number",
        ];
        match id_from_fields(&fields, &keys) {
            Some(id) => {
                let mut label = bare(id, LabelKind::Want, today, LabelSource::Zotero);
                label.title = fields
                    .get("title")
                    .filter(|t| !t.trim().is_empty())
                    .cloned();
                label.authors = fields
                    .get("author")
                    .map(|a| {
                        a.split(';')
                            .map(|name| match name.split_once(',') {
                                Some((last, first)) => format!("{} {}", first.trim(), last.trim()),
                                None => name.trim().to_string(),
                            })
                            .filter(|name| !name.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                label.abstract_text = fields
                    .get("abstract note")
                    .filter(|a| !a.trim().is_empty())
                    .cloned();
                out.labels.push(label);
            }
            None => {
                let title = fields.get("title").cloned().unwrap_or_default();
                out.problem(
                    file,
                    line,
                    format!("{title:?} names no arXiv ID (in Url, DOI or Extra)"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        "2026-12-07".parse().unwrap()
    }

    #[test]
    fn bibtex_entries_of_every_common_shape_give_their_arxiv_ids() {
        let bib = r#"
@comment{ exported by a reference manager }
@article{vaswani2017,
  title = {Attention Is {All} You Need},
  author = {Vaswani, Ashish and Shazeer, Noam},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  primaryClass = {cs.CL},
  abstract = "The dominant sequence transduction models..."
}
@misc{g2025, title={Gr{\"o}bner learning}, author={M{\"u}ller, J.}, url = {https://arxiv.org/abs/2510.01234v2}}
@article{scholar, title = {Scholar style}, journal = {arXiv preprint arXiv:2509.00001}, year = 2025}
@misc{doi, title = "By DOI", doi = "10.48550/arXiv.2508.00002"}
@book{nope, title = {A book}, year = 1999}
@article{broken, title = {never closed
@misc{after, title={After the break}, eprint={2507.00003}}
"#;
        let parsed = parse(Format::Bibtex, "my.bib", bib, today());
        let ids: Vec<&str> = parsed.labels.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "1706.03762",
                "2510.01234",
                "2509.00001",
                "2508.00002",
                "2507.00003"
            ]
        );
        let first = &parsed.labels[0];
        assert_eq!(first.title.as_deref(), Some("Attention Is All You Need"));
        assert_eq!(first.authors, ["Ashish Vaswani", "Noam Shazeer"]);
        assert_eq!(first.categories, ["cs.CL"]);
        assert!(
            first
                .abstract_text
                .as_deref()
                .unwrap()
                .starts_with("The dominant")
        );
        assert_eq!(parsed.labels[1].title.as_deref(), Some("Gröbner learning"));
        assert!(
            parsed
                .labels
                .iter()
                .all(|l| l.label == LabelKind::Want && l.source == LabelSource::Bibtex)
        );
        let problems: Vec<(usize, bool)> = parsed
            .problems
            .iter()
            .map(|p| (p.line, p.what.contains("no arXiv ID")))
            .collect();
        assert_eq!(problems, [(14, true), (15, false)], "{:?}", parsed.problems);
    }

    #[test]
    fn zotero_rows_find_the_id_in_url_doi_or_extra() {
        let csv = "\u{feff}\"Key\",\"Item Type\",\"Title\",\"Author\",\"Url\",\"DOI\",\"Abstract Note\",\"Extra\"\n\
\"A1\",\"preprint\",\"One\",\"Doe, Jane; Roe, Rick\",\"http://arxiv.org/abs/2510.00001v1\",\"\",\"Abstract one\",\"\"\n\
\"A2\",\"preprint\",\"Two\",\"Doe, Jane\",\"\",\"10.48550/arXiv.2510.00002\",\"\",\"\"\n\
\"A3\",\"preprint\",\"Three\",\"\",\"\",\"\",\"\",\"arXiv:2510.00003 [cs]\"\n\
\"A4\",\"book\",\"Four\",\"\",\"https://example.org\",\"\",\"\",\"\"\n";
        let parsed = parse(Format::ZoteroCsv, "zotero.csv", csv, today());
        let ids: Vec<&str> = parsed.labels.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["2510.00001", "2510.00002", "2510.00003"]);
        assert_eq!(parsed.labels[0].authors, ["Jane Doe", "Rick Roe"]);
        assert_eq!(
            parsed.labels[0].abstract_text.as_deref(),
            Some("Abstract one")
        );
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].line, 5);
    }

    #[test]
    fn plain_lists_take_ids_and_addresses_and_mark_not_for_me() {
        let text = "# my picks\n2510.00001\nhttps://arxiv.org/abs/2510.00002v3\n-2510.00003\n! arXiv:2510.00004\nnonsense\n";
        let parsed = parse(Format::Text, "-", text, today());
        let got: Vec<(&str, LabelKind)> = parsed
            .labels
            .iter()
            .map(|l| (l.id.as_str(), l.label))
            .collect();
        assert_eq!(
            got,
            [
                ("2510.00001", LabelKind::Want),
                ("2510.00002", LabelKind::Want),
                ("2510.00003", LabelKind::NotForMe),
                ("2510.00004", LabelKind::NotForMe)
            ]
        );
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].line, 6);
    }

    #[test]
    fn formats_are_told_by_name_or_first_character() {
        assert_eq!(Format::detect("a.bib", ""), Format::Bibtex);
        assert_eq!(Format::detect("a.CSV", ""), Format::ZoteroCsv);
        assert_eq!(Format::detect("a.jsonl", ""), Format::Jsonl);
        assert_eq!(Format::detect("-", " {\"id\":1}"), Format::Jsonl);
        assert_eq!(Format::detect("-", "@article{"), Format::Bibtex);
        assert_eq!(Format::detect("ids.txt", "2510.00001"), Format::Text);
    }
}

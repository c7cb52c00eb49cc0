//! The reader's labels, `data/labels/*.jsonl`: "want" and "not for me" marks that the site sends
//! to the repository (GitHub's new-file editor commits each batch as its own file) and that
//! `papersift labels import` writes. Files are only ever added, never rewritten, so a label is
//! never lost; the label that counts for a paper is its latest line (by date, then file name,
//! then line), and a `cleared` line takes the label back.
//!
//! Texts found later for labels that came without one (an ID list, a BibTeX entry without an
//! abstract) are kept in `data/label-texts.jsonl`, one line a paper, sorted by ID.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

/// The labels' folder under the data folder.
pub const FOLDER: &str = "labels";

/// The file of texts filled in later, under the data folder.
pub const TEXTS_FILE: &str = "label-texts.jsonl";

/// What the reader said of a paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    Want,
    NotForMe,
    /// Takes an earlier label back.
    Cleared,
}

impl LabelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LabelKind::Want => "want",
            LabelKind::NotForMe => "not_for_me",
            LabelKind::Cleared => "cleared",
        }
    }
}

/// Where a label came from.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum LabelSource {
    /// Marked on the site.
    #[default]
    Site,
    /// `labels import` of a BibTeX file.
    Bibtex,
    /// `labels import` of Zotero's CSV export.
    Zotero,
    /// `labels import` of a list of IDs or arXiv addresses.
    Text,
    /// The replaced tool's picks (`labels import --from-archive`): its LLM's choice, not the
    /// reader's, and weighted as such.
    Imported,
}

impl LabelSource {
    pub fn as_str(self) -> &'static str {
        match self {
            LabelSource::Site => "site",
            LabelSource::Bibtex => "bibtex",
            LabelSource::Zotero => "zotero",
            LabelSource::Text => "text",
            LabelSource::Imported => "imported",
        }
    }
}

/// One line of a label file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelLine {
    /// The version-free arXiv ID.
    pub id: String,
    pub label: LabelKind,
    /// The day the reader gave the label.
    pub at: Date,
    #[serde(default)]
    pub source: LabelSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A list, or (as a page shows them) one string of names separated by commas.
    #[serde(
        default,
        deserialize_with = "names",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub authors: Vec<String>,
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
}

/// Authors as a list, or as one string "A, B and C".
fn names<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Names {
        List(Vec<String>),
        One(String),
    }
    Ok(match Option::<Names>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(Names::List(list)) => list,
        Some(Names::One(text)) => split_names(&text),
    })
}

/// "A, B and C" (or "A; B") as a list of names.
pub fn split_names(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// A problem with one line of a label file: the line is skipped, the rest read.
#[derive(Debug, Clone, PartialEq)]
pub struct LineProblem {
    pub file: String,
    pub line: usize,
    pub what: String,
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.what)
    }
}

impl LabelLine {
    /// The line with its texts as plain single lines: a label file is written by a browser or
    /// another tool, and its title, names and abstract reach prompts, pages, e-mails and the
    /// terminal; control and bidirectional characters never get that far.
    pub fn cleaned(mut self) -> LabelLine {
        let clean = |text: &str| crate::text::one_line(text);
        self.title = self.title.as_deref().map(clean).filter(|t| !t.is_empty());
        self.authors = self
            .authors
            .iter()
            .map(|a| clean(a))
            .filter(|a| !a.is_empty())
            .collect();
        self.abstract_text = self
            .abstract_text
            .as_deref()
            .map(clean)
            .filter(|a| !a.is_empty());
        self.categories = self.categories.iter().map(|c| clean(c)).collect();
        self
    }
}

/// Parses one line of papersift's label JSONL, checking the ID; its texts come back cleaned
/// ([`LabelLine::cleaned`]).
pub fn parse_line(line: &str) -> Result<LabelLine, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|error| format!("not JSON ({error})"))?;
    if let Some(label) = value.get("label").and_then(|l| l.as_str())
        && !matches!(label, "want" | "not_for_me" | "cleared")
    {
        return Err(format!(
            "unknown label {label:?} (use \"want\", \"not_for_me\" or \"cleared\")"
        ));
    }
    let mut parsed: LabelLine =
        serde_json::from_value(value).map_err(|error| format!("not a label ({error})"))?;
    parsed.id = crate::paper::parse_arxiv_id(&parsed.id)
        .ok_or_else(|| format!("{:?} is not an arXiv ID", parsed.id))?;
    Ok(parsed.cleaned())
}

/// Every label line, in the order that decides which counts, and the lines that could not be
/// read.
#[derive(Debug, Clone, Default)]
pub struct LabelStore {
    /// Label lines ordered by (`at`, file name, line number): a later line for an ID wins.
    pub lines: Vec<LabelLine>,
    pub problems: Vec<LineProblem>,
    /// Texts filled in after the label was given, by ID.
    pub texts: BTreeMap<String, LabelText>,
}

/// A label in force: the latest line for its paper.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub id: String,
    pub kind: LabelKind,
    pub at: Date,
    pub source: LabelSource,
}

/// A paper's text, as a label line carried it or as it was filled in later.
pub type LabelText = super::PaperText;

impl LabelStore {
    /// The labels in force, by ID (cleared ones left out).
    pub fn current(&self) -> BTreeMap<String, Label> {
        let mut out = BTreeMap::new();
        for line in &self.lines {
            if line.label == LabelKind::Cleared {
                out.remove(&line.id);
            } else {
                out.insert(
                    line.id.clone(),
                    Label {
                        id: line.id.clone(),
                        kind: line.label,
                        at: line.at,
                        source: line.source,
                    },
                );
            }
        }
        out
    }

    /// The text known for a paper: the newest label line that carried a title, else the text
    /// filled in later.
    pub fn text(&self, id: &str) -> Option<LabelText> {
        self.lines
            .iter()
            .rev()
            .find(|line| line.id == id && line.title.as_deref().is_some_and(|t| !t.is_empty()))
            .map(|line| LabelText {
                id: line.id.clone(),
                title: line.title.clone().unwrap_or_default(),
                authors: line.authors.clone(),
                abstract_text: line.abstract_text.clone().unwrap_or_default(),
                categories: line.categories.clone(),
            })
            .or_else(|| self.texts.get(id).cloned())
    }

    /// IDs of labels in force whose paper has no text yet.
    pub fn waiting_for_text(&self) -> Vec<String> {
        self.current()
            .into_keys()
            .filter(|id| self.text(id).is_none())
            .collect()
    }
}

/// The labels' folder.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join(FOLDER)
}

/// Reads every `data/labels/*.jsonl` and the filled-in texts. A line that cannot be read is
/// skipped and named in [`LabelStore::problems`]; only an unreadable file is an error.
pub fn load(data_dir: &Path) -> Result<LabelStore> {
    let files = crate::files::sorted_children(&folder(data_dir), |name| {
        name.ends_with(".jsonl") && !name.starts_with('.')
    })?;
    let mut store = LabelStore::default();
    let mut ordered: Vec<(Date, usize, usize, LabelLine)> = Vec::new();
    for (file_number, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let file = format!(
            "{FOLDER}/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match parse_line(line) {
                Ok(parsed) => ordered.push((parsed.at, file_number, number, parsed)),
                Err(what) => store.problems.push(LineProblem {
                    file: file.clone(),
                    line: number + 1,
                    what,
                }),
            }
        }
    }
    ordered.sort_by_key(|(at, file, line, _)| (*at, *file, *line));
    store.lines = ordered.into_iter().map(|(_, _, _, line)| line).collect();
    store.texts = load_texts(data_dir)?;
    Ok(store)
}

fn load_texts(data_dir: &Path) -> Result<BTreeMap<String, LabelText>> {
    let path = data_dir.join(TEXTS_FILE);
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<LabelText>(line) {
            Ok(entry) => {
                out.insert(entry.id.clone(), entry);
            }
            Err(error) => tracing::warn!(
                "{} line {}: skipped, not a paper text ({error})",
                path.display(),
                number + 1
            ),
        }
    }
    Ok(out)
}

/// Adds texts to `data/label-texts.jsonl` (rewritten whole, sorted by ID, atomically).
pub fn save_texts(data_dir: &Path, store: &mut LabelStore, new: Vec<LabelText>) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    for entry in new {
        store.texts.insert(entry.id.clone(), entry);
    }
    let mut out = Vec::new();
    for entry in store.texts.values() {
        serde_json::to_writer(&mut out, entry).context("cannot serialise a label text")?;
        out.push(b'\n');
    }
    crate::files::write_atomic(&data_dir.join(TEXTS_FILE), &out)?;
    Ok(())
}

/// Keeps, in `data/label-texts.jsonl`, the texts among `texts` of labelled papers that have
/// none yet: the scanned-text store is about to drop them. Returns how many were kept.
pub fn rescue_texts(data_dir: &Path, texts: Vec<LabelText>) -> Result<usize> {
    let mut store = load(data_dir)?;
    let waiting: std::collections::HashSet<String> = store.waiting_for_text().into_iter().collect();
    let kept: Vec<LabelText> = texts
        .into_iter()
        .filter(|text| waiting.contains(&text.id))
        .collect();
    let count = kept.len();
    save_texts(data_dir, &mut store, kept)?;
    Ok(count)
}

/// Writes new label lines as a file of their own, `data/labels/<today>-<source>-<hash>.jsonl`,
/// and returns its path. Nothing is written for no lines.
pub fn save_lines(data_dir: &Path, today: Date, lines: &[LabelLine]) -> Result<Option<PathBuf>> {
    let Some(first) = lines.first() else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for line in lines {
        serde_json::to_writer(&mut out, &line.clone().cleaned())
            .context("cannot serialise a label")?;
        out.push(b'\n');
    }
    let hash = crate::text::short_hash(&[&out]);
    let kind = if lines.iter().all(|l| l.source == first.source) {
        first.source.as_str()
    } else {
        "import"
    };
    let path = folder(data_dir).join(format!("{today}-{kind}-{}.jsonl", &hash[..8]));
    crate::files::write_atomic(&path, &out)?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::create_dir_all(folder(dir)).unwrap();
        std::fs::write(folder(dir).join(name), text).unwrap();
    }

    #[test]
    fn the_latest_line_wins_and_cleared_takes_a_label_back() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "2026-12-01-a.jsonl",
            concat!(
                r#"{"id":"2510.00001","label":"want","at":"2026-12-01","source":"site","title":"One","authors":"A. B, C. D"}"#,
                "\n",
                r#"{"id":"2510.00002","label":"want","at":"2026-12-01"}"#,
                "\n",
                r#"{"id":"2510.00003v2","label":"want","at":"2026-12-01"}"#,
                "\n"
            ),
        );
        // An earlier file name but a later date: the date decides.
        write(
            dir.path(),
            "2026-11-30-b.jsonl",
            concat!(
                r#"{"id":"2510.00001","label":"not_for_me","at":"2026-12-03"}"#,
                "\n",
                r#"{"id":"2510.00002","label":"cleared","at":"2026-12-02"}"#,
                "\n"
            ),
        );
        let store = load(dir.path()).unwrap();
        assert!(store.problems.is_empty(), "{:?}", store.problems);
        let current = store.current();
        assert_eq!(current.len(), 2);
        assert_eq!(current["2510.00001"].kind, LabelKind::NotForMe);
        assert_eq!(current["2510.00003"].kind, LabelKind::Want);
        let text = store.text("2510.00001").unwrap();
        assert_eq!(text.authors, vec!["A. B", "C. D"]);
        assert_eq!(store.waiting_for_text(), vec!["2510.00003".to_string()]);
    }

    #[test]
    fn label_texts_lose_control_and_bidi_characters_and_line_breaks() {
        let line = parse_line(
            r#"{"id":"2510.00001","label":"want","at":"2026-12-01","title":"Evil\u202e title\n\u001b[31mred","authors":["A\u0000 B"],"abstract":"One\nTwo"}"#,
        )
        .unwrap();
        assert_eq!(line.title.as_deref(), Some("Evil title [31mred"));
        assert_eq!(line.authors, ["A B"]);
        assert_eq!(line.abstract_text.as_deref(), Some("One Two"));
    }

    #[test]
    fn bad_lines_are_named_and_skipped_and_the_rest_is_read() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "x.jsonl",
            concat!(
                "not json\n",
                r#"{"id":"2510.00001","label":"love","at":"2026-12-01"}"#,
                "\n",
                r#"{"id":"hello","label":"want","at":"2026-12-01"}"#,
                "\n",
                r#"{"id":"2510.00004","label":"want","at":"2026-12-01"}"#,
                "\n"
            ),
        );
        let store = load(dir.path()).unwrap();
        let lines: Vec<usize> = store.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![1, 2, 3]);
        assert!(
            store.problems[1].what.contains("love"),
            "{}",
            store.problems[1]
        );
        assert!(store.problems[2].what.contains("not an arXiv ID"));
        assert_eq!(store.current().len(), 1);
    }
}

//! `papersift labels import|list|stats`: the reader's "want" and "not for me" labels from other
//! places (BibTeX, Zotero, lists of IDs, papersift's own JSONL, the replaced tool's picks), and
//! what the repository holds. Labels that arrive without a paper's text get it from the archive,
//! else from the arXiv API; without network they wait, and a later `run` fills them in.

pub(crate) mod formats;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use jiff::civil::Date;

use crate::config::Config;
use crate::exit::ExitKind;
use crate::fetch::api;
use crate::record::labels::{self, LabelKind, LabelLine, LabelSource, LabelStore, LabelText};
use crate::record::{self, Decision, SourceKind, scanned};
use formats::Format;

/// Today in New York, the date labels given now carry.
fn today() -> Date {
    crate::calendar::new_york_date(jiff::Timestamp::now())
}

/// `papersift labels import FILE... [--from-archive]`.
pub fn import(config: &Config, files: &[PathBuf], from_archive: bool) -> Result<ExitCode> {
    let _lock = super::lock_repository(config)?;
    let data_dir = config.data_dir();
    let today = today();
    let mut read = Vec::new();
    let mut problems = Vec::new();
    let mut unreadable = 0;
    for path in files {
        let name = path.display().to_string();
        let text = match read_input(path) {
            Ok(text) => text,
            Err(error) => {
                println!("  {name}: skipped, {error:#}");
                unreadable += 1;
                continue;
            }
        };
        let format = Format::detect(&name, &text);
        let parsed = formats::parse(format, &name, &text, today);
        println!(
            "  {name} ({}): {} labels, {} entries skipped",
            format.as_str(),
            parsed.labels.len(),
            parsed.problems.len()
        );
        read.extend(parsed.labels);
        problems.extend(parsed.problems);
    }
    if from_archive {
        let picks = archive_picks(&data_dir)?;
        println!(
            "  the imported archive: {} papers the old tool picked",
            picks.len()
        );
        read.extend(picks);
    }
    for problem in &problems {
        println!("  skipped: {problem}");
    }
    if read.is_empty() {
        return Err(anyhow::anyhow!(
            "nothing could be read: {} problem entries, {unreadable} unreadable files. Give papersift JSONL, BibTeX (.bib), Zotero CSV (.csv) or one arXiv ID per line",
            problems.len()
        ))
        .context(ExitKind::Config);
    }
    let mut store = labels::load(&data_dir)?;
    let read_count = read.len();
    let mut new = new_lines(&store, read);
    let known = read_count - new.len();
    let filled = super::runtime()?.block_on(fill_lines(config, &mut store, &mut new, true))?;
    let path = labels::save_lines(&data_dir, today, &new)?;
    let count = |kind| new.iter().filter(|l| l.label == kind).count();
    println!(
        "{} labels read: {} new (want {}, not for me {}, cleared {}), {known} already known",
        read_count,
        new.len(),
        count(LabelKind::Want),
        count(LabelKind::NotForMe),
        count(LabelKind::Cleared),
    );
    println!("{}", filled.summary());
    if let Some(path) = path {
        println!("wrote {}", path.display());
    }
    if !problems.is_empty() || unreadable > 0 {
        println!(
            "{} entries and {unreadable} files were skipped (listed above); nothing stored before was changed",
            problems.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a file, or standard input for `-`.
fn read_input(path: &Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        return Ok(text);
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The replaced tool's picks in the imported archive, as "want" labels of source `imported`
/// dated on their day, with their text.
fn archive_picks(data_dir: &Path) -> Result<Vec<LabelLine>> {
    let mut out = Vec::new();
    for day in record::load_all(data_dir)? {
        if day.source.kind != SourceKind::Import {
            continue;
        }
        for paper in day.selected() {
            // A followed author's paper says nothing of the reader's topics.
            if !paper.followed_authors.is_empty() {
                continue;
            }
            out.push(LabelLine {
                id: paper.id.clone(),
                label: LabelKind::Want,
                at: day.date,
                source: LabelSource::Imported,
                title: Some(paper.title.clone()).filter(|t| !t.is_empty()),
                authors: paper.authors.clone(),
                abstract_text: paper.abstract_text.clone(),
                categories: paper.categories.clone(),
            });
        }
    }
    Ok(out)
}

/// The lines of `read` that change something: the last one read for each paper, unless the
/// label in force already says the same. The old tool's picks never override a label of the
/// reader's own.
fn new_lines(store: &LabelStore, read: Vec<LabelLine>) -> Vec<LabelLine> {
    let current = store.current();
    // Papers the reader has labelled (or taken a label back from) themselves.
    let readers: HashSet<&str> = store
        .lines
        .iter()
        .filter(|l| l.source != LabelSource::Imported)
        .map(|l| l.id.as_str())
        .collect();
    let mut last: BTreeMap<String, LabelLine> = BTreeMap::new();
    let mut order = Vec::new();
    for line in read {
        if !last.contains_key(&line.id) {
            order.push(line.id.clone());
        }
        last.insert(line.id.clone(), line);
    }
    order
        .into_iter()
        .filter_map(|id| last.remove(&id))
        .filter(|line| {
            !(line.source == LabelSource::Imported && readers.contains(line.id.as_str()))
        })
        .filter(|line| match current.get(&line.id) {
            None => line.label != LabelKind::Cleared,
            Some(label) if line.source == LabelSource::Imported => {
                label.source == LabelSource::Imported && label.kind != line.label
            }
            Some(label) => label.kind != line.label,
        })
        .collect()
}

/// Where label texts came from in one fill.
#[derive(Debug, Default)]
pub(crate) struct Filled {
    pub from_archive: usize,
    pub from_arxiv: usize,
    pub waiting: usize,
    pub api_error: Option<String>,
}

impl Filled {
    fn summary(&self) -> String {
        let mut text = format!(
            "texts: {} from the archive, {} from the arXiv API, {} waiting",
            self.from_archive, self.from_arxiv, self.waiting
        );
        if self.waiting > 0 {
            text.push_str(" (kept, and filled in by a later run)");
        }
        if let Some(error) = &self.api_error {
            text.push_str(&format!("; the arXiv API could not be asked: {error}"));
        }
        text
    }
}

/// Gives every new line without a text its paper's text (from the archive, else, when
/// `network`, the arXiv API), and fills in the texts of earlier labels still waiting
/// (kept in `data/label-texts.jsonl`).
async fn fill_lines(
    config: &Config,
    store: &mut LabelStore,
    new: &mut [LabelLine],
    network: bool,
) -> Result<Filled> {
    let data_dir = config.data_dir();
    let mut wanted: HashSet<String> = new
        .iter()
        .filter(|line| line.title.is_none() && store.text(&line.id).is_none())
        .map(|line| line.id.clone())
        .collect();
    let earlier: Vec<String> = store.waiting_for_text();
    wanted.extend(earlier.iter().cloned());
    let mut filled = Filled::default();
    if wanted.is_empty() {
        return Ok(filled);
    }
    let mut found = archive_texts(&data_dir, &wanted, None)?;
    filled.from_archive = found.len();
    let missing: Vec<String> = {
        let mut ids: Vec<String> = wanted
            .iter()
            .filter(|id| !found.contains_key(*id))
            .cloned()
            .collect();
        ids.sort();
        ids
    };
    if network && !missing.is_empty() {
        match arxiv_texts(config, &missing).await {
            Ok(texts) => {
                filled.from_arxiv = texts.len();
                found.extend(texts.into_iter().map(|t| (t.id.clone(), t)));
            }
            Err(error) => filled.api_error = Some(format!("{error:#}")),
        }
    }
    let mut for_store = Vec::new();
    for line in new.iter_mut() {
        if line.title.is_none()
            && let Some(text) = found.remove(&line.id)
        {
            line.title = Some(text.title);
            line.authors = text.authors;
            line.abstract_text = Some(text.abstract_text).filter(|a| !a.is_empty());
            line.categories = text.categories;
        }
    }
    for id in &earlier {
        if let Some(text) = found.remove(id) {
            for_store.push(text);
        }
    }
    filled.waiting = new
        .iter()
        .filter(|l| l.title.is_none() && store.text(&l.id).is_none())
        .count()
        + earlier.len()
        - for_store.len();
    labels::save_texts(&data_dir, store, for_store)?;
    Ok(filled)
}

/// Texts of `ids` from the day records (selected and unscored papers keep theirs) and the
/// scanned-text store; `since`, when given, limits the search to days from that date on.
pub(crate) fn archive_texts(
    data_dir: &Path,
    ids: &HashSet<String>,
    since: Option<Date>,
) -> Result<HashMap<String, LabelText>> {
    let mut out = HashMap::new();
    let days = match since {
        Some(from) => record::load_between(data_dir, from, Date::MAX)?,
        None => record::load_all(data_dir)?,
    };
    for day in &days {
        for paper in &day.papers {
            if paper.decision != Decision::Filtered
                && ids.contains(&paper.id)
                && !paper.title.is_empty()
            {
                out.insert(
                    paper.id.clone(),
                    LabelText {
                        id: paper.id.clone(),
                        title: paper.title.clone(),
                        authors: paper.authors.clone(),
                        abstract_text: paper.abstract_text.clone().unwrap_or_default(),
                        categories: paper.categories.clone(),
                    },
                );
            }
        }
    }
    for date in scanned::dates(data_dir)? {
        let texts = match scanned::load_day(data_dir, date) {
            Ok(texts) => texts,
            Err(error) => {
                tracing::warn!("{error:#}");
                continue;
            }
        };
        for text in texts {
            if ids.contains(&text.id) && !out.contains_key(&text.id) {
                out.insert(text.id.clone(), text);
            }
        }
    }
    Ok(out)
}

/// Texts of `ids` from the arXiv API (`id_list`, batched, with the configured pause).
async fn arxiv_texts(config: &Config, ids: &[String]) -> Result<Vec<LabelText>> {
    let client = super::day::api_client(config)?;
    let paging = api::Paging {
        page_size: api::IDS_PER_REQUEST,
        pause: Duration::from_millis(config.arxiv.api_pause_ms),
        max_retries: config.arxiv.max_retries,
    };
    // The error names the cause, not the request: its address lists a hundred IDs.
    let papers = api::fetch_ids(&client, &config.arxiv.api_url, ids, &paging)
        .await
        .map_err(|error| {
            anyhow::anyhow!(
                "{} ({}, id_list of {} papers)",
                error.root_cause(),
                crate::http::display_url(&config.arxiv.api_url),
                ids.len()
            )
        })?;
    Ok(papers
        .into_iter()
        .filter(|p| ids.contains(&p.id))
        .map(|p| LabelText {
            id: p.id,
            title: p.title,
            authors: p.authors,
            abstract_text: p.abstract_text,
            categories: p.categories,
        })
        .collect())
}

/// For `run`: fills in the texts of labels still waiting for one, from the recent days and
/// the scanned-text store, and (when `network`) at most `labels.fill_per_run` from the arXiv
/// API. Never fails the run: what it cannot do it says in the returned line.
pub(crate) async fn fill_waiting(config: &Config, network: bool) -> Option<String> {
    let data_dir = config.data_dir();
    let mut store = match labels::load(&data_dir) {
        Ok(store) => store,
        Err(error) => return Some(format!("labels: {error:#}")),
    };
    let mut notes = Vec::new();
    if !store.problems.is_empty() {
        notes.push(format!(
            "labels: {} lines in data/labels/ could not be read (see `papersift labels stats`)",
            store.problems.len()
        ));
    }
    let waiting: HashSet<String> = store
        .waiting_for_text()
        .into_iter()
        .take(config.labels.fill_per_run)
        .collect();
    if waiting.is_empty() {
        return notes.pop();
    }
    // The store's newest day may still be being written.
    if let Err(error) = super::day::wait_for_scanned_writes() {
        return Some(format!("labels: {error:#}"));
    }
    let since = scanned::dates(&data_dir)
        .ok()
        .and_then(|d| d.first().copied());
    let mut found = match since.map(|from| archive_texts(&data_dir, &waiting, Some(from))) {
        Some(Ok(found)) => found,
        Some(Err(error)) => return Some(format!("labels: {error:#}")),
        None => HashMap::new(),
    };
    let missing: Vec<String> = waiting
        .iter()
        .filter(|id| !found.contains_key(*id))
        .cloned()
        .collect();
    if network && !missing.is_empty() {
        match arxiv_texts(config, &missing).await {
            Ok(texts) => found.extend(texts.into_iter().map(|t| (t.id.clone(), t))),
            Err(error) => notes.push(format!(
                "labels: the texts of {} labelled papers could not be fetched ({error:#}); they wait for a later run",
                missing.len()
            )),
        }
    }
    let count = found.len();
    if let Err(error) = labels::save_texts(&data_dir, &mut store, found.into_values().collect()) {
        notes.push(format!("labels: {error:#}"));
    } else if count > 0 {
        notes.push(format!(
            "labels: filled in the texts of {count} labelled papers"
        ));
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// `papersift labels list`: the labels in force, newest first.
pub fn list(config: &Config) -> Result<ExitCode> {
    let store = labels::load(&config.data_dir())?;
    let mut current: Vec<_> = store.current().into_values().collect();
    if current.is_empty() {
        println!("{}", no_labels_hint());
        return Ok(ExitCode::SUCCESS);
    }
    current.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
    for label in current {
        let title = store
            .text(&label.id)
            .map_or_else(|| "(text not yet known)".to_string(), |t| t.title);
        println!(
            "{}  {:<10}  {:<8}  {:<16}  {}",
            label.at,
            label.kind.as_str(),
            label.source.as_str(),
            label.id,
            crate::text::one_line(&title)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `papersift labels stats`: counts by source and label, the newest, the papers still waiting
/// for their text, and the lines that could not be read.
pub fn stats(config: &Config) -> Result<ExitCode> {
    let data_dir = config.data_dir();
    let store = labels::load(&data_dir)?;
    let current = store.current();
    if current.is_empty() && store.problems.is_empty() {
        println!("{}", no_labels_hint());
        return Ok(ExitCode::SUCCESS);
    }
    let mut table: BTreeMap<LabelSource, (usize, usize)> = BTreeMap::new();
    for label in current.values() {
        let row = table.entry(label.source).or_default();
        match label.kind {
            LabelKind::Want => row.0 += 1,
            _ => row.1 += 1,
        }
    }
    println!("{:<10} {:>6} {:>11}", "source", "want", "not for me");
    for (source, (want, not)) in &table {
        println!("{:<10} {want:>6} {not:>11}", source.as_str());
    }
    let want: usize = table.values().map(|r| r.0).sum();
    let not: usize = table.values().map(|r| r.1).sum();
    println!("{:<10} {want:>6} {not:>11}", "all");
    if let Some(newest) = current.values().map(|l| l.at).max() {
        println!("newest label: {newest}");
    }
    println!(
        "label lines: {} in {}",
        store.lines.len(),
        labels::folder(&data_dir).display()
    );
    let waiting = store.waiting_for_text();
    if waiting.is_empty() {
        println!("every labelled paper has its text");
    } else {
        let shown: Vec<&str> = waiting.iter().take(20).map(String::as_str).collect();
        println!(
            "waiting for their text ({}; filled from the archive or the arXiv API by the next run): {}{}",
            waiting.len(),
            shown.join(" "),
            if waiting.len() > shown.len() {
                " …"
            } else {
                ""
            }
        );
    }
    for problem in &store.problems {
        println!("unreadable, skipped: {problem}");
    }
    Ok(ExitCode::SUCCESS)
}

/// What to say when there are no labels yet.
pub(crate) fn no_labels_hint() -> &'static str {
    "No labels yet. Mark papers \"want\" or \"not for me\" on the site and press \"Send my marks\", or run `papersift labels import FILE` (BibTeX, Zotero CSV, arXiv IDs one a line) or `papersift labels import --from-archive` after `papersift import`."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, kind: LabelKind, source: LabelSource) -> LabelLine {
        LabelLine {
            id: id.into(),
            label: kind,
            at: "2026-12-01".parse().unwrap(),
            source,
            title: None,
            authors: Vec::new(),
            abstract_text: None,
            categories: Vec::new(),
        }
    }

    #[test]
    fn only_changes_are_new_and_old_picks_never_override_the_reader() {
        let store = LabelStore {
            lines: vec![
                line("2510.00001", LabelKind::Want, LabelSource::Site),
                line("2510.00002", LabelKind::NotForMe, LabelSource::Site),
                line("2510.00009", LabelKind::Want, LabelSource::Site),
                line("2510.00009", LabelKind::Cleared, LabelSource::Site),
            ],
            ..Default::default()
        };
        let read = vec![
            line("2510.00001", LabelKind::Want, LabelSource::Bibtex),
            line("2510.00002", LabelKind::Want, LabelSource::Imported),
            line("2510.00003", LabelKind::Want, LabelSource::Text),
            line("2510.00003", LabelKind::NotForMe, LabelSource::Text),
            line("2510.00004", LabelKind::Cleared, LabelSource::Site),
            // Taken back by the reader: the old tool's pick does not come back.
            line("2510.00009", LabelKind::Want, LabelSource::Imported),
        ];
        let new = new_lines(&store, read);
        let got: Vec<(&str, LabelKind)> = new.iter().map(|l| (l.id.as_str(), l.label)).collect();
        assert_eq!(got, [("2510.00003", LabelKind::NotForMe)]);
    }
}

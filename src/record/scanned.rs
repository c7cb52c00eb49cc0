//! The scanned-text store, `data/scanned/YYYY-MM-DD.json.zst`: the text of every paper a day
//! scanned whose day record keeps it only as a short row (the filtered ones), so that what the
//! reader saw and did not want can be learned from. One zstd-compressed JSON file a day,
//! written once by the run that records the day, and pruned to the newest
//! `labels.scanned_days` days; a daily run's cost stays flat however long the archive grows.
//!
//! The file holds one array per field (`{"version":1,"id":[…],"title":[…],…}`), not a line
//! per paper: like text next to like compresses 3% better. Abstracts are kept as the scorer
//! read them (whitespace folded, cut at a sentence end within `llm.abstract_chars`). On the 41
//! real labelled days a file takes 118 KB on average, 29 MB a year
//! (`scripts/bench-scanned.sh`); `zstd -dc FILE | jq` reads one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{DayRecord, Decision, PaperText};

/// The store's folder under the data folder.
pub const FOLDER: &str = "scanned";

/// The file name ending of a day's file.
const SUFFIX: &str = ".json.zst";

/// zstd level: 16 writes a day of 450 papers in about 0.13 s and keeps a year of days under
/// 30 MB; 12 takes half the time for 5% more bytes, 19 twice the time for 1% fewer.
const LEVEL: i32 = 16;

/// The file's layout version.
const VERSION: u32 = 1;

/// A day's file: the papers' fields side by side, one array each, in the same order.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Columns {
    version: u32,
    id: Vec<String>,
    title: Vec<String>,
    authors: Vec<Vec<String>>,
    categories: Vec<Vec<String>>,
    #[serde(rename = "abstract")]
    abstract_text: Vec<String>,
}

impl Columns {
    fn of(texts: &[PaperText]) -> Columns {
        Columns {
            version: VERSION,
            id: texts.iter().map(|t| t.id.clone()).collect(),
            title: texts.iter().map(|t| t.title.clone()).collect(),
            authors: texts.iter().map(|t| t.authors.clone()).collect(),
            categories: texts.iter().map(|t| t.categories.clone()).collect(),
            abstract_text: texts.iter().map(|t| t.abstract_text.clone()).collect(),
        }
    }

    fn into_texts(self) -> Option<Vec<PaperText>> {
        let n = self.id.len();
        if [
            self.title.len(),
            self.authors.len(),
            self.categories.len(),
            self.abstract_text.len(),
        ]
        .iter()
        .any(|len| *len != n)
        {
            return None;
        }
        let mut title = self.title.into_iter();
        let mut authors = self.authors.into_iter();
        let mut categories = self.categories.into_iter();
        let mut abstract_text = self.abstract_text.into_iter();
        Some(
            self.id
                .into_iter()
                .map(|id| PaperText {
                    id,
                    title: title.next().unwrap_or_default(),
                    authors: authors.next().unwrap_or_default(),
                    abstract_text: abstract_text.next().unwrap_or_default(),
                    categories: categories.next().unwrap_or_default(),
                })
                .collect(),
        )
    }
}

/// The store's folder.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join(FOLDER)
}

/// The file of one day.
pub fn day_path(data_dir: &Path, date: Date) -> PathBuf {
    folder(data_dir).join(format!("{date}{SUFFIX}"))
}

/// The dates the store holds, oldest first (from file names; other files are ignored).
pub fn dates(data_dir: &Path) -> Result<Vec<Date>> {
    let paths = crate::files::sorted_children(&folder(data_dir), |name| name.ends_with(SUFFIX))?;
    Ok(paths
        .iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?;
            name.strip_suffix(SUFFIX)?.parse().ok()
        })
        .collect())
}

/// Writes a day's texts (replacing an earlier file of that day), then removes the oldest days
/// beyond the newest `keep_days`. A day older than all `keep_days` kept ones (a backfill of the
/// past) is not written at all. Returns the dates removed.
pub fn save_day(
    data_dir: &Path,
    date: Date,
    texts: &[PaperText],
    keep_days: usize,
) -> Result<Vec<Date>> {
    let held = dates(data_dir)?;
    let newer = held.iter().filter(|d| **d > date).count();
    if newer >= keep_days {
        return Ok(Vec::new());
    }
    let json = serde_json::to_vec(&Columns::of(texts)).context("cannot serialise scanned texts")?;
    let packed = zstd::bulk::compress(&json, LEVEL).context("cannot compress scanned texts")?;
    crate::files::write_atomic(&day_path(data_dir, date), &packed)?;
    prune(data_dir, keep_days)
}

/// The days [`save_day`] of `date` would remove, oldest first: what must be read before.
pub fn to_prune(data_dir: &Path, date: Date, keep_days: usize) -> Result<Vec<Date>> {
    let mut held = dates(data_dir)?;
    if !held.contains(&date) {
        if held.iter().filter(|d| **d > date).count() >= keep_days {
            return Ok(Vec::new());
        }
        held.push(date);
        held.sort();
    }
    let excess = held.len().saturating_sub(keep_days);
    Ok(held.into_iter().take(excess).collect())
}

/// Removes the oldest day files beyond the newest `keep_days`; returns their dates.
pub fn prune(data_dir: &Path, keep_days: usize) -> Result<Vec<Date>> {
    let held = dates(data_dir)?;
    let excess = held.len().saturating_sub(keep_days);
    let removed: Vec<Date> = held.into_iter().take(excess).collect();
    for date in &removed {
        let path = day_path(data_dir, *date);
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(removed)
}

/// Reads one day's file; none when the store does not hold the day.
pub fn load_day(data_dir: &Path, date: Date) -> Result<Vec<PaperText>> {
    let path = day_path(data_dir, date);
    if !path.exists() {
        return Ok(Vec::new());
    }
    read_file(&path)
}

fn read_file(path: &Path) -> Result<Vec<PaperText>> {
    let packed = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let lines = zstd::stream::decode_all(packed.as_slice()).with_context(|| {
        format!(
            "{} is not a zstd file; delete it (it only helps learning, and the next day writes a new one)",
            path.display()
        )
    })?;
    let columns: Columns = serde_json::from_slice(&lines)
        .with_context(|| format!("{} is not a day of scanned papers", path.display()))?;
    if columns.version > VERSION {
        anyhow::bail!(
            "{} has layout version {}, newer than this papersift reads ({VERSION}); update papersift",
            path.display(),
            columns.version
        );
    }
    columns
        .into_texts()
        .with_context(|| format!("{} holds fields of different lengths", path.display()))
}

/// The texts of a day's filtered papers, taken from the scanned papers themselves before the
/// record drops them to short rows. `texts` is every paper the day scanned, by ID.
pub fn filtered_texts(
    record: &DayRecord,
    texts: &HashMap<&str, &crate::paper::Paper>,
    abstract_chars: usize,
) -> Vec<PaperText> {
    record
        .papers
        .iter()
        .filter(|p| p.decision == Decision::Filtered)
        .filter_map(|p| texts.get(p.id.as_str()))
        .map(|paper| PaperText {
            id: paper.id.clone(),
            title: paper.title.clone(),
            authors: paper.authors.clone(),
            abstract_text: crate::text::abstract_cut(&paper.abstract_text, abstract_chars),
            categories: paper.categories.clone(),
        })
        .collect()
}

/// Every text a day has: its record's full papers (selected and unscored) and the store's
/// filtered ones.
pub fn day_texts(data_dir: &Path, record: &DayRecord) -> Result<Vec<PaperText>> {
    let mut out: Vec<PaperText> = record
        .papers
        .iter()
        .filter(|p| p.decision != Decision::Filtered && !p.title.is_empty())
        .map(|p| PaperText {
            id: p.id.clone(),
            title: p.title.clone(),
            authors: p.authors.clone(),
            abstract_text: p.abstract_text.clone().unwrap_or_default(),
            categories: p.categories.clone(),
        })
        .collect();
    out.extend(load_day(data_dir, record.date)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(id: &str) -> PaperText {
        PaperText {
            id: id.to_string(),
            title: format!("Title of {id}"),
            authors: vec!["A. Author".to_string()],
            abstract_text: "We study things. ".repeat(20),
            categories: vec!["cs.LG".to_string()],
        }
    }

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    /// The store holding 2026-03-10, -11 and -12, kept to three days.
    fn three_days(dir: &Path) {
        for d in 10..13 {
            let day = date(&format!("2026-03-{d}"));
            save_day(dir, day, &[text("2603.00001")], 3).unwrap();
        }
    }

    #[test]
    fn a_day_reads_back_and_the_store_keeps_the_newest_days_only() {
        let dir = tempfile::tempdir().unwrap();
        let days: Vec<Date> = (1..=25).map(|d| date(&format!("2026-03-{d:02}"))).collect();
        for (n, day) in days.iter().enumerate() {
            let removed = save_day(dir.path(), *day, &[text(&format!("2603.{n:05}"))], 20).unwrap();
            assert_eq!(removed.len(), usize::from(n >= 20), "day {n}");
        }
        let held = dates(dir.path()).unwrap();
        assert_eq!(held, days[5..].to_vec());
        assert_eq!(
            load_day(dir.path(), days[24]).unwrap(),
            vec![text("2603.00024")]
        );
        assert!(load_day(dir.path(), days[0]).unwrap().is_empty());
    }

    #[test]
    fn to_prune_names_the_days_a_save_would_remove() {
        let dir = tempfile::tempdir().unwrap();
        three_days(dir.path());
        assert_eq!(
            to_prune(dir.path(), date("2026-03-13"), 3).unwrap(),
            [date("2026-03-10")]
        );
        assert!(
            to_prune(dir.path(), date("2026-03-12"), 3)
                .unwrap()
                .is_empty()
        );
        assert!(
            to_prune(dir.path(), date("2026-03-01"), 3)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            to_prune(dir.path(), date("2026-03-11"), 2).unwrap(),
            [date("2026-03-10")]
        );
    }

    #[test]
    fn a_backfilled_day_older_than_every_kept_day_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        three_days(dir.path());
        save_day(dir.path(), date("2026-03-01"), &[text("2603.00002")], 3).unwrap();
        assert_eq!(
            dates(dir.path()).unwrap().first(),
            Some(&date("2026-03-10"))
        );
        // A day between the kept ones is written, and the oldest then goes.
        save_day(dir.path(), date("2026-03-11"), &[text("2603.00003")], 3).unwrap();
        assert_eq!(dates(dir.path()).unwrap().len(), 3);
    }

    #[test]
    fn a_corrupt_day_file_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let day = date("2026-03-02");
        std::fs::create_dir_all(folder(dir.path())).unwrap();
        std::fs::write(day_path(dir.path(), day), b"not zstd").unwrap();
        let error = format!("{:#}", load_day(dir.path(), day).unwrap_err());
        assert!(error.contains("2026-03-02.json.zst"), "{error}");
    }
}

//! The scanned-text store, `data/scanned/YYYY-MM-DD.jsonl.zst`: the text of every paper a day
//! scanned whose day record keeps it only as a short row (the filtered ones), so that what the
//! reader saw and did not want can be learned from. One zstd-compressed JSON-lines file a day,
//! written once by the run that records the day, and pruned to the newest
//! `labels.scanned_days` days; a daily run's cost stays flat however long the archive grows.
//!
//! Abstracts are kept as the scorer read them (whitespace folded, cut at a sentence end within
//! `llm.abstract_chars`): a day of 300 filtered papers then takes about 110 KB.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{DayRecord, Decision};

/// The store's folder under the data folder.
pub const FOLDER: &str = "scanned";

/// The file name ending of a day's file.
const SUFFIX: &str = ".jsonl.zst";

/// zstd level: 12 writes a day in about 60 ms; 19 saves 6% more for seven times the time.
const LEVEL: i32 = 12;

/// What is kept of one scanned paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScannedText {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(rename = "abstract", default)]
    pub abstract_text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
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
    texts: &[ScannedText],
    keep_days: usize,
) -> Result<Vec<Date>> {
    let held = dates(data_dir)?;
    let newer = held.iter().filter(|d| **d > date).count();
    if newer >= keep_days {
        return Ok(Vec::new());
    }
    let mut lines = Vec::new();
    for text in texts {
        serde_json::to_writer(&mut lines, text).context("cannot serialise a scanned paper")?;
        lines.push(b'\n');
    }
    let packed = zstd::bulk::compress(&lines, LEVEL).context("cannot compress scanned texts")?;
    crate::files::write_atomic(&day_path(data_dir, date), &packed)?;
    prune(data_dir, keep_days)
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
pub fn load_day(data_dir: &Path, date: Date) -> Result<Vec<ScannedText>> {
    let path = day_path(data_dir, date);
    if !path.exists() {
        return Ok(Vec::new());
    }
    read_file(&path)
}

fn read_file(path: &Path) -> Result<Vec<ScannedText>> {
    let packed = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let lines = zstd::stream::decode_all(packed.as_slice()).with_context(|| {
        format!(
            "{} is not a zstd file; delete it (it only helps learning, and the next day writes a new one)",
            path.display()
        )
    })?;
    let text = String::from_utf8(lines)
        .with_context(|| format!("{} does not hold UTF-8 text", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            serde_json::from_str(line).with_context(|| {
                format!(
                    "{} line {}: not a scanned paper",
                    path.display(),
                    number + 1
                )
            })
        })
        .collect()
}

/// The texts of a day's filtered papers, taken from the scanned papers themselves before the
/// record drops them to short rows. `texts` is every paper the day scanned, by ID.
pub fn filtered_texts(
    record: &DayRecord,
    texts: &HashMap<&str, &crate::paper::Paper>,
    abstract_chars: usize,
) -> Vec<ScannedText> {
    record
        .papers
        .iter()
        .filter(|p| p.decision == Decision::Filtered)
        .filter_map(|p| texts.get(p.id.as_str()))
        .map(|paper| ScannedText {
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
pub fn day_texts(data_dir: &Path, record: &DayRecord) -> Result<Vec<ScannedText>> {
    let mut out: Vec<ScannedText> = record
        .papers
        .iter()
        .filter(|p| p.decision != Decision::Filtered && !p.title.is_empty())
        .map(|p| ScannedText {
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

    fn text(id: &str) -> ScannedText {
        ScannedText {
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
    fn a_backfilled_day_older_than_every_kept_day_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        for d in 10..13 {
            save_day(
                dir.path(),
                date(&format!("2026-03-{d}")),
                &[text("2603.00001")],
                3,
            )
            .unwrap();
        }
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
        assert!(error.contains("2026-03-02.jsonl.zst"), "{error}");
    }
}

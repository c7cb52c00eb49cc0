//! Finding the old tool's archive files and grouping them by day: in every era a day is up to
//! four JSON files side by side (`-output`, `-latest`, `-daily-papers`, `-hotspot-papers`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use jiff::civil::Date;

use super::Problem;

/// What an archive file of a day holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `YYYY-MM-DD-output.json`: the day's list, an object keyed by arXiv ID (every era).
    Output,
    /// `YYYY-MM-DD-latest.json`: a re-rendered copy of the list that wins over `-output`.
    Latest,
    /// `YYYY-MM-DD-daily-papers.json` (2026): the day's bundle with usage, totals and topics.
    Bundle,
    /// `YYYY-MM-DD-hotspot-papers.json` (2026): the spotlight papers, left out of `-output`.
    Hotspot,
}

/// File name endings after the date, and what each file holds.
const SUFFIXES: [(&str, FileKind); 4] = [
    ("-output.json", FileKind::Output),
    ("-latest.json", FileKind::Latest),
    ("-daily-papers.json", FileKind::Bundle),
    ("-hotspot-papers.json", FileKind::Hotspot),
];

/// Pages the old tool rendered next to its JSON: known, and not needed (the JSON says more).
const RENDERED_SUFFIXES: [&str; 2] = ["-latest.md", "-output.md"];

/// One archive file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArchiveFile {
    pub path: PathBuf,
    /// The path below the import folder with `/` separators, kept as the record's origin.
    pub relative: String,
}

/// The files of one day, each kind at most once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArchiveDay {
    /// The date in the file names: the old tool's page date.
    pub date: Date,
    pub output: Option<ArchiveFile>,
    pub latest: Option<ArchiveFile>,
    pub bundle: Option<ArchiveFile>,
    pub hotspot: Option<ArchiveFile>,
}

impl ArchiveDay {
    fn new(date: Date) -> ArchiveDay {
        ArchiveDay {
            date,
            output: None,
            latest: None,
            bundle: None,
            hotspot: None,
        }
    }

    fn slot(&mut self, kind: FileKind) -> &mut Option<ArchiveFile> {
        match kind {
            FileKind::Output => &mut self.output,
            FileKind::Latest => &mut self.latest,
            FileKind::Bundle => &mut self.bundle,
            FileKind::Hotspot => &mut self.hotspot,
        }
    }
}

/// The archive's days (oldest first) and what else the folder held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ArchiveListing {
    pub days: Vec<ArchiveDay>,
    /// Files that are no archive file at all.
    pub ignored: usize,
    /// The old tool's rendered Markdown pages, not needed beside their JSON.
    pub rendered_pages: usize,
    /// Files that name an impossible date, or a second file of a day's kind (both skipped).
    pub problems: Vec<Problem>,
}

impl ArchiveListing {
    /// Files read per kind: output, latest, bundle, hotspot.
    pub fn counts(&self) -> [usize; 4] {
        let count = |pick: fn(&ArchiveDay) -> &Option<ArchiveFile>| {
            self.days.iter().filter(|d| pick(d).is_some()).count()
        };
        [
            count(|d| &d.output),
            count(|d| &d.latest),
            count(|d| &d.bundle),
            count(|d| &d.hotspot),
        ]
    }
}

/// Finds the archive files under `dir`, recursively, and groups them by day. Any folder layout
/// works (the old repository's `out/json/YYYY-MM/`, or one folder); hidden folders such as
/// `.git` are not searched and symlinked folders are not followed. Two files of one day and
/// kind (in two folders) are a problem: which one is the archive would be a guess, so the
/// second is skipped and named.
pub(crate) fn find_archive_days(dir: &Path) -> Result<ArchiveListing> {
    ensure!(
        dir.is_dir(),
        "{} is not a folder; give the folder that holds the old tool's YYYY-MM-DD-output.json files",
        dir.display()
    );
    let mut files = Vec::new();
    let mut listing = ArchiveListing::default();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .with_context(|| format!("cannot list {}", folder.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", folder.display()))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry
                .file_type()
                .with_context(|| format!("cannot inspect {}", path.display()))?;
            if kind.is_dir() {
                if !name.starts_with('.') {
                    folders.push(path);
                }
                continue;
            }
            match archive_name(&name) {
                Some(Named::Archive(date_text, kind)) => {
                    files.push((date_text.to_string(), kind, relative_path(dir, &path), path));
                }
                Some(Named::Rendered) => listing.rendered_pages += 1,
                None => listing.ignored += 1,
            }
        }
    }
    // Sorted by path, so which file of a pair counts as the second does not depend on the
    // order the file system lists them in.
    files.sort_by(|a, b| a.2.cmp(&b.2));
    let mut days: BTreeMap<Date, ArchiveDay> = BTreeMap::new();
    for (date_text, kind, relative, path) in files {
        let Ok(date) = date_text.parse::<Date>() else {
            listing.problems.push(Problem::file(
                &relative,
                "is named for a day that does not exist; skipped",
            ));
            continue;
        };
        let slot = days
            .entry(date)
            .or_insert_with(|| ArchiveDay::new(date))
            .slot(kind);
        match slot {
            Some(first) => listing.problems.push(Problem::file(
                &relative,
                &format!(
                    "is a second file of the same day and kind as {}; skipped (keep one and import again with --force)",
                    first.relative
                ),
            )),
            None => *slot = Some(ArchiveFile { path, relative }),
        }
    }
    listing.days = days.into_values().collect();
    Ok(listing)
}

/// What a file name says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named<'a> {
    /// A dated archive file: its `YYYY-MM-DD` and kind.
    Archive(&'a str, FileKind),
    /// One of the old tool's rendered pages.
    Rendered,
}

/// Reads a file name as an archive file's; `None` for every other name.
fn archive_name(name: &str) -> Option<Named<'_>> {
    let (stem, rest) = name.split_at_checked(10)?;
    let shaped_like_a_date = stem.char_indices().all(|(i, c)| match i {
        4 | 7 => c == '-',
        _ => c.is_ascii_digit(),
    });
    if !shaped_like_a_date {
        return None;
    }
    if let Some(&(_, kind)) = SUFFIXES.iter().find(|(suffix, _)| rest == *suffix) {
        return Some(Named::Archive(stem, kind));
    }
    RENDERED_SUFFIXES.contains(&rest).then_some(Named::Rendered)
}

fn relative_path(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn file_names_say_the_day_and_the_kind() {
        assert_eq!(
            archive_name("2025-01-17-output.json"),
            Some(Named::Archive("2025-01-17", FileKind::Output))
        );
        assert_eq!(
            archive_name("2026-03-02-daily-papers.json"),
            Some(Named::Archive("2026-03-02", FileKind::Bundle))
        );
        assert_eq!(
            archive_name("2026-03-02-hotspot-papers.json"),
            Some(Named::Archive("2026-03-02", FileKind::Hotspot))
        );
        assert_eq!(
            archive_name("2026-03-02-latest.json"),
            Some(Named::Archive("2026-03-02", FileKind::Latest))
        );
        assert_eq!(archive_name("2026-03-02-latest.md"), Some(Named::Rendered));
        for name in [
            "output.json",
            "2025-1-17-output.json",
            "x2025-01-17-output.json",
            "2025-01-17-output.json.bak",
            "é",
        ] {
            assert_eq!(archive_name(name), None, "{name}");
        }
    }

    #[test]
    fn a_day_groups_its_files_from_both_layouts_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(&root.join("out/json/2026-03/2026-03-02-output.json"), "{}");
        write(
            &root.join("out/json/2026-03/2026-03-02-daily-papers.json"),
            "{}",
        );
        write(
            &root.join("out/json/2026-03/2026-03-02-hotspot-papers.json"),
            "{}",
        );
        write(&root.join("out/json/2026-03/2026-03-02-latest.md"), "# x");
        write(&root.join("2025-01-17-output.json"), "{}");
        write(&root.join(".git/2025-03-03-output.json"), "{}");
        write(&root.join("README.md"), "hi");
        let listing = find_archive_days(root).unwrap();
        let dates: Vec<String> = listing.days.iter().map(|d| d.date.to_string()).collect();
        assert_eq!(dates, ["2025-01-17", "2026-03-02"]);
        let march = &listing.days[1];
        assert_eq!(
            march.bundle.as_ref().unwrap().relative,
            "out/json/2026-03/2026-03-02-daily-papers.json"
        );
        assert!(march.hotspot.is_some() && march.output.is_some() && march.latest.is_none());
        assert_eq!(listing.counts(), [2, 0, 1, 1]);
        assert_eq!((listing.ignored, listing.rendered_pages), (1, 1));
        assert!(listing.problems.is_empty());
    }

    #[test]
    fn a_second_file_of_a_day_or_an_impossible_date_is_a_problem_not_an_abort() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("a/2025-02-05-output.json"), "{}");
        write(&dir.path().join("b/2025-02-05-output.json"), "{}");
        write(&dir.path().join("2025-02-30-output.json"), "{}");
        let listing = find_archive_days(dir.path()).unwrap();
        assert_eq!(listing.days.len(), 1);
        assert_eq!(
            listing.days[0].output.as_ref().unwrap().relative,
            "a/2025-02-05-output.json"
        );
        let problems: Vec<String> = listing.problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("2025-02-30-output.json: ") && p.contains("does not exist"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("b/2025-02-05-output.json: ")
                    && p.contains("a/2025-02-05-output.json"))
        );
    }
}

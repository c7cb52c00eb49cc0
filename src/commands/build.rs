//! `papersift build`: re-renders all of `docs/` from `data/`, the templates and config; and the
//! incremental render every run, backfill and publish ends with, which renders only what the
//! days it changed alter.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use jiff::civil::Date;

use crate::config::Config;
use crate::files::Staged;
use crate::record::{self, DayRecord, DaySummary};
use crate::render::{self, Coverage, OutputFile, RecordSource, Scope};

/// `papersift build`: renders and prints how many files changed.
pub fn execute(config: &Config) -> Result<ExitCode> {
    let _lock = super::lock_repository(config)?;
    let changed = build(config)?;
    println!(
        "built {}: {changed} files changed",
        config.output_dir().display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The list of the files papersift generated in the output folder, one path per line, so a
/// build rewrites and deletes only its own files and leaves anything else (a `CNAME`, the
/// user's own pages) alone. Its first line, `# papersift <inputs> <summaries>`, says what the
/// site was built from, so the next run knows whether rendering only its day is enough. Each
/// year folder has a file of this name listing the paths under it.
pub(crate) const MANIFEST: &str = ".papersift-files";

/// Changed days above which an update renders the whole site instead (an import, a long
/// backfill): one pass over every month is then cheaper than following each day.
const MAX_INCREMENTAL_DAYS: usize = 31;

/// Re-renders all of `docs/` from `data/`, templates and config, and rewrites the day summaries
/// (`data/YYYY/MM/index.json`). Returns the number of files whose content changed.
pub(crate) fn build(config: &Config) -> Result<usize> {
    render_docs(config, &[], true)
}

/// Brings `docs/` in step with `data/` after the records of `days` were written: renders only
/// the pages those days (and any record changed since the last render) alter, or the whole
/// site when it was built from other summaries, config, templates or papersift, or when many
/// days changed. Returns the number of files whose content changed.
pub(crate) fn update(config: &Config, days: &[Date]) -> Result<usize> {
    render_docs(config, days, false)
}

fn render_docs(config: &Config, days: &[Date], whole: bool) -> Result<usize> {
    let data_dir = config.data_dir();
    let out = config.output_dir();
    let index = record::read_index(&data_dir)?;
    let source = ArchiveSource::new(&data_dir);
    let mut changed: BTreeSet<Date> = days.iter().copied().collect();
    let mut summaries: BTreeMap<Date, DaySummary> = BTreeMap::new();
    for (&date, &bytes) in &index.sizes {
        match index.stored.get(&date) {
            Some(summary) if summary.bytes == bytes && !changed.contains(&date) => {
                summaries.insert(date, summary.clone());
            }
            _ => {
                // A record that cannot be read is named and left out; the rest is built.
                let record = match source.record(date) {
                    Ok(record) => record,
                    Err(error) => {
                        tracing::warn!("{error:#}; the site is built without that day");
                        continue;
                    }
                };
                summaries.insert(date, render::summarize(&record, bytes));
                changed.insert(date);
            }
        }
    }
    // Days whose record is gone.
    changed.extend(
        index
            .stored
            .keys()
            .filter(|date| !index.sizes.contains_key(date)),
    );

    let prompts = record::load_prompt_snapshots(&data_dir)?;
    let inputs = render::SiteInputs::load(config, &prompts)?;
    let fingerprint = inputs.fingerprint()?;
    let previous = read_manifest(&out)?;
    let built_from_stored = previous.as_ref().is_some_and(|manifest| {
        manifest.inputs.as_deref() == Some(fingerprint.as_str())
            && manifest.summaries.as_deref() == Some(digest(&index.stored).as_str())
    });
    let scope = if whole || !built_from_stored || changed.len() > MAX_INCREMENTAL_DAYS {
        Scope::Everything
    } else {
        Scope::Days {
            before: changed
                .iter()
                .filter_map(|date| index.stored.get(date).cloned())
                .collect(),
            changed,
        }
    };
    if matches!(scope, Scope::Everything) {
        // A killed run leaves its temporary files behind; none of ours is under way now.
        for dir in [&out, &data_dir] {
            let removed = crate::files::remove_stale_temp_files(dir)?;
            if removed > 0 {
                tracing::info!(removed, folder = %dir.display(), "removed stale temporary files");
            }
        }
    }
    let mut written = render_pass(
        &inputs,
        &out,
        &summaries,
        &source,
        &scope,
        previous.as_ref(),
    )?;
    if matches!(scope, Scope::Everything) {
        // A record edited by hand to the same size kept its old summary: the full render read
        // every record, so its summary is known now, and pages that list it are rendered again.
        let read = source.summaries_read();
        let edited: BTreeSet<Date> = read
            .iter()
            .filter(|(date, summary)| summaries.get(date) != Some(summary))
            .map(|(date, _)| *date)
            .collect();
        if !edited.is_empty() {
            let before = edited
                .iter()
                .filter_map(|d| summaries.get(d).cloned())
                .collect();
            for date in &edited {
                summaries.insert(*date, read[date].clone());
            }
            let again = render_pass(
                &inputs,
                &out,
                &summaries,
                &source,
                &Scope::Days {
                    changed: edited,
                    before,
                },
                Some(&written.manifest),
            )?;
            written.changed += again.changed;
            written.manifest = again.manifest;
        }
    }
    let only = match &scope {
        Scope::Everything => None,
        Scope::Days { changed, .. } => Some(changed),
    };
    record::write_index(&data_dir, &summaries, only)?;
    let header = format!("# papersift {fingerprint} {}\n", digest(&summaries));
    written.changed += write_manifest(&out, &header, &written.manifest.paths)?;
    Ok(written.changed)
}

/// Writes the manifest: the paths under a year folder, a search segment's folder or a year of
/// search day files in that folder's own `.papersift-files` (so a day rewrites its year's
/// list and its month's, not ten years of paths), the rest after the header in the output
/// folder's. Returns how many of the files changed.
fn write_manifest(out: &Path, header: &str, paths: &BTreeSet<String>) -> Result<usize> {
    let mut lists: BTreeMap<Option<&str>, String> = BTreeMap::new();
    lists.insert(None, header.to_string());
    for path in paths {
        let list = lists.entry(list_folder(path)).or_default();
        list.push_str(path);
        list.push('\n');
    }
    let mut changed = 0;
    for (folder, list) in &lists {
        let file = match folder {
            Some(folder) => out.join(folder).join(MANIFEST),
            None => out.join(MANIFEST),
        };
        if crate::files::write_atomic(&file, list.as_bytes())? {
            changed += 1;
        }
    }
    for stale in nested_manifests(out)? {
        let folder = stale
            .parent()
            .and_then(|folder| folder.strip_prefix(out).ok())
            .map(site_path);
        if !lists.contains_key(&folder.as_deref()) {
            std::fs::remove_file(&stale)
                .with_context(|| format!("cannot remove {}", stale.display()))?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// The folder whose own list names `path`: `2026` for `2026/08/13/index.html`, `search/2026-08`
/// for a search segment's chunk, `search/days/2026` for a day's search file; `None` for the
/// rest, which the output folder's list names.
fn list_folder(path: &str) -> Option<&str> {
    let folder = &path[..path.rfind('/')?];
    let year = |name: &str| name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit());
    match folder.split('/').collect::<Vec<_>>().as_slice() {
        [first, ..] if year(first) => Some(&path[..4]),
        ["search", "days", day_year] if year(day_year) => Some(folder),
        ["search", segment] if *segment != "days" => Some(folder),
        _ => None,
    }
}

/// The `.papersift-files` of every folder [`list_folder`] can name, that exists.
fn nested_manifests(out: &Path) -> Result<Vec<PathBuf>> {
    let is_year = |name: &str| name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit());
    let mut folders = crate::files::sorted_children(out, is_year)?;
    let search = out.join("search");
    if search.is_dir() {
        folders.extend(crate::files::sorted_children(&search, |name| {
            name != "days"
        })?);
        let days = search.join("days");
        if days.is_dir() {
            folders.extend(crate::files::sorted_children(&days, is_year)?);
        }
    }
    Ok(folders
        .into_iter()
        .map(|folder| folder.join(MANIFEST))
        .filter(|file| file.is_file())
        .collect())
}

/// What one render pass left: the files it changed and the manifest it implies.
struct Written {
    changed: usize,
    manifest: Manifest,
}

/// Renders `scope`, staging every file whose content changes, and only when all of them
/// rendered moves them into place and deletes the pages the site no longer has: a template
/// error leaves `docs/` as it was. A file at a generated path that the manifest does not list
/// is the user's, and the pass stops before changing anything.
fn render_pass(
    inputs: &render::SiteInputs<'_>,
    out: &Path,
    summaries: &BTreeMap<Date, DaySummary>,
    source: &ArchiveSource,
    scope: &Scope,
    previous: Option<&Manifest>,
) -> Result<Written> {
    let summaries: Vec<DaySummary> = summaries.values().cloned().collect();
    let staged: Mutex<Vec<Staged>> = Mutex::new(Vec::new());
    let made: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let sink = |files: Vec<OutputFile>| -> Result<()> {
        for file in files {
            let relative = site_path(&file.path);
            if let Some(previous) = previous {
                refuse_to_overwrite_foreign_file(out, &file, &relative, previous)?;
            }
            if let Some(one) = crate::files::stage(&out.join(&file.path), &file.bytes)? {
                staged.lock().expect("no render thread panics").push(one);
            }
            made.lock()
                .expect("no render thread panics")
                .insert(relative);
        }
        Ok(())
    };
    let coverage = match render::render(inputs, &summaries, source, scope, &sink) {
        Ok(coverage) => coverage,
        Err(error) => {
            crate::files::discard(staged.into_inner().expect("no render thread panics"));
            return Err(error);
        }
    };
    let staged = staged.into_inner().expect("no render thread panics");
    let made = made.into_inner().expect("no render thread panics");
    let mut changed = staged.len();
    crate::files::commit(staged)?;
    // Pages papersift made before and makes no more (a removed topic, a day without a page).
    let previous_paths = previous.map(|m| m.paths.clone()).unwrap_or_default();
    let gone: Vec<String> = previous_paths
        .iter()
        .filter(|path| !made.contains(*path))
        .filter(|path| coverage.covers(path))
        .cloned()
        .collect();
    for stale in &gone {
        let path = out.join(stale);
        if path.is_file() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove the stale page {}", path.display()))?;
            changed += 1;
        }
    }
    let mut paths = match coverage {
        Coverage::Everything => BTreeSet::new(),
        Coverage::Paths { .. } => previous_paths,
    };
    for stale in &gone {
        paths.remove(stale);
    }
    paths.extend(made);
    Ok(Written {
        changed,
        manifest: Manifest {
            inputs: None,
            summaries: None,
            paths,
        },
    })
}

/// `docs/.papersift-files`: what the last build made and from what.
#[derive(Debug, Clone, Default)]
struct Manifest {
    /// The fingerprint of config, templates and papersift the site was built with.
    inputs: Option<String>,
    /// The digest of the day summaries it was built from.
    summaries: Option<String>,
    paths: BTreeSet<String>,
}

/// The manifest of the last build; `None` before the first build that kept one (whatever is at
/// a generated path then is taken as papersift's, as older versions made it).
fn read_manifest(out: &Path) -> Result<Option<Manifest>> {
    let path = out.join(MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let mut text = text;
    for list in nested_manifests(out)? {
        text.push_str(
            &std::fs::read_to_string(&list)
                .with_context(|| format!("cannot read {}", list.display()))?,
        );
    }
    let mut manifest = Manifest::default();
    for line in text.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix("# papersift ") {
            let mut parts = header.split_whitespace();
            manifest.inputs = parts.next().map(str::to_string);
            manifest.summaries = parts.next().map(str::to_string);
        } else if !line.is_empty() && !line.starts_with('#') && !line.contains("..") {
            manifest.paths.insert(line.to_string());
        }
    }
    Ok(Some(manifest))
}

/// A digest of the day summaries: the manifest names the summaries the site was built from.
fn digest(summaries: &BTreeMap<Date, DaySummary>) -> String {
    let json = serde_json::to_vec(&summaries.values().collect::<Vec<_>>())
        .expect("day summaries always serialise");
    crate::text::short_hash(&[&json])
}

/// A site path with `/` separators, as the manifest lists it.
fn site_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn refuse_to_overwrite_foreign_file(
    out: &Path,
    file: &OutputFile,
    relative: &str,
    previous: &Manifest,
) -> Result<()> {
    let path = out.join(&file.path);
    let foreign = !previous.paths.contains(relative)
        && path.is_file()
        && std::fs::read(&path).is_ok_and(|existing| existing != file.bytes);
    if foreign {
        bail!(
            "{} is not a file papersift generated (it is not in {}), and building would overwrite it: move it out of {}, then build again",
            path.display(),
            out.join(MANIFEST).display(),
            out.display()
        );
    }
    Ok(())
}

/// Day records read from `data/` as the render asks for them, the newest few kept (the home
/// page, feeds and topic pages read the same recent days), each summarised as it is read.
struct ArchiveSource {
    data_dir: PathBuf,
    kept: Mutex<Kept>,
    summaries: Mutex<BTreeMap<Date, DaySummary>>,
}

/// Records kept in memory, oldest-kept first.
#[derive(Default)]
struct Kept {
    order: VecDeque<Date>,
    records: HashMap<Date, Arc<DayRecord>>,
}

/// Records [`ArchiveSource`] keeps: a few weeks of days.
const KEPT_RECORDS: usize = 48;

impl ArchiveSource {
    fn new(data_dir: &Path) -> ArchiveSource {
        ArchiveSource {
            data_dir: data_dir.to_path_buf(),
            kept: Mutex::new(Kept::default()),
            summaries: Mutex::new(BTreeMap::new()),
        }
    }

    /// The summaries of every record read so far, from their content and file size.
    fn summaries_read(&self) -> BTreeMap<Date, DaySummary> {
        self.summaries
            .lock()
            .expect("no render thread panics")
            .clone()
    }
}

impl RecordSource for ArchiveSource {
    fn record(&self, date: Date) -> Result<Arc<DayRecord>> {
        if let Some(record) = self
            .kept
            .lock()
            .expect("no render thread panics")
            .records
            .get(&date)
        {
            return Ok(Arc::clone(record));
        }
        let path = record::record_path(&self.data_dir, date);
        let bytes = std::fs::metadata(&path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        let record = Arc::new(
            record::load(&self.data_dir, date)?
                .with_context(|| format!("{} is gone", path.display()))?,
        );
        self.summaries
            .lock()
            .expect("no render thread panics")
            .insert(date, render::summarize(&record, bytes));
        let mut kept = self.kept.lock().expect("no render thread panics");
        if kept.records.insert(date, Arc::clone(&record)).is_none() {
            kept.order.push_back(date);
        }
        while kept.order.len() > KEPT_RECORDS {
            if let Some(oldest) = kept.order.pop_front() {
                kept.records.remove(&oldest);
            }
        }
        Ok(record)
    }
}

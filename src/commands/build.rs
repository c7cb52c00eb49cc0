//! `papersift build`: re-renders all of `docs/` from `data/`, the templates and config.

use std::process::ExitCode;

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::record;

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
/// user's own pages) alone.
pub(crate) const MANIFEST: &str = ".papersift-files";

/// Re-renders `docs/` from `data/`, templates and config. Everything is rendered in memory
/// before the first write, so a template error never leaves a half-written site. Only files
/// papersift generated are rewritten or deleted: a file at a generated path that the manifest
/// does not list is the user's, and the build stops before writing anything. Returns the
/// number of files whose content changed.
pub(crate) fn build(config: &Config) -> Result<usize> {
    let data_dir = config.data_dir();
    let records = record::load_all(&data_dir)?;
    let prompts = record::load_prompt_snapshots(&data_dir)?;
    let files = crate::render::render_site(config, &records, &prompts)?;
    let out = config.output_dir();
    let previous = read_manifest(&out)?;
    if let Some(previous) = &previous {
        refuse_to_overwrite_foreign_files(&out, &files, previous)?;
    }
    // A killed run leaves its temporary files behind; none of ours is under way now.
    for dir in [&out, &data_dir] {
        let removed = crate::files::remove_stale_temp_files(dir)?;
        if removed > 0 {
            tracing::info!(removed, folder = %dir.display(), "removed stale temporary files");
        }
    }
    let mut changed = 0;
    for file in &files {
        if crate::files::write_atomic(&out.join(&file.path), &file.bytes)? {
            changed += 1;
        }
    }
    let generated: BTreeSet<String> = files
        .iter()
        .map(|file| file.path.to_string_lossy().replace('\\', "/"))
        .collect();
    let manifest: String = generated.iter().map(|path| format!("{path}\n")).collect();
    if crate::files::write_atomic(&out.join(MANIFEST), manifest.as_bytes())? {
        changed += 1;
    }
    // Pages papersift made before and makes no more (a removed topic, a changed layout).
    for stale in previous
        .iter()
        .flatten()
        .filter(|path| !generated.contains(*path))
    {
        let path = out.join(stale);
        if path.is_file() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove the stale page {}", path.display()))?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// The paths the last build generated; `None` before the first build that kept a manifest
/// (whatever is at a generated path then is taken as papersift's, as older versions made it).
fn read_manifest(out: &Path) -> Result<Option<BTreeSet<String>>> {
    let path = out.join(MANIFEST);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.contains(".."))
                .map(str::to_string)
                .collect(),
        )),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn refuse_to_overwrite_foreign_files(
    out: &Path,
    files: &[crate::render::OutputFile],
    previous: &BTreeSet<String>,
) -> Result<()> {
    for file in files {
        let relative = file.path.to_string_lossy().replace('\\', "/");
        let path = out.join(&file.path);
        let foreign = !previous.contains(&relative)
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
    }
    Ok(())
}

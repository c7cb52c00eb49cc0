//! `papersift build`: re-renders all of `docs/` from `data/`, the templates and config.

use std::process::ExitCode;

use anyhow::Result;

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

/// Re-renders `docs/` from `data/`, templates and config. Everything is rendered in memory
/// before the first write, so a template error never leaves a half-written site. Returns the
/// number of files whose content changed.
pub(crate) fn build(config: &Config) -> Result<usize> {
    let data_dir = config.data_dir();
    let records = record::load_all(&data_dir)?;
    let prompts = record::load_prompt_snapshots(&data_dir)?;
    let files = crate::render::render_site(config, &records, &prompts)?;
    let out = config.output_dir();
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
    Ok(changed)
}

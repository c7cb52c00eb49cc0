//! Render: the site model (days, months, years, neighbours) and every file of `docs/`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;

use crate::config::Config;
use crate::record::{DayRecord, PromptSnapshot};

/// One file of the built site, relative to the output folder.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Renders the whole site from the day records (oldest first) and the prompt snapshots they
/// name. Pure: no network, no writes.
pub fn render_site(
    config: &Config,
    records: &[DayRecord],
    prompts: &BTreeMap<String, PromptSnapshot>,
) -> Result<Vec<OutputFile>> {
    let _ = (config, records, prompts);
    anyhow::bail!("rendering is not implemented yet")
}

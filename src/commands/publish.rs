//! `papersift publish [--push]`: commits the data and output folders (and pushes), naming the
//! latest day in the message. The git work is the publish stage's.

use std::process::ExitCode;

use anyhow::Result;

use crate::config::Config;
use crate::publish::{self, Published};
use crate::record;

/// Commits (and pushes, when asked) and prints what happened.
pub fn execute(config: &Config, push: bool) -> Result<ExitCode> {
    let latest = record::load_all(&config.data_dir())?.pop();
    match publish::publish(config, latest.as_ref(), push)? {
        Published::NothingToCommit => {
            println!("nothing to publish: data/ and docs/ are unchanged")
        }
        Published::Committed { message, pushed } => {
            let pushed = if pushed { " (pushed)" } else { "" };
            println!("committed: {message}{pushed}")
        }
    }
    Ok(ExitCode::SUCCESS)
}

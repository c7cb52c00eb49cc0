//! The commands, one module each: what `papersift <command>` does, from parsed arguments to the
//! exit code. They call the stages in order; `main.rs` only parses and dispatches.

pub mod authors;
pub mod backfill;
pub mod build;
pub mod day;
pub mod doctor;
pub mod eval;
pub mod import;
pub mod labels;
pub mod profile;
pub mod publish;
pub(crate) mod report;
pub mod run;

use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::files::{self, FolderLock};

/// How long a command waits for another papersift on the same repository to finish.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// The exclusive lock of the repository's data folder, for every command that writes: two
/// runs at once would score a day twice and leave `docs/` out of step with `data/`.
pub(crate) fn lock_repository(config: &Config) -> Result<FolderLock> {
    let data = config.data_dir();
    match files::lock_folder(&data, LOCK_WAIT)? {
        Some(lock) => Ok(lock),
        None => bail!(
            "another papersift is running on this repository (it holds {}); waited {} s. Run again once it has finished",
            data.join(files::LOCK_FILE).display(),
            LOCK_WAIT.as_secs()
        ),
    }
}

/// The async runtime the network commands run on.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

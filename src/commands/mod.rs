//! The commands, one module each: what `papersift <command>` does, from parsed arguments to the
//! exit code. They call the stages in order; `main.rs` only parses and dispatches.

pub mod authors;
pub mod backfill;
pub mod build;
pub mod day;
pub mod doctor;
pub mod import;
pub mod publish;
pub(crate) mod report;
pub mod run;

use anyhow::{Context, Result};

/// The async runtime the network commands run on.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

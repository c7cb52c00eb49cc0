//! `papersift publish [--push]`: commits the data and output folders (and pushes), naming the
//! latest day in the message. When the push is rejected because the branch moved (another
//! machine or a manual run published meanwhile), generated files are never merged as text:
//! the branch moves onto the remote's, every local day record it lacks is written back over its data,
//! `docs/` is rebuilt from that union, and the commit is made again, a few times at most.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::publish::{self, PushOutcome};
use crate::record;

/// Pushes tried before giving up on a branch that keeps moving.
const PUSH_ATTEMPTS: usize = 3;

/// Commits (and pushes, when asked) and prints what happened.
pub fn execute(config: &Config, push: bool) -> Result<ExitCode> {
    let _lock = super::lock_repository(config)?;
    finish_interrupted_rebuild(config)?;
    let message = commit_message(config)?;
    let committed = publish::commit_generated(config, &message)?;
    // A publish committed earlier but never pushed (no --push, a failed push, a kill) is
    // still to be sent, even when nothing new was made since.
    let unpushed = push && !committed && publish::ahead_of_upstream(&config.root)?;
    if !committed && !unpushed {
        println!("nothing to publish: data/ and docs/ are unchanged");
        return Ok(ExitCode::SUCCESS);
    }
    if push {
        push_rebuilding_on_rejection(config, &message)?;
        if committed {
            println!("committed: {message} (pushed)");
        } else {
            println!("pushed the publishes committed here earlier ({message})");
        }
    } else {
        println!("committed: {message}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Moves onto the remote's branch, writes back every data file of `started_from` the remote
/// lacks, and rebuilds `docs/` from that union.
fn rebuild_on_remote(config: &Config, started_from: &str) -> Result<()> {
    let ours = publish::data_not_on_remote(config, started_from)?;
    publish::move_onto_remote(&config.root)?;
    for (path, bytes) in &ours {
        crate::files::write_atomic(path, bytes)?;
    }
    super::build::build(config).context("rebuilding docs/ on top of the remote's data failed")?;
    Ok(())
}

/// A publish killed while it rebuilt on the remote's branch left its starting commit in the
/// marker: the branch may hold the remote's commit with only part of the local days written
/// back, and `docs/` half built. The rebuild is done again from that commit, so the commit
/// that follows holds every local day and a `docs/` built from the data it commits.
fn finish_interrupted_rebuild(config: &Config) -> Result<()> {
    let marker = publish::rebuild_marker(&config.root)?;
    let Ok(started_from) = std::fs::read_to_string(&marker) else {
        return Ok(());
    };
    let started_from = started_from.trim().to_string();
    tracing::warn!(
        commit = %started_from,
        "an earlier publish was stopped while it rebuilt on the remote's branch; finishing it"
    );
    publish::fetch(&config.root)?;
    // The message of the publish that was stopped names the day it recorded.
    let message = publish::subject_of(&config.root, &started_from)?;
    rebuild_on_remote(config, &started_from)?;
    publish::commit_generated(config, &message)?;
    remove_marker(&marker)
}

fn remove_marker(marker: &std::path::Path) -> Result<()> {
    match std::fs::remove_file(marker) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(|| format!("cannot remove {}", marker.display())),
    }
}

/// The commit message, from the newest record only (not the whole archive).
fn commit_message(config: &Config) -> Result<String> {
    let data = config.data_dir();
    let latest = match record::last_date(&data)? {
        Some(date) => record::load(&data, date)?,
        None => None,
    };
    Ok(publish::commit_message(latest.as_ref()))
}

/// Pushes; when the branch moved, rebuilds on the remote's with every local day record it
/// lacks and commits again under the same `message` (the day this run recorded).
fn push_rebuilding_on_rejection(config: &Config, message: &str) -> Result<()> {
    for attempt in 1..=PUSH_ATTEMPTS {
        if publish::push(&config.root)? == PushOutcome::Pushed {
            return Ok(());
        }
        if attempt == PUSH_ATTEMPTS {
            break;
        }
        tracing::warn!(
            attempt,
            "push rejected: the branch moved; rebuilding on top of the remote"
        );
        publish::fetch(&config.root)?;
        let started_from = publish::head(&config.root)?;
        let marker = publish::rebuild_marker(&config.root)?;
        crate::files::write_atomic(&marker, started_from.as_bytes())?;
        rebuild_on_remote(config, &started_from)?;
        let committed = publish::commit_generated(config, message)?;
        remove_marker(&marker)?;
        if !committed {
            // The remote holds exactly what this run made: nothing left to push.
            return Ok(());
        }
    }
    bail!(
        "the push was rejected {PUSH_ATTEMPTS} times because the branch kept moving; the day is committed locally, run `papersift publish --push` again"
    )
}

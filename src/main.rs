//! The papersift command line: parses arguments, sets up logging, dispatches, maps errors to exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use jiff::civil::Date;
use papersift::commands::{self, run::RunOptions};
use papersift::{Config, ExitKind};

/// A full build allocates and frees millions of small strings on every core; glibc's
/// allocator spent a third of its CPU time on that (perf), mimalloc a fraction of it. Built
/// without transparent huge pages (`no_thp`): with them its first arena alone made a daily
/// run's peak memory 97 MB instead of 46 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A personalised daily arXiv digest: fetch the day's papers, score them against your
/// topics, and publish a static site into docs/.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// The config file; paths in it are relative to its folder.
    #[arg(long, global = true, default_value = "config.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The daily job: read today's arXiv feed, select and score papers, record the day in
    /// data/ and re-render docs/. Without --feed it fetches live from arXiv.
    Run {
        /// The page date you expect (YYYY-MM-DD); the run stops if the feed is of another day.
        #[arg(long)]
        date: Option<Date>,
        /// Read a recorded RSS feed file instead of fetching (repeatable; all of one day).
        #[arg(long = "feed", value_name = "FILE")]
        feeds: Vec<PathBuf>,
        /// With --feed: heal missed and failed recent days too (live runs always do).
        #[arg(long)]
        catch_up: bool,
    },
    /// Build day records for past page dates from the arXiv API (exact submission windows,
    /// paginated, 3 s between requests), then re-render. Days already recorded are skipped.
    Backfill {
        /// First page date (YYYY-MM-DD).
        #[arg(long)]
        from: Date,
        /// Last page date (YYYY-MM-DD), included.
        #[arg(long)]
        to: Date,
        /// Process only every N-th page date, starting at the K-th, and write day records
        /// without rendering (for parallel jobs; run `build` afterwards).
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
    },
    /// Re-render all of docs/ from data/, the templates and config. No network.
    Build,
    /// Import the archive of the tool papersift replaces (gpt_paper_assistant or
    /// ChatGPT-ArXiv-Paper-Assistant): every YYYY-MM-DD-output.json under DIR becomes a day
    /// record in data/, then docs/ is re-rendered. Other files are ignored.
    Import {
        /// The archive folder, e.g. the old repository's out/json (searched recursively).
        dir: PathBuf,
        /// Overwrite the records of days that data/ already has.
        #[arg(long)]
        force: bool,
    },
    /// Check the setup (config, categories, prompts, API key, Pages address, workflow, cost)
    /// and print each check with its fix. Exits non-zero when any check fails.
    Doctor {
        /// Also send the LLM endpoint one tiny request with the configured model.
        #[arg(long)]
        online: bool,
    },
    /// Followed authors: find an author's Semantic Scholar ID for `[[authors.follow]]`.
    Authors {
        #[command(subcommand)]
        command: AuthorsCommand,
    },
    /// The reader's labels ("want", "not for me"): import them from other tools, list them,
    /// count them. The site's "Send my marks" button adds them too.
    Labels {
        #[command(subcommand)]
        command: LabelsCommand,
    },
    /// How well the recorded picks agree with the reader's labels: want-recall, the share of
    /// "not for me" papers selected, precision, balanced accuracy, and the disagreements to look
    /// at when rewriting prompts/topics.md.
    Eval {
        /// First page date to count (YYYY-MM-DD).
        #[arg(long)]
        from: Option<Date>,
        /// Last page date to count (YYYY-MM-DD), included.
        #[arg(long)]
        to: Option<Date>,
        /// Print the figures as JSON, for scripts.
        #[arg(long)]
        json: bool,
        /// Score the labelled papers again with the current prompts and model (through the
        /// score cache, within llm.max_cost_usd) and show both tables side by side.
        #[arg(long)]
        rescore: bool,
    },
    /// The reader's profile, learned from the labels: what it learned from, the terms it weighs
    /// most for and against, and how well it agrees with newer labels when trained on older.
    Profile {
        #[command(subcommand)]
        command: Option<ProfileCommand>,
    },
    /// Commit data/ and docs/ with git, with a message naming the latest day and its counts.
    Publish {
        /// Push after committing (rebasing once if the branch moved meanwhile).
        #[arg(long)]
        push: bool,
    },
}

#[derive(Subcommand)]
enum LabelsCommand {
    /// Add labels from files: papersift's JSONL, BibTeX (.bib: every entry a "want"), Zotero's
    /// CSV export, or one arXiv ID or address a line (`-` or `!` before it: "not for me"; the
    /// file `-` reads standard input). Bad entries are named with file and line and skipped;
    /// exits 2 when nothing could be read.
    Import {
        /// The files to read.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Also take the imported archive's picks (`papersift import`) as "want" labels, marked
        /// `source: imported` (the old tool's LLM chose them, not you).
        #[arg(long)]
        from_archive: bool,
    },
    /// The labels in force, newest first: date, label, source, arXiv ID, title.
    List,
    /// Counts by source and label, the newest label, papers still waiting for their text, and
    /// label lines that could not be read.
    Stats,
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Why the profile scores one paper as it does: its score, the terms behind it and the
    /// wanted paper most like it.
    Explain {
        /// The paper's arXiv ID (or address).
        id: String,
    },
}

#[derive(Subcommand)]
enum AuthorsCommand {
    /// Look a name up on Semantic Scholar and print candidate author IDs for config.toml.
    ///
    /// Asks authors.s2_url for authors of that name and prints them best first (exact name,
    /// then h-index) with author ID, affiliations, paper count and h-index, then a
    /// `[[authors.follow]]` entry for the first to paste into config.toml. Sends the
    /// S2_API_KEY environment variable when set. Exits 3 when Semantic Scholar cannot be
    /// reached.
    Find {
        /// The author's name as arXiv prints it, quoted: "Petar Veličković".
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(papersift::secrets::RedactingStderr)
        .init();
    match dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!(
                "error: {}",
                papersift::secrets::redact(&format!("{error:#}"))
            );
            ExitCode::from(ExitKind::of(&error).map_or(1, ExitKind::code))
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(&cli.config).context(ExitKind::Config)?;
    match cli.command {
        Command::Run {
            date,
            feeds,
            catch_up,
        } => commands::run::execute(
            &config,
            &RunOptions {
                date,
                feeds,
                catch_up,
            },
        ),
        Command::Backfill { from, to, shard } => {
            commands::backfill::execute(&config, from, to, shard.as_deref())
        }
        Command::Build => commands::build::execute(&config),
        Command::Import { dir, force } => commands::import::execute(&config, &dir, force),
        Command::Doctor { online } => commands::doctor::execute(&config, online),
        Command::Authors {
            command: AuthorsCommand::Find { name },
        } => commands::authors::find(&config, &name),
        Command::Publish { push } => commands::publish::execute(&config, push),
        Command::Labels { command } => match command {
            LabelsCommand::Import {
                files,
                from_archive,
            } => {
                if files.is_empty() && !from_archive {
                    return Err(anyhow::anyhow!(
                        "name the files to import (BibTeX, Zotero CSV, JSONL, or arXiv IDs one a line; - for standard input), or pass --from-archive"
                    ))
                    .context(ExitKind::Config);
                }
                commands::labels::import(&config, &files, from_archive)
            }
            LabelsCommand::List => commands::labels::list(&config),
            LabelsCommand::Stats => commands::labels::stats(&config),
        },
        Command::Profile { command } => match command {
            None => commands::profile::summary(&config),
            Some(ProfileCommand::Explain { id }) => commands::profile::explain(&config, &id),
        },
        Command::Eval {
            from,
            to,
            json,
            rescore,
        } => commands::eval::execute(
            &config,
            &commands::eval::EvalOptions {
                from,
                to,
                json,
                rescore,
            },
        ),
    }
}

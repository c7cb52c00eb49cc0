//! Exit codes: the documented contract between papersift and the workflow that runs it.

use std::fmt;

/// Why a command failed, as the exit code tells it. Attached to an error as context, so the
/// cause chain still explains the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// 2: the config file or the command line is wrong.
    Config,
    /// 3: arXiv (or a feed file) could not be read.
    Fetch,
    /// 4: the LLM failed; nothing was published for that day.
    Llm,
    /// 5: a day is incomplete (partly scored, or stopped by the budget).
    Incomplete,
}

impl ExitKind {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitKind::Config => 2,
            ExitKind::Fetch => 3,
            ExitKind::Llm => 4,
            ExitKind::Incomplete => 5,
        }
    }

    /// The exit kind attached anywhere in an error's chain; `None` means exit code 1.
    pub fn of(error: &anyhow::Error) -> Option<ExitKind> {
        // anyhow's downcast looks through every context layer, and chain() finds it as a source.
        error.downcast_ref::<ExitKind>().copied().or_else(|| {
            error
                .chain()
                .find_map(|cause| cause.downcast_ref::<ExitKind>().copied())
        })
    }
}

impl fmt::Display for ExitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExitKind::Config => "configuration error",
            ExitKind::Fetch => "fetching the feed failed",
            ExitKind::Llm => "LLM scoring failed",
            ExitKind::Incomplete => "the day is incomplete",
        })
    }
}

impl std::error::Error for ExitKind {}

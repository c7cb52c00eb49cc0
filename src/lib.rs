//! papersift: a personalised daily arXiv digest. The pipeline is a straight line of stages,
//! fetch → select → score → record → render → publish; each stage is a module of its own.

pub mod calendar;
pub mod commands;
pub mod config;
pub mod exit;
pub mod fetch;
pub mod files;
pub mod http;
pub mod paper;
pub mod publish;
pub mod record;
pub mod render;
pub mod score;
pub mod select;
#[doc(hidden)]
pub mod testing;
pub mod text;

pub use config::Config;
pub use exit::ExitKind;

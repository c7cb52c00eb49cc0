//! papersift: a personalised daily arXiv digest. The pipeline is a straight line of stages,
//! fetch → select → score → record → render → publish; each stage is a module of its own.

pub mod calendar;
pub mod commands;
pub mod config;
pub mod exit;
pub mod fetch;
pub(crate) mod files;
pub(crate) mod http;
pub mod paper;
pub mod publish;
pub mod record;
pub(crate) mod render;
pub mod score;
pub mod secrets;
pub mod select;
#[cfg(test)]
mod testing;
pub(crate) mod text;

pub use config::Config;
pub use exit::ExitKind;

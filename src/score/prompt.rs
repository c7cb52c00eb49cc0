//! The user's prompt files in `prompts/`: loading them, and the topic keywords they name.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// File names in `prompts/`, in the order their text goes into a request.
pub const PROMPT_FILES: [&str; 4] = ["system.md", "topics.md", "criteria.md", "output-format.md"];

/// The text of the user's prompt files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prompts {
    /// Who the model is and what it does.
    pub system: String,
    /// What to keep and what to avoid; `Keywords:` lines feed the keyword scorer too.
    pub topics: String,
    /// How to grade relevance and novelty.
    pub criteria: String,
    /// The answer format (JSONL with ARXIVID, COMMENT, RELEVANCE, NOVELTY).
    pub output_format: String,
}

impl Prompts {
    /// Reads all four files; a missing or empty one is an error naming it.
    pub fn load(dir: &Path) -> Result<Prompts> {
        let read = |name: &str| -> Result<String> {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "cannot read prompt file {} (prompts/ needs {})",
                    path.display(),
                    PROMPT_FILES.join(", ")
                )
            })?;
            if text.trim().is_empty() {
                bail!(
                    "prompt file {} is empty: describe your interests there",
                    path.display()
                );
            }
            Ok(text.trim_end().to_string())
        };
        Ok(Prompts {
            system: read(PROMPT_FILES[0])?,
            topics: read(PROMPT_FILES[1])?,
            criteria: read(PROMPT_FILES[2])?,
            output_format: read(PROMPT_FILES[3])?,
        })
    }

    /// Phrases listed on `Keywords:` lines of the topics file (comma-separated), in order.
    pub fn topic_keywords(&self) -> Vec<String> {
        let mut keywords: Vec<String> = Vec::new();
        for line in self.topics.lines() {
            let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '*');
            let Some(rest) = line
                .get(..9)
                .filter(|head| head.eq_ignore_ascii_case("keywords:"))
                .map(|_| &line[9..])
            else {
                continue;
            };
            for phrase in rest.split(',') {
                let phrase = phrase.trim().trim_end_matches('.').trim_matches('*').trim();
                if !phrase.is_empty() && !keywords.iter().any(|k| k.eq_ignore_ascii_case(phrase)) {
                    keywords.push(phrase.to_string());
                }
            }
        }
        keywords
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_keywords_come_from_keyword_lines() {
        let prompts = Prompts {
            topics: "## Efficiency\nKeep pruning papers.\n- Keywords: pruning, quantization, Low-rank.\n\nkeywords: MoE, pruning\n".into(),
            ..Prompts::default()
        };
        assert_eq!(
            prompts.topic_keywords(),
            ["pruning", "quantization", "Low-rank", "MoE"]
        );
    }

    #[test]
    fn missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = Prompts::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("system.md"));
    }
}

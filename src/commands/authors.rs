//! `papersift authors find NAME`: Semantic Scholar's candidates for a name, best first, as a
//! table and a ready-to-paste `[[authors.follow]]` entry.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::exit::ExitKind;
use crate::fetch::s2::{AuthorCandidate, S2Client};
use crate::select::authors::fold_name;

/// `papersift authors find NAME`: an unreachable Semantic Scholar exits 3 with its own message.
pub fn find(config: &Config, name: &str) -> Result<ExitCode> {
    if name.trim().is_empty() {
        return Err(anyhow::anyhow!(
            "give the author's name, e.g. papersift authors find \"Yoshua Bengio\""
        ))
        .context(ExitKind::Config);
    }
    let client = S2Client::from_config(&config.authors).context(ExitKind::Config)?;
    match super::runtime()?.block_on(client.search_authors(name.trim())) {
        Ok(candidates) => {
            let ranked = rank(name, candidates);
            print!("{}", report(name, &ranked));
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("error: Semantic Scholar cannot be reached: {error:#}");
            Ok(ExitCode::from(ExitKind::Fetch.code()))
        }
    }
}

/// Orders candidates best first: those whose name is the queried name (after folding case,
/// accents and TeX) before the others, then by h-index and paper count. Semantic Scholar often
/// splits one person over several profiles; the big one is almost always the one to follow.
pub(crate) fn rank(query: &str, mut candidates: Vec<AuthorCandidate>) -> Vec<AuthorCandidate> {
    let folded_query = fold_name(query);
    candidates.sort_by(|a, b| {
        let exact = |c: &AuthorCandidate| fold_name(&c.name) == folded_query;
        exact(b)
            .cmp(&exact(a))
            .then_with(|| b.h_index.cmp(&a.h_index))
            .then_with(|| b.paper_count.cmp(&a.paper_count))
    });
    candidates
}

/// The whole report for the terminal: a table of `candidates` (already ranked) and the config
/// entry for the first. Text from Semantic Scholar is stripped of control characters.
pub(crate) fn report(query: &str, candidates: &[AuthorCandidate]) -> String {
    let query = printable(query.trim());
    let Some(top) = candidates.first() else {
        return format!(
            "Semantic Scholar knows no author named \"{query}\". Try another spelling, or follow the name without an s2_id.\n"
        );
    };
    let header = ["S2 author ID", "name", "affiliations", "papers", "h-index"].map(String::from);
    let rows: Vec<[String; 5]> = candidates
        .iter()
        .map(|c| {
            [
                printable(&c.author_id),
                printable(&c.name),
                if c.affiliations.is_empty() {
                    "-".to_string()
                } else {
                    printable(&c.affiliations.join("; "))
                },
                number(c.paper_count),
                number(c.h_index),
            ]
        })
        .collect();
    let mut out = format!(
        "Semantic Scholar authors for \"{query}\" ({} shown, best first):\n\n",
        candidates.len()
    );
    out.push_str(&table(&header, &rows));
    out.push_str("\nTo follow the first, add this to config.toml (check the profile first:\n");
    out.push_str(&format!(
        "{}):\n\n",
        top.url.as_deref().map_or_else(
            || format!(
                "https://www.semanticscholar.org/author/{}",
                printable(&top.author_id)
            ),
            printable
        )
    ));
    out.push_str(&follow_snippet(&query, top));
    out
}

/// A `[[authors.follow]]` entry naming the author as the user typed the name. Semantic
/// Scholar's spelling, when it differs, is offered as a commented-out alias: matching stays
/// exact, so only the user decides which spellings count.
pub(crate) fn follow_snippet(query: &str, candidate: &AuthorCandidate) -> String {
    let mut out = String::from("[[authors.follow]]\n");
    out.push_str(&format!("name = {}\n", toml_string(query)));
    out.push_str(&format!(
        "s2_id = {}\n",
        toml_string(&printable(&candidate.author_id))
    ));
    let s2_name = printable(&candidate.name);
    if !s2_name.is_empty() && fold_name(&s2_name) != fold_name(query) {
        out.push_str(&format!(
            "# Semantic Scholar spells it {}; uncomment if arXiv does too:\n# aliases = [{}]\n",
            toml_string(&s2_name),
            toml_string(&s2_name)
        ));
    }
    out
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn number(value: Option<u32>) -> String {
    value.map_or_else(|| "?".to_string(), |n| n.to_string())
}

/// Control characters (terminal escapes among them) become spaces.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Left-aligned columns separated by two spaces; the last two (numbers) right-aligned.
fn table(header: &[String; 5], rows: &[[String; 5]]) -> String {
    let mut widths = [0usize; 5];
    for row in std::iter::once(header).chain(rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                if column >= 3 {
                    format!("{cell:>width$}")
                } else {
                    format!("{cell:<width$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, name: &str, papers: u32, h: u32) -> AuthorCandidate {
        AuthorCandidate {
            author_id: id.into(),
            name: name.into(),
            affiliations: Vec::new(),
            paper_count: Some(papers),
            h_index: Some(h),
            url: None,
        }
    }

    #[test]
    fn exact_names_rank_first_then_by_h_index() {
        let ranked = rank(
            "Petar Veličković",
            vec![
                candidate("1", "P. Velickovic", 900, 90),
                candidate("2", "Petar Velickovic", 3, 1),
                candidate("3", "Petar Veličković", 120, 40),
            ],
        );
        let ids: Vec<&str> = ranked.iter().map(|c| c.author_id.as_str()).collect();
        assert_eq!(ids, ["3", "2", "1"]);
    }

    #[test]
    fn snippet_parses_as_config_and_offers_other_spellings_commented_out() {
        let snippet = follow_snippet(
            "Yoshua \"Y\" Bengio",
            &candidate("1751762", "Y. Bengio", 1, 1),
        );
        let config = crate::Config::parse(&format!("[authors]\n{snippet}")).unwrap();
        let followed = &config.authors.follow[0];
        assert_eq!(followed.name, "Yoshua \"Y\" Bengio");
        assert_eq!(followed.s2_id.as_deref(), Some("1751762"));
        assert!(followed.aliases.is_empty());
        assert!(snippet.contains("# aliases = [\"Y. Bengio\"]"), "{snippet}");

        let same = follow_snippet("yoshua bengio", &candidate("1", "Yoshua Bengio", 1, 1));
        assert!(!same.contains("aliases"), "{same}");
    }

    #[test]
    fn report_aligns_columns_and_strips_terminal_escapes() {
        let mut hostile = candidate("42", "Eve\u{1b}[2J Evil", 7, 3);
        hostile.affiliations = vec!["Lab\nInjected".into()];
        let text = report("Eve", &[candidate("1", "Eve Long-Name", 1200, 55), hostile]);
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(!text.contains("Lab\nInjected"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        let header = lines
            .iter()
            .position(|l| l.starts_with("S2 author ID"))
            .unwrap();
        // Right-aligned h-index column: every row ends at the header's end.
        let end = lines[header].len();
        assert_eq!(lines[header + 1].len(), end);
        assert!(lines[header + 1].ends_with(" 55"));
        assert!(lines[header + 2].ends_with("  3"));
        assert!(text.contains("https://www.semanticscholar.org/author/1"));
        assert!(text.contains("name = \"Eve\"\ns2_id = \"1\"\n"), "{text}");
    }

    #[test]
    fn no_candidates_says_so() {
        assert!(report("Nobody", &[]).contains("knows no author named \"Nobody\""));
    }
}

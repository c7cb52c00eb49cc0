//! `papersift profile [explain ID]`: what the reader's profile learned from, the terms it
//! weighs most for and against, how well it agrees with newer labels when trained on older
//! ones, and why it scores one paper as it does.

use std::collections::HashSet;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::exit::ExitKind;
use crate::score::profile::{self, Evidence, Example, Profile};

/// Terms listed each way.
const TERMS_SHOWN: usize = 15;

/// Share of the labelled days trained on in the time-ordered check; the newer rest is tested.
const TRAIN_SHARE: f64 = 0.8;

/// `papersift profile`.
pub fn summary(config: &Config) -> Result<ExitCode> {
    let examples = profile::examples(&config.data_dir(), &config.profile, profile::History::All)?;
    let profile = match Profile::train(&examples, &config.profile, true) {
        Ok(profile) => profile,
        Err(reason) => {
            println!("No profile yet: {reason}.");
            println!("{}", super::labels::no_labels_hint());
            return Ok(ExitCode::SUCCESS);
        }
    };
    let c = &profile.counts;
    println!(
        "Learned from {} \"want\" and {} \"not for me\" labels, {} papers the LLM selected (weight {}), {} picks of the replaced tool (weight {}), and {} scanned papers you did not mark ({} of them, the most like what you want, set aside as perhaps wanted); {} terms.",
        c.want,
        c.not_for_me,
        c.llm_picks,
        config.profile.llm_pick_weight,
        c.imported_picks,
        config.profile.imported_pick_weight,
        c.unmarked,
        c.doubted,
        profile.vocabulary_size()
    );
    if c.want < config.profile.min_wants {
        println!(
            "Your own \"want\" labels ({}) are fewer than profile.min_wants ({}): the profile ranks by what the LLM picked; the no-key scorer waits for your labels.",
            c.want, config.profile.min_wants
        );
    }
    let (positive, negative) = profile.top_terms(TERMS_SHOWN);
    println!("\nTerms that count for a paper:");
    print_terms(&positive);
    println!("\nTerms that count against it:");
    print_terms(&negative);
    println!("\n{}", time_split(&examples, config));
    Ok(ExitCode::SUCCESS)
}

fn print_terms(terms: &[(String, f64)]) {
    let line: Vec<String> = terms
        .iter()
        .map(|(term, weight)| format!("{} ({weight:+.2})", crate::text::one_line(term)))
        .collect();
    println!("  {}", line.join(", "));
}

/// Trains on the older labelled days and measures ROC-AUC on the newer ones: the agreement a
/// profile can be expected to have with labels it has not seen.
fn time_split(examples: &[Example], config: &Config) -> String {
    let label_days: Vec<_> = {
        let mut days: Vec<_> = examples
            .iter()
            .filter(|e| e.evidence == Evidence::Label)
            .map(|e| e.at)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        days.sort();
        days
    };
    if label_days.len() < 2 {
        return "Time-ordered check: your labels are all of one day; label papers on more days to measure how the profile does on labels it has not seen.".to_string();
    }
    let cut = label_days
        [((label_days.len() as f64 * TRAIN_SHARE) as usize).min(label_days.len() - 1) - 1];
    let (older, newer): (Vec<Example>, Vec<Example>) =
        examples.iter().cloned().partition(|e| e.at <= cut);
    let profile = match Profile::train(&older, &config.profile, true) {
        Ok(profile) => profile,
        Err(reason) => {
            return format!(
                "Time-ordered check: labels up to {cut} are too few to train on ({reason})."
            );
        }
    };
    let scored: Vec<(f64, bool)> = newer
        .iter()
        .filter(|e| {
            matches!(
                e.evidence,
                Evidence::Label | Evidence::Unmarked | Evidence::LlmPassed
            )
        })
        .map(|e| {
            (
                profile.score(&e.text.title, &e.text.abstract_text, &e.text.authors),
                e.wanted,
            )
        })
        .collect();
    let wanted = scored.iter().filter(|(_, y)| *y).count();
    match profile::roc_auc(&scored) {
        Some(auc) => format!(
            "Time-ordered check: trained on labels up to {cut}, it ranks the {} newer papers ({wanted} \"want\") at ROC-AUC {auc:.3} (1 is perfect, 0.5 chance).",
            scored.len()
        ),
        None => format!(
            "Time-ordered check: the papers after {cut} are all of one kind ({wanted} \"want\" of {}); no agreement to measure yet.",
            scored.len()
        ),
    }
}

/// `papersift profile explain ID`.
pub fn explain(config: &Config, id: &str) -> Result<ExitCode> {
    let id = crate::paper::parse_arxiv_id(id)
        .with_context(|| format!("{id:?} is not an arXiv ID such as 2510.01234"))
        .context(ExitKind::Config)?;
    let examples = profile::examples(&config.data_dir(), &config.profile, profile::History::All)?;
    let profile = match Profile::train(&examples, &config.profile, true) {
        Ok(profile) => profile,
        Err(reason) => {
            println!("No profile yet: {reason}.");
            return Ok(ExitCode::SUCCESS);
        }
    };
    let wanted: HashSet<String> = [id.clone()].into_iter().collect();
    let text = super::labels::archive_texts(&config.data_dir(), &wanted, None)?
        .remove(&id)
        .or_else(|| {
            examples
                .iter()
                .find(|e| e.text.id == id)
                .map(|e| e.text.clone())
        })
        .with_context(|| {
            format!(
                "{id} is in no recorded day, label or kept scanned day, so its text is unknown here"
            )
        })
        .context(ExitKind::Config)?;
    let score = profile.score(&text.title, &text.abstract_text, &text.authors);
    println!("{id}  {}", crate::text::one_line(&text.title));
    println!("profile score {score:.3} (0 to 1; higher: more like what you want)");
    println!("\nTerms behind it (weight × the term's share of the paper):");
    for (term, part) in profile.explain(&text.title, &text.abstract_text, &text.authors, 12) {
        println!("  {part:+.3}  {}", crate::text::one_line(&term));
    }
    match profile.nearest_wanted(&text.title, &text.abstract_text, &text.authors) {
        Some((near, similarity)) => println!(
            "\nThe wanted paper most like it: {}  {} (cosine {similarity:.2})",
            near.id,
            crate::text::one_line(&near.title)
        ),
        None => println!("\nNo wanted paper shares a term with it."),
    }
    Ok(ExitCode::SUCCESS)
}

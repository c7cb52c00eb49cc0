//! Benchmark: matching 50 followed authors (names plus initialled aliases) against every paper
//! of the 910-item feed. Run with
//! `cargo run --release --example bench_authors [FEED.xml]`; prints the median of 21 runs.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use papersift::config::FollowedAuthor;
use papersift::fetch::s2::S2Papers;
use papersift::select::{self, authors::FollowedAuthors};

const FEED: &str = "feeds/rss-cs.LG+cs.AI+cs.CL+stat.ML-2025-06-12-synthetic910.xml";
const FOLLOWED: usize = 50;
const RUNS: usize = 21;

fn main() -> Result<()> {
    let path = match std::env::args_os().nth(1) {
        Some(path) => PathBuf::from(path),
        None => Some(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/fixtures")
                .join(FEED),
        )
        .filter(|path| path.exists())
        .context("pass a feed file: the shared fixture is absent")?,
    };
    let xml = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let feed = papersift::fetch::rss::parse(&xml, "bench")?;
    let follow = followed_from_feed(&feed.items);
    let author_names: usize = feed.items.iter().map(|p| p.authors.len()).sum();

    let mut matched = 0;
    let matching = median_of(RUNS, || {
        let followed = FollowedAuthors::new(&follow);
        matched = feed
            .items
            .iter()
            .filter(|paper| !followed.matches(&paper.authors, &[]).is_empty())
            .count();
    });

    let mut config = papersift::Config::default();
    config.authors.follow = follow.clone();
    let (seen, s2) = (HashSet::new(), S2Papers::new());
    let whole_select = median_of(RUNS, || {
        std::hint::black_box(select::select(&feed.items, &config, &seen, &s2));
    });

    println!(
        "{} papers, {author_names} author names, {FOLLOWED} followed authors ({} spellings): {matched} papers matched",
        feed.items.len(),
        follow.iter().map(|a| 1 + a.aliases.len()).sum::<usize>()
    );
    println!("matching: median {:.2} ms of {RUNS} runs", ms(matching));
    println!(
        "whole select stage with those authors: median {:.2} ms of {RUNS} runs",
        ms(whole_select)
    );
    Ok(())
}

/// 50 distinct real names spread over the feed, each with its initialled form as an alias
/// ("Yoshua Bengio" → "Y. Bengio"), as a user following them would write.
fn followed_from_feed(papers: &[papersift::paper::Paper]) -> Vec<FollowedAuthor> {
    let names: Vec<&String> = papers.iter().flat_map(|p| &p.authors).collect();
    let step = (names.len() / FOLLOWED).max(1);
    let mut taken = HashSet::new();
    names
        .iter()
        .step_by(step)
        .filter(|name| name.split_whitespace().count() >= 2 && taken.insert(name.as_str()))
        .take(FOLLOWED)
        .map(|name| {
            let parts: Vec<&str> = name.split_whitespace().collect();
            let initial: String = parts[0].chars().take(1).collect();
            FollowedAuthor {
                name: name.to_string(),
                aliases: vec![format!("{initial}. {}", parts[parts.len() - 1])],
                s2_id: None,
            }
        })
        .collect()
}

fn median_of(runs: usize, mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

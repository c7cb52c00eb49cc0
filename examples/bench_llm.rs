//! Benchmark, not a test: the whole `papersift run` on the 910-item synthetic feed against a
//! loopback mock LLM with the shipped settings (`requests_per_minute = "auto"`): an account
//! that allows 500 calls in any rolling minute and says so in `x-ratelimit-*` headers, every
//! call taking 1 s plus 10 ms per output token; then re-run (a no-op, then from the score
//! cache alone); then an account of 60 a minute whose calls take 2 s; then one of 20 a minute.
//! Prints wall time, calls, 429s, tokens and cost at the default model's prices, next to the
//! tool papersift replaces.
//!
//!     cargo run --release --example bench_llm              # about 1 minute
//!     cargo run --release --example bench_llm -- --old     # also our code in the old tool's shape (~90 s more)
//!     cargo run --release --example bench_llm -- --quick batch_size=20 concurrency=16
//!     cargo run --release --example bench_llm -- --tldr    # the first run with [tldr] enabled
//!
//! Everything but the endpoint and the rate limit is the shipped default config; `KEY=VALUE`
//! arguments override `[llm]` keys (batch_size, title_batch_size, concurrency, abstract_chars)
//! to explore other settings, and `--quick` runs only the first 500-rpm run.

#[path = "../tests/support/mock_llm.rs"]
mod mock_llm;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use mock_llm::{Behaviour, MOCK_KEY, MockLlm, Stage};
use papersift::Config;
use papersift::commands::run::{self as pipeline, RunOptions};
use papersift::config::ModelPrice;
use papersift::record::{DayRecord, Decision};

const FEED: &str = "feeds/rss-cs.LG+cs.AI+cs.CL+stat.ML-2025-06-12-synthetic910.xml";
const RECORD: &str = "data/2025/06/12.json";
/// The benchmark's own key variable, so a real key in the environment is never touched.
const KEY_ENV: &str = "PAPERSIFT_BENCH_KEY";

/// The tool we replace on exactly this workload (8 sequential calls: 4 title batches of ~190,
/// 4 scoring batches of ~80 abstracts), tokens counted as characters / 4.
const OLD_SECONDS: f64 = 85.0;
const OLD_PROMPT: u64 = 139_000;
const OLD_CACHED: u64 = 8_700;
const OLD_COMPLETION: u64 = 7_500;
const OLD_ABSTRACTS: usize = 290;

/// Share of titles the mock's prefilter names irrelevant, set so the mock's workload is the
/// old tool's. Its 139k prompt tokens, in its layout ("ArXiv ID: X Title: T" per title;
/// "ArXiv ID / Title / Authors joined by 'and' / Abstract" per paper, 384 tokens on average
/// in this feed), hold the 598 titles (15.6k), about 8 × 1.5k of static prompt, and so about
/// 290 abstracts: 80 + 80 + 80 + 50, its "4 scoring batches of ~80". 54% leaves 290.
const TITLE_REJECT_PERMILLE: u32 = 540;

struct Figures {
    label: String,
    wall: Duration,
    requests: usize,
    rate_limited: usize,
    title_calls: usize,
    score_calls: usize,
    largest_batch: usize,
    max_in_flight: usize,
    prompt: u64,
    cached: u64,
    completion: u64,
    cost: Option<f64>,
    abstracts: usize,
    record: Option<DayRecord>,
    outcome: String,
    /// Files and bytes under data/cache/scores after the run.
    cache: (usize, u64),
}

fn main() -> Result<()> {
    // SAFETY: no other thread exists yet; the runtime starts below.
    unsafe {
        std::env::set_var(KEY_ENV, MOCK_KEY);
        std::env::remove_var("OPENAI_BASE_URL");
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = Options {
        old_shape: args.iter().any(|a| a == "--old"),
        quick: args.iter().any(|a| a == "--quick"),
        tldr: args.iter().any(|a| a == "--tldr"),
        overrides: args
            .iter()
            .filter_map(|a| a.split_once('='))
            .map(|(k, v)| {
                Ok((
                    k.to_string(),
                    v.parse::<usize>()
                        .with_context(|| format!("{k}={v}: not a number"))?,
                ))
            })
            .collect::<Result<Vec<_>>>()?,
    };
    let feed = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(FEED);
    anyhow::ensure!(
        feed.exists(),
        "the benchmark feed {} is missing: it needs ../shared/fixtures beside the repository",
        feed.display()
    );
    let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
    runtime.block_on(bench(&feed, &options))
}

struct Options {
    old_shape: bool,
    quick: bool,
    /// Only the first 500-rpm run, with `[tldr] enabled`: what the TL;DRs add.
    tldr: bool,
    /// `[llm]` keys set from the command line.
    overrides: Vec<(String, usize)>,
}

impl Options {
    fn apply(&self, llm: &mut papersift::config::LlmConfig) -> Result<()> {
        for (key, value) in &self.overrides {
            let slot = match key.as_str() {
                "batch_size" => &mut llm.batch_size,
                "title_batch_size" => &mut llm.title_batch_size,
                "concurrency" => &mut llm.concurrency,
                "abstract_chars" => &mut llm.abstract_chars,
                other => anyhow::bail!("cannot override {other}"),
            };
            *slot = *value;
        }
        Ok(())
    }
}

async fn bench(feed: &Path, options: &Options) -> Result<()> {
    let price = Config::default()
        .model_price()
        .context("the default model has a price")?;
    let mut all = Vec::new();

    let fast = Scenario::new(Account::FAST, options).await?;
    if options.tldr {
        return bench_tldr(&fast, feed, &price).await;
    }
    all.push(fast.run(feed, "500 rpm, first run").await?);
    if options.quick {
        print_table(&all, &price);
        print_targets(&all, &price);
        return Ok(());
    }
    all.push(fast.run(feed, "500 rpm, re-run (day recorded)").await?);
    std::fs::remove_file(fast.repo.path().join(RECORD)).context("removing the record")?;
    let _ = std::fs::remove_dir_all(fast.repo.path().join("docs"));
    all.push(
        fast.run(feed, "500 rpm, re-run (record deleted: cache only)")
            .await?,
    );

    let limited = Scenario::new(Account::SIXTY, options).await?;
    all.push(limited.run(feed, "60 rpm (2 s a call), first run").await?);
    let small = Scenario::new(Account::TWENTY, options).await?;
    all.push(small.run(feed, "20 rpm, first run").await?);

    if options.old_shape {
        let old = Scenario::new(
            Account::FAST,
            &Options {
                overrides: Vec::new(),
                ..*options
            },
        )
        .await?;
        old.tweak(|llm| {
            llm.title_batch_size = 190;
            llm.batch_size = 80;
            llm.concurrency = 1;
        })?;
        all.push(
            old.run(feed, "old tool's shape: 190/80 batches, 1 at a time")
                .await?,
        );
    }

    print_table(&all, &price);
    print_targets(&all, &price);
    Ok(())
}

/// The repository's own config.toml, as a fork ships it.
fn shipped_config() -> Result<Config> {
    Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml"))
}

/// The provider account a scenario runs against: calls allowed in any rolling minute (and
/// reported in headers), and how long a call takes.
#[derive(Clone, Copy)]
struct Account {
    per_minute: u32,
    call_latency: Duration,
    token_latency: Duration,
}

impl Account {
    const FAST: Account = Account {
        per_minute: 500,
        call_latency: Duration::from_secs(1),
        token_latency: Duration::from_millis(10),
    };
    const SIXTY: Account = Account {
        per_minute: 60,
        call_latency: Duration::from_secs(2),
        token_latency: Duration::ZERO,
    };
    const TWENTY: Account = Account {
        per_minute: 20,
        call_latency: Duration::from_secs(1),
        token_latency: Duration::from_millis(10),
    };
}

/// A temp repository with the shipped prompts and a config pointing at a fresh mock.
struct Scenario {
    repo: tempfile::TempDir,
    mock: MockLlm,
}

/// The first run with `[tldr] enabled`: scoring as usual, then the TL;DRs of the selected
/// papers, with their own calls, tokens and cost.
async fn bench_tldr(scenario: &Scenario, feed: &Path, price: &ModelPrice) -> Result<()> {
    let path = scenario.repo.path().join("config.toml");
    let mut config = Config::load(&path)?;
    config.tldr.enabled = true;
    std::fs::write(
        &path,
        toml::to_string(&config).context("serialising the config")?,
    )?;
    let figures = scenario
        .run(feed, "500 rpm, first run, [tldr] enabled")
        .await?;
    let record = figures.record.context("the run wrote no record")?;
    let tldr = record.tldr.context("the record has no TL;DR account")?;
    let calls = scenario.mock.calls();
    let tldr_calls = calls.iter().filter(|c| c.stage == Stage::Tldr).count();
    let largest = calls
        .iter()
        .filter(|c| c.stage == Stage::Tldr)
        .map(|c| c.ids.len())
        .max()
        .unwrap_or(0);
    let usage = &tldr.usage;
    let cost = |prompt: u64, cached: u64, completion: u64| {
        (prompt.saturating_sub(cached) as f64 * price.input
            + cached as f64 * price.cached_input.unwrap_or(price.input)
            + completion as f64 * price.output)
            / 1_000_000.0
    };
    println!(
        "TL;DRs ({}): {} written, {} missing, {tldr_calls} calls (at most {largest} papers each), {} prompt / {} cached / {} completion tokens, ${:.4} (scoring: ${:.4}); whole run {:.1} s",
        tldr.language,
        tldr.written,
        tldr.missing,
        usage.prompt_tokens,
        usage.cached_prompt_tokens,
        usage.completion_tokens,
        cost(
            usage.prompt_tokens,
            usage.cached_prompt_tokens,
            usage.completion_tokens
        ),
        record.usage.cost_usd.unwrap_or(0.0),
        figures.wall.as_secs_f64()
    );
    Ok(())
}

impl Scenario {
    async fn new(account: Account, options: &Options) -> Result<Scenario> {
        let mock = MockLlm::start(Behaviour {
            call_latency: account.call_latency,
            token_latency: account.token_latency,
            title_reject_permille: TITLE_REJECT_PERMILLE,
            window: Some(account.per_minute),
            ..Behaviour::default()
        })
        .await;
        let repo = tempfile::tempdir().context("temp repo")?;
        let prompts = repo.path().join("prompts");
        std::fs::create_dir(&prompts)?;
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
        for entry in std::fs::read_dir(&shipped)? {
            let entry = entry?;
            std::fs::copy(entry.path(), prompts.join(entry.file_name()))?;
        }
        let scenario = Scenario { repo, mock };
        let mut overridden = shipped_config()?.llm;
        options.apply(&mut overridden)?;
        scenario.tweak(|llm| {
            llm.batch_size = overridden.batch_size;
            llm.title_batch_size = overridden.title_batch_size;
            llm.concurrency = overridden.concurrency;
            llm.abstract_chars = overridden.abstract_chars;
        })?;
        Ok(scenario)
    }

    /// Writes config.toml: the shipped config.toml (rate limits learnt from the mock's headers),
    /// the mock's URL, plus `change`.
    fn tweak(&self, change: impl FnOnce(&mut papersift::config::LlmConfig)) -> Result<()> {
        let mut config = shipped_config()?;
        config.llm.base_url = self.mock.base_url();
        config.llm.api_key_env = KEY_ENV.into();
        change(&mut config.llm);
        let text = toml::to_string(&config).context("serialising the config")?;
        std::fs::write(self.repo.path().join("config.toml"), text)?;
        Ok(())
    }

    async fn run(&self, feed: &Path, label: &str) -> Result<Figures> {
        let config = Config::load(&self.repo.path().join("config.toml"))?;
        let calls_before = self.mock.calls().len();
        let start = Instant::now();
        let result = pipeline::run(
            &config,
            &RunOptions {
                date: None,
                feeds: vec![feed.to_path_buf()],
                catch_up: false,
            },
        )
        .await;
        let wall = start.elapsed();
        let outcome = match &result {
            Ok(report) => report.summary(),
            Err(error) => format!("run failed: {error:#}"),
        };
        let calls: Vec<_> = self.mock.calls().split_off(calls_before);
        let record = read_record(&self.repo.path().join(RECORD));
        // A day already recorded returns without a status and without scoring.
        let ran_scoring = result.as_ref().map_or(true, |report| {
            report.days.iter().any(|day| day.status.is_some())
        });
        let usage = record
            .as_ref()
            .filter(|_| ran_scoring)
            .map(|r| r.usage.clone())
            .unwrap_or_default();
        Ok(Figures {
            label: label.to_string(),
            wall,
            requests: calls.len(),
            rate_limited: calls.iter().filter(|c| c.status == 429).count(),
            title_calls: calls.iter().filter(|c| c.stage == Stage::Title).count(),
            score_calls: calls.iter().filter(|c| c.stage == Stage::Score).count(),
            largest_batch: calls
                .iter()
                .filter(|c| c.stage == Stage::Score)
                .map(|c| c.ids.len())
                .max()
                .unwrap_or(0),
            max_in_flight: calls.iter().map(|c| c.in_flight).max().unwrap_or(0),
            prompt: usage.prompt_tokens,
            cached: usage.cached_prompt_tokens,
            completion: usage.completion_tokens,
            cost: if ran_scoring {
                usage.cost_usd
            } else {
                Some(0.0)
            },
            abstracts: calls
                .iter()
                .filter(|c| c.stage == Stage::Score && c.status == 200)
                .map(|c| c.ids.len())
                .sum(),
            record,
            outcome,
            cache: folder_size(&self.repo.path().join("data/cache/scores")),
        })
    }
}

fn folder_size(dir: &Path) -> (usize, u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    entries.flatten().fold((0, 0), |(files, bytes), entry| {
        let path = entry.path();
        if path.is_dir() {
            let (f, b) = folder_size(&path);
            (files + f, bytes + b)
        } else {
            (files + 1, bytes + entry.metadata().map_or(0, |m| m.len()))
        }
    })
}

fn read_record(path: &PathBuf) -> Option<DayRecord> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

fn old_cost(price: &ModelPrice) -> f64 {
    ((OLD_PROMPT - OLD_CACHED) as f64 * price.input
        + OLD_CACHED as f64 * price.cached_input.unwrap_or(price.input)
        + OLD_COMPLETION as f64 * price.output)
        / 1e6
}

fn print_table(all: &[Figures], price: &ModelPrice) {
    println!(
        "\nprices (USD per million tokens, default model): input {}, cached input {}, output {}\n",
        price.input,
        price.cached_input.unwrap_or(price.input),
        price.output
    );
    println!(
        "{:<48} {:>7} {:>6} {:>4} {:>11} {:>6} {:>4} {:>8} {:>8} {:>8} {:>9} {:>9}",
        "run",
        "wall s",
        "calls",
        "429",
        "title+score",
        "batch",
        "par",
        "prompt",
        "cached",
        "output",
        "abstracts",
        "cost $"
    );
    println!(
        "{:<48} {:>7.1} {:>6} {:>4} {:>11} {:>6} {:>4} {:>8} {:>8} {:>8} {:>9} {:>9.4}",
        "the tool we replace (given)",
        OLD_SECONDS,
        8,
        "",
        "4+4",
        "~80",
        1,
        OLD_PROMPT,
        OLD_CACHED,
        OLD_COMPLETION,
        format!("~{OLD_ABSTRACTS}"),
        old_cost(price)
    );
    for f in all {
        println!(
            "{:<48} {:>7.1} {:>6} {:>4} {:>11} {:>6} {:>4} {:>8} {:>8} {:>8} {:>9} {:>9}",
            f.label,
            f.wall.as_secs_f64(),
            f.requests,
            f.rate_limited,
            format!("{}+{}", f.title_calls, f.score_calls),
            f.largest_batch,
            f.max_in_flight,
            f.prompt,
            f.cached,
            f.completion,
            f.abstracts,
            f.cost.map_or("unknown".to_string(), |c| format!("{c:.4}"))
        );
    }
    println!();
    for f in all {
        let counts = f.record.as_ref().map(|r| {
            let title_rejected = r
                .papers
                .iter()
                .filter(|p| {
                    p.reason
                        .as_deref()
                        .is_some_and(|reason| reason.starts_with("title prefilter"))
                })
                .count();
            let decided = |decision| r.papers.iter().filter(|p| p.decision == decision).count();
            format!(
                "{} papers recorded: selected {}, filtered {} ({} by title), unscored {}",
                r.papers.len(),
                decided(Decision::Selected),
                decided(Decision::Filtered),
                title_rejected,
                decided(Decision::Unscored)
            )
        });
        println!(
            "{}: {}; score cache {} files, {} KB\n    {}",
            f.label,
            counts.unwrap_or_else(|| "no record".into()),
            f.cache.0,
            f.cache.1 / 1024,
            f.outcome.replace('\n', "\n    ")
        );
    }
}

fn print_targets(all: &[Figures], price: &ModelPrice) {
    let old = old_cost(price);
    println!("\ntargets:");
    if let Some(fast) = all.first() {
        let cost = fast.cost.unwrap_or(f64::NAN);
        println!(
            "  500 rpm wall time {:.1} s, {} answers of 429 (target ≤ 9 s, no 429): {}",
            fast.wall.as_secs_f64(),
            fast.rate_limited,
            verdict(fast.wall.as_secs_f64() <= 9.0 && fast.rate_limited == 0)
        );
        println!(
            "  cost ${cost:.4} (target ≤ ${old:.4}, the old tool's tokens at the same prices): {}",
            verdict(cost <= old)
        );
        println!(
            "  largest scoring batch {} abstracts (the old tool's 80 lost papers)",
            fast.largest_batch
        );
    }
    if let Some(limited) = all.iter().find(|f| f.label.starts_with("60 rpm")) {
        println!(
            "  60 rpm, 2 s a call: {} calls in {:.1} s, {} answers of 429 (target ≤ 8 s): {}",
            limited.requests,
            limited.wall.as_secs_f64(),
            limited.rate_limited,
            verdict(limited.wall.as_secs_f64() <= 8.0)
        );
    }
    if let Some(small) = all.iter().find(|f| f.label.starts_with("20 rpm")) {
        println!(
            "  20 rpm: {} calls in {:.1} s, {} answers of 429 (target ≤ 2): {}",
            small.requests,
            small.wall.as_secs_f64(),
            small.rate_limited,
            verdict(small.rate_limited <= 2)
        );
    }
    for f in all.iter().filter(|f| f.label.contains("re-run")) {
        println!(
            "  {}: {} calls (target 0): {}",
            f.label,
            f.requests,
            verdict(f.requests == 0)
        );
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

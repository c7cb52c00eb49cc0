//! `config.toml`: the user's settings, their defaults, and validation with errors that name the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::paper::AnnounceType;

/// The whole `config.toml`. Every table is optional; missing keys take the documented defaults.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub site: SiteConfig,
    pub arxiv: ArxivConfig,
    pub keywords: KeywordsConfig,
    pub authors: AuthorsConfig,
    pub llm: LlmConfig,
    pub selection: SelectionConfig,
    pub notify: NotifyConfig,
    pub tldr: TldrConfig,
    pub labels: LabelsConfig,
    pub profile: ProfileConfig,
    /// The folder `config.toml` lives in; relative paths in the config resolve against it.
    #[serde(skip)]
    pub root: PathBuf,
}

/// `[labels]`: what the reader's marks and the scanned papers they are learned from keep.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LabelsConfig {
    /// Announcement days whose scanned papers' text `data/scanned/` keeps (at least 20).
    pub scanned_days: usize,
    /// Papers whose text `run` asks the arXiv API for at most, for labels that came without.
    pub fill_per_run: usize,
}

impl Default for LabelsConfig {
    fn default() -> Self {
        Self {
            scanned_days: 20,
            fill_per_run: 200,
        }
    }
}

/// `[profile]`: the model of the reader learned from the labels.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileConfig {
    /// "Want" labels (with a known text) a profile needs before it is used.
    pub min_wants: usize,
    /// Weight of a paper the LLM selected on a recorded day, as evidence of what is wanted
    /// (a label of the reader's own weighs 1; 0 leaves such papers out).
    pub llm_pick_weight: f64,
    /// Weight of a pick of the replaced tool (`labels import --from-archive`, imported days).
    pub imported_pick_weight: f64,
    /// Unmarked scanned papers learned from as "not wanted", at most (an even sample).
    pub max_unmarked: usize,
    /// The share of the unmarked papers, those the profile first rates most like the wanted
    /// ones, that it does not learn from as "not wanted" (they may be papers you would have
    /// marked); it is then trained again without them. 0: learn from all.
    pub unmarked_doubt: f64,
    /// Inverse regularisation strength of the logistic regression.
    pub c: f64,
    /// Recorded days (counted back from the newest) whose LLM picks a run learns from: a run
    /// reads these records, not the whole archive.
    pub history_days: u32,
    /// Without an API key: the papers a day ranked by the profile selects (the best ones).
    pub select: usize,
    /// Without an API key: select the papers whose profile score reaches this instead (0-1).
    pub threshold: Option<f64>,
    /// "You may also like": at most this many papers of the profile's own best
    /// `profile.select` of the day that the day left out, under the day's papers and in the
    /// e-mail (0: none).
    pub also_like: usize,
    /// Titles of the reader's newest "want" and "not for me" labels, at most this many of
    /// each, end the static part of the LLM's scoring prompt (0: none).
    pub prompt_examples: usize,
    /// With an API key: before the LLM, cut the papers the profile is surest it would not
    /// select (the cascade). Needs a profile (the reader's labels or the LLM's own picks) and
    /// enough recorded picks to calibrate the cut.
    pub cascade: bool,
    /// The share of the LLM's own selections the cascade's cut aims to keep, judged on the
    /// recorded days.
    pub cascade_recall: f64,
    /// A cut that would drop more than this share of a day's papers is not trusted: the LLM
    /// reads the whole day.
    pub cascade_max_cut: f64,
    /// Recorded LLM picks (with a profile score) the cascade needs before it cuts anything.
    pub cascade_min_picks: usize,
    /// Of the papers the cut drops, this share (chosen by ID) is read by the LLM all the same,
    /// so the cut's recall keeps being measured on papers it would have dropped.
    pub cascade_audit: f64,
    /// With an API key: also rank by embedding similarity to the wanted papers, through the
    /// LLM's endpoint and key (`POST /embeddings`), e.g. "text-embedding-3-small". Unset:
    /// nothing is sent anywhere.
    pub embeddings_model: Option<String>,
    /// The vector size asked for (`dimensions`); unset: the model's own. Smaller vectors keep
    /// `data/embeddings/` small.
    pub embeddings_dimensions: Option<u32>,
    /// The similarity's share of a paper's profile score (0-1).
    pub embeddings_weight: f64,
    /// Texts per embeddings request.
    pub embeddings_batch: usize,
}

impl Default for ProfileConfig {
    fn default() -> Self {
        Self {
            min_wants: 10,
            llm_pick_weight: 0.3,
            imported_pick_weight: 0.3,
            max_unmarked: 2500,
            unmarked_doubt: 0.3,
            c: 0.5,
            history_days: 30,
            select: 20,
            threshold: None,
            also_like: 5,
            prompt_examples: 6,
            cascade: true,
            cascade_recall: 0.97,
            cascade_max_cut: 0.75,
            cascade_min_picks: 50,
            cascade_audit: 0.05,
            embeddings_model: None,
            embeddings_dimensions: Some(256),
            embeddings_weight: 0.3,
            embeddings_batch: 100,
        }
    }
}

/// `[tldr]`: a short summary of each selected paper, in the reader's language, by the LLM.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TldrConfig {
    pub enabled: bool,
    /// Any language name; passed to the model as written ("English", "Deutsch", "简体中文").
    pub language: String,
    pub max_words: u32,
    /// Selected papers summarised per call.
    pub batch_size: usize,
}

impl Default for TldrConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            language: "English".into(),
            max_words: 40,
            batch_size: 15,
        }
    }
}

/// `[site]`: what the generated site is called, where it lives, and where inputs and outputs are.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub data_dir: PathBuf,
    pub output_dir: PathBuf,
    pub templates_dir: PathBuf,
    pub prompts_dir: PathBuf,
    /// How many recent days the home page lists (the feeds carry the newest whole days instead).
    pub recent_days: usize,
    /// How many top papers a monthly overview shows in all.
    pub month_top_papers: usize,
    /// How many of them one topic may have.
    pub month_top_per_topic: usize,
    /// How many of the day's best papers the spotlight above the topic sections shows (0: none).
    pub spotlight: usize,
    /// The site's own GitHub repository, `OWNER/REPO`: the "Send my marks" button opens GitHub's
    /// editor there. Empty: the button offers the file as a download instead.
    pub repository: String,
    /// The branch the marks are committed to.
    pub branch: String,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            title: "Personalized Daily ArXiv Papers".into(),
            base_url: "https://YOUR-NAME.github.io/YOUR-REPO/".into(),
            data_dir: "data".into(),
            output_dir: "docs".into(),
            templates_dir: "site-templates".into(),
            prompts_dir: "prompts".into(),
            recent_days: 14,
            month_top_papers: 48,
            month_top_per_topic: 12,
            spotlight: 5,
            repository: String::new(),
            branch: "main".into(),
        }
    }
}

/// `[arxiv]`: which categories to read and where arXiv's services are.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ArxivConfig {
    pub categories: Vec<String>,
    /// Announce types to keep: any of `new`, `cross`, `replace`, `replace-cross`.
    pub announce_types: Vec<AnnounceType>,
    pub rss_url: String,
    pub api_url: String,
    /// Papers recorded on any of this many earlier days are skipped.
    pub seen_lookback_days: u32,
    pub catch_up_days: u32,
    /// Page dates (`YYYY-MM-DD`, the date the feed and arXiv's listing would have carried) on
    /// which arXiv makes no announcement. Their submissions roll into the next page's window;
    /// see `calendar` for the schedule. arXiv publishes its holiday schedule each year; the
    /// defaults only cover the Christmas and New Year days of 2026/27.
    pub holidays: Vec<String>,
    /// A feed whose kept papers were recorded already in at least this fraction is a stale re-serve.
    pub stale_fraction: f64,
    pub timeout_secs: u64,
    pub max_retries: u32,
    /// Pause between arXiv API requests; arXiv asks for 3 seconds.
    pub api_pause_ms: u64,
}

impl Default for ArxivConfig {
    fn default() -> Self {
        Self {
            categories: vec![
                "cs.LG".into(),
                "cs.AI".into(),
                "cs.CL".into(),
                "stat.ML".into(),
            ],
            announce_types: vec![AnnounceType::New, AnnounceType::Cross],
            rss_url: "https://rss.arxiv.org/rss/".into(),
            api_url: "https://export.arxiv.org/api/query".into(),
            seen_lookback_days: 14,
            catch_up_days: 10,
            holidays: vec!["2026-12-25".into(), "2027-01-01".into()],
            stale_fraction: 0.9,
            timeout_secs: 60,
            max_retries: 4,
            api_pause_ms: 3000,
        }
    }
}

/// `[keywords]`: whole-word, case-insensitive phrase rules over title and abstract.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct KeywordsConfig {
    /// Phrases that make a paper interesting; the keyword scorer ranks by them.
    pub include: Vec<String>,
    /// Phrases that filter a paper out before scoring, with the phrase recorded as the reason.
    pub exclude: Vec<String>,
}

/// `[authors]`: followed authors and the optional Semantic Scholar lookup.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AuthorsConfig {
    pub semantic_scholar: bool,
    pub s2_url: String,
    pub h_index_min: u32,
    pub follow: Vec<FollowedAuthor>,
}

impl Default for AuthorsConfig {
    fn default() -> Self {
        Self {
            semantic_scholar: false,
            s2_url: "https://api.semanticscholar.org/graph/v1".into(),
            h_index_min: 0,
            follow: Vec::new(),
        }
    }
}

/// One `[[authors.follow]]` entry.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FollowedAuthor {
    pub name: String,
    pub aliases: Vec<String>,
    pub s2_id: Option<String>,
}

/// `[llm]`: the OpenAI-compatible endpoint, batching, limits and prices.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    pub base_url: String,
    /// Whose API `base_url` is, for its quirks; `auto` tells by the host name.
    pub provider: ProviderSetting,
    pub model: String,
    pub api_key_env: String,
    /// `None` (the default) sends no temperature: the provider's default. A value is sent as
    /// given, also to models that accept only their default (the API's refusal then names it).
    pub temperature: Option<f64>,
    /// A cap on each answer's length; sent as `max_completion_tokens` to reasoning models.
    pub max_tokens: Option<u32>,
    /// How hard a reasoning model (gpt-5, o1, o3, o4 families) thinks before answering; never
    /// sent to other models. `low` by default: the provider's `medium` multiplies the cost.
    pub reasoning_effort: ReasoningEffort,
    pub title_filter: bool,
    pub title_batch_size: usize,
    pub batch_size: usize,
    pub concurrency: usize,
    /// `auto` (the default): follow the provider's rate-limit headers. A number: at most that
    /// many calls in any rolling minute, whatever the provider says.
    pub requests_per_minute: RequestsPerMinute,
    /// 0 (the default): follow the provider's token headers; a number caps tokens a minute.
    pub tokens_per_minute: u32,
    pub timeout_secs: u64,
    pub max_retries: u32,
    pub abstract_chars: usize,
    pub structured_output: bool,
    pub max_cost_usd: f64,
    /// USD per million tokens, by model name.
    pub pricing: BTreeMap<String, ModelPrice>,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            base_url: "https://api.openai.com/v1".into(),
            provider: ProviderSetting::Auto,
            model: "gpt-4.1-mini".into(),
            api_key_env: "OPENAI_API_KEY".into(),
            temperature: None,
            max_tokens: None,
            reasoning_effort: ReasoningEffort::Low,
            title_filter: true,
            // Measured on the 910-item day (examples/bench_llm.rs, shipped config.toml): 100
            // titles a call keep the prefilter to 5 calls; 16 abstracts a call stay well inside
            // what models answer reliably (and under 8k input tokens, GitHub Models' free-tier
            // cap); 32 in flight let a day's 28 calls run in two waves (7.5 s at 500 calls a
            // minute; 12 in flight took 11.9 s). Abstracts are cut at 1150 characters, at a
            // sentence end: the day then costs $0.064 instead of $0.075 with whole abstracts.
            title_batch_size: 100,
            batch_size: 16,
            concurrency: 32,
            requests_per_minute: RequestsPerMinute::Auto,
            tokens_per_minute: 0,
            timeout_secs: 120,
            max_retries: 4,
            abstract_chars: 1150,
            structured_output: false,
            max_cost_usd: 2.0,
            pricing: BTreeMap::new(),
        }
    }
}

/// `llm.reasoning_effort`: the closed set OpenAI's reasoning models take (`none` only from
/// gpt-5.1 on, `minimal` only on gpt-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningEffort {
    None,
    Minimal,
    #[default]
    Low,
    Medium,
    High,
}

impl ReasoningEffort {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasoningEffort::None => "none",
            ReasoningEffort::Minimal => "minimal",
            ReasoningEffort::Low => "low",
            ReasoningEffort::Medium => "medium",
            ReasoningEffort::High => "high",
        }
    }
}

/// `llm.provider`: whose API the endpoint is. `auto` (the default) tells by the host name; name
/// one for a custom domain or proxy in front of a known provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderSetting {
    #[default]
    Auto,
    OpenAi,
    Azure,
    GitHub,
    DeepSeek,
    OpenRouter,
    Gemini,
    Ollama,
    /// Any other OpenAI-compatible server (vLLM, LM Studio, llama.cpp, LiteLLM).
    Compatible,
}

/// `llm.requests_per_minute`: `"auto"` or a hard cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestsPerMinute {
    /// Follow the provider's `x-ratelimit-*` headers and `Retry-After`.
    #[default]
    Auto,
    /// At most this many calls in any 60 seconds (and fewer when the provider says so).
    Cap(u32),
}

impl RequestsPerMinute {
    /// The configured cap, `None` for `auto`.
    pub fn cap(self) -> Option<u32> {
        match self {
            RequestsPerMinute::Auto => None,
            RequestsPerMinute::Cap(n) => Some(n),
        }
    }
}

impl Serialize for RequestsPerMinute {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RequestsPerMinute::Auto => serializer.serialize_str("auto"),
            RequestsPerMinute::Cap(n) => serializer.serialize_u32(*n),
        }
    }
}

impl<'de> Deserialize<'de> for RequestsPerMinute {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
        }
        let invalid = || {
            serde::de::Error::custom(
                "requests_per_minute must be \"auto\" (follow the provider's rate-limit headers) or a number of calls a minute from 1",
            )
        };
        match Raw::deserialize(deserializer).map_err(|_: D::Error| invalid())? {
            Raw::Text(text) if text.trim().eq_ignore_ascii_case("auto") => {
                Ok(RequestsPerMinute::Auto)
            }
            Raw::Number(n) if n >= 1 => u32::try_from(n)
                .map(RequestsPerMinute::Cap)
                .map_err(|_| invalid()),
            _ => Err(invalid()),
        }
    }
}

/// Prices of one model in USD per million tokens.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ModelPrice {
    pub input: f64,
    #[serde(default)]
    pub cached_input: Option<f64>,
    pub output: f64,
}

/// `[selection]`: thresholds and ranking weights applied to scores.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SelectionConfig {
    pub relevance_min: u8,
    pub novelty_min: u8,
    pub relevance_weight: f64,
    pub novelty_weight: f64,
}

impl Default for SelectionConfig {
    fn default() -> Self {
        Self {
            relevance_min: 7,
            novelty_min: 5,
            relevance_weight: 1.0,
            novelty_weight: 1.0,
        }
    }
}

/// `[notify]`: where a finished run is announced.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// Environment variable holding a Slack incoming-webhook URL (a repository secret).
    pub slack_webhook_env: String,
    /// Environment variable holding a URL that receives the day as JSON.
    pub webhook_url_env: String,
    /// Open (and later close) an issue in the repository when a day fails.
    pub github_issue_on_failure: bool,
    pub github_api_url: String,
    /// Recipients of the day's e-mail; empty sends none.
    pub email_to: Vec<String>,
    /// The sender, e.g. `papersift <bot@example.org>`.
    pub email_from: String,
    /// Environment variable holding the SMTP server's URL with its credentials (a secret).
    pub smtp_url_env: String,
    /// Recipients in Bcc instead of a visible To.
    pub email_bcc: bool,
    /// The subject's first words: `{prefix} · 2026-08-13 · 12 papers`.
    pub email_subject_prefix: String,
    /// Send a short notice when a day failed.
    pub email_on_failure: bool,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            slack_webhook_env: "SLACK_WEBHOOK_URL".into(),
            webhook_url_env: "PAPERSIFT_WEBHOOK_URL".into(),
            github_issue_on_failure: true,
            github_api_url: "https://api.github.com".into(),
            email_to: Vec::new(),
            email_from: String::new(),
            smtp_url_env: "SMTP_URL".into(),
            email_bcc: false,
            email_subject_prefix: "papersift".into(),
            email_on_failure: false,
        }
    }
}

impl Config {
    /// Reads and validates `path`. A missing file is an error that says how to create one.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read config file {} (run papersift from your repository folder, or pass --config FILE)",
                path.display()
            )
        })?;
        let mut config = Config::parse(&text)
            .with_context(|| format!("invalid config file {}", path.display()))?;
        config.root = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        config.register_secrets();
        config.check_folders_on_disk()?;
        for warning in config.warnings() {
            tracing::warn!("{warning}");
        }
        Ok(config)
    }

    /// Checks the configured folders against the disk, naming the key: a data or output
    /// folder that is a file, and a prompts folder set in config that does not exist (the
    /// shipped `prompts` may be missing: the built-in prompts are then used).
    fn check_folders_on_disk(&self) -> Result<()> {
        for (key, path) in [
            ("site.data_dir", self.data_dir()),
            ("site.output_dir", self.output_dir()),
            ("site.prompts_dir", self.prompts_dir()),
        ] {
            if path.exists() && !path.is_dir() {
                bail!(
                    "{key} = {:?} is a file, not a folder: name a folder of its own",
                    path.display().to_string()
                );
            }
        }
        if self.site.prompts_dir != SiteConfig::default().prompts_dir
            && !self.prompts_dir().exists()
        {
            bail!(
                "site.prompts_dir = {:?}: no such folder; create it (copy papersift's prompts/), or remove the line to use prompts/",
                self.site.prompts_dir.display().to_string()
            );
        }
        Ok(())
    }

    /// Registers every secret this config can make papersift read (the values of the
    /// environment variables it names, and credentials in its URLs) with [`crate::secrets`],
    /// so no output shows them in any encoding.
    pub fn register_secrets(&self) {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        for name in [
            self.llm.api_key_env.as_str(),
            "GITHUB_TOKEN",
            S2_API_KEY_ENV,
        ] {
            if let Some(value) = env(name) {
                crate::secrets::register(&value);
            }
        }
        for name in [self.notify.smtp_url_env.as_str(), "OPENAI_BASE_URL"] {
            if let Some(value) = env(name) {
                crate::secrets::register_url(&value, false);
            }
        }
        for name in [
            self.notify.slack_webhook_env.as_str(),
            self.notify.webhook_url_env.as_str(),
        ] {
            if let Some(value) = env(name) {
                crate::secrets::register_url(&value, true);
            }
        }
        for url in [
            &self.llm.base_url,
            &self.arxiv.rss_url,
            &self.arxiv.api_url,
            &self.authors.s2_url,
            &self.notify.github_api_url,
        ] {
            crate::secrets::register_url(url, false);
        }
    }

    /// Parses and validates config text; `root` is left empty.
    pub fn parse(text: &str) -> Result<Config> {
        // toml's error already names the offending key and shows the line.
        let config: Config = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values serde cannot: ranges, names and formats. Each error names its key.
    pub fn validate(&self) -> Result<()> {
        if self.arxiv.categories.is_empty() {
            bail!("arxiv.categories is empty: list at least one arXiv category, e.g. [\"cs.LG\"]");
        }
        for category in &self.arxiv.categories {
            let well_formed = !category.is_empty()
                && category
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            if !well_formed {
                bail!(
                    "arxiv.categories: {category:?} is not an arXiv category name such as \"cs.LG\""
                );
            }
        }
        for holiday in &self.arxiv.holidays {
            holiday.parse::<jiff::civil::Date>().map_err(|_| {
                anyhow::anyhow!("arxiv.holidays: {holiday:?} is not a date in YYYY-MM-DD form")
            })?;
        }
        if !(0.0..=1.0).contains(&self.arxiv.stale_fraction) {
            bail!("arxiv.stale_fraction must be between 0 and 1");
        }
        if self.arxiv.announce_types.is_empty() {
            bail!(
                "arxiv.announce_types is empty, so no paper would ever be kept: list at least one of \"new\", \"cross\", \"replace\", \"replace-cross\""
            );
        }
        self.validate_folders()?;
        self.validate_ranges()?;
        for (key, value) in [
            ("selection.relevance_min", self.selection.relevance_min),
            ("selection.novelty_min", self.selection.novelty_min),
        ] {
            if !(1..=10).contains(&value) {
                bail!("{key} = {value} is outside the score range 1-10");
            }
        }
        for (key, value) in [
            ("llm.batch_size", self.llm.batch_size),
            ("llm.title_batch_size", self.llm.title_batch_size),
            ("llm.concurrency", self.llm.concurrency),
        ] {
            if value == 0 {
                bail!("{key} must be at least 1");
            }
        }
        if self.llm.max_cost_usd < 0.0 {
            bail!("llm.max_cost_usd must not be negative");
        }
        for (index, author) in self.authors.follow.iter().enumerate() {
            if author.name.trim().is_empty() {
                bail!(
                    "authors.follow[{index}].name is empty: give the author's name as arXiv prints it"
                );
            }
        }
        if self.site.title.trim().is_empty() {
            bail!("site.title is empty");
        }
        self.validate_repository()?;
        let profile = &self.profile;
        for (key, value) in [
            ("profile.llm_pick_weight", profile.llm_pick_weight),
            ("profile.imported_pick_weight", profile.imported_pick_weight),
        ] {
            if !(0.0..=1.0).contains(&value) {
                bail!("{key} = {value} is outside 0-1 (a label of your own weighs 1)");
            }
        }
        for (key, value, low) in [
            ("profile.cascade_recall", profile.cascade_recall, 0.5),
            ("profile.cascade_max_cut", profile.cascade_max_cut, 0.0),
            ("profile.cascade_audit", profile.cascade_audit, 0.0),
            ("profile.embeddings_weight", profile.embeddings_weight, 0.0),
            ("profile.unmarked_doubt", profile.unmarked_doubt, 0.0),
        ] {
            if !(low..=1.0).contains(&value) {
                bail!("{key} = {value} is outside {low}-1 (a share of papers)");
            }
        }
        if !(profile.c.is_finite() && profile.c > 0.0) {
            bail!(
                "profile.c = {} must be a positive number (0.5 is the default)",
                profile.c
            );
        }
        if let Some(threshold) = profile.threshold
            && !(0.0..=1.0).contains(&threshold)
        {
            bail!(
                "profile.threshold = {threshold} is outside 0-1 (a profile score is a probability)"
            );
        }
        if profile.embeddings_batch == 0 || profile.embeddings_dimensions == Some(0) {
            bail!("profile.embeddings_batch and profile.embeddings_dimensions must be at least 1");
        }
        if profile
            .embeddings_model
            .as_deref()
            .is_some_and(|m| m.trim().is_empty())
        {
            bail!(
                "profile.embeddings_model is empty: name a model, or remove the line to send nothing"
            );
        }
        if profile.min_wants == 0 || profile.max_unmarked == 0 || profile.select == 0 {
            bail!("profile.min_wants, profile.max_unmarked and profile.select must be at least 1");
        }
        if !(20..=2500).contains(&self.labels.scanned_days) {
            bail!(
                "labels.scanned_days = {} is outside 20-2500: learning needs the papers of at least the last 20 days",
                self.labels.scanned_days
            );
        }
        Ok(())
    }

    /// `site.repository` is `OWNER/REPO` in GitHub's spelling (or empty), and `site.branch` a
    /// branch name: both go into the address the site's "Send my marks" button opens.
    fn validate_repository(&self) -> Result<()> {
        let repository = self.site.repository.trim();
        if !repository.is_empty() {
            let part_ok = |part: &str| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            };
            let ok = repository
                .split_once('/')
                .is_some_and(|(owner, name)| part_ok(owner) && part_ok(name));
            if !ok {
                bail!(
                    "site.repository = {repository:?} is not OWNER/REPO, e.g. \"alice/arxiv-digest\" (from the repository's GitHub address)"
                );
            }
        }
        let branch = &self.site.branch;
        if branch.is_empty()
            || branch.starts_with(['-', '/'])
            || branch.contains("..")
            || branch
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(c))
        {
            bail!("site.branch = {branch:?} is not a git branch name such as \"main\"");
        }
        Ok(())
    }

    /// The data and output folders must be folders of their own inside the repository: `build`
    /// rewrites the output folder and `publish` commits both, so the repository root, `.git`,
    /// `src`, the prompts or templates folder, each other, or a place outside the repository
    /// would put the user's own files at risk.
    fn validate_folders(&self) -> Result<()> {
        use std::path::Component;
        let own = |key: &str, path: &Path| -> Result<PathBuf> {
            let mut normal = PathBuf::new();
            for component in path.components() {
                match component {
                    Component::Normal(part) => normal.push(part),
                    Component::CurDir => {}
                    Component::ParentDir | Component::RootDir | Component::Prefix(_) => bail!(
                        "{key} = {:?} is outside the repository: use a folder inside it, such as \"{}\"",
                        path.display().to_string(),
                        if key == "site.data_dir" {
                            "data"
                        } else {
                            "docs"
                        }
                    ),
                }
            }
            if normal.as_os_str().is_empty() {
                bail!(
                    "{key} = {:?} is the repository itself, whose own files papersift would overwrite and commit: use a folder of its own, such as \"{}\"",
                    path.display().to_string(),
                    if key == "site.data_dir" {
                        "data"
                    } else {
                        "docs"
                    }
                );
            }
            let first = normal
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str());
            if matches!(first, Some(".git" | "src" | ".github")) {
                bail!(
                    "{key} = {:?} is inside {}, which papersift must not write to: use a folder of its own",
                    path.display().to_string(),
                    first.unwrap_or_default()
                );
            }
            Ok(normal)
        };
        let data = own("site.data_dir", &self.site.data_dir)?;
        let output = own("site.output_dir", &self.site.output_dir)?;
        let overlaps = |a: &Path, b: &Path| a.starts_with(b) || b.starts_with(a);
        if overlaps(&data, &output) {
            bail!(
                "site.data_dir ({}) and site.output_dir ({}) overlap: build rewrites the output folder, so they must be separate folders",
                data.display(),
                output.display()
            );
        }
        for (other_key, other) in [
            ("site.prompts_dir", &self.site.prompts_dir),
            ("site.templates_dir", &self.site.templates_dir),
        ] {
            let other: PathBuf = other
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect();
            for (key, folder) in [("site.data_dir", &data), ("site.output_dir", &output)] {
                if !other.as_os_str().is_empty() && overlaps(folder, &other) {
                    bail!(
                        "{key} ({}) overlaps {other_key} ({}): keep your prompts and templates apart from what papersift writes",
                        folder.display(),
                        other.display()
                    );
                }
            }
        }
        Ok(())
    }

    /// Numbers serde accepts but papersift cannot work with, checked once at load.
    fn validate_ranges(&self) -> Result<()> {
        let within = |key: &str, value: u64, range: std::ops::RangeInclusive<u64>| -> Result<()> {
            if range.contains(&value) {
                Ok(())
            } else {
                bail!(
                    "{key} = {value} is outside the allowed range {}-{}",
                    range.start(),
                    range.end()
                )
            }
        };
        within(
            "arxiv.seen_lookback_days",
            self.arxiv.seen_lookback_days.into(),
            0..=3650,
        )?;
        within(
            "arxiv.catch_up_days",
            self.arxiv.catch_up_days.into(),
            0..=366,
        )?;
        within("arxiv.max_retries", self.arxiv.max_retries.into(), 0..=10)?;
        within("arxiv.timeout_secs", self.arxiv.timeout_secs, 1..=600)?;
        within("arxiv.api_pause_ms", self.arxiv.api_pause_ms, 0..=60_000)?;
        within("llm.max_retries", self.llm.max_retries.into(), 0..=10)?;
        within("llm.timeout_secs", self.llm.timeout_secs, 1..=3600)?;
        within("llm.concurrency", self.llm.concurrency as u64, 1..=256)?;
        within("llm.batch_size", self.llm.batch_size as u64, 1..=200)?;
        within(
            "llm.title_batch_size",
            self.llm.title_batch_size as u64,
            1..=1000,
        )?;
        within(
            "llm.abstract_chars",
            self.llm.abstract_chars as u64,
            100..=100_000,
        )?;
        within("site.recent_days", self.site.recent_days as u64, 1..=366)?;
        within(
            "site.month_top_papers",
            self.site.month_top_papers as u64,
            1..=1000,
        )?;
        within(
            "site.month_top_per_topic",
            self.site.month_top_per_topic as u64,
            1..=1000,
        )?;
        within("site.spotlight", self.site.spotlight as u64, 0..=50)?;
        within("tldr.max_words", self.tldr.max_words.into(), 5..=200)?;
        within("tldr.batch_size", self.tldr.batch_size as u64, 1..=50)?;
        if self.tldr.language.trim().is_empty() {
            bail!(
                "tldr.language is empty: name the language the summaries should be in, e.g. \"English\""
            );
        }
        let finite = |key: &str, value: f64, min: f64| -> Result<()> {
            if value.is_finite() && value >= min {
                Ok(())
            } else {
                bail!("{key} = {value} must be a finite number of at least {min}")
            }
        };
        finite("llm.max_cost_usd", self.llm.max_cost_usd, 0.0)?;
        finite(
            "selection.relevance_weight",
            self.selection.relevance_weight,
            0.0,
        )?;
        finite(
            "selection.novelty_weight",
            self.selection.novelty_weight,
            0.0,
        )?;
        if let Some(temperature) = self.llm.temperature {
            finite("llm.temperature", temperature, 0.0)?;
        }
        for (model, price) in &self.llm.pricing {
            finite(&format!("llm.pricing.\"{model}\".input"), price.input, 0.0)?;
            finite(
                &format!("llm.pricing.\"{model}\".output"),
                price.output,
                0.0,
            )?;
            if let Some(cached) = price.cached_input {
                finite(
                    &format!("llm.pricing.\"{model}\".cached_input"),
                    cached,
                    0.0,
                )?;
            }
        }
        for (key, url) in [
            ("arxiv.rss_url", &self.arxiv.rss_url),
            ("arxiv.api_url", &self.arxiv.api_url),
            ("llm.base_url", &self.llm.base_url),
            ("authors.s2_url", &self.authors.s2_url),
            ("notify.github_api_url", &self.notify.github_api_url),
        ] {
            let parsed = reqwest::Url::parse(url.trim()).map_err(|error| {
                anyhow::anyhow!(
                    "{key} = {url:?} is not a valid URL ({error}): write it as https://host/path"
                )
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                bail!("{key} = {url:?} must be an http:// or https:// URL");
            }
        }
        Ok(())
    }

    /// Settings that work but that the user should hear about, for the log and `doctor`.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.arxiv.api_pause_ms < 3000 {
            warnings.push(format!(
                "arxiv.api_pause_ms = {} is below the 3 seconds arXiv asks API clients to wait between requests; backfills may be refused",
                self.arxiv.api_pause_ms
            ));
        }
        warnings
    }

    /// Resolves a configured path against the config file's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.resolve(&self.site.data_dir)
    }

    pub fn output_dir(&self) -> PathBuf {
        self.resolve(&self.site.output_dir)
    }

    pub fn templates_dir(&self) -> PathBuf {
        self.resolve(&self.site.templates_dir)
    }

    pub fn prompts_dir(&self) -> PathBuf {
        self.resolve(&self.site.prompts_dir)
    }

    /// The configured price of the configured model, if the pricing table has it.
    pub fn model_price(&self) -> Option<ModelPrice> {
        self.price_of(&self.llm.model)
    }

    /// The price of another model of the same API (the embeddings model): from `llm.pricing`,
    /// else the shipped table.
    pub fn price_of(&self, model: &str) -> Option<ModelPrice> {
        self.llm
            .pricing
            .get(model)
            .copied()
            .or_else(|| default_price(model))
    }
}

/// The environment variable holding a Semantic Scholar API key (optional).
pub const S2_API_KEY_ENV: &str = "S2_API_KEY";

/// Shipped prices (USD per million tokens) for common models, used when config has none. A
/// provider prefix (`openai/gpt-5` on GitHub Models and OpenRouter) is ignored.
pub fn default_price(model: &str) -> Option<ModelPrice> {
    let bare = model.rsplit('/').next().unwrap_or(model);
    let (input, cached_input, output) = match bare {
        "gpt-4.1" => (2.00, 0.50, 8.00),
        "gpt-4.1-mini" => (0.40, 0.10, 1.60),
        "gpt-4.1-nano" => (0.10, 0.025, 0.40),
        "gpt-4o" => (2.50, 1.25, 10.00),
        "gpt-4o-mini" => (0.15, 0.075, 0.60),
        // The gpt-5 family; reasoning tokens are billed as output tokens.
        "gpt-5" | "gpt-5-chat-latest" | "gpt-5.1" => (1.25, 0.125, 10.00),
        "gpt-5-mini" => (0.25, 0.025, 2.00),
        "gpt-5-nano" => (0.05, 0.005, 0.40),
        // As the replaced tool's own page of 2026-03-13 bills it: 153,004 prompt tokens for
        // $0.38 and 5,639 completion tokens for $0.08.
        "gpt-5.4" => (2.50, 0.25, 15.00),
        "o3" => (2.00, 0.50, 8.00),
        "o3-mini" | "o4-mini" => (1.10, 0.275, 4.40),
        "deepseek-chat" => (0.27, 0.07, 1.10),
        // Embedding models (`profile.embeddings_model`): input only.
        "text-embedding-3-small" => (0.02, 0.02, 0.0),
        "text-embedding-3-large" => (0.13, 0.13, 0.0),
        "text-embedding-ada-002" => (0.10, 0.10, 0.0),
        _ => return None,
    };
    Some(ModelPrice {
        input,
        cached_input: Some(cached_input),
        output,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_takes_defaults() {
        let config = Config::parse("").unwrap();
        assert_eq!(
            config.arxiv.categories,
            ["cs.LG", "cs.AI", "cs.CL", "stat.ML"]
        );
        assert_eq!(config.selection.relevance_min, 7);
        assert_eq!(config.llm.temperature, None);
        assert_eq!(config.llm.reasoning_effort, ReasoningEffort::Low);
        assert_eq!(config.llm.requests_per_minute, RequestsPerMinute::Auto);
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let err = Config::parse("[arxiv]\ncategoires = [\"cs.LG\"]\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("categoires"), "{text}");
    }

    #[test]
    fn wrong_type_names_the_key() {
        let err = Config::parse("[selection]\nrelevance_min = \"high\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("relevance_min"), "{err:#}");
    }

    #[test]
    fn out_of_range_threshold_is_rejected() {
        let err = Config::parse("[selection]\nrelevance_min = 11\n").unwrap_err();
        assert!(format!("{err:#}").contains("selection.relevance_min"));
    }

    #[test]
    fn bad_announce_type_is_rejected() {
        let err = Config::parse("[arxiv]\nannounce_types = [\"neww\"]\n").unwrap_err();
        assert!(format!("{err:#}").contains("neww"));
    }

    #[test]
    fn requests_per_minute_is_auto_or_a_positive_number() {
        let parse = |value: &str| {
            Config::parse(&format!("[llm]\nrequests_per_minute = {value}\n"))
                .map(|c| c.llm.requests_per_minute)
        };
        assert_eq!(parse("\"auto\"").unwrap(), RequestsPerMinute::Auto);
        assert_eq!(parse("500").unwrap(), RequestsPerMinute::Cap(500));
        for bad in ["0", "-3", "\"fast\"", "1.5"] {
            let error = format!("{:#}", parse(bad).unwrap_err());
            assert!(error.contains("requests_per_minute"), "{bad}: {error}");
        }
    }

    #[test]
    fn reasoning_effort_is_a_closed_set() {
        let config = Config::parse("[llm]\nreasoning_effort = \"high\"\n").unwrap();
        assert_eq!(config.llm.reasoning_effort, ReasoningEffort::High);
        let error = Config::parse("[llm]\nreasoning_effort = \"max\"\n").unwrap_err();
        assert!(
            format!("{error:#}").contains("reasoning_effort"),
            "{error:#}"
        );
    }

    #[test]
    fn unknown_model_has_no_price() {
        let mut config = Config::default();
        config.llm.model = "my-local-model".into();
        assert_eq!(config.model_price(), None);
        config.llm.model = "gpt-4.1-mini".into();
        assert!(config.model_price().is_some());
        config.llm.model = "openai/gpt-5".into();
        assert_eq!(config.model_price(), default_price("gpt-5"));
    }

    #[test]
    fn the_gpt_5_price_reproduces_the_replaced_tools_page() {
        // ../shared/reference/daily-page-2025-09-29.md: 89,447 prompt tokens $0.11, 81,726
        // completion tokens $0.82 with gpt-5.
        let price = default_price("gpt-5").unwrap();
        assert_eq!((89_447.0 * price.input / 1e6 * 100.0).round() / 100.0, 0.11);
        assert_eq!(
            (81_726.0 * price.output / 1e6 * 100.0).round() / 100.0,
            0.82
        );
    }
}

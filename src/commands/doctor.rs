//! `papersift doctor`: setup checks, each with a pass/fail line and the fix.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Config;
use crate::exit::ExitKind;
use crate::record::DayRecord;
use crate::score::prompt::{PROMPT_FILES, Prompts};

/// One check's result.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Check {
    pub name: &'static str,
    pub outcome: Outcome,
}

/// Pass, a warning that does not fail the run, or a failure with its fix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Pass(String),
    Warn(String),
    Fail(String),
}

impl Check {
    fn pass(name: &'static str, text: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Pass(text.into()),
        }
    }
    fn warn(name: &'static str, text: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Warn(text.into()),
        }
    }
    fn fail(name: &'static str, text: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Fail(text.into()),
        }
    }

    pub(crate) fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Fail(_))
    }

    /// `ok   name: text`, `warn name: text` or `FAIL name: text`.
    pub(crate) fn line(&self) -> String {
        let (tag, text) = match &self.outcome {
            Outcome::Pass(text) => ("ok  ", text),
            Outcome::Warn(text) => ("warn", text),
            Outcome::Fail(text) => ("FAIL", text),
        };
        crate::secrets::redact(&format!("{tag} {}: {text}", self.name)).into_owned()
    }
}

/// Every arXiv category (archive.subject), as the RSS feed and the API know them.
pub(crate) const ARXIV_CATEGORIES: &[&str] = &[
    "astro-ph.CO",
    "astro-ph.EP",
    "astro-ph.GA",
    "astro-ph.HE",
    "astro-ph.IM",
    "astro-ph.SR",
    "cond-mat.dis-nn",
    "cond-mat.mes-hall",
    "cond-mat.mtrl-sci",
    "cond-mat.other",
    "cond-mat.quant-gas",
    "cond-mat.soft",
    "cond-mat.stat-mech",
    "cond-mat.str-el",
    "cond-mat.supr-con",
    "cs.AI",
    "cs.AR",
    "cs.CC",
    "cs.CE",
    "cs.CG",
    "cs.CL",
    "cs.CR",
    "cs.CV",
    "cs.CY",
    "cs.DB",
    "cs.DC",
    "cs.DL",
    "cs.DM",
    "cs.DS",
    "cs.ET",
    "cs.FL",
    "cs.GL",
    "cs.GR",
    "cs.GT",
    "cs.HC",
    "cs.IR",
    "cs.IT",
    "cs.LG",
    "cs.LO",
    "cs.MA",
    "cs.MM",
    "cs.MS",
    "cs.NE",
    "cs.NI",
    "cs.OH",
    "cs.OS",
    "cs.PF",
    "cs.PL",
    "cs.RO",
    "cs.SC",
    "cs.SD",
    "cs.SE",
    "cs.SI",
    "econ.EM",
    "econ.GN",
    "econ.TH",
    "eess.AS",
    "eess.IV",
    "eess.SP",
    "eess.SY",
    "gr-qc",
    "hep-ex",
    "hep-lat",
    "hep-ph",
    "hep-th",
    "math-ph",
    "math.AC",
    "math.AG",
    "math.AP",
    "math.AT",
    "math.CA",
    "math.CO",
    "math.CT",
    "math.CV",
    "math.DG",
    "math.DS",
    "math.FA",
    "math.GM",
    "math.GN",
    "math.GR",
    "math.GT",
    "math.HO",
    "math.KT",
    "math.LO",
    "math.MG",
    "math.NA",
    "math.NT",
    "math.OA",
    "math.OC",
    "math.PR",
    "math.QA",
    "math.RA",
    "math.RT",
    "math.SG",
    "math.SP",
    "math.ST",
    "nlin.AO",
    "nlin.CD",
    "nlin.CG",
    "nlin.PS",
    "nlin.SI",
    "nucl-ex",
    "nucl-th",
    "physics.acc-ph",
    "physics.ao-ph",
    "physics.app-ph",
    "physics.atm-clus",
    "physics.atom-ph",
    "physics.bio-ph",
    "physics.chem-ph",
    "physics.class-ph",
    "physics.comp-ph",
    "physics.data-an",
    "physics.ed-ph",
    "physics.flu-dyn",
    "physics.gen-ph",
    "physics.geo-ph",
    "physics.hist-ph",
    "physics.ins-det",
    "physics.med-ph",
    "physics.optics",
    "physics.plasm-ph",
    "physics.pop-ph",
    "physics.soc-ph",
    "physics.space-ph",
    "q-bio.BM",
    "q-bio.CB",
    "q-bio.GN",
    "q-bio.MN",
    "q-bio.NC",
    "q-bio.OT",
    "q-bio.PE",
    "q-bio.QM",
    "q-bio.SC",
    "q-bio.TO",
    "q-fin.CP",
    "q-fin.GN",
    "q-fin.MF",
    "q-fin.PM",
    "q-fin.PR",
    "q-fin.RM",
    "q-fin.ST",
    "q-fin.TR",
    "quant-ph",
    "stat.AP",
    "stat.CO",
    "stat.ME",
    "stat.ML",
    "stat.OT",
];

/// Alias names arXiv files under another category: the feed of the alias is empty.
pub(crate) const CATEGORY_ALIASES: &[(&str, &str)] = &[
    ("math.IT", "cs.IT"),
    ("cs.NA", "math.NA"),
    ("cs.SY", "eess.SY"),
    ("math.MP", "math-ph"),
    ("stat.TH", "math.ST"),
    ("q-fin.EC", "econ.GN"),
];

/// `papersift doctor [--online]`: prints every check; exits 2 (config) when one failed.
pub fn execute(config: &Config, online: bool) -> anyhow::Result<ExitCode> {
    let checks = super::runtime()?.block_on(run_checks(config, online))?;
    for check in &checks {
        println!("{}", check.line());
    }
    let failed = checks.iter().filter(|c| c.failed()).count();
    if failed > 0 {
        return Err(anyhow::anyhow!(
            "{failed} check(s) failed; fix them as each line says"
        ))
        .context(ExitKind::Config);
    }
    println!("all checks passed");
    Ok(ExitCode::SUCCESS)
}

/// Every check for `papersift doctor`: the offline ones over the config, the day records and
/// the daily workflow file, plus the LLM endpoint when `online`.
pub(crate) async fn run_checks(config: &Config, online: bool) -> anyhow::Result<Vec<Check>> {
    let records = crate::record::load_all(&config.data_dir())?;
    let workflow = std::fs::read_to_string(config.root.join(".github/workflows/daily.yml")).ok();
    let mut checks = offline_checks(config, &records, workflow.as_deref());
    if online {
        let scorer =
            crate::score::scorer_from_config(config).context(crate::exit::ExitKind::Config)?;
        checks.push(online_check(config, &scorer).await);
        if let Some(check) = smtp_online_check(config).await {
            checks.push(check);
        }
    }
    Ok(checks)
}

/// Runs the offline checks. `workflow` is the daily workflow file's text, if it exists.
pub(crate) fn offline_checks(
    config: &Config,
    records: &[DayRecord],
    workflow: Option<&str>,
) -> Vec<Check> {
    let mut checks = vec![Check::pass(
        "config",
        "config.toml parses and has no unknown keys",
    )];
    checks.extend(config.arxiv.categories.iter().map(|c| category_check(c)));
    checks.push(prompts_check(&config.prompts_dir()));
    checks.push(api_key_check(&config.llm.api_key_env));
    checks.push(base_url_check(
        &config.site.base_url,
        std::env::var("GITHUB_REPOSITORY").ok().as_deref(),
    ));
    checks.push(repository_check(
        &config.site.repository,
        std::env::var("GITHUB_REPOSITORY").ok().as_deref(),
    ));
    checks.push(labels_check(config));
    checks.push(profile_check(config));
    checks.push(workflow_check(workflow));
    checks.push(cost_check(config, records));
    checks.extend(email_check(
        config,
        std::env::var(&config.notify.smtp_url_env).ok().as_deref(),
    ));
    checks.extend(settings_warnings(config));
    checks
}

/// `[notify] email_to`: the addresses parse, the SMTP URL variable is set and has a known
/// scheme. Nothing to check when no recipient is configured.
fn email_check(config: &Config, smtp_url: Option<&str>) -> Option<Check> {
    use crate::publish::email::{SmtpServer, addresses};
    if config.notify.email_to.is_empty() {
        return None;
    }
    if let Err(error) = addresses(config) {
        return Some(Check::fail("e-mail", format!("{error:#}")));
    }
    let variable = &config.notify.smtp_url_env;
    let Some(url) = smtp_url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Some(Check::fail(
            "e-mail",
            format!(
                "notify.email_to is set but {variable} is not: add a repository secret {variable} = smtps://user:app-password@smtp.example.org:465 and pass it to the run step"
            ),
        ));
    };
    let server = SmtpServer::new(url.to_string());
    Some(match server.check_scheme() {
        Ok(()) => Check::pass(
            "e-mail",
            format!(
                "{} recipient(s); the day goes out through {}",
                config.notify.email_to.len(),
                server.shown()
            ),
        ),
        Err(error) => Check::fail("e-mail", server.redact(&format!("{error:#}"))),
    })
}

/// `--online`: connects to the SMTP server and says EHLO, without sending anything.
async fn smtp_online_check(config: &Config) -> Option<Check> {
    if config.notify.email_to.is_empty() {
        return None;
    }
    let server = crate::publish::email::SmtpServer::from_env(config)?;
    Some(match server.test_connection().await {
        Ok(()) => Check::pass("smtp", format!("{} answered EHLO", server.shown())),
        Err(error) => Check::fail(
            "smtp",
            format!(
                "{}; check the server, port and credentials in {}",
                server.redact(&format!("{error:#}")),
                config.notify.smtp_url_env
            ),
        ),
    })
}

/// Settings that work but are likely to hurt: the config's own warnings, and an answer cap too
/// small for a reasoning model (its reasoning counts against `max_completion_tokens`, and an
/// answer cut short arrives empty).
fn settings_warnings(config: &Config) -> Vec<Check> {
    let mut warnings: Vec<Check> = config
        .warnings()
        .into_iter()
        .map(|text| Check::warn("settings", text))
        .collect();
    if let Some(cap) = config.llm.max_tokens
        && cap < MIN_REASONING_ANSWER_TOKENS
        && crate::score::llm::quirks::is_openai_reasoning_model(&config.llm.model)
    {
        warnings.push(Check::warn(
            "settings",
            format!(
                "llm.max_tokens = {cap} is small for the reasoning model {}: its reasoning counts against the cap and an answer cut short is empty; remove max_tokens or allow at least {MIN_REASONING_ANSWER_TOKENS}",
                config.llm.model
            ),
        ));
    }
    warnings
}

/// The smallest answer cap that leaves a reasoning model at low effort room for 16 scores.
const MIN_REASONING_ANSWER_TOKENS: u32 = 4000;

fn category_check(category: &str) -> Check {
    if let Some((_, canonical)) = CATEGORY_ALIASES
        .iter()
        .find(|(alias, _)| *alias == category)
    {
        return Check::fail(
            "category",
            format!(
                "{category} is an alias of {canonical}; its feed is empty. Use \"{canonical}\" in arxiv.categories"
            ),
        );
    }
    if ARXIV_CATEGORIES.contains(&category) {
        return Check::pass("category", format!("{category} is an arXiv category"));
    }
    let close = ARXIV_CATEGORIES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(category))
        .map(|known| format!(" (did you mean \"{known}\"?)"))
        .unwrap_or_default();
    Check::fail(
        "category",
        format!(
            "{category} is not an arXiv category{close}; see https://arxiv.org/category_taxonomy"
        ),
    )
}

fn prompts_check(dir: &Path) -> Check {
    match Prompts::load(dir) {
        Ok(_) => Check::pass(
            "prompts",
            format!("{} are present and not empty", PROMPT_FILES.join(", ")),
        ),
        Err(error) => Check::fail("prompts", format!("{error:#}")),
    }
}

fn api_key_check(variable: &str) -> Check {
    match std::env::var(variable) {
        Ok(key) if !key.trim().is_empty() => Check::pass("api key", format!("{variable} is set")),
        _ => Check::warn(
            "api key",
            format!(
                "{variable} is not set, so the built-in keyword scorer is used. For LLM scoring add a repository secret named {variable} (Settings → Secrets and variables → Actions)"
            ),
        ),
    }
}

/// `https://OWNER.github.io/REPO/` for a `OWNER/REPO` repository (the user site `OWNER.github.io`
/// is served at the root).
pub(crate) fn expected_pages_url(repository: &str) -> Option<String> {
    let (owner, repo) = repository.split_once('/')?;
    let owner = owner.to_ascii_lowercase();
    if repo.eq_ignore_ascii_case(&format!("{owner}.github.io")) {
        Some(format!("https://{owner}.github.io/"))
    } else {
        Some(format!("https://{owner}.github.io/{repo}/"))
    }
}

fn base_url_check(base_url: &str, repository: Option<&str>) -> Check {
    if base_url.contains("YOUR-NAME") || base_url.contains("YOUR-REPO") {
        let hint = repository
            .and_then(expected_pages_url)
            .map(|url| format!(" (for this repository: \"{url}\")"))
            .unwrap_or_default();
        return Check::fail(
            "site.base_url",
            format!("still the placeholder; set it to your Pages address{hint}"),
        );
    }
    if !base_url.starts_with("https://") && !base_url.starts_with("http://") {
        return Check::fail(
            "site.base_url",
            format!("{base_url:?} is not an http(s) address"),
        );
    }
    match repository.and_then(expected_pages_url) {
        Some(expected)
            if !base_url
                .trim_end_matches('/')
                .eq_ignore_ascii_case(expected.trim_end_matches('/')) =>
        {
            Check::warn(
                "site.base_url",
                format!(
                    "{base_url} is not this fork's Pages address {expected}; fine for a custom domain, otherwise fix it"
                ),
            )
        }
        _ => Check::pass(
            "site.base_url",
            format!("{base_url} looks like a Pages address"),
        ),
    }
}

/// `site.repository`: where the site's "Send my marks" button commits the reader's marks.
fn repository_check(repository: &str, github_repository: Option<&str>) -> Check {
    let repository = repository.trim();
    let actual = github_repository.map(str::trim).filter(|r| !r.is_empty());
    match actual {
        _ if repository.is_empty() => Check::warn(
            "site.repository",
            format!(
                "not set: the site offers marks as a download instead of sending them in one click; set repository = {} under [site]",
                actual.map_or_else(
                    || "\"OWNER/REPO\"".to_string(),
                    |r| format!("{r:?} (this repository)")
                )
            ),
        ),
        Some(actual) if !actual.eq_ignore_ascii_case(repository) => Check::warn(
            "site.repository",
            format!("{repository} is not this repository ({actual}): marks would be sent there"),
        ),
        _ => Check::pass(
            "site.repository",
            format!("marks are sent to {repository}, branch as site.branch says"),
        ),
    }
}

/// The reader's labels: how many, and any line that cannot be read.
fn labels_check(config: &Config) -> Check {
    let store = match crate::record::labels::load(&config.data_dir()) {
        Ok(store) => store,
        Err(error) => return Check::fail("labels", format!("{error:#}")),
    };
    let current = store.current();
    let want = current
        .values()
        .filter(|l| l.kind == crate::record::labels::LabelKind::Want)
        .count();
    let summary = format!(
        "{want} \"want\" and {} \"not for me\" labels",
        current.len() - want
    );
    match store.problems.first() {
        Some(first) => Check::warn(
            "labels",
            format!(
                "{summary}; {} label lines cannot be read and are skipped, the first: {first} (fix or delete them)",
                store.problems.len()
            ),
        ),
        None if current.is_empty() => Check::pass(
            "labels",
            "none yet: mark papers on the site, or `papersift labels import FILE`",
        ),
        None => Check::pass("labels", summary),
    }
}

/// The profile the next run would train, what it is used for, and the cascade's state: a cold
/// start says here what is missing, as the run line does.
fn profile_check(config: &Config) -> Check {
    let scoring = match crate::score::Scoring::from_config(config) {
        Ok(scoring) => scoring,
        Err(error) => return Check::fail("profile", format!("{error:#}")),
    };
    let mut line = scoring.describe_profile();
    match (&scoring.scorer, &scoring.cascade) {
        (crate::score::Scorer::Keywords(_), _) => {
            line.push_str(&format!("; days without an API key are ranked by {}", scoring.describe(config)));
        }
        (_, Some(Ok(calibration))) => line.push_str(&format!(
            "; the cascade sends the LLM the best {:.0}% of a day, aiming to keep {:.0}% of its picks (calibrated on {} picks of {} days)",
            calibration.keep_share * 100.0,
            calibration.recall * 100.0,
            calibration.picks,
            calibration.days
        )),
        (_, Some(Err(reason))) => line.push_str(&format!("; cascade off: {reason}")),
        (_, None) => line.push_str("; cascade off ([profile] cascade = false)"),
    }
    Check::pass("profile", line)
}

fn workflow_check(workflow: Option<&str>) -> Check {
    match workflow {
        None => Check::fail(
            "workflow",
            ".github/workflows/daily.yml is missing; restore it from papersift so the site updates every weekday",
        ),
        Some(text) if text.contains("schedule:") && text.contains("cron:") => {
            Check::pass("workflow", ".github/workflows/daily.yml has a schedule")
        }
        Some(_) => Check::fail(
            "workflow",
            ".github/workflows/daily.yml has no schedule (on: schedule: - cron: ...)",
        ),
    }
}

fn cost_check(config: &Config, records: &[DayRecord]) -> Check {
    let recent: Vec<f64> = records
        .iter()
        .rev()
        .filter(|r| r.usage.scorer == crate::record::ScorerKind::Llm)
        .filter_map(|r| r.usage.cost_usd)
        .take(10)
        .collect();
    let (estimate, basis) = if recent.is_empty() {
        match typical_day_cost(config) {
            Some(cost) => (cost, "a typical day (estimate)".to_string()),
            None => {
                return Check::warn(
                    "cost",
                    format!(
                        "model {} has no price in [llm.pricing]; costs will show as unknown",
                        config.llm.model
                    ),
                );
            }
        }
    } else {
        let mean = recent.iter().sum::<f64>() / recent.len() as f64;
        (mean, format!("the last {} scored days", recent.len()))
    };
    let budget = config.llm.max_cost_usd;
    if estimate > budget {
        Check::fail(
            "cost",
            format!(
                "about ${estimate:.2} a day from {basis}, over llm.max_cost_usd = ${budget:.2}: raise the cap or use a cheaper model"
            ),
        )
    } else {
        Check::pass(
            "cost",
            format!(
                "about ${estimate:.2} a day from {basis}, within llm.max_cost_usd = ${budget:.2}"
            ),
        )
    }
}

/// The cost of a typical day with the configured model, batches and prompt files.
fn typical_day_cost(config: &Config) -> Option<f64> {
    let static_chars = Prompts::load(&config.prompts_dir())
        .map(|p| p.system.len() + p.topics.len() + p.criteria.len() + p.output_format.len())
        .unwrap_or(8000);
    crate::score::cost::typical_day_cost(config, static_chars)
}

/// `--online`: the endpoint answers a tiny request with the configured model.
pub(crate) async fn online_check(config: &Config, scorer: &crate::score::Scorer) -> Check {
    match scorer {
        crate::score::Scorer::Keywords(_) => Check::warn(
            "llm endpoint",
            format!(
                "not checked: {} is not set, so no LLM is used",
                config.llm.api_key_env
            ),
        ),
        crate::score::Scorer::Llm(llm) => match llm.probe().await {
            Ok(answer) => Check::pass(
                "llm endpoint",
                format!(
                    "model {} answered ({:?})",
                    config.llm.model,
                    truncate_answer(&answer)
                ),
            ),
            Err(message) => Check::fail(
                "llm endpoint",
                format!(
                    "model {} at llm.base_url did not answer: {message}. Check the key, llm.base_url and llm.model",
                    config.llm.model
                ),
            ),
        },
    }
}

fn truncate_answer(answer: &str) -> String {
    answer.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_repository_is_suggested_from_github_and_a_wrong_one_is_named() {
        let unset = repository_check("", Some("alice/digest"));
        assert!(matches!(unset.outcome, Outcome::Warn(_)));
        assert!(
            unset.line().contains("\"alice/digest\" (this repository)"),
            "{}",
            unset.line()
        );
        let other = repository_check("bob/digest", Some("alice/digest"));
        assert!(
            other.line().contains("is not this repository"),
            "{}",
            other.line()
        );
        assert!(matches!(
            repository_check("Alice/Digest", Some("alice/digest")).outcome,
            Outcome::Pass(_)
        ));
        assert!(matches!(
            repository_check("alice/digest", None).outcome,
            Outcome::Pass(_)
        ));
    }

    #[test]
    fn categories_aliases_and_typos() {
        assert!(!category_check("cs.LG").failed());
        let alias = category_check("math.IT");
        assert!(alias.failed());
        assert!(alias.line().contains("cs.IT"));
        let typo = category_check("cs.lg");
        assert!(
            typo.line().contains("did you mean \"cs.LG\""),
            "{}",
            typo.line()
        );
        assert!(category_check("cs.XYZ").failed());
    }

    #[test]
    fn pages_url_from_repository() {
        assert_eq!(
            expected_pages_url("Ada/digest").as_deref(),
            Some("https://ada.github.io/digest/")
        );
        assert_eq!(
            expected_pages_url("ada/ada.github.io").as_deref(),
            Some("https://ada.github.io/")
        );
        assert!(
            base_url_check("https://YOUR-NAME.github.io/YOUR-REPO/", Some("ada/digest"))
                .line()
                .contains("https://ada.github.io/digest/")
        );
        assert!(matches!(
            base_url_check("https://ada.github.io/digest/", Some("ada/digest")).outcome,
            Outcome::Pass(_)
        ));
        assert!(matches!(
            base_url_check("https://papers.example.org/", Some("ada/digest")).outcome,
            Outcome::Warn(_)
        ));
    }

    #[test]
    fn workflow_needs_a_schedule() {
        assert!(workflow_check(None).failed());
        assert!(workflow_check(Some("on:\n  workflow_dispatch:\n")).failed());
        assert!(!workflow_check(Some("on:\n  schedule:\n    - cron: '30 5 * * 1-5'\n")).failed());
    }

    #[test]
    fn typical_cost_of_the_default_model_is_within_the_default_budget() {
        let config = Config::default();
        let cost = typical_day_cost(&config).unwrap();
        assert!(cost > 0.0 && cost < config.llm.max_cost_usd, "{cost}");
    }

    #[test]
    fn a_small_answer_cap_for_a_reasoning_model_is_a_warning() {
        let mut config = Config::default();
        config.llm.model = "gpt-5".into();
        config.llm.max_tokens = Some(500);
        config.arxiv.api_pause_ms = 1000;
        let lines: Vec<String> = settings_warnings(&config).iter().map(Check::line).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| !l.is_empty()));
        assert!(lines[0].contains("arxiv.api_pause_ms = 1000"), "{lines:?}");
        assert!(
            lines[1].contains("llm.max_tokens = 500 is small"),
            "{lines:?}"
        );
        config.llm.model = "gpt-4.1-mini".into();
        config.arxiv.api_pause_ms = 3000;
        assert!(settings_warnings(&config).is_empty());
    }
}

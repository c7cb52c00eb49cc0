//! Publish: commit `data/` and `docs/` with git (and push), the Actions job summary, the
//! failure issue and notifications.

pub(crate) mod email;
pub mod github;
pub(crate) mod notify;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::record::{DayRecord, count_text};
use crate::text::escape_markdown_string;

/// The pathspecs of what papersift commits: the data and output folders, never a temporary
/// file a killed run left in them.
fn generated_paths(config: &Config) -> Vec<String> {
    let mut paths: Vec<String> = [config.data_dir(), config.output_dir()]
        .iter()
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !paths.is_empty() {
        paths.push(":(exclude,glob)**/.*.tmp-*".into());
        paths.push(format!(":(exclude,glob)**/{}", crate::files::LOCK_FILE));
    }
    paths
}

/// Commits the data and output folders, and nothing else, with `message`. Whatever the user
/// had staged stays staged and uncommitted. Refuses a repository in the middle of a rebase or
/// merge, and files holding conflict markers. `false` when nothing changed.
pub(crate) fn commit_generated(config: &Config, message: &str) -> Result<bool> {
    let repo = &config.root;
    refuse_unfinished_operations(repo)?;
    let paths = generated_paths(config);
    if paths.is_empty() {
        return Ok(false);
    }
    let with_paths = |head: &[&str]| -> Vec<String> {
        head.iter()
            .map(|s| s.to_string())
            .chain(std::iter::once("--".to_string()))
            .chain(paths.iter().cloned())
            .collect()
    };
    git(repo, &with_paths(&["add", "--all"]))?;
    // What this commit changes, as `STATUS<TAB>path` lines (paths from the repository's top).
    let changes = git_output(
        repo,
        &with_paths(&["diff", "--cached", "--name-status", "HEAD"]),
    )?;
    if changes.trim().is_empty() {
        return Ok(false);
    }
    // Only the files this commit adds or changes can bring conflict markers in, so the check
    // costs what the day changes, not what the archive holds.
    let mut grep: Vec<String> = [
        "grep",
        "--cached",
        "-I",
        "-l",
        "-e",
        "^<<<<<<< ",
        "-e",
        "^>>>>>>> ",
        "--",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    grep.extend(changes.lines().filter_map(|line| {
        let (status, name) = line.split_once('\t')?;
        (!status.starts_with('D')).then(|| format!(":(top,literal){name}"))
    }));
    let markers = if grep.last().is_some_and(|arg| arg == "--") {
        String::new()
    } else {
        git_output(repo, &grep)?
    };
    if !markers.trim().is_empty() {
        bail!(
            "not committing: these files hold git conflict markers, so the site would publish them: {}. Rebuild with `papersift build` once the repository is clean",
            markers.split_whitespace().collect::<Vec<_>>().join(", ")
        );
    }
    // `commit -- paths` commits only those paths (git's --only): other staged changes stay.
    let mut commit = vec![
        "commit".to_string(),
        "--quiet".into(),
        "-m".into(),
        message.into(),
    ];
    commit.push("--".into());
    commit.extend(paths.iter().take_while(|p| !p.starts_with(':')).cloned());
    git(repo, &commit)?;
    Ok(true)
}

/// A rebase or merge left half done (by hand, or by an older papersift) must be finished or
/// aborted by the user: committing on top of it would publish its conflicts.
fn refuse_unfinished_operations(repo: &Path) -> Result<()> {
    let git_dir = git_output(repo, &["rev-parse".into(), "--git-dir".into()])?;
    let git_dir = repo.join(git_dir.trim());
    for (marker, what) in [
        ("rebase-merge", "a rebase"),
        ("rebase-apply", "a rebase"),
        ("MERGE_HEAD", "a merge"),
    ] {
        if git_dir.join(marker).exists() {
            bail!(
                "{what} is in progress in this repository: finish it, or run `git {} --abort`, then publish again",
                if what == "a merge" { "merge" } else { "rebase" }
            );
        }
    }
    Ok(())
}

/// How a push went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PushOutcome {
    Pushed,
    /// The remote branch moved: our commit is not on top of it.
    Rejected,
}

/// Pushes the current branch; a non-fast-forward refusal is [`PushOutcome::Rejected`], any
/// other failure an error. A refusal by the remote itself (`! [remote rejected]`: a protected
/// branch, a pre-receive hook, a token that may not write) is not a moved branch: no rebuild
/// can pass it, so it is an error saying what to check.
pub(crate) fn push(repo: &Path) -> Result<PushOutcome> {
    let output = Command::new("git")
        .current_dir(repo)
        .arg("push")
        .output()
        .context("cannot run git push (is git installed?)")?;
    if output.status.success() {
        return Ok(PushOutcome::Pushed);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Ok(match push_refusal(&stderr) {
        Some(PushRefusal::Moved) => PushOutcome::Rejected,
        Some(PushRefusal::Remote) => bail!(
            "the remote refused the push (a protected branch, a pre-receive hook, or a token without write access); the day stays committed here, and `papersift publish --push` sends it once the remote accepts pushes. Check the branch's protection rules and the workflow's `permissions: contents: write`. git said: {}",
            crate::secrets::redact(stderr.trim())
        ),
        None => bail!("git push failed: {}", crate::secrets::redact(stderr.trim())),
    })
}

/// Why git refused a push, from its own report lines (`! [rejected] … (fetch first)` for a
/// branch that moved, `! [remote rejected] … (…)` for a remote that declined).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PushRefusal {
    Moved,
    Remote,
}

pub(crate) fn push_refusal(stderr: &str) -> Option<PushRefusal> {
    if stderr.contains("[remote rejected]") || stderr.contains("GH006") {
        return Some(PushRefusal::Remote);
    }
    let moved = stderr.lines().any(|line| {
        line.contains("[rejected]")
            && (line.contains("fetch first") || line.contains("non-fast-forward"))
    });
    moved.then_some(PushRefusal::Moved)
}

/// Whether the branch holds commits its upstream lacks (a publish committed but never
/// pushed, or a push that failed); false without an upstream.
pub(crate) fn ahead_of_upstream(repo: &Path) -> Result<bool> {
    let has_upstream = Command::new("git")
        .current_dir(repo)
        .args(["rev-parse", "--verify", "--quiet", "@{upstream}"])
        .output()
        .context("cannot run git (is git installed?)")?
        .status
        .success();
    if !has_upstream {
        return Ok(false);
    }
    let count = git_output(
        repo,
        &[
            "rev-list".into(),
            "--count".into(),
            "@{upstream}..HEAD".into(),
        ],
    )?;
    Ok(count.trim().parse::<u64>().unwrap_or(0) > 0)
}

/// The files under the data folder that the local commits the remote lacks added or changed
/// (every unpushed publish, not only this run's), with their bytes: the day records (and
/// caches) to keep when the branch is rebuilt on the remote's. Call after [`fetch`].
pub(crate) fn data_not_on_remote(config: &Config, commit: &str) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let repo = &config.root;
    let data = config.data_dir();
    let names = git_output(
        repo,
        &[
            "diff".into(),
            "--name-only".into(),
            "--diff-filter=AM".into(),
            format!("@{{upstream}}...{commit}"),
            "--".into(),
            data.display().to_string(),
        ],
    )?;
    let top =
        PathBuf::from(git_output(repo, &["rev-parse".into(), "--show-toplevel".into()])?.trim());
    names
        .lines()
        .map(|name| {
            let output = Command::new("git")
                .current_dir(repo)
                .args(["show", &format!("{commit}:{name}")])
                .output()
                .context("cannot run git show (is git installed?)")?;
            if !output.status.success() {
                bail!(
                    "cannot read {name} of {commit}: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                );
            }
            Ok((top.join(name), output.stdout))
        })
        .collect()
}

/// The commit a rebuild on the remote's branch started from, while one is under way: kept in
/// the git folder (never committed), so a publish killed half way finishes it next time.
pub(crate) fn rebuild_marker(repo: &Path) -> Result<PathBuf> {
    let git_dir = git_output(repo, &["rev-parse".into(), "--git-dir".into()])?;
    Ok(repo.join(git_dir.trim()).join("papersift-rebuild"))
}

/// The subject line of `commit`'s message.
pub(crate) fn subject_of(repo: &Path, commit: &str) -> Result<String> {
    Ok(git_output(
        repo,
        &[
            "log".into(),
            "-1".into(),
            "--format=%s".into(),
            commit.into(),
        ],
    )?
    .trim()
    .to_string())
}

/// The current commit's ID.
pub(crate) fn head(repo: &Path) -> Result<String> {
    Ok(git_output(repo, &["rev-parse".into(), "HEAD".into()])?
        .trim()
        .to_string())
}

/// Moves the branch onto the remote's: fetches, then `git reset --keep` to the upstream, which
/// takes the remote's data and output folders and every file the remote changed, and keeps the
/// user's uncommitted work (it refuses rather than overwrite a file the user changed).
pub(crate) fn move_onto_remote(repo: &Path) -> Result<()> {
    git(repo, &["reset".into(), "--quiet".into(), "--keep".into(), "@{upstream}".into()])
        .context("the branch moved on the remote, and papersift cannot move onto it without touching your uncommitted changes; commit or stash them and publish again")
}

/// Fetches the remote, so that `@{upstream}` is what the remote holds now.
pub(crate) fn fetch(repo: &Path) -> Result<()> {
    git(repo, &["fetch".into(), "--quiet".into()])
}

/// Runs git and returns its standard output; an error carries git's own message.
fn git_output(repo: &Path, args: &[String]) -> Result<String> {
    let output = Command::new("git")
        .current_dir(repo)
        .args(args)
        .output()
        .with_context(|| format!("cannot run git {} (is git installed?)", args.join(" ")))?;
    match output.status.code() {
        Some(0) => Ok(String::from_utf8_lossy(&output.stdout).into_owned()),
        // `git grep` finding nothing.
        Some(1) if args.first().is_some_and(|a| a == "grep") => Ok(String::new()),
        _ => bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ),
    }
}

/// `papersift: 2026-08-13 ok — 12 selected of 92 scanned` (or a generic line without records).
pub(crate) fn commit_message(latest: Option<&DayRecord>) -> String {
    match latest {
        Some(day) => format!(
            "papersift: {} {} — {} selected of {} scanned",
            day.date,
            day.status.as_str(),
            day.counts.selected,
            count_text(day.counts.scanned)
        ),
        None => "papersift: update site".to_string(),
    }
}

/// Runs git in `repo`; an error carries git's own message.
fn git(repo: &Path, args: &[String]) -> Result<()> {
    let output = Command::new("git")
        .current_dir(repo)
        .args(args)
        .output()
        .with_context(|| format!("cannot run git {} (is git installed?)", args.join(" ")))?;
    if !output.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// The Markdown job summary for GitHub Actions: status, counts, cost, top five papers and a
/// link to the day's page.
pub(crate) fn job_summary(config: &Config, day: &DayRecord) -> String {
    let mut out = format!("## papersift {} — {}\n\n", day.date, day.status.as_str());
    if let Some(reason) = &day.status_reason {
        out.push_str(&format!("> {}\n\n", crate::text::code_span(reason)));
    }
    let cost = match day.usage.cost_usd {
        Some(cost) => format!("${cost:.2}"),
        None => "unknown".into(),
    };
    out.push_str(&format!(
        "| feed items | scanned | selected | unscored | cost |\n|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} |\n\n",
        count_text(day.counts.feed_items),
        count_text(day.counts.scanned),
        day.counts.selected,
        day.counts.unscored,
        cost
    ));
    for (rank, paper) in day.selected().take(5).enumerate() {
        out.push_str(&format!(
            "{}. [{}]({}) ({})\n",
            rank + 1,
            escape_markdown_string(&paper.title),
            crate::paper::abs_url(&paper.id),
            paper.id
        ));
    }
    if day.status.has_page() {
        out.push_str(&format!(
            "\n[The day's page]({})\n",
            day_page_url(config, day)
        ));
    }
    out
}

/// The absolute URL of a day's page under `site.base_url`.
pub(crate) fn day_page_url(config: &Config, day: &DayRecord) -> String {
    format!(
        "{}/{:04}/{:02}/{:02}/",
        config.site.base_url.trim_end_matches('/'),
        day.date.year(),
        day.date.month(),
        day.date.day()
    )
}

/// Appends the job summary of `day` to the file `$GITHUB_STEP_SUMMARY` names, when it is set.
pub(crate) fn write_job_summary(config: &Config, day: &DayRecord) -> Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| {
            format!(
                "cannot open the job summary file {}",
                Path::new(&path).display()
            )
        })?;
    file.write_all(crate::secrets::redact(&job_summary(config, day)).as_bytes())
        .with_context(|| {
            format!(
                "cannot write the job summary file {}",
                Path::new(&path).display()
            )
        })
}

/// After a run, given every day it recorded (oldest first): the job summary, Slack, webhook
/// and e-mail notifications for the newest published day (or, with `email_on_failure`, an
/// e-mail notice of the newest failed day when none was published), and the failure issue (opened or
/// updated while any day failed, closed when all were healthy). Each is optional, and a
/// failure of one is a warning, never a failed day.
pub(crate) async fn announce(config: &Config, days: &[DayRecord]) {
    for day in days {
        if let Err(error) = write_job_summary(config, day) {
            tracing::warn!("job summary not written: {error:#}");
        }
    }
    if let Some(day) = days.iter().rev().find(|d| d.status.has_page()) {
        notify_day(config, day).await;
        email::send_day(config, day).await;
    } else if config.notify.email_on_failure
        && let Some(failed) = days.iter().rev().find(|d| d.status.is_failure())
    {
        email::send_day(config, failed).await;
    }
    if days.is_empty() || !config.notify.github_issue_on_failure {
        return;
    }
    let Some(target) = github::GitHubTarget::from_env(&config.notify.github_api_url) else {
        return;
    };
    let failed: Vec<&DayRecord> = days.iter().filter(|d| d.status.is_failure()).collect();
    let failure = (!failed.is_empty()).then(|| failure_issue_text(config, &failed));
    let failure = failure
        .as_ref()
        .map(|(title, body)| (title.as_str(), body.as_str()));
    match github::sync_failure_issue(&target, failure).await {
        Ok(action) => tracing::info!(?action, "failure issue"),
        Err(error) => tracing::warn!("failure issue not updated: {error:#}"),
    }
}

/// Title (the newest failure and its reason) and body (every failed day) of the failure issue.
pub(crate) fn failure_issue_text(config: &Config, failed: &[&DayRecord]) -> (String, String) {
    let newest = failed
        .last()
        .expect("failure_issue_text needs a failed day");
    let reason = newest
        .status_reason
        .as_deref()
        .unwrap_or("no reason recorded");
    let title = notify::truncate(
        &format!(
            "papersift: {} {} — {reason}",
            newest.date,
            newest.status.as_str()
        ),
        200,
    );
    let mut body = String::from("The daily run recorded failed days:\n\n");
    for day in failed {
        body.push_str(&format!(
            "- **{}** `{}`: {}\n",
            day.date,
            day.status.as_str(),
            crate::text::code_span(day.status_reason.as_deref().unwrap_or("no reason recorded"))
        ));
    }
    body.push_str(
        "\nFailed days are retried automatically by the next runs (catch-up). Check the workflow log, and run \
         `papersift doctor` for setup problems. This issue closes itself on the next healthy run.\n\n",
    );
    body.push_str(&job_summary(config, newest));
    (
        crate::secrets::redact(&title).into_owned(),
        crate::secrets::redact(&body).into_owned(),
    )
}

async fn notify_day(config: &Config, day: &DayRecord) {
    let page_url = day_page_url(config, day);
    let client = match crate::http::client(std::time::Duration::from_secs(30)) {
        Ok(client) => client,
        Err(error) => {
            tracing::warn!("notifications not sent: {error:#}");
            return;
        }
    };
    let targets = [
        (
            &config.notify.slack_webhook_env,
            "Slack webhook",
            notify::slack_payload(day, &page_url),
        ),
        (
            &config.notify.webhook_url_env,
            "webhook",
            notify::webhook_payload(day, &page_url),
        ),
    ];
    for (variable, what, payload) in targets {
        let Some(url) = std::env::var(variable)
            .ok()
            .filter(|u| !u.trim().is_empty())
        else {
            continue;
        };
        match notify::post_json(&client, &url, &payload, what).await {
            Ok(()) => tracing::info!("{what} notified"),
            Err(error) => tracing::warn!("{what} not notified: {error:#}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_providers_text_in_the_failure_issue_and_job_summary_is_inert_code() {
        let mut day: DayRecord = serde_json::from_value(serde_json::json!({
            "schema_version": 3, "date": "2026-08-13", "categories": [],
            "source": {"kind": "rss", "origin": []}, "status": "llm-failed",
            "counts": {"new": 0, "cross": 0, "replace": 0, "replace_cross": 0,
                "skipped_announce_type": 0, "duplicates": 0, "already_seen": 0,
                "selected": 0, "unscored": 0},
            "usage": {"scorer": "llm", "calls": 1, "prompt_tokens": 0,
                "cached_prompt_tokens": 0, "completion_tokens": 0, "cost_usd": 0.0},
            "papers": []}))
        .unwrap();
        day.status_reason = Some(
            "401: see [docs](https://evil.example) <img src=x onerror=alert(1)> <details open> @octocat `x` \u{202e}txet\n# heading"
                .into(),
        );
        let config = Config::default();
        let (_, body) = failure_issue_text(&config, &[&day]);
        let summary = job_summary(&config, &day);
        for text in [&body, &summary] {
            let line = text
                .lines()
                .find(|l| l.contains("onerror"))
                .unwrap_or_else(|| panic!("no reason in {text}"));
            // One code span, fenced by more backticks than the text holds.
            let start = line.find("`` ").unwrap();
            let end = line.rfind(" ``").unwrap();
            assert!(start < end, "{line}");
            let inside = &line[start + 3..end];
            assert!(inside.contains("<img src=x onerror=alert(1)>"), "{line}");
            assert!(
                inside.contains("@octocat") && inside.contains("[docs]"),
                "{line}"
            );
            assert!(!line.contains('\u{202e}'), "{line}");
            assert!(!text.lines().any(|l| l.starts_with("# heading")), "{text}");
        }
    }
}

//! The failure issue: one open issue in the user's repository while days fail, closed when healthy.

use anyhow::{Context, Result};

/// Label that marks papersift's failure issue, so it is found again and never duplicated.
pub const FAILURE_LABEL: &str = "papersift-failure";

/// Where and as whom to talk to GitHub.
#[derive(Clone)]
pub struct GitHubTarget {
    pub api_url: String,
    pub token: String,
    pub owner: String,
    pub repo: String,
}

impl std::fmt::Debug for GitHubTarget {
    // The token stays out of every log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHubTarget")
            .field("api_url", &self.api_url)
            .field("owner", &self.owner)
            .field("repo", &self.repo)
            .finish_non_exhaustive()
    }
}

impl GitHubTarget {
    /// From `GITHUB_TOKEN` and `GITHUB_REPOSITORY` (`owner/repo`), as Actions provides them.
    pub(crate) fn from_env(api_url: &str) -> Option<GitHubTarget> {
        let token = std::env::var("GITHUB_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())?;
        let repository = std::env::var("GITHUB_REPOSITORY").ok()?;
        let (owner, repo) = repository.split_once('/')?;
        Some(GitHubTarget {
            api_url: api_url.to_string(),
            token,
            owner: owner.to_string(),
            repo: repo.to_string(),
        })
    }

    fn client(&self) -> Result<octocrab::Octocrab> {
        octocrab::Octocrab::builder()
            .base_uri(self.api_url.as_str())
            .with_context(|| format!("{} is not a valid GitHub API address", self.api_url))?
            .personal_token(self.token.clone())
            .build()
            .context("cannot build the GitHub client")
    }
}

/// What happened to the failure issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueAction {
    Opened(u64),
    Updated(u64),
    Closed(u64),
    /// Healthy and no issue open: nothing to do.
    Nothing,
}

/// Opens or updates the failure issue when `failure` is set (title and body describe it), and
/// closes an open one with a comment when the run was healthy (`failure` is `None`).
pub async fn sync_failure_issue(
    target: &GitHubTarget,
    failure: Option<(&str, &str)>,
) -> Result<IssueAction> {
    let github = target.client()?;
    let issues = github.issues(&target.owner, &target.repo);
    let open = issues
        .list()
        .state(octocrab::params::State::Open)
        .labels(&[FAILURE_LABEL.to_string()])
        .per_page(10)
        .send()
        .await
        .map_err(describe)
        .context("cannot list the repository's issues")?;
    let existing = open.items.first().map(|issue| issue.number);
    match (failure, existing) {
        (Some((title, body)), Some(number)) => {
            issues
                .update(number)
                .title(title)
                .body(body)
                .send()
                .await
                .map_err(describe)
                .with_context(|| format!("cannot update issue #{number}"))?;
            Ok(IssueAction::Updated(number))
        }
        (Some((title, body)), None) => {
            let issue = issues
                .create(title)
                .body(body)
                .labels(vec![FAILURE_LABEL.to_string()])
                .send()
                .await
                .map_err(describe)
                .context("cannot open the failure issue")?;
            Ok(IssueAction::Opened(issue.number))
        }
        (None, Some(number)) => {
            issues
                .create_comment(
                    number,
                    "The latest papersift run was healthy again; closing.",
                )
                .await
                .map_err(describe)
                .with_context(|| format!("cannot comment on issue #{number}"))?;
            issues
                .update(number)
                .state(octocrab::models::IssueState::Closed)
                .send()
                .await
                .map_err(describe)
                .with_context(|| format!("cannot close issue #{number}"))?;
            Ok(IssueAction::Closed(number))
        }
        (None, None) => Ok(IssueAction::Nothing),
    }
}

/// octocrab's GitHub errors carry the API's message; keep it, in a plain error.
fn describe(error: octocrab::Error) -> anyhow::Error {
    match error {
        octocrab::Error::GitHub { source, .. } => {
            anyhow::anyhow!("GitHub answered {}: {}", source.status_code, source.message)
        }
        other => anyhow::anyhow!("{other}"),
    }
}

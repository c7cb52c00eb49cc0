//! Notifications of a finished day: a Slack incoming webhook and a generic JSON webhook.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::record::{DayRecord, count_text};

/// Slack's limits for one message (blocks per message, characters per section or header).
const SLACK_MAX_BLOCKS: usize = 50;
const SLACK_SECTION_CHARS: usize = 3000;
const SLACK_HEADER_CHARS: usize = 150;
/// Papers listed in a notification.
const TOP_PAPERS: usize = 10;

/// The Slack Block Kit payload for a day: header, counts, then the top papers as links, within
/// Slack's limits (long titles are cut, the paper list is trimmed).
pub(crate) fn slack_payload(day: &DayRecord, page_url: &str) -> Value {
    let header = truncate(
        &format!(
            "papersift {} — {} papers selected",
            day.date, day.counts.selected
        ),
        SLACK_HEADER_CHARS,
    );
    let mut summary = format!(
        "{} arXiv papers, {} scanned, {} selected. Status: {}.",
        count_text(day.counts.feed_items),
        count_text(day.counts.scanned),
        day.counts.selected,
        day.status.as_str()
    );
    if let Some(reason) = &day.status_reason {
        summary.push_str(&format!(" {}", escape_slack(reason)));
    }
    summary.push_str(&format!(" <{page_url}|Read the page>"));
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": header}}),
        json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&summary, SLACK_SECTION_CHARS)}}),
    ];
    for (rank, paper) in day
        .selected()
        .take(TOP_PAPERS.min(SLACK_MAX_BLOCKS - blocks.len()))
        .enumerate()
    {
        let scores = paper
            .scores
            .as_ref()
            .map(|s| format!(" (relevance {}, novelty {})", s.relevance, s.novelty))
            .unwrap_or_default();
        let mut line = format!(
            "{}. <{}|{}>{}",
            rank + 1,
            crate::paper::abs_url(&paper.id),
            escape_slack(&truncate(&paper.title, 300)),
            scores
        );
        if let Some(tldr) = &paper.tldr {
            line.push_str(&format!("\n{}", escape_slack(&truncate(tldr, 600))));
        }
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&line, SLACK_SECTION_CHARS)}}));
    }
    json!({ "text": header, "blocks": blocks })
}

/// The generic webhook's JSON: the day's status, counts, cost, page and top papers.
pub(crate) fn webhook_payload(day: &DayRecord, page_url: &str) -> Value {
    let papers: Vec<Value> = day
        .selected()
        .take(TOP_PAPERS)
        .map(|p| {
            json!({
                "id": p.id,
                "title": p.title,
                "url": crate::paper::abs_url(&p.id),
                "relevance": p.scores.as_ref().map(|s| s.relevance),
                "novelty": p.scores.as_ref().map(|s| s.novelty),
                "comment": p.scores.as_ref().map(|s| s.comment.clone()),
                "tldr": p.tldr,
            })
        })
        .collect();
    json!({
        "date": day.date.to_string(),
        "status": day.status.as_str(),
        "status_reason": day.status_reason,
        "counts": day.counts,
        "cost_usd": day.usage.cost_usd,
        "page_url": page_url,
        "papers": papers,
    })
}

/// POSTs a JSON payload; any non-2xx answer is an error naming the status (never the URL,
/// which is a secret).
pub(crate) async fn post_json(
    client: &reqwest::Client,
    url: &str,
    payload: &Value,
    what: &str,
) -> Result<()> {
    let response = client
        .post(url)
        .json(payload)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.without_url()))
        .with_context(|| format!("cannot reach the {what}"))?;
    if !response.status().is_success() {
        bail!("the {what} answered HTTP {}", response.status());
    }
    Ok(())
}

/// Slack mrkdwn treats `&`, `<` and `>` as control characters.
fn escape_slack(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Cuts `text` to at most `max` characters, marking the cut with an ellipsis.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_the_limit_and_marks_the_cut() {
        assert_eq!(truncate("short", 10), "short");
        let long = "é".repeat(4000);
        let cut = truncate(&long, SLACK_SECTION_CHARS);
        assert_eq!(cut.chars().count(), SLACK_SECTION_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn slack_control_characters_are_escaped() {
        assert_eq!(
            escape_slack("<b> & <!channel>"),
            "&lt;b&gt; &amp; &lt;!channel&gt;"
        );
    }
}

//! The cascade: before the LLM reads a day's abstracts, the profile cuts the papers it is
//! surest the LLM would not select. The cut is a share of the day, calibrated on the recorded
//! days: the smallest top share of each day (by the profile score recorded that day, before
//! the day's picks were learned from) that held `profile.cascade_recall` of what the LLM
//! selected there. A share is used rather than a score because a profile's scores drift as it
//! learns; its ranking is what carries over from day to day.
//!
//! A cut is only measurable on what the LLM reads, so a day that cut hides its own misses.
//! To keep the calibration honest, a fixed share of the papers below the cut (`cascade_audit`,
//! chosen by a hash of the ID) is read all the same; each such paper the LLM selects counts
//! `1 / cascade_audit` times in later calibrations, as the cut papers it stands for would.

use std::collections::HashSet;

use crate::config::ProfileConfig;
use crate::record::labels::{LabelKind, LabelSource, LabelStore};
use crate::record::{CASCADE_REASON, CascadeRecord, DayRecord, Decision, ScorerKind};
use crate::select::Candidate;

use super::DayScores;

/// Recorded days back from the newest whose "want" labels can contradict the cut.
const CONTRADICTION_DAYS: i64 = 7;

/// The newest recorded LLM days the cut is calibrated on. Older days were ranked by a profile
/// that knew less; on the labelled days, the last 10 kept recall on target at a smaller cut
/// than the last 20 or 30 (scripts/bench-cascade.py).
const CALIBRATION_DAYS: usize = 10;

/// What the recorded days say about the cut.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Calibration {
    /// The share of a day (by profile score) that held `recall` of the LLM's picks.
    pub keep_share: f64,
    pub recall: f64,
    pub days: usize,
    pub picks: usize,
}

/// The cascade's plan for one day: which candidates the LLM reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DayCut {
    /// Per candidate: true when cut (the LLM does not read it).
    pub cut: Vec<bool>,
    pub record: CascadeRecord,
}

/// A profile score as the record keeps it (three decimals), so that today's cut and the
/// calibration on recorded days compare the same numbers.
pub(crate) fn recorded(score: f64) -> f32 {
    ((score * 1000.0).round() / 1000.0) as f32
}

/// Calibrates the cut on `records` (the recent recorded days), or says why it cannot be made:
/// too few recorded LLM picks with a profile score, or the reader's recent "want" labels on
/// papers the cascade cut.
pub(crate) fn calibrate(
    records: &[DayRecord],
    labels: &LabelStore,
    settings: &ProfileConfig,
) -> Result<Calibration, String> {
    if let Some(problem) = contradictions(records, labels, settings.cascade_recall) {
        return Err(problem);
    }
    // (share of the day needed to keep this pick, weight)
    let mut needed: Vec<(f64, f64)> = Vec::new();
    let mut days = 0;
    let mut newest_first: Vec<&DayRecord> = records.iter().collect();
    newest_first.sort_by_key(|d| std::cmp::Reverse(d.date));
    for day in newest_first {
        if days == CALIBRATION_DAYS {
            break;
        }
        if day.usage.scorer != ScorerKind::Llm || !day.status.has_page() {
            continue;
        }
        let scores: Vec<f32> = day.papers.iter().filter_map(|p| p.profile).collect();
        if scores.len() < 2 {
            continue;
        }
        let cut_below = day
            .cascade
            .as_ref()
            .and_then(|c| c.threshold.map(|t| (t, c.audit)));
        let before = needed.len();
        for paper in &day.papers {
            let Some(score) = paper.profile else { continue };
            if paper.decision != Decision::Selected || !paper.followed_authors.is_empty() {
                continue;
            }
            let above = scores.iter().filter(|&&s| s > score).count();
            let share = (above + 1) as f64 / scores.len() as f64;
            let weight = match cut_below {
                Some((threshold, audit)) if score < threshold && audit > 0.0 => 1.0 / audit,
                _ => 1.0,
            };
            needed.push((share, weight));
        }
        if needed.len() > before {
            days += 1;
        }
    }
    let picks = needed.len();
    if picks < settings.cascade_min_picks {
        return Err(format!(
            "{picks} recorded LLM picks with a profile score, {} needed to calibrate the cut ([profile] cascade_min_picks)",
            settings.cascade_min_picks
        ));
    }
    needed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = needed.iter().map(|(_, w)| w).sum();
    let mut kept = 0.0;
    let mut keep_share = 1.0;
    for (share, weight) in &needed {
        kept += weight;
        if kept >= settings.cascade_recall * total - 1e-9 {
            keep_share = *share;
            break;
        }
    }
    Ok(Calibration {
        keep_share,
        recall: settings.cascade_recall,
        days,
        picks,
    })
}

/// The reader's recent "want" labels on papers the cascade cut: more than the recall target
/// allows (and at least two) means the profile is cutting what the reader wants.
fn contradictions(records: &[DayRecord], labels: &LabelStore, recall: f64) -> Option<String> {
    let newest = records.iter().map(|d| d.date).max()?;
    let from = newest
        .checked_sub(jiff::ToSpan::days(CONTRADICTION_DAYS))
        .unwrap_or(newest);
    let wanted: HashSet<String> = labels
        .current()
        .into_values()
        .filter(|l| l.kind == LabelKind::Want && l.source != LabelSource::Imported)
        .map(|l| l.id)
        .collect();
    let (mut on_days, mut cut) = (0usize, 0usize);
    for day in records.iter().filter(|d| d.date > from) {
        for paper in day.papers.iter().filter(|p| wanted.contains(&p.id)) {
            on_days += 1;
            if is_cut(paper) {
                cut += 1;
            }
        }
    }
    (cut >= 2 && cut as f64 > (1.0 - recall) * on_days as f64).then(|| {
        format!(
            "{cut} of the {on_days} papers you marked \"want\" from the last {CONTRADICTION_DAYS} days were cut by the cascade; the LLM reads every paper until they are learned from"
        )
    })
}

/// Whether a recorded paper was cut by the cascade.
pub(crate) fn is_cut(paper: &crate::record::PaperRecord) -> bool {
    paper.decision == Decision::Filtered
        && paper
            .reason
            .as_deref()
            .is_some_and(|r| r.starts_with(CASCADE_REASON))
}

/// Whether a paper below the cut is read all the same: a fixed share of IDs, by a hash that
/// stays the same across runs and versions (FNV-1a).
fn audited(id: &str, audit: f64) -> bool {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (hash % 10_000) as f64 / 10_000.0 < audit
}

/// Today's cut: the score of the paper at `keep_share` of the day's papers (by profile score);
/// candidates below it are cut, except followed authors, include-keyword matches and the audit
/// sample. A cut that would drop more than `cascade_max_cut` of the candidates is not trusted
/// and nothing is cut.
pub(crate) fn cut_day(
    calibration: &Calibration,
    candidates: &[Candidate],
    day_scores: &DayScores,
    settings: &ProfileConfig,
) -> DayCut {
    let mut scores: Vec<f32> = day_scores.values().map(|&s| recorded(s)).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    let base = CascadeRecord {
        recall: calibration.recall,
        keep_share: calibration.keep_share,
        audit: settings.cascade_audit,
        days: calibration.days,
        picks: calibration.picks,
        ..CascadeRecord::default()
    };
    let none = |note: Option<String>| DayCut {
        cut: vec![false; candidates.len()],
        record: CascadeRecord {
            sent: candidates.len(),
            note,
            ..base.clone()
        },
    };
    if scores.is_empty() || candidates.is_empty() {
        return none(None);
    }
    let index =
        ((calibration.keep_share * scores.len() as f64).ceil() as usize).clamp(1, scores.len()) - 1;
    let threshold = scores[index];
    let cut: Vec<bool> = candidates
        .iter()
        .map(|c| {
            let score = day_scores.get(&c.paper.id).map(|&s| recorded(s));
            c.followed_authors.is_empty()
                && c.include_hits.is_empty()
                && score.is_some_and(|s| s < threshold)
                && !audited(&c.paper.id, settings.cascade_audit)
        })
        .collect();
    let cut_count = cut.iter().filter(|&&c| c).count();
    let share = cut_count as f64 / candidates.len() as f64;
    if share > settings.cascade_max_cut {
        return none(Some(format!(
            "the cut would drop {:.0}% of the day's papers, more than the {:.0}% it is trusted with ([profile] cascade_max_cut); the LLM read every paper",
            share * 100.0,
            settings.cascade_max_cut * 100.0
        )));
    }
    DayCut {
        record: CascadeRecord {
            threshold: Some(threshold),
            cut: cut_count,
            sent: candidates.len() - cut_count,
            ..base
        },
        cut,
    }
}

/// The reason a cut paper is recorded with.
pub(crate) fn cut_reason(score: f64, threshold: f32) -> String {
    format!(
        "{CASCADE_REASON} (score {:.3} below the day's cut {threshold:.3})",
        recorded(score)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::{AnnounceType, Paper};
    use crate::record::labels::parse_line;

    /// A recorded LLM day of `n` papers `2601.0xxxx` scored 1 - i/n (paper 0 the best), the
    /// papers at `picks` selected, and a cascade record when `cut_below` is given.
    fn day(date: &str, n: usize, picks: &[usize], cut_below: Option<(f32, f64)>) -> DayRecord {
        let papers: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                let id = format!("2601.{:05}", date[8..].parse::<usize>().unwrap() * 1000 + i);
                let score = recorded(1.0 - i as f64 / n as f64);
                let below = cut_below.is_some_and(|(t, _)| score < t);
                if picks.contains(&i) {
                    serde_json::json!({"id": id, "version": 1, "title": "t",
                        "decision": "selected", "profile": score})
                } else if below && i % 2 == 0 {
                    serde_json::json!([id, 1, null, null, score, format!("{CASCADE_REASON} (x)")])
                } else {
                    serde_json::json!([id, 1, 3, 3, score])
                }
            })
            .collect();
        let cascade = cut_below.map(|(threshold, audit)| {
            serde_json::json!({"recall": 0.9, "threshold": threshold, "audit": audit,
                "cut": 1, "sent": 1})
        });
        serde_json::from_value(serde_json::json!({"schema_version": 3, "date": date,
            "categories": [], "source": {"kind": "rss", "origin": []}, "status": "ok",
            "counts": {"new": 0, "cross": 0, "replace": 0, "replace_cross": 0,
                "skipped_announce_type": 0, "duplicates": 0, "already_seen": 0, "selected": 0,
                "unscored": 0},
            "usage": {"scorer": "llm", "calls": 1, "prompt_tokens": 0,
                "cached_prompt_tokens": 0, "completion_tokens": 0, "cost_usd": 0.0},
            "papers": papers, "cascade": cascade}))
        .unwrap()
    }

    fn settings(recall: f64, min_picks: usize) -> ProfileConfig {
        ProfileConfig {
            cascade_recall: recall,
            cascade_min_picks: min_picks,
            ..ProfileConfig::default()
        }
    }

    #[test]
    fn the_cut_keeps_the_share_of_the_day_that_held_the_recall_on_recorded_days() {
        // 10 picks over two days of 100 papers, the worst at rank 50 and 80.
        let records = [
            day("2026-01-05", 100, &[0, 1, 2, 3, 49], None),
            day("2026-01-06", 100, &[0, 1, 5, 9, 79], None),
        ];
        let labels = LabelStore::default();
        let at_90 = calibrate(&records, &labels, &settings(0.9, 10)).unwrap();
        // Nine of ten picks are within the top 50%.
        assert_eq!(at_90.keep_share, 0.5);
        assert_eq!((at_90.days, at_90.picks), (2, 10));
        let at_100 = calibrate(&records, &labels, &settings(1.0, 10)).unwrap();
        assert_eq!(at_100.keep_share, 0.8);
        // Too few picks: a cold start that says what is missing.
        let cold = calibrate(&records, &labels, &settings(0.9, 11)).unwrap_err();
        assert!(cold.contains("10 recorded LLM picks"), "{cold}");
        assert!(cold.contains("cascade_min_picks"), "{cold}");
    }

    #[test]
    fn a_pick_the_audit_found_below_a_cut_counts_for_the_cut_papers_it_stands_for() {
        // A day cut below 0.5 with a 10% audit; the audit found a pick at rank 70 (score 0.3).
        let audited = day(
            "2026-01-05",
            100,
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 70],
            Some((0.5, 0.1)),
        );
        let labels = LabelStore::default();
        let calibration = calibrate(&[audited], &labels, &settings(0.9, 10)).unwrap();
        // Nine picks weigh 9, the audited one 10: 90% of 19 is only reached with it.
        assert_eq!(calibration.keep_share, 0.71);
    }

    #[test]
    fn want_labels_on_papers_the_cascade_cut_stop_it() {
        let records = [day("2026-01-05", 100, &[0, 1, 2], Some((0.5, 0.0)))];
        // Papers 60 and 62 were cut (even ranks below the cut are cut in this record).
        let label = |id: &str| {
            parse_line(&format!(
                r#"{{"id": "{id}", "label": "want", "at": "2026-01-06"}}"#
            ))
            .unwrap()
        };
        let one = LabelStore {
            lines: vec![label("2601.05060")],
            ..LabelStore::default()
        };
        assert!(calibrate(&records, &one, &settings(0.9, 1)).is_ok());
        let two = LabelStore {
            lines: vec![label("2601.05060"), label("2601.05062")],
            ..LabelStore::default()
        };
        let stopped = calibrate(&records, &two, &settings(0.9, 1)).unwrap_err();
        assert!(
            stopped.contains("2 of the 2 papers you marked"),
            "{stopped}"
        );
    }

    fn candidate(id: &str, followed: bool, include: bool) -> Candidate {
        Candidate {
            paper: Paper {
                id: id.into(),
                version: 1,
                title: "t".into(),
                authors: vec!["A".into()],
                abstract_text: "a".into(),
                categories: vec!["cs.LG".into()],
                announce_type: AnnounceType::New,
                doi: None,
                journal_ref: None,
                license: None,
            },
            followed_authors: if followed {
                vec!["A".into()]
            } else {
                Vec::new()
            },
            include_hits: if include {
                vec!["k".into()]
            } else {
                Vec::new()
            },
        }
    }

    #[test]
    fn a_day_keeps_its_best_share_followed_authors_and_include_matches_and_distrusts_a_deep_cut() {
        let calibration = Calibration {
            keep_share: 0.3,
            recall: 0.97,
            days: 10,
            picks: 100,
        };
        let candidates: Vec<Candidate> = (0..10)
            .map(|i| candidate(&format!("2601.0000{i}"), i == 8, i == 9))
            .collect();
        let scores: DayScores = (0..10)
            .map(|i| (format!("2601.0000{i}"), 1.0 - f64::from(i) / 10.0))
            .collect();
        let settings = ProfileConfig {
            cascade_audit: 0.0,
            ..ProfileConfig::default()
        };
        let plan = cut_day(&calibration, &candidates, &scores, &settings);
        // The best three are kept, and the followed author (8) and include match (9).
        let kept: Vec<usize> = (0..10).filter(|&i| !plan.cut[i]).collect();
        assert_eq!(kept, [0, 1, 2, 8, 9]);
        assert_eq!((plan.record.cut, plan.record.sent), (5, 5));
        assert_eq!(plan.record.threshold, Some(0.8));
        assert!(plan.record.note.is_none());
        let distrusted = cut_day(
            &calibration,
            &candidates,
            &scores,
            &ProfileConfig {
                cascade_max_cut: 0.4,
                ..settings
            },
        );
        assert!(distrusted.cut.iter().all(|c| !c));
        assert!(
            distrusted
                .record
                .note
                .as_deref()
                .unwrap()
                .contains("drop 50%")
        );
    }

    #[test]
    fn the_audit_sample_is_a_stable_share_of_ids() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("2601.{i:05}")).collect();
        let share = ids.iter().filter(|id| audited(id, 0.05)).count() as f64 / 10_000.0;
        assert!((0.04..0.06).contains(&share), "{share}");
        assert!(ids.iter().all(|id| !audited(id, 0.0)));
    }
}

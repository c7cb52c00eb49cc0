"""Shared by the benchmarks that replay ../shared/fixtures/labelled/ through the binary: where
the fixtures and tools are, a labelled day's papers and feeds, a day record's profile scores,
and ROC-AUC."""
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(REPO, "..", "shared")
LABELLED = os.path.join(SHARED, "fixtures", "labelled")
TOOL = os.path.join(SHARED, "tools", "labelled_feed.py")


def days():
    """The labelled days, oldest first."""
    return sorted(name[:-6] for name in os.listdir(LABELLED) if name.endswith(".jsonl"))


def day_papers(day):
    with open(os.path.join(LABELLED, day + ".jsonl")) as f:
        return [json.loads(line) for line in f]


def write_feeds(chosen, work):
    """Each day as the RSS feed it was announced in, under `work`; {day: path}."""
    feeds = {}
    for day in chosen:
        feeds[day] = os.path.join(work, day + ".xml")
        subprocess.run([sys.executable, TOOL, os.path.join(LABELLED, day + ".jsonl"), feeds[day]], check=True)
    return feeds


def record(site, day):
    with open(os.path.join(site, "data", day[:4], day[5:7], day[8:] + ".json")) as f:
        return json.load(f)


def profile_scores(rec):
    """{id: profile score or None} of every paper of a day record (objects and filtered rows)."""
    out = {}
    for paper in rec["papers"]:
        if isinstance(paper, list):
            out[paper[0]] = paper[4] if len(paper) > 4 and not isinstance(paper[4], str) else None
        else:
            out[paper["id"]] = paper.get("profile")
    return out


def auc(scored):
    """ROC-AUC of (score, picked) pairs, ties counted half; None without both classes."""
    pos = sum(1 for _, y in scored if y)
    neg = len(scored) - pos
    if not pos or not neg:
        return None
    ranked = sorted(scored, key=lambda p: p[0])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        rank_sum += (i + 1 + j) / 2 * sum(1 for _, y in ranked[i:j] if y)
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)

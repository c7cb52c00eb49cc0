#!/usr/bin/env python3
"""How well the profile ranks real days, as it learns from more "want" labels.

The 41 labelled days of ../shared/fixtures/labelled/ (every paper of the cs.LG + cs.AI listing,
and whether the replaced tool's LLM picked it) are replayed in order through the binary
(`papersift run --feed`, keyword scorer, no key), in a fresh repository for each label count N.
After the first TRAIN days are recorded, N of their picks (a fixed random sample) are imported
as "want" labels; each later day is then run, and its record's `profile` scores are compared
with the day's picks: ROC-AUC, precision of the top 10 (P@10) and the share of the day's picks
in the top 50 (R@50). Papers picked for a followed author are left out, as the README there
asks. Prints a Markdown table: per N, the mean and median over the later days, and the profile's
training time (the run's wall time less a run with no labels).

Usage: scripts/bench-profile.py [BINARY] [--counts 10,30,100,300] [--train 20] [--config TOML]
  --config  extra config.toml lines for every run, e.g. '[profile]\nc = 1.0'
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(REPO, "..", "shared")
LABELLED = os.path.join(SHARED, "fixtures", "labelled")
TOOL = os.path.join(SHARED, "tools", "labelled_feed.py")


def day_papers(day):
    with open(os.path.join(LABELLED, day + ".jsonl")) as f:
        return [json.loads(line) for line in f]


def profile_scores(site, day):
    path = os.path.join(site, "data", day[:4], day[5:7], day[8:] + ".json")
    with open(path) as f:
        record = json.load(f)
    out = {}
    for paper in record["papers"]:
        if isinstance(paper, list):
            value = paper[4] if len(paper) > 4 and not isinstance(paper[4], str) else None
            out[paper[0]] = value
        else:
            out[paper["id"]] = paper.get("profile")
    return out


def auc(scored):
    pos = [s for s, y in scored if y]
    neg = [s for s, y in scored if not y]
    if not pos or not neg:
        return None
    ranked = sorted(scored, key=lambda p: p[0])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2
        rank_sum += mean_rank * sum(1 for _, y in ranked[i:j] if y)
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def run(binary, site, feed):
    start = time.perf_counter()
    done = subprocess.run([binary, "run", "--feed", feed], cwd=site, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"papersift run failed on {feed}:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start, done.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=os.path.join(REPO, "target", "release", "papersift"))
    parser.add_argument("--counts", default="10,30,100,300")
    parser.add_argument("--train", type=int, default=20)
    parser.add_argument("--config", default="", help="extra config.toml text")
    args = parser.parse_args()
    days = sorted(name[:-6] for name in os.listdir(LABELLED) if name.endswith(".jsonl"))
    work = tempfile.mkdtemp()
    try:
        feeds = {}
        for day in days:
            feeds[day] = os.path.join(work, day + ".xml")
            subprocess.run([sys.executable, TOOL, os.path.join(LABELLED, day + ".jsonl"), feeds[day]], check=True)
        train, test = days[: args.train], days[args.train :]
        picks = [p["id"] for day in train for p in day_papers(day) if p["picked"] and not p["author_match"]]
        print(f"{len(days)} labelled days: the first {len(train)} recorded before labelling ({len(picks)} picks), "
              f"{len(test)} ranked after ({test[0]} .. {test[-1]})\n")
        print("| want labels | days | AUC mean | AUC median | P@10 mean | R@50 mean | run wall, median |")
        print("|---|---|---|---|---|---|---|")
        for count in [0] + [int(c) for c in args.counts.split(",")]:
            site = os.path.join(work, f"site-{count}")
            os.makedirs(site)
            shutil.copytree(os.path.join(REPO, "prompts"), os.path.join(site, "prompts"))
            with open(os.path.join(site, "config.toml"), "w") as f:
                f.write('[arxiv]\ncategories = ["cs.LG", "cs.AI"]\n' + args.config.replace("\\n", "\n") + "\n")
            for day in train:
                run(args.binary, site, feeds[day])
            if count:
                sample = random.Random(count).sample(picks, min(count, len(picks)))
                done = subprocess.run([args.binary, "labels", "import", "-"], cwd=site, input="\n".join(sample) + "\n",
                                      capture_output=True, text=True)
                if done.returncode != 0:
                    sys.exit(done.stdout + done.stderr)
            aucs, p10s, r50s, walls = [], [], [], []
            for day in test:
                wall, _ = run(args.binary, site, feeds[day])
                walls.append(wall)
                if not count:
                    continue
                scores = profile_scores(site, day)
                scored = [(scores[p["id"]], p["picked"]) for p in day_papers(day)
                          if not p["author_match"] and scores.get(p["id"]) is not None]
                picked = sum(1 for _, y in scored if y)
                value = auc(scored)
                if value is None:
                    continue
                top = sorted(scored, key=lambda s: -s[0])
                aucs.append(value)
                p10s.append(sum(1 for _, y in top[:10] if y) / 10)
                r50s.append(sum(1 for _, y in top[:50] if y) / picked)
            if count:
                print(f"| {count} | {len(aucs)} | {statistics.mean(aucs):.3f} | {statistics.median(aucs):.3f} | "
                      f"{statistics.mean(p10s):.2f} | {statistics.mean(r50s):.2f} | {statistics.median(walls):.2f} s |")
            else:
                print(f"| 0 (no profile) | {len(test)} | — | — | — | — | {statistics.median(walls):.2f} s |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

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
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labelled import REPO, auc, day_papers, days as labelled_days, profile_scores as record_scores, record, write_feeds  # noqa: E402


def profile_scores(site, day):
    return record_scores(record(site, day))


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
    days = labelled_days()
    work = tempfile.mkdtemp()
    try:
        feeds = write_feeds(days, work)
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

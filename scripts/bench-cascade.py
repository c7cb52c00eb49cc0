#!/usr/bin/env python3
"""What the profile's cascade saves, and what it costs in recall, on real days.

The 41 labelled days of ../shared/fixtures/labelled/ are replayed in order through the binary
(`papersift run --feed`, with an API key) against ../shared/tools/mock_llm.py in oracle mode
(MOCK_ORACLE: a picked paper gets its recorded scores, any other 1-6, and the title stage never
rejects a picked paper), twice in fresh repositories: with `[profile] cascade = false` and with
the cascade on (the shipped default). No "want" labels: the profile learns from the LLM's own
picks, as a user with an API key and no marks gets it. Per day it counts the abstracts the mock
was sent (IDs in scoring calls, from MOCK_LOG) and the recall of the day's picks (selected and
picked over picked; papers picked for a followed author are left out, as the fixture's README
asks). Prints a Markdown table of the totals over the days the cascade cut, and per day with -v.

Usage: scripts/bench-cascade.py [BINARY] [-v] [--config TOML]
  --config  extra [profile] lines for both runs, e.g. 'cascade_recall = 0.99'
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labelled import LABELLED, REPO, SHARED, auc, day_papers, days as labelled_days, profile_scores, record, write_feeds  # noqa: E402

MOCK = os.path.join(SHARED, "tools", "mock_llm.py")


def start_mock(work, name):
    port_file = os.path.join(work, name + ".port")
    log = os.path.join(work, name + ".log")
    for stale in (port_file, log):
        if os.path.exists(stale):
            os.remove(stale)
    env = dict(os.environ, MOCK_ORACLE=LABELLED, MOCK_LOG=log, MOCK_PORT_FILE=port_file, MOCK_PORT="0")
    proc = subprocess.Popen([sys.executable, MOCK], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, int(open(port_file).read()), log
        time.sleep(0.05)
    proc.kill()
    sys.exit("mock_llm.py did not start")


def log_lines(log):
    if not os.path.exists(log):
        return []
    with open(log) as f:
        return [json.loads(line) for line in f if line.strip()]


def replay(binary, work, feeds, days, cascade, extra):
    name = "cascade" if cascade else "full"
    site = os.path.join(work, name)
    os.makedirs(site)
    shutil.copytree(os.path.join(REPO, "prompts"), os.path.join(site, "prompts"))
    proc, port, log = start_mock(work, name)
    try:
        with open(os.path.join(site, "config.toml"), "w") as f:
            f.write('[arxiv]\ncategories = ["cs.LG", "cs.AI"]\n'
                    f'[llm]\nbase_url = "http://127.0.0.1:{port}/v1"\nmodel = "gpt-4.1-mini"\n'
                    f'[profile]\ncascade = {"true" if cascade else "false"}\n{extra}\n')
        env = dict(os.environ, OPENAI_API_KEY="mock-key")
        env.pop("OPENAI_BASE_URL", None)
        out = {}
        for day in days:
            before = len(log_lines(log))
            done = subprocess.run([binary, "run", "--feed", feeds[day]], cwd=site, env=env,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"papersift run failed on {day}:\n{done.stdout}\n{done.stderr}")
            calls = log_lines(log)[before:]
            sent = sum(c["ids"] for c in calls if c.get("scoring"))
            rec = record(site, day)
            selected = {p["id"] for p in rec["papers"] if isinstance(p, dict) and p.get("decision") == "selected"}
            picked = {p["id"] for p in day_papers(day) if p["picked"] and not p["author_match"]}
            cas = rec.get("cascade") or {}
            scores = profile_scores(rec)
            scored = [(scores[p["id"]], p["id"] in picked) for p in day_papers(day)
                      if not p["author_match"] and scores.get(p["id"]) is not None]
            out[day] = {"auc": auc(scored),"sent": sent, "picked": len(picked), "kept": len(picked & selected),
                        "cut": cas.get("cut", 0), "note": cas.get("note"), "keep_share": cas.get("keep_share")}
        return out
    finally:
        proc.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=os.path.join(REPO, "target", "release", "papersift"))
    parser.add_argument("-v", action="store_true", help="per-day rows")
    parser.add_argument("--config", default="", help="extra [profile] lines")
    args = parser.parse_args()
    days = labelled_days()
    work = tempfile.mkdtemp()
    try:
        feeds = write_feeds(days, work)
        extra = args.config.replace("\\n", "\n")
        full = replay(args.binary, work, feeds, days, False, extra)
        cut = replay(args.binary, work, feeds, days, True, extra)
        if args.v:
            print("| day | picks | profile AUC (no cascade) | abstracts, no cascade | abstracts, cascade | share | recall, cascade | keep share | note |")
            print("|---|---|---|---|---|---|---|---|---|")
            for day in days:
                f, c = full[day], cut[day]
                a = f"{f['auc']:.3f}" if f["auc"] is not None else "—"
                print(f"| {day} | {c['picked']} | {a} | {f['sent']} | {c['sent']} | {c['sent'] / max(f['sent'], 1):.2f} | "
                      f"{c['kept'] / max(c['picked'], 1):.3f} | {c['keep_share'] or 0:.2f} | {c['note'] or ''} |")
            print()
        active = [d for d in days if cut[d]["cut"] > 0]
        print(f"{len(days)} labelled days replayed; the cascade cut on {len(active)} of them "
              f"(the first days calibrate it: {', '.join(d for d in days if not cut[d]['cut'])[:200]})\n")
        print("| days | abstracts sent, no cascade | with cascade | share | recall of picks, no cascade | with cascade | worst day's recall |")
        print("|---|---|---|---|---|---|---|")
        for label, chosen in (("all 41", days), ("cascade days", active)):
            if not chosen:
                continue
            fs = sum(full[d]["sent"] for d in chosen)
            cs = sum(cut[d]["sent"] for d in chosen)
            picks = sum(cut[d]["picked"] for d in chosen)
            fr = sum(full[d]["kept"] for d in chosen) / picks
            cr = sum(cut[d]["kept"] for d in chosen) / picks
            worst = min(cut[d]["kept"] / max(cut[d]["picked"], 1) for d in chosen)
            print(f"| {label} | {fs} | {cs} | {cs / fs:.2f} | {fr:.3f} | {cr:.3f} | {worst:.3f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

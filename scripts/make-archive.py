#!/usr/bin/env python3
"""Makes a synthetic papersift archive, or a feed for one more day, from real material.

  make-archive.py records TEMPLATE.json... --days N --end YYYY-MM-DD --out DATA_DIR
      Copies the given day records (papersift's own, from `run --feed` on the shared feeds) to
      the N weekdays ending on --end, in turn, each with its own date and its own arXiv IDs, so
      no two days share a paper. The file text is papersift's, so sizes are real.

  make-archive.py feed FEED.xml --date YYYY-MM-DD --out FEED_OUT.xml
      Rewrites a recorded arXiv RSS feed to announce on --date, with IDs of that date.

No network; the standard library only.
"""

import argparse
import datetime
import re
import sys
from pathlib import Path

ARXIV_ID = re.compile(r"(?<![\d.])\d{4}\.\d{4,5}(?!\d)")
RECORD_ID = re.compile(r'(?<=\{"id":")\d{4}\.\d{4,5}|(?<=\[")\d{4}\.\d{4,5}(?=",)')
RSS_DATE = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}")


def fresh_id(date: datetime.date, number: int) -> str:
    """An arXiv-shaped ID unique to the date and the paper's place in it."""
    return f"{date:%y%m}.{date.day * 3000 + number:05d}"


def renumber(text: str, pattern: re.Pattern, date: datetime.date) -> str:
    ids = {}

    def replace(match):
        old = match.group(0)
        if old not in ids:
            ids[old] = fresh_id(date, len(ids))
        return ids[old]

    return pattern.sub(replace, text)


def weekdays_ending(end: datetime.date, count: int):
    days = []
    day = end
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    return list(reversed(days))


def make_records(args):
    templates = [Path(t).read_text(encoding="utf-8") for t in args.templates]
    dates = re.compile(r'"date": "\d{4}-\d{2}-\d{2}"')
    out = Path(args.out)
    for number, day in enumerate(weekdays_ending(args.end, args.days)):
        text = dates.sub(f'"date": "{day.isoformat()}"', templates[number % len(templates)], count=1)
        text = renumber(text, RECORD_ID, day)
        path = out / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make_feed(args):
    text = Path(args.feed).read_text(encoding="utf-8")
    # Noon UTC is the same date in New York all year round.
    text = RSS_DATE.sub(args.date.strftime("%a, %d %b %Y 12:00:00 +0000"), text)
    text = renumber(text, ARXIV_ID, args.date)
    Path(args.out).write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    records = commands.add_parser("records")
    records.add_argument("templates", nargs="+")
    records.add_argument("--days", type=int, required=True)
    records.add_argument("--end", type=datetime.date.fromisoformat, required=True)
    records.add_argument("--out", required=True)
    feed = commands.add_parser("feed")
    feed.add_argument("feed")
    feed.add_argument("--date", type=datetime.date.fromisoformat, required=True)
    feed.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "records":
        make_records(args)
    else:
        make_feed(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# What the scanned-text store (data/scanned/) costs on real days: the 41 labelled days of
# ../shared/fixtures/labelled/ (every paper of the cs.LG + cs.AI listing) are run in order through
# `papersift run --feed` (keyword scorer, no network) into a fresh git repository, committing
# data/ after each run as the workflow does. Prints, per day, the papers scanned and the bytes of
# its store file, then: the mean store file, the git growth of data/scanned/ alone (size-pack
# after `git gc`, compared with the same replay of the previous commit's layout, which has no
# store), and that mean times 250 announcement days a year.
# Needs python3 and git. Usage: scripts/bench-scanned.sh [BINARY]
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
labelled="$repo/../shared/fixtures/labelled"
tool="$repo/../shared/tools/labelled_feed.py"
binary="${1:-$repo/target/release/papersift}"
[[ -d "$labelled" ]] || { echo "labelled days not found at $labelled" >&2; exit 2; }
[[ -x "$binary" ]] || { echo "build first: cargo build --release" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
site="$work/site"
mkdir -p "$site" "$work/feeds"
cp -r "$repo/prompts" "$site/prompts"
printf '[arxiv]\ncategories = ["cs.LG", "cs.AI"]\n' >"$site/config.toml"
git -C "$site" init -q
git -C "$site" config user.email bench@example.org
git -C "$site" config user.name bench

total=0
days=0
printf '| day | papers | store file | run wall |\n|---|---|---|---|\n'
for day_file in "$labelled"/*.jsonl; do
  day="$(basename "$day_file" .jsonl)"
  python3 "$tool" "$day_file" "$work/feeds/$day.xml"
  start="$(date +%s.%N)"
  (cd "$site" && "$binary" run --feed "$work/feeds/$day.xml" >/dev/null)
  wall="$(echo "$(date +%s.%N) - $start" | bc)"
  store="$site/data/scanned/$day.json.zst"
  bytes="$(stat -c %s "$store")"
  total=$((total + bytes))
  days=$((days + 1))
  printf '| %s | %s | %s KB | %.2f s |\n' "$day" "$(wc -l <"$day_file")" "$((bytes / 1024))" "$wall"
  git -C "$site" add -A data
  git -C "$site" commit -qm "$day"
done
git -C "$site" gc -q --aggressive
pack="$(git -C "$site" count-objects -v | awk '/size-pack/ { print $2 }')"
# The store's share of the pack: the blobs of every data/scanned file ever committed.
store_pack="$(git -C "$site" rev-list --objects --all |
  awk '$2 ~ /^data\/scanned\// { print $1 }' |
  git -C "$site" cat-file --batch-check='%(objectsize:disk)' | awk '{ s += $1 } END { print s }')"
mean=$((total / days))
printf '\n%s days; store file: mean %s KB; git objects of data/scanned/: %s KB (of a %s KB pack); a year of 250 days: %s MB\n' \
  "$days" "$((mean / 1024))" "$((store_pack / 1024))" "$pack" "$((mean * 250 / 1048576))"
printf 'files kept in data/scanned/ now: %s (labels.scanned_days = 20)\n' "$(ls "$site/data/scanned" | wc -l)"

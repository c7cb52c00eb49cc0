#!/usr/bin/env bash
# Times `papersift import --force` (release, the re-render of docs/ included) on each era of the
# replaced tool's archive: the real 242-day 2025 archive (-output.json only) and a synthetic
# 250-day 2026 archive (-output, -daily-papers and -hotspot-papers files for every weekday, made
# from the small hand-written fixture with fresh dates and IDs). Prints a table of medians.
#
# Needs farm-bench on PATH. Usage: scripts/bench-import.sh [ARCHIVE_2025_DIR]
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
archive_2025="${1:-$repo/../shared/fixtures/archive/daily-json-2025}"
target="${CARGO_TARGET_DIR:-$repo/target}"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
binary="$target/release/papersift"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A 2026-era archive: each weekday copies the fixture's 2026-03-02 files (5 papers, topics,
# usage and 2 spotlight papers) under that day's date, each paper with a new ID.
python3 - "$repo/tests/fixtures/import/2026/out/json/2026-03" "$work/archive-2026" <<'PY'
import datetime, json, os, sys
source, out = sys.argv[1], sys.argv[2]
kinds = ["output", "daily-papers", "hotspot-papers"]
texts = {k: open(os.path.join(source, f"2026-03-02-{k}.json")).read() for k in kinds}
day, made = datetime.date(2026, 1, 5), 0
while made < 250:
    if day.weekday() < 5:
        folder = os.path.join(out, day.strftime("%Y-%m"))
        os.makedirs(folder, exist_ok=True)
        for kind, text in texts.items():
            # IDs 2603.001NN become YYMM.NNNNN unique per day.
            text = text.replace("2603.001", f"{day:%y%m}.{made:03d}").replace("2026-03-02", day.isoformat())
            open(os.path.join(folder, f"{day.isoformat()}-{kind}.json"), "w").write(text)
        made += 1
    day += datetime.timedelta(days=1)
PY

printf '| archive | days | files | import --force, median wall | peak memory |\n|---|---|---|---|---|\n'
for era in 2025 2026; do
  case "$era" in
    2025) archive="$archive_2025"; days=242 ;;
    2026) archive="$work/archive-2026"; days=250 ;;
  esac
  if [[ ! -d "$archive" ]]; then
    echo "archive folder $archive not found" >&2
    exit 2
  fi
  repo_dir="$work/repo-$era"
  mkdir -p "$repo_dir"
  cp "$repo/config.toml" "$repo_dir/config.toml"
  cp -r "$repo/prompts" "$repo_dir/prompts"
  (cd "$repo_dir" && "$binary" import "$archive" >/dev/null)
  files="$(find "$archive" -name '*.json' | wc -l)"
  result="$(cd "$repo_dir" && farm-bench -n 5 -- "$binary" import --force "$archive" 2>&1)"
  wall="$(awk '/^A wall s/ { print $4 }' <<<"$result")"
  peak="$(awk '/^A peak MiB/ { print $4 }' <<<"$result")"
  printf '| %s era | %s | %s | %s s | %s MiB |\n' "$era" "$days" "$files" "$wall" "$peak"
done

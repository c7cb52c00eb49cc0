#!/usr/bin/env bash
# Ten years on one runner: measures what a daily run and a full build cost as the archive grows,
# and how much the repository grows a year. Needs python3, git and GNU time (/usr/bin/time); no
# network. Usage: scripts/bench-archive.sh [SIZES] [REPLAY_DAYS]
#   SIZES        archive sizes in native days, default "387 1250 2500"
#   REPLAY_DAYS  days replayed into a git repository, one commit each, default 250
#   ATTEMPTS     (environment) runs of each timed command, the median shown; default 3
#
# 1. Native records: `papersift run --feed` (keyword scorer, shipped config) on each of the
#    three shared feeds (620, 540 and 910 items) gives three real day records.
# 2. For each size N, scripts/make-archive.py copies them, in turn, to the N weekdays ending on
#    2025-06-06, each with its own date and arXiv IDs; `papersift build` renders it (cold, then
#    again with nothing to change); then one daily run (`run --feed`, the 620-item feed moved to
#    the next Monday with fresh IDs) is timed, with its peak memory and the bytes of every file
#    it wrote. Each is run ATTEMPTS times, on hard-linked copies where it changes the archive,
#    and the medians are shown. `docs/` and `data/` sizes are of the archive after that run.
# 3. Replay: REPLAY_DAYS consecutive daily runs into a fresh git repository, committing `data/`
#    and `docs/` after each as the workflow does; the bytes each commit rewrote, and the
#    repository's size after `git gc` (`git count-objects -vH`). The synthetic days repeat the
#    text of three real days, which git's delta compression finds, so the script also sums the
#    zlib-compressed size of every file each commit wrote: what the repository would grow by
#    if no file were stored as a delta of another, an upper bound for real days.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
feeds="$repo/../shared/fixtures/feeds"
sizes="${1:-387 1250 2500}"
replay_days="${2:-250}"
attempts="${ATTEMPTS:-3}"
for tool in python3 git /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done
[[ -d "$feeds" ]] || { echo "shared feeds not found at $feeds" >&2; exit 2; }

# shellcheck source=scripts/bench-common.sh
source "$repo/scripts/bench-common.sh"
make="$repo/scripts/make-archive.py"

# "wall_seconds peak_kib" of a papersift command run in folder $1.
timed() {
  local dir="$1"
  shift
  (cd "$dir" && /usr/bin/time -f "%e %M" "$binary" "$@" 2>&1 >/dev/null | tail -n 1)
}

# The median of the numbers given, one per argument.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# "median_wall median_peak_kib" of ATTEMPTS runs of a papersift command, each in its own folder:
# timed_median FOLDER_PREFIX PREPARE -- ARGS...; PREPARE is run with the attempt's folder first.
timed_median() {
  local prefix="$1" prepare="$2" walls=() kibs=() wall kib attempt
  shift 3
  for attempt in $(seq "$attempts"); do
    "$prepare" "$prefix-$attempt"
    read -r wall kib <<<"$(timed "$prefix-$attempt" "$@")"
    walls+=("$wall")
    kibs+=("$kib")
  done
  echo "$(median "${walls[@]}") $(median "${kibs[@]}")"
}

# Bytes of the files under $1 (data/ and docs/) newer than the marker $2.
bytes_newer() {
  find "$1/data" "$1/docs" -type f -newer "$2" ! -name '.papersift.lock' -printf '%s\n' |
    awk '{ total += $1 } END { print total + 0 }'
}


# 1. Three native records.
native_records
printf 'native records: %s bytes each (from the 620-, 540- and 910-item feeds)\n' \
  "$(for t in "${templates[@]}"; do stat -c %s "$t"; done | paste -sd/)"

# The next day's feed for an archive ending on Friday 2025-06-06.
python3 "$make" feed "$(ls "$feeds"/rss-*-2025-06-10-*.xml)" --date 2025-06-09 --out "$work/next-day.xml"

printf '\n| native days | daily run: wall | peak memory | files / bytes it wrote | full build: cold | peak memory | no-change build | docs/ | data/ |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for days in $sizes; do
  site="$work/site-$days"
  new_site "$site"
  python3 "$make" records "${templates[@]}" --days "$days" --end 2025-06-06 --out "$site/data"
  cp -r "$prompts_dir" "$site/data/prompts"
  # Each timed command runs $attempts times and the median is shown (one run on this shared VM
  # can take twice another's). Cold builds each get a fresh hard-linked copy of the archive with
  # no docs/ (none is deleted: see below); papersift replaces files by renaming a new one into
  # place and never writes into an existing file, so the copies share nothing a run changes.
  fresh_copy() { cp -al "$site" "$1"; }
  read -r cold_wall cold_kib <<<"$(timed_median "$work/cold-$days" fresh_copy -- build)"
  site="$work/cold-$days-1"
  no_change() { [[ -e "$1" ]] || ln -s "$site" "$1"; }
  read -r warm_wall _ <<<"$(timed_median "$work/warm-$days" no_change -- build)"
  marker="$work/marker-$days"
  touch "$marker"
  sleep 1
  read -r run_wall run_kib <<<"$(timed_median "$work/run-$days" fresh_copy -- run --feed "$work/next-day.xml")"
  last_run="$work/run-$days-$attempts"
  files="$(find "$last_run/data" "$last_run/docs" -type f -newer "$marker" ! -name '.papersift.lock' | wc -l)"
  written="$(bytes_newer "$last_run" "$marker")"
  docs_bytes="$(file_bytes "$last_run/docs")"
  data_bytes="$(file_bytes "$last_run/data")"
  printf '| %s | %s s | %s MB | %s / %s KB | %s s | %s MB | %s s | %s MB | %s MB |\n' \
    "$days" "$run_wall" "$((run_kib / 1024))" "$files" "$((written / 1024))" \
    "$cold_wall" "$((cold_kib / 1024))" "$warm_wall" "$(mb "$docs_bytes")" "$(mb "$data_bytes")"
  # Kept until the end: creating files soon after deleting tens of thousands makes ext4 search
  # its inode tables for long (recently_deleted), which would slow the next size's cold build.
done

# 2b. A year's first run: the archive of the largest size ending on Wednesday 2025-12-31, then
# the run of Friday 2026-01-02, which moves 2025 into the `earlier` search segment.
days="${sizes##* }"
site="$work/site-year-$days"
new_site "$site"
python3 "$make" records "${templates[@]}" --days "$days" --end 2025-12-31 --out "$site/data"
cp -r "$prompts_dir" "$site/data/prompts"
(cd "$site" && "$binary" build >/dev/null)
python3 "$make" feed "$(ls "$feeds"/rss-*-2025-06-10-*.xml)" --date 2026-01-02 --out "$work/new-year.xml"
marker="$work/marker-year"
touch "$marker"
sleep 1
read -r year_wall year_kib <<<"$(timed_median "$work/year-run" fresh_copy -- run --feed "$work/new-year.xml")"
last_run="$work/year-run-$attempts"
year_files="$(find "$last_run/data" "$last_run/docs" -type f -newer "$marker" ! -name '.papersift.lock' | wc -l)"
year_written="$(bytes_newer "$last_run" "$marker")"
printf '\na year'"'"'s first run (%s days, 2026-01-02): %s s, %s MB peak, %s files / %s KB written\n' \
  "$days" "$year_wall" "$((year_kib / 1024))" "$year_files" "$((year_written / 1024))"

# 3. Replay into git.
git_site="$work/replay"
new_site "$git_site"
(
  cd "$git_site"
  git init -q
  git config user.name bench
  git config user.email bench@example.invalid
  git add -A && git commit -qm "fork"
)
day=2025-01-06
per_run=()
compressed_total=0
feed_list=("$feeds"/rss-*-2025-06-1?-synthetic*.xml)
for number in $(seq 0 $((replay_days - 1))); do
  while [[ "$(date -d "$day" +%u)" -gt 5 ]]; do day="$(date -d "$day + 1 day" +%F)"; done
  python3 "$make" feed "${feed_list[$((number % 3))]}" --date "$day" --out "$work/day.xml"
  (cd "$git_site" && "$binary" run --feed "$work/day.xml" >/dev/null)
  bytes="$(cd "$git_site" && git add -A data docs && git diff --cached --name-only -z --diff-filter=AM |
    xargs -0 -r stat -c %s | awk '{ total += $1 } END { print total + 0 }')"
  per_run+=("$bytes")
  compressed="$(cd "$git_site" && git diff --cached --name-only -z --diff-filter=AM |
    xargs -0 -r -n 1 sh -c 'gzip -c "$0" | wc -c' | awk '{ total += $1 } END { print total + 0 }')"
  compressed_total=$((compressed_total + compressed))
  (cd "$git_site" && git commit -qm "papersift $day")
  day="$(date -d "$day + 1 day" +%F)"
done
(cd "$git_site" && git gc -q --aggressive)
pack="$(cd "$git_site" && git count-objects -vH | awk -F': ' '/size-pack/ { print $2 }')"
median_bytes="$(median "${per_run[@]}")"
largest="$(printf '%s\n' "${per_run[@]}" | sort -n | tail -n 1)"
mean="$(printf '%s\n' "${per_run[@]}" | awk '{ t += $1 } END { printf "%.0f", t / NR }')"
printf '\nreplay of %s daily runs into git: bytes each commit wrote: median %s KB, mean %s KB, largest %s KB; repository after git gc: size-pack %s; the same files compressed, without deltas: %s MB\n' \
  "$replay_days" "$((median_bytes / 1024))" "$((mean / 1024))" "$((largest / 1024))" "$pack" "$((compressed_total / 1048576))"

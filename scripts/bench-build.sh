#!/usr/bin/env bash
# Times `papersift build` (release) on the real 242-day archive: imports it into a temporary
# folder once, then builds RUNS times from an empty docs/ (every file written) and RUNS times
# over an unchanged docs/ (nothing rewritten), and prints the median wall time of each.
#
# Needs GNU time (/usr/bin/time). Usage: scripts/bench-build.sh [ARCHIVE_DIR] [RUNS]
#   ARCHIVE_DIR defaults to ../shared/fixtures/archive/daily-json-2025 beside the repository.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
archive="${1:-$repo/../shared/fixtures/archive/daily-json-2025}"
runs="${2:-7}"
if [[ ! -d "$archive" ]]; then
  echo "archive folder $archive not found" >&2
  exit 2
fi

target="${CARGO_TARGET_DIR:-$repo/target}"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
binary="$target/release/papersift"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$repo/config.toml" "$work/config.toml"
(cd "$work" && "$binary" import "$archive" >/dev/null)

# Median of the numbers on standard input.
median() {
  sort -n | awk '{ values[NR] = $1 } END { print values[int((NR + 1) / 2)] }'
}

# One build's "wall user sys" seconds, measured by GNU time.
time_build() {
  (cd "$work" && /usr/bin/time -f "%e %U %S" "$binary" build 2>&1 >/dev/null | tail -n 1)
}

cold=()
warm=()
for _ in $(seq "$runs"); do
  rm -rf "$work/docs"
  cold+=("$(time_build)")
  warm+=("$(time_build)")
done

# "label" then the measurements: median wall time, and median user and system CPU time.
report() {
  local label="$1"
  shift
  local wall user sys
  wall="$(printf '%s\n' "$@" | awk '{ print $1 }' | median)"
  user="$(printf '%s\n' "$@" | awk '{ print $2 }' | median)"
  sys="$(printf '%s\n' "$@" | awk '{ print $3 }' | median)"
  printf '%s: median %s s wall (%s s user, %s s system) over %s runs\n' "$label" "$wall" "$user" "$sys" "$#"
}

days="$(find "$work/data" -name '??.json' -path '*/[0-9][0-9][0-9][0-9]/*' | wc -l)"
files="$(find "$work/docs" -type f | wc -l)"
index_bytes="$(cat "$work"/docs/search/index-*.json "$work/docs/search/manifest.json" | wc -c)"
printf 'archive: %s days, site: %s files\n' "$days" "$files"
report "build from an empty docs/" "${cold[@]}"
report "build over an unchanged docs/ (nothing rewritten)" "${warm[@]}"
printf 'search index: %s bytes (%s gzipped)\n' "$index_bytes" "$(cat "$work"/docs/search/index-*.json | gzip -9 | wc -c)"

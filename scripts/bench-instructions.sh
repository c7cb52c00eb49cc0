#!/usr/bin/env bash
# The instructions a full `papersift build` executes, counted by valgrind: the one cost figure a
# shared VM does not blur (wall and CPU times of the same build vary by half from run to run).
# Needs python3 and valgrind; no network. Usage: scripts/bench-instructions.sh [DAYS] [BINARY]
#   DAYS    native days in the archive, default 150 (a build under valgrind is ~40 times slower)
#   BINARY  a papersift binary to count instead of this checkout's release build (to compare)
#
# The archive is bench-archive.sh's: the three shared feeds run through `run --feed` with the
# keyword scorer, their records copied to the DAYS weekdays ending on 2025-06-06. The build is
# run once to make docs/, then counted with nothing to change (the same rendering, without the
# writes), per function with `callgrind_annotate` on the file the script names.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
days="${1:-150}"
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 2; }

# shellcheck source=scripts/bench-common.sh
source "$repo/scripts/bench-common.sh"
binary="${2:-$binary}"
native_records

site="$work/site"
new_site "$site"
python3 "$repo/scripts/make-archive.py" records "${templates[@]}" --days "$days" --end 2025-06-06 --out "$site/data"
cp -r "$prompts_dir" "$site/data/prompts"
(cd "$site" && "$binary" build >/dev/null)
profile="${TMPDIR:-/tmp}/papersift-build-$days.callgrind"
(cd "$site" && valgrind --tool=callgrind --callgrind-out-file="$profile" "$binary" build 2>&1 >/dev/null) |
  awk -v days="$days" -v profile="$profile" '/Collected/ {
    printf "build of %s native days, nothing to change: %.2f G instructions (per function: callgrind_annotate %s)\n", days, $4 / 1e9, profile
  }'

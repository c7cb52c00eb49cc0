#!/usr/bin/env bash
# A daily run on a large archive, this build against another papersift binary (an earlier
# commit's), alternating A B A B on fresh hard-linked copies of the same archive: the medians of
# wall time, peak memory, user CPU and the bytes each run wrote, and the median of the A/B wall
# ratios pair by pair (the figure that holds when this shared machine's speed drifts).
# Needs python3 and GNU time. Usage: scripts/bench-run-vs.sh OTHER_BINARY [DAYS] [PAIRS]
#   DAYS          native days in the archive, default 2500
#   PAIRS         runs of each binary, default 5
#   OTHER_CONFIG  (environment) the config.toml the other binary's copies use, when it predates
#                 keys of the shipped one, e.g. `git show REV:config.toml > old.toml`
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
other="${1:?usage: scripts/bench-run-vs.sh OTHER_BINARY [DAYS] [PAIRS]}"
days="${2:-2500}"
pairs="${3:-5}"
[[ -x "$other" ]] || { echo "$other is not an executable" >&2; exit 2; }
feeds="$repo/../shared/fixtures/feeds"

# shellcheck source=scripts/bench-common.sh
source "$repo/scripts/bench-common.sh"
make="$repo/scripts/make-archive.py"

native_records
python3 "$make" feed "$(ls "$feeds"/rss-*-2025-06-10-*.xml)" --date 2025-06-09 --out "$work/next-day.xml"
site="$work/site"
new_site "$site"
python3 "$make" records "${templates[@]}" --days "$days" --end 2025-06-06 --out "$site/data"
cp -r "$prompts_dir" "$site/data/prompts"
# Each binary runs on a site it built itself: a site built by another version is re-rendered
# whole by a run (its templates differ), which is not what a daily run costs.
other_site="$work/other-site"
cp -al "$site" "$other_site"
if [[ -n "${OTHER_CONFIG:-}" ]]; then
  rm "$other_site/config.toml"
  cp "$OTHER_CONFIG" "$other_site/config.toml"
fi
(cd "$site" && "$binary" build >/dev/null)
(cd "$other_site" && "$other" build >/dev/null)

# "wall user peak_kib bytes" of one run of binary $1 on a fresh copy, named $2, of the site $3.
one_run() {
  local copy="$work/$2" marker="$work/$2.marker" figures
  cp -al "$3" "$copy"
  touch "$marker"
  sleep 1
  figures="$(cd "$copy" && /usr/bin/time -f "%e %U %M" "$1" run --feed "$work/next-day.xml" 2>&1 >/dev/null | tail -n 1)"
  [[ "$figures" =~ ^[0-9.]+\ [0-9.]+\ [0-9]+$ ]] || { echo "$1 failed in $copy: $figures" >&2; exit 1; }
  echo "$figures $(find "$copy/data" "$copy/docs" -type f -newer "$marker" ! -name '.papersift.lock' -printf '%s\n' | awk '{ t += $1 } END { print t + 0 }')"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

a_wall=() a_user=() a_kib=() a_bytes=() b_wall=() b_user=() b_kib=() b_bytes=() ratio=()
for pair in $(seq "$pairs"); do
  read -r w u k b <<<"$(one_run "$binary" "a-$pair" "$site")"
  a_wall+=("$w") a_user+=("$u") a_kib+=("$k") a_bytes+=("$b")
  read -r w2 u2 k2 b2 <<<"$(one_run "$other" "b-$pair" "$other_site")"
  b_wall+=("$w2") b_user+=("$u2") b_kib+=("$k2") b_bytes+=("$b2")
  ratio+=("$(awk -v a="$w" -v b="$w2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')")
done
printf '| daily run at %s days, medians of %s | wall | user CPU | peak memory | bytes written |\n|---|---|---|---|---|\n' "$days" "$pairs"
printf '| this build | %s s | %s s | %s MB | %s KB |\n' "$(median "${a_wall[@]}")" "$(median "${a_user[@]}")" \
  "$(( $(median "${a_kib[@]}") / 1024 ))" "$(( $(median "${a_bytes[@]}") / 1024 ))"
printf '| %s | %s s | %s s | %s MB | %s KB |\n' "$other" "$(median "${b_wall[@]}")" "$(median "${b_user[@]}")" \
  "$(( $(median "${b_kib[@]}") / 1024 ))" "$(( $(median "${b_bytes[@]}") / 1024 ))"
printf 'wall ratio this/other, pair by pair: %s (median %s)\n' "${ratio[*]}" "$(median "${ratio[@]}")"

#!/usr/bin/env bash
# Search over ten years: the index's size and what a query costs, against pagefind.
# Needs python3, node, openssl, chromium and chromedriver; pagefind only for the comparison
# (PAGEFIND=/path/to/pagefind, e.g. from `npm install pagefind`: node_modules/@pagefind/*/bin/).
# No network. Usage: scripts/bench-search.sh [DAYS] [END]
#   DAYS  weekdays of archive, default 2500 (ten years)
#   END   the newest day, default 2025-06-06; a December day (2025-12-31) gives the most
#         segments a query reads (the earlier years, eleven months and two half-months)
#
# 1. The shared 242-day archive of the old tool is imported (real titles, authors and
#    abstracts), and scripts/make-archive.py copies its records, in turn, to the DAYS weekdays
#    ending on END with their own dates and IDs: about 70,000 papers on their first listing
#    (the old tool's days average 28).
# 2. `papersift build`, timed, and the search index's size: files and bytes, raw and gzipped.
# 3. scripts/bench-search.py runs typical two-word queries (and one rare word) in a fresh
#    headless Chromium each, over an emulated 10 Mbit/s link with 40 ms added to every request,
#    files served over HTTP/2 with gzip as GitHub Pages serves them; it reports the time until
#    the first results show and the bytes the query downloaded.
# 4. With PAGEFIND set: pagefind indexes the same day pages (timed, with its peak memory) and
#    the same queries run through its JavaScript API (search, then the data of ten results).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
days="${1:-2500}"
end="${2:-2025-06-06}"
archive="$repo/../shared/fixtures/archive/daily-json-2025"
for tool in python3 node openssl chromium chromedriver /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done
[[ -d "$archive" ]] || { echo "the shared archive is not at $archive" >&2; exit 2; }
queries=("diffusion model" "mixture experts" "reinforcement learning" "sparse attention"
  "graph neural" "language model" "grokking")

# shellcheck source=scripts/bench-common.sh
source "$repo/scripts/bench-common.sh"

new_site "$work/seed"
(cd "$work/seed" && "$binary" import "$archive" >/dev/null)
site="$work/site"
new_site "$site"
mapfile -t records < <(find "$work/seed/data" -name '??.json' | sort)
python3 "$repo/scripts/make-archive.py" records "${records[@]}" --days "$days" --end "$end" --out "$site/data"
read -r build_wall build_kib <<<"$(cd "$site" && /usr/bin/time -f "%e %M" "$binary" build 2>&1 >/dev/null | tail -n 1)"
papers="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$site/docs/search/manifest.json")"
size() { mb "$(file_bytes "$@")"; }
gzipped() { find "$@" -type f -print0 | xargs -0 -n 200 gzip -c | wc -c | awk '{ printf "%.1f", $1 / 1000000 }'; }
files="$(find "$site/docs/search" -type f | wc -l)"
printf '%s days to %s, %s papers, %s search segments; build %s s, %s MB peak\n' "$days" "$end" "$papers" \
  "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["segments"]))' "$site/docs/search/manifest.json")" \
  "$build_wall" "$((build_kib / 1024))"
printf 'our index: %s files, %s MB (%s MB gzipped), of which the day files for results %s MB\n' \
  "$files" "$(size "$site/docs/search")" "$(gzipped "$site/docs/search")" "$(size "$site/docs/search/days")"
echo "queries (first results ms, files and KB the query fetched; page_* what the page itself loaded):"
python3 "$repo/scripts/bench-search.py" "$site/docs" "${queries[@]}"

if [[ -n "${PAGEFIND:-}" ]]; then
  read -r pf_wall pf_kib <<<"$(/usr/bin/time -f "%e %M" "$PAGEFIND" --site "$site/docs" \
    --output-path "$site/docs/pagefind" --glob '20*/*/*/index.html' 2>&1 >/dev/null | tail -n 1)"
  printf 'pagefind: indexing %s s, %s MB peak; %s files, %s MB (already gzipped)\n' "$pf_wall" \
    "$((pf_kib / 1024))" "$(find "$site/docs/pagefind" -type f | wc -l)" "$(size "$site/docs/pagefind")"
  python3 "$repo/scripts/bench-search.py" "$site/docs" --pagefind "${queries[@]}"
fi

#!/usr/bin/env bash
# Builds the same site with two papersift binaries and says whether data/ and docs/ are
# byte-identical: for refactors that must not change any output. The site is the shared
# 242-day archive imported, plus the 910-item feed day run with the keyword scorer.
#
# Usage: scripts/compare-sites.sh OLD_BINARY NEW_BINARY
#   e.g. build HEAD~1 in a worktree (git worktree add /tmp/old HEAD~1 && cargo build
#   --release --manifest-path /tmp/old/Cargo.toml) and compare with target/release/papersift.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="$repo/../shared/fixtures"
[[ $# -eq 2 ]] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 2; }
[[ -d "$fixtures" ]] || { echo "$fixtures not found" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Builds the site with binary $1 in folder $2 and prints one hash line per file.
site() {
  local binary="$1" dir="$2"
  mkdir -p "$dir"
  cp "$repo/config.toml" "$dir/"
  cp -r "$repo/prompts" "$dir/"
  (
    cd "$dir"
    "$binary" import "$fixtures/archive/daily-json-2025" >/dev/null
    "$binary" run --feed "$fixtures/feeds/rss-cs.LG+cs.AI+cs.CL+stat.ML-2025-06-12-synthetic910.xml" >/dev/null || true
    rm -rf docs
    "$binary" build >/dev/null
    find data docs -type f -print0 | sort -z | xargs -0 sha256sum
  )
}

site "$(realpath "$1")" "$work/old" >"$work/old.sha"
site "$(realpath "$2")" "$work/new" >"$work/new.sha"
files="$(wc -l <"$work/new.sha")"
if diff "$work/old.sha" "$work/new.sha" >"$work/diff"; then
  echo "identical: $files files in data/ and docs/"
else
  echo "different:"
  cat "$work/diff"
  exit 1
fi

# Shared by the benchmark scripts (sourced, not run): builds papersift, makes a scratch folder
# removed on exit, and the helpers below. Expects $repo, the repository's root.

target="${CARGO_TARGET_DIR:-$repo/target}"
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
binary="$target/release/papersift"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A repository folder with the shipped config and prompts.
new_site() {
  mkdir -p "$1"
  cp "$repo/config.toml" "$1/config.toml"
  cp -r "$repo/prompts" "$1/prompts"
}

# The bytes of the files under the given folders, as GitHub counts a site or a repository (du
# would add the folders themselves).
file_bytes() {
  find "$@" -type f -printf '%s\n' | awk '{ t += $1 } END { print t + 0 }'
}

# Bytes in MB of 10^6, one decimal.
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1000000 }'; }

# Three native day records: `papersift run --feed` (keyword scorer, shipped config) on each of
# the three shared feeds (620, 540 and 910 items). Sets `templates` (the three record files) and
# `prompts_dir` (the prompt snapshots they name), which scripts/make-archive.py copies from.
native_records() {
  local feeds="$repo/../shared/fixtures/feeds" feed seed
  [[ -d "$feeds" ]] || { echo "shared feeds not found at $feeds" >&2; exit 2; }
  templates=()
  for feed in "$feeds"/rss-*-2025-06-1?-synthetic*.xml; do
    seed="$work/seed-$(basename "$feed" .xml)"
    new_site "$seed"
    (cd "$seed" && "$binary" run --feed "$feed" >/dev/null)
    templates+=("$(find "$seed/data/2025" -name '??.json' | head -n 1)")
    prompts_dir="$seed/data/prompts"
  done
}

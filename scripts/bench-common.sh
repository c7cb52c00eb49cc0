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

# Sourced by the scripts that build (test, devnet, fuzz): where the build happens and how.
#
# Cargo on stable decides what to rebuild by file times, and a fresh clone gives every file a new
# one. So the scripts never build in the checkout: they build in a mirror of it under the cache,
# `$PGT_BUILD_TREE`, that `rsync --checksum` keeps in step. A file whose bytes are unchanged keeps
# the mirror's old time (nothing rebuilds); a changed, added or removed file gets a new time (what
# depends on it rebuilds). Every checkout builds at the same path, so the paths a binary embeds
# (`CARGO_MANIFEST_DIR`) never name one checkout. docs/development.md ("Freshness by content").

PGT_CACHE="${PGT_CACHE:-$HOME/.cache/pgt}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PGT_CACHE/target}"
PGT_BUILD_TREE="${PGT_BUILD_TREE:-$PGT_CACHE/src}"
export PGT_CACHE PGT_BUILD_TREE

# Clippy's lints run inside the build: the workspace's own crates are compiled by clippy-driver,
# which compiles exactly as rustc does and lints on the way, so the lints need no second,
# check-only build of every dependency. Cargo replays the warnings it kept on every later no-op
# build, which is how scripts/test's lint stage reads them. Call after scripts/setup (which links
# the pinned toolchain).
pgt_build_env() {
  export RUSTC_WORKSPACE_WRAPPER="$PGT_BUILD_TREE/scripts/lib/rustc-with-clippy"
  # The pinned toolchain's clippy-driver (rust-toolchain.toml, read from the checkout we run in).
  PGT_CLIPPY_DRIVER="$(rustup which clippy-driver 2>/dev/null)" || {
    echo "scripts/lib/build.sh: the pinned toolchain has no clippy (rustup component add clippy)" >&2
    return 1
  }
  export PGT_CLIPPY_DRIVER
  # shellcheck disable=SC1090
  source "${PGT_WASM_ENV_FILE:-$PGT_CACHE/wasm-env}"
}

# The profile and feature set of every build the scripts make, so that they share one build:
# release (the node the end-to-end tests run is the one a user runs), the whole workspace's
# features unified, and `runtime-benchmarks` on, so the pallets' benchmarks are tests in the same
# build (the WASM the node embeds never has them: runtime/build.rs).
PGT_BUILD_ARGS=(--release --locked --workspace --features pgt-runtime/runtime-benchmarks)

pgt_build_say() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

# Takes the build cache for this script (another run that wants it waits). Held until the script
# exits or calls pgt_release_build_cache; processes started meanwhile inherit the lock.
pgt_take_build_cache() {
  mkdir -p "$PGT_CACHE"
  exec 9>"$PGT_CACHE/build.lock"
  if ! flock -n 9; then
    pgt_build_say "waiting for the build cache (another scripts/test or scripts/devnet is building)"
    flock 9
  fi
}
pgt_release_build_cache() { exec 9>&-; }

# Brings the mirror in step with the checkout `$1`: its tracked files and its untracked files that
# git does not ignore (uncommitted work builds too), as they are on disk. Prints what changed.
pgt_sync_build_tree() {
  local root=$1 list
  mkdir -p "$PGT_BUILD_TREE"
  list="$(mktemp)"
  if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$root" && git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done) >"$list"
    # The node's version names the commit (substrate-build-script-utils; the mirror has no .git):
    # the last one that changed what the binaries are built from, so a commit of docs, scripts or
    # end-to-end tests alone does not recompile the node (3.5 minutes on 2 cores).
    SUBSTRATE_CLI_GIT_COMMIT_HASH="$(git -C "$root" log -1 --format=%h --abbrev=11 -- . \
      ':(exclude)docs' ':(exclude)*.md' ':(exclude)scripts' ':(exclude)tests/e2e' ':(exclude).ci' 2>/dev/null)"
    [ -n "$SUBSTRATE_CLI_GIT_COMMIT_HASH" ] || SUBSTRATE_CLI_GIT_COMMIT_HASH=00000000000
  else
    (cd "$root" && find . \( -name .git -o -name target -o -name node_modules -o -name devnet-data \) -prune \
      -o \( -type f -o -type l \) -printf '%P\0') >"$list"
    SUBSTRATE_CLI_GIT_COMMIT_HASH=00000000000
  fi
  export SUBSTRATE_CLI_GIT_COMMIT_HASH
  # No --times: a file rsync writes gets the time of writing, newer than anything built from its
  # old bytes; one whose checksum matches is left alone, time and all.
  local changed
  changed="$(rsync -rlp --checksum --from0 --files-from="$list" --out-format='%n' "$root/" "$PGT_BUILD_TREE/" |
    grep -v '/$' || true)"
  pgt_build_list "changed" "$changed"
  # Files gone from the checkout go from the mirror (a deleted test file would otherwise still be
  # compiled as a test target).
  local gone
  gone="$(comm -13 <(tr '\0' '\n' <"$list" | sort) \
    <(cd "$PGT_BUILD_TREE" && find . \( -type f -o -type l \) -printf '%P\n' | sort))"
  if [ -n "$gone" ]; then
    pgt_build_list "removed" "$gone"
    (cd "$PGT_BUILD_TREE" && printf '%s\n' "$gone" | tr '\n' '\0' | xargs -0 rm -f --)
    find "$PGT_BUILD_TREE" -mindepth 1 -type d -empty -delete
  fi
  rm -f "$list"
}

# Prints a list of files under a heading, at most 20 of them.
pgt_build_list() {
  [ -n "$2" ] || return 0
  local n
  n=$(printf '%s\n' "$2" | wc -l)
  printf '%s\n' "$2" | head -n 20 | sed "s/^/  $1: /"
  [ "$n" -le 20 ] || echo "  … and $((n - 20)) more $1"
}

# Cargo, run in the mirror.
pgt_cargo() { (cd "$PGT_BUILD_TREE" && cargo "$@"); }

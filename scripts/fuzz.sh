#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser of untrusted input (docs/SECURITY.md).
#
#   scripts/fuzz.sh TARGET [SECONDS]   fuzz TARGET for SECONDS (default 60) with libFuzzer
#   scripts/fuzz.sh --list             the targets
#   scripts/fuzz.sh --all SECONDS      every target in turn, SECONDS each
#   scripts/fuzz.sh --merge TARGET     add to fuzz/corpus/TARGET/ only the inputs of
#                                      fuzz/work/TARGET/ that reach code the corpus does not
#
# Needs the nightly toolchain and cargo-fuzz (`rustup toolchain install nightly --profile
# minimal`, `cargo install cargo-fuzz`); it installs cargo-fuzz when missing. The target runs
# with AddressSanitizer, on one core, with allocation bounded as the replay tests bound it
# (-rss_limit_mb=512 -malloc_limit_mb=512) and one input at most 1 MiB. New inputs that reach new
# code go to fuzz/work/TARGET/ (not committed; `--merge` keeps the few that add coverage to the
# committed corpus); a crash is written to fuzz/artifacts/TARGET/. To keep a crash as a test, copy it to
# fuzz/regressions/TARGET/ under a name that says what it found: `cargo test -p intact-fuzz`
# (part of scripts/test.sh) replays every file there and in the corpus on stable.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo/fuzz"

targets() { sed -n 's/^name = "\([a-z_]*\)"$/\1/p' Cargo.toml | grep -v '^intact-fuzz-harness$'; }

if [ "${1:-}" = "--list" ]; then
  targets
  exit 0
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz.sh: the nightly toolchain is missing (rustup toolchain install nightly --profile minimal)" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz" >&2
  cargo install --locked cargo-fuzz
fi

run() {
  local target=$1 seconds=$2
  mkdir -p "work/$target" "corpus/$target" "artifacts/$target"
  # New inputs go to fuzz/work/TARGET (not committed); the committed corpus and the regressions
  # are read, not written to (`--merge` adds what covers new code to the corpus).
  local dirs=("work/$target" "corpus/$target")
  [ -d "regressions/$target" ] && dirs+=("regressions/$target")
  nice cargo +nightly fuzz run -O --debug-assertions "$target" "${dirs[@]}" -- \
    -max_total_time="$seconds" -rss_limit_mb=512 -malloc_limit_mb=512 -max_len=1048576 \
    -timeout=20 -print_final_stats=1
}

case "${1:-}" in
  "" | -h | --help)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
  --merge)
    target=${2:?--merge needs TARGET}
    mkdir -p "corpus/$target" "work/$target"
    nice cargo +nightly fuzz run -O --debug-assertions "$target" "corpus/$target" "work/$target" -- \
      -merge=1 -rss_limit_mb=512 -malloc_limit_mb=512 -max_len=1048576 -timeout=20
    ;;
  --all)
    seconds=${2:?--all needs SECONDS}
    # Every target gets its time even when one crashes; the crashed ones are named at the end.
    crashed=()
    for t in $(targets); do run "$t" "$seconds" || crashed+=("$t"); done
    if [ ${#crashed[@]} -gt 0 ]; then
      echo "fuzz.sh: crashed: ${crashed[*]} (inputs in fuzz/artifacts/)" >&2
      exit 1
    fi
    ;;
  *)
    target=$1
    if ! targets | grep -qx "$target"; then
      echo "fuzz.sh: no target '$target' (scripts/fuzz.sh --list)" >&2
      exit 2
    fi
    run "$target" "${2:-60}"
    ;;
esac

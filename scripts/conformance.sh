#!/usr/bin/env bash
# The conformance runner (docs/CONFORMANCE.md): runs a verifier over every case of
# tests/vectors/cases and prints a table of agreements.
#
#   scripts/conformance.sh [--cases DIR] VERIFIER [ARG...]
#
# For each case directory it runs
#
#   VERIFIER [ARG...] INPUT ALLOWED_SIGNERS [NAME=VALUE...]
#
# INPUT is the case's bundle.zip, or, for a case with tree.tar, a fresh directory tree.tar was
# extracted into (the parent of the bundle's top directory). ALLOWED_SIGNERS is the case's
# allowed_signers file. Each option of expect.json's "options" follows as NAME=VALUE, in the
# order written; an option naming a file of the case (revoked) is given as that file's absolute
# path. The verifier exits 0 for valid, 1 for not valid (anything else is an error). It may print
# on its standard output the first check, in FORMAT.md §9 order, that failed: the first word of
# its first line; then that is compared too.
#
# Exit status: 0 when the verifier agreed on every case, 1 otherwise, 2 on a usage error.
# Needs bash, jq and tar.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cases="$repo/tests/vectors/cases"
if [ "${1:-}" = "--cases" ]; then
  cases=$2
  shift 2
fi
if [ $# -eq 0 ]; then
  echo "usage: scripts/conformance.sh [--cases DIR] VERIFIER [ARG...]" >&2
  exit 2
fi
for tool in jq tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "conformance.sh: $tool is needed" >&2; exit 2; }
done
[ -d "$cases" ] || { echo "conformance.sh: no case directory $cases" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

total=0
agreed=0
printf '%-8s %-6s %-6s %-13s %-13s %s\n' RESULT WANT GOT WANT-CHECK GOT-CHECK CASE
for dir in "$cases"/*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  total=$((total + 1))
  expect="$dir/expect.json"
  want_valid=$(jq -r '.valid' "$expect")
  want_check=$(jq -r '.check // "-"' "$expect")
  if [ -f "$dir/tree.tar" ]; then
    input="$work/$name"
    mkdir "$input"
    tar -xf "$dir/tree.tar" -C "$input"
  else
    input="$dir/bundle.zip"
  fi
  opts=()
  while IFS=$'\t' read -r key value; do
    [ -n "$key" ] || continue
    if [ "$key" = revoked ]; then
      value="$dir/$value"
    fi
    opts+=("$key=$value")
  done < <(jq -r '(.options // {}) | to_entries[] | [.key, (.value | tostring)] | @tsv' "$expect")
  set +e
  out=$("$@" "$input" "$dir/allowed_signers" "${opts[@]}" 2>/dev/null)
  code=$?
  set -e
  case $code in
    0) got_valid=true ;;
    1) got_valid=false ;;
    *) got_valid="exit$code" ;;
  esac
  got_check=$(printf '%s\n' "$out" | head -n 1 | awk '{print $1}')
  [ -n "$got_check" ] || got_check="-"
  result=agree
  if [ "$got_valid" != "$want_valid" ]; then
    result=DISAGREE
  elif [ "$want_valid" = false ] && [ "$got_check" != "-" ] && [ "$got_check" != "$want_check" ]; then
    result=DISAGREE
  fi
  [ "$result" = agree ] && agreed=$((agreed + 1))
  printf '%-8s %-6s %-6s %-13s %-13s %s\n' "$result" "$want_valid" "$got_valid" "$want_check" "$got_check" "$name"
done
echo "agreed on $agreed of $total cases"
[ "$agreed" -eq "$total" ]

#!/usr/bin/env bash
# The conformance runner (docs/CONFORMANCE.md): runs a verifier over every case of a family of
# conformance vectors and prints a table of agreements.
#
#   scripts/conformance.sh [--family bundles|proofs|logs] [--cases DIR] VERIFIER [ARG...]
#
# The family (default bundles) says where the cases are (tests/vectors/cases,
# tests/vectors/proofs/cases, tests/vectors/logs/cases; --cases overrides) and how the verifier
# is called, for each case directory:
#
#   bundles:  VERIFIER [ARG...] INPUT ALLOWED_SIGNERS [NAME=VALUE...]
#   proofs:   VERIFIER [ARG...] FILE PROOF ALLOWED_SIGNERS [NAME=VALUE...]
#   logs:     VERIFIER [ARG...] LOG ALLOWED_SIGNERS [NAME=VALUE...]
#
# INPUT is the case's bundle.zip, or, for a case with tree.tar, a fresh directory tree.tar was
# extracted into (the parent of the bundle's top directory). FILE and PROOF are the case's file
# and proof.json. LOG is the directory log/ of the case's log.tar, extracted into a fresh
# directory. ALLOWED_SIGNERS is the case's allowed_signers file. Each option of expect.json's
# "options" follows as NAME=VALUE, in the order written; an option naming a file of the case
# (revoked, state) is given as that file's absolute path (state as a fresh copy, which the
# verifier may update). The verifier exits 0 for valid, 1 for not valid (anything else is an
# error). It may print on its standard output the first check that failed (FORMAT.md §9 order
# for bundles, §13 for proofs): the first word of its first line; then that is compared too.
#
# Exit status: 0 when the verifier agreed on every case, 1 otherwise, 2 on a usage error.
# Needs bash, jq and tar.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
family=bundles
cases=
while [ $# -gt 0 ]; do
  case $1 in
    --family) family=${2:-}; shift 2 ;;
    --cases) cases=${2:-}; shift 2 ;;
    *) break ;;
  esac
done
case $family in
  bundles) cases=${cases:-$repo/tests/vectors/cases} ;;
  proofs) cases=${cases:-$repo/tests/vectors/proofs/cases} ;;
  logs) cases=${cases:-$repo/tests/vectors/logs/cases} ;;
  *) echo "conformance.sh: unknown family '$family' (bundles, proofs or logs)" >&2; exit 2 ;;
esac
if [ $# -eq 0 ]; then
  echo "usage: scripts/conformance.sh [--family bundles|proofs|logs] [--cases DIR] VERIFIER [ARG...]" >&2
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
  mkdir "$work/$name"
  case $family in
    bundles)
      if [ -f "$dir/tree.tar" ]; then
        tar -xf "$dir/tree.tar" -C "$work/$name"
        inputs=("$work/$name")
      else
        inputs=("$dir/bundle.zip")
      fi ;;
    proofs) inputs=("$dir/file" "$dir/proof.json") ;;
    logs)
      tar -xf "$dir/log.tar" -C "$work/$name"
      inputs=("$work/$name/log") ;;
  esac
  opts=()
  while IFS=$'\t' read -r key value; do
    [ -n "$key" ] || continue
    case $key in
      revoked) value="$dir/$value" ;;
      state) cp "$dir/$value" "$work/$name.state"; value="$work/$name.state" ;;
    esac
    opts+=("$key=$value")
  done < <(jq -r '(.options // {}) | to_entries[] | [.key, (.value | tostring)] | @tsv' "$expect")
  set +e
  out=$("$@" "${inputs[@]}" "$dir/allowed_signers" "${opts[@]}" 2>/dev/null)
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

#!/usr/bin/env bash
# The conformance runner's adapter for intact itself (docs/CONFORMANCE.md):
#
#   scripts/conformance-intact.sh INPUT ALLOWED_SIGNERS [NAME=VALUE...]
#
# maps each option to `intact verify`'s flag (threshold → --threshold, at → --at,
# revoked → --revoked), runs `intact verify --json`, prints the first failing check of the
# report (FORMAT.md §9 order) when there is one, and exits with intact's code (0 valid,
# 1 not valid). The binary is $INTACT, or `intact` on the PATH.
set -euo pipefail
intact=${INTACT:-intact}
if [ $# -lt 2 ]; then
  echo "usage: scripts/conformance-intact.sh INPUT ALLOWED_SIGNERS [NAME=VALUE...]" >&2
  exit 2
fi
input=$1
signers=$2
shift 2
flags=()
for opt in "$@"; do
  key=${opt%%=*}
  value=${opt#*=}
  case $key in
    threshold|at|revoked) flags+=("--$key" "$value") ;;
    *) echo "conformance-intact.sh: unknown option $key" >&2; exit 2 ;;
  esac
done
set +e
report=$("$intact" verify "$input" --trust "$signers" "${flags[@]}" --json)
code=$?
set -e
if [ "$code" -le 1 ]; then
  printf '%s' "$report" | jq -r '[.checks[] | select(.passed == false) | .check][0] // empty'
fi
exit "$code"

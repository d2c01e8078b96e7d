#!/usr/bin/env bash
# The conformance runner's adapter for intact's proof check (docs/CONFORMANCE.md, proofs):
#
#   scripts/conformance-intact-proof.sh FILE PROOF ALLOWED_SIGNERS [NAME=VALUE...]
#
# runs `intact check FILE --proof PROOF --trust ALLOWED_SIGNERS --json` (threshold → --threshold,
# at → --at, revoked → --revoked), prints the first failing step of FORMAT.md §13 (proof, file,
# inclusion, signatures) when there is one, and exits with intact's code (0 valid, 1 not
# valid). The binary is $INTACT, or `intact` on the PATH.
set -euo pipefail
intact=${INTACT:-intact}
if [ $# -lt 3 ]; then
  echo "usage: scripts/conformance-intact-proof.sh FILE PROOF ALLOWED_SIGNERS [NAME=VALUE...]" >&2
  exit 2
fi
file=$1
proof=$2
signers=$3
shift 3
flags=()
for opt in "$@"; do
  key=${opt%%=*}
  case $key in
    threshold|at|revoked) flags+=("--$key" "${opt#*=}") ;;
    *) echo "conformance-intact-proof.sh: unknown option $key" >&2; exit 2 ;;
  esac
done
set +e
report=$("$intact" check "$file" --proof "$proof" --trust "$signers" "${flags[@]}" --json)
code=$?
set -e
if [ "$code" -le 1 ]; then
  printf '%s' "$report" | jq -r '[.problems[].check] as $f
    | ["proof", "file", "inclusion", "signatures"] | map(select(. as $s | $f | index($s))) | .[0] // empty'
fi
exit "$code"

#!/usr/bin/env bash
# The conformance runner's adapter for intact's release-log check (docs/CONFORMANCE.md, logs):
#
#   scripts/conformance-intact-log.sh LOG ALLOWED_SIGNERS [NAME=VALUE...]
#
# runs `intact log verify LOG --trust ALLOWED_SIGNERS` (state → --state, threshold →
# --threshold, at → --at, revoked → --revoked) and exits with its code (0 valid, 1 not valid).
# The binary is $INTACT, or `intact` on the PATH.
set -euo pipefail
intact=${INTACT:-intact}
if [ $# -lt 2 ]; then
  echo "usage: scripts/conformance-intact-log.sh LOG ALLOWED_SIGNERS [NAME=VALUE...]" >&2
  exit 2
fi
log=$1
signers=$2
shift 2
flags=()
for opt in "$@"; do
  key=${opt%%=*}
  case $key in
    state|threshold|at|revoked) flags+=("--$key" "${opt#*=}") ;;
    *) echo "conformance-intact-log.sh: unknown option $key" >&2; exit 2 ;;
  esac
done
exec "$intact" log verify "$log" --trust "$signers" "${flags[@]}" --quiet >/dev/null

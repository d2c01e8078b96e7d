#!/usr/bin/env bash
# The test command (README.md, .ci/run): installs what the tests need when it is missing —
# idempotently, so a second run installs nothing — then runs every test of the workspace.
#
#   scripts/test.sh [ARGS…]     ARGS go to `cargo test` (e.g. a test name filter)
#
# The tests use unzip, ssh-keygen, jq, sha256sum and script (Debian packages), bagit-python 1.9.0 (the
# reference BagIt validator, in .venv-bagit) and the shared corpora in ../shared/corpora.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

need=()
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v sha256sum >/dev/null 2>&1 || need+=(coreutils)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}" >&2
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}"
fi

if [ ! -x .venv-bagit/bin/bagit.py ]; then
  echo "test.sh: installing bagit-python 1.9.0 into .venv-bagit" >&2
  rm -rf .venv-bagit
  python3 -m venv .venv-bagit
  .venv-bagit/bin/pip install --quiet --disable-pip-version-check bagit==1.9.0
fi

if [ ! -d ../shared/corpora ]; then
  echo "test.sh: ../shared/corpora is missing; the tests read real files from it" >&2
  exit 2
fi

cargo test --workspace "$@"
# The verifier library alone, as a mirror that audits it builds it: its own dependencies and
# features only, nothing unified in from the rest of the workspace. (It has no doc tests; --lib
# also makes the run end on its real count.)
if [ $# -eq 0 ]; then
  cargo test -p intact-format --lib --quiet
fi

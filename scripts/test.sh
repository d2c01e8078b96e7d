#!/usr/bin/env bash
# The test command (README.md, .ci/run): installs what the tests need when it is missing —
# idempotently, so a second run installs nothing — then runs every test of the workspace.
#
#   scripts/test.sh [ARGS…]     ARGS go to `cargo test` (e.g. a test name filter)
#
# The tests use unzip, ssh-keygen, jq, sha256sum, script, node and chromium (Debian packages), bagit-python 1.9.0 (the
# reference BagIt validator, in .venv-bagit) and the shared corpora in ../shared/corpora; the
# leak-gate fixtures are regenerated with LibreOffice, ImageMagick, exiftool, HTML Tidy, Info-ZIP
# and qpdf (Debian packages) and four PyPI packages (in .venv-fixtures).
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
# the tools that make the leak-gate fixtures (scripts/gen-leak-fixtures.sh), without their
# recommended packages
office=()
command -v soffice >/dev/null 2>&1 || office+=(libreoffice-writer-nogui)
/usr/bin/convert -version 2>/dev/null | grep -q ImageMagick || office+=(imagemagick)
command -v exiftool >/dev/null 2>&1 || office+=(libimage-exiftool-perl)
command -v tidy >/dev/null 2>&1 || office+=(tidy)
command -v zip >/dev/null 2>&1 || office+=(zip)
command -v qpdf >/dev/null 2>&1 || office+=(qpdf)
if [ ${#need[@]} -gt 0 ] || [ ${#office[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]} ${office[*]}" >&2
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  if [ ${#need[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}"
  fi
  if [ ${#office[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${office[@]}"
  fi
fi

# nginx and s3s-fs (an S3-compatible server; built once, minutes) for the mirror tests
# (crates/intact-cli/tests/it/mirror.rs; docs/MIRRORS.md)
bash scripts/install/nginx.sh
bash scripts/install/s3s-fs.sh

if [ ! -x .venv-bagit/bin/bagit.py ]; then
  echo "test.sh: installing bagit-python 1.9.0 into .venv-bagit" >&2
  rm -rf .venv-bagit
  python3 -m venv .venv-bagit
  .venv-bagit/bin/pip install --quiet --disable-pip-version-check bagit==1.9.0
fi

bash scripts/install/python-office.sh
# node (the site's verification core runs in it over the vectors), chromium and playwright-core
# (the site's browser tests, scripts/test-site.sh)
bash scripts/install/node.sh
bash scripts/install/chromium.sh
bash scripts/install/playwright.sh

if [ ! -d ../shared/corpora ]; then
  echo "test.sh: ../shared/corpora is missing; the tests read real files from it" >&2
  exit 2
fi

bash scripts/install/openssl.sh
cargo test --workspace "$@"
# The leak-gate fixtures made by real office tools (tests/leak-fixtures): a fresh set is
# generated and the same test runs on it, so the committed set cannot drift from what the tools
# write (about 40 s; skipped with a note if a tool is still missing).
if [ $# -eq 0 ]; then
  if bash scripts/gen-leak-fixtures.sh --check; then
    bash scripts/gen-leak-fixtures.sh target/leak-fixtures
    INTACT_LEAK_FIXTURES="$repo/target/leak-fixtures" \
      cargo test -p intact-cli --test it --quiet gate_leak_fixtures
  else
    echo "test.sh: office tools missing (scripts/gen-leak-fixtures.sh --check): the committed leak fixtures only" >&2
  fi
fi
# The static site in headless chromium, served on 127.0.0.1 and from file:// (about 15 s).
if [ $# -eq 0 ]; then
  bash scripts/test-site.sh
fi
# The verifier library alone, as a mirror that audits it builds it: its own dependencies and
# features only, nothing unified in from the rest of the workspace. (It has no doc tests; --lib
# also makes the run end on its real count.)
if [ $# -eq 0 ]; then
  cargo test -p intact-format --lib --quiet
fi

#!/usr/bin/env bash
# The static site in a real browser (docs/SITE.md): builds the demo (and its site) with the
# release binary's debug twin, then drives Debian's chromium over it with playwright-core
# (js/test/browser.mjs): served on 127.0.0.1 and from file://. Screenshots go to OUT.
#
#   scripts/test-site.sh [OUT]     OUT defaults to target/site-browser
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
out=${1:-$repo/target/site-browser}
bash scripts/install/node.sh
bash scripts/install/chromium.sh
bash scripts/install/playwright.sh
# the vendored verification libraries are what scripts/vendor-js.sh makes from the lockfile
bash scripts/vendor-js.sh --check
cargo build --quiet -p intact-cli --bin intact
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
./target/debug/intact demo --out "$demo/demo" >/dev/null
mkdir -p "$out"
node js/test/browser.mjs "$demo/demo/site" "$out"

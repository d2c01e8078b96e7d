#!/usr/bin/env bash
# Refreshes the site's vendored verification libraries from npm: @noble/hashes (incremental
# SHA-256, SHA-512) and @noble/curves (Ed25519), at the exact versions js/package-lock.json
# pins, bundled with esbuild into crates/intact/src/site/assets/vendor/noble.js, and records
# each package's version, npm integrity and the bundle's SHA-256 in .../vendor/VENDOR.md.
#
#   scripts/vendor-js.sh            rebuild the bundle and VENDOR.md
#   scripts/vendor-js.sh --check    fail if the committed bundle is not what a rebuild writes
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo/js"
[ -x node_modules/.bin/esbuild ] || npm ci --no-audit --no-fund --silent
vendor="$repo/crates/intact/src/site/assets/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node_modules/.bin/esbuild vendor-entry.mjs --bundle --format=iife --platform=browser \
  --target=es2020 --legal-comments=inline --log-level=warning --outfile="$tmp/noble.js"
ver() { node -p "require('./node_modules/$1/package.json').version"; }
integrity() { node -p "require('./package-lock.json').packages['node_modules/$1'].integrity"; }
{
  echo "# Vendored JavaScript (made by scripts/vendor-js.sh; do not edit)"
  echo
  echo "\`noble.js\` bundles these npm packages (audited, MIT-licensed, by Paul Miller) into one classic"
  echo "script that sets \`globalThis.IntactNoble\` (\`js/vendor-entry.mjs\`):"
  echo
  echo "| package | version | npm integrity |"
  echo "|---|---|---|"
  for p in @noble/hashes @noble/curves; do
    echo "| $p | $(ver $p) | \`$(integrity $p)\` |"
  done
  echo
  echo "Bundled with esbuild $(ver esbuild) (\`--format=iife --target=es2020\`)."
  echo
  echo "SHA-256 of noble.js: \`$(sha256sum "$tmp/noble.js" | cut -d' ' -f1)\`"
} > "$tmp/VENDOR.md"
if [ "${1:-}" = "--check" ]; then
  cmp -s "$tmp/noble.js" "$vendor/noble.js" && cmp -s "$tmp/VENDOR.md" "$vendor/VENDOR.md" || {
    echo "vendor-js.sh: the committed vendor/noble.js or VENDOR.md is not what a rebuild writes" >&2
    exit 1
  }
  exit 0
fi
mkdir -p "$vendor"
cp "$tmp/noble.js" "$tmp/VENDOR.md" "$vendor/"
echo "vendor-js.sh: wrote $vendor/noble.js and VENDOR.md" >&2

#!/usr/bin/env bash
# npm's playwright-core and axe-core (and the vendoring tools) into the project-local js/node_modules
# (gitignored), exactly as js/package-lock.json pins them; idempotent: does nothing when the
# installed tree already matches the lockfile. No browser is downloaded: the tests drive Debian's
# chromium (scripts/install/chromium.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo/js"
installed() {
  node -e '
    const p = require("./package.json");
    const want = { ...p.dependencies, ...p.devDependencies };
    for (const [name, version] of Object.entries(want)) {
      let got = null;
      try { got = require("./node_modules/" + name + "/package.json").version; } catch (e) {}
      if (got !== version) process.exit(1);
    }' 2>/dev/null
}
if installed; then
  exit 0
fi
echo "install/playwright.sh: npm ci in js/ (playwright-core, axe-core)" >&2
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent

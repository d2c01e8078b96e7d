#!/usr/bin/env bash
# Refreshes the screenshots docs/SITE.md shows (docs/site-screenshots/): the browser test's own,
# taken over the demo site.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bash "$repo/scripts/test-site.sh" "$repo/docs/site-screenshots"

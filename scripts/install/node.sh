#!/usr/bin/env bash
# Node.js and npm from Debian, for the site's verification-core and browser tests (docs/SITE.md);
# idempotent: does nothing when both are present.
set -euo pipefail
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  exit 0
fi
echo "install/node.sh: installing nodejs npm" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
for _ in $(seq 1 60); do
  if "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" \
      apt-get install -y -qq --no-install-recommends nodejs npm; then
    exit 0
  fi
  sleep 10 # dpkg's lock may be held by another installer
done
echo "install/node.sh: could not install nodejs and npm" >&2
exit 2

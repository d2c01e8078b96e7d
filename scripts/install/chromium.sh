#!/usr/bin/env bash
# Debian's chromium for the static site's browser tests (docs/SITE.md); idempotent: does
# nothing when /usr/bin/chromium is present.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "install/chromium.sh: installing chromium" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
# several installers may share the machine: wait for dpkg's lock instead of failing
for _ in $(seq 1 60); do
  if "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" \
      apt-get install -y -qq --no-install-recommends chromium; then
    exit 0
  fi
  sleep 10
done
echo "install/chromium.sh: could not install chromium" >&2
exit 2

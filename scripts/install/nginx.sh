#!/usr/bin/env bash
# Installs nginx from Debian for the HTTP tests of `intact mirror pull` and remote bundles
# (docs/MIRRORS.md): the tests start their own nginx on 127.0.0.1 with a configuration in a
# temporary folder, as a child process, never the system service. Idempotent: skips when nginx
# is present. The package's own service is not started (policy-rc.d refuses it).
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
echo "nginx.sh: installing nginx (Debian package)" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 "${sudo[@]}" apt-get install -y -qq --no-install-recommends nginx

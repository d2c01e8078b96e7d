#!/usr/bin/env bash
# The OpenSSL command line, for the trusted-time tests (a real TSA: `openssl ts -reply`, and
# `openssl ts -verify` on every token intact stores; crates/intact-testkit/src/tsa/).
# Idempotent: installs nothing when `openssl ts` is there.
set -euo pipefail
if openssl ts -help >/dev/null 2>&1; then
  exit 0
fi
echo "install/openssl.sh: installing openssl" >&2
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends openssl

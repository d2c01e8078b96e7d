#!/usr/bin/env bash
# Installs s3s-fs 0.14.1 (an S3-compatible server over a folder, from crates.io) for the S3 tests
# of `intact mirror pull` and remote bundles (docs/MIRRORS.md). Idempotent: a second run installs
# nothing. It builds from source and takes several minutes the first time; the binary lands in
# cargo's bin folder (~/.cargo/bin), which later runs reuse.
set -euo pipefail
bin="${CARGO_HOME:-$HOME/.cargo}/bin/s3s-fs"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q '0\.14\.1'; then
  exit 0
fi
echo "s3s-fs.sh: installing s3s-fs 0.14.1 (a few minutes, once)" >&2
# --locked: the versions its release was tested with; its own target folder, not the workspace's.
nice cargo install --quiet --locked s3s-fs --version 0.14.1 --features binary

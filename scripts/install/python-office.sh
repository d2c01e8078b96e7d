#!/usr/bin/env bash
# python-docx, openpyxl and python-pptx (pinned) in .venv-office: the scrub tests make office
# documents with them and open the scrubbed copies with them (docs/SCRUB.md). Idempotent: does
# nothing when the venv already has them.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
if .venv-office/bin/python -c 'import docx, openpyxl, pptx' >/dev/null 2>&1; then
  exit 0
fi
echo "install: python-docx, openpyxl, python-pptx into .venv-office" >&2
rm -rf .venv-office
python3 -m venv .venv-office
.venv-office/bin/pip install --quiet --disable-pip-version-check \
  python-docx==1.2.0 openpyxl==3.1.5 python-pptx==1.0.2

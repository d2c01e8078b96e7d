#!/usr/bin/env bash
# Generates the leak gate's fixtures with the tools an office really uses (issue 15):
#
#   scripts/gen-leak-fixtures.sh [OUT]      default OUT: tests/leak-fixtures
#   scripts/gen-leak-fixtures.sh --check    exit 0 when every tool is present, 1 otherwise
#
# Tools: LibreOffice (soffice), ImageMagick 6 (convert), exiftool, HTML Tidy, Info-ZIP zip, qpdf
# (Debian: libreoffice-writer-nogui imagemagick libimage-exiftool-perl tidy zip qpdf), and from
# PyPI, in .venv-fixtures, pinned: fpdf2, html2text, pylatexenc, python-pptx. Writes OUT/files,
# OUT/deny.txt, OUT/expect.tsv and OUT/SHA256SUMS (the files' digests, which the tests check).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

convert=/usr/bin/convert
missing=()
for t in soffice exiftool tidy zip qpdf sha256sum; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
"$convert" -version 2>/dev/null | grep -q ImageMagick || missing+=(imagemagick)
if [ "${1:-}" = "--check" ]; then
  [ ${#missing[@]} -eq 0 ]
  exit
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "gen-leak-fixtures: missing ${missing[*]}" >&2
  exit 2
fi

if [ ! -x .venv-fixtures/bin/python ]; then
  python3 -m venv .venv-fixtures
fi
.venv-fixtures/bin/pip install --quiet --disable-pip-version-check \
  fpdf2==2.8.9 html2text==2025.4.15 pylatexenc==2.11 python-pptx==1.0.2

out=${1:-tests/leak-fixtures}
IM_CONVERT=$convert .venv-fixtures/bin/python scripts/gen_leak_fixtures.py "$out"
(cd "$out" && find files -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum > SHA256SUMS)
echo "gen-leak-fixtures: $(wc -l < "$out/SHA256SUMS") files in $out" >&2

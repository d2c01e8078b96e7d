#!/usr/bin/env bash
# The false-alarm corpus of the name rules (docs/REDACTION.md, "False alarms"): synthetic
# Russian, Azerbaijani and Armenian texts (scripts/gen_names_corpus.py) converted by LibreOffice
# (headless) to .odt, .docx and .pdf under tests/names-corpus/src. Asserted by
# crates/intact-cli/tests/it/gate_names.rs (no deny-list match, with the list expanded).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tests/names-corpus
rm -rf "$dir/src" "$dir/control"
python3 scripts/gen_names_corpus.py "$dir"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for fmt in odt docx pdf; do
  soffice -env:UserInstallation=file://"$profile" --headless \
    --infilter="Text (encoded):UTF8,LF,Liberation Serif,ru-RU,," \
    --convert-to "$fmt" --outdir "$dir/src" "$dir"/src/*.txt >/dev/null 2>&1
  soffice -env:UserInstallation=file://"$profile" --headless \
    --infilter="Text (encoded):UTF8,LF,Liberation Serif,ru-RU,," \
    --convert-to "$fmt" --outdir "$dir/control" "$dir"/control/*.txt >/dev/null 2>&1
done
(cd "$dir" && find src control -type f | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
echo "$(find "$dir/src" -type f | wc -l) files, $(cat "$dir"/src/*.txt | wc -w) words of text in $dir/src"

#!/usr/bin/env bash
# Benchmark of `intact pack` and `intact verify` against a plain hash baseline and the usual
# tools, on seeded synthetic corpora (docs/PERFORMANCE.md explains the figures and targets).
#
#   scripts/bench.sh            full run: 20,000 files / 1.5 GB, 20,000 x 4 KiB, 100,000 items
#   scripts/bench.sh --quick    smoke run: the same corpora at a tenth of the size
#   scripts/bench.sh --big      also one file over 4 GiB (ZIP64), against one 4 KiB file
#   scripts/bench.sh --gate     only the leak gate on real PDFs (texlive-latex-recommended-doc)
#   scripts/bench.sh --hostile  only the hostile inputs (every run ends with them)
#   scripts/bench.sh --tree     only verify of an extracted tree against the plain hash baseline
#                               over the same tree, and the ZIP (1.5 GB / 20,000 files, 20,000 x
#                               4 KiB; --quick: a tenth)
#   scripts/bench.sh --site     only `intact site` on 100,000 items (--quick: 10,000); target < 60 s
#   scripts/bench.sh --net      only the network figures (docs/MIRRORS.md): a bundle of 20,000
#                               items and over 2 GB served by nginx on 127.0.0.1 — the bytes
#                               `check --bundle URL` transfers (from nginx's access log) and
#                               `mirror pull` against `curl --parallel` (with --quick: a tenth)
#   scripts/bench.sh --fleet    only `log verify --bundles` over a mirror of 50 releases of 2,000
#                               small items: one bundle at a time against several at once, wall
#                               time and peak RSS (docs/MIRRORS.md; with --quick: 10 of 500)
#   options: --runs N (default 2; the best time is kept), --work DIR (default /tmp/intact-bench),
#            --keep (leave the generated data), --mutants N (blind mutants of the v1-small
#            vector, each verified: none may be valid; default 20000, --quick 2000, 0 skips)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

mode=full
big=0
gate_only=0
hostile_only=0
site_only=0
net_only=0
fleet_only=0
tree_only=0
runs=2
work=${TMPDIR:-/tmp}/intact-bench
keep=0
mutants=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --big) big=1 ;;
    --gate) gate_only=1 ;;
    --hostile) hostile_only=1 ;;
    --site) site_only=1 ;;
    --net) net_only=1 ;;
    --fleet) fleet_only=1 ;;
    --runs) runs=$2; shift ;;
    --work) work=$2; shift ;;
    --keep) keep=1 ;;
    --mutants) mutants=$2; shift ;;
    --tree) tree_only=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# Tools: zip and GNU time from apt, bagit-python 1.9.0 in .venv-bagit (as .ci/run does).
need=()
command -v zip >/dev/null 2>&1 || need+=(zip)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
if [ ! -x .venv-bagit/bin/bagit.py ]; then
  python3 -m venv .venv-bagit
  .venv-bagit/bin/pip install --quiet --disable-pip-version-check bagit==1.9.0
fi
bagit=$repo/.venv-bagit/bin/bagit.py

target=${CARGO_TARGET_DIR:-$repo/target}
cargo build --release --quiet -p intact-cli --bin intact --example hash_baseline --example gen_corpus \
  --example mutants
intact=$target/release/intact
baseline=$target/release/examples/hash_baseline
gen=$target/release/examples/gen_corpus
key=$repo/keys/demo-office.key
trust=$repo/keys/allowed_signers.demo

# The generated files are JPEG, PNG and plain text, which the leak gate (run by every pack) reads
# in full. Only a file over the gate's 512 MiB bound (the --big run) needs a reviewed exception
# (docs/REDACTION.md), as it would in an office.
exceptions() {
  (cd "$1" && find . -type f -size +512M | sed 's|^\./||' | awk -F '\n' '{
    print $0 "\tfile-too-large-to-scan\tsynthetic benchmark data" }')
}

rm -rf "$work"
mkdir -p "$work"
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

# measure LABEL CMD...: runs CMD $runs times; T = best wall time (s), M = peak RSS (MB) of the
# best run (GNU time %M, the "Maximum resident set size" of `time -v`).
declare -A T M
measure() {
  local label=$1
  shift
  local best="" rss=0 i s e t
  for ((i = 0; i < runs; i++)); do
    # untimed: remove the previous run's output ($prep), and let no writeback pending from the
    # one before be charged to this run
    [ -n "${prep:-}" ] && sh -c "$prep"
    sync
    s=$(date +%s.%N)
    if ! /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/out" 2>"$work/err"; then
      echo "bench.sh: $label failed:" >&2
      tail -20 "$work/out" "$work/err" >&2
      exit 1
    fi
    e=$(date +%s.%N)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then
      best=$t
      rss=$(tail -1 "$work/rss")
    fi
  done
  T[$label]=$best
  M[$label]=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
# verdict VALUE OP LIMIT: "met" or "MISSED"
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? v <= l : v >= l; print ok ? "met" : "MISSED" }'; }

summary=()
row() { printf '  %-40s %9s s  %s\n' "$1" "$2" "$3"; }

# bench NAME KIND COUNT [BYTES]: the full comparison on one corpus.
bench() {
  local name=$1 kind=$2 count=$3 bytes=${4:-}
  local src=$work/$name/src zipout=$work/$name/bundle.zip tree=$work/$name/tree
  mkdir -p "$work/$name"
  "$gen" "$src" "$kind" "$count" $bytes >"$work/$name/gen.txt"
  local files total
  files=$(find "$src" -type f | wc -l)
  total=$(du -sb "$src" | cut -f1)
  echo
  echo "== $name: $files files, $(awk -v b="$total" 'BEGIN { printf "%.2f GB", b / 1e9 }') ($kind; seeded, gen_corpus $kind $count $bytes)"
  "$baseline" "$src" >/dev/null # warm the page cache

  measure base "$baseline" "$src" 2
  measure sum sh -c "cd '$src' && find . -type f -print0 | xargs -0 -P2 -n 500 sha256sum >/dev/null"
  prep="rm -f '$work/$name/plain.zip'"
  measure zip sh -c "cd '$src' && zip -0 -r -q '$work/$name/plain.zip' ."
  prep="rm -f '$zipout'"
  exceptions "$src" >"$work/$name/exceptions.tsv"
  measure pack "$intact" pack "$src" --collection bench --release "$name" --key "$key" \
    --created 2026-03-01T00:00:00Z -o "$zipout" --force --quiet --no-deny-list --exceptions "$work/$name/exceptions.tsv"
  prep=""
  rm -f "$work/$name/plain.zip"
  measure verify "$intact" verify "$zipout" --trust "$trust" --quiet
  measure unzipt unzip -tqq "$zipout"
  rm -rf "$tree"
  unzip -q "$zipout" -d "$tree"
  local top
  top=$(ls "$tree")
  measure verifydir "$intact" verify "$tree/$top" --trust "$trust" --quiet
  measure basetree "$baseline" "$tree/$top" 2
  measure bagit "$bagit" --validate --processes 2 "$tree/$top"

  row "plain hash baseline (sha2, 2 threads)" "${T[base]}" ""
  row "intact verify, ZIP" "${T[verify]}" "$(ratio "${T[verify]}" "${T[base]}")x baseline; peak RSS ${M[verify]} MB"
  row "intact verify, extracted tree" "${T[verifydir]}" "$(ratio "${T[verifydir]}" "${T[base]}")x baseline; peak RSS ${M[verifydir]} MB"
  tree_rows "$name"
  row "sha256sum, xargs -P2" "${T[sum]}" "verify ZIP is $(ratio "${T[sum]}" "${T[verify]}")x faster"
  row "bagit-python 1.9.0 --validate -p 2" "${T[bagit]}" "verify ZIP is $(ratio "${T[bagit]}" "${T[verify]}")x faster, tree $(ratio "${T[bagit]}" "${T[verifydir]}")x"
  row "unzip -t" "${T[unzipt]}" "verify ZIP is $(ratio "${T[unzipt]}" "${T[verify]}")x faster"
  row "intact pack (signed)" "${T[pack]}" "$(ratio "${T[pack]}" "${T[zip]}")x zip -0 -r; peak RSS ${M[pack]} MB"
  row "zip -0 -r" "${T[zip]}" ""

  local r
  case $name in
    mixed)
      r=$(ratio "${T[verify]}" "${T[base]}")
      summary+=("verify / hash baseline ($name)        $r  (target <= 1.15: $(verdict "$r" "<=" 1.15))")
      r=$(ratio "${T[bagit]}" "${T[verify]}")
      summary+=("bagit-python / verify ($name)         $r  (target >= 3.5: $(verdict "$r" ">=" 3.5))")
      r=$(ratio "${T[pack]}" "${T[zip]}")
      summary+=("pack / zip -0 -r ($name)              $r  (target <= 0.5: $(verdict "$r" "<=" 0.5))")
      ;;
    tiny)
      r=$(ratio "${T[bagit]}" "${T[verify]}")
      summary+=("bagit-python / verify ($name)          $r  (target >= 10: $(verdict "$r" ">=" 10))")
      ;;
    items)
      summary+=("peak RSS pack, $files items           ${M[pack]} MB  (target <= 100: $(verdict "${M[pack]}" "<=" 100))")
      summary+=("peak RSS verify, $files items         ${M[verify]} MB  (target <= 100: $(verdict "${M[verify]}" "<=" 100))")
      ;;
  esac
  [ "$keep" = 1 ] || rm -rf "$work/$name"
}

# tree_rows NAME: the plain hash baseline over the extracted tree itself (the files verify
# reads: the payload and the tag files) and the tree's target (issue 23: <= 1.05x on mixed,
# <= 1.3x on tiny), from T[basetree], T[verifydir] and T[verify].
tree_rows() {
  local r limit
  row "plain hash baseline over the tree" "${T[basetree]}" "verify tree is $(ratio "${T[verifydir]}" "${T[basetree]}")x, ZIP $(ratio "${T[verify]}" "${T[basetree]}")x"
  case $1 in
    mixed) limit=1.05 ;;
    tiny) limit=1.3 ;;
    *) return 0 ;;
  esac
  r=$(ratio "${T[verifydir]}" "${T[basetree]}")
  summary+=("verify tree / baseline over it ($1)   $r  (target <= $limit: $(verdict "$r" "<=" "$limit"))")
}

# bench_tree NAME KIND COUNT [BYTES]: only verify of the ZIP and of its extracted tree, against
# the plain hash baseline over the tree (--tree).
bench_tree() {
  local name=$1 kind=$2 count=$3 bytes=${4:-}
  local src=$work/$name/src zipout=$work/$name/bundle.zip tree=$work/$name/tree top
  mkdir -p "$work/$name"
  "$gen" "$src" "$kind" "$count" $bytes >"$work/$name/gen.txt"
  "$intact" pack "$src" --collection bench --release "$name" --key "$key" \
    --created 2026-03-01T00:00:00Z -o "$zipout" --quiet --no-deny-list >/dev/null
  unzip -q "$zipout" -d "$tree"
  top=$(ls "$tree")
  rm -rf "$src"
  echo
  echo "== $name, extracted tree: $count files ($kind; seeded, gen_corpus $kind $count $bytes)"
  "$baseline" "$tree/$top" >/dev/null # warm the page cache
  "$intact" verify "$zipout" --trust "$trust" --quiet
  measure basetree "$baseline" "$tree/$top" 2
  measure verifydir "$intact" verify "$tree/$top" --trust "$trust" --quiet
  measure verify "$intact" verify "$zipout" --trust "$trust" --quiet
  row "intact verify, extracted tree" "${T[verifydir]}" "peak RSS ${M[verifydir]} MB"
  row "intact verify, ZIP" "${T[verify]}" "peak RSS ${M[verify]} MB"
  tree_rows "$name"
  [ "$keep" = 1 ] || rm -rf "$work/$name"
}

# big: one file over 4 GiB (ZIP64) against one 4 KiB file: time and peak RSS of pack and verify.
bench_big() {
  local name bytes
  echo
  echo "== one file: 4 KiB against 4 GiB + 1 MiB (ZIP64)"
  for name in one4k one4g; do
    bytes=4096
    [ $name = one4g ] && bytes=$(((4 << 30) + (1 << 20)))
    mkdir -p "$work/$name"
    "$gen" "$work/$name/src" big 1 "$bytes" >/dev/null
    local saved=$runs
    runs=1
    exceptions "$work/$name/src" >"$work/$name/exceptions.tsv"
    measure "pack_$name" "$intact" pack "$work/$name/src" --collection bench --release "$name" \
      --key "$key" --created 2026-03-01T00:00:00Z -o "$work/$name/bundle.zip" --force --quiet \
      --no-deny-list --exceptions "$work/$name/exceptions.tsv"
    measure "verify_$name" "$intact" verify "$work/$name/bundle.zip" --trust "$trust" --quiet
    [ $name = one4g ] && measure base_one4g "$baseline" "$work/$name/src" 2
    runs=$saved
  done
  row "intact pack, 4 KiB file" "${T[pack_one4k]}" "peak RSS ${M[pack_one4k]} MB"
  row "intact pack, 4 GiB file" "${T[pack_one4g]}" "peak RSS ${M[pack_one4g]} MB"
  row "intact verify, 4 KiB file" "${T[verify_one4k]}" "peak RSS ${M[verify_one4k]} MB"
  row "intact verify, 4 GiB file" "${T[verify_one4g]}" "peak RSS ${M[verify_one4g]} MB"
  row "plain hash baseline, 4 GiB file" "${T[base_one4g]}" "verify is $(ratio "${T[verify_one4g]}" "${T[base_one4g]}")x baseline (one file: one thread)"
  local d
  d=$(awk -v a="${M[pack_one4g]}" -v b="${M[pack_one4k]}" 'BEGIN { printf "%+.1f", a - b }')
  summary+=("peak RSS pack, 4 GiB - 4 KiB file      $d MB")
  d=$(awk -v a="${M[verify_one4g]}" -v b="${M[verify_one4k]}" 'BEGIN { printf "%+.1f", a - b }')
  summary+=("peak RSS verify, 4 GiB - 4 KiB file    $d MB")
  [ "$keep" = 1 ] || rm -rf "$work/one4k" "$work/one4g"
}

# gate: `intact scan` (the leak gate alone, every decoder) on real PDFs: the documentation PDFs of
# Debian's texlive-latex-recommended-doc (pdfTeX, LuaTeX, beamer, forms, Type 3 fonts), fetched
# once with apt-get download into a cache outside the repository. With the bench deny-list every
# text view is built and matched; without one only the structural rules run. Target: >= 20 MB/s
# with the deny-list on the machine's 2 cores.
bench_gate() {
  local cache=${INTACT_BENCH_CACHE:-${TMPDIR:-/tmp}/intact-bench-cache}/texlive-doc
  local pdfs=$cache/pdfs
  echo
  if [ ! -d "$pdfs" ]; then
    rm -rf "$cache"
    mkdir -p "$cache/deb"
    if ! (cd "$cache/deb" && { apt-get download texlive-latex-recommended-doc >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get download texlive-latex-recommended-doc >/dev/null 2>&1; }; }); then
      echo "== leak gate on real PDFs: skipped (texlive-latex-recommended-doc could not be downloaded)"
      rm -rf "$cache"
      return 0
    fi
    dpkg-deb -x "$cache"/deb/*.deb "$cache/x"
    mkdir -p "$pdfs"
    (cd "$cache/x" && find . -name '*.pdf' -type f -exec cp --parents -t "$pdfs" {} +)
    rm -rf "$cache/x"
  fi
  local files total
  files=$(find "$pdfs" -type f | wc -l)
  total=$(du -sb "$pdfs" | cut -f1)
  echo "== leak gate on real PDFs: $files PDFs of texlive-latex-recommended-doc, $(awk -v b="$total" 'BEGIN { printf "%.1f MB", b / 1e6 }')"
  printf '%s\n' "Ivan Fictitious" "Anahit Placeholder" "12 Example Street" "Дмитрий Вымышленный" >"$work/deny.txt"
  find "$pdfs" -type f -exec cat {} + >/dev/null # warm the page cache
  # scan exits 1 when it finds something (these PDFs embed files and JavaScript): not a failure
  measure gate_deny sh -c "'$intact' scan --deny-list '$work/deny.txt' '$pdfs' >/dev/null; [ \$? -le 1 ]"
  measure gate_struct sh -c "'$intact' scan '$pdfs' >/dev/null; [ \$? -le 1 ]"
  local mbs_deny mbs_struct
  mbs_deny=$(awk -v b="$total" -v t="${T[gate_deny]}" 'BEGIN { printf "%.1f", b / 1e6 / t }')
  mbs_struct=$(awk -v b="$total" -v t="${T[gate_struct]}" 'BEGIN { printf "%.1f", b / 1e6 / t }')
  row "intact scan --deny-list" "${T[gate_deny]}" "$mbs_deny MB/s; peak RSS ${M[gate_deny]} MB"
  row "intact scan (structural rules only)" "${T[gate_struct]}" "$mbs_struct MB/s; peak RSS ${M[gate_struct]} MB"
  summary+=("leak gate on texlive PDFs, deny-list  $mbs_deny MB/s  (target >= 20: $(verdict "$mbs_deny" ">=" 20))")
}

# hostile LABEL PATH: `intact verify` of an attacker's input, which must answer "not valid"
# (exit 1) within the peak RSS and the time FORMAT.md §9.1 promises.
hostile() {
  local label=$1 path=$2 code=0 s e
  sync
  s=$(date +%s.%N)
  /usr/bin/time -f %M -o "$work/rss" "$intact" verify "$path" --trust "$trust" --quiet \
    >"$work/out" 2>"$work/err" || code=$?
  e=$(date +%s.%N)
  if [ "$code" != 1 ]; then
    echo "bench.sh: hostile input '$label' did not answer 'not valid' (exit $code):" >&2
    tail -20 "$work/out" "$work/err" >&2
    exit 1
  fi
  T[$label]=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
  M[$label]=$(awk -v k="$(tail -1 "$work/rss")" 'BEGIN { printf "%.1f", k / 1024 }')
  row "$3" "${T[$label]}" "peak RSS ${M[$label]} MB; $(grep -c . "$work/out") lines of answer"
  summary+=("$(printf 'hostile: %-40s %6s MB %6s s' "$3" "${M[$label]}" "${T[$label]}")  (target < 256 MB: $(verdict "${M[$label]}" "<=" 256), <= 10 s: $(verdict "${T[$label]}" "<=" 10))")
}

# hostile inputs, each an extracted tree of a small signed bundle (sparse files need a tree):
# the attacks of issue 14 on memory and time before any digest is checked.
bench_hostile() {
  local h=$work/hostile top
  mkdir -p "$h"
  "$gen" "$h/src" small 20 2048 >/dev/null
  "$intact" pack "$h/src" --collection bench --release hostile --key "$key" \
    --created 2026-03-01T00:00:00Z --no-deny-list -o "$h/base.zip" --quiet >/dev/null
  fresh() {
    rm -rf "$h/t"
    mkdir -p "$h/t"
    unzip -q "$h/base.zip" -d "$h/t"
    top=$h/t/$(ls "$h/t")
  }
  echo
  echo "== hostile inputs (extracted trees; each must answer 'not valid')"

  # 1. An unsigned 200 MB manifest.json of tiny records, pinned by an edited release.json.
  fresh
  python3 - "$top" <<'PY'
import hashlib, json, sys
top = sys.argv[1]
block = ",".join('{"id":"%d"}' % i for i in range(100000)).encode()
head, tail = b'{"collection":"bench","format":"intact-manifest/1","items":[', b'],"release":"hostile"}'
sha, n = hashlib.sha256(), 0
with open(top + "/intact/manifest.json", "wb") as f:
    for part in [head] + [block if i == 0 else b"," + block for i in range(110)] + [tail]:
        f.write(part); sha.update(part); n += len(part)
rel = json.load(open(top + "/intact/release.json"))
rel["tag_files"]["intact/manifest.json"] = sha.hexdigest()
rel["item_count"] = 110 * 100000
with open(top + "/intact/release.json", "w") as f:
    f.write(json.dumps(rel, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
PY
  rm -rf "$top/intact/signatures"
  hostile manifest_pinned "$top" "200 MB manifest.json, pinned, unsigned"
  # 2. The same manifest.json under the signed release.json, whose pin it does not match.
  cp "$top/intact/manifest.json" "$h/manifest.json"
  fresh
  mv "$h/manifest.json" "$top/intact/manifest.json"
  hostile manifest_changed "$top" "200 MB manifest.json, not as pinned"
  # 3. Three 1 GiB sparse junk tag files: the manifest (within its bound: hashed, changed, not
  #    parsed), the payload manifest and the tag manifest (over theirs: not read).
  fresh
  for f in intact/manifest.json manifest-sha256.txt tagmanifest-sha256.txt; do
    rm -f "$top/$f"
    truncate -s 1G "$top/$f"
  done
  hostile sparse "$top" "three 1 GiB sparse junk tag files"
  # 4. 200,000 signature files.
  fresh
  python3 - "$top/intact/signatures" <<'PY'
import os, sys
d = sys.argv[1]
for i in range(200000):
    with open(os.path.join(d, "%064x.sig" % i), "wb") as f:
        f.write(b"-----BEGIN SSH SIGNATURE-----\nx\n-----END SSH SIGNATURE-----\n")
PY
  hostile signatures "$top" "200,000 signature files"
  rm -rf "$h"
}

# site N: `intact site` over a log of one release of N items with metadata (a tenth partly
# redacted), its bundle in the mirror: the log and the bundle verified in full, every file copied
# and checked, N document pages in each of three languages, N proofs. Target: under 60 s.
bench_site() {
  local n=$1 d=$work/site
  echo
  mkdir -p "$d/mirror"
  "$gen" "$d/src" small "$n" 8192 >/dev/null
  (cd "$d/src" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) | awk '
    BEGIN { print "path,id,case_no,volume,doc_type,title,date,redaction_status,redaction_categories,legal_basis" }
    { i = NR; p = (i % 10 == 0); t = (i % 3 == 0) ? "testimony" : (i % 3 == 1) ? "photograph" : "document"
      printf "\"%s\",ITEM-%06d,%d,%d,%s,Synthetic document %d,%d-%02d-%02d,%s,%s,%s\n", $0, i, 100 + i % 50,
        1 + i % 7, t, i, 1980 + i % 20, 1 + i % 12, 1 + i % 28, p ? "partial" : "none",
        p ? "witness home address" : "", p ? "Synthetic Law Art. 12" : "" }' >"$d/metadata.csv"
  "$intact" pack "$d/src" --collection bench --release site-bench --key "$key" \
    --created 2026-03-01T00:00:00Z --metadata "$d/metadata.csv" -o "$d/mirror/bundle.zip" \
    --quiet --no-deny-list >/dev/null
  "$intact" log append "$d/log" "$d/mirror/bundle.zip" --trust "$trust" --quiet
  echo "== site: one release of $n items with metadata, three languages"
  measure site "$intact" site "$d/log" --bundles "$d/mirror" -o "$d/site" --trust "$trust" \
    --force --quiet
  local files
  files=$(find "$d/site" -type f | wc -l)
  row "intact site, $n items" "${T[site]}" "$files files, $(du -sm "$d/site" | cut -f1) MB; peak RSS ${M[site]} MB"
  summary+=("intact site, $n items                ${T[site]} s  (target <= 60: $(verdict "${T[site]}" "<=" 60))")
  [ "$keep" = 1 ] || rm -rf "$d"
}

# net NAME COUNT BYTES: a published folder (log/, bundles/, index.json) with one bundle of
# COUNT items and about BYTES, served by nginx (Debian's, started here on 127.0.0.1 with its own
# configuration; scripts/install/nginx.sh), then:
#  - `check FILE --bundle URL`: the bytes nginx sent for it (headers and bodies, its access
#    log's $bytes_sent), against the bundle's size (target < 1 %);
#  - `mirror pull` into an empty folder (download, hash, verify, name) against `curl --parallel`
#    fetching the same files from the same server into a folder (neither syncs; target >= 0.9x
#    curl's throughput).
bench_net() {
  local name=$1 count=$2 bytes=$3
  local d=$work/net-$name src=$work/net-$name/src pub=$work/net-$name/pub ng=$work/net-$name/nginx
  bash scripts/install/nginx.sh
  command -v curl >/dev/null 2>&1 || { apt-get update -qq; apt-get install -y -qq curl; }
  mkdir -p "$pub/bundles" "$ng"
  "$gen" "$src" mixed "$count" "$bytes" >"$d/gen.txt"
  exceptions "$src" >"$d/exceptions.tsv"
  "$intact" pack "$src" --collection bench --release "$name" --key "$key" --created 2026-03-01T00:00:00Z \
    -o "$pub/bundles/$name.zip" --quiet --no-deny-list --exceptions "$d/exceptions.tsv"
  "$intact" log append "$pub/log" "$pub/bundles/$name.zip" --trust "$trust" --quiet
  "$intact" mirror index "$pub" >/dev/null
  local size port port2 nginx_pid
  size=$(stat -c %s "$pub/bundles/$name.zip")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  port2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$ng/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $ng/nginx.pid;
error_log $ng/error.log;
events { worker_connections 1024; }
http {
  log_format counted '\$request_method \$uri \$status "\$http_range" \$bytes_sent';
  access_log $ng/access.log counted;
  client_body_temp_path $ng/body; proxy_temp_path $ng/proxy; fastcgi_temp_path $ng/fastcgi;
  uwsgi_temp_path $ng/uwsgi; scgi_temp_path $ng/scgi;
  default_type application/octet-stream;
  sendfile on; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root $pub; }
  # the same folder behind a link of about 4 Gbit/s (nginx's rate limit, per connection)
  server { listen 127.0.0.1:$port2; root $pub; limit_rate 500m; }
}
CONF
  /usr/sbin/nginx -p "$ng" -c "$ng/nginx.conf" -e "$ng/error.log" &
  nginx_pid=$!
  trap 'kill "$nginx_pid" 2>/dev/null; cleanup' EXIT
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/index.json" && break; sleep 0.1; done
  local files total
  files=$(find "$src" -type f | wc -l)
  total=$(du -sb "$src" | cut -f1)
  echo
  echo "== net-$name: a bundle of $files items, $(awk -v b="$size" 'BEGIN { printf "%.2f GB", b / 1e9 }') served by nginx on 127.0.0.1 (gen_corpus mixed $count $bytes)"

  # check --bundle URL: the bytes sent for it, counted at the server
  local one before sent
  one=$(find "$src" -type f -name '*.jpg' -print -quit)
  : >"$ng/access.log"
  "$intact" check "$one" --bundle "http://127.0.0.1:$port/bundles/$name.zip" --trust "$trust" >"$d/check.txt"
  sent=$(awk '{ s += $NF } END { print s + 0 }' "$ng/access.log")
  local pct
  pct=$(awk -v a="$sent" -v b="$size" 'BEGIN { printf "%.3f", 100 * a / b }')
  printf '  %-40s %9s B  %s\n' "check --bundle URL: bytes sent by nginx" "$sent" \
    "$pct % of the bundle's $size bytes ($(wc -l <"$ng/access.log") requests)"
  summary+=("check --bundle URL bytes / bundle ($name)  $pct %  (target < 1 %: $(verdict "$pct" "<=" 0.999))")

  # mirror pull against curl --parallel (both into a folder on the same disk, neither syncs)
  local urls=$d/urls.txt
  jq -r '.files[].path' "$pub/index.json" | while read -r f; do
    printf 'url = "http://127.0.0.1:%s/%s"\noutput = "%s/curl/%s"\n' "$port" "$f" "$d" "$f"
  done >"$urls"
  prep="rm -rf '$d/curl'"
  measure curl curl --parallel --parallel-max 4 --create-dirs -s -f -K "$urls"
  prep="rm -rf '$d/mirror'"
  measure pull "$intact" mirror pull "http://127.0.0.1:$port/" "$d/mirror" --trust "$trust" --parallel 4 --quiet --no-sync
  prep="rm -rf '$d/mirror-sync'"
  measure pullsync "$intact" mirror pull "http://127.0.0.1:$port/" "$d/mirror-sync" --trust "$trust" --parallel 4 --quiet
  prep=""
  cmp -s "$pub/bundles/$name.zip" "$d/mirror/bundles/$name.zip" || { echo "bench.sh: the pulled bundle differs" >&2; exit 1; }
  local r
  r=$(ratio "${T[curl]}" "${T[pull]}")
  row "curl --parallel (4), $(jq '.files | length' "$pub/index.json") files" "${T[curl]}" ""
  row "intact mirror pull --no-sync (download+verify)" "${T[pull]}" "${r}x curl's throughput; peak RSS ${M[pull]} MB"
  row "intact mirror pull (the default: fsync before naming)" "${T[pullsync]}" "$(ratio "${T[curl]}" "${T[pullsync]}")x curl's throughput (curl does not sync)"
  summary+=("mirror pull / curl --parallel throughput ($name)  $r  (target >= 0.9: $(verdict "$r" ">=" 0.9))")

  # the same two behind the rate-limited server: a network slower than the CPUs, as a mirror's is
  sed "s|127.0.0.1:$port/|127.0.0.1:$port2/|" "$urls" >"$d/urls2.txt"
  prep="rm -rf '$d/curl'"
  measure curl2 curl --parallel --parallel-max 4 --create-dirs -s -f -K "$d/urls2.txt"
  prep="rm -rf '$d/mirror'"
  measure pull2 "$intact" mirror pull "http://127.0.0.1:$port2/" "$d/mirror" --trust "$trust" --parallel 4 --quiet --no-sync
  prep=""
  r=$(ratio "${T[curl2]}" "${T[pull2]}")
  row "curl --parallel, about 4 Gbit/s" "${T[curl2]}" ""
  row "intact mirror pull --no-sync, about 4 Gbit/s" "${T[pull2]}" "${r}x curl's throughput"
  summary+=("mirror pull / curl --parallel throughput ($name, about 4 Gbit/s)  $r  (target >= 0.9: $(verdict "$r" ">=" 0.9))")
  kill "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  trap cleanup EXIT
  [ "$keep" = 1 ] || rm -rf "$d"
}

# fleet COUNT ITEMS: a mirror folder of COUNT chained releases of ITEMS small files each (one
# corpus, gen_corpus small ITEMS 8192, hard-linked under a folder of its own per release so that
# every release's items are new), and `log verify --bundles` over it: one bundle at a time
# (--memory-limit 0: the order and work of the code before bundles ran in parallel) against
# several at once (the default bound, 1 GiB, one bundle per core; --parallel 4; and a bound of
# 64 MiB) — wall time and peak RSS (docs/MIRRORS.md, "Verifying many bundles at once").
bench_fleet() {
  local count=$1 items=$2
  local d=$work/fleet corpus=$work/fleet/corpus
  mkdir -p "$d/bundles"
  "$gen" "$corpus" small "$items" 8192 >"$d/gen.txt"
  local i name previous=()
  for ((i = 1; i <= count; i++)); do
    name=$(printf 'r%03d' "$i")
    mkdir -p "$d/src-$name"
    cp -al "$corpus" "$d/src-$name/$name"
    "$intact" pack "$d/src-$name" --collection fleet --release "$name" --key "$key" \
      --created "$(printf '2026-01-01T%02d:%02d:00Z' $((i / 60)) $((i % 60)))" "${previous[@]}" \
      -o "$d/bundles/$name.zip" --quiet --no-deny-list >/dev/null
    "$intact" log append "$d/log" "$d/bundles/$name.zip" --trust "$trust" --quiet
    rm -rf "$d/src-$name"
    previous=(--previous "$d/log")
  done
  local size
  size=$(du -sb "$d/bundles" | cut -f1)
  echo
  echo "== fleet: log verify --bundles, $count releases of $items items, $(awk -v b="$size" 'BEGIN { printf "%.2f GB", b / 1e9 }') in $d/bundles (gen_corpus small $items 8192)"
  cat "$d"/bundles/*.zip >/dev/null # warm the page cache
  local v=("$intact" log verify "$d/log" --bundles "$d/bundles" --trust "$trust" --quiet)
  measure fleet1 "${v[@]}" --memory-limit 0
  measure fleetn "${v[@]}"
  measure fleet4 "${v[@]}" --parallel 4
  measure fleet64 "${v[@]}" --parallel 8 --memory-limit 64M
  local r
  r=$(ratio "${T[fleet1]}" "${T[fleetn]}")
  row "one bundle at a time (--memory-limit 0)" "${T[fleet1]}" "peak RSS ${M[fleet1]} MB"
  row "at once (default 1 GiB, $(nproc) at a time)" "${T[fleetn]}" "${r}x faster; peak RSS ${M[fleetn]} MB"
  row "--parallel 4" "${T[fleet4]}" "$(ratio "${T[fleet1]}" "${T[fleet4]}")x faster; peak RSS ${M[fleet4]} MB"
  row "--parallel 8 --memory-limit 64M" "${T[fleet64]}" "$(ratio "${T[fleet1]}" "${T[fleet64]}")x faster; peak RSS ${M[fleet64]} MB"
  summary+=("log verify --bundles, $count releases: several at once / one at a time  ${r}x faster, peak RSS ${M[fleetn]} MB against ${M[fleet1]} MB")
  [ "$keep" = 1 ] || rm -rf "$d"
}

[ "$net_only" = 1 ] && { [ "$mode" = quick ] && net_quick=1; mode=net-only; }
[ "$hostile_only" = 1 ] && mode=hostile-only
[ "$gate_only" = 1 ] && mode=gate-only
if [ "$tree_only" = 1 ]; then
  echo "intact benchmark (tree-only, $mode size, best of $runs runs, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
  if [ "$mode" = quick ]; then
    bench_tree mixed mixed 2000 150000000
    bench_tree tiny tiny 2000 4096
  else
    bench_tree mixed mixed 20000 1500000000
    bench_tree tiny tiny 20000 4096
  fi
  echo
  echo "== targets"
  for s in "${summary[@]}"; do echo "  $s"; done
  exit 0
fi
echo "intact benchmark ($mode mode, best of $runs runs, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
if [ "$fleet_only" = 1 ]; then
  if [ "$mode" = quick ]; then bench_fleet 10 500; else bench_fleet 50 2000; fi
  echo
  echo "== targets"
  for s in "${summary[@]}"; do echo "  $s"; done
  exit 0
fi
if [ "$site_only" = 1 ]; then
  if [ "$mode" = quick ]; then bench_site 10000; else bench_site 100000; fi
  echo
  echo "== targets"
  for s in "${summary[@]}"; do echo "  $s"; done
  exit 0
fi
if [ "$net_only" = 1 ]; then
  if [ "$mode" = quick ] || [ "${net_quick:-0}" = 1 ]; then
    bench_net quick 2000 220000000
  else
    bench_net full 20000 2200000000
  fi
elif [ "$gate_only" = 1 ]; then
  bench_gate
elif [ "$hostile_only" = 1 ]; then
  :
elif [ "$mode" = full ]; then
  bench mixed mixed 20000 1500000000
  bench tiny tiny 20000 4096
  bench items small 100000 8192
  bench_site 100000
else
  bench mixed mixed 2000 150000000
  bench tiny tiny 2000 4096
  bench items small 10000 8192
  bench_site 10000
fi
[ "$big" = 1 ] && bench_big
[ "$gate_only" = 1 ] || [ "$hostile_only" = 1 ] || [ "$net_only" = 1 ] || bench_gate

# Blind mutation (FORMAT.md §2.10): seeded bit flips, insertions, deletions and chunk copies of
# a good bundle, each verified in process; the test command runs 3,000, this run more.
if [ -z "$mutants" ]; then
  mutants=20000
  [ "$mode" = quick ] && mutants=2000
  [ "$gate_only" = 1 ] || [ "$hostile_only" = 1 ] || [ "$net_only" = 1 ] && mutants=0
fi
if [ "$mutants" -gt 0 ]; then
  echo
  echo "== blind mutants of tests/vectors/v1-small/bundle.zip"
  s=$(date +%s.%N)
  set +e
  "$target/release/examples/mutants" tests/vectors/v1-small/bundle.zip "$trust" "$mutants" 2026 \
    "$(nproc)" >"$work/mutants" 2>&1
  status=$?
  set -e
  e=$(date +%s.%N)
  head -20 "$work/mutants"
  row "$mutants blind mutants verified" "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')" ""
  valid=$(awk 'NR == 1 { print $3 }' "$work/mutants")
  [ "$status" -le 1 ] && [ -n "$valid" ] || { echo "bench.sh: the mutant run failed" >&2; exit 1; }
  summary+=("blind mutants still valid ($mutants)     $valid  (target 0: $([ "$valid" = 0 ] && echo met || echo MISSED))")
fi
[ "$gate_only" = 1 ] || [ "$net_only" = 1 ] || bench_hostile

echo
if [ "$gate_only" = 0 ] && [ "$hostile_only" = 0 ]; then
  echo "== ZIP64 boundary vectors (tests/vectors/zip64: 65,534 and 65,535 entries, pinned by SHA-256)"
  cargo test -q -p intact-cli --test it vectors_zip64 -- --ignored
  echo
fi
echo "== targets"
for s in "${summary[@]}"; do echo "  $s"; done

#!/bin/bash
# Runs every benchmark of tests/bench/ and prints litrev next to its peers.
#
#   tests/bench/run.sh            build, generate inputs, run, print the table
#
# Settings (environment variables):
#   BUILD=/work/main/build-bench   build dir (Release; its own, not the dev one)
#   OUT=tests/bench/out            inputs, databases and results (git-ignored)
#   PARSE_MB=300                   parse input, MB of XML (the "1x" file)
#   RSS_FACTOR=4                   the larger file for the flat-memory check
#   BIO_RECORDS=5000               Biopython input (same composition, smaller)
#   INDEX_RECORDS=20000            indexing input
#   REPEAT=3                       runs per measurement (best and median shown)
#   REGEN=1                        regenerate inputs even if present
#
# What is compared (README.md explains each):
#   parse:  litrev PubmedXmlReader vs Biopython Bio.Entrez (target >= 50x) and
#           vs pugixml load_buffer_inplace alone (target >= 0.5x);
#           peak RSS on the 1x and the RSS_FACTORx file (should stay flat);
#   index:  litrev Index::upsert vs a raw Xapian program (target >= 0.8x),
#           and the whole import (hash, parse twice, copy, index).
# Runs of different tools are interleaved (A B A B ...) so drift on the VM hits
# both sides alike. No timing here is an assertion; the script always exits 0
# once everything ran.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
BUILD="${BUILD:-$SRC/build-bench}"
OUT="${OUT:-$HERE/out}"
PARSE_MB="${PARSE_MB:-300}"
RSS_FACTOR="${RSS_FACTOR:-4}"
BIO_RECORDS="${BIO_RECORDS:-5000}"
INDEX_RECORDS="${INDEX_RECORDS:-20000}"
REPEAT="${REPEAT:-3}"
REGEN="${REGEN:-0}"
PY=/usr/bin/python3

mkdir -p "$OUT"
RESULTS="$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
: > "$RESULTS"
log() { echo "[run.sh $(date +%H:%M:%S)] $*" >&2; }

# The VM has 2 cores; anything else running skews the absolute figures (the
# interleaved ratios less so). The load average is printed with the results.
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- build -------------------------------------------------------------------
log "building bench_parse bench_index in $BUILD (Release)"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release > "$OUT/cmake-configure.log" 2>&1 ||
  { cat "$OUT/cmake-configure.log"; exit 1; }
cmake --build "$BUILD" -j2 --target bench_parse bench_index > "$OUT/cmake-build.log" 2>&1 ||
  { tail -50 "$OUT/cmake-build.log"; exit 1; }
BENCH_PARSE="$BUILD/tests/bench/bench_parse"
BENCH_INDEX="$BUILD/tests/bench/bench_index"

# --- inputs (deterministic, so kept between runs) ----------------------------
BIG_MB=$((PARSE_MB * RSS_FACTOR))
PARSE_1X="$OUT/pubmed_${PARSE_MB}mb.xml"
PARSE_NX="$OUT/pubmed_${BIG_MB}mb.xml"
PARSE_GZ="$OUT/pubmed_${PARSE_MB}mb.xml.gz"
BIO_FILE="$OUT/pubmed_${BIO_RECORDS}rec.xml"
INDEX_FILE="$OUT/pubmed_${INDEX_RECORDS}rec.xml"
gen() { # gen FILE ARGS...
  local file="$1"
  shift
  if [[ "$REGEN" == 1 || ! -s "$file" ]]; then
    log "generating $file"
    "$PY" "$HERE/gen_pubmed.py" "$@" --out "$file"
  fi
}
gen "$PARSE_1X" --mb "$PARSE_MB"
gen "$PARSE_NX" --mb "$BIG_MB"
gen "$PARSE_GZ" --mb "$PARSE_MB" --gzip
gen "$BIO_FILE" --records "$BIO_RECORDS"
gen "$INDEX_FILE" --records "$INDEX_RECORDS"

# Reading the inputs once puts them in the page cache, so every run reads from
# memory and the first run is not penalised.
cat "$PARSE_1X" "$PARSE_GZ" "$BIO_FILE" "$INDEX_FILE" > /dev/null

# run LABEL CMD...: runs one measurement, tags its JSON line with LABEL.
run() {
  local label="$1"
  shift
  local line
  line="$("$@")"
  echo "$line" | "$PY" -c 'import json,sys; j=json.loads(sys.stdin.read()); j["label"]=sys.argv[1]; print(json.dumps(j))' "$label" >> "$RESULTS"
  echo "  $label: $line" >&2
}

# --- parsing -----------------------------------------------------------------
log "parse: litrev vs pugixml on $PARSE_1X, $REPEAT rounds, interleaved"
for i in $(seq "$REPEAT"); do
  run parse-litrev-1x "$BENCH_PARSE" litrev "$PARSE_1X"
  run parse-pugixml-1x "$BENCH_PARSE" pugixml "$PARSE_1X"
done

log "parse: litrev vs Biopython on $BIO_FILE, $REPEAT rounds, interleaved"
for i in $(seq "$REPEAT"); do
  run parse-litrev-bio "$BENCH_PARSE" litrev "$BIO_FILE"
  run parse-biopython-bio "$PY" "$HERE/bench_parse_biopython.py" "$BIO_FILE"
done

log "parse: flat memory, ${RSS_FACTOR}x file ($PARSE_NX), and the gzip input"
cat "$PARSE_NX" > /dev/null
run parse-litrev-nx "$BENCH_PARSE" litrev "$PARSE_NX"
run parse-pugixml-nx "$BENCH_PARSE" pugixml "$PARSE_NX"
run parse-litrev-gz "$BENCH_PARSE" litrev "$PARSE_GZ"

# --- indexing ----------------------------------------------------------------
log "index: raw Xapian vs litrev Index vs full import, $INDEX_FILE, $REPEAT rounds, interleaved"
for i in $(seq "$REPEAT"); do
  for mode in raw litrev import; do
    rm -rf "$OUT/index-$mode"
    cat "$INDEX_FILE" > /dev/null
    run "index-$mode" "$BENCH_INDEX" "$mode" "$INDEX_FILE" "$OUT/index-$mode"
    rm -rf "$OUT/index-$mode"
  done
done

# --- summary -----------------------------------------------------------------
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" - "$RESULTS" "$PARSE_MB" "$RSS_FACTOR" "$LOAD_START" "$LOAD_END" <<'EOF'
import json, statistics, sys

path, parse_mb, factor, load_start, load_end = sys.argv[1:6]
rows = [json.loads(l) for l in open(path) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r["label"], []).append(r)

def best(label, key):
    return max(r[key] for r in by[label])

def med(label, key):
    return statistics.median(r[key] for r in by[label])

def rates(label, key):
    return " ".join(f"{r[key]:.0f}" if r[key] >= 100 else f"{r[key]:.1f}" for r in by[label])

first = lambda label: by[label][0]
print()
print(f"Raw results: {path}")
print(f"Load average (1/5/15 min) at start: {load_start}; at end: {load_end} (2 cores)")
print()
print("PARSING (records/s and MB/s: best of runs; all runs listed)")
print(f"{'input':<34}{'tool':<12}{'records':>8}{'MB':>8}{'rec/s':>10}{'MB/s':>9}{'RSS MiB':>9}  runs (MB/s)")
def parse_row(label, name):
    r = first(label)
    print(f"{r['file'].split('/')[-1]:<34}{name:<12}{r['records']:>8}{r['bytes']/1e6:>8.1f}"
          f"{best(label,'records_per_s'):>10.0f}{best(label,'mb_per_s'):>9.1f}"
          f"{max(x['peak_rss_mb'] for x in by[label]):>9.1f}  {rates(label,'mb_per_s')}")
for label, name in [("parse-litrev-1x", "litrev"), ("parse-pugixml-1x", "pugixml"),
                    ("parse-litrev-bio", "litrev"), ("parse-biopython-bio", "biopython"),
                    ("parse-litrev-nx", "litrev"), ("parse-pugixml-nx", "pugixml"),
                    ("parse-litrev-gz", "litrev .gz")]:
    if label in by:
        parse_row(label, name)
print(f"(Biopython API used: {first('parse-biopython-bio').get('api')})")
print()

def verdict(x, target):
    return "meets" if x >= target else "MISSES"

print("RATIOS")
r_bio = best("parse-litrev-bio", "records_per_s") / best("parse-biopython-bio", "records_per_s")
r_bio_med = med("parse-litrev-bio", "records_per_s") / med("parse-biopython-bio", "records_per_s")
print(f"  litrev / Biopython, same {first('parse-biopython-bio')['records']}-record file (records/s): "
      f"{r_bio:.1f}x best, {r_bio_med:.1f}x median   target >= 50x: {verdict(r_bio, 50)}")
r_bio_big = best("parse-litrev-1x", "mb_per_s") / best("parse-biopython-bio", "mb_per_s")
print(f"  litrev on the {parse_mb} MB file / Biopython on the small one (MB/s): {r_bio_big:.1f}x")
r_pug = best("parse-litrev-1x", "mb_per_s") / best("parse-pugixml-1x", "mb_per_s")
r_pug_med = med("parse-litrev-1x", "mb_per_s") / med("parse-pugixml-1x", "mb_per_s")
print(f"  litrev / pugixml-only, {parse_mb} MB file (MB/s): {r_pug:.2f}x best, {r_pug_med:.2f}x median"
      f"   target >= 0.5x: {verdict(r_pug, 0.5)}")
r_pug_parse = best("parse-litrev-1x", "mb_per_s") / best("parse-pugixml-1x", "parse_mb_per_s")
print(f"  litrev / pugixml parse step alone (file already in memory): {r_pug_parse:.2f}x")
l1 = first("parse-litrev-1x")["peak_rss_mb"]; ln = first("parse-litrev-nx")["peak_rss_mb"]
p1 = first("parse-pugixml-1x")["peak_rss_mb"]; pn = first("parse-pugixml-nx")["peak_rss_mb"]
print(f"  peak RSS litrev: {l1:.1f} MiB (1x) -> {ln:.1f} MiB ({factor}x file): x{ln/l1:.2f}"
      f"   [pugixml DOM: {p1:.0f} -> {pn:.0f} MiB, x{pn/p1:.2f}]")
r_idx = best("index-litrev", "docs_per_s") / best("index-raw", "docs_per_s")
r_idx_med = med("index-litrev", "docs_per_s") / med("index-raw", "docs_per_s")
print(f"  index litrev / raw Xapian (docs/s): {r_idx:.2f}x best, {r_idx_med:.2f}x median"
      f"   target >= 0.8x: {verdict(r_idx, 0.8)}")
r_imp = best("index-import", "docs_per_s") / best("index-litrev", "docs_per_s")
print(f"  full import / litrev Index alone (docs/s): {r_imp:.2f}x")
print()
print("INDEXING (docs/s: best of runs; all runs listed)")
print(f"{'mode':<10}{'docs':>7}{'docs/s':>9}{'median':>9}{'RSS MiB':>9}{'after parse':>12}{'DB MB':>8}  runs (docs/s)")
for label in ["index-raw", "index-litrev", "index-import"]:
    r = first(label)
    print(f"{r['mode']:<10}{r['docs']:>7}{best(label,'docs_per_s'):>9.0f}{med(label,'docs_per_s'):>9.0f}"
          f"{max(x['peak_rss_mb'] for x in by[label]):>9.0f}"
          f"{(str(round(r['rss_after_preparse_mb'])) if 'rss_after_preparse_mb' in r else '-'):>12}"
          f"{r['db_mb']:>8.0f}  {rates(label,'docs_per_s')}")
raw = by["index-raw"]
print(f"  raw: JSON serialisation {statistics.median(x['json_seconds'] for x in raw):.2f} s of "
      f"{statistics.median(x['seconds'] for x in raw):.2f} s (median); pre-parse "
      f"{statistics.median(x['preparse_seconds'] for x in raw):.2f} s, untimed")
imp = by["index-import"]
print(f"  import: {statistics.median(x['mb_per_s'] for x in imp):.1f} MB/s of input "
      f"(hash + parse x2 + copy + index), XAPIAN_FLUSH_THRESHOLD={first('index-raw')['xapian_flush_threshold']}")
EOF

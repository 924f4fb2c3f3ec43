#!/bin/bash
# Search benchmarks (issue 5): realistic synthetic records (gen_realistic.py),
# indexing speed of litrev's Index next to the raw-Xapian program of the
# Foundation bench (bench_index raw), the whole import, index size, and query
# latency by class (bench_search, queries.tsv) with a warm cache.
#
#   tests/bench/run_search.sh
#
# Settings (environment variables):
#   BUILD=/work/main/build-bench   build dir (Release)
#   OUT=tests/bench/out/search     inputs and results (git-ignored)
#   RECORDS=100000                 records generated and imported
#   INDEX_RECORDS=20000            records for the raw-vs-litrev indexing pair
#   ROUNDS=20                      timed runs of each query
# No figure here is an assertion: the script exits 0 once everything ran.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
BUILD="${BUILD:-$SRC/build-bench}"
OUT="${OUT:-$HERE/out/search}"
RECORDS="${RECORDS:-100000}"
INDEX_RECORDS="${INDEX_RECORDS:-20000}"
ROUNDS="${ROUNDS:-20}"
log() { echo "[run_search.sh $(date +%H:%M:%S)] $*" >&2; }

mkdir -p "$OUT"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
log "building bench_index, bench_search and litrev in $BUILD (Release)"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DLITREV_BENCH=ON > "$OUT/cmake-configure.log" 2>&1 ||
  { cat "$OUT/cmake-configure.log"; exit 1; }
cmake --build "$BUILD" -j2 --target bench_index bench_search litrev > "$OUT/cmake-build.log" 2>&1 ||
  { tail -50 "$OUT/cmake-build.log"; exit 1; }

for n in "$INDEX_RECORDS" "$RECORDS"; do
  if [ ! -f "$OUT/realistic_$n.xml" ]; then
    log "generating $n records"
    /usr/bin/python3 "$HERE/gen_realistic.py" --records "$n" --out "$OUT/realistic_$n.xml"
  fi
done

log "indexing $INDEX_RECORDS records: raw Xapian (Foundation peer), then litrev Index"
for mode in raw litrev; do
  rm -rf "$OUT/db-$mode"
  sync
  "$BUILD/tests/bench/bench_index" "$mode" "$OUT/realistic_$INDEX_RECORDS.xml" "$OUT/db-$mode" | tee -a "$OUT/results.jsonl"
done

log "importing $RECORDS records with litrev import"
rm -rf "$OUT/review"
"$BUILD/tools/litrev" init "$OUT/review" > /dev/null
sync
start=$(date +%s%N)
"$BUILD/tools/litrev" -C "$OUT/review" import "$OUT/realistic_$RECORDS.xml" > /dev/null
end=$(date +%s%N)
size=$(du -sm "$OUT/review/index" | cut -f1)
ms=$(( (end - start) / 1000000 ))
echo "{\"mode\":\"import\",\"records\":$RECORDS,\"milliseconds\":$ms,\"docs_per_s\":$(( RECORDS * 1000 / ms )),\"index_mb\":$size}" |
  tee -a "$OUT/results.jsonl"

log "query latency on $RECORDS records, $ROUNDS runs per query after a warm-up"
"$BUILD/tests/bench/bench_search" "$OUT/review/index" "$HERE/queries.tsv" "$ROUNDS" | tee -a "$OUT/results.jsonl"
log "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
